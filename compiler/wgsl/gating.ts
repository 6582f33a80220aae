/**
 * Fused noisy top-k gating (paper Eq. 3-5; op `gating` in ir/ops.ts) as ONE dispatch: each
 * 64-thread workgroup owns RB = 8 rows. Phase 1 computes clean = x·wg and raw = x·wn for its rows
 * (x staged in workgroup memory 64 columns of D at a time, one expert column per thread), sigma =
 * softplus(raw) + eps in training and 0 in evaluation, and the noisy logits clean + z·sigma with z
 * drawn by Philox (key (seed, stream), counter (rowOffset+row, col, step, 0)) through the table
 * sampler of ir/rng.ts, or read from an explicit noise buffer. Phase 2 selects the top
 * min(k+1, n) noisy values per row (8 lanes per row; k+1 rounds of a lane-parallel argmax whose
 * order is the reference's (value desc, index asc, NaN last), so ties go to the lower index) and a
 * softmax over the top k. Softplus in the reference's log1p form (gating-snippets.ts).
 * n, k, D, N, seed, step, ... are uniforms; the expert count is bounded by the compile-time NMAX.
 */
import { ceilDiv, FLAT_WORKGROUP_WGSL, type Kernel } from './kernel.ts';
import { defineProgram, type Program, type UniformValues } from './program.ts';
import { philoxWgsl } from './philox.ts';
import { SOFTPLUS_WGSL, TOPK_ORDER_WGSL } from './gating-snippets.ts';

/** Options of the gating template. */
export interface GatingKernelOptions {
  readonly N: number;
  readonly D: number;
  /** Number of experts (≤ nMax). */
  readonly n: number;
  readonly k: number;
  /** Has noise weights wn (binding 'wn'). */
  readonly noisy: boolean;
  /** Reads noise [N,n] from binding 'noise' instead of drawing it. */
  readonly explicitNoise: boolean;
  /** Training (sigma = softplus + eps) or evaluation (sigma = 0). Default true. */
  readonly train?: boolean;
  readonly eps: number;
  readonly seed: number;
  readonly stream: number;
  readonly step: number;
  readonly rowOffset: number;
  /** Compile-time bound on n (workgroup memory); default: 256 when n ≤ 256, else n rounded to 64. */
  readonly nMax?: number;
}

const RB = 8;

/** The gating kernel's uniform fields (shapes, RNG site and step, mode). */
const GATING_UNIFORMS = Object.freeze({ N: 'u32', D: 'u32', n: 'u32', k: 'u32', kt: 'u32', seed: 'u32', stream: 'u32', step: 'u32', rowOffset: 'u32', train: 'u32', eps: 'f32' } as const);

/**
 * The gating program of `o`'s variant (noise mode and nMax; the other options are uniforms):
 * build it once and pack each run's `gatingUniformValues` with its `uniformData`. Bindings: x,
 * wg, [wn], [noise], [normTables], indices (i32), gates, clean, sigma, topValues, params.
 * normTables ([Q|D], see philox.ts) is present when noisy and not explicit.
 */
