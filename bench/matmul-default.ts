/**
 * Which untuned GEMM kernel to pick on an adapter with `subgroups`: the row-streaming kernel
 * (the stream schedule of compiler/wgsl/gemm/stream.ts, the untuned choice without the feature) or the subgroup
 * streaming kernel (its subgroup form), over the GEMM shapes moec's plans really run.
 * The shapes are taken from compiled plans, not listed by hand: examples/lstm-moe-lm.ts at its
 * defaults and at a wider setting, training step (factored Adam, experts recomputed) and forward
 * pass — gating logits [N,D]·[D,n], the LSTM input GEMM and its backward (dx, and the transposed
 * weight gradients xᵀ·dz, hᵀ·dz), the output projection [rows,D]·[D,vocab] and its two backward
 * GEMMs. For each shape, in one process, alternating (order reversed every round), one submit of
 * up to 64 dispatches per sample (about 0.2 GFLOP): stream (what `matmulTilingFor` gives without subgroups) against
 * subgroup 8×1 k4 and 8×2 k4; medians of wall time and of this process's CPU time / host cores.
 * Run: `npx tsx bench/matmul-default.ts [reps] [extra]` (`extra`: only the listed extra shapes; `transA`: only the transposed-A ones); writes bench/results/matmul-default.json (matmul-default-extra.json).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadModelFile, traceWithOverrides } from '../app/load-model.ts';
import { compileGraph } from '../compiler/pipeline.ts';
import { compileTrainingPlan } from '../compiler/train-pipeline.ts';
import { lowerToWebGpu } from '../compiler/lower/index.ts';
import { matmulKernel, matmulTilingFor, subgroupTiling, type MatmulTiling } from '../compiler/wgsl/matmul.ts';
import type { TunableKernel } from '../compiler/wgsl/kernel.ts';
import { acquireDevice } from '../runtime/device.ts';
import { createBuffer } from '../runtime/gpu/buffers.ts';
import { createPipelineCache } from '../runtime/gpu/pipelines.ts';
import { prepareKernels, type PreparedBatch } from '../runtime/gpu/run.ts';
import { tunableMatmuls } from '../runtime/tuning/tune-matmul.ts';
import { gitState, median, round } from './common.ts';

const REPS = Number(process.argv[2] ?? 5);
const ctx = await acquireDevice();
if (!ctx) {
  console.error('no WebGPU adapter');
  process.exit(1);
}
if (!ctx.device.features.has('subgroups')) {
  console.error('this adapter has no `subgroups` feature: nothing to compare');
  process.exit(1);
}
const dev = ctx.device;
const git = gitState();
const load0 = loadavg().map((x) => round(x, 2));

const example = fileURLToPath(new URL('../examples/lstm-moe-lm.ts', import.meta.url));
const loaded = await loadModelFile(example);
const settings: readonly (readonly string[])[] = [[], ['width=256', 'expertHidden=256', 'vocab=4096', 'T=16', 'B=64']];
const limits = { maxStorageBufferBindingSize: dev.limits.maxStorageBufferBindingSize, maxBufferSize: dev.limits.maxBufferSize };
const gemms: { setting: string; g: TunableKernel }[] = [];
const seen = new Set<string>();
for (const set of settings) {
  const { graph } = traceWithOverrides(loaded, set);
  const train = compileTrainingPlan(graph, { optimizer: { name: 'factored-adam', lr: 0.01 }, recompute: 'experts' }, limits).plan;
  const forward = lowerToWebGpu(compileGraph(graph).graph, limits);
  for (const g of tunableMatmuls([train, forward])) {
    if (seen.has(g.key) || g.options.M === 0) continue;
    seen.add(g.key);
    gemms.push({ setting: set.length ? set.join(' ') : 'defaults', g });
  }
}

// Shapes the example plans above do not reach: the LSTM and output-projection weight gradients
// (transposed A; N ≤ 32: the gating weight gradient xᵀ·dlogits), K = 32, and 512×64×512 (where an earlier run, loadavg 13, had the subgroup kernel at 0.46×).
const extra: TunableKernel['options'][] = [
  { M: 64, N: 256, K: 256, transA: true },
  { M: 256, N: 1024, K: 1024, transA: true },
  { M: 64, N: 1000, K: 256, transA: true, offsets: true, accumulate: true },
  { M: 1024, N: 1000, K: 32 },
  { M: 512, N: 64, K: 512 },
  { M: 64, N: 16, K: 256, transA: true },
  { M: 256, N: 16, K: 1024, transA: true },
];
for (const o of extra) gemms.push({ setting: 'extra', g: matmulKernel({ ...o, aOff: 0, cOff: 0 }).tunable! });
if (process.argv[3] === 'extra') gemms.splice(0, gemms.length - extra.length);
if (process.argv[3] === 'transA') gemms.splice(0, gemms.length, ...gemms.filter((x) => x.g.options.transA));

const cache = createPipelineCache(ctx);
const rows: unknown[] = [];
console.log(`${ctx.info.description}\ncommit ${git.commit}${git.modified.length ? ' (modified)' : ''}, loadavg ${load0.join(' ')}, median of ${REPS}, sides alternated; ratio = stream ms / side ms (> 1: faster than stream), CPU time`);
for (const { setting, g } of gemms) {
  const { M, N, K } = g.options;
  const flops = 2 * M * N * K;
  const submits = Math.max(1, Math.min(64, Math.round(2e8 / Math.max(flops, 1))));
  const fill = (n: number): GPUBuffer => {
    const buf = createBuffer(ctx, Math.max(n, 1) * 4);
    dev.queue.writeBuffer(buf, 0, Float32Array.from({ length: Math.min(Math.max(n, 1), 1 << 16) }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5));
    return buf;
  };
  const buffers: Record<string, GPUBuffer> = { a: fill(M * K), b: fill(K * N), c: fill(M * N), ...(g.options.bias ? { bias: fill(N) } : {}) };
  const sides: [string, MatmulTiling][] = [
    ['stream', matmulTilingFor(M, N)],
    ['sg8x1k4', subgroupTiling(8, 1, 4)],
    ['sg8x2k4', subgroupTiling(8, 2, 4)],
  ];
  const batches: PreparedBatch[] = [];
  for (const [, tiling] of sides) {
    const kernels = Array.from({ length: submits }, () => ({ kernel: matmulKernel({ ...g.options, tiling, aOff: 0, cOff: 0 }), buffers }));
    const b = await prepareKernels(cache, kernels);
    batches.push(b);
    b.submit(1);
    await dev.queue.onSubmittedWorkDone();
  }
  const wall = sides.map(() => [] as number[]);
  const cpu = sides.map(() => [] as number[]);
  for (let r = 0; r < REPS; r++) {
    const order = r % 2 ? [...sides.keys()].reverse() : [...sides.keys()];
    for (const i of order) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      batches[i]!.submit(1);
      await dev.queue.onSubmittedWorkDone();
      wall[i]!.push((performance.now() - t0) / submits);
      const c = process.cpuUsage(c0);
      cpu[i]!.push((c.user + c.system) / 1000 / cpus().length / submits);
    }
  }
  for (const b of batches) b.release();
  for (const b of Object.values(buffers)) b.destroy();
  const ms = wall.map(median);
  const cms = cpu.map(median);
  const row = {
    setting,
    key: g.key,
    dispatchesPerSample: submits,
    ms: Object.fromEntries(sides.map(([n], i) => [n, round(ms[i]!, 3)])),
    cpuMs: Object.fromEntries(sides.map(([n], i) => [n, round(cms[i]!, 3)])),
    cpuRatio: Object.fromEntries(sides.slice(1).map(([n], i) => [n, round(cms[0]! / cms[i + 1]!, 2)])),
    wallRatio: Object.fromEntries(sides.slice(1).map(([n], i) => [n, round(ms[0]! / ms[i + 1]!, 2)])),
  };
  rows.push(row);
  console.log(
    `  ${g.key.padEnd(26)} stream ${ms[0]!.toFixed(3).padStart(8)} ms | sg8x1k4 ×${row.cpuRatio.sg8x1k4!.toFixed(2)} (wall ×${row.wallRatio.sg8x1k4!.toFixed(2)}) | sg8x2k4 ×${row.cpuRatio.sg8x2k4!.toFixed(2)} (wall ×${row.wallRatio.sg8x2k4!.toFixed(2)})`,
  );
}
const load1 = loadavg().map((x) => round(x, 2));
console.log(`loadavg at the end ${load1.join(' ')}`);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL(`./results/matmul-default${process.argv[3] ? `-${process.argv[3]}` : ''}.json`, import.meta.url),
  JSON.stringify({ date: new Date().toISOString(), adapter: ctx.info.description, git, reps: REPS, loadavg: { start: load0, end: load1 }, timing: 'per dispatch: one submit of dispatchesPerSample dispatches awaited; medians of wall clock and of this process’s CPU time / host cores; sides alternated, order reversed every round', rows }, null, 2) + '\n',
);
process.exit(0);
