/**
 * A whole training step of the balanced example (examples/balanced-moe-lm.ts) compiled to one plan
 * and run on WebGPU: for 10 Adam steps on a fixed batch the WebGPU and CPU backends' losses agree
 * to 1e-3 relative (same parameters, dropout draws, batchwise top-m selections and threshold
 * updates), the learned thresholds agree, and the loss keeps falling over 30 steps.
 */
import { expect, it } from 'vitest';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import { traceModel } from '../../frontend/model.ts';
import { initParams } from '../../ir/interpret.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareTrainer } from '../../runtime/trainer.ts';
import model from '../../examples/balanced-moe-lm.ts';
import { describeGpu, dev, expectClose } from './gpu.ts';

const options = { T: 6, B: 8, vocab: 40, width: 16, experts: 8, k: 2, expertHidden: 16, dropout: 0.1 };

describeGpu('training the balanced MoE on WebGPU', () => {
  it('agrees with the CPU backend and lowers the loss', async () => {
    const { graph, plan } = compileTrainingPlan(traceModel(model, options), { optimizer: { name: 'adam', lr: 0.03 }, recompute: 'experts' }, dev().device.limits);
    const init = initParams(graph, 3);
    const batch = syntheticFeeds(graph, 3);
    const gpu = await prepareTrainer({ kind: 'webgpu', device: dev() }, plan, init, { seed: 3 });
    const cpu = await prepareTrainer({ kind: 'cpu' }, plan, init, { seed: 3 });
    const g: number[] = [];
    const c: number[] = [];
    for (let s = 0; s < 10; s++) {
      g.push((await gpu.step(batch, s)).loss!);
      c.push((await cpu.step(batch, s)).loss!);
    }
    for (let s = 0; s < 10; s++) expect(Math.abs(g[s]! - c[s]!) / c[s]!, `step ${s}`).toBeLessThan(1e-3);
    expectClose((await gpu.read())['moe0.thresholds']!.data, (await cpu.read())['moe0.thresholds']!.data, 1e-3, 'thresholds after 10 steps');
    for (let s = 10; s < 30; s++) g.push((await gpu.step(batch, s)).loss!);
    expect(g[29]!).toBeLessThan(0.92 * g[0]!); // measured 3.70 → 3.30 with dropout 0.1
    gpu.destroy();
  });
});
