/**
 * The row-streaming matmul (compiler/wgsl/gemm/stream.ts) against the tiled kernels on the
 * GEMMs issue 13 names: 1024³ and two of the model's shapes ([1024,32]·[32,1000] and
 * [4096,512]·[512,1024]). Sides: the tiled default (64×128, 8×16 per thread), the tiled 64×256
 * (8×32) that `moec tune` picked for 1024³ before, and the untuned choice now (`matmulTilingFor`:
 * the stream kernel). Sides alternate within each repetition; each sample is one submit awaited,
 * timed by wall clock and by this process's CPU time (lavapipe's threads run in-process, so CPU
 * time is what the kernel costs whatever share of the 2 shared cores it got). The FMA peak
 * (bench/fma-peak.ts) is measured in the same run; every rate is also given as a fraction of it.
 * Run: `npx tsx bench/matmul-stream.ts [reps]`; writes bench/results/matmul-stream.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { acquireDevice } from '../runtime/device.ts';
import { createPipelineCache } from '../runtime/gpu/pipelines.ts';
import { prepareKernels, type PreparedBatch } from '../runtime/gpu/run.ts';
import { createBuffer, uploadBuffer } from '../runtime/gpu/buffers.ts';
import { DEFAULT_MATMUL_TILING, matmulKernel, matmulTilingFor, type MatmulTiling } from '../compiler/wgsl/matmul.ts';
import { gitState, median, randArray, round } from './common.ts';
import { measureFmaPeak } from './fma-peak.ts';

const REPS = Number(process.argv[2] ?? 5);
const ctx = await acquireDevice();
if (!ctx) {
  console.error('no WebGPU adapter');
  process.exit(1);
}
const cache = createPipelineCache(ctx);
const git = gitState();
const load0 = loadavg().map((x) => round(x, 2));
const peak = await measureFmaPeak(ctx, 5);
console.log(`FMA peak ${peak.gflops} GFLOP/s wall, ${peak.cpuGflops} per CPU time`);
const TILED_WIDE: MatmulTiling = { tm: 64, tn: 256, tk: 16, rm: 8, rn: 32, vec4: true };
const rows: Record<string, unknown>[] = [];
for (const [M, K, N] of [[1024, 1024, 1024], [1024, 32, 1000], [4096, 512, 1024]] as const) {
  const a = uploadBuffer(ctx, randArray(M * K, 1, 1));
  const b = uploadBuffer(ctx, randArray(K * N, 1, 2));
  const c = createBuffer(ctx, M * N * 4);
  const sides: [string, MatmulTiling, PreparedBatch][] = [];
  for (const [name, tiling] of [['tiled default', DEFAULT_MATMUL_TILING], ['tiled 64x256', TILED_WIDE], ['picked', matmulTilingFor(M, N)]] as const) {
    const batch = await prepareKernels(cache, [{ kernel: matmulKernel({ M, N, K, tiling }), buffers: { a, b, c } }]);
    batch.submit(1); // JIT and first touch
    await ctx.device.queue.onSubmittedWorkDone();
    sides.push([name, tiling, batch]);
  }
  const wall = sides.map(() => [] as number[]);
  const cpu = sides.map(() => [] as number[]);
  const l0 = loadavg()[0]!;
  for (let r = 0; r < REPS; r++) {
    const order = r % 2 ? [...sides.keys()].reverse() : [...sides.keys()];
    for (const i of order) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      sides[i]![2].submit(1);
      await ctx.device.queue.onSubmittedWorkDone();
      wall[i]!.push(performance.now() - t0);
      const cu = process.cpuUsage(c0);
      cpu[i]!.push((cu.user + cu.system) / 1000 / cpus().length);
    }
  }
  const flops = 2 * M * N * K;
  const row = {
    shape: `[${M},${K}]x[${K},${N}]`,
    loadavg1m: [round(l0, 2), round(loadavg()[0]!, 2)],
    sides: sides.map(([name, tiling], i) => {
      const w = median(wall[i]!);
      const cm = median(cpu[i]!);
      return { name, tiling, wallMs: round(w, 1), gflops: round(flops / w / 1e6, 2), ofPeak: round(flops / w / 1e6 / peak.gflops, 3), cpuMs: round(cm, 1), cpuGflops: round(flops / cm / 1e6, 2), cpuOfPeak: round(flops / cm / 1e6 / peak.cpuGflops, 3) };
    }),
  };
  rows.push(row);
  console.log(row.shape, `loadavg ${row.loadavg1m.join('→')}`);
  for (const s of row.sides) console.log(`  ${s.name.padEnd(14)} ${String(s.wallMs).padStart(8)} ms ${String(s.gflops).padStart(6)} GFLOP/s (${(100 * s.ofPeak).toFixed(1)}% of peak) | CPU ${String(s.cpuMs).padStart(7)} ms ${String(s.cpuGflops).padStart(6)} GFLOP/s (${(100 * s.cpuOfPeak).toFixed(1)}%)`);
  for (const [, , batch] of sides) batch.release();
  for (const buf of [a, b, c]) buf.destroy();
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/matmul-stream.json', import.meta.url), JSON.stringify({ date: new Date().toISOString(), git, reps: REPS, loadavg: { start: load0, end: loadavg().map((x) => round(x, 2)) }, fmaPeak: peak, rows }, null, 2) + '\n');
process.exit(0);
