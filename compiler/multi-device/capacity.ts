/**
 * The per-device memory budget (`--device-memory 64MiB`): a program whose device plans need more
 * than the budget is refused, with the bytes it needs, how much of that is expert banks, and —
 * when the expert banks are what does not fit — the smallest device count (dividing the experts
 * and the batch) whose programs do fit. Without `--device-memory` the budget is the adapter's
 * limits (its maxBufferSize; WebGPU's default 256 MiB when no adapter is at hand). Expert banks must
 * also fit the storage-binding limit (bank-fit.ts); `compileForAutoDevices` picks the smallest device
 * count that satisfies both.
 */
import type { Model } from '../../frontend/model.ts';
import type { TrainingOptions } from '../train-pipeline.ts';
import { bankDevices, bankSlices, checkBankBindings, DEFAULT_MAX_BINDING_BYTES, sliceLimit } from './bank-fit.ts';
import { compileMultiDevice, type MultiDeviceOptions, type MultiDeviceProgram } from './compile.ts';

const UNITS: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3 };

/** Parses a byte size like `64MiB`, `512kB`, `1GiB` or a plain byte count. */
export function parseByteSize(text: string): number {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? UNITS[(m[2] || 'b').toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new Error(`'${text}' is not a byte size; write e.g. 64MiB, 512kB, 1GiB or a number of bytes`);
  return Math.round(Number(m[1]) * unit);
}

const mib = (b: number): string => `${(b / 1024 ** 2).toFixed(2)} MiB`;

/** Bytes of the expert banks one device of `p` holds (the parameters and their optimizer state). */
export function expertBankBytes(p: MultiDeviceProgram): number {
  const g = p.graphs[0]!;
  return g.inputs.filter((i) => p.inputs[i.name]?.kind === 'experts').reduce((a, i) => a + g.values.get(i.value)!.type.shape.reduce((x, y) => x * y, 4), 0);
}

/** The largest per-device peak of `p`'s plans. */
export function peakPerDevice(p: MultiDeviceProgram): number {
  return Math.max(...p.plans.map((x) => x.memory!.peakBytes));
}

/**
 * Throws when a device of `p` needs more than `budget` bytes; the message suggests a device count
 * that fits (found by compiling `model` for 2, 4, 8, … devices) when there is one.
 */
export function checkDeviceMemory(p: MultiDeviceProgram, budget: number, model: Model, overrides: Readonly<Record<string, unknown>>, o: MultiDeviceOptions, source = '--device-memory %s'): void {
  const need = peakPerDevice(p);
  if (need <= budget) return;
  const banks = expertBankBytes(p);
  const experts = Math.min(...p.partition.exchanges.map((e) => e.experts), Number.MAX_SAFE_INTEGER);
  let fix = '';
  for (let n = p.devices * 2; n <= experts && n <= p.partition.batch; n *= 2) {
    if (experts % n !== 0 || p.partition.batch % n !== 0) continue;
    const q = compileMultiDevice(model, overrides, { ...o, devices: n });
    if (peakPerDevice(q) <= budget) {
      fix = `; the expert banks are split over devices with --devices ${n} (${mib(peakPerDevice(q))} per device)`;
      break;
    }
  }
  throw new Error(
    `${p.devices === 1 ? 'one device' : `each of ${p.devices} devices`} needs ${mib(need)} (expert banks and their optimizer state ${mib(banks)} of it), ` +
      `more than ${source.replace('%s', mib(budget))}${fix || '; no device count up to the number of experts fits: lower B or the expert sizes'}`,
  );
}

/**
 * The budget when `--device-memory` is not given: the adapter's limits. WebGPU reports no memory
 * size, only the largest buffer an adapter creates (`maxBufferSize`: 4 GiB on lavapipe), so a device
 * program whose peak exceeds it is refused. Without an adapter at hand (`moec compile`, the CPU
 * backend) the budget is WebGPU's default `maxBufferSize`, 256 MiB, which every adapter provides.
 */
export const DEFAULT_MAX_BUFFER_SIZE = 256 * 1024 * 1024;

/** The multi-device options every command shares. */
export interface DeviceOptions {
  readonly devices: number;
  /** Per-device budget in bytes (absent: the adapter's maxBufferSize, see DEFAULT_MAX_BUFFER_SIZE). */
  readonly deviceMemory?: number;
  /** The limits of the adapter the programs will run on, when known (sets the default budget). */
  readonly adapterLimits?: { readonly maxBufferSize: number; readonly maxStorageBufferBindingSize?: number };
  /** Largest storage binding in bytes (absent: the adapter's maxStorageBufferBindingSize, else WebGPU's default 128 MiB). */
  readonly maxBindingBytes?: number;
}

/** The storage-binding limit `d` sets and where it comes from (for the refusal message; %s stands for the size). */
export function bindingBudget(d: Omit<DeviceOptions, 'devices'>): { bytes: number; source: string } {
  if (d.maxBindingBytes !== undefined) return { bytes: d.maxBindingBytes, source: 'one storage binding (%s, the given maximum binding size)' };
  const a = d.adapterLimits?.maxStorageBufferBindingSize;
  if (a !== undefined) return { bytes: a, source: "one storage binding (%s, the adapter's maxStorageBufferBindingSize)" };
  return { bytes: DEFAULT_MAX_BINDING_BYTES, source: "one storage binding (%s, WebGPU's default maxStorageBufferBindingSize)" };
}

/** The budget `d` sets and where it comes from (for the refusal message; %s stands for the size). */
export function deviceBudget(d: Omit<DeviceOptions, 'devices'>): { bytes: number; source: string } {
  if (d.deviceMemory !== undefined) return { bytes: d.deviceMemory, source: '--device-memory %s' };
  if (d.adapterLimits) return { bytes: d.adapterLimits.maxBufferSize, source: "the default --device-memory %s (the adapter's maxBufferSize)" };
  return { bytes: DEFAULT_MAX_BUFFER_SIZE, source: "the default --device-memory %s (WebGPU's default maxBufferSize; no adapter at hand)" };
}

/**
 * Compiles `model` for `d.devices` devices and enforces the storage-binding limit on its expert
 * banks and the memory budget (`--device-memory`, default the adapter's limits).
 */
export function compileForDevices(model: Model, overrides: Readonly<Record<string, unknown>>, d: DeviceOptions, training?: TrainingOptions): MultiDeviceProgram {
  const o = { devices: d.devices, ...(training ? { training } : {}) };
  const program = compileMultiDevice(model, overrides, o);
  const binding = bindingBudget(d);
  checkBankBindings(program, binding.bytes, binding.source);
  const budget = deviceBudget(d);
  checkDeviceMemory(program, budget.bytes, model, overrides, o, budget.source);
  return program;
}

/**
 * Compiles `model` for the smallest device count whose expert-bank slices fit one storage binding
 * (training; the forward: MAX_FORWARD_BINDINGS) and whose device plans fit the memory budget: 1 when
 * the model fits one device, else the experts split over 2, 4, 8, … devices (each a power of two
 * dividing the experts and the batch). Throws the refusal of `compileForDevices` when no such count exists.
 */
export function compileForAutoDevices(model: Model, overrides: Readonly<Record<string, unknown>>, d: Omit<DeviceOptions, 'devices'>, training?: TrainingOptions): MultiDeviceProgram {
  const binding = bindingBudget(d);
  const budget = deviceBudget(d);
  const one = compileMultiDevice(model, overrides, { devices: 1, ...(training ? { training } : {}) });
  const banks = bankSlices(one);
  const first = bankDevices(banks, sliceLimit(binding.bytes, training !== undefined), one.partition.batch);
  if (first === null) checkBankBindings(one, binding.bytes, binding.source); // throws: no device count fits the binding
  const fits = (n: number): boolean => banks.every((b) => b.experts % n === 0) && one.partition.batch % n === 0;
  for (let n = first ?? 1; ; n *= 2) {
    const o = { devices: n, ...(training ? { training } : {}) };
    const p = n === 1 ? one : compileMultiDevice(model, overrides, o);
    checkBankBindings(p, binding.bytes, binding.source);
    if (peakPerDevice(p) <= budget.bytes || !fits(2 * n)) {
      checkDeviceMemory(p, budget.bytes, model, overrides, o, budget.source);
      return p;
    }
  }
}
