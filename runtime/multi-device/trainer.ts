/**
 * A training-step runner over N simulated devices with the one-device `Trainer` interface
 * (runtime/trainer.ts), so the training session, checkpoints and resume work unchanged: batches,
 * carried LSTM state, parameters and optimizer state go in and come out at their one-device shapes;
 * the N-device executor (CPU simulation, or N WebGPU devices: the backend's device plus N − 1 more
 * of the same GPU instance) slices and joins them.
 */
import type { MultiDeviceProgram } from '../../compiler/multi-device/compile.ts';
import type { Tensor } from '../../ir/tensor.ts';
import type { Backend } from '../backend.ts';
import { NonFiniteLossError, type StepReport, type StepResult, type Trainer } from '../trainer.ts';
import { prepareMultiDeviceCpu } from './cpu-executor.ts';
import type { ExchangeTransport } from './transport.ts';
import { acquireMoreDevices, prepareMultiDeviceWebGpu } from './webgpu-executor.ts';

/** Options of `prepareMultiDeviceTrainer` (as prepareTrainer's). */
export interface MultiDeviceTrainerOptions {
  readonly seed: number;
  readonly report?: readonly string[];
  readonly vectors?: readonly string[];
}

/** Binds a compiled N-device training program to the backend's devices and uploads the initial values. */
export async function prepareMultiDeviceTrainer(
  program: MultiDeviceProgram,
  initial: Readonly<Record<string, Tensor>>,
  opts: MultiDeviceTrainerOptions,
  backend: Backend = { kind: 'cpu' },
): Promise<Trainer & { readonly transport: ExchangeTransport }> {
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
  let runRaw: (batch: Readonly<Record<string, Tensor>>, step: number) => Promise<Record<string, Tensor>>;
  let read: (names: readonly string[]) => Promise<Record<string, Tensor>>;
  let transport: ExchangeTransport;
  let destroy = (): void => {};
  if (backend.kind === 'cpu') {
    const exe = prepareMultiDeviceCpu(program);
    exe.setParams(initial);
    runRaw = async (batch, step) => exe.run(batch, { seed: opts.seed, step, training: true }, want);
    read = async (names) => exe.read(names);
    transport = exe.transport;
  } else {
    const more = await acquireMoreDevices(backend.device, program.devices - 1);
    const exe = await prepareMultiDeviceWebGpu(program, [backend.device, ...more]);
    exe.setParams(initial);
    runRaw = (batch, step) => exe.run(batch, { seed: opts.seed, step, training: true }, want);
    read = (names) => exe.read(names);
    transport = exe.transport;
    destroy = () => {
      exe.destroy();
      for (const d of more) d.device.destroy();
    };
  }
  const run = async (batch: Readonly<Record<string, Tensor>>, step: number): Promise<StepResult> => {
    const out = await runRaw(batch, step);
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
    transport,
    step: async (batch, step) => (await run(batch, step)).scalars,
    stepFull: (batch, step) => run(batch, step),
    read: (names = persistent) => read(names),
    destroy,
  };
}
