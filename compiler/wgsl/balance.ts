/**
 * Load-balancing reductions (paper Eq. 6-11; ops `loadEstimate`, `importance`, `cvSquared`).
 * `load_importance`: one 64-thread workgroup per expert i sums, over rows in a fixed strided order
 * followed by a fixed tree, P(x,i) = Φ((clean − thr)/σ) (thr = (k+1)-th top value if i is selected
 * by row x, else the k-th; a step when σ = 0; P = 1 for selected experts when k = n) and the gates
 * routed to i. Φ(z) = ½·erfc(−z/√2) with the Numerical-Recipes Chebyshev erfc (fractional error
 * < 1.2e-7 everywhere). `cv_squared`: one workgroup computes CV² = var/(mean² + 1e-10) of importance
 * and load and the weighted loss w_imp·CV²(imp) + w_load·CV²(load) → out[3].
 */
import { uniformBlock, type Kernel } from './kernel.ts';

/** Shapes of the load/importance kernel. */
export interface LoadImportanceOptions {
  readonly N: number;
  readonly n: number;
  readonly k: number;
}

/** WGSL `phi(z)`: standard normal CDF via erfc. */
export const PHI_WGSL = /* wgsl */ `
fn erfc_nr(x: f32) -> f32 {
  let z = abs(x);
  let t = 1.0 / (1.0 + 0.5 * z);
  let r = t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
    t * (-0.82215223 + t * 0.17087277)))))))));
  return select(2.0 - r, r, x >= 0.0);
}
fn phi(z: f32) -> f32 {
  return 0.5 * erfc_nr(-z * 0.70710678118654752);
}
`;

/**
 * load_importance kernel. Bindings: clean [N,n], sigma [N,n], topValues [N,min(k+1,n)],
 * indices i32 [N,k], gates [N,k], load [n], importance [n], params.
 */
export function loadImportanceKernel(o: LoadImportanceOptions): Kernel {
  const u = uniformBlock([
    ['N', 'u32', o.N],
    ['n', 'u32', o.n],
    ['k', 'u32', o.k],
    ['kt', 'u32', Math.min(o.k + 1, o.n)],
  ]);
  const wgsl = /* wgsl */ `// load_importance
${u.struct}
@group(0) @binding(0) var<storage, read> clean: array<f32>;
@group(0) @binding(1) var<storage, read> sigma: array<f32>;
@group(0) @binding(2) var<storage, read> topValues: array<f32>;
@group(0) @binding(3) var<storage, read> indices: array<i32>;
@group(0) @binding(4) var<storage, read> gates: array<f32>;
@group(0) @binding(5) var<storage, read_write> load: array<f32>;
@group(0) @binding(6) var<storage, read_write> importance: array<f32>;
@group(0) @binding(7) var<uniform> params: Params;
${PHI_WGSL}
var<workgroup> pl: array<f32, 64>;
var<workgroup> pi: array<f32, 64>;
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let e = wid.x;
  let n = params.n;
  let k = params.k;
  let kt = params.kt;
  var sl = 0.0;
  var si = 0.0;
  for (var row = t; row < params.N; row += 64u) {
    var sel = false;
    var g = 0.0;
    for (var j = 0u; j < k; j++) {
      if (u32(indices[row * k + j]) == e) { sel = true; g = gates[row * k + j]; }
    }
    si += g;
    let c = clean[row * n + e];
    let sg = sigma[row * n + e];
    var p = 0.0;
    if (sel) {
      if (kt == k) { p = 1.0; }
      else {
        let thr = topValues[row * kt + k];
        if (sg > 0.0) { p = phi((c - thr) / sg); } else { p = select(0.0, 1.0, c >= thr); }
      }
    } else {
      let thr = topValues[row * kt + k - 1u];
      if (sg > 0.0) { p = phi((c - thr) / sg); } else { p = select(0.0, 1.0, c > thr); }
    }
    sl += p;
  }
  pl[t] = sl;
  pi[t] = si;
  for (var d = 32u; d > 0u; d = d / 2u) {
    workgroupBarrier();
    if (t < d) { pl[t] = pl[t] + pl[t + d]; pi[t] = pi[t] + pi[t + d]; }
  }
  workgroupBarrier();
  if (t == 0u) { load[e] = pl[0]; importance[e] = pi[0]; }
}
`;
  return {
    name: 'load_importance',
    wgsl,
    bindings: [
      { name: 'clean', access: 'read' },
      { name: 'sigma', access: 'read' },
      { name: 'topValues', access: 'read' },
      { name: 'indices', access: 'read' },
      { name: 'gates', access: 'read' },
      { name: 'load', access: 'read_write' },
      { name: 'importance', access: 'read_write' },
      { name: 'params', access: 'uniform' },
    ],
    workgroupSize: [64, 1, 1],
    dispatch: [o.n, 1, 1],
    cacheKey: 'load_importance',
    uniformData: u.data,
  };
}

/** Options of the CV² kernel. */
export interface CvSquaredOptions {
  readonly n: number;
  readonly wImportance: number;
  readonly wLoad: number;
}

/**
 * cv_squared kernel: out = [CV²(importance), CV²(load), wImp·CV²(imp) + wLoad·CV²(load)].
 * Bindings: importance [n], load [n], out [3], params. (CV² of fewer than 2 values is 0.)
 */
export function cvSquaredKernel(o: CvSquaredOptions): Kernel {
  const u = uniformBlock([
    ['n', 'u32', o.n],
    ['wImp', 'f32', o.wImportance],
    ['wLoad', 'f32', o.wLoad],
  ]);
  const wgsl = /* wgsl */ `// cv_squared
${u.struct}
@group(0) @binding(0) var<storage, read> importance: array<f32>;
@group(0) @binding(1) var<storage, read> load: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;
var<workgroup> red: array<f32, 64>;

fn wsum(v: f32, t: u32) -> f32 {
  workgroupBarrier();
  red[t] = v;
  for (var d = 32u; d > 0u; d = d / 2u) {
    workgroupBarrier();
    if (t < d) { red[t] = red[t] + red[t + d]; }
  }
  workgroupBarrier();
  return red[0];
}

fn cv2(which: u32, t: u32) -> f32 {
  let n = params.n;
  var s = 0.0;
  for (var i = t; i < n; i += 64u) { s += select(load[i], importance[i], which == 0u); }
  let mean = wsum(s, t) / f32(n);
  var ss = 0.0;
  for (var i = t; i < n; i += 64u) { let d = select(load[i], importance[i], which == 0u) - mean; ss += d * d; }
  let v = wsum(ss, t) / f32(n);
  if (n < 2u) { return 0.0; }
  return v / (mean * mean + 1e-10);
}

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) t: u32) {
  let ci = cv2(0u, t);
  let cl = cv2(1u, t);
  if (t == 0u) {
    out[0] = ci;
    out[1] = cl;
    out[2] = params.wImp * ci + params.wLoad * cl;
  }
}
`;
  return {
    name: 'cv_squared',
    wgsl,
    bindings: [
      { name: 'importance', access: 'read' },
      { name: 'load', access: 'read' },
      { name: 'out', access: 'read_write' },
      { name: 'params', access: 'uniform' },
    ],
    workgroupSize: [64, 1, 1],
    dispatch: [1, 1, 1],
    cacheKey: 'cv_squared',
    uniformData: u.data,
  };
}
