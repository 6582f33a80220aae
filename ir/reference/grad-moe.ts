/**
 * Reference semantics of the gradient ops of noisy top-k gating and its balancing losses
 * (Shazeer et al. 2017): noiseStdGrad (derivative of softplus + eps, zero in evaluation, where the
 * forward is the constant 0), scatterTopk (the vjp of taking the top-k values), cvSquaredGrad (of
 * var/(mean² + 1e-10) with population variance), importanceGrad, loadEstimateGrad (the smooth load
 * estimator's vjp with the thresholds held constant, as the paper's reference code does) and
 * moeCombineGrad. Pure functions over flat row-major arrays, f64 arithmetic rounded once when
 * stored at `precision`, sums in fixed documented orders. Index inputs are validated and errors
 * name the offending element.
 */
import { floatArray, type FloatArray, type Precision } from '../tensor.ts';
import { sigmoidScalar } from './dense.ts';
import { CV_EPS } from './gating.ts';
import { normalPdf } from './normal-cdf.ts';

type Num = ArrayLike<number>;

function expertAt(op: string, indices: Num, i: number, k: number, n: number): number {
  const e = indices[i]!;
  if (!(Number.isInteger(e) && e >= 0 && e < n)) throw new Error(`${op}: expert index ${e} at [${Math.floor(i / k)},${i % k}] is out of range [0, ${n})`);
  return e;
}

/** (raw, dy) → training: dy·sigmoid(raw) (d/draw of softplus(raw) + eps); evaluation: zeros. */
export function noiseStdGrad(raw: Num, dy: Num, training: boolean, precision: Precision = 'f32'): FloatArray {
  if (dy.length !== raw.length) throw new Error(`noiseStdGrad dy: expected ${raw.length} elements, got ${dy.length}`);
  const out = floatArray(raw.length, precision);
  if (!training) return out;
  for (let i = 0; i < raw.length; i++) out[i] = dy[i]! * sigmoidScalar(raw[i]!);
  return out;
}

/**
 * (dvals [N,k], indices [N,k]) → [N,n]: out[r, indices[r,j]] = dvals[r,j], 0 elsewhere. Should a
 * row repeat an index (top-k never does), the values are summed in j order.
 */
export function scatterTopk(dvals: Num, indices: Num, N: number, k: number, n: number, precision: Precision = 'f32'): FloatArray {
  if (dvals.length !== N * k || indices.length !== N * k) throw new Error(`scatterTopk: dvals and indices must have ${N * k} elements ([${N},${k}])`);
  const acc = new Float64Array(N * n);
  for (let i = 0; i < N * k; i++) {
    const e = expertAt('scatterTopk', indices, i, k, n);
    acc[Math.floor(i / k) * n + e]! += dvals[i]!;
  }
  const out = floatArray(N * n, precision);
  out.set(acc);
  return out;
}

/**
 * dv [n] = dcv·∂CV²/∂v with CV² = var/(mean² + 1e-10), var the population variance:
 * ∂CV²/∂v_i = 2(v_i − mean)/(n·den) − 2·mean·var/(n·den²), den = mean² + 1e-10; mean and var are
 * accumulated in f64 in index order as `cvSquared` does. Exactly 0 when n < 2 (the forward is the
 * constant 0) and at a constant vector (where the analytic gradient is 0; this avoids rounding
 * noise from mean ≠ v_0).
 */
export function cvSquaredGrad(v: Num, dcv: number, precision: Precision = 'f32'): FloatArray {
  const n = v.length;
  const out = floatArray(n, precision);
  if (n < 2) return out;
  let constant = true;
  for (let i = 1; i < n && constant; i++) constant = v[i] === v[0];
  if (constant) return out;
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i]!;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (v[i]! - mean) ** 2;
  const variance = ss / n;
  const den = mean * mean + CV_EPS;
  const common = (2 * mean * variance) / (n * den * den);
  for (let i = 0; i < n; i++) out[i] = dcv * ((2 * (v[i]! - mean)) / (n * den) - common);
  return out;
}

/** (dimportance [n], indices [N,k]) → dgates [N,k] = dimportance[indices]. */
export function importanceGrad(dimportance: Num, indices: Num, N: number, k: number, precision: Precision = 'f32'): FloatArray {
  const n = dimportance.length;
  if (indices.length !== N * k) throw new Error(`importanceGrad: indices must have ${N * k} elements ([${N},${k}]), got ${indices.length}`);
  const out = floatArray(N * k, precision);
  for (let i = 0; i < N * k; i++) out[i] = dimportance[expertAt('importanceGrad', indices, i, k, n)]!;
  return out;
}

/** Inputs of `loadEstimateGrad`: those of `loadEstimate` plus dload [n]. */
export interface LoadGradArgs {
  /** [N,n] */
  clean: Num;
  /** [N,n] */
  sigma: Num;
  /** [N, min(k+1, n)] */
  topValues: Num;
  /** [N,k] */
  indices: Num;
  /** [n] */
  dload: Num;
  N: number;
  n: number;
  k: number;
}

