/**
 * Shapes shared by the dispatch kernels (dispatch.ts, dispatch-index.ts, dispatch-small.ts) and
 * the expert kernels that read the dispatch's tile map: `DispatchShape`, the static size of the
 * tile map (`maxTiles`) and the uniform block of the kernels that read the sorted pairs.
 */
import { uniformBlock } from './kernel.ts';

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

/** Uniform block of the kernels that read (or write) the sorted pairs after the sort. */
export function indexParams(s: DispatchShape) {
  return uniformBlock([
    ['total', 'u32', s.N * s.k],
    ['k', 'u32', s.k],
    ['n', 'u32', s.n],
    ['tileRows', 'u32', s.tileRows],
    ['maxTiles', 'u32', maxTiles(s)],
  ]);
}
