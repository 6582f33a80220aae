/**
 * The optimizer kernels alone, dense vs sparse expert updates (`npx tsx bench/expert-optimizer.ts
 * [--quick] [--configs n:D:H:pairs,…] [--no-step]`): factored Adam (β1 = 0, the default optimizer) of one expert bank w1 [n, D, H] per
 * step, the old dense `factoredAdamUpdate` (every expert, every step) against
 * `expertFactoredAdamUpdate` (the active-expert list from the dispatch offsets, indirect grids over
 * the experts with rows, catch-up of skipped decay) — each compiled to a WebGPU plan whose
 * gradient and offsets stay on the device (no upload per run), each run one submit awaited with
 * onSubmittedWorkDone. Routing: N rows × k = 4 distinct uniform experts. Configurations: n = 16 and
 * n = 1024 with 4096 routed (row, expert) pairs at D = 64 (H = 1024 at 16 experts; H = 512 at 1024
 * experts, since [1024, 64, 1024] f32 is 256 MiB, over the 128 MiB storage-binding limit), and the
 * hierarchical regime n = 16384, D = 16, H = 64 with 1024 routed pairs, and the scale bench's flat
 * 1024-expert banks [1024, 32, 1024] and [1024, 1024, 32] with 4096 pairs (~98% of the experts
 * active). SGD of the same bank is timed the same way. Each configuration also records the GPU ms
 * by kernel (timestamp queries, median of 3) and the sparse side's GB/s against its traffic floor
 * (20 B per active weight for factored Adam with clipping, 12 for SGD). `--configs` replaces the
 * configurations, `--no-step` skips the training step below. Then the whole training step of examples/lstm-moe-lm.ts (factored Adam,
 * recompute experts, random gate weights) at 704 experts, k 4, width 64, expert hidden 64,
 * 256 rows, compiled with the sparse and with the dense expert updates (wall clock per step, and
 * GPU timestamps summed over the update ops when the adapter has timestamp-query). The two sides alternate
 * run by run after a warm-up; medians and the host load average are written to
 * bench/results/expert-optimizer(-quick|-picked).json.
 */
import { deviceLoweringLimits } from '../runtime/lowering-limits.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { lowerToWebGpu } from '../compiler/lower/index.ts';
import { trainingPipeline } from '../compiler/train-pipeline.ts';
import { traceModel } from '../frontend/model.ts';
import { initParams } from '../ir/interpret.ts';
import { optimizerPass } from '../passes/optimizer.ts';
import { createPassContext, PassManager } from '../passes/pass.ts';
import { syntheticFeeds } from '../runtime/synthetic-feeds.ts';
import model, { defaults } from '../examples/lstm-moe-lm.ts';
import { GraphBuilder, type Graph } from '../ir/graph.ts';
import type { Tensor } from '../ir/tensor.ts';
import { tensorType } from '../ir/types.ts';
import { acquireDevice, type DeviceContext } from '../runtime/device.ts';
import { prepareWebGpuPlan, type WebGpuExecutable } from '../runtime/webgpu-executor.ts';
import { hostLoad, median, randArray, round } from './common.ts';

interface Config {
  readonly n: number;
  readonly D: number;
  readonly H: number;
  readonly pairs: number;
}

const K = 4;
const zeros = { kind: 'zeros' } as const;

/** Dispatch offsets of `pairs` (row, expert) pairs: pairs/K rows, each K distinct uniform experts. */
function routedOffsets(n: number, pairs: number, seed: number): Int32Array {
  let a = seed >>> 0;
  const next = () => ((a = (Math.imul(a, 1664525) + 1013904223) >>> 0) / 4294967296);
  const counts = new Int32Array(n);
  for (let row = 0; row < pairs / K; row++) {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(K, n)) chosen.add(Math.floor(next() * n));
    for (const e of chosen) counts[e]!++;
  }
  const off = new Int32Array(n + 1);
  for (let e = 0; e < n; e++) off[e + 1] = off[e]! + counts[e]!;
  return off;
}

