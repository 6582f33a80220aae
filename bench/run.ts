/**
 * `npm run bench` (`tsx bench/run.ts [--quick]`): end-to-end benchmarks of moec against
 * TensorFlow.js's WebGPU backend on the same Dawn adapter (lavapipe here). (1)+(2) one noisy top-k
 * MoE layer forward (N = 512 rows, D = 512, n = 64 experts, H = 1024, k = 4; `--quick`: 128, 128,
 * 16, 256, 4) — moec compiled from the DSL and run by its WebGPU executor, tfjs in plain ops with
 * per-expert gather/matMul/scatter-add; (3) a square f32 matmul (1024³; `--quick` 256³). Both
 * sides end every timed call with a host readback; after one warm-up call each, the two sides are
 * timed alternately (so host-load drift hits both) and medians over ≥ 5 runs are reported, with
 * ratio = tfjs_ms / moec_ms. Writes bench/results/<name>.json (moe-forward, matmul; `-quick`
 * suffix with --quick) with the host load average, and prints a summary. It also measures the
 * adapter's FMA peak (bench/fma-peak.ts) and reports the ceiling view (issue 13 item 5): each GEMM's
 * and the MoE layer's fraction of the peak, and the MoE layer's time against its dense-GEMM floor
 * (its routed FLOPs at the dense matmul rate measured in the same run), written to
 * bench/results/ceiling<suffix>.json. `--adapter vulkan|opengles` picks the adapter (default:
 * Vulkan, GL ES as fallback); results of a non-default adapter get an `-<adapter>` suffix.
 * `npm run bench -- scale` runs the scale benchmark (bench/scale.ts) instead.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { acquireDevice } from '../runtime/device.ts';
import { benchConfig, gflops, gitState, hostLoad, median, moeFlops, randArray, round } from './common.ts';
import { makeMoeData, prepareMoecMatmul, prepareMoecMoe } from './moec-path.ts';
import { initTfjs, prepareTfjsMatmul, prepareTfjsMoe } from './tfjs-path.ts';
import { benchTrainingStep } from './train-step.ts';
import { matmulShapeKey } from '../compiler/wgsl/matmul.ts';
import { tuneMatmuls } from '../runtime/tuning/tune-matmul.ts';
import { measureFmaPeak } from './fma-peak.ts';

/** Warm-up each function, then time them alternately `runs` times; returns samples (ms) per function. */
async function timeAlternating(fns: readonly (() => Promise<unknown>)[], runs: number, warmup: number): Promise<number[][]> {
  for (let w = 0; w < warmup; w++) for (const f of fns) await f();
  const samples = fns.map(() => [] as number[]);
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < fns.length; i++) {
      const t0 = performance.now();
      await fns[i]!();
      samples[i]!.push(performance.now() - t0);
    }
  }
  return samples;
}

/** Writes one result file and returns its path. */
function writeResult(name: string, result: object): string {
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const url = new URL(`${name}.json`, dir);
  writeFileSync(url, JSON.stringify(result, null, 2) + '\n');
  return url.pathname;
}

// `npm run bench -- scale [--quick] [--only flat|hier|rows|flat-small]`: the scale benchmark instead.
if (process.argv[2] === 'scale') {
  const { runScale } = await import('./scale.ts');
  process.exit(await runScale(process.argv.slice(3)));
}

const quick = process.argv.includes('--quick');
const adapterArg = process.argv.includes('--adapter') ? process.argv[process.argv.indexOf('--adapter') + 1] : undefined;
if (adapterArg !== undefined && adapterArg !== 'vulkan' && adapterArg !== 'opengles') {
  console.error(`bench: --adapter must be vulkan or opengles, got ${JSON.stringify(adapterArg)}`);
  process.exit(2);
}
const git = gitState();
const cfg = benchConfig(quick);
const suffix = `${quick ? '-quick' : ''}${adapterArg === 'opengles' ? '-opengles' : ''}`;
const dev = await acquireDevice(adapterArg ? { prefer: adapterArg } : {});
if (!dev) {
  console.error('bench: no WebGPU adapter (run `npm run setup` to install lavapipe)');
  process.exit(1);
}
const adapter = `${dev.info.backend}: ${dev.info.description}`;
if (adapterArg && dev.info.backend !== adapterArg) {
  console.error(`bench: asked for the ${adapterArg} adapter but only ${adapter} is available`);
  process.exit(1);
}
const loadStart = hostLoad();
console.log(`adapter ${adapter}\nhost ${loadStart.cpus} CPUs, loadavg ${loadStart.loadavg.join(' ')}${quick ? '\n(--quick sizes)' : ''}`);

