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
 *   over all rows) and db += Σ rows G_c (rows in order); when the program has canonical batch chunks
 *   (batch-chunks.ts), dw and db are instead per-batch-chunk partials continued over the row chunks
 *   and combined by the pairwise tree after the last one (the same bits on one device and on N) —
 *   or, when one row chunk covers the batch, summed with the tree inside the kernels (no partials).
 * When the gradient's dloss is computed before the forward node (passes/pair-linear-cross-entropy.ts
 * arranges that in training), the forward step does both in one pass over the chunks (loss rows
 * and G in place by one row kernel, then dh, dw, db) and the gradient step emits nothing: each chunk's logits are
 * computed once per step instead of twice.
 * Labels outside [0, V) set the error flag (checked after the run) like softmaxCrossEntropy.
 */
import type { Node } from '../../ir/graph.ts';
import { ERROR_WORDS } from '../wgsl/embedding.ts';
import { transposeKernel } from '../wgsl/grad-shape.ts';
import { lceBiasGradKernel, lceGradRowsKernel } from '../wgsl/linear-cross-entropy.ts';
import { ceRowsKernel } from '../wgsl/cross-entropy.ts';
import { gemm } from './gemm.ts';
import { batchChunksOf, chunkGroups, chunkKernels } from './batch-chunks.ts';
import type { ChunkGeometry } from '../wgsl/reduce-chunks.ts';
import { sumKernels } from '../wgsl/reduce.ts';
import type { LowerCtx } from './context.ts';
import type { LowerRule } from './rules-dense.ts';

/** Upper bound of one chunk's logits, in bytes (4 MiB). */
const LCE_CHUNK_BYTES = 4 * 1024 * 1024;

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
  const k = gemm(c, { M: ch.rows, N: g.V, K: g.D, bias: true, offsets: true, aOff: ch.row0 * g.D, cOff: 0 });
  c.emit(k, { a: c.input(0), b: c.input(1), bias: c.input(2), c: z });
}

/** Index of the plan step whose node produces `value`, or −1 for a graph input. */
function producerStep(c: LowerCtx, value: number): number {
  return c.plan.steps.findIndex((s) => s.node.outputs.includes(value));
}

/**
 * The (forward, gradient) pair computed together by the forward's step: the gradient node reads
 * the forward's four inputs and its dloss is produced before the forward step (or is an input).
 */
function pairOf(c: LowerCtx, node: Node): { fwd: Node; grad: Node } | undefined {
  const same = (a: Node, b: Node): boolean => a.inputs.slice(0, 4).every((v, i) => v === b.inputs[i]);
  const readers = c.consumersOf(node.inputs[0]!);
  const fwd = node.op === 'linearCrossEntropy' ? node : readers.find((r) => r.op === 'linearCrossEntropy' && same(r, node));
  const grad = node.op === 'linearCrossEntropyGrad' ? node : readers.find((r) => r.op === 'linearCrossEntropyGrad' && same(r, node));
  if (!fwd || !grad) return undefined;
  const fwdStep = c.plan.steps.findIndex((s) => s.node.id === fwd.id);
  return producerStep(c, grad.inputs[4]!) < fwdStep ? { fwd, grad } : undefined;
}

/** The plan buffer holding IR value `v`; a temporary's lifetime is stretched back to this step. */
function writtenHere(c: LowerCtx, v: number): number {
  const b = c.plan.buffers.findIndex((x) => x.value === v);
  const s = c.plan.storages[c.plan.buffers[b]!.storage]!;
  if (s.role === 'temp') s.first = Math.min(s.first, c.step.index);
  return b;
}

/**
 * The weight/bias gradient sums over the canonical batch chunks (batch-chunks.ts): groups of chunks per kernel
 * (Cl over several row chunks, the partials continuing their chains; 1 or Cl for one row chunk), their partial
 * buffers (dw/db themselves for one group).
 */
interface BatchSums {
  readonly geo: ChunkGeometry;
  readonly dwGroups: number;
  readonly dbGroups: number;
  readonly dwParts: number;
  readonly dbParts: number;
}

/**
 * Emits dh, dw, db of one chunk whose G is in `z` (dw and db accumulate after the first chunk). With `sums`, dw and
 * db go to the canonical batch-chunk partials (each continuing its chain over the row chunks, in row order).
 */
function chunkGrads(c: LowerCtx, g: { D: number; V: number }, ch: { row0: number; rows: number }, first: boolean, b: { z: number; wT: number; dh: number; dw: number; db: number; sums?: BatchSums }): void {
  c.emit(gemm(c, { M: ch.rows, N: g.D, K: g.V, offsets: true, aOff: 0, cOff: ch.row0 * g.D }), { a: b.z, b: b.wT, c: b.dh });
  if (b.sums) {
    const s = b.sums;
    const r = { row0: ch.row0, row1: ch.row0 + ch.rows, bRow0: ch.row0, accumulate: !first };
    c.emit(chunkKernels.gemmTn({ Ka: g.D, Nb: g.V }, s.geo, { ...r, groups: s.dwGroups }), { a: c.input(0), b: b.z, out: s.dwParts });
    c.emit(chunkKernels.colSum(g.V, s.geo, { ...r, groups: s.dbGroups }), { x: b.z, out: s.dbParts });
    return;
  }
  const dwK = gemm(c, { M: g.D, N: g.V, K: ch.rows, offsets: true, transA: true, accumulate: !first, aOff: ch.row0 * g.D, cOff: 0 });
  c.emit(dwK, { a: c.input(0), b: b.z, c: b.dw });
  c.emit(lceBiasGradKernel({ rows: ch.rows, V: g.V, first }), { g: b.z, db: b.db });
}

