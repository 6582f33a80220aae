/**
 * The example model trained at about one row per expert (64 experts, 32 rows × k 2), where the
 * plan picks 4-row tiles (`expertTileRows`) for the dispatch's tile map, the fused expert kernels
 * (recompute 'experts'; forward and input half in their batched-GEMV form, weight half in its
 * lanes form) and the grouped GEMMs (recompute 'none'): parameters after two SGD steps
 * (linear in the gradients) on WebGPU must equal the CPU backend (the plan run on the reference ops, whose
 * gradients are checked by finite differences in test/ir) element by element, for both policies.
 * Gate weights are random and non-zero, and the routing is checked to spread over many experts.
 */
import { expect, it } from 'vitest';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import { expertTileRows } from '../../compiler/wgsl/expert-ffn.ts';
import { traceModel } from '../../frontend/model.ts';
import { initParams } from '../../ir/interpret.ts';
import type { Tensor } from '../../ir/tensor.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareTrainer } from '../../runtime/trainer.ts';
import model from '../../examples/lstm-moe-lm.ts';
import { describeGpu, dev, expectClose, randArray, rng } from './gpu.ts';

const options = { T: 4, B: 8, vocab: 30, width: 16, experts: 64, k: 2, expertHidden: 80, dropout: 0 };
const STEPS = 2;

describeGpu('training at about one row per expert (4-row tiles)', () => {
  it.each(['experts', 'none'] as const)('recompute %s: WebGPU parameters match the CPU backend', async (recompute) => {
    expect(expertTileRows(options.T * options.B * options.k, options.experts)).toBe(4);
    // SGD keeps every parameter linear in its gradients (Adam's first steps divide nearly cancelling
    // tiny gradients of rarely used experts' biases by their own magnitude).
    const optimizer = { name: 'sgd', lr: 0.5 } as const;
    const traced = traceModel(model, options);
    const { graph, plan } = compileTrainingPlan(traced, { optimizer, recompute }, dev().device.limits);
    expect(graph.nodes.some((n) => n.op === (recompute === 'experts' ? 'expertFfnGrad' : 'expertHiddenGrad'))).toBe(true);
    if (recompute === 'experts') {
      // At this mean the fused path takes the batched-GEMV kernels (compiler/wgsl/expert-gemv.ts).
      const names = plan.steps.flatMap((st) => st.dispatches.map((d) => d.kernel.name));
      expect(names).toContain('expert_gemv_fused');
      expect(names).toContain('expert_gemv_grad_input');
      // ≤ 1 row per expert: the weight half in its lanes form (compiler/wgsl/expert-wgrad-lanes.ts).
      expect(names).toContain('expert_wgrad_lanes_active');
    }
    const init: Record<string, Tensor> = { ...initParams(graph, 5) };
    const r = rng(5);
    for (const name of ['moe0.wg', 'moe0.wn', 'moe0.b1']) {
      const t = init[name]!;
      init[name] = { type: t.type, data: randArray(r, t.data.length, -0.5, 0.5) };
    }
    const batch = syntheticFeeds(graph, 5);
    const vectors = plan.outputs.some((o) => o.name === 'moe0.load') ? ['moe0.load'] : [];
    const gpu = await prepareTrainer({ kind: 'webgpu', device: dev() }, plan, init, { seed: 5, vectors });
    const cpu = await prepareTrainer({ kind: 'cpu' }, plan, init, { seed: 5 });
    for (let s = 0; s < STEPS; s++) {
      const g = await gpu.stepFull(batch, s);
      if (s === 0 && vectors.length) {
        const load = g.vectors['moe0.load']!;
        expect(Array.from(load).filter((v) => v > 0.5).length, 'experts with load').toBeGreaterThanOrEqual(16);
      }
      const c = await cpu.step(batch, s);
      expect(Math.abs(g.scalars.loss! - c.loss!) / c.loss!, `step ${s}: WebGPU vs CPU loss`).toBeLessThan(1e-5);
    }
    const pg = await gpu.read();
    const pc = await cpu.read();
    for (const name of Object.keys(pc)) expectClose(pg[name]!.data, pc[name]!.data, 1e-4, `${name} (WebGPU vs CPU)`);
    gpu.destroy();
  }, 1_500_000);
});