/** The update of w1 [n, D, H] from a persistent gradient, dense or sparse, by factored Adam or SGD. */
function updateGraph(c: Config, sparse: boolean, sgd: boolean): Graph {
  const b = new GraphBuilder();
  const shape = [c.n, c.D, c.H];
  const w = b.addInput('w1', tensorType('f32', shape), 'param', zeros);
  const g = b.addInput('g', tensorType('f32', shape), 'state', zeros);
  const hp = { lr: 0.01, beta2: 0.999, clip: 1 };
  const off = b.addInput('offsets', tensorType('i32', [c.n + 1]), 'state', zeros);
  if (sgd) {
    b.setOutput('w1', sparse ? b.add1('expertSgdUpdate', { lr: 0.01 }, [w, g, off]) : b.add1('sgdUpdate', { lr: 0.01 }, [w, g]));
    return b.finish();
  }
  const vr = b.addInput('vr', tensorType('f32', [c.n, c.D]), 'state', zeros);
  const vc = b.addInput('vc', tensorType('f32', [c.n, c.H]), 'state', zeros);
  if (sparse) {
    const last = b.addInput('last', tensorType('i32', [c.n]), 'state', zeros);
    b.setOutput('w1', b.addNode('expertFactoredAdamUpdate', hp, [w, g, vr, vc, last, off])[0]!);
  } else {
    b.setOutput('w1', b.addNode('factoredAdamUpdate', hp, [w, g, vr, vc])[0]!);
  }
  return b.finish();
}

async function prepare(dev: DeviceContext, c: Config, sparse: boolean, sgd: boolean, offsets: Int32Array): Promise<{ exe: WebGpuExecutable; dispatches: number }> {
  const graph = updateGraph(c, sparse, sgd);
  const plan = lowerToWebGpu(graph, deviceLoweringLimits(dev));
  const exe = await prepareWebGpuPlan(dev, plan);
  const size = c.n * c.D * c.H;
  const f32 = (shape: number[], data: Float32Array): Tensor => ({ type: tensorType('f32', shape), data });
  const params: Record<string, Tensor> = {
    w1: f32([c.n, c.D, c.H], randArray(size, 0.1, 1)),
    g: f32([c.n, c.D, c.H], randArray(size, 0.01, 2)),
    offsets: { type: tensorType('i32', [c.n + 1]), data: offsets },
  };
  if (!sgd) {
    params.vr = f32([c.n, c.D], new Float32Array(c.n * c.D));
    params.vc = f32([c.n, c.H], new Float32Array(c.n * c.H));
  }
  if (sparse && !sgd) params.last = { type: tensorType('i32', [c.n]), data: new Int32Array(c.n) };
  const wanted = new Set(plan.inputs.map((i) => i.name));
  exe.setParams(Object.fromEntries(Object.entries(params).filter(([k]) => wanted.has(k))));
  return { exe, dispatches: plan.steps.reduce((a, s) => a + s.dispatches.length, 0) };
}

const quick = process.argv.includes('--quick');
const argOf = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
/** `--configs n:D:H:pairs,…` replaces the configurations; `--no-step` skips the training step. */
const picked = argOf('--configs')?.split(',').map((t): Config => {
  const [n, D, H, pairs] = t.split(':').map(Number);
  if (![n, D, H, pairs].every((v) => Number.isInteger(v) && v! > 0)) throw new Error(`bench expert-optimizer: --configs wants n:D:H:pairs, got '${t}'`);
  return { n: n!, D: D!, H: H!, pairs: pairs! };
});
const withStep = !process.argv.includes('--no-step');
const configs: Config[] = picked ?? (quick
  ? [
      { n: 16, D: 64, H: 256, pairs: 1024 },
      { n: 256, D: 64, H: 64, pairs: 1024 },
    ]
  : [
      { n: 16, D: 64, H: 1024, pairs: 4096 },
      { n: 1024, D: 64, H: 512, pairs: 4096 },
      { n: 16384, D: 16, H: 64, pairs: 1024 },
      // The scale bench's flat 1024-expert layer (1024 rows × k 4): ~98% of the experts get rows, so
      // the sparse update touches nearly all 2·1024·32·1024 expert weights (w1 and its transpose w2).
      { n: 1024, D: 32, H: 1024, pairs: 4096 },
      { n: 1024, D: 1024, H: 32, pairs: 4096 },
    ]);
