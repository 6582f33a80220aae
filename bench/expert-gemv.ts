/**
 * The expert FFN's forward and dx half at a few rows per expert (issue 9 item 2): the row-tile
 * kernels of compiler/wgsl/expert-fused.ts ("tile") vs the batched-GEMV kernels of
 * compiler/wgsl/expert-gemv.ts in a few thread shapes, on the same device dispatch (radix sort,
 * tile map at the plan's granularity `expertTileRows`) and weights, at the flat scale point:
 * S = N·k = 4096 slots, k = 4, D = Dout = 32, H = 1024, n experts from argv (default 1024, a
 * uniform random routing). Every kernel is launched indirectly over the real tile count, as the
 * lowering does. The sides alternate within each repetition; medians of REPS; the 1-minute
 * loadavg before and after is printed (lavapipe shares the host CPU). Run:
 * `npx tsx bench/expert-gemv.ts [reps] [n,n,…] [variants: R.WG.HPT[.small[.scalar]],…]` (scalar 1: one
 * weight per load), GEMV_NO_TILE=1 skips the row-tile kernels; writes
 * bench/results/expert-gemv.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { acquireDevice, type DeviceContext } from '../runtime/device.ts';
import { createPipelineCache } from '../runtime/gpu/pipelines.ts';
import type { KernelStep, PreparedBatch } from '../runtime/gpu/run.ts';
import { createBuffer, uploadBuffer } from '../runtime/gpu/buffers.ts';
import { dispatchSortScratch, dispatchSortSteps, maxTiles, type DispatchBufferName } from '../compiler/wgsl/dispatch.ts';
import { expertTileRows } from '../compiler/wgsl/expert-ffn.ts';
import { expertFfnFusedKernel, expertFfnGradInputKernel } from '../compiler/wgsl/expert-fused.ts';
import { expertGemvForwardKernel, expertGemvGradInputKernel, gemvShape, type GemvShape } from '../compiler/wgsl/expert-gemv.ts';
import { indirectArgsKernel } from '../compiler/wgsl/active-experts.ts';
import { median, randArray, uniformRouting, prepareWarm } from './common.ts';

const REPS = Number(process.argv[2] ?? 3);
const NS = (process.argv[3] ?? '1024').split(',').map(Number);
const [S, k, D, H, Dout] = [4096, 4, 32, 1024, 32];
const N = S / k;

async function time(ctx: DeviceContext, batch: PreparedBatch): Promise<number> {
  const t0 = performance.now();
  batch.submit(1);
  await ctx.device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}


const ctx = await acquireDevice();
if (!ctx) {
  console.error('no WebGPU adapter');
  process.exit(1);
}
const cache = createPipelineCache(ctx);
const f32 = (count: number) => createBuffer(ctx, Math.max(1, count) * 4);
const rows: Record<string, unknown>[] = [];
for (const n of NS) {
  const tileRows = expertTileRows(S, n);
  const variants: GemvShape[] = (process.argv[4] ?? '').split(',').filter(Boolean).map((v) => {
    const [R, WG, HPT, small, scalar] = v.split('.').map(Number) as [number, number, number, number | undefined, number | undefined];
    return { R, WG, HPT, ...(small ? { small } : {}), ...(scalar ? { scalar: true } : {}) };
  });
  if (variants.length === 0) variants.push(gemvShape(tileRows));
  const shape = { N, k, n, tileRows };
  const indices = uploadBuffer(ctx, uniformRouting(N, k, n, n));
  const x = uploadBuffer(ctx, randArray(N * D, 1, 1));
  const w1 = uploadBuffer(ctx, randArray(n * D * H, 0.05, 10));
  const w2 = uploadBuffer(ctx, randArray(n * H * Dout, 0.05, 20));
  const b1 = uploadBuffer(ctx, randArray(n * H, 0.01, 3));
  const b2 = uploadBuffer(ctx, randArray(n * Dout, 0.01, 4));
  const dy = uploadBuffer(ctx, randArray(S * Dout, 1, 5));
  const y = f32(S * Dout);
  const dslot = f32(S * D);
  const sc = dispatchSortScratch(shape);
  const nb: Record<DispatchBufferName, GPUBuffer> = {
    indices, keysA: f32(sc.keys), valsA: f32(sc.vals), keysB: f32(sc.keys), valsB: f32(sc.vals), digitCounts: f32(sc.digitCounts),
    sourceRow: f32(S), position: f32(S), offsets: f32(n + 1), tileMap: f32(4 * maxTiles(shape)), tileCount: f32(4), activeList: f32(n + 1),
  };
  const args = f32(4);
  const dispatchSteps: KernelStep[] = [
    ...dispatchSortSteps(shape).map(({ kernel, bind }) => ({ kernel, buffers: Object.fromEntries(Object.entries(bind).map(([a, b]) => [a, nb[b]])) })),
    { kernel: indirectArgsKernel({ word: 0, multiplier: 1 }), buffers: { counts: nb.tileCount, args } },
  ];
  const d0 = await prepareWarm(cache, ctx, dispatchSteps);
  d0.batch.release();
  const o = { N, k, n, D, H, Dout, tileRows };
  const fwdBind = { x, sourceRow: nb.sourceRow, tileMap: nb.tileMap, w1_0: w1, b1, w2_0: w2, b2, out: y };
  const dxBind = { x, sourceRow: nb.sourceRow, tileMap: nb.tileMap, w1_0: w1, b1, w2_0: w2, dy, dslot };
  const indirect = { buffer: args, offset: 0 };
  const sides: Record<string, KernelStep> = process.env.GEMV_NO_TILE ? {} : {
    'fwd tile': { kernel: expertFfnFusedKernel(o), buffers: fwdBind, indirect },
    'dx tile': { kernel: expertFfnGradInputKernel(o), buffers: dxBind, indirect },
  };
  for (const s of variants) {
    const tag = `R${s.R}${s.small ? `/${s.small}` : ''} WG${s.WG} HPT${s.HPT}${s.scalar ? ' scalar' : ''}`;
    sides[`fwd gemv ${tag}`] = { kernel: expertGemvForwardKernel({ ...o, shape: s }), buffers: fwdBind, indirect };
    sides[`dx gemv ${tag}`] = { kernel: expertGemvGradInputKernel({ ...o, shape: s }), buffers: dxBind, indirect };
  }
  const prepared: Record<string, PreparedBatch> = {};
  const jit: Record<string, number> = {};
  for (const [name, step] of Object.entries(sides)) {
    const p = await prepareWarm(cache, ctx, [step]);
    prepared[name] = p.batch;
    jit[name] = +p.jitMs.toFixed(0);
    console.error(`prepared ${name} (${jit[name]} ms with JIT)`);
  }
  const t: Record<string, number[]> = Object.fromEntries(Object.keys(sides).map((s) => [s, []]));
  const load0 = loadavg()[0]!;
  for (let r = 0; r < REPS; r++) {
    const order = Object.keys(sides);
    if (r % 2 === 1) order.reverse();
    for (const side of order) t[side]!.push(await time(ctx, prepared[side]!));
  }
  const ms = Object.fromEntries(Object.entries(t).map(([a, v]) => [a, +median(v).toFixed(1)]));
  const row = { n, rowsPerExpert: S / n, tileRows, ms, firstRunMs: jit, loadavg1m: [+load0.toFixed(2), +loadavg()[0]!.toFixed(2)] };
  rows.push(row);
  console.log(JSON.stringify(row));
  for (const b of Object.values(prepared)) b.release();
  for (const buf of [x, w1, w2, b1, b2, dy, y, dslot, args, ...Object.values(nb)]) buf.destroy();
}
const results = { device: { backend: ctx.info.backend, description: ctx.info.description }, date: new Date().toISOString(), shape: { S, k, N, D, H, Dout }, reps: REPS, rows };
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/expert-gemv.json', import.meta.url), JSON.stringify(results, null, 2) + '\n');
process.exit(0);
