/**
 * Training steps of the balanced example (examples/balanced-moe-lm.ts) at B·T = 16384 rows (T 8,
 * B 2048, 64 experts, k 4: each expert takes m = 1024 rows per step), compiled to one plan and run
 * on WebGPU and on the CPU backend from the same parameters: the per-expert top-m, the threshold
 * loss and its gradient, and the gating gradient at this size. Over 2 Adam steps the losses agree
 * to 1e-3 relative and the learned thresholds to 1e-3 (the thresholds' gradient is −dloss times
 * integer counts, so one row selected differently would show as a whole step of Adam).
 */
import { expect, it } from 'vitest';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import { traceModel } from '../../frontend/model.ts';
import { initParams } from '../../ir/interpret.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareTrainer } from '../../runtime/trainer.ts';
import model from '../../examples/balanced-moe-lm.ts';
import { describeGpu, dev, expectClose } from './gpu.ts';

const options = { T: 8, B: 2048, vocab: 100, width: 16, experts: 64, k: 4, expertHidden: 16, dropout: 0.1 };

describeGpu('training the balanced MoE at 16384 rows on WebGPU', () => {
  it('agrees with the CPU backend', async () => {
    const { graph, plan } = compileTrainingPlan(traceModel(model, options), { optimizer: { name: 'adam', lr: 0.01 }, recompute: 'experts' }, dev().device.limits);
    const init = initParams(graph, 4);
    const batch = syntheticFeeds(graph, 4);
    const gpu = await prepareTrainer({ kind: 'webgpu', device: dev() }, plan, init, { seed: 4 });
    const cpu = await prepareTrainer({ kind: 'cpu' }, plan, init, { seed: 4 });
    for (let s = 0; s < 2; s++) {
      const g = (await gpu.step(batch, s)).loss!;
      const c = (await cpu.step(batch, s)).loss!;
      expect(Number.isFinite(c)).toBe(true);
      expect(Math.abs(g - c) / Math.abs(c), `step ${s}`).toBeLessThan(1e-3);
    }
    const tg = (await gpu.read())['moe0.thresholds']!.data;
    const tc = (await cpu.read())['moe0.thresholds']!.data;
    expect(Array.from(tc).some((v) => v !== 0), 'thresholds moved').toBe(true);
    expectClose(tg, tc, 1e-3, 'thresholds after 2 steps');
    gpu.destroy();
  }, 900_000);
});
