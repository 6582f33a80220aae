/**
 * Gradients of the MoE gating and balancing ops: `scatterTopk` (dvals scattered to the selected
 * experts of each row), `importanceGrad` (a gather dimportance[indices]), `cvSquaredGrad` (one
 * workgroup: mean and variance by fixed-order tree sums, then the analytic gradient, exactly 0 for
 * n < 2 and constant vectors as the reference), `loadEstimateGrad` (elementwise over [N, n] with
 * the forward's thresholds held constant: dclean = dload·φ(z)/σ, dsigma = −dload·φ(z)·z/σ, 0 where
 * σ = 0 or P is the constant 1) and `moeCombineGrad` (one 64-invocation workgroup per (row, j)
 * pair: writes dy[position] = gate·dout row, coalesced, and reduces dgates = dout·y[position] with a
 * fixed tree; for rows of ≤ 64 one invocation per pair, a sequential sum), and `gatingLogitsGrad` (one pass over [N, n] for the noisy gating's logits: the
 * scatter of the gates' gradient, the load loss's dclean added, the noise z redrawn by Philox at
 * the forward's site and the softplus derivative — what scatterTopk, add, randomNormal, mul, add
 * and noiseStdGrad did in six passes). Every output element has exactly one writer and every sum a fixed order, so all are
 * deterministic; sizes live in the uniforms.
 */
import { FLAT_WORKGROUP_WGSL, grid1d, ceilDiv, type Kernel } from './kernel.ts';
import { workgroupReduce } from './reduce-snippets.ts';
import { philoxWgsl } from './philox.ts';
import { EW_HELPERS_WGSL } from './elementwise.ts';
import { defineProgram } from './program.ts';

const WG = 64;

const INDEX = `let i = flat_workgroup(wid, nwg) * ${WG}u + lid;`;
/** The flat-index kernels' entry point (`INDEX` gives the element), with the flat_workgroup helper. */
const MAIN = `${FLAT_WORKGROUP_WGSL}@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32)`;

const TREE = workgroupReduce(WG);

/** The scatterTopk program (one module for every shape). */
const SCATTER_TOPK = defineProgram({
  name: 'scatter_topk',
  bindings: {
    dvals: { access: 'read', type: 'f32' },
    indices: { access: 'read', type: 'i32' },
    out: { access: 'read_write', type: 'f32' },
  },
  uniforms: { N: 'u32', k: 'u32', n: 'u32' },
  workgroupSize: WG,
  source: /* wgsl */ `// scatter top-k gradient
${MAIN} {
  ${INDEX}
  if (i >= params.N * params.n) { return; }
  let row = i / params.n;
  let e = i32(i - row * params.n);
  var acc = 0.0;
  for (var j = 0u; j < params.k; j++) {
    if (indices[row * params.k + j] == e) { acc += dvals[row * params.k + j]; }
  }
  out[i] = acc;
}
`,
});

/** scatterTopk: (dvals [N,k], indices [N,k]) → out [N,n]. Bindings dvals, indices, out, params. */
export function scatterTopkKernel(o: { readonly N: number; readonly k: number; readonly n: number }): Kernel {
  return SCATTER_TOPK.kernel(grid1d(ceilDiv(o.N * o.n, WG)), { N: o.N, k: o.k, n: Math.max(1, o.n) });
}

/** The importanceGrad program (one module for every shape). */
const IMPORTANCE_GRAD = defineProgram({
  name: 'importance_grad',
  bindings: {
    dimportance: { access: 'read', type: 'f32' },
    indices: { access: 'read', type: 'i32' },
    out: { access: 'read_write', type: 'f32' },
  },
  uniforms: { count: 'u32' },
  workgroupSize: WG,
  source: /* wgsl */ `// importance gradient (gather)
${MAIN} {
  ${INDEX}
  if (i >= params.count) { return; }
  out[i] = dimportance[u32(indices[i])];
}
`,
});

/** importanceGrad: (dimportance [n], indices [N,k]) → dgates [N,k]. Bindings dimportance, indices, out, params. */
export function importanceGradKernel(o: { readonly N: number; readonly k: number }): Kernel {
  return IMPORTANCE_GRAD.kernel(grid1d(ceilDiv(o.N * o.k, WG)), { count: o.N * o.k });
}

/** Smallest vector (a multiple of 4) whose CV² gradient runs with 256 invocations and vec4 loads and stores. */
const CV_WIDE_MIN = 4096;

/**
 * cvSquaredGrad of a long vector (n ≥ CV_WIDE_MIN, a multiple of 4): the same three passes with
 * 256 invocations over vec4s t, t + 256, … (components in order) and 256-wide fixed trees (the
 * hierarchical MoE's 65536-expert importance and load).
 */
