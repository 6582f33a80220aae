/**
 * WebGPU lowering of the fused linear cross-entropy (passes/fuse-linear-cross-entropy.ts): the
 * [N, V] logits never exist whole. Rows are processed in chunks of `lceChunkRows(N, V)` rows (a
 * plan-time constant: a chunk's logits take ≤ LCE_CHUNK_BYTES), all chunks sharing one scratch
 * buffer, in a fixed order:
 * - forward: logits_c = h_c·w + b (the tiled GEMM with a row offset into h), per-row losses into
 *   losses [N]; then the fixed-tree mean of reduce.ts (the same reduction as softmaxCrossEntropy);
 * - gradient: logits_c again, then in place G_c = (softmax − onehot)·dloss/N, dh_c = G_c·wᵀ
 *   (written at the chunk's rows of dh), dw += h_cᵀ·G_c (the GEMM reading h transposed and
 *   continuing each output's fma chain from the previous chunk, so dw has the bits of one GEMM
 *   over all rows) and db += Σ rows G_c (rows in order).
 * Labels outside [0, V) set the error flag (checked after the run) like softmaxCrossEntropy.
 */
import { ERROR_WORDS } from '../wgsl/embedding.ts';
import { transposeKernel } from '../wgsl/grad-shape.ts';
import { lceBiasGradKernel, lceGradRowsKernel, lceLossRowsKernel } from '../wgsl/linear-cross-entropy.ts';
import { matmulKernel } from '../wgsl/matmul.ts';
import { sumKernels } from '../wgsl/reduce.ts';
import type { LowerCtx } from './context.ts';
import type { LowerRule } from './rules-dense.ts';

/** Upper bound of one chunk's logits, in bytes (4 MiB). */
export const LCE_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Rows per chunk for N rows of V classes: as many as fit in `maxBytes` of f32 logits, a multiple
 * of 64 when at least 64 fit, at least 1 and at most N (one chunk when everything fits).
 */
export function lceChunkRows(N: number, V: number, maxBytes = LCE_CHUNK_BYTES): number {
  const fit = Math.floor(maxBytes / (4 * Math.max(V, 1)));
  const rows = fit >= 64 ? fit - (fit % 64) : Math.max(fit, 1);
  return Math.max(1, Math.min(N, rows));
}

/** The chunks [row0, rows) of N rows; at least one (empty when N = 0, so outputs are still written). */
function chunks(N: number, R: number): { row0: number; rows: number }[] {
  const out: { row0: number; rows: number }[] = [];
  for (let row0 = 0; row0 < N; row0 += R) out.push({ row0, rows: Math.min(R, N - row0) });
  return out.length > 0 ? out : [{ row0: 0, rows: 0 }];
}

/** Shapes of the node's (h [N,D], w [D,V]) inputs and its chunking. */
function geometry(c: LowerCtx): { N: number; D: number; V: number; R: number } {
  const [N, D] = c.typeOf(c.input(0)).shape as [number, number];
  const V = c.typeOf(c.input(1)).shape[1]!;
  const bytes = Math.min(LCE_CHUNK_BYTES, c.limits.maxStorageBufferBindingSize);
  return { N, D, V, R: lceChunkRows(N, V, bytes) };
}

/** Emits logits_c = h[row0 .. row0+rows)·w + b into the chunk buffer `z`. */
function chunkLogits(c: LowerCtx, g: { D: number; V: number }, ch: { row0: number; rows: number }, z: number): void {
  const k = matmulKernel({ M: ch.rows, N: g.V, K: g.D, bias: true, offsets: true, aOff: ch.row0 * g.D, cOff: 0 });
  c.emit(k, { a: c.input(0), b: c.input(1), bias: c.input(2), c: z });
}

/** Rules for linearCrossEntropy and its gradient. */
export const LINEAR_CE_RULES = {
  linearCrossEntropy: (_n, c) => {
    const g = geometry(c);
    const err = c.errorFlag(ERROR_WORDS, `label out of range [0, ${g.V})`);
    const z = c.scratch('lce.logits', 'f32', g.R * g.V);
    const losses = c.scratch('lce.losses', 'f32', g.N);
    for (const ch of chunks(g.N, g.R)) {
      chunkLogits(c, g, ch, z);
      c.emit(lceLossRowsKernel({ rows: ch.rows, row0: ch.row0, V: g.V }), { x: z, labels: c.input(3), losses, err });
    }
    const sum = sumKernels(g.N, { scale: g.N === 0 ? 0 : 1 / g.N, input: 'losses', output: 'out' });
    const bind: Record<string, number> = { losses, out: c.output(0) };
    if (sum.partials > 0) bind.partials = c.scratch('lce.partials', 'f32', sum.partials);
    for (const k of sum.kernels) c.emit(k, bind);
  },
  linearCrossEntropyGrad: (_n, c) => {
    const g = geometry(c);
    const err = c.errorFlag(ERROR_WORDS, `label out of range [0, ${g.V})`);
    const z = c.scratch('lce.logits', 'f32', g.R * g.V);
    const wT = c.scratch('lce.wT', 'f32', g.V * g.D);
    c.emit(transposeKernel({ R: g.D, C: g.V }), { src: c.input(1), dst: wT });
    const [dh, dw, db] = [c.output(0), c.output(1), c.output(2)];
    chunks(g.N, g.R).forEach((ch, i) => {
      chunkLogits(c, g, ch, z);
      c.emit(lceGradRowsKernel({ rows: ch.rows, row0: ch.row0, V: g.V, N: g.N }), { x: z, labels: c.input(3), dloss: c.input(4), err });
      c.emit(matmulKernel({ M: ch.rows, N: g.D, K: g.V, offsets: true, aOff: 0, cOff: ch.row0 * g.D }), { a: z, b: wT, c: dh });
      const dwK = matmulKernel({ M: g.D, N: g.V, K: ch.rows, offsets: true, transA: true, accumulate: i > 0, aOff: ch.row0 * g.D, cOff: 0 });
      c.emit(dwK, { a: c.input(0), b: z, c: dw });
      c.emit(lceBiasGradKernel({ rows: ch.rows, V: g.V, first: i === 0 }), { g: z, db });
    });
  },
} satisfies { [O in 'linearCrossEntropy' | 'linearCrossEntropyGrad']: LowerRule<O> };
