/**
 * Where the lowering takes the canonical batch chunks from (compiler/wgsl/reduce-chunks.ts): sums
 * over the rows of a batch (the replicated parameters' weight and bias gradients, the embedding
 * gradient, importance and load) are computed as partials over fixed column chunks of the WHOLE
 * batch B — C = the largest power of two ≤ MAX_CANONICAL_DEVICES dividing B, each chunk w = B/C
 * columns of every timestep — combined by one fixed pairwise tree. A program traced at batch P
 * (graph.meta.options.B: B on one device, B/N in device d's program, whose graph.meta.partition
 * records B) holds P/w whole chunks when N divides C; the all-reduce over the devices is the tree's
 * top levels, so 1, 2, 4 and 8 devices add the same numbers in the same order. Programs without a
 * batch option, rows that are not T·P, or a device count that does not divide C get no geometry
 * (`undefined`), and their rules keep the plain row-order reductions. Partials cost memory: C copies of a
 * gradient live at once would dominate the plan's peak (the output projection's dW), so a sum larger than
 * SMALL_PARTIALS_BYTES runs the tree inside its kernel (`chunkGroups` = 1: the chunks one after the other,
 * added by a binary counter with its pending levels in registers: no partials at all, the same bits); a small one keeps
 * one workgroup per chunk (parallelism) and the separate tree. Column sums always add in registers.
 */
import type { Graph } from '../../ir/graph.ts';
import { chunkColSumKernel, chunkGemmTnKernel, chunkTreeKernel, MAX_CHUNKS, type ChunkGeometry, type ChunkRange } from '../wgsl/reduce-chunks.ts';
import type { Kernel } from '../wgsl/kernel.ts';
import type { LowerCtx } from './context.ts';

/** Largest device count whose reductions are canonical (the chunk count C of a batch divisible by it). */
export const MAX_CANONICAL_DEVICES = MAX_CHUNKS;

/** The canonical chunk count C of a global batch B: the largest power of two ≤ MAX_CANONICAL_DEVICES dividing B. */
export function canonicalChunks(B: number): number {
  let C = 1;
  while (2 * C <= MAX_CANONICAL_DEVICES && B % (2 * C) === 0) C *= 2;
  return C;
}

/** The chunk geometry of `rows` rows laid out (…, batch) in program `g`, or undefined (plain reductions). */
export function batchChunksOf(g: Graph, rows: number): ChunkGeometry | undefined {
  const options = g.meta.options as Record<string, unknown> | undefined;
  const P = options?.['B'];
  if (typeof P !== 'number' || !Number.isInteger(P) || P <= 0 || rows <= 0 || rows % P !== 0) return undefined;
  const part = g.meta.partition as { readonly batch: number } | undefined;
  const B = part?.batch ?? P;
  const w = B / canonicalChunks(B);
  if (P % w !== 0) return undefined;
  return { P, w, Cl: P / w, T: rows / P };
}

/** Largest total size of a sum's Cl partials kept as separate partials (one workgroup per chunk) rather than the in-kernel tree. */
export const SMALL_PARTIALS_BYTES = 64 * 1024;

/**
 * Groups of chunks a kernel summing `n` f32 elements per chunk runs: Cl (one partial per chunk, then the tree
 * kernel) while Cl partials take at most SMALL_PARTIALS_BYTES, else 1 (the tree inside the kernel).
 */
export function chunkGroups(g: ChunkGeometry, n: number): number {
  return g.Cl * n * 4 <= SMALL_PARTIALS_BYTES ? g.Cl : 1;
}

/** Emits a chunk kernel writing G = `groups` outputs of n elements into `out`: straight when G = 1, else into a scratch of G partials and then the pairwise tree. */
function emitGrouped(c: LowerCtx, kernel: Kernel, bind: Record<string, number>, o: { readonly n: number; readonly groups: number; readonly out: number }, name: string): void {
  const partials = o.groups === 1 ? o.out : c.scratch(`${name}.chunks`, 'f32', o.groups * o.n);
  c.emit(kernel, { ...bind, out: partials });
  if (o.groups > 1) c.emit(chunkTreeKernel({ n: o.n, Cl: o.groups }), { partials, out: o.out });
}

/**
 * out [Ka, Nb] = Σ_rows a[r]ᵀ·b[r] over the canonical chunks of `g`: the chunk GEMM with the tree inside
 * (`chunkGroups` = 1, straight into `out`), or per-chunk partials into a scratch and then the pairwise tree.
 */
export function emitChunkGemmTn(c: LowerCtx, g: ChunkGeometry, o: { readonly Ka: number; readonly Nb: number; readonly aTransposed?: boolean }, bind: { readonly a: number; readonly b: number; readonly out: number }, name: string): void {
  const n = o.Ka * o.Nb;
  const groups = chunkGroups(g, n);
  emitGrouped(c, chunkGemmTnKernel(o, g, { groups }), { a: bind.a, b: bind.b }, { n, groups, out: bind.out }, name);
}

/** out [C] = Σ_rows x[r] over the canonical chunks of `g`: the column sum with the tree in registers (no partials, no tree kernel). */
export function emitChunkColSum(c: LowerCtx, g: ChunkGeometry, C: number, bind: { readonly x: number; readonly out: number }, name: string): void {
  emitGrouped(c, chunkColSumKernel({ C }, g, { groups: 1 }), { x: bind.x }, { n: C, groups: 1, out: bind.out }, name);
}

/** The per-chunk kernels of a row range (accumulating partials), for callers that feed the rows in blocks. */
export const chunkKernels = {
  gemmTn: (o: { readonly Ka: number; readonly Nb: number }, g: ChunkGeometry, r: ChunkRange) => chunkGemmTnKernel(o, g, r),
  colSum: (C: number, g: ChunkGeometry, r: ChunkRange) => chunkColSumKernel({ C }, g, r),
  tree: (n: number, Cl: number) => chunkTreeKernel({ n, Cl }),
};
