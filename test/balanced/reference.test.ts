/**
 * Properties of the strictly balanced gating reference (ir/reference/balanced.ts) with fast-check:
 * in training every expert gets exactly m = k·N/n rows, the selection equals an independent
 * column-wise stable sort (ties → lower row, forced by integer-valued logits), routing lists are
 * ascending then −1, gates are ≥ 0 and sum to 1 on rows with an expert (0 elsewhere); in
 * evaluation the mask is L > T. The threshold loss is ≥ 0 and its T-gradient is −Σ(M_t − M_b).
 * Also the "expert −1 = no expert" extension of dispatch/combine/expert grads, the shape rule's
 * divisibility error and the DSL's build-time error naming the layer, the shapes and the fix.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { balancedGating, batchwiseMask, maskFromIndices, thresholdLoss, thresholdLossGrad, thresholdMask, balancedGatingGrad } from '../../ir/reference/balanced.ts';
import { combine, dispatch, expertFfn } from '../../ir/reference/dispatch.ts';
import { expertHiddenGrad } from '../../ir/reference/experts.ts';
import { moeCombineGrad } from '../../ir/reference/grad-moe.ts';
import { importance } from '../../ir/reference/gating.ts';
import { inferOutputTypes } from '../../ir/infer.ts';
import { traceModel } from '../../frontend/model.ts';
import model from '../../examples/balanced-moe-lm.ts';

/** A batch: N rows, n experts, k | with k·N divisible by n; x [N,D], wg [D,n] small integers (ties). */
const batch = fc
  .record({ n: fc.integer({ min: 1, max: 6 }), k0: fc.nat(), mult: fc.integer({ min: 1, max: 5 }), D: fc.integer({ min: 1, max: 3 }), seed: fc.integer() })
  .chain(({ n, k0, mult, D }) => {
    const k = 1 + (k0 % n);
    const N = n * mult; // k·N divisible by n
    return fc.record({
      n: fc.constant(n),
      k: fc.constant(k),
      N: fc.constant(N),
      D: fc.constant(D),
      x: fc.array(fc.integer({ min: -2, max: 2 }), { minLength: N * D, maxLength: N * D }),
      wg: fc.array(fc.integer({ min: -2, max: 2 }), { minLength: D * n, maxLength: D * n }),
      thr: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: n, maxLength: n }),
    });
  });

