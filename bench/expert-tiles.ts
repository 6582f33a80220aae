/**
 * Expert GEMMs over the tiles that exist (issue 9 items 1–2): the MoE dispatch and the two grouped
 * expert GEMMs (hidden = relu(gather x · w1 + b1), y = hidden · w2 + b2) at N·k = 4096 slots,
 * D = 64, H = 1024, k = 4, for n = 16, 256 and 1024 experts with a uniform random routing.
 * "old" is main's: the three-kernel counting-sort dispatch (n × blocks table, one workgroup scan)
 * and main's grouped GEMM kernel (compiler/wgsl/expert-ffn.ts at BASELINE, read from git into a
 * temporary sibling module and imported) with 32-row tiles on the static worst-case grid
 * (maxTiles × column blocks, most entries exiting at once); "new" is the radix-sort dispatch and the per-plan row tile
 * (`expertTiling`: 8 rows at ≤ 12 rows per expert, 16 at ≤ 24) launched indirectly over the real
 * tile count. Both sides run the same routing and weights; the sides alternate within each
 * repetition; medians of `REPS` repetitions; the 1-minute loadavg is printed (lavapipe runs on the
 * host CPU, which other processes share). Weights are split over 4 bindings (n = 1024 needs
 * 256 MiB per layer). Run: `npx tsx bench/expert-tiles.ts [reps] [baseline commit]`; writes
 * bench/results/expert-tiles.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { acquireDevice, type DeviceContext } from '../runtime/device.ts';
import { createPipelineCache } from '../runtime/gpu/pipelines.ts';
import type { KernelStep, PreparedBatch } from '../runtime/gpu/run.ts';
import { createBuffer, uploadBuffer } from '../runtime/gpu/buffers.ts';
import { dispatchBlocks, dispatchSortScratch, dispatchSortSteps, maxTiles, type DispatchBufferName, type DispatchShape } from '../compiler/wgsl/dispatch.ts';
import type { Kernel } from '../compiler/wgsl/kernel.ts';
import { importAtCommit, median, randArray, uniformRouting, prepareWarm } from './common.ts';
import { EXPERT_TILE_ROWS, expertFfnKernels, expertTiling, groupedGemmColBlocks } from '../compiler/wgsl/expert-ffn.ts';
import { indirectArgsKernel } from '../compiler/wgsl/active-experts.ts';

const REPS = Number(process.argv[2] ?? 5);
/** The commit whose grouped GEMM is the "old" side (main before issue 9's tile work). */
const BASELINE = process.argv[3] ?? 'b7bd7d4';
const old = await importAtCommit<typeof import('../compiler/wgsl/expert-ffn.ts')>('compiler/wgsl/expert-ffn.ts', BASELINE);
/** The old three-kernel counting sort (removed from the tree), from the same commit. */
const baselineDispatch = await importAtCommit<{ dispatchKernels: (s: DispatchShape) => [Kernel, Kernel, Kernel] }>('compiler/wgsl/dispatch.ts', BASELINE);
const [S, k, D, H] = [4096, 4, 64, 1024];
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
for (const n of [16, 256, 1024]) {
  const banks = [n / 4, n / 4, n / 4, n / 4];
  const shape = { N, k, n, tileRows: EXPERT_TILE_ROWS };
  const indices = uploadBuffer(ctx, uniformRouting(N, k, n, n));
  const x = uploadBuffer(ctx, randArray(N * D, 1, 1));
  const wb = (per: number, seed: number) => Object.fromEntries(banks.map((cnt, b) => [`w${b}`, uploadBuffer(ctx, randArray(cnt * per, 0.05, seed + b))]));
  const w1 = wb(D * H, 10);
  const w2 = wb(H * D, 20);
  const b1 = uploadBuffer(ctx, randArray(n * H, 0.01, 3));
  const b2 = uploadBuffer(ctx, randArray(n * D, 0.01, 4));
  const hidden = f32(S * H);
  const y = f32(S * D);
  // old: counting-sort dispatch, 32-row tiles, static worst-case grid
  const od = { blockCounts: f32(n * dispatchBlocks(shape)), offsets: f32(n + 1), tileMap: f32(4 * maxTiles(shape)), sourceRow: f32(S), position: f32(S) };
  const [cnt, scan, scatter] = baselineDispatch.dispatchKernels(shape);
  const oldDispatch: KernelStep[] = [
    { kernel: cnt, buffers: { indices, blockCounts: od.blockCounts } },
    { kernel: scan, buffers: { blockCounts: od.blockCounts, offsets: od.offsets, tileMap: od.tileMap } },
    { kernel: scatter, buffers: { indices, blockCounts: od.blockCounts, sourceRow: od.sourceRow, position: od.position } },
  ];
  const [o1, o2] = old.expertFfnKernels({ N, k, n, D, H, Dout: D, banks });
  const oldFfn: KernelStep[] = [
    { kernel: o1, buffers: { a: x, sourceRow: od.sourceRow, tileMap: od.tileMap, ...w1, bias: b1, out: hidden } },
    { kernel: o2, buffers: { a: hidden, tileMap: od.tileMap, ...w2, bias: b2, out: y } },
  ];
  // new: radix-sort dispatch, per-plan row tile, indirect grid over the real tile count
  const sc = dispatchSortScratch(shape);
  const nb: Record<DispatchBufferName, GPUBuffer> = {
    indices, keysA: f32(sc.keys), valsA: f32(sc.vals), keysB: f32(sc.keys), valsB: f32(sc.vals), digitCounts: f32(sc.digitCounts),
    sourceRow: f32(S), position: f32(S), offsets: f32(n + 1), tileMap: f32(4 * maxTiles(shape)), tileCount: f32(4), activeList: f32(n + 1),
  };
  const newDispatch: KernelStep[] = dispatchSortSteps(shape).map(({ kernel, bind }) => ({ kernel, buffers: Object.fromEntries(Object.entries(bind).map(([a, b]) => [a, nb[b]])) }));
  const tiling = expertTiling(S, n);
  const [n1, n2] = expertFfnKernels({ N, k, n, D, H, Dout: D, banks, tiling });
  const args1 = f32(4);
  const args2 = f32(4);
  const newFfn: KernelStep[] = [
    { kernel: indirectArgsKernel({ word: 0, multiplier: groupedGemmColBlocks(H, tiling) }), buffers: { counts: nb.tileCount, args: args1 } },
    { kernel: indirectArgsKernel({ word: 0, multiplier: groupedGemmColBlocks(D, tiling) }), buffers: { counts: nb.tileCount, args: args2 } },
    { kernel: n1, buffers: { a: x, sourceRow: nb.sourceRow, tileMap: nb.tileMap, ...w1, bias: b1, out: hidden }, indirect: { buffer: args1, offset: 0 } },
    { kernel: n2, buffers: { a: hidden, tileMap: nb.tileMap, ...w2, bias: b2, out: y }, indirect: { buffer: args2, offset: 0 } },
  ];
  const sides = {
    oldDispatch: (await prepareWarm(cache, ctx, oldDispatch)).batch,
    newDispatch: (await prepareWarm(cache, ctx, newDispatch)).batch,
    oldFfn: (await prepareWarm(cache, ctx, oldFfn)).batch,
    newFfn: (await prepareWarm(cache, ctx, newFfn)).batch,
  };
  const t: Record<keyof typeof sides, number[]> = { oldDispatch: [], newDispatch: [], oldFfn: [], newFfn: [] };
  const load0 = loadavg()[0]!;
  for (let r = 0; r < REPS; r++) {
    // alternate which side goes first
    const order: (keyof typeof sides)[] = r % 2 === 0 ? ['oldDispatch', 'newDispatch', 'oldFfn', 'newFfn'] : ['newDispatch', 'oldDispatch', 'newFfn', 'oldFfn'];
    for (const side of order) t[side].push(await time(ctx, sides[side]));
  }
  const med = Object.fromEntries(Object.entries(t).map(([a, v]) => [a, +median(v).toFixed(2)])) as Record<keyof typeof sides, number>;
  const row = {
    n,
    rowsPerExpert: S / n,
    tileRows: tiling.tm,
    ms: med,
    dispatchSpeedup: +(med.oldDispatch / med.newDispatch).toFixed(2),
    ffnSpeedup: +(med.oldFfn / med.newFfn).toFixed(2),
    loadavg1m: [+load0.toFixed(2), +loadavg()[0]!.toFixed(2)],
  };
  rows.push(row);
  console.log(JSON.stringify(row));
  for (const b of Object.values(sides)) b.release();
  for (const buf of [indices, x, b1, b2, hidden, y, ...Object.values(w1), ...Object.values(w2), ...Object.values(od), ...Object.values(nb).filter((b) => b !== indices), args1, args2]) buf.destroy();
}
const results = { device: { backend: ctx.info.backend, description: ctx.info.description }, date: new Date().toISOString(), baseline: BASELINE, shape: { S, k, N, D, H }, reps: REPS, rows };
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/expert-tiles.json', import.meta.url), JSON.stringify(results, null, 2) + '\n');
process.exit(0);