// ---- (1) + (2): MoE layer forward ----
const s = cfg.moe;
const data = makeMoeData(s);
// Tuned configs: the layer's GEMMs and the 1024³ matmul are tuned on this adapter first (moec tune's measurement).
const moec = await prepareMoecMoe(dev, s, data, cfg.tuneRuns);
const tfc = await initTfjs(dev);
const tfMoe = prepareTfjsMoe(tfc, s, data);
let tfDispatches = 0;
let tfSubmits = 0;
{
  // one counted (untimed) tfjs forward, after a first one that compiles its pipelines
  await tfMoe.forward();
  tfc.counters.dispatches = tfc.counters.submits = 0;
  await tfMoe.forward();
  tfDispatches = tfc.counters.dispatches;
  tfSubmits = tfc.counters.submits;
}
// cross-check without noise (same routing on both sides): Σy of the layer output must agree
const check = { moecYSum: (await moec.forward(false)).ySum, tfjsYSum: (await tfMoe.forward(false)).ySum };
const checkRel = Math.abs(check.moecYSum - check.tfjsYSum) / Math.max(1e-6, Math.abs(check.moecYSum));
const loss = { moec: (await moec.forward()).loss, tfjs: (await tfMoe.forward()).loss };
const [moeMoecMs, moeTfMs] = await timeAlternating([() => moec.forward(), () => tfMoe.forward()], cfg.runs, cfg.warmup);
const flops = moeFlops(s);
const mMs = median(moeMoecMs!);
const tMs = median(moeTfMs!);
const moeResult = {
  name: `moe-forward${suffix}`,
  date: new Date().toISOString(),
  adapter,
  loadavg: { start: loadStart.loadavg, end: hostLoad().loadavg, cpus: loadStart.cpus },
  config: {
    ...s,
    noisy: true,
    training: true,
    runs: cfg.runs,
    warmup: cfg.warmup,
    git,
    flops: flops.total,
    flopsCounted: '2·(2·N·D·n) for the clean and noise gating matmuls + 2·(N·k)·(D·H + H·D) for the experts',
    timing: 'wall clock per forward incl. x upload and the host readback of the loss (moec: every plan output); sides timed alternately',
    tfjsExperts: 'sparse: host readback of top-k indices, per-expert tf.gather → matMul → +b1 → relu → matMul → +b2 → ×gate, one unsortedSegmentSum; no masking or padding',
  },
  moec: {
    median_ms: round(mMs, 1),
    gflops: gflops(flops.total, mMs),
    dispatches: moec.dispatches,
    submits: moec.submits,
    pipelines: moec.pipelines,
    ops: moec.ops,
    samples_ms: moeMoecMs!.map((x) => round(x, 1)),
    loss: loss.moec,
    tuning: moec.tuning?.matmul ?? {},
  },
  tfjs: {
    version: tfc.tf.version_core,
    median_ms: round(tMs, 1),
    gflops: gflops(flops.total, tMs),
    dispatches: tfDispatches,
    submits: tfSubmits,
    samples_ms: moeTfMs!.map((x) => round(x, 1)),
    loss: loss.tfjs,
  },
  ratio: round(tMs / mMs, 2),
  check: { what: 'Σ of the layer output without noise (eval routing), moec vs tfjs', ...check, relDiff: checkRel },
};
moec.destroy();
tfMoe.dispose();
const moePath = writeResult(moeResult.name, moeResult);

// ---- (3): matmul ----
const M = cfg.matmul;
const a = randArray(M * M, 1, 11);
const b = randArray(M * M, 1, 12);
const mmShape = { M, N: M, K: M };
const mmTuned = (await tuneMatmuls(dev, [{ family: 'matmul', key: matmulShapeKey(mmShape), options: mmShape }], { runs: cfg.tuneRuns }))[matmulShapeKey(mmShape)]!;
const mm = await prepareMoecMatmul(dev, M, a, b, mmTuned.tiling);
const tfMm = prepareTfjsMatmul(tfc, M, a, b);
tfc.counters.dispatches = tfc.counters.submits = 0;
await tfMm.run();
const tfMmDispatches = tfc.counters.dispatches;
const tfMmSubmits = tfc.counters.submits;
const [mmMoecMs, mmTfMs] = await timeAlternating([() => mm.run(), () => tfMm.run()], cfg.runs, cfg.warmup);
const mmFlops = 2 * M ** 3;
const mmM = median(mmMoecMs!);
const mmT = median(mmTfMs!);
const mmResult = {
  name: `matmul${suffix}`,
  date: new Date().toISOString(),
  adapter,
  loadavg: { start: moeResult.loadavg.end, end: hostLoad().loadavg, cpus: loadStart.cpus },
  config: { M, N: M, K: M, runs: cfg.runs, warmup: cfg.warmup, git, flops: mmFlops, timing: 'wall clock per matmul incl. the host readback of C; sides timed alternately' },
  moec: {
    median_ms: round(mmM, 1),
    gflops: gflops(mmFlops, mmM),
    dispatches: mm.dispatches,
    submits: 1,
    samples_ms: mmMoecMs!.map((x) => round(x, 1)),
    // the tiling the tuner chose for this shape, and its and the default's GPU-only ms in the tuning rounds
    tuning: { tiling: mmTuned.tiling, tunedMs: round(mmTuned.ms, 2), defaultMs: round(mmTuned.defaultMs, 2) },
  },
  tfjs: { median_ms: round(mmT, 1), gflops: gflops(mmFlops, mmT), dispatches: tfMmDispatches, submits: tfMmSubmits, samples_ms: mmTfMs!.map((x) => round(x, 1)) },
  ratio: round(mmT / mmM, 2),
};
tfMm.dispose();
const mmPath = writeResult(mmResult.name, mmResult);

