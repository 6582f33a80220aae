/**
 * WGSL forward kernel of the hierarchical MoE's secondary gating (paper App. B; op
 * `secondaryGating` in ir/ops.ts, reference in ir/reference/hierarchical.ts): L lanes per (row,
 * slot) compute the slot's group logits x·wg2[g] (and x·wn2[g]), sigma = softplus + eps (the
 * reference's log1p form), the Philox noise of column s·b + j and the noisy logits, each lane
 * keeping a private top-(k2+1) of its experts; a fixed-order merge gives the top min(k2+1, b)
 * (value desc, index asc, NaN last — the reference's order) and the lanes write the
 * softmax-weighted gates times the primary gate. Nothing of size b lives in workgroup memory and
 * the grid folds over 65535, so any b and any number of groups work. Also what its gradient
 * and load kernels share (the uniform fields, typed binding declarations). Shapes are uniforms.
 */
import { ceilDiv, FLAT_WORKGROUP_WGSL, grid1d, type Kernel } from './kernel.ts';
import { defineProgram, type BindingDecl, type ElementType, type Program, type UniformValues } from './program.ts';
import { SOFTPLUS_WGSL, TOPK_ORDER_WGSL, topkSelectWgsl } from './gating-snippets.ts';
import { PHILOX_ROUND_WGSL, philoxWgsl } from './philox.ts';

/** Shape and RNG site of the secondary gating kernels. */
export interface SecondaryGatingKernelOptions {
  readonly N: number;
  readonly D: number;
  readonly a: number;
  readonly b: number;
  readonly k1: number;
  readonly k2: number;
  readonly noisy: boolean;
  readonly eps: number;
  readonly stream: number;
  readonly rowOffset: number;
  readonly seed: number;
  readonly step: number;
  /** Training (default true): sigma = softplus + eps; evaluation: 0. */
  readonly train?: boolean;
  /** The scalar (one expert per step) kernels even when b is a multiple of 4 (tests compare the two forms' bits). */
  readonly scalar?: boolean;
}

/** Largest D whose x row the vec4 forward keeps in a private array (read D times per expert quad, loaded once). */
const X_PRELOAD_MAX = 64;

/** Largest k2 + 1 the gating kernels keep in workgroup memory. */
export const HIER_TOP_MAX = 64;

/** The uniform fields of every secondary gating kernel (forward and gradients), in struct order. */
export const SECONDARY_UNIFORMS = Object.freeze({
  N: 'u32', D: 'u32', a: 'u32', b: 'u32', k1: 'u32', k2: 'u32', kt: 'u32', seed: 'u32', stream: 'u32', step: 'u32', rowOffset: 'u32', train: 'u32', eps: 'f32',
} as const);

/** The values of `SECONDARY_UNIFORMS` for `o` (kt = min(k2 + 1, b); train 1 unless `train` is false). */
export function secondaryUniformValues(o: SecondaryGatingKernelOptions): UniformValues<typeof SECONDARY_UNIFORMS> {
  const { N, D, a, b, k1, k2, seed, stream, step, rowOffset, eps } = o;
  return { N, D, a, b, k1, k2, kt: Math.min(k2 + 1, b), seed, stream, step, rowOffset, train: o.train === false ? 0 : 1, eps };
}

/** A read-only storage binding of element type `type` (the hierarchical kernels' declarations). */
export const readOnly = (type: ElementType = 'f32'): BindingDecl => ({ access: 'read', type });
/** A read_write storage binding of element type `type`. */
export const readWrite = (type: ElementType = 'f32'): BindingDecl => ({ access: 'read_write', type });

/**
 * Whether the secondary gating kernels take experts four at a time (vec4 loads and stores of the
 * [·, b] rows and of wg2/wn2): b a multiple of 4. Every output keeps its own fma chain in the same
 * order, so the bits equal the scalar form's.
 */
export function secondaryVec4(o: Pick<SecondaryGatingKernelOptions, 'b' | 'scalar'>): boolean {
  return o.b % 4 === 0 && !o.scalar;
}

/**
 * WGSL: `philox_word` (compiler/wgsl/philox.ts, Philox4x32-10 with counter (row, col, step, 0))
 * split at the column: its first round and half of its second do not depend on the column, so
 * `philox_row(seed, stream, step, row)` computes them once per row and `philox_col(st, col)` the
 * rest — the same operations on the same values, so `philox_col(philox_row(…, row), col)` equals
 * `philox_word(…, row, col)` bit for bit (the last round computes only the returned word).
 * Needs philoxWgsl()'s mulhi32.
 */
