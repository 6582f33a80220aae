/**
 * Reference semantics of strictly balanced gating (Shazeer et al. 2017, App. F): the logits
 * L = x·Wg [N,n] over the whole batch; in training the batchwise mask M_b, where expert i takes the
 * m = k·N/n rows with the largest L[·,i] (a stable column-wise sort by (−value, row), so ties go
 * to the lower row and NaN sorts last, the order of `topkBefore`); in evaluation the threshold mask
 * M_t(x)_i = [L[x,i] > T_i] with a learned threshold per expert. Each row's used experts become its
 * routing list (increasing expert id, padded with expert −1 and gate 0 to n slots) and its gates
 * the softmax over their logits. The threshold loss of Eq. 20, Σ_x Σ_i (M_t − M_b)(L − T), and the
 * two vjps (softmax-over-the-used into the logits; the loss into T with L and both masks held
 * constant) complete the op family. Pure functions over flat row-major arrays; sums in f64.
 */
import { floatArray, type FloatArray, type Precision } from '../tensor.ts';
import { matmul, softmaxRowInto } from './dense.ts';
import { topkBefore } from './gating.ts';

type Num = ArrayLike<number>;

/**
 * The batchwise mask [N,n] (1 = row x goes to expert i): per column i, the m rows first in the
 * order (−L[x,i], x) (`topkBefore`). Every column has exactly min(m, N) ones.
 */
export function batchwiseMask(logits: Num, N: number, n: number, m: number): Uint8Array {
  if (logits.length !== N * n) throw new Error(`batchwise mask: logits must have ${N * n} elements ([${N},${n}]), got ${logits.length}`);
  if (!Number.isInteger(m) || m < 0 || m > N) throw new Error(`batchwise mask: m = ${m} must be an integer in [0, ${N}]`);
  const mask = new Uint8Array(N * n);
  const rows = Array.from({ length: N }, (_, r) => r);
  for (let i = 0; i < n; i++) {
    const col = (r: number): number => logits[r * n + i]!;
    rows.sort((a, b) => (topkBefore(col(a), a, col(b), b) ? -1 : topkBefore(col(b), b, col(a), a) ? 1 : 0));
    for (let j = 0; j < m; j++) mask[rows[j]! * n + i] = 1;
  }
  return mask;
}

/** The threshold mask [N,n]: 1 where L[x,i] > T_i (a NaN logit or threshold gives 0). */
export function thresholdMask(logits: Num, thresholds: Num, N: number, n: number): Uint8Array {
  if (logits.length !== N * n || thresholds.length !== n) throw new Error(`threshold mask: need logits [${N},${n}] and thresholds [${n}]`);
  const mask = new Uint8Array(N * n);
  for (let r = 0; r < N; r++) for (let i = 0; i < n; i++) mask[r * n + i] = logits[r * n + i]! > thresholds[i]! ? 1 : 0;
  return mask;
}

/** The mask [N,n] of a routing list indices [N,kmax] (entries −1 = none). Throws on other bad entries. */
export function maskFromIndices(indices: Num, N: number, kmax: number, n: number): Uint8Array {
  if (indices.length !== N * kmax) throw new Error(`mask from indices: expected ${N * kmax} elements ([${N},${kmax}]), got ${indices.length}`);
  const mask = new Uint8Array(N * n);
  for (let r = 0; r < N; r++) {
    for (let j = 0; j < kmax; j++) {
      const e = indices[r * kmax + j]!;
      if (e === -1) continue;
      if (!(Number.isInteger(e) && e >= 0 && e < n)) throw new Error(`expert index ${e} at [${r},${j}] is out of range [0, ${n}) (−1 = no expert)`);
      mask[r * n + e] = 1;
    }
  }
  return mask;
}

/** Fraction of the N·n (row, expert) decisions on which two masks agree. */
export function maskAgreement(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`mask agreement: masks differ in size (${a.length} vs ${b.length})`);
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return a.length === 0 ? 1 : same / a.length;
}

/** A routing list from a mask: indices i32 [N,n] (used experts ascending, then −1) and gates [N,n]. */
export function routeFromMask(logits: Num, mask: Uint8Array, N: number, n: number, precision: Precision = 'f32'): { indices: Int32Array; gates: FloatArray } {
  const indices = new Int32Array(N * n).fill(-1);
  const gates = floatArray(N * n, precision);
  const sel = new Float64Array(n);
  for (let r = 0; r < N; r++) {
    let c = 0;
    for (let i = 0; i < n; i++) {
      if (!mask[r * n + i]) continue;
      indices[r * n + c] = i;
      sel[c++] = logits[r * n + i]!;
    }
    if (c > 0) softmaxRowInto(sel, 0, c, gates, r * n);
  }
  return { indices, gates };
}