const CV_SQUARED_GRAD_WIDE = defineProgram({
  name: 'cv_squared_grad',
  bindings: {
    v: { access: 'read', type: 'vec4<f32>' },
    dcv: { access: 'read', type: 'f32' },
    out: { access: 'read_write', type: 'vec4<f32>' },
  },
  uniforms: { n: 'u32' },
  workgroupSize: 256,
  source: /* wgsl */ `// CV² gradient (one workgroup of 256, vec4 loads, fixed-order trees)
${workgroupReduce(256)}
@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32) {
  let n = params.n;
  let n4 = n / 4u;
  let v0 = v[0].x;
  var s = 0.0;
  var diff = 0.0;
  for (var i = t; i < n4; i += 256u) {
    let x = v[i];
    s += x.x;
    s += x.y;
    s += x.z;
    s += x.w;
    diff += dot(select(vec4<f32>(0.0), vec4<f32>(1.0), x != vec4<f32>(v0)), vec4<f32>(1.0));
  }
  let total = tree_sum(s, t);
  let differ = tree_sum(diff, t);
  let mean = total / f32(n);
  var ss = 0.0;
  for (var i = t; i < n4; i += 256u) {
    let d = v[i] - vec4<f32>(mean);
    ss = fma(d.x, d.x, ss);
    ss = fma(d.y, d.y, ss);
    ss = fma(d.z, d.z, ss);
    ss = fma(d.w, d.w, ss);
  }
  let variance = tree_sum(ss, t) / f32(n);
  let den = mean * mean + 1e-10;
  let nf = f32(n);
  let shift = (2.0 * mean * variance) / (nf * den * den);
  let g = dcv[0];
  for (var i = t; i < n4; i += 256u) {
    var r = g * ((2.0 * (v[i] - vec4<f32>(mean))) / (nf * den) - vec4<f32>(shift));
    if (differ == 0.0) { r = vec4<f32>(0.0); }
    out[i] = r;
  }
}
`,
});

/** cvSquaredGrad of any length: one 64-invocation workgroup, fixed-order trees. */
const CV_SQUARED_GRAD = defineProgram({
  name: 'cv_squared_grad',
  bindings: {
    v: { access: 'read', type: 'f32' },
    dcv: { access: 'read', type: 'f32' },
    out: { access: 'read_write', type: 'f32' },
  },
  uniforms: { n: 'u32' },
  workgroupSize: WG,
  source: /* wgsl */ `// CV² gradient (one workgroup, fixed-order trees)
${TREE}
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) t: u32) {
  let n = params.n;
  if (n < 2u) {
    for (var i = t; i < n; i += ${WG}u) { out[i] = 0.0; }
    return;
  }
  let v0 = v[0];
  var s = 0.0;
  var diff = 0.0;
  for (var i = t; i < n; i += ${WG}u) { s += v[i]; diff += select(0.0, 1.0, v[i] != v0); }
  let total = tree_sum(s, t);
  let differ = tree_sum(diff, t);
  let mean = total / f32(n);
  var ss = 0.0;
  for (var i = t; i < n; i += ${WG}u) { let d = v[i] - mean; ss = fma(d, d, ss); }
  let variance = tree_sum(ss, t) / f32(n);
  let den = mean * mean + 1e-10;
  let nf = f32(n);
  let shift = (2.0 * mean * variance) / (nf * den * den);
  let g = dcv[0];
  for (var i = t; i < n; i += ${WG}u) {
    var r = g * ((2.0 * (v[i] - mean)) / (nf * den) - shift);
    if (differ == 0.0) { r = 0.0; }
    out[i] = r;
  }
}
`,
});

/** cvSquaredGrad: (v [n], dcv [1]) → dv [n], one workgroup (of 256 with vec4 loads for n ≥ 4096, a multiple of 4). Bindings v, dcv, out, params. */
export function cvSquaredGradKernel(o: { readonly n: number }): Kernel {
  const wide = o.n >= CV_WIDE_MIN && o.n % 4 === 0;
  return (wide ? CV_SQUARED_GRAD_WIDE : CV_SQUARED_GRAD).kernel([1, 1, 1], { n: o.n });
}

