/**
 * One job of the scale benchmark, run in its own process by bench/scale.ts (so a configuration
 * that exhausts memory, loses the device or crashes Dawn costs only its own job, and the parent can
 * kill a job that runs past its time cap). `time` jobs compile each configuration's training step
 * (factored Adam, recompute experts), skip it when the plan's peak exceeds the byte cap, bind it
 * to the WebGPU executor, warm it up with one step (pipeline JIT), then time the configurations
 * ALTERNATELY step by step (each step awaits its loss readback) until `runs` samples or the time
 * cap, and profile one step with GPU timestamps, charged to kernel families. Hierarchical configs
 * also compile and run the forward (inference) plan. `memory` jobs only compile: the training
 * peak under recompute `none` and `experts`. Every result is printed as one `@@scale {json}` line;
 * a failing configuration is a result with its error message. Usage (from the parent):
 * `tsx bench/scale-worker.ts '<job json>' '<settings json>'`.
 */
import { compileGraph } from '../compiler/pipeline.ts';
import { lowerToWebGpu } from '../compiler/lower/index.ts';
import type { Plan } from '../compiler/plan.ts';
import { compileTrainingPlan } from '../compiler/train-pipeline.ts';
import { traceModel, type Model, type ModelOptions } from '../frontend/model.ts';
import type { Graph } from '../ir/graph.ts';
import { fnv1a } from '../ir/rng.ts';
import type { Tensor } from '../ir/tensor.ts';
import { numel } from '../ir/types.ts';
import { acquireDevice, type DeviceContext } from '../runtime/device.ts';
import { syntheticFeeds } from '../runtime/synthetic-feeds.ts';
import { prepareWebGpuPlan, type WebGpuExecutable } from '../runtime/webgpu-executor.ts';
import flatModel from '../examples/lstm-moe-lm.ts';
import hierModel from '../examples/hierarchical-moe-lm.ts';
import { median, randArray, round } from './common.ts';
import { breakdown } from './scale-families.ts';
import type { ConfigResult, ScaleConfig, ScaleJob, ScaleSettings } from './scale-configs.ts';

const MODELS: Record<ScaleConfig['model'], Model<ModelOptions>> = {
  flat: flatModel as unknown as Model<ModelOptions>,
  hier: hierModel as unknown as Model<ModelOptions>,
};

const TRAIN = { optimizer: { name: 'factored-adam' as const, lr: 0.01 }, recompute: 'experts' as const };

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n').slice(0, 3).join(' ').slice(0, 600);
const emit = (r: ConfigResult): void => console.log(`@@scale ${JSON.stringify(r)}`);
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

/**
 * Parameters and optimizer state for `graph`, filled fast: an LCG instead of `initParams`' Philox
 * (minutes for a billion expert weights), with each initialiser's scale; gating weights, which the
 * models initialise to zero, get small random values so routing depends on the input.
 */
function fastParams(graph: Graph): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const inp of graph.inputs) {
    if (inp.role === 'input') continue;
    const type = graph.values.get(inp.value)!.type;
    const n = numel(type.shape);
    const init = inp.init;
    const seed = fnv1a(inp.name);
    let data: Float32Array | Int32Array;
    if (type.dtype === 'i32') data = new Int32Array(n);
    else if (inp.role === 'param' && /\.w[gn]2?$/.test(inp.name)) data = randArray(n, 0.05, seed);
    else if (init?.kind === 'uniform') data = randArray(n, init.scale, seed);
    else if (init?.kind === 'normal') data = randArray(n, init.std * Math.sqrt(3), seed);
    else if (init?.kind === 'ones') data = new Float32Array(n).fill(1);
    else data = new Float32Array(n);
    out[inp.name] = { type, data };
  }
  return out;
}

function checkPeak(plan: Plan, s: ScaleSettings, what: string): number {
  const peak = plan.memory!.peakBytes;
  if (peak > s.maxBytes) throw new Error(`skipped: ${what} plan peak ${mib(peak)} exceeds the benchmark's cap of ${mib(s.maxBytes)} (raise it with --max-gib)`);
  return peak;
}

/** Compiles and runs the forward plan once to warm up and three times timed; never throws. */
async function forwardRun(dev: DeviceContext, traced: Graph, s: ScaleSettings): Promise<NonNullable<ConfigResult['forward']>> {
  let exe: WebGpuExecutable | null = null;
  try {
    const graph = compileGraph(traced).graph;
    const plan = lowerToWebGpu(graph, dev.device.limits);
    const peakBytes = checkPeak(plan, s, 'forward');
    exe = await prepareWebGpuPlan(dev, plan);
    exe.setParams(fastParams(graph));
    const feeds = syntheticFeeds(graph, 1);
    const want = [plan.outputs[0]!.name];
    await exe.run(feeds, { seed: 1, step: 0, training: false }, want);
    const samples: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await exe.run(feeds, { seed: 1, step: 0, training: false }, want);
      samples.push(performance.now() - t0);
    }
    return { ok: true, median_ms: round(median(samples), 2), peakBytes };
  } catch (e) {
    return { ok: false, error: message(e) };
  } finally {
    exe?.destroy();
  }
}

interface Live {
  readonly r: ConfigResult;
  readonly exe: WebGpuExecutable;
  readonly feeds: Record<string, Tensor>;
  readonly samples: number[];
  spentMs: number;
  step: number;
}