/** Inputs of `balancedGating`. */
export interface BalancedArgs {
  /** [N,D] rows (the whole batch: all T·B rows of a sequence). */
  x: Num;
  /** [D,n] gate weights. */
  wg: Num;
  /** [n] learned thresholds (used in evaluation). */
  thresholds: Num;
  N: number;
  D: number;
  n: number;
  /** Rows per expert in training, k·N/n. */
  m: number;
  training: boolean;
}

/** Outputs of `balancedGating`. */
export interface BalancedResult {
  /** i32 [N,n]: used experts ascending, then −1. */
  indices: Int32Array;
  /** [N,n]: softmax over the used experts' logits, 0 in padded slots. */
  gates: FloatArray;
  /** [N,n]: x·Wg. */
  logits: FloatArray;
  /** [n]: rows per expert (m each in training). */
  load: FloatArray;
  /** [N,n]: the mask used (batchwise in training, threshold in evaluation). */
  mask: Uint8Array;
}

/** Strictly balanced gating (op `balancedGating`): see the file comment. */
export function balancedGating(a: BalancedArgs, precision: Precision = 'f32'): BalancedResult {
  const { x, wg, thresholds, N, D, n, m } = a;
  if (x.length !== N * D) throw new Error(`balanced gating input x: expected ${N * D} elements for [${N},${D}], got ${x.length}`);
  if (wg.length !== D * n) throw new Error(`gate weights: expected ${D * n} elements for [${D},${n}], got ${wg.length}`);
  if (thresholds.length !== n) throw new Error(`thresholds: expected ${n} elements, got ${thresholds.length}`);
  const logits = matmul(x, wg, N, D, n, precision);
  const mask = a.training ? batchwiseMask(logits, N, n, m) : thresholdMask(logits, thresholds, N, n);
  const { indices, gates } = routeFromMask(logits, mask, N, n, precision);
  const load = floatArray(n, precision);
  for (let r = 0; r < N; r++) for (let i = 0; i < n; i++) load[i]! += mask[r * n + i]!;
  return { indices, gates, logits, load, mask };
}

/** Threshold loss (paper Eq. 20): Σ_x Σ_i ([L > T_i] − M(x,i))·(L[x,i] − T_i), M from indices [N,kmax]; f64. */
export function thresholdLoss(logits: Num, thresholds: Num, indices: Num, N: number, n: number, kmax: number): number {
  const mb = maskFromIndices(indices, N, kmax, n);
  const mt = thresholdMask(logits, thresholds, N, n);
  let s = 0;
  for (let r = 0; r < N; r++) {
    for (let i = 0; i < n; i++) {
      const d = mt[r * n + i]! - mb[r * n + i]!;
      if (d !== 0) s += d * (logits[r * n + i]! - thresholds[i]!);
    }
  }
  return s;
}

/** d thresholdLoss / d T times dloss, logits and masks constant: dT_i = −dloss·Σ_x (M_t − M)(x,i). */
export function thresholdLossGrad(logits: Num, thresholds: Num, indices: Num, dloss: number, N: number, n: number, kmax: number, precision: Precision = 'f32'): FloatArray {
  const mb = maskFromIndices(indices, N, kmax, n);
  const mt = thresholdMask(logits, thresholds, N, n);
  const acc = new Float64Array(n);
  for (let r = 0; r < N; r++) for (let i = 0; i < n; i++) acc[i]! += mt[r * n + i]! - mb[r * n + i]!;
  const out = floatArray(n, precision);
  for (let i = 0; i < n; i++) out[i] = -dloss * acc[i]!;
  return out;
}

/**
 * The vjp of the gates into the logits with the selection constant: for each row, with g the gates
 * and dg their gradient over the kmax slots, dlogits[x, indices[x,j]] = g_j·(dg_j − Σ_l g_l·dg_l);
 * slots with expert −1 contribute nothing (their gate is 0). f64, rounded once.
 */
export function balancedGatingGrad(gates: Num, indices: Num, dgates: Num, N: number, kmax: number, n: number, precision: Precision = 'f32'): FloatArray {
  if (gates.length !== N * kmax || indices.length !== N * kmax || dgates.length !== N * kmax) {
    throw new Error(`balancedGatingGrad: gates, indices and dgates must have ${N * kmax} elements ([${N},${kmax}])`);
  }
  maskFromIndices(indices, N, kmax, n);
  const out = floatArray(N * n, precision);
  for (let r = 0; r < N; r++) {
    let dot = 0;
    for (let j = 0; j < kmax; j++) if (indices[r * kmax + j] !== -1) dot += gates[r * kmax + j]! * dgates[r * kmax + j]!;
    for (let j = 0; j < kmax; j++) {
      const e = indices[r * kmax + j]!;
      if (e === -1) continue;
      out[r * n + e]! += gates[r * kmax + j]! * (dgates[r * kmax + j]! - dot);
    }
  }
  return out;
}