/** Outputs of `loadEstimateGrad`: dclean [N,n], dsigma [N,n]. */
export interface LoadGradResult {
  dclean: FloatArray;
  dsigma: FloatArray;
}

/**
 * The vjp of loadEstimate with the thresholds constant. For row r and expert i with thr as in the
 * forward (the (k+1)-th top value when i is selected, else the k-th) and sigma > 0:
 * z = (clean − thr)/sigma, dclean = dload_i·φ(z)/sigma, dsigma = −dload_i·φ(z)·z/sigma. Both are 0
 * where sigma ≤ 0 (the step has zero derivative a.e.) and for selected experts when k = n (P = 1,
 * constant; with distinct indices that is every expert).
 */
export function loadEstimateGrad(a: LoadGradArgs, precision: Precision = 'f32'): LoadGradResult {
  const { clean, sigma, topValues, indices, dload, N, n, k } = a;
  const kk = Math.min(k + 1, n);
  const op = 'loadEstimateGrad';
  if (clean.length !== N * n || sigma.length !== N * n) throw new Error(`${op}: clean and sigma must have ${N * n} elements ([${N},${n}])`);
  if (topValues.length !== N * kk) throw new Error(`${op}: topValues must have ${N * kk} elements ([${N},${kk}]), got ${topValues.length}`);
  if (indices.length !== N * k) throw new Error(`${op}: indices must have ${N * k} elements ([${N},${k}]), got ${indices.length}`);
  if (dload.length !== n) throw new Error(`${op}: dload must have ${n} elements, got ${dload.length}`);
  const dclean = floatArray(N * n, precision);
  const dsigma = floatArray(N * n, precision);
  const selected = new Uint8Array(n);
  for (let r = 0; r < N; r++) {
    selected.fill(0);
    for (let j = 0; j < k; j++) selected[expertAt(op, indices, r * k + j, k, n)] = 1;
    const thrIn = k < n ? topValues[r * kk + k]! : undefined; // k = n: selected P = 1, constant
    const thrOut = topValues[r * kk + k - 1]!;
    for (let i = 0; i < n; i++) {
      const s = sigma[r * n + i]!;
      if (!(s > 0) || (selected[i] === 1 && thrIn === undefined)) continue;
      const z = (clean[r * n + i]! - (selected[i] === 1 ? thrIn! : thrOut)) / s;
      const pd = normalPdf(z);
      dclean[r * n + i] = (dload[i]! * pd) / s;
      dsigma[r * n + i] = (-dload[i]! * pd * z) / s;
    }
  }
  return { dclean, dsigma };
}

/** Outputs of `moeCombineGrad`: dy [S,Dout], dgates [N,k]. */
export interface CombineGradResult {
  dy: FloatArray;
  dgates: FloatArray;
}

/**
 * The vjp of combine: dy[position[r,j]] = gates[r,j]·dout[r] (slots no pair points at are 0; a
 * slot hit more than once, which a dispatch never produces, sums in (r, j) order) and
 * dgates[r,j] = Σ_o dout[r,o]·y[position[r,j],o] in increasing o order, f64. Position −1 (no
 * expert) gives dgates 0 and touches no slot.
 */
export function moeCombineGrad(dout: Num, y: Num, S: number, Dout: number, position: Num, gates: Num, N: number, k: number, precision: Precision = 'f32'): CombineGradResult {
  if (dout.length !== N * Dout) throw new Error(`moeCombineGrad: dout must have ${N * Dout} elements ([${N},${Dout}]), got ${dout.length}`);
  if (y.length !== S * Dout) throw new Error(`moeCombineGrad: y must have ${S * Dout} elements ([${S},${Dout}]), got ${y.length}`);
  if (position.length !== N * k || gates.length !== N * k) throw new Error(`moeCombineGrad: position and gates must have ${N * k} elements ([${N},${k}])`);
  const dyAcc = new Float64Array(S * Dout);
  const dgates = floatArray(N * k, precision);
  for (let r = 0; r < N; r++) {
    for (let j = 0; j < k; j++) {
      const s = position[r * k + j]!;
      if (s === -1) continue; // no expert: dgates 0, no slot
      if (!(Number.isInteger(s) && s >= 0 && s < S)) throw new Error(`moeCombineGrad: position[${r},${j}] = ${s} is out of range [0, ${S})`);
      const g = gates[r * k + j]!;
      let acc = 0;
      for (let o = 0; o < Dout; o++) {
        dyAcc[s * Dout + o]! += g * dout[r * Dout + o]!;
        acc += dout[r * Dout + o]! * y[s * Dout + o]!;
      }
      dgates[r * k + j] = acc;
    }
  }
  const dy = floatArray(S * Dout, precision);
  dy.set(dyAcc);
  return { dy, dgates };
}
