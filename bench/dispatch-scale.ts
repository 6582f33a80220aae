/**
 * MoE dispatch cost vs expert count at N·k = 4096 slots (or the slots given; k = 4, uniform random routing): main's
 * three-kernel counting sort (`dispatchKernels`: an n × blocks count table zeroed per block and
 * scanned by one workgroup, O(n·N·k/256)) against the radix-sort dispatch the lowering now uses
 * (`dispatchSortSteps`, O(N·k + n)), at n = 1024, 16384 and 131072. Sides alternate within each
 * repetition; medians; the 1-minute loadavg is printed (lavapipe shares the host CPU).
 * Run: `npx tsx bench/dispatch-scale.ts [reps] [slots]`; writes bench/results/dispatch-scale-<slots>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { acquireDevice } from '../runtime/device.ts';
import { createPipelineCache } from '../runtime/gpu/pipelines.ts';
import { prepareKernels, type KernelStep } from '../runtime/gpu/run.ts';
import { createBuffer, uploadBuffer } from '../runtime/gpu/buffers.ts';
import { dispatchBlocks, dispatchRadix, dispatchSortScratch, dispatchSortSteps, maxTiles, type DispatchBufferName, type DispatchShape } from '../compiler/wgsl/dispatch.ts';
import type { Kernel } from '../compiler/wgsl/kernel.ts';
import { importAtCommit } from './common.ts';

/** The old three-kernel counting sort (removed from the tree), from main before issue 9. */
const oldDispatch = await importAtCommit<{ dispatchKernels: (s: DispatchShape) => [Kernel, Kernel, Kernel] }>('compiler/wgsl/dispatch.ts', '494ed20');
import { EXPERT_TILE_ROWS } from '../compiler/wgsl/expert-ffn.ts';

const REPS = Number(process.argv[2] ?? 7);
const [S, k] = [Number(process.argv[3] ?? 4096), 4];
const N = S / k;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

const ctx = await acquireDevice();
if (!ctx) {
  console.error('no WebGPU adapter');
  process.exit(1);
}
const cache = createPipelineCache(ctx);
const buf = (count: number) => createBuffer(ctx, Math.max(1, count) * 4);
const rows: Record<string, unknown>[] = [];
for (const n of [1024, 16384, 131072]) {
  let a = n >>> 0;
  const next = () => ((a = (Math.imul(a, 1664525) + 1013904223) >>> 0) >>> 8) / 16777216;
  const idx = new Int32Array(S);
  for (let row = 0; row < N; row++) {
    const picked = new Set<number>();
    while (picked.size < k) picked.add(Math.floor(next() * n));
    idx.set([...picked], row * k);
  }
  const indices = uploadBuffer(ctx, idx);
  const shape = { N, k, n, tileRows: EXPERT_TILE_ROWS };
  const od = { blockCounts: buf(n * dispatchBlocks(shape)), offsets: buf(n + 1), tileMap: buf(4 * maxTiles(shape)), sourceRow: buf(S), position: buf(S) };
  const [cnt, scan, scatter] = oldDispatch.dispatchKernels(shape);
  const oldSteps: KernelStep[] = [
    { kernel: cnt, buffers: { indices, blockCounts: od.blockCounts } },
    { kernel: scan, buffers: { blockCounts: od.blockCounts, offsets: od.offsets, tileMap: od.tileMap } },
    { kernel: scatter, buffers: { indices, blockCounts: od.blockCounts, sourceRow: od.sourceRow, position: od.position } },
  ];
  const sc = dispatchSortScratch(shape);
  const nb: Record<DispatchBufferName, GPUBuffer> = {
    indices, keysA: buf(sc.keys), valsA: buf(sc.vals), keysB: buf(sc.keys), valsB: buf(sc.vals), digitCounts: buf(sc.digitCounts),
    sourceRow: buf(S), position: buf(S), offsets: buf(n + 1), tileMap: buf(4 * maxTiles(shape)), tileCount: buf(4), activeList: buf(n + 1),
  };
  const newSteps: KernelStep[] = dispatchSortSteps(shape).map(({ kernel, bind }) => ({ kernel, buffers: Object.fromEntries(Object.entries(bind).map(([x, y]) => [x, nb[y]])) }));
  const sides = { old: await prepareKernels(cache, oldSteps), new: await prepareKernels(cache, newSteps) };
  for (const b of Object.values(sides)) b.submit(1);
  await ctx.device.queue.onSubmittedWorkDone();
  const t = { old: [] as number[], new: [] as number[] };
  const load0 = loadavg()[0]!;
  for (let r = 0; r < REPS; r++) {
    for (const side of r % 2 === 0 ? (['old', 'new'] as const) : (['new', 'old'] as const)) {
      const t0 = performance.now();
      sides[side].submit(1);
      await ctx.device.queue.onSubmittedWorkDone();
      t[side].push(performance.now() - t0);
    }
  }
  const row = { n, passes: dispatchRadix(n).passes, oldMs: +median(t.old).toFixed(2), newMs: +median(t.new).toFixed(2), speedup: +(median(t.old) / median(t.new)).toFixed(2), loadavg1m: [+load0.toFixed(2), +loadavg()[0]!.toFixed(2)] };
  rows.push(row);
  console.log(JSON.stringify(row));
  for (const b of Object.values(sides)) b.release();
}
const results = { device: { backend: ctx.info.backend, description: ctx.info.description }, date: new Date().toISOString(), shape: { S, k, N }, reps: REPS, rows };
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL(`./results/dispatch-scale-${S}.json`, import.meta.url), JSON.stringify(results, null, 2) + '\n');
process.exit(0);
