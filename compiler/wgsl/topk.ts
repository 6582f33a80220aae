/**
 * Standalone top-k along the last dim (op `topk`): one thread per row keeps its row's running
 * top-k directly in its slice of the output buffers by insertion, scanning columns in order — the
 * same algorithm and order as ir/reference/gating.ts topkRows, so values and indices match it
 * exactly. The order is (value descending, index ascending): ties go to the lower index, −0 and +0
 * tie, and NaN sorts after every number (NaNs among themselves by index). NaN is detected from the
 * bit pattern, since WGSL compilers may assume `v != v` is false. N, n, k are uniforms.
 */
import { ceilDiv, grid1d, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';

/** Shapes of the top-k kernel: x [N,n], k in [1, n]. */
export interface TopkKernelOptions {
  readonly N: number;
  readonly n: number;
  readonly k: number;
}

const WG = 64;

/**
 * Top-k kernel. Bindings: x f32 [N,n], values f32 [N,k] (written, descending), indices i32 [N,k]
 * (written), params. Cost O(n·k) per row (one thread per row).
 */
export function topkKernel(o: TopkKernelOptions): Kernel {
  if (!Number.isInteger(o.k) || o.k < 1 || o.k > o.n) throw new Error(`top-k needs an integer k in [1, ${o.n}], got ${o.k}`);
  return TOPK.kernel(o.N === 0 ? [0, 1, 1] : grid1d(ceilDiv(o.N, WG)), { N: o.N, n: o.n, k: o.k });
}

/** The top-k program (one module for every shape). */
const TOPK = defineProgram({
  name: 'topk',
  bindings: {
    x: { access: 'read', type: 'f32' },
    values: { access: 'read_write', type: 'f32' },
    indices: { access: 'read_write', type: 'i32' },
  },
  uniforms: { N: 'u32', n: 'u32', k: 'u32' },
  workgroupSize: WG,
  source: /* wgsl */ `fn is_nan(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}

// (va, ia) strictly before (vb, ib) in the order (value desc, index asc), NaN last.
fn before(va: f32, ia: i32, vb: f32, ib: i32) -> bool {
  let na = is_nan(va);
  let nb = is_nan(vb);
  if (na || nb) {
    if (na == nb) { return ia < ib; }
    return nb;
  }
  return va > vb || (va == vb && ia < ib);
}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = gid.x + gid.y * (nwg.x * ${WG}u);
  if (row >= params.N) { return; }
  let n = params.n;
  let k = params.k;
  let base = row * k;
  var len = 0u;
  for (var c = 0u; c < n; c++) {
    let v = x[row * n + c];
    let ci = i32(c);
    if (len == k && !before(v, ci, values[base + k - 1u], indices[base + k - 1u])) { continue; }
    var p = len;
    if (len < k) { len++; } else { p = k - 1u; }
    loop {
      if (p == 0u) { break; }
      let pv = values[base + p - 1u];
      let pi = indices[base + p - 1u];
      if (!before(v, ci, pv, pi)) { break; }
      values[base + p] = pv;
      indices[base + p] = pi;
      p--;
    }
    values[base + p] = v;
    indices[base + p] = ci;
  }
}
`,
});
