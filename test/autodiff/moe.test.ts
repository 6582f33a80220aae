/**
 * Finite-difference checks of the Mixture-of-Experts ops' vjp rules at f64: noiseStd (training and
 * evaluation), randomNormal (a constant), topk values, the fused gating (noisy or not, drawn or
 * explicit noise, k < n and k = n, training and evaluation; the loss reads gates, clean and sigma),
 * loadEstimate (into clean and sigma with thresholds and indices as data), importance, cvSquared,
 * expertFfn / expertHidden / expertOutput (sourceRow, offsets and positions from a real
 * moeDispatch) and moeCombine. Index inputs come from a top-k of a random data tensor, so they are
 * valid and carry no gradient; perturbations that flip a top-k selection are skipped by fdCheck.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { GraphBuilder } from '../../ir/graph.ts';
import { checkOp, opCase, fdCheck, type InSpec } from './helpers.ts';
import { differentiate } from '../../passes/autodiff.ts';

const seed = fc.integer({ min: 1, max: 1_000_000 });
const runs = { numRuns: 10 };

/** Top-k indices [N,k] (and the top-min(k+1,n) values) of a random data input `sel` [N,n]. */
function selection(b: GraphBuilder, sel: number, k: number, n: number): { top: number; idx: number } {
  const [vals, all] = b.addNode('topk', { k: Math.min(k + 1, n) }, [sel]) as [number, number];
  return { top: vals, idx: k + 1 <= n ? b.add1('sliceLast', { start: 0, end: k }, [all]) : all };
}

const selSpec = (N: number, n: number): InSpec => ({ name: 'sel', shape: [N, n], role: 'input' });

/** (N, n, k) with 1 ≤ k ≤ n. */
const nnk = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.nat()).map(([N, n, k]) => ({ N, n, k: 1 + (k % n) }));

describe('vjp of MoE gating pieces (finite differences, f64)', () => {
  it('noiseStd in training and evaluation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), seed, (N, n, s) => {
        const c = opCase(s, [{ name: 'x', shape: [N, n], lo: -3, hi: 3 }], (b, v) => [b.add1('noiseStd', { eps: 0.01 }, [v.x!])]);
        expect(fdCheck(c.graph, c.feeds).checked).toBe(N * n);
        expect(fdCheck(c.graph, c.feeds, { ctx: { seed: 1, step: 0, training: false } }).checked).toBe(N * n);
      }),
      runs,
    );
  });

  it('randomNormal is a constant (mul(z, x) gives z)', () => {
    checkOp(4, [{ name: 'x', shape: [3, 4] }], (b, v) => [b.add1('mul', {}, [b.add1('randomNormal', { shape: [3, 4], stream: 5, rowOffset: 2 }, []), v.x!])]);
  });

  it('topk values (scattered back to the selected columns)', () => {
    fc.assert(
      fc.property(nnk, seed, ({ N, n, k }, s) => {
        checkOp(s, [{ name: 'x', shape: [N, n], lo: -2, hi: 2 }], (b, v) => [b.addNode('topk', { k }, [v.x!])[0]!]);
      }),
      runs,
    );
  });

  it('fused gating: gates, clean and sigma (noisy/plain, drawn/explicit noise, train/eval, any k)', () => {
    fc.assert(
      fc.property(nnk, fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.boolean(), fc.boolean(), seed, ({ N, n, k }, D, noisy, explicitNoise, training, s) => {
        const specs: InSpec[] = [
          { name: 'x', shape: [N, D] },
          { name: 'wg', shape: [D, n], lo: -2, hi: 2 },
          ...(noisy ? [{ name: 'wn', shape: [D, n] }] : []),
          ...(explicitNoise ? [{ name: 'noise', shape: [N, n] }] : []),
        ];
        const params = { k, noisy, eps: 0.05, stream: 3, rowOffset: 7, explicitNoise };
        const rep = checkOp(s, specs, (b, v) => {
          const [, gates, clean, sigma] = b.addNode('gating', params, specs.map((sp) => v[sp.name]!)) as number[];
          return [gates!, clean!, sigma!];
        }, { ctx: { seed: s % 1000, step: 3, training } });
        expect(rep.skipped).toBeLessThan(rep.checked);
      }),
      { numRuns: 20 },
    );
  });

  it('fused gating with only the gates used (no upstream clean/sigma)', () => {
    const specs: InSpec[] = [{ name: 'x', shape: [3, 2] }, { name: 'wg', shape: [2, 4], lo: -2, hi: 2 }, { name: 'wn', shape: [2, 4] }];
    checkOp(21, specs, (b, v) => [b.addNode('gating', { k: 2, noisy: true, eps: 0.01, stream: 0, rowOffset: 0, explicitNoise: false }, [v.x!, v.wg!, v.wn!])[1]!]);
  });

  it('a gradient into the gating topValues is refused with a clear message', () => {
    const c = opCase(1, [{ name: 'x', shape: [2, 2] }, { name: 'wg', shape: [2, 3] }], (b, v) => [
      b.addNode('gating', { k: 1, noisy: false, eps: 0, stream: 0, rowOffset: 0, explicitNoise: false }, [v.x!, v.wg!])[4]!,
    ]);
    expect(() => differentiate(c.graph)).toThrow(/topValues/);
  });

  it('loadEstimate into clean and sigma (thresholds constant)', () => {
    fc.assert(
      fc.property(nnk, seed, ({ N, n, k }, s) => {
        checkOp(s, [{ name: 'clean', shape: [N, n], lo: -1.5, hi: 1.5 }, { name: 'sigma', shape: [N, n], lo: 0.2, hi: 1.5 }, selSpec(N, n)], (b, v) => {
          const { top, idx } = selection(b, v.sel!, k, n);
          return [b.add1('loadEstimate', { k }, [v.clean!, v.sigma!, top, idx])];
        });
      }),
      runs,
    );
  });

  it('importance into the gates', () => {
    fc.assert(
      fc.property(nnk, seed, ({ N, n, k }, s) => {
        checkOp(s, [{ name: 'gates', shape: [N, k] }, selSpec(N, n)], (b, v) => [b.add1('importance', { n }, [v.gates!, selection(b, v.sel!, k, n).idx])]);
      }),
      runs,
    );
  });

  it('cvSquared', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), seed, (n, s) => {
        checkOp(s, [{ name: 'v', shape: [n], lo: 0.2, hi: 3 }], (b, v) => [b.add1('cvSquared', {}, [v.v!])]);
      }),
      runs,
    );
  });
});

