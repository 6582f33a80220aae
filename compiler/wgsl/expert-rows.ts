/**
 * The grouped expert GEMM in a "row-uniform" layout (op `expertFfn`'s two GEMMs when K and cols
 * are multiples of 4), generated as a tile-map problem under the stream schedule of the GEMM
 * generator (compiler/wgsl/gemm/stream.ts, its dynamic-rows and subgroup forms); this file picks
 * the problem, the schedule and the tile sizes. Every invocation of a workgroup computes ALL rows of the tile (the
 * tile-map entry's rows in chunks of ≤ `tm`) for its own `cv` vec4 columns, so row indices and the
 * gathered source rows are resolved once per chunk row, not per FMA, and each weight vec4 is read
 * from storage once per chunk and applied to every row of it. There is no workgroup memory and no
 * barrier: the tiled kernel (wgsl/expert-ffn.ts) stages both tiles through workgroup memory, and on
 * lavapipe (a workgroup's invocations run as 8-wide SIMD lanes of LLVM-JITed CPU code) every
 * staging store, workgroup-memory read and barrier is paid per lane. Measured with
 * bench/expert-forward.ts at `npm run bench`'s shape (2048 slots, D 512, H 1024, 64 experts):
 * ~2.2× the tiled kernel for both GEMMs (load ~3.6; 12.8 / 11.9 GFLOP/s). The generated code
 * still reads and writes the per-row accumulator arrays per lane (once per K step), the next
 * thing to remove. Same bindings, tile map, indirect grid
 * and semantics as `groupedGemmKernel`: out[s] = act(a[src(s)]·w[e] + bias[e]) for the slots s of
 * each entry (expert e), src(s) = sourceRow[s] with `gather`, else s; the weights may be split over
 * up to 4 banks. Entries with expert −1 and grid slots past maxTiles exit at once.
 * With `subgroup` (adapters with WGSL `subgroups`; `SUBGROUP_ROWS_TILING`) a chunk is 8 rows and
 * the 8 invocations do not each gather the chunk rows' A values: lane l loads row l's vec4 of A
 * and `subgroupBroadcast` hands it to the others (as the dense GEMM's subgroup form does; on Mesa 25 a load at a lane-uniform but non-constant address is still a per-lane
 * gather), the accumulators are named registers, and each output is the same fma chain over k
 * (same bits as the default form). On a subgroup smaller than 8 every k runs in the per-lane loop.
 */
import { ceilDiv, type Kernel } from './kernel.ts';
import { maxTiles } from './dispatch.ts';
import { EXPERT_TILE_ROWS, type GroupedGemmOptions } from './expert-ffn.ts';
import { gemmKernel } from './gemm/gemm.ts';
import type { GemmProblem } from './gemm/problem.ts';
import type { StreamSchedule } from './gemm/stream.ts';

/** Tiling of the row-uniform grouped GEMM. */
export interface RowsTiling {
  /** Rows per chunk (every invocation accumulates all of them). */
  readonly tm: number;
  /** vec4 columns per invocation. */
  readonly cv: number;
  /** Invocations per workgroup (columns per workgroup = 4·cv·wg). */
  readonly wg: number;
  /** vec4s of K per step of the K loop (each row's accumulators read and written once per step); used when it divides K/4, else 1. */
  readonly ks?: number;
}

/**
 * Default row-uniform tiling: 32-row chunks, 8 vec4 columns per invocation, 8 invocations (one
 * lavapipe SIMD group; 256 columns per workgroup), 2 vec4s of K per step. bench/expert-forward.ts
 * at the bench shape (5 alternating reps): at load ~15, cv 1 / 2 / 4 / 8 (256 columns per
 * workgroup, 1 vec4 of K per step) gave ~1.0 / 1.3 / 1.6 / 1.6× the tiled kernel; at load ~7,
 * 2 vec4s of K per step took cv 8 from 435 / 447 to 308 / 365 ms (layer 1 / layer 2); at load
 * ~3.6, 4 per step was no faster than 2 (170 / 179 vs 168 / 181 ms; tiled 372 / 396 ms).
 */
export const DEFAULT_ROWS_TILING: RowsTiling = { tm: 32, cv: 8, wg: 8, ks: 2 };

