/**
 * The untuned GEMM choice on a device with `subgroups` does not change a compiled model's numbers:
 * the LSTM MoE example (examples/lstm-moe-lm.ts: gating logits, LSTM input GEMMs, output
 * projection) lowered with `subgroups: true` (every GEMM on the subgroup kernel) computes the same
 * bits as the same graph with every GEMM tuned to the tiled kernel, and both are close to the
 * reference interpreter, with random non-zero gate weights (routing checked to be non-trivial).
 * Skipped without a GPU or without the `subgroups` feature.
 */
import { describe, expect, it } from 'vitest';
import { KERNEL_TUNING_VERSION, type KernelTuning } from '../../compiler/kernel-tuning.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { compileGraph } from '../../compiler/pipeline.ts';
import { DEFAULT_MATMUL_TILING } from '../../compiler/wgsl/matmul.ts';
import { traceModel } from '../../frontend/model.ts';
import { initParams, interpret } from '../../ir/interpret.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareWebGpuPlan } from '../../runtime/webgpu-executor.ts';
import model from '../../examples/lstm-moe-lm.ts';
import { cache, dev, gpu } from './gpu.ts';
import { expectNontrivialRouting, randomizeGates } from '../routing.ts';
import { GraphBuilder } from '../../ir/graph.ts';

describe.skipIf(!gpu || !gpu.device.features.has('subgroups'))('untuned subgroup GEMMs in a compiled model', () => {
  it('give the bits of the tiled kernel and match the reference', async () => {
    const compiled = compileGraph(traceModel(model, { experts: 8, k: 2, width: 32, expertHidden: 24, vocab: 120, T: 4, B: 8 })).graph;
    const b = GraphBuilder.from(compiled);
    b.setOutput('moe0.indices', compiled.nodes.find((n) => n.op === 'gating')!.outputs[0]!);
    const graph = b.finish();
    const params = initParams(graph, 5);
    randomizeGates(params, 5);
    const data = syntheticFeeds(graph, 5);
    const limits = { maxStorageBufferBindingSize: dev().device.limits.maxStorageBufferBindingSize, maxBufferSize: dev().device.limits.maxBufferSize };
    const subgroupPlan = lowerToWebGpu(graph, { ...limits, subgroups: true });
    const gemms = subgroupPlan.steps.flatMap((s) => s.dispatches).filter((d) => d.kernel.tunable);
    expect(gemms.length).toBeGreaterThan(2);
    expect(gemms.every((d) => d.kernel.tunable!.tiling!.startsWith('subgroup'))).toBe(true);
    const tiled: KernelTuning = {
      version: KERNEL_TUNING_VERSION,
      adapter: 'test',
      date: '',
      loadavg: [0, 0],
      matmul: Object.fromEntries(gemms.map((d) => [d.kernel.tunable!.key, { tiling: DEFAULT_MATMUL_TILING, ms: 1, defaultMs: 1 }])),
    };
    const tiledPlan = lowerToWebGpu(graph, { ...limits, tuning: tiled });
    expect(tiledPlan.steps.flatMap((s) => s.dispatches).filter((d) => d.kernel.tunable).every((d) => d.kernel.tunable!.tiling!.startsWith('tiled'))).toBe(true);
    const ctx = { seed: 2, step: 0, training: true };
    const outs = [];
    for (const plan of [subgroupPlan, tiledPlan]) {
      const exe = await prepareWebGpuPlan(dev(), plan, cache!);
      exe.setParams(params);
      outs.push(await exe.run(data, ctx));
      exe.destroy();
    }
    const [sg, tl] = [outs[0]!, outs[1]!];
    const want = interpret(graph, { ...params, ...data }, ctx);
    expectNontrivialRouting(want['moe0.indices']!.data, 2, 4, 5);
    for (const name of Object.keys(want)) {
      const a = sg[name]!.data;
      expect(new Uint32Array(Float32Array.from(a, Number).buffer), name).toEqual(new Uint32Array(Float32Array.from(tl[name]!.data, Number).buffer));
      const w = want[name]!.data;
      const scale = Math.max(1e-3, ...Array.from(w, (x) => Math.abs(Number(x))));
      for (let i = 0; i < w.length; i++) expect(Math.abs(Number(a[i]) - Number(w[i])) / scale, `${name}[${i}]`).toBeLessThan(2e-4);
    }
  });
});