describe('vjp of MoE expert ops (finite differences, f64)', () => {
  const dims = fc.record({ sel: nnk, D: fc.integer({ min: 1, max: 3 }), H: fc.integer({ min: 1, max: 3 }), Dout: fc.integer({ min: 1, max: 3 }), s: seed });

  it('expertFfn (hidden recomputed; positions from the moeDispatch of sourceRow)', () => {
    fc.assert(
      fc.property(dims, ({ sel: { N, n, k }, D, H, Dout, s }) => {
        const specs: InSpec[] = [
          { name: 'x', shape: [N, D] }, { name: 'w1', shape: [n, D, H] }, { name: 'b1', shape: [n, H] },
          { name: 'w2', shape: [n, H, Dout] }, { name: 'b2', shape: [n, Dout] }, selSpec(N, n),
        ];
        checkOp(s, specs, (b, v) => {
          const [src, , off] = b.addNode('moeDispatch', { n }, [selection(b, v.sel!, k, n).idx]) as [number, number, number];
          return [b.add1('expertFfn', {}, [v.x!, src, off, v.w1!, v.b1!, v.w2!, v.b2!])];
        });
      }),
      runs,
    );
  });

  it('expertHidden and expertOutput (the split FFN)', () => {
    fc.assert(
      fc.property(dims, ({ sel: { N, n, k }, D, H, Dout, s }) => {
        const specs: InSpec[] = [
          { name: 'x', shape: [N, D] }, { name: 'w1', shape: [n, D, H] }, { name: 'b1', shape: [n, H] },
          { name: 'w2', shape: [n, H, Dout] }, { name: 'b2', shape: [n, Dout] }, selSpec(N, n),
        ];
        checkOp(s, specs, (b, v) => {
          const [src, , off] = b.addNode('moeDispatch', { n }, [selection(b, v.sel!, k, n).idx]) as [number, number, number];
          const hidden = b.add1('expertHidden', {}, [v.x!, src, off, v.w1!, v.b1!]);
          return [hidden, b.add1('expertOutput', {}, [hidden, off, v.w2!, v.b2!])];
        });
      }),
      runs,
    );
  });

  it('expertOutput alone (hidden a parameter)', () => {
    fc.assert(
      fc.property(dims, ({ sel: { N, n, k }, H, Dout, s }) => {
        const specs: InSpec[] = [{ name: 'hidden', shape: [N * k, H] }, { name: 'w2', shape: [n, H, Dout] }, { name: 'b2', shape: [n, Dout] }, selSpec(N, n)];
        checkOp(s, specs, (b, v) => {
          const [, , off] = b.addNode('moeDispatch', { n }, [selection(b, v.sel!, k, n).idx]) as [number, number, number];
          return [b.add1('expertOutput', {}, [v.hidden!, off, v.w2!, v.b2!])];
        });
      }),
      runs,
    );
  });

  it('moeCombine into the expert outputs and the gates', () => {
    fc.assert(
      fc.property(dims, ({ sel: { N, n, k }, D, s }) => {
        const specs: InSpec[] = [{ name: 'y', shape: [N * k, D] }, { name: 'gates', shape: [N, k] }, selSpec(N, n)];
        checkOp(s, specs, (b, v) => {
          const [, pos] = b.addNode('moeDispatch', { n }, [selection(b, v.sel!, k, n).idx]) as [number, number, number];
          return [b.add1('moeCombine', {}, [v.y!, pos, v.gates!])];
        });
      }),
      runs,
    );
  });

  it('an expert op whose sourceRow is not a moeDispatch output cannot be differentiated (clear error)', () => {
    const c = opCase(2, [
      { name: 'x', shape: [2, 2] }, { name: 'src', shape: [2], dtype: 'i32', values: [0, 1] }, { name: 'off', shape: [2], dtype: 'i32', values: [0, 2] },
      { name: 'w1', shape: [1, 2, 2] }, { name: 'b1', shape: [1, 2] },
    ], (b, v) => [b.add1('expertHidden', {}, [v.x!, v.src!, v.off!, v.w1!, v.b1!])]);
    expect(() => differentiate(c.graph)).toThrow(/sourceRow .* is not output 0 of a moeDispatch/);
  });
});
