/**
 * Whole training steps with sparse expert updates on WebGPU vs the CPU backend: the example LM
 * with 64 experts and random non-zero gate weights (many experts empty in each step) trains 5
 * steps under SGD and factored Adam (and factored Adam's dense updates) on both backends from the
 * same parameters; every parameter and optimizer state agrees within 1e-4 relative and the
 * last-touched steps exactly. Resuming
 * from a checkpoint (safetensors round trip of parameters, lazily decayed statistics and
 * last-touched steps) after 3 steps gives the bits of 6 uninterrupted steps.
 */
import { expect, it } from 'vitest';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { decodeSafetensors, encodeSafetensors } from '../../runtime/checkpoint.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareTrainer } from '../../runtime/trainer.ts';
import { initWithGates, trainingGraph } from '../train/sparse-lm.ts';
import { describeGpu, dev } from './gpu.ts';
import { expectSameState, trainOnBoth } from './train-plan.ts';

describeGpu('sparse expert updates in training on WebGPU', () => {
  it.each([
    [{ name: 'factored-adam', lr: 0.05 }, true],
    [{ name: 'sgd', lr: 0.5 }, true],
    // The dense updates (the bias banks as factoredAdamUpdate over a reshape view [n, 1, H]).
    [{ name: 'factored-adam', lr: 0.05 }, false],
  ] as const)('%j (sparse %s): 5 steps agree with the CPU backend', async (optimizer, sparse) => {
    const graph = trainingGraph(optimizer, sparse);
    expect(graph.nodes.some((n) => n.op.startsWith('expert') && n.op.endsWith('Update'))).toBe(sparse);
    const plan = lowerToWebGpu(graph, dev().device.limits);
    const init = initWithGates(graph, 4);
    const batch = syntheticFeeds(graph, 4);
    const { g, c } = await trainOnBoth(plan, init, batch, 5, 4);
    expectSameState(g, c, 1e-4);
    if (optimizer.name === 'factored-adam' && sparse) {
      const last = Array.from(c['opt.last:moe0.w1']!.data);
      expect(last.some((v) => v === 5) && last.some((v) => v < 5), 'some experts empty in the last step').toBe(true);
      // The bias banks are per-expert 1×H matrices, updated sparsely with the weight banks.
      expect(Array.from(c['opt.last:moe0.b1']!.data)).toEqual(last);
      expect(c['opt.vc:moe0.b1']!.type.shape).toEqual(c['moe0.b1']!.type.shape);
    }
  });

  it('resume from a checkpoint is bit-exact (factored Adam, experts skipping across the boundary)', async () => {
    const optimizer = { name: 'factored-adam', lr: 0.05 } as const;
    const graph = trainingGraph(optimizer, true);
    const plan = lowerToWebGpu(graph, dev().device.limits);
    const init = initWithGates(graph, 5);
    const batch = syntheticFeeds(graph, 5);
    const gpu = () => ({ kind: 'webgpu', device: dev() }) as const;
    const whole = await prepareTrainer(gpu(), plan, init, { seed: 5 });
    for (let s = 0; s < 6; s++) await whole.step(batch, s);
    const first = await prepareTrainer(gpu(), plan, init, { seed: 5 });
    for (let s = 0; s < 3; s++) await first.step(batch, s);
    const saved = decodeSafetensors(encodeSafetensors(await first.read(), {}), 'memory').tensors;
    const last = Array.from(saved['opt.last:moe0.w1']!.data);
    expect(last.some((v) => v < 3), 'some experts skipped step 2').toBe(true);
    const resumed = await prepareTrainer(gpu(), plan, saved, { seed: 5 });
    for (let s = 3; s < 6; s++) await resumed.step(batch, s);
    const a = await whole.read();
    const b = await resumed.read();
    for (const name of Object.keys(a)) expect(Array.from(b[name]!.data), name).toEqual(Array.from(a[name]!.data));
    for (const t of [whole, first, resumed]) t.destroy();
  });
});
