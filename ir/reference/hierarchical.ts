/**
 * Reference semantics of the hierarchical Mixture-of-Experts (Shazeer et al. 2017, App. B): the
 * secondary noisy top-k2 gating inside the k1 groups a primary gating picked (op
 * `secondaryGating`), the hierarchical load Load_H(X)_{g,j} = Load_primary(X)_g ·
 * Load_g(X⁽ᵍ⁾)_j / |X⁽ᵍ⁾| (op `hierLoadEstimate`, Eq. 14) and both ops' vjps. The secondary gating
 * follows the flat `gatingForward` step for step (x·W accumulated in f64 and stored at the working
 * precision, softplus + eps, the product z·sigma and the sum each stored, top-(k2+1) with ties to
 * the lower index, softmax over the top k2), per (row, slot) with the slot's group weights; the
 * noise of (row r, slot s, expert j) is the normal draw (seed, stream, step, rowOffset + r,
 * s·b + j), so CPU, GPU and batching over time agree. All sums are in f64 in documented orders.
 */
import { normalDraw } from '../rng.ts';
import { floatArray, type FloatArray, type Precision } from '../tensor.ts';
import { sigmoidScalar, softmaxRowInto, softplusScalar } from './dense.ts';
import { loadProbability, topkRows } from './gating.ts';
import { normalPdf } from './normal-cdf.ts';

type Num = ArrayLike<number>;

/** Shape of a two-level hierarchy: a groups of b experts, k1 groups and k2 experts per group per row. */
export interface Hierarchy {
  a: number;
  b: number;
  k1: number;
  k2: number;
}

