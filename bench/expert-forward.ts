/**
 * The two grouped expert GEMMs of `npm run bench`'s MoE forward (N = 512, D = 512, n = 64, H =
 * 1024, k = 4; 2048 slots, uniform random routing, one weight bank each as in the real plan),
 * each candidate kernel alone: the tiled, workgroup-staged `groupedGemmKernel` (wgsl/expert-ffn.ts)
 * against the row-uniform `rowsGemmKernel` (wgsl/expert-rows.ts) in a few tilings, and its subgroup
 * form where the adapter has subgroups. The dispatch
 * (radix sort, tile map, tile count) runs once; each GEMM is launched indirectly over the real
 * tiles, like the plan. Candidates alternate within each repetition (host-load drift hits all);
 * medians of `reps` are printed with GFLOP/s, the 1-minute loadavg and the commit, and every
 * candidate's output is checked against the first one's. Run:
 * `npx tsx bench/expert-forward.ts [reps] [candidate names…]`.
 */
import { loadavg } from 'node:os';
import { acquireDevice, type DeviceContext } from '../runtime/device.ts';
import { createPipelineCache } from '../runtime/gpu/pipelines.ts';
import { prepareKernels, type KernelStep, type PreparedBatch } from '../runtime/gpu/run.ts';
import { createBuffer, readF32, uploadBuffer } from '../runtime/gpu/buffers.ts';
import { dispatchSortScratch, dispatchSortSteps, maxTiles, type DispatchBufferName } from '../compiler/wgsl/dispatch.ts';
import type { Kernel } from '../compiler/wgsl/kernel.ts';
import { expertTileRows, expertTiling, groupedGemmColBlocks, groupedGemmKernel } from '../compiler/wgsl/expert-ffn.ts';
import { rowsGemmColBlocks, rowsGemmKernel, SUBGROUP_ROWS_TILING, type RowsTiling } from '../compiler/wgsl/expert-rows.ts';
import { indirectArgsKernel } from '../compiler/wgsl/active-experts.ts';
import { gitState, median, randArray, uniformRouting } from './common.ts';

const REPS = Number(process.argv[2] ?? 5);
const only = process.argv.slice(3);
const [N, D, n, H, k] = [512, 512, 64, 1024, 4];
const S = N * k;
const tileRows = expertTileRows(S, n);

const ctx = await acquireDevice();
if (!ctx) {
  console.error('no WebGPU adapter');
  process.exit(1);
}
const dev: DeviceContext = ctx;
const cache = createPipelineCache(dev);
const f32 = (count: number) => createBuffer(dev, Math.max(1, count) * 4);
const ds = { N, k, n, tileRows };
const sc = dispatchSortScratch(ds);
const d: Record<DispatchBufferName, GPUBuffer> = {
  indices: uploadBuffer(dev, uniformRouting(N, k, n, 7)),
  keysA: f32(sc.keys), valsA: f32(sc.vals), keysB: f32(sc.keys), valsB: f32(sc.vals), digitCounts: f32(sc.digitCounts),
  sourceRow: f32(S), position: f32(S), offsets: f32(n + 1), tileMap: f32(4 * maxTiles(ds)), tileCount: f32(4), activeList: f32(n + 1),
};
const dispatchSteps: KernelStep[] = dispatchSortSteps(ds).map(({ kernel, bind }) => ({ kernel, buffers: Object.fromEntries(Object.entries(bind).map(([b, name]) => [b, d[name]])) }));
await (await prepareKernels(cache, dispatchSteps)).submit(1);

const x = uploadBuffer(dev, randArray(N * D, 1, 3));
const w1 = uploadBuffer(dev, randArray(n * D * H, 1 / Math.sqrt(D), 4));
const b1 = uploadBuffer(dev, randArray(n * H, 0.01, 5));
const w2 = uploadBuffer(dev, randArray(n * H * D, 1 / Math.sqrt(H), 6));
const b2 = uploadBuffer(dev, randArray(n * D, 0.01, 7));
const hidden = uploadBuffer(dev, randArray(S * H, 1, 8)); // layer 2's input (independent of layer 1 here)

