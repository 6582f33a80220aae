/**
 * The training-step runner: one compiled training plan (forward, backward, auxiliary losses and
 * optimizer updates in one IR, one plan) bound to a backend, with parameters and optimizer state
 * living in the backend's memory across steps. A step uploads only the batch, runs the plan (on
 * WebGPU: one submit) and reads back only the scalars asked for (loss and the MoE CVs by default).
 * A non-finite loss stops training with an error naming the step; the parameters are then not
 * trusted (the caller keeps its last good checkpoint).
 */
import type { Plan } from '../compiler/plan.ts';
import type { Tensor } from '../ir/tensor.ts';
import { prepareCpuPlan } from './cpu-executor.ts';
import type { Backend } from './backend.ts';
import { prepareWebGpuPlan, type RunTiming } from './webgpu-executor.ts';
import type { PipelineCache } from './gpu/pipelines.ts';

/** What one step reports: every requested scalar output by name. */
export type StepReport = Record<string, number>;

/** A step's scalars plus the carried state (e.g. LSTM hT/cT) to feed the next step, by input name. */
export interface StepResult {
  readonly scalars: StepReport;
  readonly carry: Record<string, Tensor>;
  /** Requested vector outputs (e.g. per-expert load), by output name. */
  readonly vectors: Record<string, Float32Array>;
}

/**
 * Pairs (output → input) of recurrent state carried across steps, read back with the loss in the
 * same readback: every `<layer>.hT`/`<layer>.cT` output whose `<layer>.h0`/`<layer>.c0` is an input.
 */
export function carriedState(plan: Plan): [string, string][] {
  const inputs = new Set(plan.inputs.map((i) => i.name));
  const pairs: [string, string][] = [];
  for (const o of plan.outputs) {
    const m = /^(.*)\.(h|c)T$/.exec(o.name);
    if (m && inputs.has(`${m[1]}.${m[2]}0`)) pairs.push([o.name, `${m[1]}.${m[2]}0`]);
  }
  return pairs;
}

/** A training plan bound to a backend. */
export interface Trainer {
  /** Runs training step number `step` (0-based; it keys the noise and dropout draws and Adam's t). */
  step(batch: Readonly<Record<string, Tensor>>, step: number): Promise<StepReport>;
  /** Like `step`, also returning the carried state and the vector outputs asked for in the options. */
  stepFull(batch: Readonly<Record<string, Tensor>>, step: number): Promise<StepResult>;
  /**
   * CPU-side time of the last step (ms: writing the batch and uniforms, encoding and submitting
   * the plan, decoding the readback — everything but the wait for the device) and the device wait;
   * undefined on the CPU backend, where all of a step is host time; absent on trainers that do not
   * measure it (the multi-device trainer).
   */
  lastTiming?(): RunTiming | undefined;
  /** Current parameter and optimizer-state values (one readback). */
  read(names?: readonly string[]): Promise<Record<string, Tensor>>;
  /** Releases device memory. */
  destroy(): void;
}

/** Options of `prepareTrainer`. */
export interface TrainerOptions {
  /** Seed of the noise and dropout draws. */
  readonly seed: number;
  /** Scalar outputs to read back each step (default: `loss` and every `*.cvImportance`/`*.cvLoad`). */
  readonly report?: readonly string[];
  /** Vector outputs to read back each step with the scalars (e.g. `moe0.load`). */
  readonly vectors?: readonly string[];
  /** WebGPU: the pipeline cache to compile into (share one across plans of a device to compile each WGSL once). */
  readonly cache?: PipelineCache;
}

/** Largest finite f32. */
const F32_MAX = 3.4028234663852886e38;

/** Binds `plan` to `backend` and uploads the initial parameters and state. */
export async function prepareTrainer(backend: Backend, plan: Plan, initial: Readonly<Record<string, Tensor>>, opts: TrainerOptions): Promise<Trainer> {
  const report = opts.report ?? plan.outputs.map((o) => o.name).filter((n) => n === 'loss' || n === 'taskLoss' || n.endsWith('.cvImportance') || n.endsWith('.cvLoad'));
  const persistent = plan.inputs.filter((i) => i.role !== 'input').map((i) => i.name);
  const carry = carriedState(plan);
  const vectors = opts.vectors ?? [];
  const want = [...report, ...carry.map(([o]) => o), ...vectors];
  const finish = (out: Record<string, Tensor>, step: number): StepResult => {
    const scalars: StepReport = {};
    for (const name of report) scalars[name] = Number(out[name]!.data[0]);
    // One policy on both backends: a loss beyond the f32 range is non-finite (the CPU reference
    // computes in f64 and would otherwise carry on where WebGPU overflowed).
    if (!(Math.abs(scalars.loss ?? 0) <= F32_MAX)) throw new NonFiniteLossError(step, scalars.loss!);
    const carried: Record<string, Tensor> = {};
    for (const [o, i] of carry) carried[i] = out[o]!;
    const vec: Record<string, Float32Array> = {};
    for (const v of vectors) vec[v] = Float32Array.from(out[v]!.data);
    return { scalars, carry: carried, vectors: vec };
  };
  let run: (batch: Readonly<Record<string, Tensor>>, step: number) => Promise<Record<string, Tensor>>;
  let read: (names: readonly string[]) => Promise<Record<string, Tensor>>;
  let destroy = (): void => {};
  let lastTiming = (): RunTiming | undefined => undefined;
  if (backend.kind === 'cpu') {
    const exe = prepareCpuPlan(plan);
    exe.setParams(initial);
    run = async (batch, step) => exe.run(batch, { seed: opts.seed, step, training: true }, want);
    read = async (names) => exe.read(names);
  } else {
    const exe = await prepareWebGpuPlan(backend.device, plan, opts.cache);
    exe.setParams(initial);
    run = (batch, step) => exe.run(batch, { seed: opts.seed, step, training: true }, want);
    read = (names) => exe.read(names);
    destroy = () => exe.destroy();
    lastTiming = () => exe.lastTiming();
  }
  return {
    step: async (batch, step) => finish(await run(batch, step), step).scalars,
    stepFull: async (batch, step) => finish(await run(batch, step), step),
    read: (names = persistent) => read(names),
    lastTiming: () => lastTiming(),
    destroy,
  };
}

/** Thrown when a step's loss is NaN or infinite. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly step: number,
    readonly loss: number,
  ) {
    super(`step ${step}: the loss is ${loss}; training stopped (parameters after this step are not trusted)`);
  }
}
