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
 * (`undefined`), and their rules keep the plain row-order reductions.
 */
import type { Graph } from '../../ir/graph.ts';
import { chunkColSumKernel, chunkGemmTnKernel, chunkTreeKernel, MAX_CHUNKS, type ChunkGeometry, type ChunkRange } from '../wgsl/reduce-chunks.ts';
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

/**
 * out [Ka, Nb] = Σ_rows a[r]ᵀ·b[r] over the canonical chunks of `g`: the per-chunk TN GEMM into a
 * scratch of Cl partials (straight into `out` when Cl = 1), then the pairwise tree.
 */
export function emitChunkGemmTn(c: LowerCtx, g: ChunkGeometry, o: { readonly Ka: number; readonly Nb: number; readonly aTransposed?: boolean }, bind: { readonly a: number; readonly b: number; readonly out: number }, name: string): void {
  const partials = g.Cl === 1 ? bind.out : c.scratch(`${name}.chunks`, 'f32', g.Cl * o.Ka * o.Nb);
  c.emit(chunkGemmTnKernel(o, g), { a: bind.a, b: bind.b, out: partials });
  if (g.Cl > 1) c.emit(chunkTreeKernel({ n: o.Ka * o.Nb, Cl: g.Cl }), { partials, out: bind.out });
}

/** out [C] = Σ_rows x[r] over the canonical chunks of `g` (per-chunk column sums, then the pairwise tree). */
export function emitChunkColSum(c: LowerCtx, g: ChunkGeometry, C: number, bind: { readonly x: number; readonly out: number }, name: string): void {
  const partials = g.Cl === 1 ? bind.out : c.scratch(`${name}.chunks`, 'f32', g.Cl * C);
  c.emit(chunkColSumKernel({ C }, g), { x: bind.x, out: partials });
  if (g.Cl > 1) c.emit(chunkTreeKernel({ n: C, Cl: g.Cl }), { partials, out: bind.out });
}

/** The per-chunk kernels of a row range (accumulating partials), for callers that feed the rows in blocks. */
export const chunkKernels = {
  gemmTn: (o: { readonly Ka: number; readonly Nb: number }, g: ChunkGeometry, r: ChunkRange) => chunkGemmTnKernel(o, g, r),
  colSum: (C: number, g: ChunkGeometry, r: ChunkRange) => chunkColSumKernel({ C }, g, r),
  tree: (n: number, Cl: number) => chunkTreeKernel({ n, Cl }),
};