interface Candidate { name: string; layer: 1 | 2; kernel: Kernel; colBlocks: number }
const shape = { S, N, k, n, tileRows };
const l1 = { ...shape, K: D, cols: H, gather: true, relu: true };
const l2 = { ...shape, K: H, cols: D, gather: false, relu: false };
const rowsTilings: Record<string, RowsTiling> = {
  'loop32x4x16': { tm: 32, cv: 4, wg: 16 },
  'loop32x8x8': { tm: 32, cv: 8, wg: 8 },
  'k2loop32x8x8': { tm: 32, cv: 8, wg: 8, ks: 2 },
  'k2loop32x4x16': { tm: 32, cv: 4, wg: 16, ks: 2 },
  'k4loop32x8x8': { tm: 32, cv: 8, wg: 8, ks: 4 },
  'loop32x8x16': { tm: 32, cv: 8, wg: 16 },
  'loop32x4x32': { tm: 32, cv: 4, wg: 32 },
};
const subgroupTilings: Record<string, RowsTiling> = { 'subgroup8x1': { tm: 8, cv: 1, wg: 8 }, 'subgroup8x2': SUBGROUP_ROWS_TILING };
const candidates: Candidate[] = [];
for (const [layer, o] of [[1, l1], [2, l2]] as const) {
  candidates.push({ name: `tiled L${layer}`, layer, kernel: groupedGemmKernel(o), colBlocks: groupedGemmColBlocks(o.cols, expertTiling(S, n)) });
  for (const [name, t] of Object.entries(rowsTilings)) {
    candidates.push({ name: `${name} L${layer}`, layer, kernel: rowsGemmKernel({ ...o, rowsTiling: t }), colBlocks: rowsGemmColBlocks(o.cols, t) });
  }
  // The subgroup form (adapters with subgroups): 8-row chunks, A broadcast over the subgroup.
  if (dev.device.features.has('subgroups')) {
    for (const [name, t] of Object.entries(subgroupTilings)) {
      candidates.push({ name: `${name} L${layer}`, layer, kernel: rowsGemmKernel({ ...o, rowsTiling: t, subgroup: true }), colBlocks: rowsGemmColBlocks(o.cols, t) });
    }
  }
}
const chosen = candidates.filter((c) => only.length === 0 || only.some((s) => c.name.startsWith(s)));
const outs = new Map<Candidate, GPUBuffer>();
const batches = new Map<Candidate, PreparedBatch>();
for (const c of chosen) {
  const args = f32(4);
  const out = f32(S * (c.layer === 1 ? H : D));
  outs.set(c, out);
  const buffers = c.layer === 1 ? { a: x, sourceRow: d.sourceRow, tileMap: d.tileMap, w0: w1, bias: b1, out } : { a: hidden, tileMap: d.tileMap, w0: w2, bias: b2, out };
  const argsStep: KernelStep = { kernel: indirectArgsKernel({ word: 0, multiplier: c.colBlocks }), buffers: { counts: d.tileCount, args } };
  batches.set(c, await prepareKernels(cache, [argsStep, { kernel: c.kernel, buffers, indirect: { buffer: args, offset: 0 } }]));
}
async function time(b: PreparedBatch): Promise<number> {
  const t0 = performance.now();
  b.submit(1);
  await dev.device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}
for (const c of chosen) await time(batches.get(c)!); // warm-up (JIT)
// correctness: each candidate against the first of its layer
for (const layer of [1, 2]) {
  const cs = chosen.filter((c) => c.layer === layer);
  if (cs.length < 2) continue;
  const count = S * (layer === 1 ? H : D);
  const ref = await readF32(dev, outs.get(cs[0]!)!, count);
  for (const c of cs.slice(1)) {
    const got = await readF32(dev, outs.get(c)!, count);
    let maxErr = 0;
    let maxRef = 0;
    for (let i = 0; i < count; i++) {
      maxErr = Math.max(maxErr, Math.abs(got[i]! - ref[i]!));
      maxRef = Math.max(maxRef, Math.abs(ref[i]!));
    }
    console.log(`check ${c.name} vs ${cs[0]!.name}: max |diff| ${maxErr.toExponential(2)} (max |ref| ${maxRef.toFixed(2)})`);
  }
}
const samples = new Map<Candidate, number[]>(chosen.map((c) => [c, []]));
const load0 = loadavg()[0]!;
for (let r = 0; r < REPS; r++) for (const c of chosen) samples.get(c)!.push(await time(batches.get(c)!));
const flops = 2 * S * D * H;
console.log(`commit ${gitState().commit} (modified ${gitState().modified.join(' ') || 'none'}), loadavg ${load0.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}, ${REPS} alternating reps, tileRows ${tileRows}`);
for (const c of chosen) {
  const m = median(samples.get(c)!);
  console.log(`${c.name.padEnd(18)} ${m.toFixed(1).padStart(8)} ms  ${(flops / m / 1e6).toFixed(2).padStart(6)} GFLOP/s  [${samples.get(c)!.map((s) => s.toFixed(0)).join(' ')}]`);
}
process.exit(0);
