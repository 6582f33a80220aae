/**
 * The whole example model trained with recompute 'experts', whose expert FFN stays whole and is
 * differentiated by the tile-by-tile expertFfnGrad (no [N·k, H] buffer), on WebGPU against the
 * CPU backend (the plan run on the reference ops) and against recompute 'none' (the split FFN
 * whose hidden activations are kept). Expert hidden 80 spans two 64-unit chunks; gate weights
 * are random and non-zero, and the routing is checked to use several experts unevenly.
 */
import { expect, it } from 'vitest';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import { traceModel } from '../../frontend/model.ts';
import { initParams } from '../../ir/interpret.ts';
import type { Tensor } from '../../ir/tensor.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareTrainer } from '../../runtime/trainer.ts';
import model from '../../examples/lstm-moe-lm.ts';
import { describeGpu, dev, expectClose, randArray, rng } from './gpu.ts';

const options = { T: 6, B: 8, vocab: 30, width: 16, experts: 6, k: 2, expertHidden: 80, dropout: 0.1 };
const STEPS = 3;

describeGpu('recompute experts: the fused expert backward in a whole training step', () => {
  it('WebGPU matches the CPU backend and the split path', async () => {
    const optimizer = { name: 'adam', lr: 0.01 } as const;
    const traced = traceModel(model, options);
    const fused = compileTrainingPlan(traced, { optimizer, recompute: 'experts' }, dev().device.limits);
    const split = compileTrainingPlan(traced, { optimizer, recompute: 'none' }, dev().device.limits);
    expect(fused.graph.nodes.some((n) => n.op === 'expertFfnGrad')).toBe(true);
    expect(fused.graph.nodes.some((n) => n.op === 'expertHidden')).toBe(false);
    expect(split.graph.nodes.some((n) => n.op === 'expertHiddenGrad')).toBe(true);
    const init: Record<string, Tensor> = { ...initParams(fused.graph, 3) };
    const r = rng(3);
    for (const name of ['moe0.wg', 'moe0.wn', 'moe0.b1']) {
      const t = init[name]!;
      init[name] = { type: t.type, data: randArray(r, t.data.length, -0.5, 0.5) };
    }
    const batch = syntheticFeeds(fused.graph, 3);
    const vectors = fused.plan.outputs.some((o) => o.name === 'moe0.load') ? ['moe0.load'] : [];
    const gpu = await prepareTrainer({ kind: 'webgpu', device: dev() }, fused.plan, init, { seed: 3, vectors });
    const cpu = await prepareTrainer({ kind: 'cpu' }, fused.plan, init, { seed: 3 });
    const gpuSplit = await prepareTrainer({ kind: 'webgpu', device: dev() }, split.plan, init, { seed: 3 });
    const losses: [number, number, number][] = [];
    for (let s = 0; s < STEPS; s++) {
      const g = await gpu.stepFull(batch, s);
      if (s === 0 && vectors.length) {
        // Non-trivial routing: at least three experts used, not evenly.
        const load = g.vectors['moe0.load']!;
        expect(Array.from(load).filter((v) => v > 0.5).length).toBeGreaterThanOrEqual(3);
        expect(Math.max(...load)).toBeGreaterThan(Math.min(...load) + 0.5);
      }
      losses.push([g.scalars.loss!, (await cpu.step(batch, s)).loss!, (await gpuSplit.step(batch, s)).loss!]);
    }
    for (const [s, [g, c, sp]] of losses.entries()) {
      expect(Math.abs(g - c) / c, `step ${s}: WebGPU vs CPU loss`).toBeLessThan(1e-5);
      expect(Math.abs(g - sp) / sp, `step ${s}: fused vs split loss`).toBeLessThan(1e-5);
    }
    const pg = await gpu.read();
    const pc = await cpu.read();
    const ps = await gpuSplit.read();
    for (const name of Object.keys(pc)) {
      expectClose(pg[name]!.data, pc[name]!.data, 1e-4, `${name} (WebGPU vs CPU)`);
      expectClose(pg[name]!.data, ps[name]!.data, 1e-4, `${name} (fused vs split)`);
    }
    gpu.destroy();
    gpuSplit.destroy();
  }, 1_500_000);
});
