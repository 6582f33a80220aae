/**
 * Finite-difference checks at f64 of the balanced-gating vjps: balancedGating into x and wg (the
 * loss reads gates and logits; in training with the batchwise top-m and in evaluation with the
 * thresholds — perturbations that flip a selection change the i32 indices and are skipped by
 * fdCheck), balancedThresholdLoss into T (the logits are a data input: the loss is held constant in
 * them by design, so its gradient into them is checked to be absent), and the whole balanced
 * example model (every parameter, a sample of entries, training and evaluation, dropout off).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkOp, fdCheck, opCase } from '../autodiff/helpers.ts';
import { differentiate } from '../../passes/autodiff.ts';
import { traceModel } from '../../frontend/model.ts';
import { initParams } from '../../ir/interpret.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { fromArray } from '../../ir/tensor.ts';
import model from '../../examples/balanced-moe-lm.ts';

const seed = fc.integer({ min: 1, max: 1_000_000 });

describe('vjp of balanced gating (finite differences, f64)', () => {
  it.each([true, false])('balancedGating into x and wg (training=%s)', (training) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.nat(), seed, (n, mult, k0, s) => {
        const k = 1 + (k0 % n);
        const N = n * mult;
        const D = 3;
        const c = opCase(s, [{ name: 'x', shape: [N, D] }, { name: 'wg', shape: [D, n] }, { name: 'T', shape: [n], lo: -0.3, hi: 0.3 }], (b, v) => {
          const [, gates, logits] = b.addNode('balancedGating', { n, k, m: (k * N) / n }, [v.x!, v.wg!, v.T!]) as [number, number, number, number];
          return [gates, logits];
        });
        const rep = fdCheck(c.graph, c.feeds, { ctx: { seed: 1, step: 0, training } });
        // T included: its analytic gradient through the gating is 0 and so is the FD (the selection
        // is piecewise constant and the perturbations that flip it are skipped)
        expect(rep.checked).toBeGreaterThan(0);
      }),
      { numRuns: 15 },
    );
  });

  it('balancedThresholdLoss into T only (logits held constant)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), seed, (n, N, s) => {
        const idx = Array.from({ length: N * n }, (_, i) => ((i * 7 + s) % 3 === 0 ? -1 : i % n));
        // a row's list must not repeat an expert: keep slot j = expert j or −1
        const rep = checkOp(s, [{ name: 'T', shape: [n], lo: -0.5, hi: 0.5 }, { name: 'L', shape: [N, n], role: 'input' }, { name: 'idx', shape: [N, n], dtype: 'i32', values: idx }], (b, v) => [
          b.add1('balancedThresholdLoss', {}, [v.L!, v.T!, v.idx!]),
        ]);
        expect(rep.checked).toBe(n);
      }),
      { numRuns: 30 },
    );
    const c = opCase(1, [{ name: 'L', shape: [2, 2] }, { name: 'T', shape: [2] }, { name: 'idx', shape: [2, 2], dtype: 'i32', values: [0, -1, 1, -1] }], (b, v) => [
      b.add1('balancedThresholdLoss', {}, [v.L!, v.T!, v.idx!]),
    ]);
    const g = differentiate(c.graph);
    const gradL = g.outputs.find((o) => o.name === 'grad:L')!;
    expect(g.nodes.find((nd) => nd.outputs.includes(gradL.value))!.op).toBe('zeros');
  });

  // The threshold loss is held constant in the logits by design, so with it on only T is checked
  // (the FD would see its dependence on Wg, x and everything upstream); with it off, everything.
  it.each([
    [true, 0, undefined],
    [true, 1, ['moe0.thresholds']],
    [false, 1, undefined],
  ] as const)('the whole balanced example model (training=%s, wThreshold=%s, params %j)', (training, wThreshold, params) => {
    const g = traceModel(model, { T: 2, B: 4, vocab: 12, width: 4, experts: 4, k: 2, expertHidden: 3, dropout: 0, wThreshold });
    const p = initParams(g, 3, 'f64');
    const feeds = { ...p, ...syntheticFeeds(g, 3) };
    for (const [name, t] of Object.entries(feeds)) if (t.type.dtype === 'f32') feeds[name] = fromArray('f32', t.type.shape, Array.from(t.data), 'f64');
    // nonzero thresholds so the threshold loss has a gradient
    feeds['moe0.thresholds'] = fromArray('f32', [4], [0.05, -0.05, 0.1, 0], 'f64');
    const rep = fdCheck(g, feeds, { ctx: { seed: 2, step: 0, training }, entries: 6, rtol: 1e-4, atol: 1e-6, ...(params ? { params } : {}) });
    expect(rep.checked).toBeGreaterThan(params ? 3 : 20);
  });
});
