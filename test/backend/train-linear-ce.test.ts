/**
 * A whole training step of examples/lstm-moe-lm.ts with the fused linear cross-entropy, WebGPU vs
 * the CPU backend: vocab 4096 over T·B = 300 rows gives two logits chunks (256 + 44 rows), so the
 * chunked forward and backward both run across a chunk boundary. The training graph has no
 * [300, 4096] value and the plan no temporary that large; the forward step computes loss and
 * gradients in one pass over the chunks. Gate weights are random and non-zero
 * (routing checked non-trivial). After 3 SGD steps on both backends, the losses agree to 1e-4
 * relative, every parameter agrees to 1e-4 relative, and every parameter's change over the 3 steps
 * (the gradients' sum) agrees to 2e-3 relative (rms-floored) plus the f32 rounding of the
 * parameters themselves.
 */
import { expect, it } from 'vitest';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import { traceModel } from '../../frontend/model.ts';
import { initParams } from '../../ir/interpret.ts';
import { fromArray } from '../../ir/tensor.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareTrainer } from '../../runtime/trainer.ts';
import model from '../../examples/lstm-moe-lm.ts';
import { describeGpu, dev, expectClose, randArray, rng } from './gpu.ts';

const options = { T: 6, B: 50, vocab: 4096, width: 16, experts: 4, k: 2, expertHidden: 16, dropout: 0.1 };
const ROWS = options.T * options.B;

describeGpu('training with the fused linear cross-entropy', () => {
  it('3 steps on WebGPU agree with the CPU backend across two logits chunks', async () => {
    const { graph, plan } = compileTrainingPlan(traceModel(model, options), { optimizer: { name: 'sgd', lr: 2 }, recompute: 'experts' }, dev().device.limits);
    expect(graph.nodes.filter((n) => n.op === 'linearCrossEntropyGrad')).toHaveLength(1);
    expect(graph.nodes.some((n) => n.op === 'softmaxCrossEntropy' || n.op === 'softmaxCrossEntropyGrad')).toBe(false);
    expect([...graph.values.values()].filter((v) => v.type.shape[0] === ROWS && v.type.shape[1] === options.vocab)).toEqual([]);
    expect(Math.max(...plan.storages.filter((s) => s.role === 'temp').map((s) => s.bytes))).toBeLessThan(ROWS * options.vocab * 4);
    expect(plan.steps.flatMap((s) => s.dispatches).filter((d) => d.kernel.name === 'lce.loss_grad_rows')).toHaveLength(2);
    // The forward step computes the gradients too (pairLinearCrossEntropy): the gradient step is empty.
    expect(plan.steps.find((s) => s.node.op === 'linearCrossEntropyGrad')!.dispatches).toHaveLength(0);

    const init = initParams(graph, 3);
    const r = rng(5);
    for (const name of ['moe0.wg', 'moe0.wn']) init[name] = fromArray('f32', init[name]!.type.shape, randArray(r, init[name]!.data.length, -0.5, 0.5));
    const batch = syntheticFeeds(graph, 3);
    const gpu = await prepareTrainer({ kind: 'webgpu', device: dev() }, plan, init, { seed: 4, vectors: ['moe0.load'] });
    const cpu = await prepareTrainer({ kind: 'cpu' }, plan, init, { seed: 4, vectors: ['moe0.load'] });
    for (let s = 0; s < 3; s++) {
      const g = await gpu.stepFull(batch, s);
      const c = await cpu.stepFull(batch, s);
      expect(Math.abs(g.scalars.loss! - c.scalars.loss!) / c.scalars.loss!, `loss at step ${s}`).toBeLessThan(1e-4);
      // Routing is non-trivial: rows reach more than the k = 2 experts that zero gate weights would pick.
      expect(Array.from(c.vectors['moe0.load']!).filter((l) => l > 0).length, `experts used at step ${s}`).toBeGreaterThan(options.k);
    }
    const names = Object.keys(init);
    const pg = await gpu.read(names);
    const pc = await cpu.read(names);
    for (const name of names) {
      expectClose(pg[name]!.data, pc[name]!.data, 1e-4, name);
      const delta = (p: ArrayLike<number>) => Array.from(p, (v, i) => v - init[name]!.data[i]!);
      const dc = delta(pc[name]!.data);
      expect(Math.max(...dc.map(Math.abs)), `${name} changed`).toBeGreaterThan(0);
      // The change is a difference of f32 parameters: allow their rounding (a few ulps of max |p|).
      const ulps = 4 * 2 ** -23 * Math.max(...Array.from(pc[name]!.data, Math.abs));
      const rms = Math.sqrt(dc.reduce((a, v) => a + v * v, 0) / dc.length);
      const dg = delta(pg[name]!.data);
      const worst = Math.max(...dc.map((v, i) => Math.abs(dg[i]! - v) - (2e-3 * Math.max(Math.abs(v), rms) + ulps)));
      expect(worst, `${name} change`).toBeLessThanOrEqual(0);
    }
    gpu.destroy();
  }, 300_000);
});