describe('balanced gating reference', () => {
  it('training: every expert gets exactly m rows, selection = column-wise stable sort, valid routing lists and gates', () => {
    fc.assert(
      fc.property(batch, ({ n, k, N, D, x, wg, thr }) => {
        const m = (k * N) / n;
        const r = balancedGating({ x, wg, thresholds: thr, N, D, n, m, training: true }, 'f64');
        expect(Array.from(r.load)).toEqual(Array(n).fill(m));
        // independent column-wise sort
        for (let i = 0; i < n; i++) {
          const order = Array.from({ length: N }, (_, row) => row).sort((a, b) => r.logits[b * n + i]! - r.logits[a * n + i]! || a - b);
          const chosen = new Set(order.slice(0, m));
          for (let row = 0; row < N; row++) expect(r.mask[row * n + i]).toBe(chosen.has(row) ? 1 : 0);
        }
        expect(Array.from(maskFromIndices(r.indices, N, n, n))).toEqual(Array.from(r.mask));
        let total = 0;
        for (let row = 0; row < N; row++) {
          const ids = Array.from(r.indices.subarray(row * n, row * n + n));
          const used = ids.filter((e) => e >= 0);
          total += used.length;
          expect(ids).toEqual([...used, ...Array(n - used.length).fill(-1)]);
          expect(used).toEqual([...used].sort((a, b) => a - b));
          const g = Array.from(r.gates.subarray(row * n, row * n + n));
          expect(g.every((v) => v >= 0)).toBe(true);
          g.slice(used.length).forEach((v) => expect(v).toBe(0));
          const s = g.reduce((a, b) => a + b, 0);
          if (used.length > 0) expect(s).toBeCloseTo(1, 12);
          else expect(s).toBe(0);
        }
        expect(total).toBe(k * N);
      }),
      { numRuns: 200 },
    );
  });

  it('evaluation: a row uses expert i exactly when L > T_i', () => {
    fc.assert(
      fc.property(batch, ({ n, k, N, D, x, wg, thr }) => {
        const r = balancedGating({ x, wg, thresholds: thr, N, D, n, m: (k * N) / n, training: false }, 'f64');
        for (let row = 0; row < N; row++) for (let i = 0; i < n; i++) expect(r.mask[row * n + i]).toBe(r.logits[row * n + i]! > thr[i]! ? 1 : 0);
        expect(Array.from(r.load)).toEqual(Array.from({ length: n }, (_, i) => Array.from({ length: N }, (_, row) => r.mask[row * n + i]!).reduce((a, b) => a + b, 0)));
      }),
      { numRuns: 200 },
    );
  });

  it('threshold loss is ≥ 0, 0 when the masks agree, and its gradient is −Σ(M_t − M_b)', () => {
    fc.assert(
      fc.property(batch, ({ n, k, N, D, x, wg, thr }) => {
        const m = (k * N) / n;
        const r = balancedGating({ x, wg, thresholds: thr, N, D, n, m, training: true }, 'f64');
        const L = thresholdLoss(r.logits, thr, r.indices, N, n, n);
        expect(L).toBeGreaterThanOrEqual(0);
        const mt = thresholdMask(r.logits, thr, N, n);
        const g = thresholdLossGrad(r.logits, thr, r.indices, 2, N, n, n, 'f64');
        for (let i = 0; i < n; i++) {
          let d = 0;
          for (let row = 0; row < N; row++) d += mt[row * n + i]! - r.mask[row * n + i]!;
          expect(g[i]).toBe(-2 * d);
        }
        const ev = balancedGating({ x, wg, thresholds: thr, N, D, n, m, training: false }, 'f64');
        expect(thresholdLoss(ev.logits, thr, ev.indices, N, n, n)).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it('ties go to the lower row; NaN sorts last', () => {
    expect(Array.from(batchwiseMask([1, 1, 1, 1], 4, 1, 2))).toEqual([1, 1, 0, 0]);
    expect(Array.from(batchwiseMask([NaN, 0, 2, NaN], 4, 1, 3))).toEqual([1, 1, 1, 0]); // 2, 0, then the first NaN
  });

  it('gating grad: softmax vjp over the used experts, 0 for padding and unused experts', () => {
    const d = balancedGatingGrad([0.25, 0.75, 0, 0, 0, 0], [0, 2, -1, -1, -1, -1], [1, 3, 9, 9, 9, 9], 2, 3, 3, 'f64');
    const dot = 0.25 * 1 + 0.75 * 3;
    expect(Array.from(d)).toEqual([0.25 * (1 - dot), 0, 0.75 * (3 - dot), 0, 0, 0]);
  });
});

describe('expert −1 (no expert) in the dispatch family', () => {
  it('dispatch skips −1 pairs; combine, expert FFN and grads ignore them; ordinary indices unchanged', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.integer(), (N, k, n, seed) => {
        let s = seed >>> 0;
        const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
        const idx = Array.from({ length: N * k }, () => Math.floor(rnd() * (n + 1)) - 1); // −1 .. n−1
        const d = dispatch(idx, N, k, n);
        const real = idx.filter((e) => e >= 0).length;
        expect(d.offsets[n]).toBe(real);
        // the same as dispatching only the real pairs
        idx.forEach((e, p) => {
          if (e < 0) expect(d.position[p]).toBe(-1);
          else {
            const slot = d.position[p]!;
            expect(d.sourceRow[slot]).toBe(Math.floor(p / k));
            expect(slot).toBeGreaterThanOrEqual(d.offsets[e]!);
            expect(slot).toBeLessThan(d.offsets[e + 1]!);
          }
        });
        for (let slot = real; slot < N * k; slot++) expect(d.sourceRow[slot]).toBe(-1);
        const D = 2;
        const H = 2;
        const x = Array.from({ length: N * D }, rnd);
        const w1 = Array.from({ length: n * D * H }, rnd);
        const w2 = Array.from({ length: n * H * D }, rnd);
        const b1 = Array(n * H).fill(0.1);
        const b2 = Array(n * D).fill(0.2);
        const y = expertFfn({ x, sourceRow: d.sourceRow, offsets: d.offsets, w1, b1, w2, b2, N, D, H, Dout: D, n }, 'f64');
        for (let i = real * D; i < N * k * D; i++) expect(y[i]).toBe(0);
        const gates = Array.from({ length: N * k }, rnd);
        const out = combine(y, N * k, D, d.position, gates, N, k, 'f64');
        for (let r = 0; r < N; r++) {
          for (let o = 0; o < D; o++) {
            let want = 0;
            for (let j = 0; j < k; j++) if (d.position[r * k + j]! >= 0) want += gates[r * k + j]! * y[d.position[r * k + j]! * D + o]!;
            expect(out[r * D + o]).toBeCloseTo(want, 12);
          }
        }
        const cg = moeCombineGrad(Array(N * D).fill(1), y, N * k, D, d.position, gates, N, k, 'f64');
        idx.forEach((e, p) => e < 0 && expect(cg.dgates[p]).toBe(0));
        expect(() => expertHiddenGrad({ x, sourceRow: d.sourceRow, offsets: d.offsets, position: d.position, w1, hidden: new Float64Array(N * k * H), dhidden: new Float64Array(N * k * H), N, D, H, n, k }, 'f64')).not.toThrow();
        const imp = importance(gates, idx, N, k, n, 'f64');
        expect(imp.length).toBe(n);
      }),
      { numRuns: 200 },
    );
    expect(() => dispatch([-2], 1, 1, 3)).toThrow(/expert index -2 at \[0,0\] is out of range/);
  });
});

describe('build-time checks', () => {
  it('the shape rule requires m = k·N/n', () => {
    const f32 = (shape: number[]) => ({ dtype: 'f32' as const, shape });
    expect(() => inferOutputTypes('balancedGating', { n: 4, k: 1, m: 2 }, [f32([6, 3]), f32([3, 4]), f32([4])], 'node #0 balancedGating (layer moe0)')).toThrow(
      /node #0 balancedGating \(layer moe0\): m = 2 must equal k·N\/n = 1·6\/4 \(k·N must be divisible by n\)/,
    );
  });

  it('the DSL names the layer, the shapes and the fix when k·T·B is not divisible by n', () => {
    expect(() => traceModel(model, { T: 3, B: 5, experts: 8, k: 2 })).toThrow(
      /moe0: balanced gating gives each expert m = k·N\/n rows, but k·N = 2·15 \(N = T·B = 3·5 \(input \[3, 5, 32\]\)\) is not divisible by n = 8 experts; make T·B a multiple of n\/gcd\(n,k\) = 4 \(e\.g\. B = 8\)/,
    );
    expect(() => traceModel(model, { T: 4, B: 5, experts: 8, k: 2 })).not.toThrow();
  });
});
