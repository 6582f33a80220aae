/**
 * Sparse updates of the hierarchical MoE's secondary gating weights on WebGPU vs the CPU backend:
 * the example with 16 groups × 4 experts (6 rows × k1 = 2 pairs per step, so groups go unchosen),
 * random non-zero gate weights, 5 training steps under factored Adam and SGD with the sparse group
 * updates — the weight-gradient kernel runs over the chosen groups only (indirect grid) and leaves
 * the other blocks unwritten — and under dense factored Adam; every parameter and optimizer state
 * agrees within 1e-4 relative and the last-touched steps exactly. At 4352 groups × 2 (more groups
 * than one block of the active-list compaction, so its multi-workgroup passes place the chosen
 * groups) 3 sparse factored-Adam steps agree the same way.
 */
import { expect, it } from 'vitest';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareTrainer } from '../../runtime/trainer.ts';
import { expectNear } from '../ir/expert-schedule.ts';
import { hierInitWithGates, hierTrainingGraph, SPARSE_HIER } from '../train/sparse-hier.ts';
import { describeGpu, dev } from './gpu.ts';
import { expectSameState, trainOnBoth } from './train-plan.ts';

describeGpu('sparse secondary-gating updates in training on WebGPU', () => {
  it.each([
    [{ name: 'factored-adam', lr: 0.05 }, true],
    [{ name: 'sgd', lr: 0.5 }, true],
    [{ name: 'factored-adam', lr: 0.05 }, false],
  ] as const)('%j (sparse %s): 5 steps agree with the CPU backend', async (optimizer, sparse) => {
    const graph = hierTrainingGraph(optimizer, sparse);
    const plan = lowerToWebGpu(graph, dev().device.limits);
    const weights = plan.steps.flatMap((s) => s.dispatches).filter((d) => d.kernel.name === 'secondary_gating_grad_weights');
    expect(weights.length).toBe(1);
    expect(weights[0]!.indirect !== undefined, 'the weight gradient runs over the chosen groups').toBe(sparse);
    const init = hierInitWithGates(graph, 4);
    const batch = syntheticFeeds(graph, 4);
    const { g, c } = await trainOnBoth(plan, init, batch, 5, 4);
    expectSameState(g, c, 1e-4);
    if (optimizer.name === 'factored-adam' && sparse) {
      const last = Array.from(c['opt.last:moe0.wg2']!.data);
      expect(last.some((v) => v === 5) && last.some((v) => v < 5), 'some groups unchosen in the last step').toBe(true);
    }
    for (const w of ['moe0.wg2', 'moe0.wn2']) expect(Array.from(g[w]!.data).some((v, i) => v !== init[w]!.data[i]), `${w} moved`).toBe(true);
  });

  it('4352 groups × 2: 3 sparse factored-Adam steps agree with the CPU backend', async () => {
    const options = { ...SPARSE_HIER, groups: 4352, perGroup: 2, k2: 1 };
    const graph = hierTrainingGraph({ name: 'factored-adam', lr: 0.05 }, true, options);
    const plan = lowerToWebGpu(graph, dev().device.limits);
    expect(plan.steps.flatMap((s) => s.dispatches).some((d) => d.kernel.name === 'secondary_gating_grad_weights' && d.indirect !== undefined)).toBe(true);
    const init = hierInitWithGates(graph, 6);
    const batch = syntheticFeeds(graph, 6);
    const gpu = await prepareTrainer({ kind: 'webgpu', device: dev() }, plan, init, { seed: 6 });
    const cpu = await prepareTrainer({ kind: 'cpu' }, plan, init, { seed: 6 });
    for (let s = 0; s < 3; s++) {
      await gpu.step(batch, s);
      await cpu.step(batch, s);
    }
    const g = await gpu.read();
    const c = await cpu.read();
    for (const name of ['moe0.wg2', 'moe0.wn2', 'opt.vr:moe0.wg2', 'opt.vc:moe0.wg2', 'opt.vr:moe0.wn2', 'opt.vc:moe0.wn2', 'moe0.wg', 'moe0.w1']) expectNear(g[name]!.data, c[name]!.data, 1e-4, name);
    const last = Array.from(c['opt.last:moe0.wg2']!.data);
    expect(Array.from(g['opt.last:moe0.wg2']!.data)).toEqual(last);
    // Chosen groups on both sides of the first compaction block (4096 groups).
    expect(last.some((v, i) => v > 0 && i < 4096) && last.some((v, i) => v > 0 && i >= 4096), 'chosen groups in both blocks').toBe(true);
    gpu.destroy();
  });
});