function checkHierarchy(op: string, h: Hierarchy): void {
  const { a, b, k1, k2 } = h;
  for (const [k, v] of Object.entries({ a, b, k1, k2 })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: ${k} must be a positive integer, got ${v}`);
  }
  if (k1 > a) throw new Error(`${op}: k1 = ${k1} exceeds the number of groups a = ${a}`);
  if (k2 > b) throw new Error(`${op}: k2 = ${k2} exceeds the experts per group b = ${b}`);
}

function groupAt(op: string, primaryIndices: Num, i: number, k1: number, a: number): number {
  const g = primaryIndices[i]!;
  if (!(Number.isInteger(g) && g >= 0 && g < a)) throw new Error(`${op}: primary index ${g} at [${Math.floor(i / k1)},${i % k1}] is out of range [0, ${a})`);
  return g;
}

function localAt(op: string, local: Num, i: number, k2: number, b: number): number {
  const j = local[i]!;
  if (!(Number.isInteger(j) && j >= 0 && j < b)) throw new Error(`${op}: local index ${j} at flat position ${i} (k2 = ${k2}) is out of range [0, ${b})`);
  return j;
}

function checkLen(op: string, what: string, v: Num | undefined, n: number, shape: string): void {
  if (v !== undefined && v.length !== n) throw new Error(`${op}: ${what} must have ${n} elements (${shape}), got ${v.length}`);
}

/** Inputs of `secondaryGatingForward`. */
export interface SecondaryGatingArgs extends Hierarchy {
  /** [N,D] */
  x: Num;
  /** [a,D,b] per-group gate weights. */
  wg2: Num;
  /** [a,D,b] per-group noise weights; required when `noisy`. */
  wn2?: Num;
  /** i32 [N,k1] groups chosen by the primary gating. */
  primaryIndices: Num;
  /** [N,k1] primary gates. */
  primaryGates: Num;
  N: number;
  D: number;
  noisy: boolean;
  eps: number;
  training: boolean;
  seed: number;
  step: number;
  stream: number;
  rowOffset: number;
}

/** Outputs of `secondaryGatingForward` (in op output order, plus the noisy logits). */
export interface SecondaryGatingResult {
  /** i32 [N,k1·k2], global expert ids g·b + j. */
  indices: Int32Array;
  /** [N,k1·k2], primary gate × secondary gate. */
  gates: FloatArray;
  /** [N,k1,b] */
  clean: FloatArray;
  /** [N,k1,b] */
  sigma: FloatArray;
  /** [N,k1,min(k2+1,b)] */
  topValues: FloatArray;
  /** i32 [N,k1,k2] secondary (within-group) indices. */
  localIndices: Int32Array;
  /** [N,k1,b] clean + z·sigma. */
  noisy: FloatArray;
}

/** Per-slot x·W[g] for one (row, slot): f64 accumulation in increasing d, stored into `out` at `o`. */
function groupLogits(x: Num, r: number, D: number, w: Num, g: number, b: number, out: FloatArray, o: number): void {
  const acc = new Float64Array(b);
  for (let d = 0; d < D; d++) {
    const xv = x[r * D + d]!;
    const row = (g * D + d) * b;
    for (let j = 0; j < b; j++) acc[j]! += xv * w[row + j]!;
  }
  out.set(acc, o);
}

/**
 * Secondary noisy top-k2 gating (op `secondaryGating`): for each row r and slot s, the gating of
 * `gatingForward` over the b experts of group g = primaryIndices[r,s] with weights wg2[g], wn2[g]
 * and noise column s·b + j; gates are the primary gate times the secondary softmax.
 */
export function secondaryGatingForward(p: SecondaryGatingArgs, precision: Precision = 'f32'): SecondaryGatingResult {
  const op = 'secondaryGating';
  checkHierarchy(op, p);
  const { x, wg2, wn2, primaryIndices, primaryGates, N, D, a, b, k1, k2 } = p;
  checkLen(op, 'x', x, N * D, `[${N},${D}]`);
  checkLen(op, 'wg2', wg2, a * D * b, `[${a},${D},${b}]`);
  if (p.noisy && !wn2) throw new Error(`${op}: noisy gating needs noise weights wn2 [${a},${D},${b}]`);
  checkLen(op, 'wn2', wn2, a * D * b, `[${a},${D},${b}]`);
  checkLen(op, 'primaryIndices', primaryIndices, N * k1, `[${N},${k1}]`);
  checkLen(op, 'primaryGates', primaryGates, N * k1, `[${N},${k1}]`);
  const R = N * k1;
  const clean = floatArray(R * b, precision);
  const sigma = floatArray(R * b, precision);
  const useNoise = p.noisy && p.training;
  const raw = floatArray(b, precision);
  const noisy = floatArray(R * b, precision);
  const cell = floatArray(1, precision);
  for (let r = 0; r < N; r++) {
    for (let s = 0; s < k1; s++) {
      const g = groupAt(op, primaryIndices, r * k1 + s, k1, a);
      const o = (r * k1 + s) * b;
      groupLogits(x, r, D, wg2, g, b, clean, o);
      if (!useNoise) {
        for (let j = 0; j < b; j++) noisy[o + j] = clean[o + j]!;
        continue;
      }
      groupLogits(x, r, D, wn2!, g, b, raw, 0);
      for (let j = 0; j < b; j++) {
        sigma[o + j] = softplusScalar(raw[j]!) + p.eps;
        const z = normalDraw({ seed: p.seed, stream: p.stream, step: p.step, row: p.rowOffset + r, col: s * b + j });
        cell[0] = z * sigma[o + j]!;
        noisy[o + j] = clean[o + j]! + cell[0]!;
      }
    }
  }
  const kt = Math.min(k2 + 1, b);
  const top = topkRows(noisy, R, b, kt, precision);
  const localIndices = new Int32Array(R * k2);
  const indices = new Int32Array(R * k2);
  const sg = floatArray(R * k2, precision);
  const gates = floatArray(R * k2, precision);
  for (let q = 0; q < R; q++) {
    const g = primaryIndices[q]!;
    softmaxRowInto(top.values, q * kt, k2, sg, q * k2);
    for (let t = 0; t < k2; t++) {
      const j = top.indices[q * kt + t]!;
      localIndices[q * k2 + t] = j;
      indices[q * k2 + t] = g * b + j;
      gates[q * k2 + t] = primaryGates[q]! * sg[q * k2 + t]!;
    }
  }
  return { indices, gates, clean, sigma, topValues: top.values, localIndices, noisy };
}

/** Inputs of `hierLoadEstimate`. */
export interface HierLoadArgs extends Hierarchy {
  /** [a] smooth load of the primary gating. */
  primaryLoad: Num;
  /** i32 [N,k1] */
  primaryIndices: Num;
  /** [N,k1,b] */
  clean: Num;
  /** [N,k1,b] */
  sigma: Num;
  /** [N,k1,min(k2+1,b)] */
  topValues: Num;
  /** i32 [N,k1,k2] */
  localIndices: Num;
  N: number;
}

/** Per-group row counts c [a] and the per-group secondary smooth loads L [a·b] (f64). */
function groupLoads(p: HierLoadArgs, op = 'hierLoadEstimate'): { count: Float64Array; load: Float64Array } {
  checkHierarchy(op, p);
  const { a, b, k1, k2, N, primaryIndices, clean, sigma, topValues, localIndices } = p;
  const kt = Math.min(k2 + 1, b);
  checkLen(op, 'primaryLoad', p.primaryLoad, a, `[${a}]`);
  checkLen(op, 'primaryIndices', primaryIndices, N * k1, `[${N},${k1}]`);
  checkLen(op, 'clean2', clean, N * k1 * b, `[${N},${k1},${b}]`);
  checkLen(op, 'sigma2', sigma, N * k1 * b, `[${N},${k1},${b}]`);
  checkLen(op, 'topValues2', topValues, N * k1 * kt, `[${N},${k1},${kt}]`);
  checkLen(op, 'localIndices', localIndices, N * k1 * k2, `[${N},${k1},${k2}]`);
  const count = new Float64Array(a);
  const load = new Float64Array(a * b);
  const selected = new Uint8Array(b);
  for (let q = 0; q < N * k1; q++) {
    const g = groupAt(op, primaryIndices, q, k1, a);
    count[g]! += 1;
    selected.fill(0);
    for (let t = 0; t < k2; t++) selected[localAt(op, localIndices, q * k2 + t, k2, b)] = 1;
    const thrIn = k2 < b ? topValues[q * kt + k2]! : undefined;
    const thrOut = topValues[q * kt + k2 - 1]!;
    for (let j = 0; j < b; j++) load[g * b + j]! += loadProbability(clean[q * b + j]!, sigma[q * b + j]!, selected[j] === 1, thrIn, thrOut);
  }
  return { count, load };
}

/**
 * Hierarchical load (op `hierLoadEstimate`, paper Eq. 14): out[g·b+j] = primaryLoad[g]·L_gj / c_g
 * evaluated in f64 as (primaryLoad·L)/c and rounded once; 0 for a group no row chose (c_g = 0).
 * In evaluation (sigma = 0) the primary load is the hard count c_g and L the hard count of
 * (g, j), so the result is exactly the hard count of expert g·b + j.
 */
export function hierLoadEstimate(p: HierLoadArgs, precision: Precision = 'f32'): FloatArray {
  const { count, load } = groupLoads(p);
  const out = floatArray(p.a * p.b, precision);
  for (let g = 0; g < p.a; g++) {
    if (count[g] === 0) continue;
    for (let j = 0; j < p.b; j++) out[g * p.b + j] = (p.primaryLoad[g]! * load[g * p.b + j]!) / count[g]!;
  }
  return out;
}

/** Inputs of `hierLoadEstimateGrad`: those of hierLoadEstimate plus dout [a·b]. */
export interface HierLoadGradArgs extends HierLoadArgs {
  dout: Num;
}

/** Outputs of `hierLoadEstimateGrad`. */
export interface HierLoadGradResult {
  /** [a] */
  dprimaryLoad: FloatArray;
  /** [N,k1,b] */
  dclean: FloatArray;
  /** [N,k1,b] */
  dsigma: FloatArray;
}

/**
 * The vjp of hierLoadEstimate with thresholds and counts constant: dprimaryLoad[g] =
 * Σ_j dout[g·b+j]·L_gj / c_g; with w = dout[g·b+j]·primaryLoad[g]/c_g and z = (clean − thr)/sigma,
 * dclean = w·φ(z)/sigma and dsigma = −w·φ(z)·z/sigma where sigma > 0 (0 elsewhere, and for
 * selected experts when k2 = b, whose P = 1 is constant); everything is 0 for c_g = 0.
 */
export function hierLoadEstimateGrad(p: HierLoadGradArgs, precision: Precision = 'f32'): HierLoadGradResult {
  const op = 'hierLoadEstimateGrad';
  const { count, load } = groupLoads(p, op);
  const { a, b, k1, k2, N, dout, primaryLoad, primaryIndices, clean, sigma, topValues, localIndices } = p;
  checkLen(op, 'dout', dout, a * b, `[${a * b}]`);
  const kt = Math.min(k2 + 1, b);
  const dprimaryLoad = floatArray(a, precision);
  for (let g = 0; g < a; g++) {
    if (count[g] === 0) continue;
    let acc = 0;
    for (let j = 0; j < b; j++) acc += dout[g * b + j]! * load[g * b + j]!;
    dprimaryLoad[g] = acc / count[g]!;
  }
  const dclean = floatArray(N * k1 * b, precision);
  const dsigma = floatArray(N * k1 * b, precision);
  const selected = new Uint8Array(b);
  for (let q = 0; q < N * k1; q++) {
    const g = primaryIndices[q]!;
    selected.fill(0);
    for (let t = 0; t < k2; t++) selected[localIndices[q * k2 + t]!] = 1;
    const thrIn = k2 < b ? topValues[q * kt + k2]! : undefined;
    const thrOut = topValues[q * kt + k2 - 1]!;
    for (let j = 0; j < b; j++) {
      const s = sigma[q * b + j]!;
      if (!(s > 0) || (selected[j] === 1 && thrIn === undefined)) continue;
      const w = (dout[g * b + j]! * primaryLoad[g]!) / count[g]!;
      const z = (clean[q * b + j]! - (selected[j] === 1 ? thrIn! : thrOut)) / s;
      const pd = normalPdf(z);
      dclean[q * b + j] = (w * pd) / s;
      dsigma[q * b + j] = (-w * pd * z) / s;
    }
  }
  return { dprimaryLoad, dclean, dsigma };
}

/** Inputs of `secondaryGatingGrad`. */
export interface SecondaryGatingGradArgs extends SecondaryGatingArgs {
  /** [N,k1,min(k2+1,b)] forward output. */
  topValues: Num;
  /** i32 [N,k1,k2] forward output. */
  localIndices: Num;
  /** [N,k1·k2] */
  dgates: Num;
  /** [N,k1,b] */
  dclean: Num;
  /** [N,k1,b] */
  dsigma: Num;
}

/** Outputs of `secondaryGatingGrad`. */
export interface SecondaryGatingGradResult {
  dx: FloatArray;
  dwg2: FloatArray;
  /** Present when noisy. */
  dwn2?: FloatArray;
  dprimaryGates: FloatArray;
}

/**
 * The vjp of secondaryGating. Per (row r, slot s, group g): sg = softmax(topValues[..k2]) (as the
 * forward), dprimaryGates = Σ_t dgates·sg, dsg = dgates·primaryGate, dv = sg·(dsg − Σ sg·dsg)
 * scattered to the selected j's (dnoisy), dclean_T = dnoisy + dclean; in training with noise,
 * raw = x·wn2[g], z as the forward, draw = (dnoisy·z + dsigma)·sigmoid(raw) (0 otherwise);
 * dwg2[g] += xᵀ·dclean_T, dwn2[g] += xᵀ·draw, dx += dclean_T·wg2[g]ᵀ + draw·wn2[g]ᵀ; sums in (r, s)
 * order in f64, rounded once.
 */
export function secondaryGatingGrad(p: SecondaryGatingGradArgs, precision: Precision = 'f32'): SecondaryGatingGradResult {
  const op = 'secondaryGatingGrad';
  checkHierarchy(op, p);
  const { x, wg2, wn2, primaryIndices, primaryGates, topValues, localIndices, dgates, dclean, dsigma, N, D, a, b, k1, k2 } = p;
  const kt = Math.min(k2 + 1, b);
  checkLen(op, 'x', x, N * D, `[${N},${D}]`);
  checkLen(op, 'wg2', wg2, a * D * b, `[${a},${D},${b}]`);
  if (p.noisy && !wn2) throw new Error(`${op}: noisy gating needs noise weights wn2`);
  checkLen(op, 'topValues2', topValues, N * k1 * kt, `[${N},${k1},${kt}]`);
  checkLen(op, 'localIndices', localIndices, N * k1 * k2, `[${N},${k1},${k2}]`);
  checkLen(op, 'dgates', dgates, N * k1 * k2, `[${N},${k1 * k2}]`);
  checkLen(op, 'dclean2', dclean, N * k1 * b, `[${N},${k1},${b}]`);
  checkLen(op, 'dsigma2', dsigma, N * k1 * b, `[${N},${k1},${b}]`);
  const useNoise = p.noisy && p.training;
  const dx = new Float64Array(N * D);
  const dwg = new Float64Array(a * D * b);
  const dwn = new Float64Array(a * D * b);
  const dpg = floatArray(N * k1, precision);
  const sg = floatArray(k2, precision);
  const raw = floatArray(b, precision);
  const dc = new Float64Array(b);
  const dr = new Float64Array(b);
  const dn = new Float64Array(b);
  for (let r = 0; r < N; r++) {
    for (let s = 0; s < k1; s++) {
      const q = r * k1 + s;
      const g = groupAt(op, primaryIndices, q, k1, a);
      softmaxRowInto(topValues, q * kt, k2, sg, 0);
      const pg = primaryGates[q]!;
      let dp = 0;
      let dot = 0;
      for (let t = 0; t < k2; t++) {
        const dgt = dgates[q * k2 + t]!;
        dp += dgt * sg[t]!;
        dot += sg[t]! * dgt * pg;
      }
      dpg[q] = dp;
      dn.fill(0);
      for (let t = 0; t < k2; t++) dn[localAt(op, localIndices, q * k2 + t, k2, b)]! += sg[t]! * (dgates[q * k2 + t]! * pg - dot);
      for (let j = 0; j < b; j++) dc[j] = dn[j]! + dclean[q * b + j]!;
      dr.fill(0);
      if (useNoise) {
        groupLogits(x, r, D, wn2!, g, b, raw, 0);
        for (let j = 0; j < b; j++) {
          const z = normalDraw({ seed: p.seed, stream: p.stream, step: p.step, row: p.rowOffset + r, col: s * b + j });
          dr[j] = (dn[j]! * z + dsigma[q * b + j]!) * sigmoidScalar(raw[j]!);
        }
      }
      for (let d = 0; d < D; d++) {
        const xv = x[r * D + d]!;
        const row = (g * D + d) * b;
        let acc = 0;
        for (let j = 0; j < b; j++) {
          dwg[row + j]! += xv * dc[j]!;
          acc += dc[j]! * wg2[row + j]!;
          if (useNoise) {
            dwn[row + j]! += xv * dr[j]!;
            acc += dr[j]! * wn2![row + j]!;
          }
        }
        dx[r * D + d]! += acc;
      }
    }
  }
  const store = (v: Float64Array): FloatArray => {
    const o = floatArray(v.length, precision);
    o.set(v);
    return o;
  };
  const res: SecondaryGatingGradResult = { dx: store(dx), dwg2: store(dwg), dprimaryGates: dpg };
  if (p.noisy) res.dwn2 = store(dwn);
  return res;
}
