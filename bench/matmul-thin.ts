/**
 * Thin GEMMs of the gating backward (issue 9): the gating weight gradient xᵀ·dlogits (M = width
 * 32, N = experts, K = rows) and the input gradient dlogits·Wᵀ (M = rows, N = 32, K = experts),
 * at 1024 experts and K = rows = 1024 and 16384, each with the tiled default 64×128 tile (half or three
 * quarters of it past the 32-wide edge, zero-filled and multiplied anyway) vs the tiling the
 * matmul template now picks for that shape (`matmulTilingFor`: the row-streaming kernel). Sides
 * alternate within each repetition; medians of REPS submits, by wall clock and by this process's
 * CPU time over the host's cores (lavapipe runs in-process; CPU time is less sensitive to other
 * processes' load); 1-minute loadavg before and after. Run:
 * `npx tsx bench/matmul-thin.ts [reps]`; writes bench/results/matmul-thin.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { acquireDevice } from '../runtime/device.ts';
import { createPipelineCache } from '../runtime/gpu/pipelines.ts';
import { prepareKernels, type PreparedBatch } from '../runtime/gpu/run.ts';
import { createBuffer, uploadBuffer } from '../runtime/gpu/buffers.ts';
import { matmulKernel, matmulTilingFor, DEFAULT_MATMUL_TILING } from '../compiler/wgsl/matmul.ts';
import { median, randArray } from './common.ts';

const REPS = Number(process.argv[2] ?? 5);
const ctx = await acquireDevice();
if (!ctx) {
  console.error('no WebGPU adapter');
  process.exit(1);
}
const cache = createPipelineCache(ctx);
const rows: Record<string, unknown>[] = [];
for (const [M, N, K] of [[32, 1024, 1024], [1024, 32, 1024], [32, 1024, 16384], [16384, 32, 1024]] as const) {
  const a = uploadBuffer(ctx, randArray(M * K, 1, 1));
  const b = uploadBuffer(ctx, randArray(K * N, 1, 2));
  const c = createBuffer(ctx, M * N * 4);
  const sides: Record<string, PreparedBatch> = {};
  for (const [name, tiling] of [['default', DEFAULT_MATMUL_TILING], ['picked', matmulTilingFor(M, N)]] as const) {
    sides[name] = await prepareKernels(cache, [{ kernel: matmulKernel({ M, N, K, tiling }), buffers: { a, b, c } }]);
    sides[name].submit(1);
    await ctx.device.queue.onSubmittedWorkDone();
  }
  const t: Record<string, number[]> = { default: [], picked: [] };
  const cpu: Record<string, number[]> = { default: [], picked: [] };
  const load0 = loadavg()[0]!;
  for (let r = 0; r < REPS; r++) {
    for (const side of r % 2 ? ['picked', 'default'] : ['default', 'picked']) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      sides[side]!.submit(1);
      await ctx.device.queue.onSubmittedWorkDone();
      t[side]!.push(performance.now() - t0);
      const cu = process.cpuUsage(c0);
      cpu[side]!.push((cu.user + cu.system) / 1000 / cpus().length);
    }
  }
  const row = { M, N, K, tiling: matmulTilingFor(M, N), ms: { default: +median(t.default!).toFixed(1), picked: +median(t.picked!).toFixed(1) }, cpuMs: { default: +median(cpu.default!).toFixed(1), picked: +median(cpu.picked!).toFixed(1) }, loadavg1m: [+load0.toFixed(2), +loadavg()[0]!.toFixed(2)] };
  rows.push(row);
  console.log(JSON.stringify(row));
  for (const s of Object.values(sides)) s.release();
  for (const buf of [a, b, c]) buf.destroy();
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/matmul-thin.json', import.meta.url), JSON.stringify({ date: new Date().toISOString(), reps: REPS, rows }, null, 2) + '\n');
process.exit(0);
