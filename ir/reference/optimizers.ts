/**
 * Reference semantics of the optimizer update ops: plain SGD, Adam (Kingma & Ba) with bias
 * correction, and the factored Adam of the paper's Appendix D (β1 = 0, the second moment of each
 * r×c matrix kept as row and column means, with Adafactor-style update clipping). The step count
 * for bias correction is t = ctx.step + 1. Each function returns NEW arrays (the executors write
 * them over the parameter and state buffers in place; see IN_PLACE in ir/op-traits.ts). Elementwise math
 * runs in f64; the new state (m', v', vr', vc') is rounded to `precision` once and the parameter
 * update reads those stored values, as a kernel that writes the state and then uses it would; sums
 * (row/column means, mean(vr'), rms(u)) are accumulated in f64 in increasing index order.
 * The expert* variants update an expert bank [n, …] only for the experts with rows in the step's
 * dispatch offsets (the others have a zero gradient): exact for SGD, and for factored Adam (β1 = 0,
 * whose zero-gradient update of p is 0) the skipped decay of an expert's statistics is caught up
 * in one multiply when the expert is next touched (`decayedStatistic`); the stored statistics are
 * then lazily decayed, and `catchUpExpertStatistics` gives the values dense factored Adam holds.
 */
import { floatArray, type FloatArray, type Precision } from '../tensor.ts';

type Num = ArrayLike<number>;

/** The ε added to g² in factored Adam (Adafactor's eps1). */
export const FACTORED_EPS1 = 1e-30;

function same(op: string, what: string, a: Num, n: number): void {
  if (a.length !== n) throw new Error(`${op} ${what}: expected ${n} elements (as the parameter), got ${a.length}`);
}

function stepT(step: number): number {
  if (!(Number.isInteger(step) && step >= 0)) throw new Error(`optimizer step must be a non-negative integer, got ${step}`);
  return step + 1;
}

/** (p, g) → p − lr·g. */
export function sgdUpdate(p: Num, g: Num, lr: number, precision: Precision = 'f32'): FloatArray {
  same('sgdUpdate', 'gradient', g, p.length);
  const out = floatArray(p.length, precision);
  for (let i = 0; i < p.length; i++) out[i] = p[i]! - lr * g[i]!;
  return out;
}

/** Adam hyper-parameters (as the op's params). */
export interface AdamParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/** New parameter and moments of `adamUpdate`. */
export interface AdamResult {
  p: FloatArray;
  m: FloatArray;
  v: FloatArray;
}

/**
 * Adam with t = step + 1: m' = β1·m + (1−β1)·g, v' = β2·v + (1−β2)·g² (each stored at
 * `precision`), p' = p − lr·(m'/(1−β1ᵗ)) / (sqrt(v'/(1−β2ᵗ)) + eps), evaluated in f64 from the
 * stored m', v' in that operation order.
 */
export function adamUpdate(p: Num, g: Num, m: Num, v: Num, hp: AdamParams, step: number, precision: Precision = 'f32'): AdamResult {
  const n = p.length;
  same('adamUpdate', 'gradient', g, n);
  same('adamUpdate', 'first moment m', m, n);
  same('adamUpdate', 'second moment v', v, n);
  const t = stepT(step);
  const bc1 = 1 - Math.pow(hp.beta1, t);
  const bc2 = 1 - Math.pow(hp.beta2, t);
  const po = floatArray(n, precision);
  const mo = floatArray(n, precision);
  const vo = floatArray(n, precision);
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    mo[i] = hp.beta1 * m[i]! + (1 - hp.beta1) * gi;
    vo[i] = hp.beta2 * v[i]! + (1 - hp.beta2) * gi * gi;
    po[i] = p[i]! - (hp.lr * (mo[i]! / bc1)) / (Math.sqrt(vo[i]! / bc2) + hp.eps);
  }
  return { p: po, m: mo, v: vo };
}

/** Factored Adam hyper-parameters (as the op's params). */
export interface FactoredAdamParams {
  lr: number;
  beta2: number;
  /** Update clipping threshold d (Adafactor); 0 disables clipping. */
  clip: number;
}

/** New parameter and row/column statistics of `factoredAdamUpdate`. */
export interface FactoredAdamResult {
  p: FloatArray;
  vr: FloatArray;
  vc: FloatArray;
}

/**
 * Factored Adam (β1 = 0) over a parameter [batch, r, c] (batch = product of the leading dims; each
 * r×c matrix separately), t = step + 1, eps1 = 1e-30:
 *   vr'[i] = β2·vr[i] + (1−β2)·mean_j(g[i,j]² + eps1), vc'[j] = β2·vc[j] + (1−β2)·mean_i(g[i,j]² + eps1)
 *   (means summed in increasing index order, vr'/vc' stored at `precision`);
 *   v̂[i,j] = vr'[i]·vc'[j] / mean(vr') / (1 − β2ᵗ); u = g / sqrt(v̂);
 *   when clip > 0: u ← u / max(1, rms(u)/clip) with rms(u) = sqrt(mean over the matrix of u²);
 *   p' = p − lr·u.
 * v̂ and u are kept in f64 (not rounded) until p' is stored.
 */
