/**
 * A whole training step compiled to one plan and run on WebGPU: the example model trains for 50
 * steps on a fixed synthetic batch and its loss falls; after 10 steps the WebGPU and CPU backends'
 * losses agree to 1e-3 relative (same initial parameters, same noise and dropout draws). Each
 * step is one submit with one readback of the requested scalars.
 */
import { expect, it } from 'vitest';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import { traceModel } from '../../frontend/model.ts';
import { initParams } from '../../ir/interpret.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareTrainer } from '../../runtime/trainer.ts';
import model from '../../examples/lstm-moe-lm.ts';
import { describeGpu, dev } from './gpu.ts';

const options = { T: 6, B: 4, vocab: 30, width: 16, experts: 4, k: 2, expertHidden: 16, dropout: 0.1 };

describeGpu('training on WebGPU', () => {
  it.each([{ name: 'factored-adam', lr: 0.01 }, { name: 'adam', lr: 0.01 }] as const)('%j trains and agrees with the CPU backend', async (optimizer) => {
    const { graph, plan } = compileTrainingPlan(traceModel(model, options), { optimizer, recompute: 'experts' }, dev().device.limits);
    const init = initParams(graph, 2);
    const batch = syntheticFeeds(graph, 2);
    const gpu = await prepareTrainer({ kind: 'webgpu', device: dev() }, plan, init, { seed: 2 });
    const cpu = await prepareTrainer({ kind: 'cpu' }, plan, init, { seed: 2 });
    const g: number[] = [];
    const c: number[] = [];
    for (let s = 0; s < 10; s++) {
      g.push((await gpu.step(batch, s)).loss!);
      c.push((await cpu.step(batch, s)).loss!);
    }
    for (let s = 0; s < 10; s++) expect(Math.abs(g[s]! - c[s]!) / c[s]!, `step ${s}`).toBeLessThan(1e-3);
    for (let s = 10; s < 50; s++) g.push((await gpu.step(batch, s)).loss!);
    expect(g[49]!).toBeLessThan(0.75 * g[0]!);
    gpu.destroy();
  });
});
