/**
 * The baseline of bench/balanced-topm.ts: a frozen copy of the strictly balanced gating kernels as
 * they were before the radix select (commit b7bd7d4, compiler/wgsl/balanced.ts): `balanced_logits`
 * without keys, `balanced_mask` ranking each row of an expert's column by counting the rows before
 * it (O(N²) comparisons per expert, the column streamed through workgroup memory 256 values at a
 * time) and `balanced_route` reading that mask. Kept only to time old against new in one run; not
 * used by the compiler.
 */
import { ceilDiv, grid1d, uniformBlock, type Kernel, type KernelBinding } from '../compiler/wgsl/kernel.ts';

const ro = (name: string): KernelBinding => ({ name, access: 'read' });
const rw = (name: string): KernelBinding => ({ name, access: 'read_write' });
const PARAMS: KernelBinding = { name: 'params', access: 'uniform' };

function decls(bindings: readonly KernelBinding[], types: Record<string, string> = {}): string {
  return bindings
    .map((b, i) =>
      b.access === 'uniform'
        ? `@group(0) @binding(${i}) var<uniform> params: Params;`
        : `@group(0) @binding(${i}) var<storage, ${b.access}> ${b.name}: array<${types[b.name] ?? 'f32'}>;`,
    )
    .join('\n');
}

const INDEX = `let i = (wid.y * nwg.x + wid.x) * 64u + lid;`;
const MAIN64 = `@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32)`;

/** Shapes of the balanced gating kernels. */
interface BalancedShape {
  readonly N: number;
  readonly D: number;
  /** Experts. */
  readonly n: number;
  /** Rows per expert in training (k·N/n). */
  readonly m: number;
}

/** balanced_logits: logits [N,n] = x [N,D] · wg [D,n]. Bindings x, wg, logits, params. */
export function balancedLogitsKernel(s: BalancedShape): Kernel {
  const u = uniformBlock([
    ['N', 'u32', s.N],
    ['D', 'u32', s.D],
    ['n', 'u32', s.n],
  ]);
  const bindings = [ro('x'), ro('wg'), rw('logits'), PARAMS];
  const wgsl = /* wgsl */ `// balanced_logits
${u.struct}
${decls(bindings)}
${MAIN64} {
  ${INDEX}
  if (i >= params.N * params.n) { return; }
  let r = i / params.n;
  let e = i % params.n;
  var acc = 0.0;
  for (var d = 0u; d < params.D; d++) { acc = fma(x[r * params.D + d], wg[d * params.n + e], acc); }
  logits[i] = acc;
}
`;
  return { name: 'balanced_logits', wgsl, bindings, workgroupSize: [64, 1, 1], dispatch: grid1d(ceilDiv(s.N * s.n, 64)), cacheKey: 'quadratic_balanced_logits', uniformData: u.data };
}

const WM = 256;

/**
 * balanced_mask: one workgroup per expert. Bindings logits [N,n], thresholds [n], mask (i32 [N,n],
 * written), load [n] (written), params (N, n, m, train).
 */
export function balancedMaskKernel(s: BalancedShape & { readonly train: boolean }): Kernel {
  const u = uniformBlock([
    ['N', 'u32', s.N],
    ['n', 'u32', s.n],
    ['m', 'u32', s.m],
    ['train', 'u32', s.train ? 1 : 0],
  ]);
  const bindings = [ro('logits'), ro('thresholds'), rw('mask'), rw('load'), PARAMS];
  const wgsl = /* wgsl */ `// balanced_mask (one workgroup per expert)
${u.struct}
${decls(bindings, { mask: 'i32' })}
var<workgroup> tile: array<f32, ${WM}>;
var<workgroup> red: array<u32, ${WM}>;
// (va, ia) before (vb, ib) in the top-k order: larger value first, ties to the lower index, NaN last.
fn before(va: f32, ia: u32, vb: f32, ib: u32) -> bool {
  let na = va != va;
  let nb = vb != vb;
  if (na || nb) { return select(nb, ia < ib, na == nb); }
  return va > vb || (va == vb && ia < ib);
}
@compute @workgroup_size(${WM})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let e = wid.x + wid.y * 65535u;
  if (e >= params.n) { return; }
  let N = params.N;
  let n = params.n;
  let thr = thresholds[e];
  var count = 0u;
  for (var base = 0u; base < N; base += ${WM}u) {
    let r = base + t;
    var v = 0.0;
    if (r < N) { v = logits[r * n + e]; }
    var sel = false;
    if (params.train != 0u) {
      var rank = 0u;
      for (var cb = 0u; cb < N; cb += ${WM}u) {
        workgroupBarrier();
        if (cb + t < N) { tile[t] = logits[(cb + t) * n + e]; }
        workgroupBarrier();
        let len = min(${WM}u, N - cb);
        for (var q = 0u; q < len; q++) {
          if (before(tile[q], cb + q, v, r)) { rank++; }
        }
      }
      sel = rank < params.m;
    } else {
      sel = v > thr;
    }
    if (r < N) {
      mask[r * n + e] = select(0, 1, sel);
      if (sel) { count++; }
    }
  }
  red[t] = count;
  workgroupBarrier();
  for (var h = ${WM / 2}u; h > 0u; h >>= 1u) {
    if (t < h) { red[t] = red[t] + red[t + h]; }
    workgroupBarrier();
  }
  if (t == 0u) { load[e] = f32(red[0]); }
}
`;
  return { name: 'balanced_mask', wgsl, bindings, workgroupSize: [WM, 1, 1], dispatch: grid1d(s.n), cacheKey: 'quadratic_balanced_mask', uniformData: u.data };
}

/**
 * balanced_route: one invocation per row. Bindings logits [N,n], mask i32 [N,n], indices (i32
 * [N,n], written), gates [N,n] (written), params.
 */
export function balancedRouteKernel(s: BalancedShape): Kernel {
  const u = uniformBlock([
    ['N', 'u32', s.N],
    ['n', 'u32', s.n],
  ]);
  const bindings = [ro('logits'), ro('mask'), rw('indices'), rw('gates'), PARAMS];
  const wgsl = /* wgsl */ `// balanced_route (one invocation per row)
${u.struct}
${decls(bindings, { mask: 'i32', indices: 'i32' })}
${MAIN64} {
  ${INDEX}
  if (i >= params.N) { return; }
  let n = params.n;
  let o = i * n;
  var mx = 0.0;
  var c = 0u;
  for (var e = 0u; e < n; e++) {
    if (mask[o + e] != 0) {
      let v = logits[o + e];
      if (c == 0u || v > mx) { mx = v; }
      c++;
    }
  }
  var s = 0.0;
  for (var e = 0u; e < n; e++) {
    if (mask[o + e] != 0) { s += exp(logits[o + e] - mx); }
  }
  var j = 0u;
  for (var e = 0u; e < n; e++) {
    if (mask[o + e] != 0) {
      indices[o + j] = i32(e);
      gates[o + j] = exp(logits[o + e] - mx) / s;
      j++;
    }
  }
  for (; j < n; j++) {
    indices[o + j] = -1;
    gates[o + j] = 0.0;
  }
}
`;
  return { name: 'balanced_route', wgsl, bindings, workgroupSize: [64, 1, 1], dispatch: grid1d(ceilDiv(s.N, 64)), cacheKey: 'quadratic_balanced_route', uniformData: u.data };
}

