/**
 * The row kernels of the chunked linear cross-entropy (compiler/lower/rules-linear-ce.ts): the
 * logits of one row chunk [R, V] come from the tiled GEMM (matmul.ts) into a chunk buffer, then
 * - the row losses alone come from cross-entropy.ts's `ceRowsKernel` with the chunk's `row0`
 *   (losses[row0 + r] = logsumexp(z) − z[label]; the mean is the fixed-order sum of reduce.ts);
 * - `lceGradRowsKernel` overwrites the chunk in place with G = (softmax(z) − onehot)·dloss/N (and,
 *   when the loss is wanted in the same pass, also writes the row losses);
 * - `lceBiasGradKernel` adds the chunk's column sums of G to db (one invocation per column, rows
 *   in order, starting from 0 for the first chunk), so db is summed in row order over the chunks.
 * One 64-invocation workgroup per row for the row kernels, each reducing a fixed strided subset
 * and a fixed tree (deterministic). A label outside [0, V) sets the two-word error buffer exactly
 * as embedding.ts does (err[0] = count, err[1] = 0xFFFFFFFF − first bad global row); its row gets
 * loss 0 and no one-hot term. Shapes and the chunk's first row live in the uniform.
 */
import { ceilDiv, grid1d, uniformBlock, type Kernel } from './kernel.ts';
import { ROW_REDUCE_WGSL, ROW_WG } from './softmax.ts';

/** Geometry of one row chunk: rows row0 .. row0 + rows − 1 of N, V classes. */
export interface LceChunk {
  /** Rows in this chunk. */
  readonly rows: number;
  /** First global row of the chunk (offset into labels / losses). */
  readonly row0: number;
  readonly V: number;
}

const LABEL_CHECK = /* wgsl */ `
fn label_of(r: u32, lid: u32) -> i32 {
  let label = labels[params.row0 + r];
  if (label < 0 || u32(label) >= params.cols) {
    if (lid == 0u) {
      atomicAdd(&err[0], 1u);
      atomicMax(&err[1], 0xFFFFFFFFu - (params.row0 + r));
    }
    return -1;
  }
  return label;
}
`;

/**
 * The chunk's logits → G = (softmax − onehot(label))·dloss·invN, in place. Bindings: `x`
 * (read_write, chunk [rows, V]), `labels` (read, i32 [N]), `dloss` (read, f32 [1]), `err`
 * (read_write, u32 [2]), `params` (rows, cols, row0, invN = 1/N). With `withLoss` it also
 * writes each row's loss into `losses` (read_write, f32 [N]) exactly as cross-entropy.ts's ceRowsKernel (with row0) does
 * (the invocation owning the label's column reads the logit before overwriting it), so the loss
 * and the gradient need one pass over the chunk.
 */
export function lceGradRowsKernel(o: LceChunk & { readonly N: number; readonly withLoss?: boolean }): Kernel {
  const withLoss = !!o.withLoss;
  const u = uniformBlock([
    ['rows', 'u32', o.rows],
    ['cols', 'u32', o.V],
    ['row0', 'u32', o.row0],
    ['invN', 'f32', o.N > 0 ? 1 / o.N : 0],
  ]);
  const wgsl = /* wgsl */ `// linear cross-entropy: logits of one chunk -> their gradient, in place
${u.struct}
@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<i32>;
@group(0) @binding(2) var<storage, read> dloss: array<f32>;
@group(0) @binding(3) var<storage, read_write> err: array<atomic<u32>, 2>;
${withLoss ? '@group(0) @binding(4) var<storage, read_write> losses: array<f32>;\n' : ''}@group(0) @binding(${withLoss ? 5 : 4}) var<uniform> params: Params;
${ROW_REDUCE_WGSL}${LABEL_CHECK}
@compute @workgroup_size(${ROW_WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = wid.y * nwg.x + wid.x;
  let cols = params.cols;
  if (r >= params.rows || cols == 0u) { return; }
  let base = r * cols;
  let m = row_max(base, cols, lid);
  let s = row_sumexp(base, cols, m, lid);
  let label = label_of(r, lid);
  let g = dloss[0] * params.invN;
${withLoss ? '  if (label < 0 && lid == 0u) { losses[params.row0 + r] = 0.0; }\n' : ''}  for (var j = lid; j < cols; j += ${ROW_WG}u) {
    let v = x[base + j];
    var p = select(exp(v - m), 1.0, v == m) / s;
    if (i32(j) == label) {
      p = p - 1.0;
${withLoss ? '      losses[params.row0 + r] = log(s) - select(v - m, 0.0, v == m);\n' : ''}    }
    x[base + j] = p * g;
  }
}
`;
  return {
    name: withLoss ? 'lce.loss_grad_rows' : 'lce.grad_rows',
    wgsl,
    bindings: [
      { name: 'x', access: 'read_write' },
      { name: 'labels', access: 'read' },
      { name: 'dloss', access: 'read' },
      { name: 'err', access: 'read_write' },
      ...(withLoss ? [{ name: 'losses', access: 'read_write' } as const] : []),
      { name: 'params', access: 'uniform' },
    ],
    workgroupSize: [ROW_WG, 1, 1],
    dispatch: o.rows === 0 ? [0, 1, 1] : grid1d(o.rows),
    cacheKey: withLoss ? 'lce.loss_grad_rows' : 'lce.grad_rows',
    uniformData: u.data,
  };
}

const BIAS_WG = 64;

/**
 * db (+)= Σ_r g[r, ·] over one chunk, rows in order; `first` starts from 0 instead of db.
 * Bindings: `g` (read, chunk [rows, V]), `db` (read_write, [V]), `params`.
 */
export function lceBiasGradKernel(o: { readonly rows: number; readonly V: number; readonly first: boolean }): Kernel {
  const u = uniformBlock([
    ['rows', 'u32', o.rows],
    ['cols', 'u32', o.V],
    ['first', 'u32', o.first ? 1 : 0],
  ]);
  const wgsl = /* wgsl */ `// linear cross-entropy: bias gradient of one chunk, accumulated in row order
${u.struct}
@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(1) var<storage, read_write> db: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
@compute @workgroup_size(${BIAS_WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  let cols = params.cols;
  if (j >= cols) { return; }
  var acc = select(db[j], 0.0, params.first != 0u);
  for (var r = 0u; r < params.rows; r++) { acc += g[r * cols + j]; }
  db[j] = acc;
}
`;
  return {
    name: 'lce.bias_grad',
    wgsl,
    bindings: [
      { name: 'g', access: 'read' },
      { name: 'db', access: 'read_write' },
      { name: 'params', access: 'uniform' },
    ],
    workgroupSize: [BIAS_WG, 1, 1],
    dispatch: grid1d(ceilDiv(Math.max(o.V, 1), BIAS_WG)),
    cacheKey: 'lce.bias_grad',
    uniformData: u.data,
  };
}
