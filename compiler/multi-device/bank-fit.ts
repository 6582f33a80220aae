/**
 * Expert banks against the storage-binding limit, and the device count that makes them fit. A
 * WebGPU kernel binds a buffer range of at most `maxStorageBufferBindingSize` bytes (128 MiB by
 * default, and on lavapipe); the training kernels bind every expert bank (and its gradient and
 * optimizer state, the same [n, …] shape) whole, the forward's expert FFN splits a bank over at most
 * `MAX_FORWARD_BINDINGS` bindings. A bank that does not fit is split over devices instead: expert
 * parallelism (the partition pass) gives each of N devices the contiguous [n/N, …] slice of every
 * bank, so the kernels stay the one-device kernels and bind 1/N of the bytes. `bankDevices` is the
 * smallest such N; `checkBankBindings` refuses a program whose slices still exceed the limit, naming
 * the layer, the bank, its bytes, the limit and the `--devices` that fits.
 */
import { consumers } from '../../ir/graph.ts';
import { formatBytes } from '../lower/bank-advice.ts';
import { MAX_BANKS } from '../lower/rules-moe.ts';
import { numel } from '../../ir/types.ts';
import type { MultiDeviceProgram } from './compile.ts';

/** WebGPU's default `maxStorageBufferBindingSize` (every adapter provides it; lavapipe's limit). */
export const DEFAULT_MAX_BINDING_BYTES = 128 * 1024 * 1024;

/** How many bindings the forward expert FFN splits one bank over (compiler/lower/rules-moe.ts). */
export const MAX_FORWARD_BINDINGS = MAX_BANKS;

const size = formatBytes;

/** One expert-sharded input of a device program (a bank or its optimizer state). */
export interface BankSlice {
  /** The input's name, e.g. `moe0.w1` or `opt.vc:moe0.b1`. */
  readonly name: string;
  /** The MoE layer reading it (the name's prefix for optimizer state). */
  readonly layer: string;
  /** Experts of the whole bank, and one device's share. */
  readonly experts: number;
  readonly perDevice: number;
  /** The one-device shape. */
  readonly shape: readonly number[];
  /** Bytes of one device's slice, and of the whole bank. */
  readonly sliceBytes: number;
  readonly bytes: number;
}

/** Every expert-sharded input of `p` (device 0's slices; all devices hold equal slices), largest slice first. */
export function bankSlices(p: MultiDeviceProgram): BankSlice[] {
  const g = p.graphs[0]!;
  const users = consumers(g);
  const out: BankSlice[] = [];
  for (const inp of g.inputs) {
    if (p.inputs[inp.name]?.kind !== 'experts') continue;
    const t = g.values.get(inp.value)!.type;
    const owner = inp.name.includes(':') ? inp.name.slice(inp.name.indexOf(':') + 1) : inp.name;
    const meta = p.partition.expertParams[owner];
    const perDevice = t.shape[0]!;
    const experts = meta?.experts ?? perDevice * p.devices;
    const layer = users.get(inp.value)?.map((n) => n.layer).find((l) => l) ?? owner.split('.')[0]!;
    const sliceBytes = numel(t.shape) * 4;
    out.push({ name: inp.name, layer, experts, perDevice, shape: [experts, ...t.shape.slice(1)], sliceBytes, bytes: (sliceBytes / perDevice) * experts });
  }
  return out.sort((a, b) => b.sliceBytes - a.sliceBytes);
}

/** The bytes one bank slice may take: one binding in training, MAX_FORWARD_BINDINGS in a forward pass. */
export function sliceLimit(bindingBytes: number, training: boolean): number {
  return training ? bindingBytes : MAX_FORWARD_BINDINGS * bindingBytes;
}

/**
 * The smallest device count N (a power of two dividing the experts of every bank and the batch
 * `batch`) whose slices of `banks` fit `limit` bytes each, or null when none does (one expert
 * alone is larger than the limit, or the experts or the batch run out of factors of two).
 */
export function bankDevices(banks: readonly BankSlice[], limit: number, batch: number): number | null {
  const experts = banks.map((b) => b.experts);
  for (let n = 1; experts.every((e) => e % n === 0) && batch % n === 0; n *= 2) {
    if (banks.every((b) => b.bytes / n <= limit)) return n;
  }
  return null;
}

/**
 * Throws when a device of `p` would bind an expert-bank slice larger than the limit (training: one
 * binding of `bindingBytes`; forward: MAX_FORWARD_BINDINGS of them). The message names the layer,
 * the bank, its bytes per device, the limit (`source`, with %s for the size) and the fix.
 */
export function checkBankBindings(p: MultiDeviceProgram, bindingBytes: number, source = 'one storage binding (%s, maxStorageBufferBindingSize)'): void {
  const limit = sliceLimit(bindingBytes, p.training);
  const banks = bankSlices(p);
  const worst = banks[0];
  if (!worst || worst.sliceBytes <= limit) return;
  const n = bankDevices(banks, limit, p.partition.batch);
  const binding = source.replace('%s', size(bindingBytes));
  const over = p.training
    ? `more than ${binding}: training binds each expert bank, its gradient and its optimizer state whole`
    : `more than ${size(limit)}: the forward splits a bank over at most ${MAX_FORWARD_BINDINGS} bindings of ${binding}`;
  const fix =
    n !== null
      ? `split the experts over devices with --devices ${n} (${size(worst.bytes / n)} per device)`
      : `no power-of-two device count dividing the ${worst.experts} experts and the batch B = ${p.partition.batch} brings it under ${size(limit)}: use fewer or smaller experts, or a batch with more factors of two`;
  throw new Error(
    `layer ${worst.layer}: expert bank ${worst.name} [${worst.shape.join(', ')}] takes ${size(worst.sliceBytes)} (${worst.sliceBytes} bytes) on ${p.devices === 1 ? 'one device' : `each of ${p.devices} devices`}, ${over}; ${fix}`,
  );
}