const runs = quick ? 5 : 7;
const dev = await acquireDevice();
if (!dev) {
  console.error('bench: no WebGPU adapter');
  process.exit(1);
}
const loadStart = hostLoad();
console.log(`adapter ${dev.info.backend}: ${dev.info.description}; loadavg ${loadStart.loadavg.join(' ')}`);
/** Times two async runs alternately after one warm-up each; returns the samples (ms) of each. */
async function alternate(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number[], number[]]> {
  const fns = [a, b];
  const samples: [number[], number[]] = [[], []];
  for (const f of fns) await f();
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < 2; i++) {
      const t0 = performance.now();
      await fns[i]!();
      samples[i]!.push(performance.now() - t0);
    }
  }
  return samples;
}

const med = (xs: number[]) => round(median(xs), 2);
const results = [];
for (const c of configs) {
  const offsets = routedOffsets(c.n, c.pairs, 7);
  const active = Array.from({ length: c.n }, (_, e) => offsets[e + 1]! > offsets[e]!).filter(Boolean).length;
  const row: Record<string, unknown> = { ...c, bankMiB: round((c.n * c.D * c.H * 4) / 2 ** 20, 1), activeExperts: active };
  for (const sgd of [false, true]) {
    const sides = [await prepare(dev, c, false, sgd, offsets), await prepare(dev, c, true, sgd, offsets)];
    let step = 0;
    // No output is read (a readback of the bank would dominate): wait for the queue instead.
    const once = (i: number) => async () => {
      await sides[i]!.exe.run({}, { seed: 0, step: step++, training: true }, []);
      await dev.device.queue.onSubmittedWorkDone();
    };
    const [dense, sparse] = await alternate(once(0), once(1));
    const kernels: Record<string, number>[] = [{}, {}];
    if (dev.device.features.has('timestamp-query')) {
      for (let i = 0; i < 2; i++) {
        const per: Record<string, number[]> = {};
        for (let r = 0; r < 3; r++) for (const t of await sides[i]!.exe.profile({ seed: 0, step: step++, training: true })) (per[t.kernel] ??= []).push(t.ms);
        kernels[i] = Object.fromEntries(Object.entries(per).map(([k, v]) => [k, round(median(v), 2)]));
      }
    }
    for (const s of sides) s.exe.destroy();
    const name = sgd ? 'sgd' : 'factoredAdam';
    row[name] = {
      dense_ms: med(dense),
      sparse_ms: med(sparse),
      speedup: round(median(dense) / median(sparse), 2),
      dispatches: { dense: sides[0]!.dispatches, sparse: sides[1]!.dispatches },
      gpuKernelMs: { dense: kernels[0], sparse: kernels[1] },
      // Bytes of the traffic floor over the active experts' weights: factored Adam reads g three
      // times (row/column sums, the clipping sum of u², the update) and reads and writes p once
      // (20 B/weight; 16 without clipping); SGD reads g and p and writes p (12 B/weight).
      floorGB: round(((sgd ? 12 : 20) * active * c.D * c.H) / 1e9, 3),
      sparseGBps: round(((sgd ? 12 : 20) * active * c.D * c.H) / 1e9 / (median(sparse) / 1000), 2),
      samples_ms: { dense: dense.map((x) => round(x, 2)), sparse: sparse.map((x) => round(x, 2)) },
    };
    console.log(`  GPU ms by kernel: dense ${JSON.stringify(kernels[0])}, sparse ${JSON.stringify(kernels[1])}`);
    console.log(`${name} n ${c.n} [${c.n},${c.D},${c.H}] (${row.bankMiB} MiB), ${c.pairs} routed pairs, ${active} active experts: dense ${med(dense)} ms, sparse ${med(sparse)} ms (×${round(median(dense) / median(sparse), 2)})`);
  }
  results.push(row);
}

