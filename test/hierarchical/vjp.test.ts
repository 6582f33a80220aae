/**
 * Finite-difference checks (f64) of the hierarchical MoE vjps: secondaryGating into x, wg2, wn2
 * and the primary gates (loss reading gates, clean2 and sigma2; noisy or not; training and
 * evaluation), hierLoadEstimate into the primary load, clean2 and sigma2 (thresholds, selections
 * and counts as data), the whole chain primary gating → secondaryGating → hierLoadEstimate →
 * CV², and a whole hierarchical layer traced by the DSL. Perturbations that flip a selection are
 * skipped by fdCheck.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TraceContext } from '../../frontend/builder.ts';
import { moe } from '../../frontend/layers.ts';
import { compileGraph } from '../../compiler/pipeline.ts';
import { initParams } from '../../ir/interpret.ts';
import { fromArray } from '../../ir/tensor.ts';
import { checkOp, fdCheck, type InSpec } from '../autodiff/helpers.ts';

const seed = fc.integer({ min: 1, max: 1_000_000 });
const dims = fc
  .record({ N: fc.integer({ min: 1, max: 3 }), D: fc.integer({ min: 1, max: 3 }), a: fc.integer({ min: 1, max: 3 }), b: fc.integer({ min: 1, max: 4 }) })
  .chain((d) => fc.record({ d: fc.constant(d), k1: fc.integer({ min: 1, max: d.a }), k2: fc.integer({ min: 1, max: d.b }) }));

describe('vjp of the hierarchical MoE ops (finite differences, f64)', () => {
  it('secondaryGating (after a primary gating): x, wg2, wn2 and the primary path', () => {
    fc.assert(
      fc.property(dims, fc.boolean(), fc.boolean(), seed, ({ d: { N, D, a, b }, k1, k2 }, noisy, training, s) => {
        const specs: InSpec[] = [
          { name: 'x', shape: [N, D] },
          { name: 'wg', shape: [D, a], lo: -2, hi: 2 },
          { name: 'wn', shape: [D, a] },
          { name: 'wg2', shape: [a, D, b], lo: -2, hi: 2 },
          ...(noisy ? [{ name: 'wn2', shape: [a, D, b] }] : []),
        ];
        const rep = checkOp(s, specs, (g, v) => {
          const [pi, pg] = g.addNode('gating', { k: k1, noisy: true, eps: 0.05, stream: 1, rowOffset: 2, explicitNoise: false }, [v.x!, v.wg!, v.wn!]) as number[];
          const ins = [v.x!, v.wg2!, ...(noisy ? [v.wn2!] : []), pi!, pg!];
          const [, gates, clean2, sigma2] = g.addNode('secondaryGating', { a, b, k1, k2, noisy, eps: 0.05, stream: 4, rowOffset: 3 }, ins) as number[];
          return [gates!, clean2!, sigma2!];
        }, { ctx: { seed: s % 1000, step: 2, training } });
        expect(rep.skipped).toBeLessThan(rep.checked + 1);
      }),
      { numRuns: 25 },
    );
  });

  it('hierLoadEstimate into the primary load, clean2 and sigma2', () => {
    fc.assert(
      fc.property(dims, seed, ({ d: { N, a, b }, k1, k2 }, s) => {
        // Selections come from top-k of random data inputs, so they are valid and carry no gradient.
        const specs: InSpec[] = [
          { name: 'pl', shape: [a], lo: 0.5, hi: 3 },
          { name: 'clean', shape: [N, k1, b], lo: -1.5, hi: 1.5 },
          { name: 'sigma', shape: [N, k1, b], lo: 0.2, hi: 1.5 },
          { name: 'psel', shape: [N, a], role: 'input' },
          { name: 'ssel', shape: [N * k1, b], role: 'input' },
        ];
        checkOp(s, specs, (g, v) => {
          const [, pAll] = g.addNode('topk', { k: k1 }, [v.psel!]) as number[];
          const [sv, sAll] = g.addNode('topk', { k: Math.min(k2 + 1, b) }, [v.ssel!]) as number[];
          const local = k2 + 1 <= b ? g.add1('sliceLast', { start: 0, end: k2 }, [sAll!]) : sAll!;
          const top = g.add1('reshape', { shape: [N, k1, Math.min(k2 + 1, b)] }, [sv!]);
          const loc = g.add1('reshape', { shape: [N, k1, k2] }, [local]);
          return [g.add1('hierLoadEstimate', { a, b, k1, k2 }, [v.pl!, pAll!, v.clean!, v.sigma!, top, loc])];
        });
      }),
      { numRuns: 25 },
    );
  });

  it('a whole traced hierarchical layer (gates, Load_H, Importance_H, experts) in training and evaluation', () => {
    // The load vjps hold the top-k thresholds constant (as the paper's code does), so — like the flat
    // model test — gating parameters are checked in training with wLoad = 0; with the load loss on,
    // the expert weights (training) and everything (evaluation, where the load is a step) are checked.
    const build = (wLoad: number) => {
      const ctx = new TraceContext();
      const x = ctx.input('x', 'f32', [2, 3, 3]);
      const y = moe(x, { experts: [3, 3], k: [2, 2], hidden: 2, wImportance: 0.7, wLoad });
      const r = ctx.input('r', 'f32', [2, 3, 3]);
      return compileGraph(ctx.finish(ctx.op1('sum', {}, [ctx.op1('mul', {}, [y, r])]), { name: 'h' }), { execution: false }).graph;
    };
    const rnd = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + k) * 0.9);
    const feedsFor = (g: ReturnType<typeof build>) => {
      const feeds = initParams(g, 3, 'f64');
      feeds.x = fromArray('f32', [2, 3, 3], rnd(18, 1), 'f64');
      feeds.r = fromArray('f32', [2, 3, 3], rnd(18, 2), 'f64');
      // Non-zero gate weights so the gates depend on them.
      for (const name of ['moe0.wg', 'moe0.wn', 'moe0.wg2', 'moe0.wn2']) {
        const t = feeds[name]!;
        feeds[name] = fromArray('f32', t.type.shape, rnd(t.data.length, name.length), 'f64');
      }
      return feeds;
    };
    const gating = ['moe0.wg', 'moe0.wn', 'moe0.wg2', 'moe0.wn2'];
    const opts = { entries: 12, rtol: 1e-4, atol: 1e-6 };
    const g0 = build(0);
    const train = { seed: 5, step: 1, training: true };
    expect(fdCheck(g0, feedsFor(g0), { ctx: train, params: [...gating, 'moe0.w1'], ...opts }).checked).toBeGreaterThan(20);
    const g1 = build(0.9);
    expect(fdCheck(g1, feedsFor(g1), { ctx: train, params: ['moe0.w1', 'moe0.w2', 'moe0.b1'], ...opts }).checked).toBeGreaterThan(20);
    expect(fdCheck(g1, feedsFor(g1), { ctx: { ...train, training: false }, params: [...gating, 'moe0.w1'], ...opts }).checked).toBeGreaterThan(20);
  });
});
