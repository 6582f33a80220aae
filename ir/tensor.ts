/**
 * Runtime tensors of the CPU reference: a tensor type plus a flat row-major typed array. `f32`
 * tensors hold a Float32Array when the interpreter runs at f32 precision (every intermediate
 * rounded to f32, like the GPU) or a Float64Array at f64 precision (for finite-difference gradient
 * checks); `i32` tensors always hold an Int32Array. Also: constructors and a tolerance compare
 * (`allClose`) shared by tests and the kernel oracles.
 */
import { formatType, numel, tensorType, type DType, type TensorType } from './types.ts';

/** Float storage of the reference: Float32Array at f32 precision, Float64Array at f64. */
export type FloatArray = Float32Array | Float64Array;
/** Storage of any tensor. */
export type TensorData = Float32Array | Float64Array | Int32Array;
/** Storage precision of float tensors. */
export type Precision = 'f32' | 'f64';

/** A runtime tensor: its static type and its elements, row-major. */
export interface Tensor {
  readonly type: TensorType;
  readonly data: TensorData;
}

/** A zero-filled float array of `n` elements at `precision`. */
export function floatArray(n: number, precision: Precision = 'f32'): FloatArray {
  return precision === 'f64' ? new Float64Array(n) : new Float32Array(n);
}

/** A zero-filled array of the same kind as `like`, with `n` elements. */
export function arrayLike<T extends TensorData>(like: T, n: number): T {
  if (like instanceof Int32Array) return new Int32Array(n) as T;
  if (like instanceof Float64Array) return new Float64Array(n) as T;
  return new Float32Array(n) as T;
}

/** A zero tensor of type `t` (float storage at `precision`). */
export function zeros(t: TensorType, precision: Precision = 'f32'): Tensor {
  const n = numel(t.shape);
  return { type: t, data: t.dtype === 'i32' ? new Int32Array(n) : floatArray(n, precision) };
}

/**
 * A tensor of dtype/shape from values (row-major). Throws when the count does not match the shape
 * or an i32 value is not an integer in the i32 range.
 */
export function fromArray(dtype: DType, shape: readonly number[], values: ArrayLike<number>, precision: Precision = 'f32'): Tensor {
  const type = tensorType(dtype, shape);
  const n = numel(shape);
  if (values.length !== n) {
    throw new Error(`fromArray: ${formatType(type)} needs ${n} values, got ${values.length}`);
  }
  const t = zeros(type, precision);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (dtype === 'i32' && !(Number.isInteger(v) && v >= -2147483648 && v <= 2147483647)) {
      throw new Error(`fromArray: element ${i} of ${formatType(type)} is ${v}, not a 32-bit integer`);
    }
    t.data[i] = v;
  }
  return t;
}

/** A scalar f32 tensor. */
export function scalar(v: number, precision: Precision = 'f32'): Tensor {
  return fromArray('f32', [], [v], precision);
}

/** Describes why a tensor's storage does not fit its type, or returns undefined when it does. */
export function storageMismatch(t: Tensor): string | undefined {
  const n = numel(t.type.shape);
  if (t.type.dtype === 'i32' && !(t.data instanceof Int32Array)) {
    return `${formatType(t.type)} needs an Int32Array, got ${t.data.constructor.name}`;
  }
  if (t.type.dtype === 'f32' && !(t.data instanceof Float32Array || t.data instanceof Float64Array)) {
    return `${formatType(t.type)} needs a Float32Array or Float64Array, got ${t.data.constructor.name}`;
  }
  if (t.data.length !== n) return `${formatType(t.type)} needs ${n} elements, got ${t.data.length}`;
  return undefined;
}

/** Result of `allClose`. */
export interface CloseReport {
  readonly ok: boolean;
  /** Largest |a − b|. */
  readonly maxAbs: number;
  /** Index of the worst element (largest excess over the tolerance), −1 when empty. */
  readonly worst: number;
  /** Human-readable summary naming the worst element. */
  readonly message: string;
}

/**
 * Elementwise |a − b| ≤ atol + rtol·|b| (numpy's rule), NaN equal only to NaN, ±∞ only to itself.
 * Lengths must match. Defaults: rtol 1e-5, atol 1e-6.
 */
export function allClose(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  tol: { rtol?: number; atol?: number } = {},
): CloseReport {
  const rtol = tol.rtol ?? 1e-5;
  const atol = tol.atol ?? 1e-6;
  if (a.length !== b.length) {
    return { ok: false, maxAbs: Infinity, worst: -1, message: `lengths differ: ${a.length} vs ${b.length}` };
  }
  let ok = true;
  let maxAbs = 0;
  let worst = -1;
  let worstExcess = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    let excess: number;
    if (Number.isNaN(x) || Number.isNaN(y)) excess = Number.isNaN(x) && Number.isNaN(y) ? -Infinity : Infinity;
    else if (!Number.isFinite(x) || !Number.isFinite(y)) excess = x === y ? -Infinity : Infinity;
    else {
      const d = Math.abs(x - y);
      maxAbs = Math.max(maxAbs, d);
      excess = d - (atol + rtol * Math.abs(y));
    }
    if (excess > 0) ok = false;
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  const message = ok
    ? `all ${a.length} elements close (max |diff| ${maxAbs})`
    : `element ${worst}: ${a[worst]} vs ${b[worst]} (rtol ${rtol}, atol ${atol}); max |diff| ${maxAbs}`;
  return { ok, maxAbs, worst, message };
}
