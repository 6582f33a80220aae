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
import { FLAT_WORKGROUP_WGSL, ceilDiv, grid1d, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';
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

/** The gradient-rows program; `withLoss` adds the `losses` binding and the loss writes. */
function gradRowsProgram(withLoss: boolean) {
  return defineProgram({
    name: withLoss ? 'lce.loss_grad_rows' : 'lce.grad_rows',
    bindings: {
      x: { access: 'read_write', type: 'f32' },
      labels: { access: 'read', type: 'i32' },
      dloss: { access: 'read', type: 'f32' },
      err: { access: 'read_write', type: 'atomic<u32>' },
      ...(withLoss ? { losses: { access: 'read_write', type: 'f32' } as const } : {}),
    },
    uniforms: { rows: 'u32', cols: 'u32', row0: 'u32', invN: 'f32' },
    workgroupSize: ROW_WG,
    source: /* wgsl */ `// linear cross-entropy: logits of one chunk -> their gradient, in place
${ROW_REDUCE_WGSL}${LABEL_CHECK}
${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(${ROW_WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = flat_workgroup(wid, nwg);
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
`,
  });
}

const GRAD_ROWS = gradRowsProgram(false);
const LOSS_GRAD_ROWS = gradRowsProgram(true);

/**
 * The chunk's logits → G = (softmax − onehot(label))·dloss·invN, in place. Bindings: `x`
 * (read_write, chunk [rows, V]), `labels` (read, i32 [N]), `dloss` (read, f32 [1]), `err`
 * (read_write, u32 [2]), `params` (rows, cols, row0, invN = 1/N). With `withLoss` it also
 * writes each row's loss into `losses` (read_write, f32 [N]) exactly as cross-entropy.ts's ceRowsKernel (with row0) does
 * (the invocation owning the label's column reads the logit before overwriting it), so the loss
 * and the gradient need one pass over the chunk.
 */
export function lceGradRowsKernel(o: LceChunk & { readonly N: number; readonly withLoss?: boolean }): Kernel {
  const program = o.withLoss ? LOSS_GRAD_ROWS : GRAD_ROWS;
  return program.kernel(o.rows === 0 ? [0, 1, 1] : grid1d(o.rows), { rows: o.rows, cols: o.V, row0: o.row0, invN: o.N > 0 ? 1 / o.N : 0 });
}

const BIAS_WG = 64;

const BIAS_GRAD = defineProgram({
  name: 'lce.bias_grad',
  bindings: { g: { access: 'read', type: 'f32' }, db: { access: 'read_write', type: 'f32' } },
  uniforms: { rows: 'u32', cols: 'u32', first: 'u32' },
  workgroupSize: BIAS_WG,
  source: /* wgsl */ `// linear cross-entropy: bias gradient of one chunk, accumulated in row order
@compute @workgroup_size(${BIAS_WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  let cols = params.cols;
  if (j >= cols) { return; }
  var acc = select(db[j], 0.0, params.first != 0u);
  for (var r = 0u; r < params.rows; r++) { acc += g[r * cols + j]; }
  db[j] = acc;
}
`,
});

/**
 * db (+)= Σ_r g[r, ·] over one chunk, rows in order; `first` starts from 0 instead of db.
 * Bindings: `g` (read, chunk [rows, V]), `db` (read_write, [V]), `params`.
 */
export function lceBiasGradKernel(o: { readonly rows: number; readonly V: number; readonly first: boolean }): Kernel {
  return BIAS_GRAD.kernel(grid1d(ceilDiv(Math.max(o.V, 1), BIAS_WG)), { rows: o.rows, cols: o.V, first: o.first ? 1 : 0 });
}
