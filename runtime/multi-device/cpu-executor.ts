/**
 * The CPU backend simulating N devices: each device's plan gets its own memory exactly as the
 * one-device CPU executor lays it out (one ArrayBuffer per persistent storage and per pooled slot),
 * and the N programs run in lockstep, step by step — local steps through the reference ops on each
 * device's own buffers, collective steps (all-to-all, all-reduce) through an exchange transport
 * that carries (and counts) every byte between devices. Inputs and outputs are given and returned
 * at their one-device shapes: the executor slices them by the program's sharding (the batch, the
 * experts, or replicated) and puts them back together, so a caller swaps one device for N without
 * changing anything else. Time is accounted per device (its local steps) and per exchange.
 */
import { isView } from '../../ir/op-traits.ts';
import { evalNode, type RunContext } from '../../ir/interpret.ts';
import type { Tensor } from '../../ir/tensor.ts';
import { formatType, numel, typeEq, type TensorType } from '../../ir/types.ts';
import { fullType, type MultiDeviceProgram, type Sharding } from '../../compiler/multi-device/compile.ts';
import { isCollective, runCollective } from './collectives.ts';
import { InProcessTransport, type ExchangeTransport } from './transport.ts';
import { bindCpuMemory } from '../cpu-executor.ts';

/** Where the time of the last run went. */
export interface MultiDeviceTiming {
  /** Milliseconds of local (non-exchange) work per device. */
  readonly deviceMs: number[];
  /** Milliseconds per exchange label. */
  readonly exchangeMs: Map<string, number>;
  /**
   * WebGPU only: milliseconds of host readback (mapping and copying a device's staged inputs of a
   * host step) done while another device was still computing — exchange work overlapped with compute.
   */
  overlapMs?: number;
  /**
   * WebGPU only: host round trips per run (groups of host steps read back and run together), host
   * steps, and dispatches per device submitted before the host step they follow (independent of
   * it: they compute while the host runs the exchange).
   */
  rounds?: { readonly groups: number; readonly hostSteps: number; readonly earlyDispatches?: number };
}

/** N device plans bound to CPU memory. */
export interface MultiDeviceCpuExecutable {
  /** Writes parameters / optimizer state given at their one-device shapes (sliced per device). */
  setParams(params: Readonly<Record<string, Tensor>>): void;
  /** Runs one step on full-batch feeds; returns the outputs asked for at their one-device shapes. */
  run(feeds: Readonly<Record<string, Tensor>>, ctx: Omit<RunContext, 'precision'>, want?: readonly string[]): Record<string, Tensor>;
  /** Current parameters / state at their one-device shapes (expert slices put back together). */
  read(names: readonly string[]): Record<string, Tensor>;
  readonly transport: ExchangeTransport;
  readonly timing: MultiDeviceTiming;
}

/** Device d's slice of `t` along `axis` (N equal slices). */
export function sliceAxis(t: Tensor, axis: number, d: number, N: number): Tensor {
  const shape = t.type.shape;
  const size = shape[axis]!;
  if (size % N !== 0) throw new Error(`cannot split axis ${axis} of ${formatType(t.type)} into ${N} slices`);
  const part = size / N;
  const outer = numel(shape.slice(0, axis));
  const inner = numel(shape.slice(axis + 1));
  const data = new (t.data.constructor as Float32ArrayConstructor)(outer * part * inner);
  for (let o = 0; o < outer; o++) data.set(t.data.subarray((o * size + d * part) * inner, (o * size + (d + 1) * part) * inner), o * part * inner);
  return { type: { dtype: t.type.dtype, shape: shape.map((s, i) => (i === axis ? part : s)) }, data };
}

/** The tensor whose N slices along `axis` are `parts`. */
export function concatAxis(parts: readonly Tensor[], axis: number): Tensor {
  const shape = parts[0]!.type.shape;
  const part = shape[axis]!;
  const N = parts.length;
  const outer = numel(shape.slice(0, axis));
  const inner = numel(shape.slice(axis + 1));
  const data = new (parts[0]!.data.constructor as Float32ArrayConstructor)(outer * part * N * inner);
  parts.forEach((p, d) => {
    for (let o = 0; o < outer; o++) data.set(p.data.subarray(o * part * inner, (o + 1) * part * inner), (o * N * part + d * part) * inner);
  });
  return { type: { dtype: parts[0]!.type.dtype, shape: shape.map((s, i) => (i === axis ? s * N : s)) }, data };
}

const bind = bindCpuMemory;