/** Runs a `time` job: prepare every config, alternate the timed steps, profile, free, emit. */
async function timeJob(dev: DeviceContext, job: ScaleJob, s: ScaleSettings): Promise<void> {
  const n = job.configs.length;
  const live: (Live | null)[] = job.configs.map(() => null);
  const results: ConfigResult[] = job.configs.map((c) => ({ label: c.label, sweep: c.sweep, model: c.model, options: c.options, experts: c.experts, rows: c.rows, ok: false }));
  // The measured configuration first, the reference last: a pair whose configuration fails to
  // compile or prepare then never spends a warm-up step on its reference.
  for (const i of [...job.configs.keys()].reverse()) {
    if (i === 0 && n > 1 && live.slice(1).every((p) => p === null)) break;
    const c = job.configs[i]!;
    const r = results[i]!;
    let exe: WebGpuExecutable | null = null;
    try {
      const traced = traceModel(MODELS[c.model], c.options);
      if (c.forward) r.forward = await forwardRun(dev, traced, s);
      let t0 = performance.now();
      const { graph, plan } = compileTrainingPlan(traced, { ...TRAIN, recompute: settings.recompute ?? TRAIN.recompute }, dev.device.limits);
      r.compile_ms = round(performance.now() - t0, 1);
      r.peakBytes = checkPeak(plan, s, 'training');
      r.dispatches = plan.steps.reduce((a, st) => a + st.dispatches.length, 0);
      t0 = performance.now();
      exe = await prepareWebGpuPlan(dev, plan);
      exe.setParams(fastParams(graph));
      r.prepare_ms = round(performance.now() - t0, 1);
      const feeds = syntheticFeeds(graph, 1);
      t0 = performance.now();
      const out = await exe.run(feeds, { seed: 1, step: 0, training: true }, ['loss']);
      r.warmup_ms = round(performance.now() - t0, 1);
      r.loss = Number(out.loss!.data[0]);
      live[i] = { r, exe, feeds, samples: [], spentMs: 0, step: 1 };
      console.error(`  ${c.label}: compiled in ${r.compile_ms} ms, peak ${mib(r.peakBytes)}, warm-up step ${r.warmup_ms} ms`);
    } catch (e) {
      r.error = message(e);
      exe?.destroy();
      console.error(`  ${c.label}: ${r.error}`);
    }
  }
  // A pair whose other side failed has nothing to compare: do not spend minutes timing the reference.
  if (n > 1 && live.slice(1).every((p) => p === null)) {
    for (const r of results.slice(1)) emit(r);
    return;
  }
  // Alternate the configurations step by step, so host-load drift hits every side of a ratio.
  const capMs = s.capSeconds * 1000;
  for (let i = 0; i < s.runs; i++) {
    for (const p of live) {
      if (!p || p.r.error) continue;
      if (p.spentMs > capMs && p.samples.length > 0) {
        p.r.capped = true;
        continue;
      }
      const t0 = performance.now();
      try {
        await p.exe.run(p.feeds, { seed: 1, step: p.step++, training: true }, ['loss']);
      } catch (e) {
        p.r.error = message(e);
        continue;
      }
      const ms = performance.now() - t0;
      p.samples.push(ms);
      p.spentMs += ms;
    }
  }
  for (const p of live) {
    if (!p) continue;
    if (!p.r.error) {
      try {
        p.r.profile = breakdown(await p.exe.profile({ seed: 1, step: p.step, training: true }));
      } catch (e) {
        p.r.profileError = message(e);
      }
      const m = median(p.samples);
      Object.assign(p.r, { ok: true, median_ms: round(m, 2), samples_ms: p.samples.map((x) => round(x, 2)), us_per_token: round((1000 * m) / p.r.rows, 3) });
    }
    p.exe.destroy();
  }
  const [ref, ...rest] = results;
  for (const r of rest) {
    if (r.ok && ref!.ok) {
      r.reference = { label: ref!.label, median_ms: ref!.median_ms!, samples_ms: ref!.samples_ms!, us_per_token: ref!.us_per_token! };
      r.ratio = round(r.us_per_token! / ref!.us_per_token!, 3);
    }
  }
  // A paired job reports only its non-reference configuration (the reference has its own job).
  for (const r of results.length > 1 ? rest : results) emit(r);
}

/** Runs a `memory` job: the training peak of each config under recompute none and experts. */
function memoryJob(dev: DeviceContext, job: ScaleJob): void {
  for (const c of job.configs) {
    const r: ConfigResult = { label: c.label, sweep: c.sweep, model: c.model, options: c.options, experts: c.experts, rows: c.rows, ok: false };
    const peak: { none?: number; experts?: number } = {};
    const errors: string[] = [];
    for (const recompute of ['none', 'experts'] as const) {
      try {
        const traced = traceModel(MODELS[c.model], c.options);
        peak[recompute] = compileTrainingPlan(traced, { ...TRAIN, recompute }, dev.device.limits).plan.memory!.peakBytes;
      } catch (e) {
        errors.push(`${recompute}: ${message(e)}`);
      }
    }
    r.peakBytes = peak;
    if (errors.length) r.error = errors.join('; ');
    if (peak.none !== undefined && peak.experts !== undefined) {
      r.ok = true;
      r.recomputeSaving = round(1 - peak.experts / peak.none, 4);
    }
    console.error(`  ${c.label}: peak none ${peak.none ? mib(peak.none) : '—'}, experts ${peak.experts ? mib(peak.experts) : '—'}${r.error ? ` (${r.error})` : ''}`);
    emit(r);
  }
}

const job = JSON.parse(process.argv[2]!) as ScaleJob;
const settings = JSON.parse(process.argv[3]!) as ScaleSettings;
const dev = await acquireDevice();
if (!dev) {
  for (const c of job.configs) emit({ label: c.label, sweep: c.sweep, model: c.model, options: c.options, experts: c.experts, rows: c.rows, ok: false, error: 'no WebGPU adapter' });
  process.exit(0);
}
console.log(`@@adapter ${dev.info.backend}: ${dev.info.description}`);
if (job.kind === 'memory') memoryJob(dev, job);
else await timeJob(dev, job, settings);
process.exit(0);
