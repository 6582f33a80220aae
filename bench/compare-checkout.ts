/**
 * The example training step (factored Adam) lowered by another checkout (argv[2], e.g. /work/main) and by this one,
 * run on the same WebGPU device for 3 steps from the same parameters: prints whether the losses and every parameter
 * have the same bits, the plans' peak bytes and dispatch counts; then times `pairs` more steps of each, alternating
 * the two sides, and prints the medians and the median per-pair ratio (this / other) with loadavg.
 * With a fourth argument, as many profiled runs per side (alternating): the median GPU ms per op of the steps
 * holding batch sums (lstmGrad, linearCrossEntropy, embeddingGrad, matmul), their total, and of the batch-sum
 * kernels alone (chunk_*, embedding_grad*).
 * `npx tsx bench/compare-checkout.ts /work/main [recompute] [pairs] [profiles]`.
 */
import { loadavg } from 'node:os';
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
const pairs = Number(process.argv[4] ?? 0);
const profiles = Number(process.argv[5] ?? 0);
const median = (xs: number[]): number => { const s = [...xs].sort((x, y) => x - y); return s[Math.floor(s.length / 2)] ?? NaN; };
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
  results.push({ exe, ms: [] as number[], peak: plan.memory!.peakBytes, dispatches: plan.steps.reduce((a, s) => a + s.dispatches.length, 0), losses, params: await exe.read(names) });
}
const [a, b] = results as [typeof results[0], typeof results[0]];
const differing = names.filter((n) => { const x = a.params[n]!.data as Float32Array; const y = b.params[n]!.data as Float32Array; return x.some((v, i) => !Object.is(v, y[i])); });
console.log(`recompute ${recompute}: peak ${a.peak} -> ${b.peak} B, dispatches ${a.dispatches} -> ${b.dispatches}; losses ${a.losses.join(',')} vs ${b.losses.join(',')} (same bits: ${a.losses.every((v, i) => Object.is(v, b.losses[i]))}); parameters with other bits: ${differing.length === 0 ? 'none' : differing.join(', ')} of ${names.length}`);
const load0 = loadavg();
for (let s = 0; s < pairs; s++) {
  for (const side of s % 2 === 0 ? results : [...results].reverse()) {
    const t0 = performance.now();
    await side.exe.run(feeds, { seed: 1, step: 3 + s, training: true }, ['loss']);
    side.ms.push(performance.now() - t0);
  }
}
if (pairs > 0) console.log(`${pairs} pairs: other ${median(a.ms).toFixed(1)} ms, this ${median(b.ms).toFixed(1)} ms, median paired ratio this/other ${median(b.ms.map((m, i) => m / a.ms[i]!)).toFixed(3)}; loadavg ${load0.map((x) => x.toFixed(1)).join(' ')} -> ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
const OPS = ['lstmGrad', 'linearCrossEntropy', 'embeddingGrad', 'matmul'];
const KERNELS = /^(chunk_|embedding_grad)/;
const perOp = results.map(() => new Map<string, number[]>());
for (let s = 0; s < profiles; s++) {
  for (const i of s % 2 === 0 ? [0, 1] : [1, 0]) {
    const t = await results[i]!.exe.profile({ seed: 1, step: 100 + s, training: true });
    const sums = new Map<string, number>();
    for (const d of t) if (OPS.includes(d.op)) sums.set(d.op, (sums.get(d.op) ?? 0) + d.ms);
    for (const d of t) {
      if (!KERNELS.test(d.kernel)) continue;
      sums.set('batch-sum kernels', (sums.get('batch-sum kernels') ?? 0) + d.ms);
      const key = `${d.op}/${d.kernel}`;
      sums.set(key, (sums.get(key) ?? 0) + d.ms);
    }
    sums.set('total', OPS.reduce((x, op) => x + (sums.get(op) ?? 0), 0));
    for (const [op, ms] of sums) perOp[i]!.set(op, [...(perOp[i]!.get(op) ?? []), ms]);
  }
}
if (profiles > 0) for (const op of [...OPS, 'total', 'batch-sum kernels', ...new Set([...perOp[0]!.keys(), ...perOp[1]!.keys()].filter((k) => k.includes('/')))]) console.log(`${op}: other ${median(perOp[0]!.get(op) ?? []).toFixed(2)} ms, this ${median(perOp[1]!.get(op) ?? []).toFixed(2)} ms (GPU, median of ${profiles})`);
for (const r of results) r.exe.destroy();
gpu.device.destroy();
