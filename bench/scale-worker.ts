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
import { deviceLoweringLimits } from '../runtime/lowering-limits.ts';
import { bankSlices } from '../compiler/multi-device/bank-fit.ts';
import { compileForAutoDevices } from '../compiler/multi-device/capacity.ts';
import { fullType, type MultiDeviceProgram } from '../compiler/multi-device/compile.ts';
import { compileGraph } from '../compiler/pipeline.ts';
import { lowerToWebGpu } from '../compiler/lower/index.ts';
import type { Plan } from '../compiler/plan.ts';
import { compileTrainingPlan } from '../compiler/train-pipeline.ts';
import { traceModel, type Model, type ModelOptions } from '../frontend/model.ts';
import type { Graph } from '../ir/graph.ts';
import { fnv1a } from '../ir/rng.ts';
import type { Tensor } from '../ir/tensor.ts';
import { numel, type TensorType } from '../ir/types.ts';
import { acquireDevice, type DeviceContext } from '../runtime/device.ts';
import { syntheticFeeds } from '../runtime/synthetic-feeds.ts';
import { acquireMoreDevices, prepareMultiDeviceWebGpu } from '../runtime/multi-device/webgpu-executor.ts';
import { prepareWebGpuPlan, type WebGpuExecutable } from '../runtime/webgpu-executor.ts';
import flatModel from '../examples/lstm-moe-lm.ts';
import hierModel from '../examples/hierarchical-moe-lm.ts';
import { median, randArray, round } from './common.ts';
import { breakdown } from './scale-families.ts';
import { checkHostMemory } from './scale-host-memory.ts';
import type { ConfigResult, ScaleConfig, ScaleJob, ScaleSettings } from './scale-configs.ts';
import type { DispatchTiming } from '../runtime/webgpu-executor.ts';

const MODELS: Record<ScaleConfig['model'], Model<ModelOptions>> = {
  flat: flatModel as unknown as Model<ModelOptions>,
  hier: hierModel as unknown as Model<ModelOptions>,
};

const TRAIN = { optimizer: { name: 'factored-adam' as const, lr: 0.01 }, recompute: 'experts' as const };

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n').slice(0, 3).join(' ').slice(0, 600);
const emit = (r: ConfigResult): void => console.log(`@@scale ${JSON.stringify(r)}`);
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

/** A persistent input (parameter, optimizer state, carried state) at its one-device type. */
interface ParamSpec {
  readonly name: string;
  readonly role: string;
  readonly type: TensorType;
  readonly init?: Graph['inputs'][number]['init'];
}

/**
 * Parameters and optimizer state for `specs`, filled fast: an LCG instead of `initParams`' Philox
 * (minutes for a billion expert weights), with each initialiser's scale; gating weights, which the
 * models initialise to zero, get small random values so routing depends on the input.
 */
function fastParams(specs: readonly ParamSpec[]): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const { name, role, type, init } of specs) {
    const n = numel(type.shape);
    const seed = fnv1a(name);
    let data: Float32Array | Int32Array;
    if (type.dtype === 'i32') data = new Int32Array(n);
    else if (role === 'param' && /\.w[gn]2?$/.test(name)) data = randArray(n, 0.05, seed);
    else if (init?.kind === 'uniform') data = randArray(n, init.scale, seed);
    else if (init?.kind === 'normal') data = randArray(n, init.std * Math.sqrt(3), seed);
    else if (init?.kind === 'ones') data = new Float32Array(n).fill(1);
    else data = new Float32Array(n);
    out[name] = { type, data };
  }
  return out;
}

/** The persistent inputs of a one-device graph. */
const graphSpecs = (graph: Graph): ParamSpec[] =>
  graph.inputs.filter((i) => i.role !== 'input').map((i) => ({ name: i.name, role: i.role, type: graph.values.get(i.value)!.type, ...(i.init ? { init: i.init } : {}) }));

