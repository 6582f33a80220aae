/**
 * The whole example model on WebGPU: compiled, lowered, executed by the WebGPU executor in one
 * submit, against the reference interpreter on the same parameters, batch and seed — the loss
 * within 1e-4 relative, the same expert selection for every row, the same loads in eval mode
 * (hard counts, exact), and every other output close. The gate weights are random and non-zero
 * (the paper's zero init would route every row to experts 0..k−1) and the test asserts the
 * routing is non-trivial: more than k experts used, different expert sets across rows. Also: a bad token id is reported with the
 * node that read it, not silently zeroed.
 */
import { expect, it } from 'vitest';
import { compileGraph } from '../../compiler/pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { traceModel } from '../../frontend/model.ts';
import { GraphBuilder } from '../../ir/graph.ts';
import { initParams, interpret } from '../../ir/interpret.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareWebGpuPlan } from '../../runtime/webgpu-executor.ts';
import model from '../../examples/lstm-moe-lm.ts';
import { cache, describeGpu, dev } from './gpu.ts';
import { expectNontrivialRouting, randomizeGates } from '../routing.ts';

describeGpu('example model on WebGPU', () => {
  // Expose the gating indices so expert selection can be compared row by row.
  const compiled = compileGraph(traceModel(model, { T: 6, B: 5, vocab: 300, width: 32, experts: 8, k: 2, expertHidden: 48 })).graph;
  const b = GraphBuilder.from(compiled);
  const gatingNode = compiled.nodes.find((n) => n.op === 'gating')!;
  b.setOutput('moe0.indices', gatingNode.outputs[0]!);
  const graph = b.finish();
  const params = initParams(graph, 11);
  randomizeGates(params, 11);
  const data = syntheticFeeds(graph, 11);

  it.each([true, false])('matches the reference (training=%s)', async (training) => {
    const exe = await prepareWebGpuPlan(dev(), lowerToWebGpu(graph, dev().device.limits), cache!);
    exe.setParams(params);
    const ctx = { seed: 5, step: 2, training };
    const got = await exe.run(data, ctx);
    const want = interpret(graph, { ...params, ...data }, ctx);
    const loss = Number(want.loss!.data[0]);
    expect(Math.abs(Number(got.loss!.data[0]) - loss) / Math.abs(loss)).toBeLessThan(1e-4);
    expect(Array.from(got['moe0.indices']!.data)).toEqual(Array.from(want['moe0.indices']!.data));
    expectNontrivialRouting(want['moe0.indices']!.data, 2, 5, 8);
    if (!training) expect(Array.from(got['moe0.load']!.data)).toEqual(Array.from(want['moe0.load']!.data));
    for (const name of Object.keys(want)) {
      const g = got[name]!.data;
      const w = want[name]!.data;
      const scale = Math.max(1e-3, ...Array.from(w, (x) => Math.abs(x)));
      for (let i = 0; i < w.length; i++) expect(Math.abs(g[i]! - w[i]!) / scale, `${name}[${i}]`).toBeLessThan(2e-4);
    }
    expect(exe.stats.submitsPerRun).toBe(1);
    exe.destroy();
  });

  it('reports an out-of-range token id with the embedding node', async () => {
    const exe = await prepareWebGpuPlan(dev(), lowerToWebGpu(graph, dev().device.limits), cache!);
    exe.setParams(params);
    const bad = { ...data, tokens: { ...data.tokens!, data: Int32Array.from(data.tokens!.data, (x, i) => (i === 7 ? 300 : x)) } };
    await expect(exe.run(bad, { seed: 0, step: 0, training: false })).rejects.toThrow(/embedding \(layer embedding0\): token id out of range \[0, 300\): 1 bad value\(s\), first at position 7/);
    exe.destroy();
  });
});
