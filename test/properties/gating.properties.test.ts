/**
 * Property tests of the reference gating, load estimator, CV² and dispatch/combine over random
 * small shapes (fast-check). Each property states an invariant of the paper's equations or of the
 * ops' documented contracts in ir/ops.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateGating } from '../../ir/reference/gating-api.ts';
import { cvSquared, gatingForward, loadEstimate, topkRows } from '../../ir/reference/gating.ts';
import { combine, dispatch, expertFfn } from '../../ir/reference/dispatch.ts';

/** A gating problem: N rows, n experts, k, and logits fed as clean = 1·wg (D = 1 per row via x = e_r). */
const shapeArb = fc
  .record({ N: fc.integer({ min: 1, max: 6 }), n: fc.integer({ min: 1, max: 8 }) })
  .chain(({ N, n }) => fc.record({ N: fc.constant(N), n: fc.constant(n), k: fc.integer({ min: 1, max: n }) }));

/** x = identity [N,N] and wg = logits [N,n], so clean = logits exactly. */
function identity(N: number): number[] {
  return Array.from({ length: N * N }, (_, i) => (i % (N + 1) === 0 ? 1 : 0));
}

const distinctLogits = (len: number) =>
  fc.uniqueArray(fc.integer({ min: -400, max: 400 }), { minLength: len, maxLength: len }).map((a) => a.map((v) => v / 64));

const problem = shapeArb.chain((s) => fc.record({ s: fc.constant(s), logits: distinctLogits(s.N * s.n) }));

