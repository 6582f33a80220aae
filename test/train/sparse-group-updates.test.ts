/**
 * Sparse updates of the hierarchical MoE's secondary gating weights (wg2, wn2 [a, D, b], read only
 * at the groups the primary gating chose): the optimizer pass updates them with the expert* ops
 * over the offsets of a moeDispatch of the primary indices (ir/ops.ts GROUP_BANK_READS). The
 * example with 16 groups × 4 experts, 6 rows × k1 = 2 (at most 12 of 16 groups chosen per step) and
 * random non-zero gate weights trains 6 steps with sparse and with dense (sparseExperts: false)
 * updates on the CPU backend: SGD parameters are bit-identical; factored-Adam parameters agree
 * within f32 rounding and the lazily decayed statistics, caught up to the step, equal the dense ones.
 */
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../ir/graph.ts';
import { catchUpExpertStatistics } from '../../ir/reference/optimizers.ts';
import { expectNear } from '../ir/expert-schedule.ts';
import { expectSameParams, trainSparseAndDense } from './sparse-vs-dense.ts';
import { hierInitWithGates, hierTrainingGraph, SPARSE_HIER } from './sparse-hier.ts';

const updateOf = (g: Graph, name: string) => g.nodes.find((n) => n.phase === 'update' && n.inputs[0] === g.inputs.find((i) => i.name === name)!.value)?.op;

describe('sparse updates of the secondary gating weights', () => {
  it('the optimizer pass updates wg2 and wn2 over the groups with rows', () => {
    for (const opt of [{ name: 'sgd', lr: 0.1 }, { name: 'factored-adam', lr: 0.1 }] as const) {
      const g = hierTrainingGraph(opt, true);
      const sparseOp = opt.name === 'sgd' ? 'expertSgdUpdate' : 'expertFactoredAdamUpdate';
      expect([updateOf(g, 'moe0.wg2'), updateOf(g, 'moe0.wn2')], opt.name).toEqual([sparseOp, sparseOp]);
      // One dispatch of the primary indices serves both banks; its offsets have a + 1 words.
      const groupDispatch = g.nodes.filter((n) => n.op === 'moeDispatch' && (n.params as { n: number }).n === SPARSE_HIER.groups);
      expect(groupDispatch.length).toBe(1);
      const dense = hierTrainingGraph(opt, false);
      expect(updateOf(dense, 'moe0.wg2')).toBe(opt.name === 'sgd' ? 'sgdUpdate' : 'factoredAdamUpdate');
    }
    expect(updateOf(hierTrainingGraph({ name: 'adam', lr: 0.1 }, true), 'moe0.wg2')).toBe('adamUpdate');
  });

  it.each([
    [{ name: 'sgd', lr: 0.5 }, 0],
    [{ name: 'factored-adam', lr: 0.05 }, 2e-5],
  ] as const)('%j: 6 steps equal the dense updates', async (optimizer, rtol) => {
    const sparseG = hierTrainingGraph(optimizer, true);
    const denseG = hierTrainingGraph(optimizer, false);
    const init = hierInitWithGates(sparseG, 3);
    const steps = 6;
    const { sp, dp } = await trainSparseAndDense(sparseG, denseG, (g) => hierInitWithGates(g, 3), steps);
    expectSameParams(sp, dp, rtol);
    if (optimizer.name === 'factored-adam') {
      for (const w of ['moe0.wg2', 'moe0.wn2']) {
        const last = Array.from(sp[`opt.last:${w}`]!.data);
        // Routing is non-trivial: some groups had rows in the last step, some did not.
        expect(last.some((v) => v === steps) && last.some((v) => v < steps), `${w} last ${last}`).toBe(true);
        const caught = catchUpExpertStatistics(sp[`opt.vr:${w}`]!.data, sp[`opt.vc:${w}`]!.data, new Int32Array(last), SPARSE_HIER.groups, 0.999, steps);
        expectNear(caught.vr, dp[`opt.vr:${w}`]!.data, rtol, `vr ${w}`);
        expectNear(caught.vc, dp[`opt.vc:${w}`]!.data, rtol, `vc ${w}`);
      }
    }
    for (const w of ['moe0.wg2', 'moe0.wn2']) expect(Array.from(sp[w]!.data).some((v, i) => v !== init[w]!.data[i]), `${w} moved`).toBe(true);
  });
});