/** The persistent inputs of a multi-device program at their one-device types. */
const programSpecs = (p: MultiDeviceProgram): ParamSpec[] =>
  graphSpecs(p.graphs[0]!).map((s) => ({ ...s, type: fullType(s.type, p.inputs[s.name]!, p.devices) }));

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
    const plan = lowerToWebGpu(graph, deviceLoweringLimits(dev));
    const peakBytes = checkPeak(plan, s, 'forward');
    exe = await prepareWebGpuPlan(dev, plan);
    exe.setParams(fastParams(graphSpecs(graph)));
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

/** A prepared training step on one device or several. */
interface Runner {
  /** Runs step `step`; resolves to the loss. */
  step(step: number): Promise<number>;
  /** GPU timestamps of one step (one device only). */
  profile?(step: number): Promise<DispatchTiming[]>;
  /** Multi-device: per-device busy ms and host-step ms accumulated so far. */
  timing?(): { deviceMs: number[]; hostMs: number; rounds?: { groups: number; hostSteps: number }; exchangedBytes: number };
  destroy(): void;
}

interface Live {
  readonly r: ConfigResult;
  readonly runner: Runner;
  readonly samples: number[];
  spentMs: number;
  step: number;
}

/** The summed device peaks of `p`, after the host-memory guard (bench/scale-host-memory.ts) let it run. */
function guardHostMemory(p: MultiDeviceProgram, s: ScaleSettings): number {
  const devices = p.plans.reduce((a, x) => a + x.memory!.peakBytes, 0);
  checkHostMemory(p.devices, devices, programSpecs(p).reduce((a, x) => a + numel(x.type.shape) * 4, 0), s.maxBytes);
  return devices;
}

/** A one-device training step of `traced` on `dev`. */
async function oneDevice(dev: DeviceContext, traced: Graph, r: ConfigResult, s: ScaleSettings): Promise<Runner> {
  let t0 = performance.now();
  const { graph, plan } = compileTrainingPlan(traced, { ...TRAIN, recompute: s.recompute ?? TRAIN.recompute }, deviceLoweringLimits(dev));
  r.compile_ms = round(performance.now() - t0, 1);
  r.peakBytes = checkPeak(plan, s, 'training');
  r.dispatches = plan.steps.reduce((a, st) => a + st.dispatches.length, 0);
  t0 = performance.now();
  const exe = await prepareWebGpuPlan(dev, plan);
  try {
    exe.setParams(fastParams(graphSpecs(graph)));
  } catch (e) {
    exe.destroy();
    throw e;
  }
  r.prepare_ms = round(performance.now() - t0, 1);
  const feeds = syntheticFeeds(graph, 1);
  return {
    step: async (step) => Number((await exe.run(feeds, { seed: 1, step, training: true }, ['loss'])).loss!.data[0]),
    profile: (step) => exe.profile({ seed: 1, step, training: true }),
    destroy: () => exe.destroy(),
  };
}

/**
 * The training step of `c` on as many devices as its expert banks need (compiler/multi-device:
 * the smallest power of two whose bank slices fit one storage binding of the adapter and whose
 * device plans fit its maxBufferSize): one device runs the ordinary plan; several run the
 * expert-parallel programs on that many GPUDevices of the same GPU instance.
 */