/** Allocates every device's plan and returns the N-device runner. */
export function prepareMultiDeviceCpu(program: MultiDeviceProgram, transport: ExchangeTransport = new InProcessTransport(program.devices)): MultiDeviceCpuExecutable {
  const N = program.devices;
  const plans = program.plans;
  const views = plans.map(bind);
  const byName = plans.map((p) => new Map(p.inputs.map((i) => [i.name, i])));
  const written = new Set<string>();
  const timing: MultiDeviceTiming = { deviceMs: new Array<number>(N).fill(0), exchangeMs: new Map() };
  const sharding = (name: string, table: Readonly<Record<string, Sharding>>): Sharding => {
    const s = table[name];
    if (!s) throw new Error(`unknown name '${name}'; the programs' inputs are ${Object.keys(program.inputs).join(', ')}`);
    return s;
  };
  const sliceFor = (t: Tensor, s: Sharding, d: number): Tensor => (s.kind === 'replicated' ? t : sliceAxis(t, s.kind === 'batch' ? s.axis : 0, d, N));
  const join = (parts: Tensor[], s: Sharding): Tensor => (s.kind === 'replicated' ? { type: parts[0]!.type, data: parts[0]!.data.slice() } : concatAxis(parts, s.kind === 'batch' ? s.axis : 0));
  const write = (name: string, t: Tensor): void => {
    const s = sharding(name, program.inputs);
    for (let d = 0; d < N; d++) {
      const inp = byName[d]!.get(name)!;
      const dst = views[d]![inp.buffer]!;
      const want = fullType(dst.type, s, N);
      if (!typeEq(want, t.type)) throw new Error(`input '${name}' has type ${formatType(t.type)}, expected ${formatType(want)}`);
      dst.data.set(sliceFor(t, s, d).data);
    }
    written.add(name);
  };
  const labelOf = (k: number): string => {
    const n = plans[0]!.steps[k]!.node;
    return `${n.layer ?? '-'} ${n.op}${n.phase === 'backward' ? ' (backward)' : ''} #${n.id}`;
  };
  return {
    transport,
    timing,
    setParams(params) {
      for (const [name, t] of Object.entries(params)) {
        if (byName[0]!.get(name)?.role === 'input') throw new Error(`'${name}' is a data input, not a parameter; pass it to run()`);
        write(name, t);
      }
    },
    run(feeds, ctx, want) {
      for (const [name, t] of Object.entries(feeds)) write(name, t);
      const missing = plans[0]!.inputs.filter((i) => !written.has(i.name) || (i.role === 'input' && !(i.name in feeds)));
      if (missing.length > 0) throw new Error(`missing feeds: ${missing.map((i) => `'${i.name}' (${i.role})`).join(', ')}`);
      const c: RunContext = { ...ctx, precision: 'f32' };
      timing.deviceMs.fill(0);
      timing.exchangeMs.clear();
      const steps = plans[0]!.steps.length;
      for (let k = 0; k < steps; k++) {
        const node0 = plans[0]!.steps[k]!.node;
        if (isView(node0.op)) continue; // a view: no work
        if (isCollective(node0.op)) {
          const t0 = performance.now();
          const label = labelOf(k);
          const outs = runCollective(
            plans.map((p) => p.steps[k]!.node),
            plans.map((p, d) => p.steps[k]!.inputs.map((b) => views[d]![b]!)),
            plans.map((p, d) => p.steps[k]!.outputs.map((b) => views[d]![b]!.type as TensorType)),
            transport,
            label,
          );
          plans.forEach((p, d) => p.steps[k]!.outputs.forEach((b, i) => views[d]![b]!.data.set(outs[d]![i]!.data)));
          timing.exchangeMs.set(label, (timing.exchangeMs.get(label) ?? 0) + performance.now() - t0);
          continue;
        }
        for (let d = 0; d < N; d++) {
          const t0 = performance.now();
          const step = plans[d]!.steps[k]!;
          const outs = evalNode(step.node, step.inputs.map((b) => views[d]![b]!), c);
          step.outputs.forEach((b, i) => views[d]![b]!.data.set(outs[i]!.data));
          timing.deviceMs[d]! += performance.now() - t0;
        }
      }
      const result: Record<string, Tensor> = {};
      const wanted = want ? new Set(want) : null;
      for (const o of plans[0]!.outputs) {
        if (wanted && !wanted.has(o.name)) continue;
        const s = program.outputs[o.name] ?? { kind: 'replicated' };
        result[o.name] = join(plans.map((p, d) => views[d]![p.outputs.find((x) => x.name === o.name)!.buffer]!), s);
      }
      return result;
    },
    read(names) {
      const out: Record<string, Tensor> = {};
      for (const name of names) {
        const s = sharding(name, program.inputs);
        out[name] = join(plans.map((_, d) => views[d]![byName[d]!.get(name)!.buffer]!), s);
      }
      return out;
    },
  };
}
