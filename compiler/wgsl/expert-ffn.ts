/**
 * Grouped GEMM over expert-contiguous segments (op `expertFfn`), driven by the device-built tile
 * map of dispatch.ts: flattened workgroup g reads tile-map entry g / colBlocks = (expert e,
 * rowStart, rowEnd) (entries cover ≤ EXPERT_TILE_ROWS = 32 slots) and computes column block
 * g % colBlocks (128 columns) of out[s] = act(a[src(s)]·w[e] + bias[e]) for slots s in [rowStart,
 * rowEnd), in row tiles of tm rows (32 by default; 16 or 8 when the plan's experts get few rows,
 * `expertTiling`), 8×16 outputs per thread in vec4 registers, both
 * tiles staged through workgroup memory as vec4, 32 k at a time, read from storage as vec4 when K
 * and cols are multiples of 4: the tiled schedule of the GEMM generator (compiler/wgsl/gemm/tiled.ts)
 * on a tile-map problem (`groupedGemmProblem`); this file chooses the problem and the tiling. 32-row tiles
 * because at the usual ~N·k/n ≈ 32 slots per expert 64-row tiles are half empty. In the first
 * layer src(s) = sourceRow[s] (rows gathered straight from x, no dispatched copy); in the second
 * src(s) = s. The static grid is the worst case (maxTiles × colBlocks, folded); the lowering
 * launches it indirectly over tileCount × colBlocks workgroups (the real entries, counted by the
 * dispatch on the device), and entries with expert −1 exit at once, so nothing is read back. The expert weights may be split over up to 4 bindings (`w0`..
 * `w3`), each holding a contiguous range of experts (bank b starts at expert bankStart[b], given in
 * the uniform): this is how expert banks larger than one 128 MiB storage binding are handled.
 * The expert FFN is two of these: hidden = gemm(gather x, w1, b1, relu); y = gemm(hidden, w2, b2).
 * With `transposeW` the kernel multiplies by each expert's weight transposed (bank stored [n, cols,
 * K]), transposing the tile as it stages it: the expert input gradients dslot = dpre·w1[e]ᵀ and
 * dhidden = dy·w2[e]ᵀ read the forward's weight banks directly, with no transposed copy.
 */
import { ceilDiv, type Kernel } from './kernel.ts';
import { maxTiles } from './dispatch.ts';
import { gemmKernel } from './gemm/gemm.ts';
import type { GemmProblem } from './gemm/problem.ts';
import { tiledScheduleError, type TiledSchedule } from './gemm/tiled.ts';

/** Rows per expert tile (also the tile-map granularity: pass it as DispatchShape.tileRows). */
export const EXPERT_TILE_ROWS = 32;

/** Options of one grouped GEMM. */
export interface GroupedGemmOptions {
  /** Total slots S = N·k. */
  readonly S: number;
  readonly N: number;
  readonly k: number;
  /** Number of experts. */
  readonly n: number;
  /** Input width (D for layer 1, H for layer 2). */
  readonly K: number;
  /** Output width (H for layer 1, Dout for layer 2). */
  readonly cols: number;
  /** Gather input rows by sourceRow (layer 1). */
  readonly gather: boolean;
  readonly relu: boolean;
  /** Experts per weight binding, in order (sum = n, at most 4 banks); default one bank. */
  readonly banks?: readonly number[];
  /**
   * Read each expert's weight as the transpose of its stored matrix: the bank is stored
   * [n, cols, K] and the logical [K, cols] element (kk, col) of expert e is w[e·cols·K + col·K + kk]
   * (the input gradient of an expert layer, x·wᵀ, without a transposed copy of the bank). The tile
   * is transposed while it is staged into workgroup memory, so the inner loop is unchanged.
   */
  readonly transposeW?: boolean;
  /** Rows per entry of the tile map this kernel reads (DispatchShape.tileRows; default EXPERT_TILE_ROWS): sizes its maxTiles. */
  readonly tileRows?: number;
}

/** Register/workgroup tiling of the grouped GEMM (exposed for benchmarking variants). */
export interface ExpertTiling {
  /** Rows per tile (≤ or ≥ the tile map's EXPERT_TILE_ROWS: a map entry is processed in chunks of tm rows). */
  readonly tm: number;
  /** Columns per workgroup. */
  readonly tn: number;
  /** K step staged through workgroup memory per barrier pair. */
  readonly tk: number;
  /** Rows per thread. */
  readonly rm: number;
  /** Columns per thread. */
  readonly rn: number;
  /** Stage W in workgroup memory as vec4 and read 4 columns per load (rn, tn multiples of 4). */
  readonly vec4: boolean;
  /** Also stage the A tile as vec4 (4 rows per load; rm multiple of 4). */
  readonly avec4?: boolean;
  /** Read W from storage as vec4<f32> (4 columns per load) when cols % 4 == 0 (needs vec4; not with transposeW). */
  readonly wload4?: boolean;
  /** Read A from storage as vec4<f32> (4 consecutive k per load) when K % 4 == 0 (needs avec4). */
  readonly aload4?: boolean;
}