/** The subgroup form's tiling: 8-row chunks, one subgroup of 8 invocations, 2 vec4 columns each (bench/expert-forward.ts at the bench shape, loadavg 1.1, 5 reps: cv 2 141 / 125 ms, cv 1 158 / 130, the 32-row default form 196 / 162 ms for the two GEMMs). */
export const SUBGROUP_ROWS_TILING: RowsTiling = { tm: 8, cv: 2, wg: 8, ks: 1 };

/** True when the row-uniform kernel applies: untransposed weights, K and cols multiples of 4. */
export function rowsGemmApplies(o: { readonly K: number; readonly cols: number; readonly transposeW?: boolean }): boolean {
  return !o.transposeW && o.K % 4 === 0 && o.cols % 4 === 0 && o.K > 0 && o.cols > 0;
}

/** Column blocks (workgroups per tile-map entry) of the row-uniform GEMM. */
export function rowsGemmColBlocks(cols: number, tiling: RowsTiling = DEFAULT_ROWS_TILING): number {
  return Math.max(1, ceilDiv(cols, 4 * tiling.cv * tiling.wg));
}

/**
 * Row-uniform grouped GEMM. Bindings (as `groupedGemmKernel`): a, [sourceRow], tileMap,
 * w0..w{B−1}, bias, out, params; a, w*, bias and out are bound as vec4 arrays (same bytes).
 */
export function rowsGemmKernel(o: GroupedGemmOptions & { readonly rowsTiling?: RowsTiling; readonly subgroup?: boolean }): Kernel {
  if (!rowsGemmApplies(o)) {
    throw new Error(`expert FFN (row-uniform GEMM): needs untransposed weights and K, cols multiples of 4, got K=${o.K} cols=${o.cols}${o.transposeW ? ' transposeW' : ''}; use groupedGemmKernel`);
  }
  const sg = o.subgroup === true;
  const { tm: TM, cv: CV, wg: WG } = o.rowsTiling ?? (sg ? SUBGROUP_ROWS_TILING : DEFAULT_ROWS_TILING);
  if (!(TM >= 1 && CV >= 1 && WG >= 1 && WG <= 256)) throw new Error(`expert FFN (row-uniform GEMM): bad tiling tm=${TM} cv=${CV} wg=${WG}`);
  if (sg && (TM !== 8 || WG !== 8)) throw new Error(`expert FFN (row-uniform GEMM, subgroup form): needs tm = wg = 8 (one row per lane of an 8-lane subgroup), got tm=${TM} wg=${WG}`);
  const banks = o.banks ?? [o.n];
  if (banks.length < 1 || banks.length > 4) throw new Error(`expert FFN: 1..4 weight banks, got ${banks.length}`);
  if (banks.reduce((x, y) => x + y, 0) !== o.n) throw new Error(`expert FFN: banks ${banks.join('+')} must sum to n=${o.n}`);
  const tiles = maxTiles({ N: o.N, k: o.k, n: o.n, tileRows: o.tileRows ?? EXPERT_TILE_ROWS });
  const colBlocks = rowsGemmColBlocks(o.cols, { tm: TM, cv: CV, wg: WG });
  const problem: GemmProblem = {
    name: `expert_gemm_rows${sg ? '_subgroup' : ''}${o.gather ? '_gather' : ''}${o.relu ? '_relu' : ''}`,
    batch: { kind: 'tileMap', maxTiles: tiles, banks },
    a: { layout: 'mk', gather: o.gather, offset: false },
    b: { layout: 'kn' },
    bias: 'en',
    relu: o.relu,
    accumulate: false,
    cOffset: false,
  };
  // The subgroup form: named rows (one per lane), k unrolled by 4 (one vec4 of A per lane per step).
  const schedule: StreamSchedule = sg
    ? { kind: 'stream', rows: TM, quads: CV, wg: WG, subgroup: true, unroll: 4, rowLoop: 'named', kSteps: 1 }
    : { kind: 'stream', rows: TM, quads: CV, wg: WG, subgroup: false, unroll: 1, rowLoop: 'dynamic', kSteps: (o.rowsTiling ?? DEFAULT_ROWS_TILING).ks ?? 1 };
  return gemmKernel(problem, schedule, { M: o.S, N: o.cols, K: o.K, colBlocks });
}

