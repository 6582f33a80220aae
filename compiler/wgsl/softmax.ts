/**
 * Row softmax over the last dimension: x viewed as [rows, cols] → softmax of each row,
 * max-subtracted, one 64-invocation workgroup per row (strided passes over the row for the max,
 * the sum of exponentials and the output, each combined with a fixed workgroup reduction tree, so
 * results are deterministic). Like the reference, an element equal to the row max contributes
 * exactly 1, so rows of ±∞ split evenly instead of giving NaN. rows and cols live in the uniform:
 * one pipeline for every shape. Also exports the row max / sum-of-exp WGSL fragment that
 * cross-entropy.ts reuses.
 */
import { FLAT_WORKGROUP_WGSL, grid1d, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';
import { workgroupReduce } from './reduce-snippets.ts';

/** Workgroup size of the row kernels (softmax, cross-entropy rows). */
export const ROW_WG = 64;

/**
 * WGSL: the workgroup scratch and `tree_sum` / `tree_max` of reduce-snippets.ts plus
 * `row_max(base, cols, lid)` and `row_sumexp(base, cols, m, lid)` over `x` (an array<f32> binding
 * that must be named `x`). Both must be called in uniform control flow by the whole workgroup and
 * return the same value to every invocation.
 */
export const ROW_REDUCE_WGSL = /* wgsl */ `${workgroupReduce(ROW_WG, ['sum', 'max'])}
fn row_max(base: u32, cols: u32, lid: u32) -> f32 {
  var m = x[base];
  for (var j = lid; j < cols; j += ${ROW_WG}u) { m = max(m, x[base + j]); }
  return tree_max(m, lid);
}
fn row_sumexp(base: u32, cols: u32, m: f32, lid: u32) -> f32 {
  var acc = 0.0;
  for (var j = lid; j < cols; j += ${ROW_WG}u) {
    let v = x[base + j];
    acc += select(exp(v - m), 1.0, v == m);
  }
  return tree_sum(acc, lid);
}
`;

const SOFTMAX = defineProgram({
  name: 'softmax',
  bindings: { x: { access: 'read', type: 'f32' }, out: { access: 'read_write', type: 'f32' } },
  uniforms: { rows: 'u32', cols: 'u32' },
  workgroupSize: ROW_WG,
  source: /* wgsl */ `${ROW_REDUCE_WGSL}
${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(${ROW_WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = flat_workgroup(wid, nwg);
  let cols = params.cols;
  if (row >= params.rows || cols == 0u) { return; }
  let base = row * cols;
  let m = row_max(base, cols, lid);
  let s = row_sumexp(base, cols, m, lid);
  let inv = 1.0 / s;
  for (var j = lid; j < cols; j += ${ROW_WG}u) {
    let v = x[base + j];
    out[base + j] = select(exp(v - m), 1.0, v == m) * inv;
  }
}
`,
});

/** Softmax over the last dim of x [rows, cols]. Bindings: `x` (read), `out` (read_write), `params`. */
export function softmaxKernel(o: { readonly rows: number; readonly cols: number }): Kernel {
  return SOFTMAX.kernel(o.rows === 0 ? [0, 1, 1] : grid1d(o.rows), { rows: o.rows, cols: o.cols });
}
