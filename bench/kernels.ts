/**
 * Kernel microbenchmarks on the WebGPU device (lavapipe here): the tiled matmul at 1024³ in
 * GFLOP/s, and one MoE layer forward — fused gating (Philox noise) + device dispatch (3 kernels) +
 * grouped expert FFN (2 kernels, weights split over 2 bindings) + combine — for N = T·B = 512 rows,
 * D = 512, n = 64 experts, H = 1024, k = 4, each stage alone and all 7 dispatches in one command
 * buffer. Timing: submit a batch of iterations and await onSubmittedWorkDone (no per-dispatch
 * readbacks); medians over several runs. Writes bench/results/kernels.json and prints it.
 * Run: `npx tsx bench/kernels.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { acquireDevice, type DeviceContext } from '../runtime/device.ts';
import { createPipelineCache, type PipelineCache } from '../runtime/gpu/pipelines.ts';
import { prepareKernels, type KernelStep } from '../runtime/gpu/run.ts';
import { createBuffer, uploadBuffer } from '../runtime/gpu/buffers.ts';
import { matmulKernel } from '../compiler/wgsl/matmul.ts';
import { gatingKernel } from '../compiler/wgsl/gating.ts';
import { normalTableData } from '../compiler/wgsl/philox.ts';
import { dispatchSortScratch, dispatchSortSteps, maxTiles, type DispatchBufferName } from '../compiler/wgsl/dispatch.ts';
import { expertFfnKernels, EXPERT_TILE_ROWS } from '../compiler/wgsl/expert-ffn.ts';
import { combineKernel } from '../compiler/wgsl/combine.ts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median milliseconds per iteration of `steps` over `runs` batches of `iters` submissions. */
async function timeSteps(ctx: DeviceContext, cache: PipelineCache, steps: KernelStep[], runs: number, iters: number): Promise<number> {
  const batch = await prepareKernels(cache, steps);
  batch.submit(1); // warm-up (and JIT)
  await ctx.device.queue.onSubmittedWorkDone();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    batch.submit(iters);
    await ctx.device.queue.onSubmittedWorkDone();
    times.push((performance.now() - t0) / iters);
  }
  batch.release();
  return median(times);
}

function rand(n: number, scale: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    out[i] = ((a >>> 8) / 16777216 - 0.5) * 2 * scale;
  }
  return out;
}

const ctx = await acquireDevice();
if (!ctx) {
  console.error('no WebGPU adapter');
  process.exit(1);
}
const cache = createPipelineCache(ctx);
const f32 = (n: number) => createBuffer(ctx, n * 4);

// ---- matmul 1024³ ----
const S3 = 1024;
const mm = matmulKernel({ M: S3, N: S3, K: S3 });
const mmMs = await timeSteps(ctx, cache, [{ kernel: mm, buffers: { a: uploadBuffer(ctx, rand(S3 * S3, 1, 1)), b: uploadBuffer(ctx, rand(S3 * S3, 1, 2)), c: f32(S3 * S3) } }], 5, 2);

// ---- MoE layer forward ----
const [N, D, n, H, k] = [512, 512, 64, 1024, 4];
const S = N * k;
const banks = [n / 2, n / 2];
const x = uploadBuffer(ctx, rand(N * D, 1, 3));
const g = {
  x,
  wg: uploadBuffer(ctx, rand(D * n, 0.05, 4)),
  wn: uploadBuffer(ctx, rand(D * n, 0.05, 5)),
  normTables: uploadBuffer(ctx, normalTableData()),
  indices: f32(N * k),
  gates: f32(N * k),
  clean: f32(N * n),
  sigma: f32(N * n),
  topValues: f32(N * (k + 1)),
};
const gating: KernelStep = {
  kernel: gatingKernel({ N, D, n, k, noisy: true, explicitNoise: false, eps: 1e-2, seed: 1, stream: 0, step: 0, rowOffset: 0 }),
  buffers: g,
};
const ds = { N, k, n, tileRows: EXPERT_TILE_ROWS };
const sc = dispatchSortScratch(ds);
const d: Record<DispatchBufferName, GPUBuffer> = {
  indices: g.indices!, keysA: f32(sc.keys), valsA: f32(sc.vals), keysB: f32(sc.keys), valsB: f32(sc.vals), digitCounts: f32(sc.digitCounts),
  sourceRow: f32(S), position: f32(S), offsets: f32(n + 1), tileMap: f32(4 * maxTiles(ds)), tileCount: f32(4), activeList: f32(n + 1),
};
const dispatchSteps: KernelStep[] = dispatchSortSteps(ds).map(({ kernel, bind }) => ({ kernel, buffers: Object.fromEntries(Object.entries(bind).map(([b, name]) => [b, d[name]])) }));
const per1 = (n / 2) * D * H;
const per2 = (n / 2) * H * D;
const hidden = f32(S * H);
const y = f32(S * D);
const [l1, l2] = expertFfnKernels({ N, k, n, D, H, Dout: D, banks });
const ffnSteps: KernelStep[] = [
  { kernel: l1, buffers: { a: x, sourceRow: d.sourceRow, tileMap: d.tileMap, w0: uploadBuffer(ctx, rand(per1, 0.05, 6)), w1: uploadBuffer(ctx, rand(per1, 0.05, 7)), bias: uploadBuffer(ctx, rand(n * H, 0.01, 8)), out: hidden } },
  { kernel: l2, buffers: { a: hidden, tileMap: d.tileMap, w0: uploadBuffer(ctx, rand(per2, 0.05, 9)), w1: uploadBuffer(ctx, rand(per2, 0.05, 10)), bias: uploadBuffer(ctx, rand(n * D, 0.01, 11)), out: y } },
];
const combine: KernelStep = { kernel: combineKernel({ N, k, Dout: D }), buffers: { y, position: d.position, gates: g.gates, out: f32(N * D) } };

const all = [gating, ...dispatchSteps, ...ffnSteps, combine];
const moeMs = await timeSteps(ctx, cache, all, 3, 1);
const gatingMs = await timeSteps(ctx, cache, [gating], 5, 5);
const dispatchMs = await timeSteps(ctx, cache, dispatchSteps, 5, 5);
const ffnMs = await timeSteps(ctx, cache, ffnSteps, 3, 1);
const combineMs = await timeSteps(ctx, cache, [combine], 5, 5);
const ffnFlops = 2 * S * (D * H + H * D);

const results = {
  device: { backend: ctx.info.backend, description: ctx.info.description },
  date: new Date().toISOString(),
  // Host load while measuring: lavapipe runs on the CPU, so other processes skew the numbers.
  host: { cpus: cpus().length, loadavg1m: +loadavg()[0]!.toFixed(2) },
  matmul1024: { ms: +mmMs.toFixed(2), gflops: +((2 * S3 ** 3) / mmMs / 1e6).toFixed(2) },
  moeForward: {
    shape: { N, D, n, H, k },
    dispatches: all.length,
    totalMs: +moeMs.toFixed(2),
    gatingMs: +gatingMs.toFixed(3),
    dispatchMs: +dispatchMs.toFixed(3),
    expertFfnMs: +ffnMs.toFixed(2),
    expertFfnGflops: +(ffnFlops / ffnMs / 1e6).toFixed(2),
    combineMs: +combineMs.toFixed(3),
  },
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/kernels.json', import.meta.url), JSON.stringify(results, null, 2) + '\n');
console.log(JSON.stringify(results, null, 2));
process.exit(0);
