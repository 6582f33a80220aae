/**
 * Reference semantics of the dense ops: matmul, elementwise arithmetic and activations, softmax
 * over the last dimension and the full sum. Pure functions over flat row-major arrays with
 * explicit sizes; every sum is accumulated in f64 (JS numbers) and rounded once when stored, and
 * results are returned as a Float32Array (precision 'f32', like the GPU) or a Float64Array ('f64').
 * The WebGPU kernel tests call these as their oracle; the interpreter (ir/interpret.ts) wraps them.
 */
import { floatArray, type FloatArray, type Precision } from '../tensor.ts';

type Num = ArrayLike<number>;

function check(what: string, a: Num, n: number): void {
  if (a.length !== n) throw new Error(`${what}: expected ${n} elements, got ${a.length}`);
}

/** a [M,K] · b [K,N] → [M,N]; each dot product accumulated in f64 in increasing K order. */
export function matmul(a: Num, b: Num, M: number, K: number, N: number, precision: Precision = 'f32'): FloatArray {
  check('matmul left operand', a, M * K);
  check('matmul right operand', b, K * N);
  const out = floatArray(M * N, precision);
  const acc = new Float64Array(N);
  for (let i = 0; i < M; i++) {
    acc.fill(0);
    for (let p = 0; p < K; p++) {
      const av = a[i * K + p]!;
      const row = p * N;
      for (let j = 0; j < N; j++) acc[j]! += av * b[row + j]!;
    }
    out.set(acc, i * N);
  }
  return out;
}

/** Applies `f` to every element (computed in f64, rounded once when stored). */
export function map(x: Num, f: (v: number) => number, precision: Precision = 'f32'): FloatArray {
  const out = floatArray(x.length, precision);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
  return out;
}

/** Elementwise a + b (equal lengths). */
export function add(a: Num, b: Num, precision: Precision = 'f32'): FloatArray {
  check('add right operand', b, a.length);
  const out = floatArray(a.length, precision);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + b[i]!;
  return out;
}

/** Elementwise a · b (equal lengths). */
export function mul(a: Num, b: Num, precision: Precision = 'f32'): FloatArray {
  check('mul right operand', b, a.length);
  const out = floatArray(a.length, precision);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! * b[i]!;
  return out;
}

/** Σ of ≥ 1 equal-length arrays, accumulated left to right in f64 and rounded once. */
export function addN(xs: readonly Num[], precision: Precision = 'f32'): FloatArray {
  if (xs.length === 0) throw new Error('addN needs at least one input');
  const n = xs[0]!.length;
  const acc = new Float64Array(n);
  for (const [k, x] of xs.entries()) {
    check(`addN input ${k}`, x, n);
    for (let i = 0; i < n; i++) acc[i]! += x[i]!;
  }
  const out = floatArray(n, precision);
  out.set(acc);
  return out;
}

/** x [..., cols] + b [cols], the bias broadcast over the leading dims. */
export function biasAdd(x: Num, b: Num, cols: number, precision: Precision = 'f32'): FloatArray {
  check('biasAdd bias', b, cols);
  if (cols === 0 ? x.length !== 0 : x.length % cols !== 0) throw new Error(`biasAdd: ${x.length} elements are not rows of ${cols}`);
  const out = floatArray(x.length, precision);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! + b[i % cols]!;
  return out;
}

/** x · value. */
export function scale(x: Num, value: number, precision: Precision = 'f32'): FloatArray {
  return map(x, (v) => v * value, precision);
}

/** max(x, 0) of one number (NaN stays NaN). */
function reluScalar(v: number): number {
  return v > 0 ? v : v === 0 || v < 0 ? 0 : v;
}

/** 1/(1 + e^−x), computed without overflow for either sign. */
export function sigmoidScalar(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** log(1 + e^x) = max(x,0) + log1p(e^−|x|) (stable for large |x|). */
export function softplusScalar(v: number): number {
  return Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
}

/** Elementwise max(x, 0). */
export function relu(x: Num, precision: Precision = 'f32'): FloatArray {
  return map(x, reluScalar, precision);
}

/** Elementwise logistic sigmoid. */
export function sigmoid(x: Num, precision: Precision = 'f32'): FloatArray {
  return map(x, sigmoidScalar, precision);
}

/** Elementwise tanh. */
export function tanh(x: Num, precision: Precision = 'f32'): FloatArray {
  return map(x, Math.tanh, precision);
}

/** Elementwise stable softplus. */
export function softplus(x: Num, precision: Precision = 'f32'): FloatArray {
  return map(x, softplusScalar, precision);
}

/**
 * Softmax of one row `x[start .. start+cols)` written to `out[outStart ..]`: max-subtracted, with
 * e_j = 1 when x_j equals the row max (so a row of +∞ or of −∞ entries splits evenly instead of
 * giving NaN; identical to exp(x_j − max) for finite rows). Sum accumulated in f64.
 */
export function softmaxRowInto(x: Num, start: number, cols: number, out: FloatArray, outStart: number): void {
  let m = -Infinity;
  for (let j = 0; j < cols; j++) m = Math.max(m, x[start + j]!);
  const e = new Float64Array(cols);
  let s = 0;
  for (let j = 0; j < cols; j++) {
    const v = x[start + j]!;
    e[j] = v === m ? 1 : Math.exp(v - m);
    s += e[j]!;
  }
  for (let j = 0; j < cols; j++) out[outStart + j] = e[j]! / s;
}

/** Softmax over the last dimension of x viewed as [rows, cols]. */
export function softmaxRows(x: Num, rows: number, cols: number, precision: Precision = 'f32'): FloatArray {
  check('softmax input', x, rows * cols);
  const out = floatArray(rows * cols, precision);
  for (let r = 0; r < rows; r++) softmaxRowInto(x, r * cols, cols, out, r * cols);
  return out;
}

/** Σ of all elements, accumulated in f64 in index order (returned unrounded). */
export function sum(x: Num): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s;
}
