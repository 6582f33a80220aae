/**
 * The hierarchical MoE (paper App. B) on the CPU reference: fast-check properties of
 * secondaryGatingForward (exactly k1·k2 nonzero product gates per row, gates ≥ 0 summing to 1,
 * global ids g·b + j inside the row's selected groups, agreement with a flat gatingForward over
 * each group's logits) and hierLoadEstimate (every entry in [0, N], 0 for unchosen groups, equal
 * to the hard count in evaluation, no NaN); the DSL layer's errors; and the compile pipeline:
 * batching over time + fusion leave one `gating` and one `secondaryGating` and change no output.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gatingForward } from '../../ir/reference/gating.ts';
import { normalDraw } from '../../ir/rng.ts';
import { hierLoadEstimate, secondaryGatingForward, type SecondaryGatingArgs } from '../../ir/reference/hierarchical.ts';
import { TraceContext } from '../../frontend/builder.ts';
import { moe } from '../../frontend/layers.ts';
import { compileGraph } from '../../compiler/pipeline.ts';
import { countOps, expectSameOutputs } from '../passes/helpers.ts';
import { rng } from '../autodiff/helpers.ts';

const caseArb = fc
  .record({ N: fc.integer({ min: 1, max: 6 }), D: fc.integer({ min: 1, max: 4 }), a: fc.integer({ min: 1, max: 5 }), b: fc.integer({ min: 1, max: 6 }), seed: fc.integer({ min: 1, max: 1e6 }), training: fc.boolean(), noisy: fc.boolean() })
  .chain((s) => fc.record({ s: fc.constant(s), k1: fc.integer({ min: 1, max: s.a }), k2: fc.integer({ min: 1, max: s.b }) }));

/** A random problem: primary selection = k1 distinct groups per row, softmax-like gates. */
function problem(s: { N: number; D: number; a: number; b: number; seed: number; training: boolean; noisy: boolean }, k1: number, k2: number): SecondaryGatingArgs {
  const r = rng(s.seed);
  const u = (n: number, lo = -1, hi = 1) => Array.from({ length: n }, () => lo + (hi - lo) * r());
  const pi: number[] = [];
  const pg: number[] = [];
  for (let row = 0; row < s.N; row++) {
    const perm = [...Array(s.a).keys()].sort(() => r() - 0.5).slice(0, k1);
    const w = u(k1, 0.1, 1);
    const tot = w.reduce((x, y) => x + y, 0);
    pi.push(...perm);
    pg.push(...w.map((v) => v / tot));
  }
  return {
    x: u(s.N * s.D), wg2: u(s.a * s.D * s.b, -2, 2), ...(s.noisy ? { wn2: u(s.a * s.D * s.b) } : {}),
    primaryIndices: pi, primaryGates: Float32Array.from(pg), N: s.N, D: s.D, a: s.a, b: s.b, k1, k2,
    noisy: s.noisy, eps: 0.01, training: s.training, seed: s.seed % 1000, step: 3, stream: 7, rowOffset: 5,
  };
}

