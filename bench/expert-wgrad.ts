/**
 * The weight half of the fused expert backward at few rows per expert (issue 9 item 2), measured
 * in isolation: "old" is `expertFfnGradWeightsKernel` (active form, the plan's row tile
 * `expertTileRows(S, n)`), "new" the small-row kernel (compiler/wgsl/expert-wgrad-small.ts) at a
 * few slice widths, at the Done-when shape of the scale benchmark's flat sweep (S = N·k = 4096
 * slots, k = 4, D = Dout = 32, H = 1024) for n = 1024 (others: second argument, e.g. 512,1024), uniform
 * random routing. Routing tables and the active-expert list are built on the host and the kernels
 * launched on a direct grid of (active experts) × (workgroups per expert), the size of the indirect
 * grid the plan writes. The sides alternate within each repetition (first side rotated); medians
 * of REPS submits; 1-minute loadavg before and after. Run: `npx tsx bench/expert-wgrad.ts [reps] [n,…]`;
 * writes bench/results/expert-wgrad.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { acquireDevice } from '../runtime/device.ts';
import { createPipelineCache } from '../runtime/gpu/pipelines.ts';
import type { KernelStep, PreparedBatch } from '../runtime/gpu/run.ts';
import { createBuffer, uploadBuffer } from '../runtime/gpu/buffers.ts';
import { grid1d } from '../compiler/wgsl/kernel.ts';
import { expertTileRows } from '../compiler/wgsl/expert-ffn.ts';
import { EXPERT_H_CHUNK, expertFfnGradWeightsKernel } from '../compiler/wgsl/expert-fused.ts';
import { expertWgradSmallKernel, expertWgradSmallSlices } from '../compiler/wgsl/expert-wgrad-small.ts';
import { dispatch } from '../ir/reference/dispatch.ts';
import { median, randArray, uniformRouting, prepareWarm } from './common.ts';

const REPS = Number(process.argv[2] ?? 5);
const NS = (process.argv[3] ?? '1024').split(',').map(Number);
const [S, k, D, H, Dout] = [4096, 4, 32, 1024, 32];
const N = S / k;


const ctx = await acquireDevice();
if (!ctx) {
  console.error('no WebGPU adapter');
  process.exit(1);
}
const cache = createPipelineCache(ctx);
const rows: Record<string, unknown>[] = [];
for (const n of NS) {
  const ref = dispatch(uniformRouting(N, k, n, n), N, k, n);
  const active = [...Array(n).keys()].filter((e) => ref.offsets[e + 1]! > ref.offsets[e]!);
  const bufs = {
    x: uploadBuffer(ctx, randArray(N * D, 1, 1)),
    sourceRow: uploadBuffer(ctx, Int32Array.from(ref.sourceRow)),
    offsets: uploadBuffer(ctx, Int32Array.from(ref.offsets)),
    w1_0: uploadBuffer(ctx, randArray(n * D * H, 0.05, 2)),
    b1: uploadBuffer(ctx, randArray(n * H, 0.05, 3)),
    w2_0: uploadBuffer(ctx, randArray(n * H * Dout, 0.05, 4)),
    dy: uploadBuffer(ctx, randArray(S * Dout, 1, 5)),
    dw1: createBuffer(ctx, n * D * H * 4),
    db1: createBuffer(ctx, n * H * 4),
    dw2: createBuffer(ctx, n * H * Dout * 4),
    db2: createBuffer(ctx, n * Dout * 4),
    activeList: uploadBuffer(ctx, Int32Array.from([active.length, ...active])),
  };
  const tileRows = expertTileRows(S, n);
  const oldK = expertFfnGradWeightsKernel({ N, k, n, D, H, Dout, tileRows, active: true });
  const sides: Record<string, KernelStep[]> = {
    old: [{ kernel: { ...oldK, dispatch: grid1d(active.length * Math.ceil(H / EXPERT_H_CHUNK)) }, buffers: bufs }],
  };
  for (const [rowsR, slice] of [[8, 128], [8, 256], [4, 128]] as const) {
    const kk = expertWgradSmallKernel({ n, D, H, Dout, rows: rowsR, slice, active: true });
    sides[`new r${rowsR} s${slice}`] = [{ kernel: { ...kk, dispatch: grid1d(active.length * expertWgradSmallSlices({ H, slice })) }, buffers: bufs }];
  }
  const prepared: Record<string, PreparedBatch> = {};
  for (const [name, steps] of Object.entries(sides)) prepared[name] = (await prepareWarm(cache, ctx, steps)).batch;
  const names = Object.keys(prepared);
  const t: Record<string, number[]> = Object.fromEntries(names.map((s) => [s, []]));
  const load0 = loadavg()[0]!;
  for (let r = 0; r < REPS; r++) {
    const order = names.map((_, i) => names[(i + r) % names.length]!);
    for (const side of order) {
      const t0 = performance.now();
      prepared[side]!.submit(1);
      await ctx.device.queue.onSubmittedWorkDone();
      t[side]!.push(performance.now() - t0);
    }
  }
  const ms = Object.fromEntries(names.map((s) => [s, +median(t[s]!).toFixed(1)]));
  const row = { n, rowsPerExpert: S / n, active: active.length, oldTileRows: tileRows, ms, loadavg1m: [+load0.toFixed(2), +loadavg()[0]!.toFixed(2)] };
  rows.push(row);
  console.log(JSON.stringify(row));
  for (const b of Object.values(prepared)) b.release();
  for (const b of Object.values(bufs)) b.destroy();
}
const results = { device: { backend: ctx.info.backend, description: ctx.info.description }, date: new Date().toISOString(), shape: { S, k, N, D, H, Dout }, reps: REPS, rows };
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/expert-wgrad.json', import.meta.url), JSON.stringify(results, null, 2) + '\n');
process.exit(0);
