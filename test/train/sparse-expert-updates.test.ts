/**
 * Sparse expert updates in whole training steps on the CPU backend. The optimizer pass picks the
 * sparse ops only where they are exact (expert banks read by one dispatch: w1, b1, w2, b2 under
 * SGD and under factored Adam — where each expert's bias is its own 1×H matrix; nothing under
 * Adam, nothing for a bank another op also reads). The example LM with 64 experts and random
 * non-zero gate weights (so routing is not the zero-init experts 0..k−1 and many experts are empty in a step) trains 6 steps with sparse
 * and with dense updates: SGD parameters are bit-identical, factored-Adam parameters equal within
 * f32 rounding and the lazily decayed statistics caught up to the step equal the dense ones.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder, type Graph } from '../../ir/graph.ts';
import { catchUpExpertStatistics } from '../../ir/reference/optimizers.ts';
import { tensorType } from '../../ir/types.ts';
import { applyOptimizer } from '../../passes/optimizer.ts';
import { expectNear } from '../ir/expert-schedule.ts';
import { expectSameParams, trainSparseAndDense } from './sparse-vs-dense.ts';
import { initWithGates, SPARSE_LM, trainingGraph } from './sparse-lm.ts';

/** The update op of every parameter (the dense update of a bias bank reads a reshape view of it). */
const updateOps = (g: Graph) => {
  const source = (v: number): number => g.nodes.find((n) => n.op === 'reshape' && n.outputs[0] === v)?.inputs[0] ?? v;
  return Object.fromEntries(g.nodes.filter((n) => n.phase === 'update').map((n) => [g.inputs.find((i) => i.value === source(n.inputs[0]!))!.name, n.op]));
};

describe('sparse expert updates in training steps', () => {
  it('the optimizer pass uses them exactly where they are exact', () => {
    const small = { ...SPARSE_LM, experts: 8 };
    const sgd = updateOps(trainingGraph({ name: 'sgd', lr: 0.1 }, true, small));
    const fa = updateOps(trainingGraph({ name: 'factored-adam', lr: 0.1 }, true, small));
    const adam = updateOps(trainingGraph({ name: 'adam', lr: 0.1 }, true, small));
    for (const w of ['moe0.w1', 'moe0.b1', 'moe0.w2', 'moe0.b2']) expect(sgd[w], w).toBe('expertSgdUpdate');
    expect(sgd['moe0.wg']).toBe('sgdUpdate');
    expect([fa['moe0.w1'], fa['moe0.w2']]).toEqual(['expertFactoredAdamUpdate', 'expertFactoredAdamUpdate']);
    // Each expert's bias is its own 1×H matrix (the bank [n, H] as [n, 1, H]), so it is sparse too;
    // this pinned 'factoredAdamUpdate' while a bias bank was ONE n×H matrix mixing the experts.
    expect([fa['moe0.b1'], fa['moe0.b2']]).toEqual(['expertFactoredAdamUpdate', 'expertFactoredAdamUpdate']);
    expect(Object.values(adam).every((op) => op === 'adamUpdate')).toBe(true);
    const dense = updateOps(trainingGraph({ name: 'factored-adam', lr: 0.1 }, false, small));
    expect(Object.values(dense).some((op) => op.startsWith('expert'))).toBe(false);
    expect(dense['moe0.b1']).toBe('factoredAdamUpdate');
  });

  it('a bank that another op also reads keeps the dense update', () => {
    const b = new GraphBuilder();
    const f32 = (s: number[]) => tensorType('f32', s);
    const x = b.addInput('x', f32([3, 2]), 'input');
    const idx = b.addInput('idx', tensorType('i32', [3, 1]), 'input');
    const w1 = b.addInput('w1', f32([4, 2, 5]), 'param', { kind: 'uniform', scale: 1 });
    const b1 = b.addInput('b1', f32([4, 5]), 'param', { kind: 'zeros' });
    const [src, , off] = b.addNode('moeDispatch', { n: 4 }, [idx]) as [number, number, number];
    const h = b.add1('expertHidden', {}, [x, src, off, w1, b1]);
    const loss = b.add1('add', {}, [b.add1('sum', {}, [h]), b.add1('sum', {}, [b1])]);
    b.setOutput('loss', loss);
    b.setOutput('grad:w1', b.add1('zeros', { shape: [4, 2, 5] }, []));
    b.setOutput('grad:b1', b.add1('zeros', { shape: [4, 5] }, []));
    const ops = updateOps(applyOptimizer(b.finish(), { name: 'sgd', lr: 0.1 }));
    expect(ops).toEqual({ w1: 'expertSgdUpdate', b1: 'sgdUpdate' });
  });

  it.each([
    [{ name: 'sgd', lr: 0.5 }, 0],
    [{ name: 'factored-adam', lr: 0.05 }, 2e-5],
  ] as const)('%j: 6 steps of the LM with 64 experts equal the dense updates', async (optimizer, rtol) => {
    const sparseG = trainingGraph(optimizer, true);
    const denseG = trainingGraph(optimizer, false);
    const init = initWithGates(sparseG, 3);
    const steps = 6;
    const { sp, dp } = await trainSparseAndDense(sparseG, denseG, (g) => initWithGates(g, 3), steps);
    expectSameParams(sp, dp, rtol);
    if (optimizer.name === 'factored-adam') {
      for (const w of ['moe0.w1', 'moe0.b1', 'moe0.w2', 'moe0.b2']) {
        const last = sp[`opt.last:${w}`]!.data;
        // Routing is non-trivial: some experts had no rows in the last step, some did.
        expect(Array.from(last).some((v) => v === steps) && Array.from(last).some((v) => v < steps)).toBe(true);
        const caught = catchUpExpertStatistics(sp[`opt.vr:${w}`]!.data, sp[`opt.vc:${w}`]!.data, last, SPARSE_LM.experts, 0.999, steps);
        expectNear(caught.vr, dp[`opt.vr:${w}`]!.data, rtol, `vr ${w}`);
        expectNear(caught.vc, dp[`opt.vc:${w}`]!.data, rtol, `vc ${w}`);
      }
    }
    // The experts' parameters moved.
    expect(Array.from(sp['moe0.w1']!.data).some((v, i) => v !== init['moe0.w1']!.data[i])).toBe(true);
  });
});