// ---- the ceiling: FMA peak, fractions of it, the MoE layer against its dense-GEMM floor ----
const peak = await measureFmaPeak(dev, cfg.runs);
const bestDense = Math.max(mmResult.moec.gflops, mmResult.tfjs.gflops); // the best dense matmul rate of this run
const floorMs = flops.total / (bestDense * 1e6);
const ceiling = {
  name: `ceiling${suffix}`,
  date: new Date().toISOString(),
  adapter,
  git,
  loadavg: hostLoad().loadavg,
  fmaPeak: peak,
  matmul: { moecGflops: mmResult.moec.gflops, tfjsGflops: mmResult.tfjs.gflops, moecFractionOfPeak: round(mmResult.moec.gflops / peak.gflops, 3), tfjsFractionOfPeak: round(mmResult.tfjs.gflops / peak.gflops, 3) },
  moeForward: {
    moecGflops: moeResult.moec.gflops,
    fractionOfPeak: round(moeResult.moec.gflops / peak.gflops, 3),
    denseGemmFloorMs: round(floorMs, 1),
    overFloor: round(mMs / floorMs, 2),
    floorWhat: 'the layer\'s useful FLOPs (gating matmuls + routed expert GEMMs) at the best dense matmul rate (moec or tfjs) measured in this run',
  },
};
const ceilingPath = writeResult(ceiling.name, ceiling);

// ---- (4): a whole training step of the example model ----
const train = (await benchTrainingStep(dev, cfg.runs, quick ? { T: 4, B: 4 } : {})) as {
  peakBytes: Record<string, number>;
  optimizerStateBytes: Record<string, { total: number; experts: number }>;
  expertStateRatio: number;
  dispatchesPerStep: number;
  webgpu: { median_ms: number; tokensPerSec: number };
  cpu: { median_ms: number };
  ratio: number;
};
const trainPath = writeResult(`train-step${suffix}`, { ...train, adapter, loadavg: hostLoad().loadavg, git });

// ---- summary ----
const row = (label: string, r: { median_ms: number; gflops: number; dispatches: number; submits: number }) =>
  `  ${label.padEnd(5)} ${String(r.median_ms).padStart(9)} ms  ${String(r.gflops).padStart(6)} GFLOP/s  ${String(r.dispatches).padStart(4)} dispatches  ${String(r.submits).padStart(3)} submits`;
console.log(`\nMoE forward N=${s.N} D=${s.D} n=${s.n} H=${s.H} k=${s.k} (median of ${cfg.runs}, readback included)`);
console.log(row('moec', moeResult.moec));
console.log(row('tfjs', moeResult.tfjs));
console.log(`  tfjs/moec = ${moeResult.ratio}   (check: Σy without noise moec ${check.moecYSum.toPrecision(6)} vs tfjs ${check.tfjsYSum.toPrecision(6)})`);
console.log(`\nmatmul ${M}³ (median of ${cfg.runs}, readback of C included)`);
console.log(row('moec', mmResult.moec));
console.log(row('tfjs', mmResult.tfjs));
console.log(`  tfjs/moec = ${mmResult.ratio}`);
console.log(`\nceiling: FMA peak ${peak.gflops} GFLOP/s; matmul ${(100 * ceiling.matmul.moecFractionOfPeak).toFixed(1)}% of it (tfjs ${(100 * ceiling.matmul.tfjsFractionOfPeak).toFixed(1)}%); MoE forward ${(100 * ceiling.moeForward.fractionOfPeak).toFixed(1)}%, ${ceiling.moeForward.overFloor}× its dense-GEMM floor (${ceiling.moeForward.denseGemmFloorMs} ms)`);
console.log(`\ntraining step of examples/lstm-moe-lm.ts (factored Adam, recompute experts; median of ${cfg.runs})`);
console.log(`  webgpu ${train.webgpu.median_ms} ms (${train.webgpu.tokensPerSec} tokens/s, ${train.dispatchesPerStep} dispatches, 1 submit), cpu ${train.cpu.median_ms} ms, cpu/webgpu = ${train.ratio}`);
console.log(`  peak bytes: recompute none ${train.peakBytes.none}, experts ${train.peakBytes.experts}, all-moe ${train.peakBytes['all-moe']}`);
const st = train.optimizerStateBytes;
console.log(`  optimizer state: Adam ${st.adam!.total} B (expert matrices ${st.adam!.experts} B), factored Adam ${st['factored-adam']!.total} B (expert matrices ${st['factored-adam']!.experts} B, ${(100 * train.expertStateRatio).toFixed(2)}% of Adam's)`);
console.log(`\nloadavg at end ${mmResult.loadavg.end.join(' ')}\nwrote ${moePath}\n      ${mmPath}\n      ${ceilingPath}\n      ${trainPath}`);
process.exit(0);