const PHILOX_SPLIT_WGSL = /* wgsl */ `
struct PhiloxRow { a: u32, e: u32, p0: u32, p1: u32, k0: u32, k1: u32, k1b: u32 }
fn philox_row(seed: u32, stream: u32, step: u32, row: u32) -> PhiloxRow {
  // Round 1: c0 = hi(M1·step) ^ col ^ seed, c1 = lo(M1·step), c2 = hi(M0·row) ^ stream, c3 = lo(M0·row).
  let a = mulhi32(0xcd9e8d57u, step) ^ seed;
  let c1 = 0xcd9e8d57u * step;
  let c2 = mulhi32(0xd2511f53u, row) ^ stream;
  let e = 0xd2511f53u * row;
  // Round 2's column-free half: c0' = hi(M1·c2) ^ c1 ^ k0, c1' = lo(M1·c2).
  let k0 = seed + 0x9e3779b9u;
  let k1 = stream + 0xbb67ae85u;
  return PhiloxRow(a, e, mulhi32(0xcd9e8d57u, c2) ^ c1 ^ k0, 0xcd9e8d57u * c2, k0 + 0x9e3779b9u, k1 + 0xbb67ae85u, k1);
}
fn philox_col(st: PhiloxRow, col: u32) -> u32 {
  // Round 2's column half: c2' = hi(M0·c0) ^ c3 ^ k1, c3' = lo(M0·c0), with c0 = a ^ col.
  let x = st.a ^ col;
  var c0 = st.p0;
  var c1 = st.p1;
  var c2 = mulhi32(0xd2511f53u, x) ^ st.e ^ st.k1b;
  var c3 = 0xd2511f53u * x;
  var k0 = st.k0;
  var k1 = st.k1;
  for (var r = 2u; r < 9u; r++) {
${PHILOX_ROUND_WGSL}
  }
  // Round 10: only the returned word c0.
  return mulhi32(0xcd9e8d57u, c2) ^ c1 ^ k0;
}
`;

/** Invocations per (row, slot) of the forward secondary gating: 8, as `gatingRowsLanes` (measured there). */
export function secondaryLanes(_b: number): number {
  return 8;
}

/**
 * The forward secondary gating program of `o`'s variant (noise, KT, vec4 form, x preload; the
 * other options are uniforms): build it once and pack each run's `secondaryUniformValues` with its
 * `uniformData`. Bindings: x, wg2, [wn2, normTables], primaryIndices, primaryGates, indices,
 * gates, clean, sigma, topValues, localIndices, params.
 */
