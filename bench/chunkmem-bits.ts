/**
 * One-off check (not a benchmark): the example training step lowered by another checkout (argv[2], e.g. /work/main)
 * and by this one, run on the same WebGPU device for a few steps from the same parameters; prints whether the loss and
 * every parameter have the same bits, and the plans' peak bytes. `npx tsx bench/chunkmem-bits.ts /work/main [recompute]`.
 */
import { compileTraining } from '../compiler/train-pipeline.ts';
import { lowerToWebGpu } from '../compiler/lower/index.ts';
import { traceModel } from '../frontend/model.ts';
import { initParams } from '../ir/interpret.ts';
import { acquireDevice } from '../runtime/device.ts';
import { syntheticFeeds } from '../runtime/synthetic-feeds.ts';
import { prepareWebGpuPlan } from '../runtime/webgpu-executor.ts';
import model from '../examples/lstm-moe-lm.ts';

const other = process.argv[2]!;
const recompute = process.argv[3] ?? 'experts';
const theirs = (await import(`${other}/compiler/lower/index.ts`)) as { lowerToWebGpu: typeof lowerToWebGpu };
const gpu = await acquireDevice();
if (!gpu) throw new Error('no adapter');
const graph = compileTraining(traceModel(model, {}), { optimizer: { name: 'factored-adam', lr: 0.01 } as never, recompute: recompute as never }).graph;
const params = initParams(graph, 3);
const feeds = syntheticFeeds(graph, 3);
const names = graph.inputs.filter((i) => i.role === 'param').map((i) => i.name);
const results = [];
for (const lower of [theirs.lowerToWebGpu, lowerToWebGpu]) {
  const plan = lower(graph, gpu.device.limits);
  const exe = await prepareWebGpuPlan(gpu, plan);
  exe.setParams(params);
  const losses: number[] = [];
  for (let s = 0; s < 3; s++) losses.push(((await exe.run(feeds, { seed: 1, step: s, training: true }, ['loss']))['loss']!.data as Float32Array)[0]!);
  results.push({ peak: plan.memory!.peakBytes, dispatches: plan.steps.reduce((a, s) => a + s.dispatches.length, 0), losses, params: await exe.read(names) });
  exe.destroy();
}
const [a, b] = results as [typeof results[0], typeof results[0]];
const differing = names.filter((n) => { const x = a.params[n]!.data as Float32Array; const y = b.params[n]!.data as Float32Array; return x.some((v, i) => !Object.is(v, y[i])); });
console.log(`recompute ${recompute}: peak ${a.peak} -> ${b.peak} B, dispatches ${a.dispatches} -> ${b.dispatches}; losses ${a.losses.join(',')} vs ${b.losses.join(',')} (same bits: ${a.losses.every((v, i) => Object.is(v, b.losses[i]))}); parameters with other bits: ${differing.length === 0 ? 'none' : differing.join(', ')} of ${names.length}`);
gpu.device.destroy();
