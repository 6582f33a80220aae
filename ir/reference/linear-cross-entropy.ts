/**
 * Reference semantics of the fused output projection + softmax cross-entropy, written from the
 * equations (not from the chunked GPU lowering): for rows r of h [N,D] with logits
 * z_r = h_r·w + b (w [D,V], b [V]) the loss is the mean over rows of logsumexp(z_r) − z_r[label_r],
 * and its vjp with G_r = (softmax(z_r) − onehot(label_r))·dloss/N is dh = G·wᵀ, dw = hᵀ·G,
 * db = Σ_r G_r. Every sum is accumulated in f64 (the logits too, never rounded) and rounded once
 * when stored; the softmax follows `softmaxCrossEntropy`'s convention (max-subtracted, an element
 * equal to the row max contributes exactly 1). A label outside [0, V) throws naming the row.
 */
import { floatArray, type FloatArray, type Precision } from '../tensor.ts';

type Num = ArrayLike<number>;

function check(what: string, a: Num, n: number): void {
  if (a.length !== n) throw new Error(`linearCrossEntropy ${what}: expected ${n} elements, got ${a.length}`);
}

function checkLabel(label: number, r: number, V: number): void {
  if (!(Number.isInteger(label) && label >= 0 && label < V)) {
    throw new Error(`label ${label} in row ${r} is out of range [0, ${V}) for ${V} classes`);
  }
}

/** z = h_r·w + b for row r, in f64, into `z` [V]. */
function logitsRow(h: Num, w: Num, b: Num, r: number, D: number, V: number, z: Float64Array): void {
  for (let j = 0; j < V; j++) z[j] = b[j]!;
  for (let d = 0; d < D; d++) {
    const hv = h[r * D + d]!;
    const row = d * V;
    for (let j = 0; j < V; j++) z[j]! += hv * w[row + j]!;
  }
}

/** Row max m, the exponentials e_j = exp(z_j − m) (1 at the max) into `e`, and Σ e. */
function rowSoftmaxTerms(z: Float64Array, V: number, e: Float64Array): { m: number; s: number } {
  let m = -Infinity;
  for (let j = 0; j < V; j++) m = Math.max(m, z[j]!);
  let s = 0;
  for (let j = 0; j < V; j++) {
    e[j] = z[j] === m ? 1 : Math.exp(z[j]! - m);
    s += e[j]!;
  }
  return { m, s };
}

/**
 * (h [N,D], w [D,V], b [V], labels [N]) → mean over rows of logsumexp(h_r·w + b) − (h_r·w + b)[label].
 * N = 0 gives 0.
 */
export function linearCrossEntropy(h: Num, w: Num, b: Num, labels: Num, N: number, D: number, V: number): number {
  check('h', h, N * D);
  check('w', w, D * V);
  check('b', b, V);
  check('labels', labels, N);
  const z = new Float64Array(V);
  const e = new Float64Array(V);
  let total = 0;
  for (let r = 0; r < N; r++) {
    const label = labels[r]!;
    checkLabel(label, r, V);
    logitsRow(h, w, b, r, D, V, z);
    const { m, s } = rowSoftmaxTerms(z, V, e);
    const lv = z[label]!;
    total += Math.log(s) - (lv === m ? 0 : lv - m);
  }
  return N === 0 ? 0 : total / N;
}

/** The three gradients of linearCrossEntropy. */
export interface LinearCrossEntropyGrads {
  readonly dh: FloatArray;
  readonly dw: FloatArray;
  readonly db: FloatArray;
}

/**
 * The vjp of linearCrossEntropy: with G_r = (softmax(z_r) − onehot(label_r))·dloss/N,
 * dh = G·wᵀ [N,D], dw = hᵀ·G [D,V] (rows summed in order), db = Σ_r G_r [V].
 */
export function linearCrossEntropyGrad(h: Num, w: Num, b: Num, labels: Num, dloss: number, N: number, D: number, V: number, precision: Precision = 'f32'): LinearCrossEntropyGrads {
  check('h', h, N * D);
  check('w', w, D * V);
  check('b', b, V);
  check('labels', labels, N);
  const dh = floatArray(N * D, precision);
  const dw = new Float64Array(D * V);
  const db = new Float64Array(V);
  const z = new Float64Array(V);
  const e = new Float64Array(V);
  const scale = N === 0 ? 0 : dloss / N;
  for (let r = 0; r < N; r++) {
    const label = labels[r]!;
    checkLabel(label, r, V);
    logitsRow(h, w, b, r, D, V, z);
    const { s } = rowSoftmaxTerms(z, V, e);
    for (let j = 0; j < V; j++) e[j] = (e[j]! / s - (j === label ? 1 : 0)) * scale; // e now holds G_r
    for (let d = 0; d < D; d++) {
      const row = d * V;
      const hv = h[r * D + d]!;
      let acc = 0;
      for (let j = 0; j < V; j++) {
        acc += e[j]! * w[row + j]!;
        dw[row + j]! += hv * e[j]!;
      }
      dh[r * D + d] = acc;
    }
    for (let j = 0; j < V; j++) db[j]! += e[j]!;
  }
  const round = (v: Float64Array): FloatArray => {
    const o = floatArray(v.length, precision);
    o.set(v);
    return o;
  };
  return { dh, dw: round(dw), db: round(db) };
}