/**
 * The canonical batch-chunk sums of dw, db for N rows in row chunks of R, or undefined (one GEMM chain in row
 * order). One row chunk: the trees inside the kernels (batch-chunks.ts chunkGroups; db always); several: Cl partials.
 */
function batchSums(c: LowerCtx, g: { N: number; D: number; V: number; R: number }, dw: number, db: number): BatchSums | undefined {
  const geo = batchChunksOf(c.plan.graph, g.N);
  if (!geo) return undefined;
  const single = chunks(g.N, g.R).length === 1;
  const dwGroups = single ? chunkGroups(geo, g.D * g.V) : geo.Cl;
  const dbGroups = single ? 1 : geo.Cl;
  return {
    geo,
    dwGroups,
    dbGroups,
    dwParts: dwGroups === 1 ? dw : c.scratch('lce.dw.chunks', 'f32', dwGroups * g.D * g.V),
    dbParts: dbGroups === 1 ? db : c.scratch('lce.db.chunks', 'f32', dbGroups * g.V),
  };
}

/** After the last row chunk: the pairwise trees of the batch-chunk partials into dw, db (for more than one group). */
function finishSums(c: LowerCtx, g: { D: number; V: number }, s: BatchSums | undefined, dw: number, db: number): void {
  if (!s) return;
  if (s.dwGroups > 1) c.emit(chunkKernels.tree(g.D * g.V, s.dwGroups), { partials: s.dwParts, out: dw });
  if (s.dbGroups > 1) c.emit(chunkKernels.tree(g.V, s.dbGroups), { partials: s.dbParts, out: db });
}

/** Transposes w into a scratch [V, D] for the dh GEMMs. */
function transposedW(c: LowerCtx, g: { D: number; V: number }): number {
  const wT = c.scratch('lce.wT', 'f32', g.V * g.D);
  c.emit(transposeKernel({ R: g.D, C: g.V }), { src: c.input(1), dst: wT });
  return wT;
}

/** Rules for linearCrossEntropy and its gradient. */
export const LINEAR_CE_RULES = {
  linearCrossEntropy: (n, c) => {
    const g = geometry(c);
    const pair = pairOf(c, n);
    const err = c.errorFlag(ERROR_WORDS, `label out of range [0, ${g.V})`);
    const z = c.scratch('lce.logits', 'f32', g.R * g.V);
    const losses = c.scratch('lce.losses', 'f32', g.N);
    const grads = pair && {
      z,
      wT: transposedW(c, g),
      dh: writtenHere(c, pair.grad.outputs[0]!),
      dw: writtenHere(c, pair.grad.outputs[1]!),
      db: writtenHere(c, pair.grad.outputs[2]!),
    };
    const sums = grads && batchSums(c, g, grads.dw, grads.db);
    const dloss = pair && c.plan.buffers.findIndex((x) => x.value === pair.grad.inputs[4]);
    chunks(g.N, g.R).forEach((ch, i) => {
      chunkLogits(c, g, ch, z);
      if (!grads) {
        c.emit(ceRowsKernel({ N: ch.rows, row0: ch.row0, V: g.V }), { x: z, labels: c.input(3), losses, err });
        return;
      }
      c.emit(lceGradRowsKernel({ rows: ch.rows, row0: ch.row0, V: g.V, N: g.N, withLoss: true }), { x: z, labels: c.input(3), dloss: dloss!, err, losses });
      chunkGrads(c, g, ch, i === 0, { ...grads, ...(sums ? { sums } : {}) });
    });
    if (grads) finishSums(c, g, sums, grads.dw, grads.db);
    const sum = sumKernels(g.N, { scale: g.N === 0 ? 0 : 1 / g.N, input: 'losses', output: 'out' });
    const bind: Record<string, number> = { losses, out: c.output(0) };
    if (sum.partials > 0) bind.partials = c.scratch('lce.partials', 'f32', sum.partials);
    for (const k of sum.kernels) c.emit(k, bind);
  },
  linearCrossEntropyGrad: (n, c) => {
    if (pairOf(c, n)) return; // computed by the forward's step
    const g = geometry(c);
    const err = c.errorFlag(ERROR_WORDS, `label out of range [0, ${g.V})`);
    const z = c.scratch('lce.logits', 'f32', g.R * g.V);
    const sums = batchSums(c, g, c.output(1), c.output(2));
    const b = { z, wT: transposedW(c, g), dh: c.output(0), dw: c.output(1), db: c.output(2), ...(sums ? { sums } : {}) };
    chunks(g.N, g.R).forEach((ch, i) => {
      chunkLogits(c, g, ch, z);
      c.emit(lceGradRowsKernel({ rows: ch.rows, row0: ch.row0, V: g.V, N: g.N }), { x: z, labels: c.input(3), dloss: c.input(4), err });
      chunkGrads(c, g, ch, i === 0, b);
    });
    finishSums(c, g, sums, b.dw, b.db);
  },
} satisfies { [O in 'linearCrossEntropy' | 'linearCrossEntropyGrad']: LowerRule<O> };
