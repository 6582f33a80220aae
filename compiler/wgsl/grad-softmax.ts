/**
 * Row-wise softmax gradients: `softmaxGrad` (out = y·(dy − Σ_row y·dy)) and
 * `softmaxCrossEntropyGrad` (dlogits = (softmax(x) − onehot(label))·dloss/N, the softmax
 * max-subtracted as in the forward). One 64-invocation workgroup per row: each invocation reduces a
 * fixed strided subset of the row in order, then a fixed workgroup tree, so results are
 * bit-identical from run to run; the second pass writes the row. A label outside [0, V) is reported
 * through the same two-word error buffer as the embedding (see embedding.ts; the row gets no
 * one-hot term). Shapes in the uniform; the loss gradient dloss is read from its device buffer.
 */
import { FLAT_WORKGROUP_WGSL, grid1d, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';
import { workgroupReduce } from './reduce-snippets.ts';

const WG = 64;

const TREE = workgroupReduce(WG, ['sum', 'max']);

/** The softmax-gradient program (one module for every shape). */
const SOFTMAX_GRAD = defineProgram({
  name: 'softmax_grad',
  bindings: {
    y: { access: 'read', type: 'f32' },
    dy: { access: 'read', type: 'f32' },
    out: { access: 'read_write', type: 'f32' },
  },
  uniforms: { rows: 'u32', cols: 'u32' },
  workgroupSize: WG,
  source: /* wgsl */ `// one workgroup per row
${TREE}
${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let row = flat_workgroup(wid, nwg);
  if (row >= params.rows) { return; }
  let C = params.cols;
  let base = row * C;
  var acc = 0.0;
  for (var c = t; c < C; c += ${WG}u) { acc = fma(y[base + c], dy[base + c], acc); }
  let s = tree_sum(acc, t);
  for (var c = t; c < C; c += ${WG}u) { out[base + c] = y[base + c] * (dy[base + c] - s); }
}
`,
});

/** softmaxGrad over rows × cols. Bindings: `y`, `dy` (read), `out` (read_write), `params`. */
export function softmaxGradKernel(o: { readonly rows: number; readonly cols: number }): Kernel {
  return SOFTMAX_GRAD.kernel(grid1d(o.rows), { rows: o.rows, cols: o.cols });
}

/** The softmax cross-entropy gradient program (one module for every shape). */
const CROSS_ENTROPY_GRAD = defineProgram({
  name: 'cross_entropy_grad',
  bindings: {
    x: { access: 'read', type: 'f32' },
    labels: { access: 'read', type: 'i32' },
    dloss: { access: 'read', type: 'f32' },
    out: { access: 'read_write', type: 'f32' },
    err: { access: 'read_write', type: 'atomic<u32>' },
  },
  uniforms: { N: 'u32', V: 'u32', invN: 'f32' },
  workgroupSize: WG,
  source: /* wgsl */ `// softmax cross-entropy gradient, one workgroup per row
${TREE}
${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let row = flat_workgroup(wid, nwg);
  if (row >= params.N) { return; }
  let V = params.V;
  let base = row * V;
  var m = -3.0e38;
  for (var c = t; c < V; c += ${WG}u) { m = max(m, x[base + c]); }
  m = tree_max(m, t);
  var acc = 0.0;
  for (var c = t; c < V; c += ${WG}u) { acc += exp(x[base + c] - m); }
  let total = tree_sum(acc, t);
  let g = dloss[0] * params.invN;
  let label = labels[row];
  if ((label < 0 || u32(label) >= V) && t == 0u) {
    atomicAdd(&err[0], 1u);
    atomicMax(&err[1], 0xFFFFFFFFu - row);
  }
  for (var c = t; c < V; c += ${WG}u) {
    var p = exp(x[base + c] - m) / total;
    if (i32(c) == label) { p = p - 1.0; }
    out[base + c] = p * g;
  }
}
`,
});

/**
 * softmaxCrossEntropyGrad over logits [N, V]. Bindings: `x` (read), `labels` (read, i32 [N]),
 * `dloss` (read, f32 [1]), `out` (read_write, [N, V]), `err` (read_write, u32 [2], zeroed
 * beforehand), `params`.
 */
export function crossEntropyGradKernel(o: { readonly N: number; readonly V: number }): Kernel {
  return CROSS_ENTROPY_GRAD.kernel(grid1d(o.N), { N: o.N, V: o.V, invN: o.N > 0 ? 1 / o.N : 0 });
}