export function secondaryGatingProgram(o: SecondaryGatingKernelOptions): Program<typeof SECONDARY_UNIFORMS> {
  const kt = Math.min(o.k2 + 1, o.b);
  if (kt > HIER_TOP_MAX) throw new Error(`secondaryGating: k2 + 1 = ${kt} exceeds ${HIER_TOP_MAX}; use k2 ≤ ${HIER_TOP_MAX - 1}`);
  const lanes = secondaryLanes(o.b);
  const per = 64 / lanes;
  const v4 = secondaryVec4(o);
  const xPre = v4 && o.D <= X_PRELOAD_MAX;
  const vt: ElementType = v4 ? 'vec4<f32>' : 'f32';
  const bindings = {
    x: readOnly(),
    wg2: readOnly(vt),
    ...(o.noisy ? { wn2: readOnly(vt), normTables: readOnly() } : {}),
    primaryIndices: readOnly('i32'),
    primaryGates: readOnly(),
    indices: readWrite('i32'),
    gates: readWrite(),
    clean: readWrite(vt),
    sigma: readWrite(vt),
    topValues: readWrite(),
    localIndices: readWrite('i32'),
  };
  const source = /* wgsl */ `// noisy=${o.noisy} kt=${kt} lanes=${lanes} vec4=${v4} xPreload=${xPre}
${FLAT_WORKGROUP_WGSL}
${o.noisy ? philoxWgsl() : ''}
${o.noisy && v4 ? PHILOX_SPLIT_WGSL : ''}
${SOFTPLUS_WGSL}
${TOPK_ORDER_WGSL}
${topkSelectWgsl(kt, 64, lanes)}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let seg = t / ${lanes}u;
  let lane = t % ${lanes}u;
  let q = flat_workgroup(wid, nwg) * ${per}u + seg;
  let k1 = params.k1;
  let live = q < params.N * k1; // pairs past the end still join the merge's barriers
  let r = q / k1;
  let s = q % k1;
  let D = params.D;
  let b = params.b;
  var g = 0u;
  topk_reset();
  if (live) {
    g = u32(primaryIndices[q]);
    ${v4 ? `let b4 = b / 4u;
    ${o.noisy ? 'let ph = philox_row(params.seed, params.stream, params.step, r + params.rowOffset);' : ''}
    ${xPre ? `// The row of x once per lane (private, read below at the loop's uniform d).
    var xr: array<f32, ${X_PRELOAD_MAX}>;
    for (var d = 0u; d < D; d++) { xr[d] = x[r * D + d]; }` : ''}
    for (var j4 = lane; j4 < b4; j4 += ${lanes}u) {
      var accC = vec4<f32>(0.0);
      var accR = vec4<f32>(0.0);
      for (var d = 0u; d < D; d++) {
        let xv = vec4<f32>(${xPre ? 'xr[d]' : 'x[r * D + d]'});
        accC = fma(xv, wg2[(g * D + d) * b4 + j4], accC);
        ${o.noisy ? 'accR = fma(xv, wn2[(g * D + d) * b4 + j4], accR);' : ''}
      }
      var sg4 = vec4<f32>(0.0);
      for (var u = 0u; u < 4u; u++) {
        let j = j4 * 4u + u;
        var sg = 0.0;
        var nz = accC[u];
        ${o.noisy ? `if (params.train != 0u) {
          sg = gs_softplus(accR[u]) + params.eps;
          nz = accC[u] + normal_from_word(philox_col(ph, s * b + j)) * sg;
        }` : ''}
        sg4[u] = sg;
        topk_offer(nz, j);
      }
      clean[q * b4 + j4] = accC;
      sigma[q * b4 + j4] = sg4;
    }` : `for (var j = lane; j < b; j += ${lanes}u) {
      var accC = 0.0;
      var accR = 0.0;
      for (var d = 0u; d < D; d++) {
        let xv = x[r * D + d];
        accC = fma(xv, wg2[(g * D + d) * b + j], accC);
        ${o.noisy ? 'accR = fma(xv, wn2[(g * D + d) * b + j], accR);' : ''}
      }
      var sg = 0.0;
      var nz = accC;
      ${o.noisy ? `if (params.train != 0u) {
        sg = gs_softplus(accR) + params.eps;
        nz = accC + normal_from_word(philox_word(params.seed, params.stream, params.step, r + params.rowOffset, s * b + j)) * sg;
      }` : ''}
      clean[q * b + j] = accC;
      sigma[q * b + j] = sg;
      topk_offer(nz, j);
    }`}
  }
  let kt = params.kt;
  topk_merge(t, kt);
  if (!live) { return; }
  let k2 = params.k2;
  let tb = seg * TOPK_KT;
  for (var p = lane; p < kt; p += ${lanes}u) { topValues[q * kt + p] = topV[tb + p]; }
  let m = topV[tb];
  var sum = 0.0;
  for (var j = 0u; j < k2; j++) { sum += exp(topV[tb + j] - m); }
  let pg = primaryGates[q];
  for (var j = lane; j < k2; j += ${lanes}u) {
    localIndices[q * k2 + j] = i32(topI[tb + j]);
    indices[q * k2 + j] = i32(g * b + topI[tb + j]);
    gates[q * k2 + j] = pg * (exp(topV[tb + j] - m) / sum);
  }
}
`;
  return defineProgram({ name: 'secondary_gating', bindings, uniforms: SECONDARY_UNIFORMS, workgroupSize: 64, source });
}

/**
 * Forward secondary gating (`secondaryGatingProgram`'s bindings): 64-invocation workgroups of
 * 64/L (row, slot) pairs with L = `secondaryLanes(b)` lanes each; the lanes keep private
 * top-(k2+1) lists of their strided experts, merged in a fixed order (gating-snippets.ts), so b
 * is not bounded by workgroup memory. Grid folded over 65535.
 */
export function secondaryGatingKernel(o: SecondaryGatingKernelOptions): Kernel {
  const per = 64 / secondaryLanes(o.b);
  return secondaryGatingProgram(o).kernel(o.N * o.k1 === 0 ? [0, 1, 1] : grid1d(ceilDiv(o.N * o.k1, per)), secondaryUniformValues(o));
}
