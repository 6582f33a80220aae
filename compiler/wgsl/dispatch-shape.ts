/**
 * Shapes shared by the dispatch kernels (dispatch.ts, dispatch-index.ts, dispatch-small.ts) and
 * the expert kernels that read the dispatch's tile map: `DispatchShape`, the static size of the
 * tile map (`maxTiles`) and the uniform fields of the kernels that read the sorted pairs.
 */
import type { UniformValues } from './program.ts';

/** Shapes of the dispatch kernels. */
export interface DispatchShape {
  readonly N: number;
  readonly k: number;
  /** Number of experts. */
  readonly n: number;
  /** Rows per expert-FFN tile (the tile map granularity). */
  readonly tileRows: number;
}

/**
 * Static worst-case number of tile-map entries: Σ_e ceil(count_e / T) ≤ floor(N·k / T) + (experts
 * with rows) ≤ floor(N·k / T) + min(n, N·k), and ≤ N·k (every entry holds a slot); at least 1.
 * At many experts this is N·k, not n: the map, and the unused entries the dispatch marks, stay
 * O(pairs).
 */
export function maxTiles(s: DispatchShape): number {
  const S = s.N * s.k;
  return Math.max(1, Math.min(S, Math.floor(S / s.tileRows) + Math.min(s.n, S)));
}

/** Uniform fields of the kernels that read (or write) the sorted pairs after the sort. */
export const INDEX_UNIFORMS = { total: 'u32', k: 'u32', n: 'u32', tileRows: 'u32', maxTiles: 'u32' } as const;

/** Values of `INDEX_UNIFORMS` for a dispatch shape. */
export function indexUniforms(s: DispatchShape): UniformValues<typeof INDEX_UNIFORMS> {
  return { total: s.N * s.k, k: s.k, n: s.n, tileRows: s.tileRows, maxTiles: maxTiles(s) };
}