/** Sort-based top-k: stable sort of column indices by (−value, index). */
function sortTopk(row: number[], k: number): number[] {
  return row
    .map((v, i) => [v, i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, k)
    .map((p) => p[1]);
}

describe('gating properties', () => {
  it('exactly k nonzero gates per row, nonnegative, summing to 1 (distinct logits)', () => {
    fc.assert(
      fc.property(problem, ({ s, logits }) => {
        const r = evaluateGating({ x: identity(s.N), wGate: logits, rows: s.N, width: s.N, experts: s.n, k: s.k });
        for (let row = 0; row < s.N; row++) {
          const g = [...r.denseGates.slice(row * s.n, (row + 1) * s.n)];
          expect(g.filter((v) => v !== 0).length).toBe(s.k);
          expect(g.every((v) => v >= 0)).toBe(true);
          expect(Math.abs(g.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-6);
        }
      }),
    );
  });

  it('selection equals a stable sort by (−value, index), with many ties', () => {
    const tied = shapeArb.chain((s) => fc.record({ s: fc.constant(s), v: fc.array(fc.integer({ min: -2, max: 2 }), { minLength: s.N * s.n, maxLength: s.N * s.n }) }));
    fc.assert(
      fc.property(tied, ({ s, v }) => {
        const t = topkRows(v, s.N, s.n, s.k);
        const g = gatingForward({ x: identity(s.N), wg: v, N: s.N, D: s.N, n: s.n, k: s.k, eps: 0, noisy: false, training: false, seed: 0, step: 0, stream: 0, rowOffset: 0 });
        for (let row = 0; row < s.N; row++) {
          const want = sortTopk(v.slice(row * s.n, (row + 1) * s.n), s.k);
          expect([...t.indices.slice(row * s.k, (row + 1) * s.k)]).toEqual(want);
          expect([...g.indices.slice(row * s.k, (row + 1) * s.k)]).toEqual(want);
          expect([...t.values.slice(row * s.k, (row + 1) * s.k)]).toEqual(want.map((i) => v[row * s.n + i]));
        }
      }),
    );
  });

  it('training load: every P in [0,1] and each expert load in [0, N]', () => {
    const arb = problem.chain((p) =>
      fc.record({ p: fc.constant(p), wn: fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: p.s.N * p.s.n, maxLength: p.s.N * p.s.n }), seed: fc.nat() }),
    );
    fc.assert(
      fc.property(arb, ({ p: { s, logits }, wn, seed }) => {
        const r = evaluateGating({ x: identity(s.N), wGate: logits, wNoise: wn, rows: s.N, width: s.N, experts: s.n, k: s.k, training: true, seed });
        for (const l of r.load) {
          expect(l).toBeGreaterThanOrEqual(0);
          expect(l).toBeLessThanOrEqual(s.N);
        }
        // per-row P's: run the estimator one row at a time
        for (let row = 0; row < s.N; row++) {
          const kk = Math.min(s.k + 1, s.n);
          const one = loadEstimate({
            clean: r.clean.slice(row * s.n, (row + 1) * s.n), sigma: r.sigma.slice(row * s.n, (row + 1) * s.n),
            topValues: r.topValues.slice(row * kk, (row + 1) * kk), indices: r.indices.slice(row * s.k, (row + 1) * s.k), N: 1, n: s.n, k: s.k,
          });
          for (const P of one) {
            expect(P).toBeGreaterThanOrEqual(0);
            expect(P).toBeLessThanOrEqual(1);
          }
        }
      }),
    );
  });

  it('eval mode: load equals the hard count of selections', () => {
    fc.assert(
      fc.property(problem, ({ s, logits }) => {
        const wn = logits.map((v) => -v);
        const r = evaluateGating({ x: identity(s.N), wGate: logits, wNoise: wn, rows: s.N, width: s.N, experts: s.n, k: s.k, training: false });
        const count = new Array(s.n).fill(0);
        for (const e of r.indices) count[e]++;
        expect([...r.load]).toEqual(count);
        expect([...r.sigma].every((v) => v === 0)).toBe(true);
      }),
    );
  });

  it('training with a vanishing noise scale: load approaches the hard count', () => {
    fc.assert(
      fc.property(problem, ({ s, logits }) => {
        // x = [I | 1], wNoise = [0; −80]: x·wNoise = −80 → sigma = softplus(−80) ≈ 1.8e-35 (eps = 0)
        const D = s.N + 1;
        const x = Array.from({ length: s.N * D }, (_, i) => (i % D === s.N ? 1 : i % D === Math.floor(i / D) ? 1 : 0));
        const wg = [...logits, ...new Array(s.n).fill(0)];
        const wn = [...new Array(s.N * s.n).fill(0), ...new Array(s.n).fill(-80)];
        const r = evaluateGating({ x, wGate: wg, wNoise: wn, rows: s.N, width: D, experts: s.n, k: s.k, training: true, eps: 0, seed: 3 });
        expect([...r.sigma].every((v) => v > 0 && v < 1e-30)).toBe(true);
        const count = new Array(s.n).fill(0);
        for (const e of r.indices) count[e]++;
        r.load.forEach((l, e) => expect(Math.abs(l - count[e])).toBeLessThan(1e-6));
      }),
    );
  });

  it('eval mode gives no NaN with huge or negative logits', () => {
    // finite only: x·Wg with an infinite weight is NaN by IEEE (0·∞) before gating even starts
    const wild = fc.oneof(
      fc.constantFrom(3.4e38, -3.4e38, 3e38, -3e38, 1e30, -1e30, 0, -0),
      fc.double({ min: -3e38, max: 3e38, noNaN: true }),
    );
    const arb = shapeArb.chain((s) => fc.record({ s: fc.constant(s), v: fc.array(wild, { minLength: s.N * s.n, maxLength: s.N * s.n }) }));
    fc.assert(
      fc.property(arb, ({ s, v }) => {
        const r = evaluateGating({ x: identity(s.N), wGate: v, wNoise: v, rows: s.N, width: s.N, experts: s.n, k: s.k });
        for (const arr of [r.gates, r.denseGates, r.importance, r.load]) expect([...arr].some(Number.isNaN)).toBe(false);
        expect(Number.isNaN(r.loss)).toBe(false);
        for (let row = 0; row < s.N; row++) {
          const sum = [...r.gates.slice(row * s.k, (row + 1) * s.k)].reduce((a, b) => a + b, 0);
          expect(Math.abs(sum - 1)).toBeLessThan(1e-6);
        }
      }),
    );
  });

  it('same seed → same bits; a different seed → different noise', () => {
    fc.assert(
      fc.property(problem, fc.nat(), fc.nat(), ({ s, logits }, seedA, seedB) => {
        fc.pre(seedA !== seedB);
        const run = (seed: number) =>
          gatingForward({ x: identity(s.N), wg: logits, wn: logits, N: s.N, D: s.N, n: s.n, k: s.k, eps: 0.01, noisy: true, training: true, seed, step: 1, stream: 2, rowOffset: 0 });
        const a = run(seedA);
        expect(run(seedA).noisy).toEqual(a.noisy);
        expect(run(seedA).gates).toEqual(a.gates);
        const b = run(seedB);
        expect([...a.noisy].some((v, i) => v !== b.noisy[i])).toBe(true);
      }),
    );
  });
});

