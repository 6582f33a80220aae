/**
 * Reference semantics of the dense gradient ops emitted by the autodiff pass: zeros, transpose,
 * sumRows (the vjp of biasAdd's bias), the activation vjps reluGrad / sigmoidGrad / tanhGrad /
 * softmaxGrad (each expressed in terms of the forward OUTPUT y, as documented in ir/ops.ts), and the
 * shape vjps scatter0 (of select0) and padLast (of sliceLast). Pure functions over flat row-major
 * arrays with explicit sizes; each element is computed in f64 (JS numbers) and rounded once when
 * stored at `precision`; every sum runs in a fixed order (sumRows: rows in increasing order;
 * softmaxGrad: columns in increasing order), so the results are deterministic and the WGSL kernels
 * can use these functions as their oracle.
 */
import { arrayLike, floatArray, type FloatArray, type Precision, type TensorData } from '../tensor.ts';

type Num = ArrayLike<number>;

function check(what: string, a: Num, n: number): void {
  if (a.length !== n) throw new Error(`${what}: expected ${n} elements, got ${a.length}`);
}

/** A zero float array of `n` elements (op `zeros`; the shape is the caller's). */
export function zerosOf(n: number, precision: Precision = 'f32'): FloatArray {
  if (!(Number.isInteger(n) && n >= 0)) throw new Error(`zeros: element count must be a non-negative integer, got ${n}`);
  return floatArray(n, precision);
}

/** x [M,N] → xᵀ [N,M]. */
export function transpose(x: Num, M: number, N: number, precision: Precision = 'f32'): FloatArray {
  check('transpose input', x, M * N);
  const out = floatArray(M * N, precision);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) out[j * M + i] = x[i * N + j]!;
  return out;
}

/** x viewed as [rows, cols] → [cols], Σ over rows accumulated in f64 in increasing row order. */
export function sumRows(x: Num, rows: number, cols: number, precision: Precision = 'f32'): FloatArray {
  check('sumRows input', x, rows * cols);
  const acc = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) acc[c]! += x[r * cols + c]!;
  const out = floatArray(cols, precision);
  out.set(acc);
  return out;
}

function binary(what: string, y: Num, dy: Num, f: (y: number, dy: number) => number, precision: Precision): FloatArray {
  check(`${what} dy`, dy, y.length);
  const out = floatArray(y.length, precision);
  for (let i = 0; i < y.length; i++) out[i] = f(y[i]!, dy[i]!);
  return out;
}

/** (y = relu(x), dy) → dy·[y > 0] (0 where y ≤ 0 or y is NaN). */
export function reluGrad(y: Num, dy: Num, precision: Precision = 'f32'): FloatArray {
  return binary('reluGrad', y, dy, (yv, d) => (yv > 0 ? d : 0), precision);
}

/** (y = sigmoid(x), dy) → dy·y·(1 − y), computed left to right in f64. */
export function sigmoidGrad(y: Num, dy: Num, precision: Precision = 'f32'): FloatArray {
  return binary('sigmoidGrad', y, dy, (yv, d) => d * yv * (1 - yv), precision);
}

/** (y = tanh(x), dy) → dy·(1 − y²). */
export function tanhGrad(y: Num, dy: Num, precision: Precision = 'f32'): FloatArray {
  return binary('tanhGrad', y, dy, (yv, d) => d * (1 - yv * yv), precision);
}

/**
 * (y = softmax(x) over the last dim, dy), both viewed as [rows, cols] → y·(dy − s) with
 * s = Σ_j y_j·dy_j per row, accumulated in f64 in increasing column order.
 */
export function softmaxGrad(y: Num, dy: Num, rows: number, cols: number, precision: Precision = 'f32'): FloatArray {
  check('softmaxGrad y', y, rows * cols);
  check('softmaxGrad dy', dy, rows * cols);
  const out = floatArray(rows * cols, precision);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += y[r * cols + j]! * dy[r * cols + j]!;
    for (let j = 0; j < cols; j++) out[r * cols + j] = y[r * cols + j]! * (dy[r * cols + j]! - s);
  }
  return out;
}

/**
 * dy [...rest] (numel `inner` = dy.length) → [size, ...rest]: zeros except block `index`, which is
 * dy (the vjp of select0). Works for float and i32 storage (the output has dy's array kind).
 */
export function scatter0<T extends TensorData>(dy: T, size: number, index: number): T {
  if (!(Number.isInteger(size) && size >= 1 && Number.isInteger(index) && index >= 0 && index < size)) {
    throw new Error(`scatter0 index ${index} is out of range [0, ${size})`);
  }
  const out = arrayLike(dy, size * dy.length);
  out.set(dy, index * dy.length);
  return out;
}

/**
 * dy viewed as [rows, end − start] → [rows, n] with dy in columns start..end−1 and zeros elsewhere
 * (the vjp of sliceLast). Works for float and i32 storage.
 */
export function padLast<T extends TensorData>(dy: T, start: number, end: number, n: number): T {
  if (!(Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(n) && 0 <= start && start < end && end <= n)) {
    throw new Error(`padLast: columns [${start}:${end}] do not fit in a last dimension of ${n}`);
  }
  const w = end - start;
  if (dy.length % w !== 0) throw new Error(`padLast: ${dy.length} elements are not rows of ${w}`);
  const rows = dy.length / w;
  const out = arrayLike(dy, rows * n);
  for (let r = 0; r < rows; r++) out.set(dy.subarray(r * w, (r + 1) * w), r * n + start);
  return out;
}
