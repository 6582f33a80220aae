/**
 * Shape rules of the multi-device ops (see ir/ops.ts, "several devices"): the sharded random draws
 * and the collectives. Kept apart from ir/infer.ts, whose rule table spreads this one in. Every
 * error names the node (through `fail`), the shapes it got and what would fit.
 */
import type { OpParams } from './ops.ts';
import { formatType, tensorType, type TensorType } from './types.ts';

type Fail = (msg: string) => never;
type Rule<O extends keyof OpParams> = (p: OpParams[O], ins: readonly TensorType[], fail: Fail) => TensorType[];

function rowMap(p: { rowBlock: number; rowStride: number; shardOffset: number }, fail: Fail): void {
  if (!Number.isInteger(p.rowBlock) || p.rowBlock < 1) fail(`rowBlock must be a positive integer, got ${p.rowBlock}`);
  if (!Number.isInteger(p.rowStride) || p.rowStride < p.rowBlock) fail(`rowStride must be an integer ≥ rowBlock ${p.rowBlock}, got ${p.rowStride}`);
  if (!Number.isInteger(p.shardOffset) || p.shardOffset < 0) fail(`shardOffset must be a non-negative integer, got ${p.shardOffset}`);
}

function devices(p: { devices: number; device?: number; experts?: number }, fail: Fail): number {
  if (!Number.isInteger(p.devices) || p.devices < 1) fail(`devices must be a positive integer, got ${p.devices}`);
  if (p.device !== undefined && !(Number.isInteger(p.device) && p.device >= 0 && p.device < p.devices)) fail(`device must be in [0, ${p.devices}), got ${p.device}`);
  if (p.experts === undefined) return 0;
  if (!Number.isInteger(p.experts) || p.experts < 1 || p.experts % p.devices !== 0) {
    fail(`${p.experts} experts cannot be split evenly over ${p.devices} devices; use a device count that divides the expert count`);
  }
  return p.experts / p.devices;
}

function i32Vector(t: TensorType | undefined, n: number | undefined, what: string, fail: Fail): void {
  if (!t || t.dtype !== 'i32' || t.shape.length !== 1 || (n !== undefined && t.shape[0] !== n)) fail(`${what} must be i32[${n ?? 'S'}], got ${t ? formatType(t) : 'nothing'}`);
}