// ---- the whole training step, sparse vs dense expert updates ----
let step: unknown = 'skipped (--no-step)';
if (withStep) {
const stepOptions = { ...defaults, experts: quick ? 64 : 704, k: 4, width: 64, expertHidden: 64, T: 8, B: 32 };
const optimizer = { name: 'factored-adam', lr: 0.01 } as const;
const traced = traceModel(model, stepOptions);
const exes: WebGpuExecutable[] = [];
for (const sparseExperts of [true, false]) {
  const passes = trainingPipeline({ optimizer, recompute: 'experts' }).map((p) => (p.name.startsWith('optimizer(') ? optimizerPass(optimizer, { sparseExperts }) : p));
  const graph = new PassManager(passes).run(traced, createPassContext()).graph;
  const init = initParams(graph, 1);
  for (const name of ['moe0.wg', 'moe0.wn']) init[name] = { type: init[name]!.type, data: randArray(init[name]!.data.length, 1, 3) };
  const exe = await prepareWebGpuPlan(dev, lowerToWebGpu(graph, deviceLoweringLimits(dev)));
  exe.setParams(init);
  exes.push(exe);
}
const batch = syntheticFeeds(traced, 1);
let trainStep = 0;
const stepOf = (exe: WebGpuExecutable) => async () => exe.run(batch, { seed: 1, step: trainStep++, training: true }, ['loss']);
const [sparseStep, denseStep] = await alternate(stepOf(exes[0]!), stepOf(exes[1]!));
const optimizerMs = async (exe: WebGpuExecutable): Promise<{ all: number; experts: number }> => {
  const t = await exe.profile({ seed: 1, step: trainStep++, training: true });
  const upd = t.filter((d) => d.op.endsWith('Update'));
  return { all: upd.reduce((a, d) => a + d.ms, 0), experts: upd.filter((d) => d.layer === 'moe0').reduce((a, d) => a + d.ms, 0) };
};
const profiled: { all: number; experts: number }[][] = [[], []];
const canProfile = dev.device.features.has('timestamp-query');
for (let r = 0; canProfile && r < runs; r++) for (let i = 0; i < 2; i++) profiled[i]!.push(await optimizerMs(exes[i]!));
for (const e of exes) e.destroy();
const medOf = (xs: { all: number; experts: number }[], k: 'all' | 'experts') => (xs.length ? med(xs.map((x) => x[k])) : null);
step = {
  options: stepOptions,
  sparse_ms: med(sparseStep),
  dense_ms: med(denseStep),
  speedup: round(median(denseStep) / median(sparseStep), 2),
  samples_ms: { sparse: sparseStep.map((x) => round(x, 2)), dense: denseStep.map((x) => round(x, 2)) },
  gpuUpdateMs: canProfile
    ? {
        note: 'GPU timestamps summed over the update ops (every parameter; and those of layer moe0: w1, w2, b1, b2, wg, wn), median over runs',
        sparse: { all: medOf(profiled[0]!, 'all'), moe0: medOf(profiled[0]!, 'experts') },
        dense: { all: medOf(profiled[1]!, 'all'), moe0: medOf(profiled[1]!, 'experts') },
      }
    : 'timestamp-query not available',
};
console.log(`training step: ${JSON.stringify(step)}`);
}
const out = { bench: 'expert-optimizer', what: 'factored Adam and SGD of w1 [n, D, H] per step, dense vs sparse expert update, ms (median, wall clock of one submit until the queue is idle); whole training step of lstm-moe-lm sparse vs dense', adapter: `${dev.info.backend}: ${dev.info.description}`, runs, loadStart, loadEnd: hostLoad(), results, step };
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const file = new URL(`expert-optimizer${quick ? '-quick' : ''}${picked ? '-picked' : ''}.json`, dir);
writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
console.log(`wrote ${file.pathname}; loadavg at end ${out.loadEnd.loadavg.join(' ')}`);
