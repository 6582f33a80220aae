/**
 * The balanced example model (examples/balanced-moe-lm.ts) at B·T = 16384 rows (T 8, B 2048, 64
 * experts, k 4, so each expert takes m = 1024 rows), forward in training (the per-expert top-m over
 * the whole batch) and evaluation: one lowered plan run on WebGPU and on the CPU backend (the same
 * plan through the reference ops) with the same parameters, nonzero thresholds and random nonzero
 * gate weights (initParams), must give the same routing lists for every row, the same loads and
 * the loss within 1e-4 relative. The routing must be non-trivial (experts take different rows).
 */
import { expect, it } from 'vitest';
import { compileGraph } from '../../compiler/pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { traceModel } from '../../frontend/model.ts';
import { GraphBuilder } from '../../ir/graph.ts';
import { initParams } from '../../ir/interpret.ts';
import { prepareCpuPlan } from '../../runtime/cpu-executor.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareWebGpuPlan } from '../../runtime/webgpu-executor.ts';
import model from '../../examples/balanced-moe-lm.ts';
import { cache, describeGpu, dev } from './gpu.ts';

describeGpu('balanced example model at 16384 rows: WebGPU equals the CPU backend', () => {
  const n = 64;
  const k = 4;
  const N = 8 * 2048;
  const compiled = compileGraph(traceModel(model, { T: 8, B: 2048, vocab: 100, width: 16, experts: n, k, expertHidden: 16 })).graph;
  const b = GraphBuilder.from(compiled);
  const gatingNode = compiled.nodes.find((x) => x.op === 'balancedGating')!;
  b.setOutput('moe0.indices', gatingNode.outputs[0]!);
  const graph = b.finish();
  const params = initParams(graph, 5);
  params['moe0.thresholds'] = { ...params['moe0.thresholds']!, data: Float32Array.from({ length: n }, (_, i) => 0.002 * ((i % 5) - 2)) };
  const wg = Object.entries(params).find(([name]) => name === 'moe0.wg');
  const data = syntheticFeeds(graph, 5);

  it.each([true, false])('training=%s: same routing, loads and loss', async (training) => {
    expect(wg, 'gate weights parameter').toBeDefined();
    expect(Array.from(wg![1].data).some((v) => v !== 0), 'gate weights nonzero').toBe(true);
    const plan = lowerToWebGpu(graph, dev().device.limits);
    const gpu = await prepareWebGpuPlan(dev(), plan, cache!);
    gpu.setParams(params);
    const cpu = prepareCpuPlan(plan);
    cpu.setParams(params);
    const ctx = { seed: 3, step: 1, training };
    const want = ['loss', 'moe0.load', 'moe0.indices'];
    const got = await gpu.run(data, ctx);
    const ref = cpu.run(data, ctx, want);
    const loss = Number(ref.loss!.data[0]);
    expect(Math.abs(Number(got.loss!.data[0]) - loss) / Math.abs(loss)).toBeLessThan(1e-4);
    expect(Array.from(got['moe0.load']!.data)).toEqual(Array.from(ref['moe0.load']!.data));
    if (training) expect(Array.from(ref['moe0.load']!.data)).toEqual(Array(n).fill((k * N) / n));
    const gi = got['moe0.indices']!.data;
    const ri = ref['moe0.indices']!.data;
    let firstBad = -1;
    for (let i = 0; i < ri.length && firstBad < 0; i++) if (gi[i] !== ri[i]) firstBad = i;
    expect(firstBad, `first differing routing entry (row ${Math.floor(firstBad / n)})`).toBe(-1);
    // non-trivial routing: rows use different expert sets, and (evaluation) some expert takes some rows but not all
    const sets = new Set<string>();
    for (let r = 0; r < 512; r++) sets.add(Array.from(ri.subarray(r * n, (r + 1) * n)).join());
    expect(sets.size).toBeGreaterThan(50);
    expect(Array.from(ref['moe0.load']!.data).some((l) => l > 0 && l < N)).toBe(true);
    gpu.destroy();
  }, 600_000);
});