/** The rules, spread into ir/infer.ts's table. */
export const MULTI_DEVICE_SHAPE_RULES: {
  [O in 'shardRandomNormal' | 'shardDropout' | 'allToAllDispatch' | 'allToAllReturn' | 'allReduceSum' | 'hierLoadCombine' | 'allGatherRows' | 'shardRows' | 'padShardRows']: Rule<O>;
} = {
  shardRandomNormal: (p, ins, fail) => {
    if (ins.length !== 0) fail(`expects no inputs, got ${ins.length}`);
    if (p.shape.length !== 2) fail(`shardRandomNormal draws a [rows, cols] matrix, got shape [${p.shape.join(', ')}]`);
    if (!Number.isInteger(p.rowOffset) || p.rowOffset < 0) fail(`rowOffset must be a non-negative integer, got ${p.rowOffset}`);
    rowMap(p, fail);
    return [tensorType('f32', p.shape)];
  },
  shardDropout: (p, ins, fail) => {
    if (!(p.rate >= 0 && p.rate < 1)) fail(`dropout rate must be in [0, 1), got ${p.rate}`);
    rowMap(p, fail);
    if (ins.length !== 1 || ins[0]!.dtype !== 'f32') fail(`expects one f32 input, got ${ins.map(formatType).join(', ')}`);
    return [ins[0]!];
  },
  allToAllDispatch: (p, ins, fail) => {
    const m = devices(p, fail);
    if (ins.length !== 3) fail(`expects 3 inputs (${p.gather ? 'x' : 'rows'}, sourceRow, offsets), got ${ins.length}`);
    if (!(Number.isInteger(p.rowBlock) && p.rowBlock >= 1 && Number.isInteger(p.blocks) && p.blocks >= 1)) fail(`rowBlock and blocks must be positive integers, got ${p.rowBlock}, ${p.blocks}`);
    const x = ins[0]!;
    if (x.dtype !== 'f32' || x.shape.length !== 2) fail(`rows must be f32 [rows, width], got ${formatType(x)}`);
    i32Vector(ins[1], p.gather ? undefined : x.shape[0], 'sourceRow', fail);
    const S = ins[1]!.shape[0]!;
    i32Vector(ins[2], p.experts + 1, 'offsets', fail);
    const cap = p.devices * S;
    return [tensorType('f32', [cap, x.shape[1]!]), tensorType('i32', [cap, 1]), tensorType('i32', [p.devices, m * p.blocks])];
  },
  allToAllReturn: (p, ins, fail) => {
    const m = devices(p, fail);
    if (ins.length !== 3) fail(`expects 3 inputs (rows, counts, offsets), got ${ins.length}`);
    const [rows, counts] = ins as [TensorType, TensorType];
    if (rows.dtype !== 'f32' || rows.shape.length !== 2 || rows.shape[0]! % p.devices !== 0) fail(`rows must be f32 [devices·S, width], got ${formatType(rows)}`);
    if (counts.dtype !== 'i32' || counts.shape.length !== 2 || counts.shape[0] !== p.devices || counts.shape[1]! % m !== 0 || counts.shape[1] === 0) fail(`counts must be i32[${p.devices}, ${m}·blocks], got ${formatType(counts)}`);
    i32Vector(ins[2], p.experts + 1, 'offsets', fail);
    return [tensorType('f32', [rows.shape[0]! / p.devices, rows.shape[1]!])];
  },
  allReduceSum: (p, ins, fail) => {
    devices(p, fail);
    if (ins.length !== 1 || ins[0]!.dtype !== 'f32') fail(`expects one f32 input, got ${ins.map(formatType).join(', ')}`);
    return [ins[0]!];
  },
  hierLoadCombine: (p, ins, fail) => {
    if (ins.length !== 3) fail(`expects 3 inputs (primaryLoad, L, c), got ${ins.length}`);
    const [pl, L, c] = ins as [TensorType, TensorType, TensorType];
    const vec = (t: TensorType, n: number) => t.dtype === 'f32' && t.shape.length === 1 && t.shape[0] === n;
    if (!vec(pl, p.a) || !vec(L, p.a * p.b) || !vec(c, p.a)) fail(`inputs must be f32[${p.a}], f32[${p.a * p.b}], f32[${p.a}]; got ${ins.map(formatType).join(', ')}`);
    return [tensorType('f32', [p.a * p.b])];
  },
  allGatherRows: (p, ins, fail) => {
    devices(p, fail);
    rowMap(p, fail);
    if (ins.length !== 1 || ins[0]!.shape.length < 1) fail(`expects one input with rows, got ${ins.map(formatType).join(', ')}`);
    const x = ins[0]!;
    if (x.shape[0]! % p.rowBlock !== 0 || p.rowStride !== p.rowBlock * p.devices) fail(`rows ${x.shape[0]} must be a multiple of rowBlock ${p.rowBlock}, and rowStride ${p.rowStride} = rowBlock · devices`);
    return [tensorType(x.dtype, [x.shape[0]! * p.devices, ...x.shape.slice(1)])];
  },
  shardRows: (p, ins, fail) => {
    rowMap(p, fail);
    if (ins.length !== 1 || ins[0]!.shape.length < 1) fail(`expects one input with rows, got ${ins.map(formatType).join(', ')}`);
    const x = ins[0]!;
    if (x.shape[0]! % p.rowStride !== 0) fail(`rows ${x.shape[0]} must be a multiple of rowStride ${p.rowStride}`);
    return [tensorType(x.dtype, [(x.shape[0]! / p.rowStride) * p.rowBlock, ...x.shape.slice(1)])];
  },
  padShardRows: (p, ins, fail) => {
    rowMap(p, fail);
    if (ins.length !== 1 || ins[0]!.dtype !== 'f32' || ins[0]!.shape.length < 1) fail(`expects one f32 input with rows, got ${ins.map(formatType).join(', ')}`);
    const x = ins[0]!;
    if (p.rows % p.rowStride !== 0 || (p.rows / p.rowStride) * p.rowBlock !== x.shape[0]) fail(`rows ${p.rows} do not hold ${x.shape[0]} local rows of block ${p.rowBlock} per ${p.rowStride}`);
    return [tensorType('f32', [p.rows, ...x.shape.slice(1)])];
  },
};
