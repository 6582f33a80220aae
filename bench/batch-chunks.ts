/**
 * Cost of the canonical batch-chunk reductions (compiler/lower/batch-chunks.ts) on one device: the example
 * LSTM-MoE training step (factored Adam, recompute experts, or `--set`/`--optimizer`/`--recompute`) lowered twice
 * on the same WebGPU device — as compiled (the batch sums over the canonical chunks) and with the graph's batch
 * option hidden from the lowering (plain row-order reductions, the lowering before the chunks) — and stepped
 * alternately, one step of each per pair after a warm-up, so both sides see the same machine load. Prints the
 * medians, the median of the per-pair ratios (chunked / plain), loadavg before and after, and JSON. Usage:
 * `npx tsx bench/batch-chunks.ts [--steps 15] [--optimizer adam] [--recompute none] [--set key=value ...]`.
 */
import { deviceLoweringLimits } from '../runtime/lowering-limits.ts';
import { loadavg } from 'node:os';
import { lowerToWebGpu } from '../compiler/lower/index.ts';
import { compileTraining } from '../compiler/train-pipeline.ts';
import { parseSetArgs, traceModel } from '../frontend/model.ts';
import { initParams } from '../ir/interpret.ts';
import { acquireDevice } from '../runtime/device.ts';
import { syntheticFeeds } from '../runtime/synthetic-feeds.ts';
import { prepareWebGpuPlan } from '../runtime/webgpu-executor.ts';
import model from '../examples/lstm-moe-lm.ts';
import { median } from './common.ts';

const sets: string[] = [];
let steps = 15;
let optimizer = 'factored-adam';
let recompute = 'experts';
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === '--set') sets.push(process.argv[++i]!);
  else if (process.argv[i] === '--steps') steps = Number(process.argv[++i]);
  else if (process.argv[i] === '--optimizer') optimizer = process.argv[++i]!;
  else if (process.argv[i] === '--recompute') recompute = process.argv[++i]!;
}
const gpu = await acquireDevice();
if (!gpu) throw new Error('bench/batch-chunks.ts: no WebGPU adapter');
const overrides = parseSetArgs(sets);
const graph = compileTraining(traceModel(model, overrides), { optimizer: { name: optimizer, lr: 0.01 } as never, recompute: recompute as never }).graph;
const { options: _hidden, ...metaWithoutBatch } = graph.meta as Record<string, unknown>;
const plain = { ...graph, meta: metaWithoutBatch };
const params = initParams(graph, 1);
const feeds = syntheticFeeds(graph, 1);
const load0 = loadavg();
const sides = await Promise.all([graph, plain].map(async (g) => {
  const plan = lowerToWebGpu(g, deviceLoweringLimits(gpu));
  const exe = await prepareWebGpuPlan(gpu, plan);
  exe.setParams(params);
  await exe.run(feeds, { seed: 1, step: 0, training: true }, ['loss']);
  return { exe, dispatches: plan.steps.reduce((a, s) => a + s.dispatches.length, 0), ms: [] as number[] };
}));
for (let s = 1; s <= steps; s++) {
  for (const side of s % 2 === 0 ? sides : [...sides].reverse()) {
    const t0 = performance.now();
    await side.exe.run(feeds, { seed: 1, step: s, training: true }, ['loss']);
    side.ms.push(performance.now() - t0);
  }
}
const [chunked, before] = sides as [typeof sides[0], typeof sides[0]];
const ratio = median(chunked.ms.map((m, i) => m / before.ms[i]!));
const result = {
  name: 'batch-chunks',
  date: new Date().toISOString(),
  config: { model: 'examples/lstm-moe-lm.ts', overrides, optimizer, recompute, steps },
  chunked: { medianMs: median(chunked.ms), dispatches: chunked.dispatches },
  plain: { medianMs: median(before.ms), dispatches: before.dispatches },
  pairedRatio: ratio,
  loadavg: { before: load0, after: loadavg() },
};
console.log(`one-device training step, ${steps} pairs: chunked ${median(chunked.ms).toFixed(1)} ms (${chunked.dispatches} dispatches), plain ${median(before.ms).toFixed(1)} ms (${before.dispatches}); median paired ratio chunked/plain ${ratio.toFixed(3)}; loadavg ${load0.map((x) => x.toFixed(1)).join(' ')} → ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(JSON.stringify(result));
for (const s of sides) s.exe.destroy();
gpu.device.destroy();