async function prepareConfig(dev: DeviceContext, c: ScaleConfig, traced: Graph, r: ConfigResult, s: ScaleSettings): Promise<Runner> {
  if (c.devices !== 'auto') return oneDevice(dev, traced, r, s);
  const limits = dev.device.limits;
  let t0 = performance.now();
  const training = { ...TRAIN, recompute: s.recompute ?? TRAIN.recompute };
  const p = compileForAutoDevices(MODELS[c.model], c.options, { adapterLimits: { maxBufferSize: limits.maxBufferSize, maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize } }, training);
  r.devices = p.devices;
  if (p.devices === 1) {
    r.devicesWhy = `every expert bank fits one storage binding (${limits.maxStorageBufferBindingSize} bytes): one device, the ordinary plan`;
    return oneDevice(dev, traced, r, s);
  }
  const bank = bankSlices(p)[0]!;
  r.devicesWhy =
    `expert bank ${bank.name} [${bank.shape.join(', ')}] is ${(bank.bytes / 2 ** 20).toFixed(0)} MiB, training binds a bank whole and one storage binding holds ${(limits.maxStorageBufferBindingSize / 2 ** 20).toFixed(0)} MiB: ` +
    `experts split over ${p.devices} GPUDevices (${(bank.sliceBytes / 2 ** 20).toFixed(0)} MiB each; expert parallelism, exchanges through host memory)`;
  r.compile_ms = round(performance.now() - t0, 1);
  r.peakBytes = Math.max(...p.plans.map((x) => x.memory!.peakBytes));
  r.peakBytesAllDevices = guardHostMemory(p, s);
  t0 = performance.now();
  const more = await acquireMoreDevices(dev, p.devices - 1);
  const destroyMore = (): void => more.forEach((d) => d.device.destroy());
  let exe: Awaited<ReturnType<typeof prepareMultiDeviceWebGpu>>;
  try {
    exe = await prepareMultiDeviceWebGpu(p, [dev, ...more]);
  } catch (e) {
    destroyMore();
    throw e;
  }
  try {
    exe.setParams(fastParams(programSpecs(p)));
  } catch (e) {
    exe.destroy();
    destroyMore();
    throw e;
  }
  r.dispatches = exe.plans.reduce((a, pl) => a + pl.steps.reduce((b, st) => b + st.dispatches.length, 0), 0);
  r.prepare_ms = round(performance.now() - t0, 1);
  const feeds = syntheticFeeds(traced, 1);
  return {
    step: async (step) => Number((await exe.run(feeds, { seed: 1, step, training: true }, ['loss'])).loss!.data[0]),
    timing: () => ({
      deviceMs: [...exe.timing.deviceMs],
      hostMs: [...exe.timing.exchangeMs.values()].reduce((a, b) => a + b, 0),
      ...(exe.timing.rounds ? { rounds: { ...exe.timing.rounds } } : {}),
      exchangedBytes: exe.transport.stats.localBytes + exe.transport.stats.crossDeviceBytes,
    }),
    destroy: () => {
      exe.destroy();
      destroyMore();
    },
  };
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
    let runner: Runner | null = null;
    try {
      const traced = traceModel(MODELS[c.model], c.options);
      if (c.forward) r.forward = await forwardRun(dev, traced, s);
      runner = await prepareConfig(dev, c, traced, r, s);
      const t0 = performance.now();
      r.loss = await runner.step(0);
      r.warmup_ms = round(performance.now() - t0, 1);
      live[i] = { r, runner, samples: [], spentMs: 0, step: 1 };
      console.error(`  ${c.label}: ${r.devices !== undefined && r.devices > 1 ? `${r.devices} devices, ` : ''}compiled in ${r.compile_ms} ms, peak ${mib(r.peakBytes as number)}${r.devices !== undefined && r.devices > 1 ? ' per device' : ''}, warm-up step ${r.warmup_ms} ms`);
    } catch (e) {
      r.error = message(e);
      runner?.destroy();
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
        await p.runner.step(p.step++);
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
      if (p.runner.profile) {
        try {
          p.r.profile = breakdown(await p.runner.profile(p.step));
        } catch (e) {
          p.r.profileError = message(e);
        }
      } else p.r.profileError = 'no GPU-timestamp profile on several devices; see multiDevice (per-device busy ms per step)';
      const t = p.runner.timing?.();
      if (t) {
        const steps = p.step; // warm-up + timed steps so far
        p.r.multiDevice = {
          devices: t.deviceMs.length,
          deviceBusyMsPerStep: t.deviceMs.map((x) => round(x / steps, 1)),
          hostStepMsPerStep: round(t.hostMs / steps, 1),
          exchangedBytesPerStep: Math.round(t.exchangedBytes / steps),
          ...(t.rounds ? { roundTrips: t.rounds.groups, hostSteps: t.rounds.hostSteps } : {}),
        };
      }
      const m = median(p.samples);
      Object.assign(p.r, { ok: true, median_ms: round(m, 2), samples_ms: p.samples.map((x) => round(x, 2)), us_per_token: round((1000 * m) / p.r.rows, 3) });
    }
    p.runner.destroy();
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
        peak[recompute] = compileTrainingPlan(traced, { ...TRAIN, recompute }, deviceLoweringLimits(dev)).plan.memory!.peakBytes;
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
