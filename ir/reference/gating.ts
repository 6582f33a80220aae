/**
 * Reference semantics of noisy top-k gating and its balancing losses (Shazeer et al. 2017,
 * Eq. 3-11): the noise scale (softplus + eps in training, exactly 0 in evaluation), standard
 * normal draws from the counter-based RNG, top-k with ties to the lower index, the fused gating op
 * (clean/noisy logits, top-(k+1), softmax over the top k), the smooth load estimator built on Φ,
 * importance and CV². The fused `gatingForward` is defined as the exact composition of the unfused
 * pieces (matmul, noiseStd, randomNormal, mul, add, topk, sliceLast, softmax), each result stored
 * at the working precision, so fusing the gating in a pass changes no bit.
 */
import { normalDraw } from '../rng.ts';
import { floatArray, type FloatArray, type Precision } from '../tensor.ts';
import { matmul, softmaxRowInto, softplusScalar } from './dense.ts';
import { normalCdf } from './normal-cdf.ts';

type Num = ArrayLike<number>;

/** The epsilon of CV² = var/(mean² + CV_EPS) (as in tensor2tensor's cv_squared). */
export const CV_EPS = 1e-10;

/** Noise scale (paper Eq. 4): training → softplus(x) + eps elementwise; evaluation → exactly 0. */
export function noiseStd(x: Num, eps: number, training: boolean, precision: Precision = 'f32'): FloatArray {
  const out = floatArray(x.length, precision);
  if (!training) return out;
  for (let i = 0; i < x.length; i++) out[i] = softplusScalar(x[i]!) + eps;
  return out;
}

/** Where a block of random draws sits in the RNG's counter space. */
export interface DrawSite {
  seed: number;
  step: number;
  stream: number;
  /** Added to the local row index (rows batched over time keep their draws). */
  rowOffset: number;
}

/** Standard normal draws [rows, cols]: element (r, c) = normalDraw(seed, stream, step, rowOffset + r, c). */
export function randomNormal(rows: number, cols: number, site: DrawSite, precision: Precision = 'f32'): FloatArray {
  const out = floatArray(rows * cols, precision);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out[r * cols + c] = normalDraw({ seed: site.seed, stream: site.stream, step: site.step, row: site.rowOffset + r, col: c });
    }
  }
  return out;
}

/**
 * The top-k order: (va, ia) comes before (vb, ib) when va > vb, or va = vb and ia < ib
 * (a stable sort by (−value, index)). NaN sorts after every number (ties among NaNs → lower
 * index); −0 and +0 tie.
 */
export function topkBefore(va: number, ia: number, vb: number, ib: number): boolean {
  const na = va !== va;
  const nb = vb !== vb;
  if (na || nb) return na === nb ? ia < ib : nb;
  return va > vb || (va === vb && ia < ib);
}

/** Result of `topkRows`: values [N,k] descending and their column indices [N,k]. */
export interface TopK {
  values: FloatArray;
  indices: Int32Array;
}

/** Top-k along each row of x [N,n] (1 ≤ k ≤ n), ties → lower index; O(N·n·k) insertion. */
export function topkRows(x: Num, N: number, n: number, k: number, precision: Precision = 'f32'): TopK {
  if (!Number.isInteger(k) || k < 1 || k > n) throw new Error(`top-k needs an integer k in [1, ${n}], got ${k}`);
  if (x.length !== N * n) throw new Error(`top-k input: expected ${N * n} elements for [${N},${n}], got ${x.length}`);
  const values = floatArray(N * k, precision);
  const indices = new Int32Array(N * k);
  const bv = new Float64Array(k);
  const bi = new Int32Array(k);
  for (let r = 0; r < N; r++) {
    let len = 0;
    for (let c = 0; c < n; c++) {
      const v = x[r * n + c]!;
      if (len === k && !topkBefore(v, c, bv[k - 1]!, bi[k - 1]!)) continue;
      let p = len < k ? len++ : k - 1;
      while (p > 0 && topkBefore(v, c, bv[p - 1]!, bi[p - 1]!)) {
        bv[p] = bv[p - 1]!;
        bi[p] = bi[p - 1]!;
        p--;
      }
      bv[p] = v;
      bi[p] = c;
    }
    for (let j = 0; j < k; j++) {
      values[r * k + j] = bv[j]!;
      indices[r * k + j] = bi[j]!;
    }
  }
  return { values, indices };
}