export function factoredAdamUpdate(
  p: Num,
  g: Num,
  vr: Num,
  vc: Num,
  batch: number,
  r: number,
  c: number,
  hp: FactoredAdamParams,
  step: number,
  precision: Precision = 'f32',
): FactoredAdamResult {
  const op = 'factoredAdamUpdate';
  if (p.length !== batch * r * c) throw new Error(`${op} parameter: expected ${batch * r * c} elements ([${batch},${r},${c}]), got ${p.length}`);
  same(op, 'gradient', g, p.length);
  if (vr.length !== batch * r) throw new Error(`${op} row statistics vr: expected ${batch * r} elements ([${batch},${r}]), got ${vr.length}`);
  if (vc.length !== batch * c) throw new Error(`${op} column statistics vc: expected ${batch * c} elements ([${batch},${c}]), got ${vc.length}`);
  const t = stepT(step);
  const bc2 = 1 - Math.pow(hp.beta2, t);
  const po = floatArray(p.length, precision);
  const vro = floatArray(vr.length, precision);
  const vco = floatArray(vc.length, precision);
  const colAcc = new Float64Array(c);
  const u = new Float64Array(r * c);
  for (let b = 0; b < batch; b++) {
    const base = b * r * c;
    colAcc.fill(0);
    for (let i = 0; i < r; i++) {
      let rowAcc = 0;
      for (let j = 0; j < c; j++) {
        const gv = g[base + i * c + j]!;
        const g2 = gv * gv + FACTORED_EPS1;
        rowAcc += g2;
        colAcc[j]! += g2;
      }
      vro[b * r + i] = hp.beta2 * vr[b * r + i]! + (1 - hp.beta2) * (rowAcc / c);
    }
    for (let j = 0; j < c; j++) vco[b * c + j] = hp.beta2 * vc[b * c + j]! + (1 - hp.beta2) * (colAcc[j]! / r);
    let vrSum = 0;
    for (let i = 0; i < r; i++) vrSum += vro[b * r + i]!;
    const vrMean = vrSum / r;
    let sq = 0;
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < c; j++) {
        const vhat = (vro[b * r + i]! * vco[b * c + j]!) / vrMean / bc2;
        const uv = g[base + i * c + j]! / Math.sqrt(vhat);
        u[i * c + j] = uv;
        sq += uv * uv;
      }
    }
    let div = 1;
    if (hp.clip > 0) div = Math.max(1, Math.sqrt(sq / (r * c)) / hp.clip);
    for (let q = 0; q < r * c; q++) po[base + q] = p[base + q]! - hp.lr * (u[q]! / div);
  }
  return { p: po, vr: vro, vc: vco };
}

/** Whether expert e has rows in the dispatch offsets [n+1] (a non-empty segment). */
function hasRows(offsets: Num, e: number): boolean {
  return offsets[e + 1]! > offsets[e]!;
}

function expertOffsets(op: string, offsets: Num, n: number): void {
  if (offsets.length !== n + 1) throw new Error(`${op} dispatch offsets: expected ${n + 1} elements (n + 1 for ${n} experts), got ${offsets.length}`);
}

/**
 * SGD of an expert bank [n, …]: p'[e] = p[e] − lr·g[e] for the experts with rows in `offsets`
 * [n+1]; the other experts keep p[e] (their gradient is zero; g[e] is not read).
 */
export function expertSgdUpdate(p: Num, g: Num, offsets: Num, n: number, lr: number, precision: Precision = 'f32'): FloatArray {
  same('expertSgdUpdate', 'gradient', g, p.length);
  expertOffsets('expertSgdUpdate', offsets, n);
  const block = n === 0 ? 0 : p.length / n;
  if (!Number.isInteger(block)) throw new Error(`expertSgdUpdate: ${p.length} elements do not split into ${n} experts`);
  const out = floatArray(p.length, precision);
  for (let e = 0; e < n; e++) {
    const active = hasRows(offsets, e);
    for (let q = e * block; q < (e + 1) * block; q++) out[q] = active ? p[q]! - lr * g[q]! : p[q]!;
  }
  return out;
}

/**
 * A row/column statistic after `s` steps of factoredAdamUpdate with a zero gradient:
 * x ← β2·x + (1−β2)·eps1 applied s times is β2ˢ·(x − eps1) + eps1 (f64).
 */
export function decayedStatistic(x: number, beta2: number, s: number): number {
  return s > 0 ? Math.pow(beta2, s) * (x - FACTORED_EPS1) + FACTORED_EPS1 : x;
}

