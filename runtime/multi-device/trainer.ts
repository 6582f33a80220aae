/**
 * A training-step runner over N simulated devices with the one-device `Trainer` interface
 * (runtime/trainer.ts), so the training session, checkpoints and resume work unchanged: batches,
 * carried LSTM state, parameters and optimizer state go in and come out at their one-device shapes;
 * the N-device CPU executor slices and joins them.
 */
import type { MultiDeviceProgram } from '../../compiler/multi-device/compile.ts';
import type { Tensor } from '../../ir/tensor.ts';
import { NonFiniteLossError, type StepReport, type StepResult, type Trainer } from '../trainer.ts';
import { prepareMultiDeviceCpu, type MultiDeviceCpuExecutable } from './cpu-executor.ts';

/** Options of `prepareMultiDeviceTrainer` (as prepareTrainer's). */
export interface MultiDeviceTrainerOptions {
  readonly seed: number;
  readonly report?: readonly string[];
  readonly vectors?: readonly string[];
}

/** Binds a compiled N-device training program to CPU memory and uploads the initial values. */
export function prepareMultiDeviceTrainer(program: MultiDeviceProgram, initial: Readonly<Record<string, Tensor>>, opts: MultiDeviceTrainerOptions): Trainer & { readonly executable: MultiDeviceCpuExecutable } {
  if (!program.training) throw new Error('prepareMultiDeviceTrainer needs a program compiled with training options');
  const plan = program.plans[0]!;
  const report = opts.report ?? plan.outputs.map((o) => o.name).filter((n) => n === 'loss' || n === 'taskLoss' || n.endsWith('.cvImportance') || n.endsWith('.cvLoad'));
  const inputs = new Set(plan.inputs.map((i) => i.name));
  const carry = plan.outputs.map((o) => o.name).flatMap((name): [string, string][] => {
    const m = /^(.*)\.(h|c)T$/.exec(name);
    return m && inputs.has(`${m[1]}.${m[2]}0`) ? [[name, `${m[1]}.${m[2]}0`]] : [];
  });
  const vectors = opts.vectors ?? [];
  const want = [...report, ...carry.map(([o]) => o), ...vectors];
  const persistent = plan.inputs.filter((i) => i.role !== 'input').map((i) => i.name);
  const exe = prepareMultiDeviceCpu(program);
  exe.setParams(initial);
  const run = (batch: Readonly<Record<string, Tensor>>, step: number): StepResult => {
    const out = exe.run(batch, { seed: opts.seed, step, training: true }, want);
    const scalars: StepReport = {};
    for (const name of report) scalars[name] = Number(out[name]!.data[0]);
    if (!Number.isFinite(scalars.loss ?? 0)) throw new NonFiniteLossError(step, scalars.loss!);
    const carried: Record<string, Tensor> = {};
    for (const [o, i] of carry) carried[i] = out[o]!;
    const vec: Record<string, Float32Array> = {};
    for (const v of vectors) vec[v] = Float32Array.from(out[v]!.data);
    return { scalars, carry: carried, vectors: vec };
  };
  return {
    executable: exe,
    step: async (batch, step) => run(batch, step).scalars,
    stepFull: async (batch, step) => run(batch, step),
    read: async (names = persistent) => exe.read(names),
    destroy: () => {},
  };
}
