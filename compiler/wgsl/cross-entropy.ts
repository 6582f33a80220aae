/**
 * softmaxCrossEntropy on the GPU: (logits [N,V], labels i32 [N]) → the mean over rows of
 * logsumexp(row) − row[label], as a scalar. Stage 1 (`ceRowsKernel`): one 64-invocation
 * workgroup per row computes the max-subtracted loss (same ±∞ convention as the reference) into
 * losses [N]; a label outside [0,V) gives loss 0 and is reported in an error buffer exactly as
 * embedding.ts does for ids (err[0] = count, err[1] = 0xFFFFFFFF − first bad row; zero it before
 * the step). Stage 2 is the deterministic chunked sum of reduce.ts with scale 1/N, so the mean
 * uses a fixed reduction tree and no float atomics. Shapes live in uniforms: two pipelines total.
 */
import { FLAT_WORKGROUP_WGSL, grid1d, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';
import { ROW_REDUCE_WGSL, ROW_WG } from './softmax.ts';
import { sumKernels } from './reduce.ts';

const CE_ROWS = defineProgram({
  name: 'ce.rows',
  bindings: {
    x: { access: 'read', type: 'f32' },
    labels: { access: 'read', type: 'i32' },
    losses: { access: 'read_write', type: 'f32' },
    err: { access: 'read_write', type: 'atomic<u32>' },
  },
  uniforms: { rows: 'u32', cols: 'u32', row0: 'u32' },
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
  if (lid != 0u) { return; }
  let g = params.row0 + row;
  let label = labels[g];
  if (label < 0 || u32(label) >= cols) {
    losses[g] = 0.0;
    atomicAdd(&err[0], 1u);
    atomicMax(&err[1], 0xFFFFFFFFu - g);
    return;
  }
  let lv = x[base + u32(label)];
  losses[g] = log(s) - select(lv - m, 0.0, lv == m);
}
`,
});

/**
 * Per-row losses. Bindings: `x` (read, logits f32 [N,V]), `labels` (read, i32), `losses`
 * (read_write, f32), `err` (read_write, u32 [2], zeroed beforehand), `params`. With `row0`, x holds
 * a chunk of N rows whose labels, losses and error positions are rows row0.. of the whole batch
 * (the chunked linear cross-entropy, compiler/lower/rules-linear-ce.ts).
 */
export function ceRowsKernel(o: { readonly N: number; readonly V: number; readonly row0?: number }): Kernel {
  return CE_ROWS.kernel(o.N === 0 ? [0, 1, 1] : grid1d(o.N), { rows: o.N, cols: o.V, row0: o.row0 ?? 0 });
}

/** The dispatches of softmaxCrossEntropy and the temporaries they need. */
export interface CrossEntropyPlan {
  /**
   * Run in order. Binding names: `x` (logits), `labels`, `losses` (temp f32 [N]), `err`,
   * `partials` (temp, only when `partials` > 0), `out` (f32 scalar), `params` (per kernel).
   */
  readonly kernels: Kernel[];
  /** f32 elements of the `losses` temporary (N, at least 1 so it is bindable). */
  readonly losses: number;
  /** f32 elements of the `partials` temporary (0 when unused). */
  readonly partials: number;
}

/** softmaxCrossEntropy of logits [N,V] and labels [N] → scalar mean loss in `out` (0 when N = 0). */
export function crossEntropyKernels(o: { readonly N: number; readonly V: number }): CrossEntropyPlan {
  const sum = sumKernels(o.N, { scale: o.N === 0 ? 0 : 1 / o.N, input: 'losses', output: 'out' });
  return { kernels: [ceRowsKernel(o), ...sum.kernels], losses: Math.max(1, o.N), partials: sum.partials };
}
