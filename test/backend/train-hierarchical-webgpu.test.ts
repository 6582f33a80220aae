/**
 * A whole training step of the hierarchical-MoE example compiled to one plan and run on WebGPU
 * (secondaryGatingGrad and hierLoadEstimateGrad kernels included): after 10 Adam steps on a fixed
 * synthetic batch the WebGPU and CPU backends' losses agree to 1e-3 relative, and the loss falls.
 */
import { expect, it } from 'vitest';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import { traceModel } from '../../frontend/model.ts';
import { initParams } from '../../ir/interpret.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareTrainer } from '../../runtime/trainer.ts';
import model from '../../examples/hierarchical-moe-lm.ts';
import { describeGpu, dev } from './gpu.ts';

const options = { T: 6, B: 4, vocab: 30, width: 16, groups: 4, perGroup: 8, k1: 2, k2: 2, expertHidden: 16, dropout: 0.1 };

describeGpu('training the hierarchical MoE on WebGPU', () => {
  it('Adam trains and agrees with the CPU backend', async () => {
    const { graph, plan } = compileTrainingPlan(traceModel(model, options), { optimizer: { name: 'adam', lr: 0.01 }, recompute: 'experts' }, dev().device.limits);
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
    for (let s = 0; s < 10; s++) expect(Math.abs(g[s]! - c[s]!) / c[s]!, `step ${s}: gpu ${g[s]} cpu ${c[s]}`).toBeLessThan(1e-3);
    expect(g[9]!).toBeLessThan(g[0]!);
    gpu.destroy();
  });
});
