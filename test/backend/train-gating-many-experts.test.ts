/**
 * A training step whose flat gating takes the many-experts path (tiled-GEMM logits + the row-wise
 * top-(k+1) of compiler/wgsl/gating-rows.ts, n = 256 ≥ GATING_GEMM_MIN_EXPERTS), compiled to one
 * plan and run on WebGPU and on the CPU backend from the same non-zero gate weights: the losses of
 * 6 steps agree to 1e-3 relative and the routing is non-trivial (many experts get rows).
 */
import { expect, it } from 'vitest';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import { GATING_GEMM_MIN_EXPERTS } from '../../compiler/wgsl/gating-rows.ts';
import { traceModel } from '../../frontend/model.ts';
import { initParams } from '../../ir/interpret.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareTrainer } from '../../runtime/trainer.ts';
import model from '../../examples/lstm-moe-lm.ts';
import { describeGpu, dev, rng } from './gpu.ts';

const options = { T: 6, B: 8, vocab: 30, width: 16, experts: 256, k: 4, expertHidden: 8, dropout: 0.1 };

describeGpu('training with many flat experts on WebGPU', () => {
  it('256 experts (GEMM gating path): 6 steps agree with the CPU backend', async () => {
    expect(options.experts).toBeGreaterThanOrEqual(GATING_GEMM_MIN_EXPERTS);
    const { graph, plan } = compileTrainingPlan(traceModel(model, options), { optimizer: { name: 'adam', lr: 0.01 }, recompute: 'none' }, dev().device.limits);
    expect(plan.steps.some((s) => s.dispatches.some((d) => d.kernel.name === 'gating_rows'))).toBe(true);
    const init = initParams(graph, 4);
    for (const name of ['moe0.wg', 'moe0.wn']) {
      const t = init[name]!;
      const r = rng(name.length + 1);
      for (let i = 0; i < t.data.length; i++) t.data[i] = (r() * 2 - 1) * 0.5;
    }
    const batch = syntheticFeeds(graph, 4);
    const opts = { seed: 4, vectors: ['moe0.importance'] };
    const gpu = await prepareTrainer({ kind: 'webgpu', device: dev() }, plan, init, opts);
    const cpu = await prepareTrainer({ kind: 'cpu' }, plan, init, opts);
    for (let s = 0; s < 6; s++) {
      const g = await gpu.stepFull(batch, s);
      const c = await cpu.stepFull(batch, s);
      expect(Math.abs(g.scalars.loss! - c.scalars.loss!) / c.scalars.loss!, `step ${s}`).toBeLessThan(1e-3);
      // Non-trivial routing: the 48 rows × 4 selections reach many of the 256 experts.
      const used = Array.from(g.vectors['moe0.importance']!).filter((v) => v > 0).length;
      expect(used, `step ${s}`).toBeGreaterThan(64);
    }
    gpu.destroy();
  });
});
