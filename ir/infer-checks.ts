/**
 * The small checks shared by the shape-rule tables (ir/infer.ts and the per-family rule files it
 * spreads in): arity, rank, dtype, equal types, dispatch offsets, and f32/i32 type constructors.
 * Each check calls `fail` (which names the node) with what it got and what would fit.
 */
import { formatType, shapeEq, tensorType, type DType, type TensorType } from './types.ts';

/** An f32 tensor type. */
export const f32 = (shape: readonly number[]): TensorType => tensorType('f32', shape);
/** An i32 tensor type. */
export const i32 = (shape: readonly number[]): TensorType => tensorType('i32', shape);

/** Fails unless there are min..max inputs. */
export function arity(ins: readonly TensorType[], min: number, max: number, fail: (m: string) => never): void {
  if (ins.length < min || ins.length > max) {
    fail(`expects ${min === max ? min : `${min} to ${max}`} inputs, got ${ins.length}`);
  }
}

/** Fails unless `t` has rank r. */
export function rank(t: TensorType, r: number, what: string, fail: (m: string) => never): void {
  if (t.shape.length !== r) fail(`${what} must have rank ${r}, got ${formatType(t)}`);
}

/** Fails unless `t` has dtype d. */
export function dtype(t: TensorType, d: DType, what: string, fail: (m: string) => never): void {
  if (t.dtype !== d) fail(`${what} must be ${d}, got ${formatType(t)}`);
}

/** Fails unless every input has the first one's type; returns it. */
export function sameAll(ins: readonly TensorType[], fail: (m: string) => never): TensorType {
  const first = ins[0]!;
  for (const t of ins) {
    if (t.dtype !== first.dtype || !shapeEq(t.shape, first.shape)) {
      fail(`inputs must have equal types, got ${ins.map(formatType).join(' and ')}`);
    }
  }
  return first;
}

/** Checks a dispatch's offsets [n+1] for a bank of n experts. */
export function expertOffsets(off: TensorType, n: number, fail: (m: string) => never): void {
  if (off.dtype !== 'i32' || !shapeEq(off.shape, [n + 1])) fail(`dispatch offsets ${formatType(off)} must be i32[${n + 1}] (one more than the ${n} experts of the bank)`);
}

