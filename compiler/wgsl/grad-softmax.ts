/**
 * Row-wise softmax gradients: `softmaxGrad` (out = y·(dy − Σ_row y·dy)) and
 * `softmaxCrossEntropyGrad` (dlogits = (softmax(x) − onehot(label))·dloss/N, the softmax
 * max-subtracted as in the forward). One 64-invocation workgroup per row: each invocation reduces a
 * fixed strided subset of the row in order, then a fixed workgroup tree, so results are
 * bit-identical from run to run; the second pass writes the row. A label outside [0, V) is reported
 * through the same two-word error buffer as the embedding (see embedding.ts; the row gets no
 * one-hot term). Shapes in the uniform; the loss gradient dloss is read from its device buffer.
 */
import { grid1d, uniformBlock, type Kernel } from './kernel.ts';
import { workgroupReduce } from './reduce-snippets.ts';

const WG = 64;

const TREE = workgroupReduce(WG, ['sum', 'max']);

/** softmaxGrad over rows × cols. Bindings: `y`, `dy` (read), `out` (read_write), `params`. */
export function softmaxGradKernel(o: { readonly rows: number; readonly cols: number }): Kernel {
  const u = uniformBlock([
    ['rows', 'u32', o.rows],
    ['cols', 'u32', o.cols],
  ]);
  const wgsl = /* wgsl */ `// softmax gradient, one workgroup per row
${u.struct}
@group(0) @binding(0) var<storage, read> y: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;
${TREE}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let row = wid.y * nwg.x + wid.x;
  if (row >= params.rows) { return; }
  let C = params.cols;
  let base = row * C;
  var acc = 0.0;
  for (var c = t; c < C; c += ${WG}u) { acc = fma(y[base + c], dy[base + c], acc); }
  let s = tree_sum(acc, t);
  for (var c = t; c < C; c += ${WG}u) { out[base + c] = y[base + c] * (dy[base + c] - s); }
}
`;
  return {
    name: 'softmax_grad',
    wgsl,
    bindings: [
      { name: 'y', access: 'read' },
      { name: 'dy', access: 'read' },
      { name: 'out', access: 'read_write' },
      { name: 'params', access: 'uniform' },
    ],
    workgroupSize: [WG, 1, 1],
    dispatch: grid1d(o.rows),
    cacheKey: 'softmax_grad',
    uniformData: u.data,
  };
}

/**
 * softmaxCrossEntropyGrad over logits [N, V]. Bindings: `x` (read), `labels` (read, i32 [N]),
 * `dloss` (read, f32 [1]), `out` (read_write, [N, V]), `err` (read_write, u32 [2], zeroed
 * beforehand), `params`.
 */
export function crossEntropyGradKernel(o: { readonly N: number; readonly V: number }): Kernel {
  const u = uniformBlock([
    ['N', 'u32', o.N],
    ['V', 'u32', o.V],
    ['invN', 'f32', o.N > 0 ? 1 / o.N : 0],
  ]);
  const wgsl = /* wgsl */ `// softmax cross-entropy gradient, one workgroup per row
${u.struct}
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<i32>;
@group(0) @binding(2) var<storage, read> dloss: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read_write> err: array<atomic<u32>, 2>;
@group(0) @binding(5) var<uniform> params: Params;
${TREE}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let row = wid.y * nwg.x + wid.x;
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
`;
  return {
    name: 'cross_entropy_grad',
    wgsl,
    bindings: [
      { name: 'x', access: 'read' },
      { name: 'labels', access: 'read' },
      { name: 'dloss', access: 'read' },
      { name: 'out', access: 'read_write' },
      { name: 'err', access: 'read_write' },
      { name: 'params', access: 'uniform' },
    ],
    workgroupSize: [WG, 1, 1],
    dispatch: grid1d(o.N),
    cacheKey: 'cross_entropy_grad',
    uniformData: u.data,
  };
}
