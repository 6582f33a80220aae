/**
 * The balanced example model (examples/balanced-moe-lm.ts) compiled, lowered and run on WebGPU in
 * one submit against the reference interpreter on the same parameters, batch and seed, in training
 * (batchwise top-m: every expert's load exactly m) and evaluation (learned thresholds, here set to
 * nonzero values so the routing differs from T = 0): the same routing lists for every row, the same
 * loads, the loss within 1e-4 relative and every other output close.
 */
import { expect, it } from 'vitest';
import { compileGraph } from '../../compiler/pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { traceModel } from '../../frontend/model.ts';
import { GraphBuilder } from '../../ir/graph.ts';
import { initParams, interpret } from '../../ir/interpret.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareWebGpuPlan } from '../../runtime/webgpu-executor.ts';
import model from '../../examples/balanced-moe-lm.ts';
import { cache, describeGpu, dev } from './gpu.ts';

describeGpu('balanced example model on WebGPU', () => {
  const compiled = compileGraph(traceModel(model, { T: 6, B: 8, vocab: 200, width: 32, experts: 8, k: 2, expertHidden: 24 })).graph;
  const b = GraphBuilder.from(compiled);
  const gatingNode = compiled.nodes.find((n) => n.op === 'balancedGating')!;
  b.setOutput('moe0.indices', gatingNode.outputs[0]!);
  const graph = b.finish();
  const params = initParams(graph, 4);
  params['moe0.thresholds'] = { ...params['moe0.thresholds']!, data: Float32Array.from({ length: 8 }, (_, i) => 0.05 * (i - 3)) };
  const data = syntheticFeeds(graph, 4);

  it.each([true, false])('matches the reference (training=%s)', async (training) => {
    const exe = await prepareWebGpuPlan(dev(), lowerToWebGpu(graph, dev().device.limits), cache!);
    exe.setParams(params);
    const ctx = { seed: 3, step: 1, training };
    const got = await exe.run(data, ctx);
    const want = interpret(graph, { ...params, ...data }, ctx);
    const loss = Number(want.loss!.data[0]);
    expect(Math.abs(Number(got.loss!.data[0]) - loss) / Math.abs(loss)).toBeLessThan(1e-4);
    expect(Array.from(got['moe0.indices']!.data)).toEqual(Array.from(want['moe0.indices']!.data));
    expect(Array.from(got['moe0.load']!.data)).toEqual(Array.from(want['moe0.load']!.data));
    if (training) expect(Array.from(want['moe0.load']!.data)).toEqual(Array(8).fill((2 * 48) / 8));
    for (const name of Object.keys(want)) {
      const g = got[name]!.data;
      const w = want[name]!.data;
      const scale = Math.max(1e-3, ...Array.from(w, (x) => Math.abs(x)));
      for (let i = 0; i < w.length; i++) expect(Math.abs(g[i]! - w[i]!) / scale, `${name}[${i}]`).toBeLessThan(2e-4);
    }
    expect(exe.stats.submitsPerRun).toBe(1);
    exe.destroy();
  });
});