/**
 * Default: 32-row × 128-column tiles, 32 threads of 8 rows × 16 columns, K step 32, both tiles
 * staged as vec4, W (cols % 4 = 0) and A (K % 4 = 0) read from storage as vec4.
 * At ~32 slots per expert (N·k/n at the benchmark shape) 64-row tiles were half empty; vec4
 * workgroup-memory reads cut lavapipe's per-lane gathers ~4×. Measured on lavapipe (2 cores):
 * 64×64 8×8 scalar 1.8 GFLOP/s → K step 16, scalar storage reads ~4.0 GFLOP/s (bench/kernels.ts
 * shape). K step 32 + vec4 storage reads: faster again, but only if the W staging loop (32
 * iterations) is not fully unrolled: with one weight bank (the real plan at N=512 D=512 n=64
 * H=1024, 128 MiB) lavapipe unrolls it and the kernel got ~15% SLOWER than K step 16, while with
 * ≥ 2 banks (bench/kernels.ts) the bank branch kept the loop rolled and it was ~1.2× faster. Its
 * trip count is therefore made non-constant (+ params.zero); in-plan `moec profile` then gives
 * ~1.2–1.3× for both GEMMs.
 */
export const DEFAULT_EXPERT_TILING: ExpertTiling = { tm: EXPERT_TILE_ROWS, tn: 128, tk: 32, rm: 8, rn: 16, vec4: true, avec4: true, wload4: true, aload4: true };

/** 8-row tiles for experts with a handful of rows: 32 threads of 4 rows × 8 columns, 128 columns per workgroup. */
export const EXPERT_TILING_8: ExpertTiling = { tm: 8, tn: 128, tk: 32, rm: 4, rn: 8, vec4: true, avec4: true, wload4: true, aload4: true };
/** 16-row tiles: 32 threads of 4 rows × 16 columns, 128 columns per workgroup. */
export const EXPERT_TILING_16: ExpertTiling = { tm: 16, tn: 128, tk: 32, rm: 4, rn: 16, vec4: true, avec4: true, wload4: true, aload4: true };

/** 4-row tiles for experts with one to a few rows: 32 threads of 4 rows × 4 columns, 128 columns per workgroup. */
export const EXPERT_TILING_4: ExpertTiling = { tm: 4, tn: 128, tk: 32, rm: 4, rn: 4, vec4: true, avec4: true, wload4: true, aload4: true };

/**
 * The tile-map granularity of a plan's expert dispatch (DispatchShape.tileRows), chosen from the
 * mean rows per expert S/n (S = N·k slots, n experts): ≤ 2 → 4-row entries, ≤ 12 → 8, ≤ 24 →
 * 16, else EXPERT_TILE_ROWS (32). Every consumer of the map (the fused expert kernels, whose row
 * tile is the entry, and the grouped GEMMs) sizes it with this, so an entry holds about one
 * expert's rows and a tile's padding rows (computed and discarded) stay few; at ~4 rows per
 * expert a 32-row tile did ~8× the useful FMAs. Measured on lavapipe (fused kernels alone, 1024
 * experts, 4096 slots, D 32, H 1024; wall ms per dispatch, load ~8, last of 3 alternating reps):
 * forward 4569 / 3287 / 4027, input half 6197 / 4597 / 7220, weight half 7984 / 3879 / 4592 at
 * 32 / 8 / 4 rows: at a mean of 4 the 4-row map has 1.4× the entries (experts with 5–8 rows
 * split in two, each reading the expert's weights again), so 8 rows win; 4-row tiles are for
 * ≲ 2 rows per expert, where the entries are the active experts either way.
 */
export function expertTileRows(S: number, n: number): number {
  const mean = S / Math.max(1, n);
  if (mean <= 2) return 4;
  if (mean <= 12) return 8;
  if (mean <= 24) return 16;
  return EXPERT_TILE_ROWS;
}

/**
 * The row tile of a plan's grouped expert GEMMs, the tiling whose tm is the plan's tile-map
 * granularity `expertTileRows(S, n)` (4, 8, 16 or 32 rows). A tile's rows beyond its expert's
 * segment are computed and discarded, so at ~1.5 rows per expert a 32-row tile does ~20× the
 * useful FMAs and an 8-row one ~5× (the weights are read once per tile either way). Any tiling is
 * correct on any map (a kernel with a smaller row tile walks an entry's rows in chunks).
 * Measured in bench/expert-tiles.ts (8 and 16 rows) and the scale bench (4 rows).
 */
export function expertTiling(S: number, n: number): ExpertTiling {
  const rows = expertTileRows(S, n);
  if (rows === 4) return EXPERT_TILING_4;
  if (rows === 8) return EXPERT_TILING_8;
  if (rows === 16) return EXPERT_TILING_16;
  return DEFAULT_EXPERT_TILING;
}

