/**
 * Whole models at the sizes issue 9 opened up, on WebGPU against independent references, with
 * random non-zero gate weights (the paper's zero init would route every row to experts 0..k−1):
 * the flat LM at n = 2048 experts (above the fused gating kernel's old 768-expert limit: the GEMM
 * + row-wise top-(k+1) gating, the radix-sort dispatch, expert GEMMs over the real tiles) — its
 * forward against the reference interpreter and 3 factored-Adam training steps against the CPU
 * backend — and the hierarchical LM at 256 × 256 = 65536 experts, forward against the reference
 * interpreter (loss, selections, eval loads).
 */
import { expect, it } from 'vitest';
import { compileGraph } from '../../compiler/pipeline.ts';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { traceModel } from '../../frontend/model.ts';
import { GraphBuilder, type Graph } from '../../ir/graph.ts';
import { interpret } from '../../ir/interpret.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareTrainer } from '../../runtime/trainer.ts';
import { prepareWebGpuPlan } from '../../runtime/webgpu-executor.ts';
import flatModel from '../../examples/lstm-moe-lm.ts';
import hierModel from '../../examples/hierarchical-moe-lm.ts';
import { paramsWithRandomGates } from '../multi-device/helpers.ts';
import { cache, describeGpu, dev, expectClose } from './gpu.ts';

/** The forward graph with the (last) gating's expert indices exposed as an output. */
function withIndices(g: Graph, op: 'gating' | 'secondaryGating'): Graph {
  const b = GraphBuilder.from(g);
  const node = g.nodes.filter((n) => n.op === op).at(-1)!;
  b.setOutput('indices', node.outputs[0]!);
  return b.finish();
}

async function forwardMatches(graph: Graph, seed: number, minExperts: number): Promise<void> {
  const params = paramsWithRandomGates(graph, seed);
  const data = syntheticFeeds(graph, seed);
  const exe = await prepareWebGpuPlan(dev(), lowerToWebGpu(graph, dev().device.limits), cache!);
  try {
    exe.setParams(params);
    for (const training of [true, false]) {
      const ctx = { seed: 5, step: 1, training };
      const got = await exe.run(data, ctx);
      const want = interpret(graph, { ...params, ...data }, ctx);
      const loss = Number(want.loss!.data[0]);
      expect(Math.abs(Number(got.loss!.data[0]) - loss) / Math.abs(loss), `loss (training=${training})`).toBeLessThan(1e-4);
      const idx = Array.from(want.indices!.data);
      expect(new Set(idx).size, 'distinct experts chosen').toBeGreaterThanOrEqual(minExperts);
      expect(Array.from(got.indices!.data)).toEqual(idx);
      if (!training) for (const name of Object.keys(want).filter((n) => n.endsWith('.load'))) expect(Array.from(got[name]!.data), name).toEqual(Array.from(want[name]!.data));
    }
  } finally {
    exe.destroy();
  }
}

describeGpu('models at the new scale', () => {
  const flatOptions = { T: 4, B: 8, vocab: 64, width: 16, experts: 2048, k: 4, expertHidden: 16 };

  it('flat LM, 2048 experts: forward matches the reference interpreter', async () => {
    await forwardMatches(withIndices(compileGraph(traceModel(flatModel, flatOptions)).graph, 'gating'), 3, 64);
  });

  it('flat LM, 2048 experts: 3 factored-Adam training steps on WebGPU match the CPU backend', async () => {
    const { graph, plan } = compileTrainingPlan(traceModel(flatModel, flatOptions), { optimizer: { name: 'factored-adam', lr: 0.02 }, recompute: 'experts' }, dev().device.limits);
    const init = paramsWithRandomGates(graph, 4);
    const batch = syntheticFeeds(graph, 4);
    const gpu = await prepareTrainer({ kind: 'webgpu', device: dev() }, plan, init, { seed: 4 });
    const cpu = await prepareTrainer({ kind: 'cpu' }, plan, init, { seed: 4 });
    for (let s = 0; s < 3; s++) {
      const g = (await gpu.step(batch, s)).loss!;
      const c = (await cpu.step(batch, s)).loss!;
      expect(Math.abs(g - c) / c, `step ${s} loss`).toBeLessThan(1e-4);
    }
    const pg = await gpu.read();
    const pc = await cpu.read();
    for (const name of Object.keys(pc)) expectClose(pg[name]!.data, pc[name]!.data, 1e-4, name);
  });

  it('hierarchical LM, 256 × 256 = 65536 experts: forward matches the reference interpreter', async () => {
    const options = { T: 2, B: 8, vocab: 64, width: 16, groups: 256, perGroup: 256, k1: 2, k2: 2, expertHidden: 8 };
    await forwardMatches(withIndices(compileGraph(traceModel(hierModel, options)).graph, 'secondaryGating'), 5, 24);
  });
});