describe('secondaryGating reference', () => {
  it('k1·k2 nonzero product gates per row, ≥ 0, summing to 1, ids inside the chosen groups', () => {
    fc.assert(
      fc.property(caseArb, ({ s, k1, k2 }) => {
        const p = problem(s, k1, k2);
        const r = secondaryGatingForward(p);
        const K = k1 * k2;
        for (let row = 0; row < s.N; row++) {
          const g = Array.from(r.gates.slice(row * K, row * K + K));
          const ids = Array.from(r.indices.slice(row * K, row * K + K));
          expect(g.every((v) => v >= 0)).toBe(true);
          expect(Math.abs(g.reduce((x, y) => x + y, 0) - 1)).toBeLessThan(1e-5);
          expect(new Set(ids).size).toBe(K); // distinct experts, so exactly K nonzero products
          ids.forEach((id, i) => {
            const slot = Math.floor(i / k2);
            expect(Math.floor(id / s.b)).toBe(p.primaryIndices[row * k1 + slot]);
            expect(id % s.b).toBe(r.localIndices[row * K + i]);
          });
        }
      }),
      { numRuns: 200 },
    );
  });

  it('equals a flat gatingForward over each (row, slot) group with noise column s·b + j', () => {
    fc.assert(
      fc.property(caseArb, ({ s, k1, k2 }) => {
        const p = problem(s, k1, k2);
        const r = secondaryGatingForward(p);
        const kt = Math.min(k2 + 1, s.b);
        for (let row = 0; row < s.N; row++) {
          for (let slot = 0; slot < k1; slot++) {
            const g = p.primaryIndices[row * k1 + slot]!;
            const pick = (w: ArrayLike<number>) => Array.from({ length: s.D * s.b }, (_, i) => w[g * s.D * s.b + i]!);
            // The flat gating would draw column j; feed it the secondary draw of column slot·b + j explicitly.
            const flat = gatingForward({
              x: Array.from(p.x).slice(row * s.D, row * s.D + s.D), wg: pick(p.wg2), ...(p.wn2 ? { wn: pick(p.wn2) } : {}),
              N: 1, D: s.D, n: s.b, k: k2, eps: p.eps, noisy: p.noisy, training: p.training, seed: p.seed, step: p.step, stream: p.stream, rowOffset: 0,
              ...(p.noisy && p.training ? { noise: Array.from({ length: s.b }, (_, j) => drawAt(p, row, slot * s.b + j)) } : {}),
            });
            const q = row * k1 + slot;
            expect(Array.from(r.clean.slice(q * s.b, (q + 1) * s.b))).toEqual(Array.from(flat.clean));
            expect(Array.from(r.topValues.slice(q * kt, (q + 1) * kt))).toEqual(Array.from(flat.topValues));
            expect(Array.from(r.localIndices.slice(q * k2, (q + 1) * k2))).toEqual(Array.from(flat.indices));
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});

/** The f32 normal draw the secondary gating uses at (row, col). */
function drawAt(p: SecondaryGatingArgs, row: number, col: number): number {
  return Math.fround(normalDraw({ seed: p.seed, stream: p.stream, step: p.step, row: p.rowOffset + row, col }));
}

describe('hierLoadEstimate reference', () => {
  it('entries in [0, N]; 0 for groups no row chose; the hard count in evaluation', () => {
    fc.assert(
      fc.property(caseArb, ({ s, k1, k2 }) => {
        const p = problem(s, k1, k2);
        const r = secondaryGatingForward(p);
        // Primary load: hard count (as in evaluation) or a smooth stand-in in [0, N].
        const count = new Float64Array(s.a);
        for (let q = 0; q < s.N * k1; q++) count[p.primaryIndices[q]!]! += 1;
        const rr = rng(s.seed + 1);
        const primaryLoad = p.training ? Float32Array.from(count, (c) => (c > 0 ? c * (0.5 + rr()) : rr())) : Float32Array.from(count);
        const args = { primaryLoad, primaryIndices: p.primaryIndices, clean: r.clean, sigma: r.sigma, topValues: r.topValues, localIndices: r.localIndices, N: s.N, a: s.a, b: s.b, k1, k2 };
        const load = hierLoadEstimate(args);
        for (let g = 0; g < s.a; g++) {
          for (let j = 0; j < s.b; j++) {
            const v = load[g * s.b + j]!;
            expect(Number.isFinite(v)).toBe(true);
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(Math.max(primaryLoad[g]!, 0) + 1e-5);
            if (count[g] === 0) expect(v).toBe(0);
          }
        }
        const sigmaZero = !(p.noisy && p.training);
        if (sigmaZero && !p.training) {
          const hard = new Float64Array(s.a * s.b);
          for (const id of r.indices) hard[id]! += 1;
          expect(Array.from(load)).toEqual(Array.from(hard));
          expect(Array.from(load).reduce((x, y) => x + y, 0)).toBe(s.N * k1 * k2);
        }
      }),
      { numRuns: 200 },
    );
  });
});

/** A tiny hierarchical MoE graph over x [T,B,D]. */
function tinyHier(o: { T: number; B: number; D: number; a: number; b: number; k1: number; k2: number; noisy?: boolean }) {
  const ctx = new TraceContext();
  const x = ctx.input('x', 'f32', [o.T, o.B, o.D]);
  const y = moe(x, { experts: [o.a, o.b], k: [o.k1, o.k2], hidden: 3, noisy: o.noisy ?? true });
  ctx.output('y', y);
  return ctx.finish(ctx.op1('sum', {}, [y]), { name: 'tiny-hier' });
}

describe('hierarchical layer through the pipeline', () => {
  it.each([
    [{ T: 3, B: 2, D: 4, a: 3, b: 4, k1: 2, k2: 2 }],
    [{ T: 4, B: 3, D: 2, a: 2, b: 3, k1: 2, k2: 3, noisy: false }],
    [{ T: 2, B: 2, D: 3, a: 4, b: 2, k1: 1, k2: 1 }],
  ])('batches and fuses into one gating + one secondaryGating, outputs unchanged (%j)', (o) => {
    const g = tinyHier(o);
    const c = compileGraph(g).graph;
    const ops = countOps(c);
    expect(ops.gating).toBe(1);
    expect(ops.secondaryGating).toBe(1);
    expect(ops.hierLoadEstimate).toBe(1);
    expect(ops.expertFfn).toBe(1);
    expect(ops.topk ?? 0).toBe(0);
    expectSameOutputs(g, c);
    expectSameOutputs(g, c, { ctx: { seed: 3, step: 1, training: false } });
  });

  it('rejects bad hierarchies with the layer, shapes and fix', () => {
    expect(() => tinyHier({ T: 1, B: 1, D: 2, a: 2, b: 3, k1: 3, k2: 1 })).toThrow(/moe0: k1 = 3 is larger than the number of groups a = 2 \(input \[1, 1, 2\]\); use k1 ≤ 2/);
    expect(() => tinyHier({ T: 1, B: 1, D: 2, a: 2, b: 3, k1: 1, k2: 4 })).toThrow(/k2 = 4 is larger than the experts per group b = 3/);
    const ctx = new TraceContext();
    const x = ctx.input('x', 'f32', [1, 1, 2]);
    expect(() => moe(x, { experts: [2, 2], k: 1 as never, hidden: 2 })).toThrow(/k must be \[k1, k2\]/);
  });
});