/** The loadEstimateGrad program (one module for every shape). */
const LOAD_ESTIMATE_GRAD = defineProgram({
  name: 'load_estimate_grad',
  bindings: {
    clean: { access: 'read', type: 'f32' },
    sigma: { access: 'read', type: 'f32' },
    topValues: { access: 'read', type: 'f32' },
    indices: { access: 'read', type: 'i32' },
    dload: { access: 'read', type: 'f32' },
    dclean: { access: 'read_write', type: 'f32' },
    dsigma: { access: 'read_write', type: 'f32' },
  },
  uniforms: { N: 'u32', n: 'u32', k: 'u32', kt: 'u32' },
  workgroupSize: WG,
  source: /* wgsl */ `// load estimator gradient (thresholds constant)
${MAIN} {
  ${INDEX}
  let n = params.n;
  let k = params.k;
  let kt = params.kt;
  if (i >= params.N * n) { return; }
  let row = i / n;
  let e = i - row * n;
  var sel = false;
  for (var j = 0u; j < k; j++) {
    if (indices[row * k + j] == i32(e)) { sel = true; }
  }
  let sg = sigma[i];
  var dc = 0.0;
  var ds = 0.0;
  if (sg > 0.0 && !(sel && kt == k)) {
    var thr: f32;
    if (sel) { thr = topValues[row * kt + k]; } else { thr = topValues[row * kt + k - 1u]; }
    let z = (clean[i] - thr) / sg;
    let pd = exp(-0.5 * z * z) * 0.3989422804014327;
    dc = dload[e] * pd / sg;
    ds = -dload[e] * pd * z / sg;
  }
  dclean[i] = dc;
  dsigma[i] = ds;
}
`,
});

/**
 * loadEstimateGrad over [N, n]. Bindings clean, sigma, topValues ([N, min(k+1, n)]), indices,
 * dload [n], dclean, dsigma (read_write), params.
 */
export function loadEstimateGradKernel(o: { readonly N: number; readonly n: number; readonly k: number }): Kernel {
  return LOAD_ESTIMATE_GRAD.kernel(grid1d(ceilDiv(o.N * o.n, WG)), { N: o.N, n: Math.max(1, o.n), k: o.k, kt: Math.min(o.k + 1, o.n) });
}

/**
 * Largest row width D at which moeCombineGrad runs one invocation per pair (a 64-invocation
 * workgroup with a barrier tree per pair costs far more than a D-long loop on lavapipe: 0.72 ms
 * for 256 pairs at D 16 in the hierarchical step).
 */
export const COMBINE_GRAD_LANE_MAX_D = 64;

/** Bindings of both moeCombineGrad forms. */
const COMBINE_GRAD_BINDINGS = {
  dout: { access: 'read', type: 'f32' },
  y: { access: 'read', type: 'f32' },
  position: { access: 'read', type: 'i32' },
  gates: { access: 'read', type: 'f32' },
  dy: { access: 'read_write', type: 'f32' },
  dgates: { access: 'read_write', type: 'f32' },
} as const;

/** Uniforms of both moeCombineGrad forms. */
const COMBINE_GRAD_UNIFORMS = { pairs: 'u32', k: 'u32', D: 'u32' } as const;

/** Narrow rows: one invocation per pair, dgates summed over c ascending, no barrier. */
const COMBINE_GRAD_LANES = defineProgram({
  name: 'combine_grad',
  bindings: COMBINE_GRAD_BINDINGS,
  uniforms: COMBINE_GRAD_UNIFORMS,
  workgroupSize: WG,
  source: /* wgsl */ `// combine gradient, one invocation per (row, j)
${MAIN} {
  ${INDEX}
  if (i >= params.pairs) { return; }
  let D = params.D;
  let row = i / params.k;
  let ps = position[i];
  var acc = 0.0;
  if (ps >= 0) {
    let s = u32(ps);
    let g = gates[i];
    for (var c = 0u; c < D; c++) {
      let d = dout[row * D + c];
      dy[s * D + c] = g * d;
      acc = fma(d, y[s * D + c], acc);
    }
  }
  dgates[i] = acc;
}
`,
});

/** Wide rows: one workgroup per pair, dgates by the fixed tree. */
const COMBINE_GRAD = defineProgram({
  name: 'combine_grad',
  bindings: COMBINE_GRAD_BINDINGS,
  uniforms: COMBINE_GRAD_UNIFORMS,
  workgroupSize: WG,
  source: /* wgsl */ `// combine gradient, one workgroup per (row, j)
${TREE}
${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let pair = flat_workgroup(wid, nwg);
  if (pair >= params.pairs) { return; }
  let D = params.D;
  let row = pair / params.k;
  let ps = position[pair];
  let valid = ps >= 0; // not branched on around the tree's barriers (uniformity)
  let s = u32(max(ps, 0));
  let g = gates[pair];
  var acc = 0.0;
  for (var c = t; c < D; c += ${WG}u) {
    if (valid) {
      let d = dout[row * D + c];
      dy[s * D + c] = g * d;
      acc = fma(d, y[s * D + c], acc);
    }
  }
  let total = tree_sum(acc, t);
  if (t == 0u) { dgates[pair] = total; }
}
`,
});