/** Inputs of the fused gating (op `gating`). */
export interface GatingArgs {
  /** [N,D] rows to route. */
  x: Num;
  /** [D,n] gate weights Wg. */
  wg: Num;
  /** [D,n] noise weights Wnoise; required when `noisy`. */
  wn?: Num;
  /** [N,n] explicit standard-normal noise; when absent (and noisy, training) drawn from the RNG. */
  noise?: Num;
  N: number;
  D: number;
  n: number;
  k: number;
  eps: number;
  noisy: boolean;
  training: boolean;
  seed: number;
  step: number;
  stream: number;
  rowOffset: number;
}

/** Outputs of the fused gating. */
export interface GatingResult {
  /** i32 [N,k], the selected experts, by descending noisy logit. */
  indices: Int32Array;
  /** [N,k], softmax over the k selected noisy logits. */
  gates: FloatArray;
  /** [N,n], x·Wg. */
  clean: FloatArray;
  /** [N,n], noise scale (0 when not noisy or not training). */
  sigma: FloatArray;
  /** [N, min(k+1, n)], the top k+1 noisy logits, descending. */
  topValues: FloatArray;
  /** [N,n], clean + noise·sigma. */
  noisy: FloatArray;
}

/**
 * Noisy top-k gating (paper Eq. 3-5): clean = x·Wg; sigma = noiseStd(x·Wn) (0 when not noisy or in
 * evaluation); noisy = clean + noise·sigma (the product and the sum each stored at `precision`;
 * with sigma = 0 the noisy logits equal the clean ones and no noise is drawn); top-(min(k+1,n)) of
 * noisy; gates = softmax of the first k top values.
 */
export function gatingForward(a: GatingArgs, precision: Precision = 'f32'): GatingResult {
  const { x, wg, wn, noise, N, D, n, k } = a;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new Error(`gating needs an integer k in [1, ${n}] for ${n} experts, got ${k}`);
  if (x.length !== N * D) throw new Error(`gating input x: expected ${N * D} elements for [${N},${D}], got ${x.length}`);
  if (wg.length !== D * n) throw new Error(`gate weights: expected ${D * n} elements for [${D},${n}], got ${wg.length}`);
  if (a.noisy && !wn) throw new Error('noisy gating needs noise weights wn [D,n]');
  if (wn && wn.length !== D * n) throw new Error(`noise weights: expected ${D * n} elements for [${D},${n}], got ${wn.length}`);
  if (noise && noise.length !== N * n) throw new Error(`explicit noise: expected ${N * n} elements for [${N},${n}], got ${noise.length}`);
  const clean = matmul(x, wg, N, D, n, precision);
  const useNoise = a.noisy && a.training;
  const sigma = useNoise ? noiseStd(matmul(x, wn!, N, D, n, precision), a.eps, true, precision) : floatArray(N * n, precision);
  let noisy: FloatArray;
  if (useNoise) {
    const z = noise ?? randomNormal(N, n, { seed: a.seed, step: a.step, stream: a.stream, rowOffset: a.rowOffset }, precision);
    const prod = floatArray(N * n, precision);
    for (let i = 0; i < N * n; i++) prod[i] = z[i]! * sigma[i]!;
    noisy = floatArray(N * n, precision);
    for (let i = 0; i < N * n; i++) noisy[i] = clean[i]! + prod[i]!;
  } else {
    noisy = clean.slice();
  }
  const kk = Math.min(k + 1, n);
  const top = topkRows(noisy, N, n, kk, precision);
  const indices = new Int32Array(N * k);
  const gates = floatArray(N * k, precision);
  for (let r = 0; r < N; r++) {
    for (let j = 0; j < k; j++) indices[r * k + j] = top.indices[r * kk + j]!;
    softmaxRowInto(top.values, r * kk, k, gates, r * k);
  }
  return { indices, gates, clean, sigma, topValues: top.values, noisy };
}

