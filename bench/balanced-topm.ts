/**
 * Strictly balanced gating's per-expert top-m on WebGPU, old against new in one run: the frozen
 * O(N²)-per-expert pairwise ranking (compiler/wgsl/balanced.ts as of 494ed20, read from git: logits,
 * mask, route) and the
 * radix select of compiler/wgsl/balanced.ts (logits + keys, select, route), at N = 1024, 4096,
 * 16384 rows, n = 64 and 1024 experts, k = 4 (m = k·N/n), D = 16. Per shape the two sides run
 * alternately (old, new, old, new, …; one warm-up each), each run one submit of the three
 * dispatches awaited with onSubmittedWorkDone; medians reported with the host load average. The
 * old side is skipped where its previous size predicts more than `--max-old-s` seconds (default
 * 60) per run (N² scaling); it runs once, without warm-up, where a run is predicted or measured to
 * exceed 10 s. `--experts 64,1024` picks the expert counts. Both sides' routing lists
 * are compared once per shape (they must be identical). Writes bench/results/balanced-topm.json.
 * Run: `npx tsx bench/balanced-topm.ts [--runs 5] [--max-old-s 60] [--experts 64,1024]`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { acquireDevice } from '../runtime/device.ts';
import { createPipelineCache } from '../runtime/gpu/pipelines.ts';
import { prepareKernels, type KernelStep } from '../runtime/gpu/run.ts';
import { createBuffer, readI32, uploadBuffer } from '../runtime/gpu/buffers.ts';
import { balancedLogitsKernel, balancedRouteKernel, balancedSelectKernel, type BalancedShape } from '../compiler/wgsl/balanced.ts';
import type { Kernel } from '../compiler/wgsl/kernel.ts';
import { hostLoad, importAtCommit, median, randArray, round } from './common.ts';

/** The O(N²) kernels, as they were on main before issue 9. */
const old = await importAtCommit<{
  balancedLogitsKernel: (s: BalancedShape) => Kernel;
  balancedMaskKernel: (s: BalancedShape & { readonly train: boolean }) => Kernel;
  balancedRouteKernel: (s: BalancedShape) => Kernel;
}>('compiler/wgsl/balanced.ts', '494ed20');

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('--runs', 5);
const MAX_OLD_S = arg('--max-old-s', 60);
const ei = process.argv.indexOf('--experts');
const EXPERTS = ei >= 0 ? process.argv[ei + 1]!.split(',').map(Number) : [64, 1024];

const ctx = await acquireDevice();
if (!ctx) {
  console.error('no WebGPU adapter');
  process.exit(1);
}
const cache = createPipelineCache(ctx);
const buf = (count: number) => createBuffer(ctx, count * 4);

interface Row {
  N: number;
  n: number;
  m: number;
  oldMs: number | null;
  newMs: number;
  speedup: number | null;
  oldRuns: number;
  newRuns: number;
  sameRouting: boolean | null;
}

async function timeOnce(submit: () => void): Promise<number> {
  const t0 = performance.now();
  submit();
  await ctx!.device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}

const rows: Row[] = [];
const loadBefore = hostLoad();
for (const n of EXPERTS) {
  let prevOldMs: number | null = null;
  let prevN = 0;
  for (const N of [1024, 4096, 16384]) {
    const D = 16;
    const k = 4;
    const m = (k * N) / n;
    const s = { N, D, n, m };
    const x = uploadBuffer(ctx, randArray(N * D, 1, N + n));
    const wg = uploadBuffer(ctx, randArray(D * n, 0.5, N + n + 1));
    const thresholds = uploadBuffer(ctx, new Float32Array(n));
    const logits = buf(N * n);
    const load = buf(n);
    const gates = buf(N * n);
    const idxOld = buf(N * n);
    const idxNew = buf(N * n);
    const mask = buf(N * n);
    const keys = buf(N * n);
    const cut = buf(2 * n);
    const oldSteps: KernelStep[] = [
      { kernel: old.balancedLogitsKernel(s), buffers: { x, wg, logits } },
      { kernel: old.balancedMaskKernel({ ...s, train: true }), buffers: { logits, thresholds, mask, load } },
      { kernel: old.balancedRouteKernel(s), buffers: { logits, mask, indices: idxOld, gates } },
    ];
    const newSteps: KernelStep[] = [
      { kernel: balancedLogitsKernel(s), buffers: { x, wg, logits, keys } },
      { kernel: balancedSelectKernel({ ...s, train: true }), buffers: { keys, logits, thresholds, cut, load } },
      { kernel: balancedRouteKernel({ ...s, train: true }), buffers: { logits, thresholds, cut, indices: idxNew, gates } },
    ];
    const bNew = await prepareKernels(cache, newSteps);
    const predicted = prevOldMs === null ? 0 : prevOldMs * (N / prevN) ** 2;
    const runOld = predicted <= MAX_OLD_S * 1000;
    const bOld = runOld ? await prepareKernels(cache, oldSteps) : null;
    const tOld: number[] = [];
    const tNew: number[] = [];
    await timeOnce(() => bNew.submit(1));
    // the old pipelines were compiled and run at the previous size; when this size is predicted
    // to take over 10 s, no warm-up and one timed run
    let oldRuns = RUNS;
    if (bOld && predicted > 10_000) oldRuns = 1;
    else if (bOld) {
      const warm = await timeOnce(() => bOld.submit(1));
      if (warm > 10_000) oldRuns = 1;
    }
    for (let r = 0; r < RUNS; r++) {
      if (bOld && r < oldRuns) tOld.push(await timeOnce(() => bOld.submit(1)));
      tNew.push(await timeOnce(() => bNew.submit(1)));
    }
    let same: boolean | null = null;
    if (bOld) {
      const a = await readI32(ctx, idxOld, N * n);
      const b = await readI32(ctx, idxNew, N * n);
      same = a.every((v, i) => v === b[i]);
    }
    bNew.release();
    bOld?.release();
    for (const b of [x, wg, thresholds, logits, load, gates, idxOld, idxNew, mask, keys, cut]) b.destroy();
    const oldMs = tOld.length ? median(tOld) : null;
    const newMs = median(tNew);
    rows.push({ N, n, m, oldMs: oldMs === null ? null : round(oldMs, 2), newMs: round(newMs, 2), speedup: oldMs === null ? null : round(oldMs / newMs, 1), oldRuns: tOld.length, newRuns: tNew.length, sameRouting: same });
    console.log(JSON.stringify(rows.at(-1)), 'loadavg', hostLoad().loadavg.map((v) => v.toFixed(2)).join(' '), runOld ? '' : `(old skipped: predicted ${(predicted / 1000).toFixed(0)} s per run)`);
    if (oldMs !== null) {
      prevOldMs = oldMs;
      prevN = N;
    }
  }
}
const result = {
  what: 'balanced gating forward (logits, per-expert top-m, route), WebGPU, ms per run (median); old = O(N²) ranking, new = radix select',
  device: { backend: ctx.info.backend, description: ctx.info.description },
  date: new Date().toISOString(),
  hostBefore: loadBefore,
  hostAfter: hostLoad(),
  shape: { D: 16, k: 4 },
  rows,
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/balanced-topm.json', import.meta.url), JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
process.exit(0);