/** New parameter, statistics and last-touched steps of `expertFactoredAdamUpdate`. */
export interface ExpertFactoredAdamResult extends FactoredAdamResult {
  last: Int32Array;
}

/**
 * Factored Adam of an expert bank [n, r, c] with lazily decayed statistics (ops.ts
 * expertFactoredAdamUpdate). For each expert e with rows in `offsets`: its statistics, which hold
 * the decay of last[e] steps, are brought to this step (s = max(0, step − last[e]) zero-gradient
 * steps, `decayedStatistic`, rounded to `precision` as stored state), then matrix e takes the
 * ordinary factoredAdamUpdate at `step` and last'[e] = step + 1. Other experts are unchanged.
 */
export function expertFactoredAdamUpdate(
  p: Num,
  g: Num,
  vr: Num,
  vc: Num,
  last: Num,
  offsets: Num,
  n: number,
  r: number,
  c: number,
  hp: FactoredAdamParams,
  step: number,
  precision: Precision = 'f32',
): ExpertFactoredAdamResult {
  const op = 'expertFactoredAdamUpdate';
  if (p.length !== n * r * c) throw new Error(`${op} parameter: expected ${n * r * c} elements ([${n},${r},${c}]), got ${p.length}`);
  same(op, 'gradient', g, p.length);
  if (vr.length !== n * r) throw new Error(`${op} row statistics vr: expected ${n * r} elements ([${n},${r}]), got ${vr.length}`);
  if (vc.length !== n * c) throw new Error(`${op} column statistics vc: expected ${n * c} elements ([${n},${c}]), got ${vc.length}`);
  if (last.length !== n) throw new Error(`${op} last-touched steps: expected ${n} elements, got ${last.length}`);
  expertOffsets(op, offsets, n);
  stepT(step);
  const po = floatArray(p.length, precision);
  const vro = floatArray(vr.length, precision);
  const vco = floatArray(vc.length, precision);
  const lasto = Int32Array.from(last);
  for (let q = 0; q < p.length; q++) po[q] = p[q]!;
  for (let q = 0; q < vr.length; q++) vro[q] = vr[q]!;
  for (let q = 0; q < vc.length; q++) vco[q] = vc[q]!;
  const rc = r * c;
  for (let e = 0; e < n; e++) {
    if (!hasRows(offsets, e)) continue;
    const s = Math.max(0, step - last[e]!);
    const cr = floatArray(r, precision);
    const cc = floatArray(c, precision);
    for (let i = 0; i < r; i++) cr[i] = decayedStatistic(vr[e * r + i]!, hp.beta2, s);
    for (let j = 0; j < c; j++) cc[j] = decayedStatistic(vc[e * c + j]!, hp.beta2, s);
    const res = factoredAdamUpdate(sliceOf(p, e * rc, rc), sliceOf(g, e * rc, rc), cr, cc, 1, r, c, hp, step, precision);
    po.set(res.p, e * rc);
    vro.set(res.vr, e * r);
    vco.set(res.vc, e * c);
    lasto[e] = step + 1;
  }
  return { p: po, vr: vro, vc: vco, last: lasto };
}

function sliceOf(a: Num, start: number, len: number): number[] {
  const out = new Array<number>(len);
  for (let i = 0; i < len; i++) out[i] = a[start + i]!;
  return out;
}

/**
 * The statistics dense factoredAdamUpdate would hold after `steps` steps, from the lazily decayed
 * state of expertFactoredAdamUpdate (expert e's vr/vc hold the decay of last[e] steps): each
 * expert is brought forward by max(0, steps − last[e]) zero-gradient steps. For reading or
 * exporting the optimizer state; training itself never needs it.
 */
export function catchUpExpertStatistics(
  vr: Num,
  vc: Num,
  last: Num,
  n: number,
  beta2: number,
  steps: number,
  precision: Precision = 'f32',
): { vr: FloatArray; vc: FloatArray } {
  const r = n === 0 ? 0 : vr.length / n;
  const c = n === 0 ? 0 : vc.length / n;
  if (last.length !== n || !Number.isInteger(r) || !Number.isInteger(c)) throw new Error(`catchUpExpertStatistics: vr (${vr.length}), vc (${vc.length}) and last (${last.length}) do not describe ${n} experts`);
  const vro = floatArray(vr.length, precision);
  const vco = floatArray(vc.length, precision);
  for (let e = 0; e < n; e++) {
    const s = Math.max(0, steps - last[e]!);
    for (let i = 0; i < r; i++) vro[e * r + i] = decayedStatistic(vr[e * r + i]!, beta2, s);
    for (let j = 0; j < c; j++) vco[e * c + j] = decayedStatistic(vc[e * c + j]!, beta2, s);
  }
  return { vr: vro, vc: vco };
}