describe('CV² properties', () => {
  it('CV² ≥ 0, and 0 for constant vectors', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 16 }), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.integer({ min: 1, max: 16 }), (v, c, m) => {
        expect(cvSquared(v)).toBeGreaterThanOrEqual(0);
        expect(cvSquared(new Array(m).fill(c))).toBe(0);
      }),
    );
  });
});

describe('dispatch / combine properties', () => {
  const routing = shapeArb.chain((s) => fc.record({ s: fc.constant(s), logits: distinctLogits(s.N * s.n) }));

  it('dispatch is a stable permutation with offsets consistent with counts', () => {
    fc.assert(
      fc.property(routing, ({ s, logits }) => {
        const idx = topkRows(logits, s.N, s.n, s.k).indices;
        const d = dispatch(idx, s.N, s.k, s.n);
        const S = s.N * s.k;
        expect(new Set(d.position).size).toBe(S);
        expect([...d.position].every((p) => p >= 0 && p < S)).toBe(true);
        expect(d.offsets[0]).toBe(0);
        expect(d.offsets[s.n]).toBe(S);
        for (let e = 0; e < s.n; e++) expect(d.offsets[e + 1]! - d.offsets[e]!).toBe([...idx].filter((v) => v === e).length);
        let prev = -1;
        let prevE = -1;
        const pairs = [...d.position].map((p, i) => ({ p, row: Math.floor(i / s.k), e: idx[i]! })).sort((a, b) => a.p - b.p);
        for (const { p, row, e } of pairs) {
          expect(d.sourceRow[p]).toBe(row);
          expect(p >= d.offsets[e]! && p < d.offsets[e + 1]!).toBe(true);
          if (e === prevE) expect(row).toBeGreaterThanOrEqual(prev); // (row, j) order within an expert
          prev = row;
          prevE = e;
        }
      }),
    );
  });

  it('identity experts: combine(expertFfn(dispatch(x))) = x·Σgates = x for x ≥ 0', () => {
    const arb = routing.chain((r) =>
      fc.record({ r: fc.constant(r), D: fc.integer({ min: 1, max: 4 }) }).chain(({ r, D }) =>
        fc.record({ r: fc.constant(r), D: fc.constant(D), x: fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: r.s.N * D, maxLength: r.s.N * D }) }),
      ),
    );
    fc.assert(
      fc.property(arb, ({ r: { s, logits }, D, x }) => {
        const { N, n, k } = s;
        const g = gatingForward({ x: identity(N), wg: logits, N, D: N, n, k, eps: 0, noisy: false, training: false, seed: 0, step: 0, stream: 0, rowOffset: 0 }, 'f64');
        const d = dispatch(g.indices, N, k, n);
        const eye = Array.from({ length: D * D }, (_, i) => (i % (D + 1) === 0 ? 1 : 0));
        const w = Array.from({ length: n }, () => eye).flat();
        const zero = new Array(n * D).fill(0);
        const y = expertFfn({ x, sourceRow: d.sourceRow, offsets: d.offsets, w1: w, b1: zero, w2: w, b2: zero, N, D, H: D, Dout: D, n }, 'f64');
        const out = combine(y, N * k, D, d.position, g.gates, N, k, 'f64');
        for (let row = 0; row < N; row++) {
          let gs = 0;
          for (let j = 0; j < k; j++) gs += g.gates[row * k + j]!;
          for (let c = 0; c < D; c++) {
            expect(out[row * D + c]).toBeCloseTo(x[row * D + c]! * gs, 12);
            expect(out[row * D + c]).toBeCloseTo(x[row * D + c]!, 12);
          }
        }
      }),
    );
  });
});
