/**
 * Reference semantics of the shape ops: reshape, select0, stack0 and sliceLast. They only move
 * elements (row-major), never change them, and work for float and i32 storage alike; each returns
 * a fresh array of the same kind as its input so no tensor aliases another.
 */
import { arrayLike, type TensorData } from '../tensor.ts';

/** Same elements (copied), new shape: row-major order is unchanged. */
export function reshape<T extends TensorData>(x: T): T {
  return x.slice() as T;
}

/** x [T, ...rest] → x[index], where `inner` = numel(rest). */
export function select0<T extends TensorData>(x: T, T0: number, inner: number, index: number): T {
  if (!Number.isInteger(index) || index < 0 || index >= T0) throw new Error(`select0 index ${index} out of range [0, ${T0})`);
  if (x.length !== T0 * inner) throw new Error(`select0: expected ${T0 * inner} elements, got ${x.length}`);
  return x.slice(index * inner, (index + 1) * inner) as T;
}

/** k equal-length arrays → their concatenation, i.e. [k, ...s]. */
export function stack0<T extends TensorData>(xs: readonly T[]): T {
  if (xs.length === 0) throw new Error('stack0 needs at least one input');
  const inner = xs[0]!.length;
  const out = arrayLike(xs[0]!, inner * xs.length);
  for (const [k, x] of xs.entries()) {
    if (x.length !== inner) throw new Error(`stack0 input ${k} has ${x.length} elements, expected ${inner}`);
    out.set(x, k * inner);
  }
  return out;
}

/** x viewed as [rows, n] → x[:, start:end] as [rows, end − start]. */
export function sliceLast<T extends TensorData>(x: T, n: number, start: number, end: number): T {
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start < end && end <= n)) {
    throw new Error(`sliceLast [${start}:${end}] out of range for last dimension ${n}`);
  }
  const rows = n === 0 ? 0 : x.length / n;
  const w = end - start;
  const out = arrayLike(x, rows * w);
  for (let r = 0; r < rows; r++) out.set(x.subarray(r * n + start, r * n + end), r * w);
  return out;
}