/** Inputs of the smooth load estimator. */
export interface LoadArgs {
  clean: Num;
  sigma: Num;
  /** [N, min(k+1, n)] top noisy values, descending. */
  topValues: Num;
  /** i32 [N,k] selected experts. */
  indices: Num;
  N: number;
  n: number;
  k: number;
}

/**
 * P(x, i) of the smooth load estimator (paper Eq. 9) for one entry. thr is the (k+1)-th top value
 * for a selected expert and the k-th otherwise; P = Φ((clean − thr)/sigma) when sigma > 0, else the
 * step (clean ≥ thr when selected, clean > thr otherwise). With k = n every expert is selected and
 * there is no (k+1)-th value: P = 1.
 */
export function loadProbability(clean: number, sigma: number, selected: boolean, thrIn: number | undefined, thrOut: number): number {
  if (selected) {
    if (thrIn === undefined) return 1;
    return sigma > 0 ? normalCdf((clean - thrIn) / sigma) : clean >= thrIn ? 1 : 0;
  }
  return sigma > 0 ? normalCdf((clean - thrOut) / sigma) : clean > thrOut ? 1 : 0;
}

/** Load [n] = Σ_x P(x, i) (paper Eq. 10), summed over rows in f64. Throws on an index ∉ [0,n). */
export function loadEstimate(a: LoadArgs, precision: Precision = 'f32'): FloatArray {
  const { clean, sigma, topValues, indices, N, n, k } = a;
  const kk = Math.min(k + 1, n);
  if (clean.length !== N * n || sigma.length !== N * n) throw new Error(`load estimator: clean and sigma must have ${N * n} elements`);
  if (topValues.length !== N * kk) throw new Error(`load estimator: topValues must have ${N * kk} elements ([${N},${kk}]), got ${topValues.length}`);
  if (indices.length !== N * k) throw new Error(`load estimator: indices must have ${N * k} elements ([${N},${k}]), got ${indices.length}`);
  const acc = new Float64Array(n);
  const selected = new Uint8Array(n);
  for (let r = 0; r < N; r++) {
    selected.fill(0);
    for (let j = 0; j < k; j++) {
      const e = indices[r * k + j]!;
      if (!(Number.isInteger(e) && e >= 0 && e < n)) throw new Error(`expert index ${e} at [${r},${j}] is out of range [0, ${n})`);
      selected[e] = 1;
    }
    const thrIn = k < n ? topValues[r * kk + k]! : undefined;
    const thrOut = topValues[r * kk + k - 1]!;
    for (let i = 0; i < n; i++) {
      acc[i]! += loadProbability(clean[r * n + i]!, sigma[r * n + i]!, selected[i] === 1, thrIn, thrOut);
    }
  }
  const out = floatArray(n, precision);
  out.set(acc);
  return out;
}

/** Importance [n] = Σ_x gate(x, i) (paper Eq. 6), in row then j order, f64; index −1 (no expert) is skipped. Throws on a bad index. */
export function importance(gates: Num, indices: Num, N: number, k: number, n: number, precision: Precision = 'f32'): FloatArray {
  if (gates.length !== N * k || indices.length !== N * k) throw new Error(`importance: gates and indices must have ${N * k} elements ([${N},${k}])`);
  const acc = new Float64Array(n);
  for (let i = 0; i < N * k; i++) {
    const e = indices[i]!;
    if (e === -1) continue; // no expert (balanced gating's padding)
    if (!(Number.isInteger(e) && e >= 0 && e < n)) throw new Error(`expert index ${e} at [${Math.floor(i / k)},${i % k}] is out of range [0, ${n})`);
    acc[e]! += gates[i]!;
  }
  const out = floatArray(n, precision);
  out.set(acc);
  return out;
}

/**
 * Squared coefficient of variation (paper Eq. 7, 11): population variance / (mean² + 1e-10),
 * accumulated in f64. A constant vector (or one of fewer than 2 elements) gives exactly 0.
 */
export function cvSquared(v: Num): number {
  const n = v.length;
  if (n < 2) return 0;
  let constant = true;
  for (let i = 1; i < n && constant; i++) constant = v[i] === v[0];
  if (constant) return 0; // exact, although Σv/n need not round back to v[0]
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i]!;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (v[i]! - mean) ** 2;
  return ss / n / (mean * mean + CV_EPS);
}