/**
 * moeCombineGrad: one workgroup per (row, j) (for D ≤ COMBINE_GRAD_LANE_MAX_D one invocation per
 * pair, dgates summed over columns in ascending order). Bindings dout [N,D], y [S,D], position (i32 [N,k]),
 * gates [N,k], dy [S,D], dgates [N,k] (read_write), params. `position` must cover every slot once
 * (as moeDispatch produces, S = N·k); slots it misses are not written. A pair with position −1 (no
 * expert) gets dgates 0 and writes no slot.
 */
export function combineGradKernel(o: { readonly N: number; readonly k: number; readonly Dout: number }): Kernel {
  const values = { pairs: o.N * o.k, k: Math.max(1, o.k), D: o.Dout };
  if (o.Dout <= COMBINE_GRAD_LANE_MAX_D) return COMBINE_GRAD_LANES.kernel(grid1d(ceilDiv(o.N * o.k, WG)), values);
  return COMBINE_GRAD.kernel(grid1d(o.N * o.k), values);
}

/** Options of the fused logits-gradient kernel; seed/step/train change per run (uniform). */
export interface GatingLogitsGradOptions {
  readonly N: number;
  readonly k: number;
  readonly n: number;
  readonly seed: number;
  readonly step: number;
  readonly stream: number;
  readonly rowOffset: number;
  readonly train: boolean;
}

/**
 * gatingLogitsGrad: one invocation per (row, expert) of [N,n]: dnoisy = Σ_j [indices[r,j] = e]·
 * dvals[r,j]; dcleanOut = dnoisy + dclean; drawOut = (dnoisy·z + dsigma)·sigmoid(raw) in training
 * (0 in evaluation), z = normal(philox(seed, stream, step, rowOffset + r, e)) — the forward's draw.
 * Bindings: dvals, indices, dclean, dsigma, raw, normTables, dcleanOut, drawOut, params.
 */
export function gatingLogitsGradKernel(o: GatingLogitsGradOptions): Kernel {
  return GATING_LOGITS_GRAD.kernel(grid1d(ceilDiv(o.N * o.n, WG)), gatingLogitsGradUniforms(o));
}

/** The uniform block of one run (seed, step and mode change per step; no WGSL is built). */
export function gatingLogitsGradUniformData(o: GatingLogitsGradOptions): Uint32Array {
  return GATING_LOGITS_GRAD.uniformData(gatingLogitsGradUniforms(o))!;
}

function gatingLogitsGradUniforms(o: GatingLogitsGradOptions) {
  return { N: o.N, k: o.k, n: Math.max(1, o.n), seed: o.seed, step: o.step, stream: o.stream, rowOffset: o.rowOffset, train: o.train ? 1 : 0 };
}

/** The static program of gatingLogitsGradKernel (one module for every shape, seed and step). */
const GATING_LOGITS_GRAD = defineProgram({
  name: 'gating_logits_grad',
  bindings: {
    dvals: { access: 'read', type: 'f32' },
    indices: { access: 'read', type: 'i32' },
    dclean: { access: 'read', type: 'f32' },
    dsigma: { access: 'read', type: 'f32' },
    raw: { access: 'read', type: 'f32' },
    normTables: { access: 'read', type: 'f32' },
    dcleanOut: { access: 'read_write', type: 'f32' },
    drawOut: { access: 'read_write', type: 'f32' },
  },
  uniforms: { N: 'u32', k: 'u32', n: 'u32', seed: 'u32', step: 'u32', stream: 'u32', rowOffset: 'u32', train: 'u32' },
  workgroupSize: WG,
  source: /* wgsl */ `// scatter, noise redraw, softplus derivative
${philoxWgsl('normTables')}
${EW_HELPERS_WGSL}
${MAIN} {
  ${INDEX}
  if (i >= params.N * params.n) { return; }
  let row = i / params.n;
  let e = i - row * params.n;
  var dnoisy = 0.0;
  for (var j = 0u; j < params.k; j++) {
    if (indices[row * params.k + j] == i32(e)) { dnoisy += dvals[row * params.k + j]; }
  }
  dcleanOut[i] = dnoisy + dclean[i];
  var r = 0.0;
  if (params.train != 0u) {
    let z = normal_from_word(philox_word(params.seed, params.stream, params.step, row + params.rowOffset, e));
    let prod = dnoisy * z;
    let dy = prod + dsigma[i];
    r = dy * ew_sigmoid(raw[i]);
  }
  drawOut[i] = r;
}
`,
});