/** Column blocks of a grouped GEMM (workgroups per tile-map entry). */
export function groupedGemmColBlocks(cols: number, tiling: ExpertTiling = DEFAULT_EXPERT_TILING): number {
  return Math.max(1, ceilDiv(cols, tiling.tn));
}

/**
 * The grouped GEMM as a problem of the GEMM generator (compiler/wgsl/gemm/): a tile-map batch (one
 * product per entry, expert e's weights from its bank), rows gathered by sourceRow in the first
 * layer, weights stored transposed with `transposeW`, bias per expert and column, relu.
 */
export function groupedGemmProblem(o: GroupedGemmOptions): GemmProblem {
  const TW = !!o.transposeW;
  return {
    name: `expert_gemm${TW ? '_wt' : ''}${o.gather ? '_gather' : ''}${o.relu ? '_relu' : ''}`,
    batch: { kind: 'tileMap', maxTiles: maxTiles({ N: o.N, k: o.k, n: o.n, tileRows: o.tileRows ?? EXPERT_TILE_ROWS }), banks: o.banks ?? [o.n] },
    a: { layout: 'mk', gather: o.gather, offset: false },
    b: { layout: TW ? 'nk' : 'kn' },
    bias: 'en',
    relu: o.relu,
    accumulate: false,
    cOffset: false,
  };
}

/** The tiled GEMM schedule of an expert tiling (transposed weights are read as vec4s whenever K allows). */
function expertSchedule(tl: ExpertTiling, transposeW = false): TiledSchedule {
  return { kind: 'tiled', tm: tl.tm, tn: tl.tn, tk: tl.tk, rm: tl.rm, rn: tl.rn, vec4: tl.vec4, avec4: !!tl.avec4, aload4: !!tl.aload4, bload4: transposeW || !!tl.wload4 };
}

/**
 * Grouped GEMM kernel: the tiled schedule of the GEMM generator on `groupedGemmProblem`. Bindings:
 * a, [sourceRow], tileMap, w0..w{B−1}, bias [n, cols], out [S, cols], params. A weight bank is
 * bound as array<vec4<f32>> (same bytes) when it is read as vec4s: untransposed with cols % 4 = 0
 * and `wload4`, transposed with K % 4 = 0 (and a vec4 tiling with tk % 4 = 0); `a` likewise with
 * `aload4` and K % 4 = 0.
 */
export function groupedGemmKernel(o: GroupedGemmOptions & { readonly tiling?: ExpertTiling }): Kernel {
  const tl = o.tiling ?? expertTiling(o.S, o.n);
  const banks = o.banks ?? [o.n];
  if (banks.length < 1 || banks.length > 4) throw new Error(`expert FFN: 1..4 weight banks, got ${banks.length}`);
  if (banks.reduce((a, b) => a + b, 0) !== o.n) throw new Error(`expert FFN: banks ${banks.join('+')} must sum to n=${o.n}`);
  const schedule = expertSchedule(tl, !!o.transposeW);
  const sizes = { M: o.S, N: o.cols, K: o.K, colBlocks: groupedGemmColBlocks(o.cols, tl) };
  const bad = tiledScheduleError(groupedGemmProblem(o), schedule, sizes);
  if (bad !== undefined) throw new Error(`expert FFN: bad tiling ${JSON.stringify(tl)}: ${bad}`);
  return gemmKernel(groupedGemmProblem(o), schedule, sizes);
}

/** Shapes of the whole expert FFN (op `expertFfn`). */
export interface ExpertFfnOptions {
  readonly N: number;
  readonly k: number;
  readonly n: number;
  readonly D: number;
  readonly H: number;
  readonly Dout: number;
  /** Experts per weight binding for w1 and w2 (default: one bank each). */
  readonly banks?: readonly number[];
  /** Rows per tile-map entry (default EXPERT_TILE_ROWS). */
  readonly tileRows?: number;
}

/**
 * The two grouped GEMMs of the expert FFN. Layer 1 bindings: a = x, sourceRow, tileMap, w0.. = w1
 * bank(s), bias = b1, out = hidden [S,H]. Layer 2: a = hidden, tileMap, w0.. = w2 bank(s),
 * bias = b2, out = y [S,Dout].
 */
export function expertFfnKernels(o: ExpertFfnOptions & { readonly tiling?: ExpertTiling }): [Kernel, Kernel] {
  const S = o.N * o.k;
  const common = { S, N: o.N, k: o.k, n: o.n, ...(o.banks ? { banks: o.banks } : {}), ...(o.tiling ? { tiling: o.tiling } : {}), ...(o.tileRows ? { tileRows: o.tileRows } : {}) };
  return [
    groupedGemmKernel({ ...common, K: o.D, cols: o.H, gather: true, relu: true }),
    groupedGemmKernel({ ...common, K: o.H, cols: o.Dout, gather: false, relu: false }),
  ];
}
