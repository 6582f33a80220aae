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
import { prepareWebGpuPlan } from './webgpu-executor.ts';

/** What one step reports: every requested scalar output by name. */
export type StepReport = Record<string, number>;

/** A training plan bound to a backend. */
export interface Trainer {
  /** Runs training step number `step` (0-based; it keys the noise and dropout draws and Adam's t). */
  step(batch: Readonly<Record<string, Tensor>>, step: number): Promise<StepReport>;
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
}

/** Binds `plan` to `backend` and uploads the initial parameters and state. */
export async function prepareTrainer(backend: Backend, plan: Plan, initial: Readonly<Record<string, Tensor>>, opts: TrainerOptions): Promise<Trainer> {
  const report = opts.report ?? plan.outputs.map((o) => o.name).filter((n) => n === 'loss' || n.endsWith('.cvImportance') || n.endsWith('.cvLoad'));
  const persistent = plan.inputs.filter((i) => i.role !== 'input').map((i) => i.name);
  const check = (out: Record<string, Tensor>, step: number): StepReport => {
    const r: StepReport = {};
    for (const name of report) r[name] = Number(out[name]!.data[0]);
    if (!Number.isFinite(r.loss ?? 0)) throw new Error(`step ${step}: the loss is ${r.loss}; training stopped (parameters after this step are not trusted)`);
    return r;
  };
  if (backend.kind === 'cpu') {
    const exe = prepareCpuPlan(plan);
    exe.setParams(initial);
    return {
      step: async (batch, step) => check(exe.run(batch, { seed: opts.seed, step, training: true }), step),
      read: async (names = persistent) => exe.read(names),
      destroy: () => {},
    };
  }
  const exe = await prepareWebGpuPlan(backend.device, plan);
  exe.setParams(initial);
  return {
    step: async (batch, step) => check(await exe.run(batch, { seed: opts.seed, step, training: true }, report), step),
    read: (names = persistent) => exe.read(names),
    destroy: () => exe.destroy(),
  };
}