export function gatingProgram(o: GatingKernelOptions): Program<typeof GATING_UNIFORMS> {
  const nMax = o.nMax ?? (o.n <= 256 ? 256 : ceilDiv(o.n, 64) * 64);
  if (o.n > nMax) throw new Error(`gating: n=${o.n} exceeds nMax=${nMax}`);
  const topMax = Math.min(nMax, 64);
  const kt = Math.min(o.k + 1, o.n);
  if (kt > topMax) throw new Error(`gating: k+1=${kt} exceeds ${topMax}`);
  if (RB * nMax * 4 + 3 * RB * topMax * 4 + 64 * 8 + RB * 64 * 4 > 32768) throw new Error(`gating: nMax=${nMax} too large`);
  const drawn = o.noisy && !o.explicitNoise;
  const explicit = o.noisy && o.explicitNoise;
  const f32r = { access: 'read', type: 'f32' } as const;
  const f32w = { access: 'read_write', type: 'f32' } as const;
  const bindings = {
    x: f32r,
    wg: f32r,
    ...(o.noisy ? { wn: f32r } : {}),
    ...(explicit ? { noise: f32r } : {}),
    ...(drawn ? { normTables: f32r } : {}),
    indices: { access: 'read_write', type: 'i32' } as const,
    gates: f32w,
    clean: f32w,
    sigma: f32w,
    topValues: f32w,
  };
  const noiseExpr = drawn
    ? 'normal_from_word(philox_word(params.seed, params.stream, params.step, row + params.rowOffset, col))'
    : explicit
      ? 'noise[row * n + col]'
      : '0.0';
  const source = /* wgsl */ `// noisy=${o.noisy} explicit=${o.explicitNoise} nMax=${nMax}
${FLAT_WORKGROUP_WGSL}
${drawn ? philoxWgsl() : ''}
const RB = ${RB}u;
const NMAX = ${nMax}u;
const TOPMAX = ${topMax}u;
const NONE = TOPK_NONE;
var<workgroup> xs: array<f32, ${RB * 64}>;      // [RB][64] slice of x
var<workgroup> noisyS: array<f32, ${RB * nMax}>; // [RB][NMAX]
var<workgroup> topV: array<f32, ${RB * topMax}>;
var<workgroup> topI: array<u32, ${RB * topMax}>;
var<workgroup> candV: array<f32, 64>;
var<workgroup> candI: array<u32, 64>;

${SOFTPLUS_WGSL}
${TOPK_ORDER_WGSL}
// (v, i) comes strictly before (w, j) in the reference's order (value desc, index asc, NaN last)?
fn before(v: f32, i: u32, w: f32, j: u32) -> bool { return gs_before(v, i, w, j); }

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let N = params.N;
  let D = params.D;
  let n = params.n;
  let r0 = flat_workgroup(wid, nwg) * RB;
  if (r0 >= N) { return; }
  // ---- phase 1: logits, sigma, noisy --------------------------------------------------------
  for (var c0 = 0u; c0 < n; c0 += 64u) {
    let col = c0 + t;
    var accC: array<f32, ${RB}>;
    var accR: array<f32, ${RB}>;
    for (var r = 0u; r < RB; r++) { accC[r] = 0.0; accR[r] = 0.0; }
    for (var d0 = 0u; d0 < D; d0 += 64u) {
      for (var r = 0u; r < RB; r++) {
        let row = r0 + r;
        var v = 0.0;
        if (row < N && d0 + t < D) { v = x[row * D + d0 + t]; }
        xs[r * 64u + t] = v;
      }
      workgroupBarrier();
      if (col < n) {
        let dEnd = min(64u, D - d0);
        for (var dd = 0u; dd < dEnd; dd++) {
          let g = wg[(d0 + dd) * n + col];
          ${o.noisy ? 'let h = wn[(d0 + dd) * n + col];' : ''}
          for (var r = 0u; r < RB; r++) {
            let xv = xs[r * 64u + dd];
            accC[r] = fma(xv, g, accC[r]);
            ${o.noisy ? 'accR[r] = fma(xv, h, accR[r]);' : ''}
          }
        }
      }
      workgroupBarrier();
    }
    if (col < n) {
      for (var r = 0u; r < RB; r++) {
        let row = r0 + r;
        if (row >= N) { break; }
        let cl = accC[r];
        var sg = 0.0;
        ${o.noisy ? 'if (params.train != 0u) { sg = gs_softplus(accR[r]) + params.eps; }' : ''}
        var nz = cl;
        ${o.noisy ? `if (sg != 0.0) { nz = cl + ${noiseExpr} * sg; }` : ''}
        clean[row * n + col] = cl;
        sigma[row * n + col] = sg;
        noisyS[r * NMAX + col] = nz;
      }
    }
  }
  workgroupBarrier();
  // ---- phase 2: top-(k+1), 8 lanes per row -----------------------------------------------------
  let r = t / 8u;
  let lane = t % 8u;
  let kt = params.kt;
  for (var p = 0u; p < kt; p++) {
    var prevV = 0.0;
    var prevI = NONE;
    if (p > 0u) { prevV = topV[r * TOPMAX + p - 1u]; prevI = topI[r * TOPMAX + p - 1u]; }
    var bestV = 0.0;
    var bestI = NONE;
    for (var c = lane; c < n; c += 8u) {
      let v = noisyS[r * NMAX + c];
      let eligible = prevI == NONE || before(prevV, prevI, v, c);
      if (eligible && before(v, c, bestV, bestI)) { bestV = v; bestI = c; }
    }
    candV[t] = bestV;
    candI[t] = bestI;
    workgroupBarrier();
    if (lane == 0u) {
      var bv = candV[t];
      var bi = candI[t];
      for (var l = 1u; l < 8u; l++) {
        let ci = candI[t + l];
        if (ci != NONE && before(candV[t + l], ci, bv, bi)) { bv = candV[t + l]; bi = ci; }
      }
      topV[r * TOPMAX + p] = bv;
      topI[r * TOPMAX + p] = bi;
    }
    workgroupBarrier();
  }
  // ---- outputs ---------------------------------------------------------------------------------
  let row = r0 + r;
  if (row >= N) { return; }
  let k = params.k;
  for (var j = lane; j < kt; j += 8u) { topValues[row * kt + j] = topV[r * TOPMAX + j]; }
  let m = topV[r * TOPMAX];
  var s = 0.0;
  for (var j = 0u; j < k; j++) { s += exp(topV[r * TOPMAX + j] - m); }
  for (var j = lane; j < k; j += 8u) {
    indices[row * k + j] = i32(topI[r * TOPMAX + j]);
    gates[row * k + j] = exp(topV[r * TOPMAX + j] - m) / s;
  }
}
`;
  return defineProgram({ name: 'gating', bindings, uniforms: GATING_UNIFORMS, workgroupSize: 64, source });
}

/** The gating kernel's uniform values for `o` (kt = min(k + 1, n); train 1 unless `train` is false). */
export function gatingUniformValues(o: GatingKernelOptions): UniformValues<typeof GATING_UNIFORMS> {
  const { N, D, n, k, seed, stream, step, rowOffset, eps } = o;
  return { N, D, n, k, kt: Math.min(k + 1, n), seed, stream, step, rowOffset, train: o.train === false ? 0 : 1, eps };
}

/** Gating kernel (`gatingProgram`'s bindings); RB rows per workgroup, grid folded over 65535. */
export function gatingKernel(o: GatingKernelOptions): Kernel {
  const dispatch = [Math.min(ceilDiv(o.N, RB), 65535), ceilDiv(ceilDiv(o.N, RB), 65535), 1] as const;
  return gatingProgram(o).kernel(dispatch, gatingUniformValues(o));
}
