/**
 * Element types and tensor types of the moec IR. A tensor type is a dtype plus a static shape;
 * every shape in moec is known at compile time (the paper's models have fixed T, B, widths), which
 * is what lets the planner lay out memory statically. Scalars have shape [].
 */

/** Element type of a tensor. `i32` is used for token ids, expert indices and offsets. */
export type DType = 'f32' | 'i32';

/** A statically shaped tensor type. */
export interface TensorType {
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** Builds a tensor type, checking that every dimension is a non-negative integer. */
export function tensorType(dtype: DType, shape: readonly number[]): TensorType {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new Error(`invalid shape [${shape.join(', ')}]: dimensions must be non-negative integers`);
    }
  }
  return { dtype, shape: [...shape] };
}

/** Number of elements of a shape (1 for a scalar). */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Bytes taken by one element of a dtype. */
function dtypeBytes(_dtype: DType): number {
  return 4;
}

/** Bytes taken by a tensor of this type. */
export function typeBytes(t: TensorType): number {
  return numel(t.shape) * dtypeBytes(t.dtype);
}

/** True when two shapes are equal. */
export function shapeEq(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** True when two tensor types are equal. */
export function typeEq(a: TensorType, b: TensorType): boolean {
  return a.dtype === b.dtype && shapeEq(a.shape, b.shape);
}

/** Stable text form, e.g. `f32[8,64]`, `i32[]`. */
export function formatType(t: TensorType): string {
  return `${t.dtype}[${t.shape.join(',')}]`;
}

/** Stable text form of a shape, e.g. `[8, 64]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
