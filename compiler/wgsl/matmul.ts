/**
 * The dense matmul: C[M,N] = A[M,K]·B[K,N] (+ bias[N]) (then relu), row-major f32 — one problem of
 * the GEMM generator (compiler/wgsl/gemm/, `denseGemmProblem`); this file chooses the tiling.
 * A tiled tiling is the generator's tiled schedule (compiler/wgsl/gemm/tiled.ts): by default a
 * 64-thread workgroup computes a 64×128 tile of C, 8×16 outputs per thread held in registers as
 * vec4s (thread (tx,ty) owns rows 4(ty+8i')+r and columns 4(tx+8j')+c, so neighbouring
 * invocations touch neighbouring column quads — what lavapipe's SIMD-across-invocations wants);
 * A (transposed) and B are staged through workgroup memory as vec4<f32>, TK columns/rows at a time
 * with zero fill past the edges, so any M, N, K work. One vec4 read of workgroup memory replaces
 * four per-lane scalar gathers, which is what made the 8×8 scalar version slow on lavapipe. The
 * scalar layout stays available through `tiling` (vec4: false).
 * M, N, K live in the uniform, so one pipeline per (variant, tile class) serves every shape: the
 * classes are the default tile and, for outputs at most 32 rows or columns wide (the gating
 * backward's xᵀ·dlogits and dlogits·Wᵀ), a 32-row or 32-column tile.
 * A tiling with `stream` set selects the row-streaming kernel instead (the GEMM generator's stream schedule, compiler/wgsl/gemm/stream.ts:
 * no workgroup memory, every lane reading the same A rows, B as per-invocation vec4s), which
 * lavapipe runs faster; it is the untuned choice (`matmulTilingFor`) wherever M fits the grid.
 * A tiling with `subgroup` also set selects that schedule's subgroup form (each A value loaded
 * by one lane and `subgroupBroadcast`): the untuned choice on devices with `subgroups` except with
 * transposed A (`defaultMatmulTiling`, told the device's features by the caller); the tuner offers it on such adapters.
 */
import type { Kernel } from './kernel.ts';
import { gemmKernel, type GemmSchedule } from './gemm/gemm.ts';
import type { GemmProblem } from './gemm/problem.ts';

/** Options of the matmul template. */
export interface MatmulOptions {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  /** Add a bias row vector `bias[N]` (binding 'bias'). */
  readonly bias?: boolean;
  /** Apply max(·, 0) after the bias. */
  readonly relu?: boolean;
  /**
   * Element offsets into `a` and `c` from the uniform (`aOff`, `cOff`): the GEMM of a row block of
   * a larger matrix (e.g. one row chunk of the fused linear cross-entropy).
   */
  readonly offsets?: boolean;
  /** Read A transposed: A[m][k] = a[aOff + k·M + m] (a is stored [K, M]). */
  readonly transA?: boolean;
  /**
   * C += A·B: each output's accumulator starts from the value in `c` and continues the same
   * in-order fma chain over k, so splitting K into consecutive blocks gives the bits of one GEMM.
   */
  readonly accumulate?: boolean;
}

/** Tiling of the matmul (exposed for benchmarking variants). */
export interface MatmulTiling {
  readonly tm: number;
  readonly tn: number;
  readonly tk: number;
  /** Rows / columns per thread. */
  readonly rm: number;
  readonly rn: number;
  /** Stage A and B in workgroup memory as vec4 (4 rows of A / 4 columns of B per load). */
  readonly vec4: boolean;
  /**
   * The row-streaming kernel (compiler/wgsl/gemm/stream.ts) instead of the tiled one: every
   * invocation of a workgroup owns the same `rm` = `tm` rows and `rn / 4` column quads, the
   * workgroup `tn / rn` invocations wide; no workgroup memory (`tk` is 1, `vec4` true).
   */
  readonly stream?: boolean;
  /**
   * With `stream`: the subgroup form of the stream schedule (compiler/wgsl/gemm/stream.ts; needs the
   * adapter's `subgroups` feature): 8 invocations (`tn / rn`), `rm` ≤ 8 rows whose A values each
   * lane loads for one row and `subgroupBroadcast`s, the k loop unrolled by `tk`.
   */
  readonly subgroup?: boolean;
}

/** Default: 64×128 tiles, 64 threads of 8×16 outputs, vec4 staging (lavapipe: ~4.3 → ~7.8 GFLOP/s at 1024³ vs 64×64 8×8 scalar). */
export const DEFAULT_MATMUL_TILING: MatmulTiling = { tm: 64, tn: 128, tk: 16, rm: 8, rn: 16, vec4: true };
/** C at most 32 columns wide (e.g. dlogits·Wᵀ of the gating backward, N = width): 64×32 tiles of 16 threads, 16×8 each. */
const NARROW_MATMUL_TILING: MatmulTiling = { tm: 64, tn: 32, tk: 16, rm: 16, rn: 8, vec4: true };
/** C at most 32 rows tall (e.g. the gating weight gradient xᵀ·dlogits, M = width): 32×128 tiles of 32 threads, 8×16 each. */
const SHORT_MATMUL_TILING: MatmulTiling = { tm: 32, tn: 128, tk: 16, rm: 8, rn: 16, vec4: true };

/**
 * Default of the row-streaming kernel: 8 rows × 2 column quads per invocation, 8 invocations
 * (8×64 outputs per workgroup; 8 or 32 invocations measured alike, 8 wastes less on narrow C).
 * On lavapipe at 1024³ ≈ 1.5× the tuned 64×256 tiled kernel (CPU time per GEMM, alternated;
 * bench/matmul-stream.ts).
 */
export const STREAM_MATMUL_TILING: MatmulTiling = { tm: 8, tn: 64, tk: 1, rm: 8, rn: 8, vec4: true, stream: true };

/** The row-streaming tiling with `rm` rows, `quads` column quads per invocation and `wg` invocations. */
export function streamTiling(rm: number, quads: number, wg: number): MatmulTiling {
  return { tm: rm, tn: 4 * quads * wg, tk: 1, rm, rn: 4 * quads, vec4: true, stream: true };
}

/** The subgroup streaming tiling: `rm` rows, `quads` column quads per invocation, 8 invocations, k unrolled by `unroll`. */
export function subgroupTiling(rm: number, quads: number, unroll: number): MatmulTiling {
  return { tm: rm, tn: 4 * quads * 8, tk: unroll, rm, rn: 4 * quads, vec4: true, stream: true, subgroup: true };
}

/**
 * The tiling for an M×N output when the caller names none: the row-streaming kernel (8 rows per
 * workgroup, 8 invocations of 2 column quads; N ≤ 32: of one quad), falling back to the tiled kernels only when M needs more than 65535
 * workgroups of 8 rows: then the tiled default, unless one side of C is at most 32 wide, where
 * its tile would multiply zero-filled rows (M ≤ 32) or columns (N ≤ 32). Every tiling keeps each
 * output's in-order fma chain over k, so the choice never changes the bits.
 */
export function matmulTilingFor(M: number, N: number): MatmulTiling {
  if (Math.ceil(M / 8) <= 65535) {
    return N <= 32 ? streamTiling(8, 1, 8) : STREAM_MATMUL_TILING;
  }
  if (N <= 32 && M > 32) return NARROW_MATMUL_TILING;
  if (M <= 32 && N > 32) return SHORT_MATMUL_TILING;
  return DEFAULT_MATMUL_TILING;
}

/**
 * What the untuned GEMM choice may assume of the device (the compiler knows no device: the app
 * passes this down from the adapter, through `LoweringLimits`).
 */
export interface MatmulDevice {
  /** The device was created with WebGPU's `subgroups` feature (WGSL `enable subgroups`). */
  readonly subgroups?: boolean;
}

/** The subgroup tiling the untuned choice uses on devices with `subgroups`: 8 rows × 1 column quad, k unrolled by 4. */
export const SUBGROUP_MATMUL_TILING: MatmulTiling = subgroupTiling(8, 1, 4);

/**
 * The untuned tiling of a GEMM on `device`. On a device with `subgroups`: the subgroup streaming
 * kernel (SUBGROUP_MATMUL_TILING) wherever `matmulTilingFor` picks the row-streaming kernel (M fits
 * the grid in 8-row workgroups), except with transposed A (the weight gradients xᵀ·dz); otherwise
 * `matmulTilingFor(M, N)`. Measured by bench/matmul-default.ts on lavapipe (Mesa 25.0.7, loadavg
 * 9–12, CPU time per GEMM, alternated) over the GEMMs of examples/lstm-moe-lm.ts's plans: subgroup
 * 8×1 k4 ≈ 1.05–1.3× the stream kernel on the 256–1024-row GEMMs with K 16…4096 and N 16…4096
 * (2.2× at N = 16, K = 256), within noise on sub-millisecond ones; with transposed A it ranged
 * 0.35–1.57× over four runs (0.5–0.76× at 256×1024×1024 every time), so those keep the stream
 * kernel (`moec tune` still measures both).
 * Every tiling computes each output as the same in-order fma chain over k: the bits do not change.
 */
export function defaultMatmulTiling(o: Pick<MatmulOptions, 'M' | 'N' | 'K' | 'transA'>, device: MatmulDevice = {}): MatmulTiling {
  const t = matmulTilingFor(o.M, o.N);
  return device.subgroups && t.stream && !o.transA ? SUBGROUP_MATMUL_TILING : t;
}

/** A short name of the kernel and tiling `t` selects, for plan listings: `subgroup 8x32 k4`, `stream 8x64`, `tiled 64x128x16 8x16 vec4`. */
export function matmulTilingLabel(t: MatmulTiling): string {
  if (t.subgroup) return `subgroup ${t.tm}x${t.tn} k${t.tk}`;
  if (t.stream) return `stream ${t.tm}x${t.tn} (${t.tn / t.rn} invocations)`;
  return `tiled ${t.tm}x${t.tn}x${t.tk} ${t.rm}x${t.rn}${t.vec4 ? ' vec4' : ''}`;
}

/**
 * The tilings `moec tune` measures for each GEMM shape besides the untuned choice
 * (`matmulTilingFor`), each ≤ 256 invocations and ≤ 32 KiB of workgroup memory (the tuner skips
 * those over the device's own limits; the untuned ones fit WebGPU's 16 KiB baseline). Tiling never
 * changes the numbers: every output is one in-order fma chain over k whatever the tile, so a tuned
 * plan gives the bits of the untuned one.
 */
export const MATMUL_TILING_CANDIDATES: readonly MatmulTiling[] = [
  DEFAULT_MATMUL_TILING,
  NARROW_MATMUL_TILING,
  SHORT_MATMUL_TILING,
  { tm: 64, tn: 256, tk: 8, rm: 8, rn: 32, vec4: true },
  { tm: 64, tn: 256, tk: 16, rm: 8, rn: 32, vec4: true },
  { tm: 64, tn: 128, tk: 8, rm: 8, rn: 16, vec4: true },
  { tm: 64, tn: 64, tk: 16, rm: 8, rn: 8, vec4: true },
  { tm: 32, tn: 128, tk: 16, rm: 4, rn: 16, vec4: true },
  { tm: 32, tn: 64, tk: 16, rm: 4, rn: 8, vec4: true },
  { tm: 16, tn: 64, tk: 16, rm: 4, rn: 8, vec4: true },
  { tm: 128, tn: 64, tk: 16, rm: 16, rn: 8, vec4: true },
  STREAM_MATMUL_TILING,
  streamTiling(8, 2, 32),
  streamTiling(8, 1, 8),
  streamTiling(16, 2, 32),
  streamTiling(8, 1, 32),
  streamTiling(4, 2, 32),
  // Subgroup kernels: offered by the tuner only on adapters with the `subgroups` feature.
  subgroupTiling(8, 1, 4),
  subgroupTiling(8, 1, 8),
  subgroupTiling(8, 2, 4),
  subgroupTiling(4, 2, 4),
];

/** Why `t` is not a usable tiling (undefined when it is): divisibility, invocations, workgroup memory. */
export function matmulTilingError(t: MatmulTiling, maxWorkgroupBytes: number, maxInvocations = 256): string | undefined {
  const ints = [t.tm, t.tn, t.tk, t.rm, t.rn];
  if (!ints.every((v) => Number.isInteger(v) && v > 0)) return `tile sizes must be positive integers, got ${JSON.stringify(t)}`;
  if (t.subgroup) {
    if (!t.stream || t.tm !== t.rm || !t.vec4 || t.rm > 8) return `a subgroup tiling is a stream tiling (vec4, tm = rm) of at most 8 rows (${JSON.stringify(t)})`;
    if (t.rn % 4 !== 0 || t.tn !== 8 * t.rn) return `a subgroup tiling needs rn a multiple of 4 and tn = 8·rn (8 invocations) (${JSON.stringify(t)})`;
    if (![1, 2, 4, 8].includes(t.tk)) return `a subgroup tiling unrolls k by tk ∈ {1, 2, 4, 8}, got ${t.tk}`;
    if (t.rm * (t.rn / 4) > 64) return `a stream tiling holds at most 64 vec4 accumulators per invocation, got ${t.rm}×${t.rn / 4} (${JSON.stringify(t)})`;
    return undefined;
  }
  if (t.stream) {
    if (t.tm !== t.rm || t.tk !== 1 || !t.vec4) return `a stream tiling has tm = rm, tk = 1 and vec4 (${JSON.stringify(t)})`;
    if (t.rn % 4 !== 0 || t.tn % t.rn !== 0) return `a stream tiling needs rn a multiple of 4 and tn a multiple of rn (${JSON.stringify(t)})`;
    if (t.rm * (t.rn / 4) > 64) return `a stream tiling holds at most 64 vec4 accumulators per invocation, got ${t.rm}×${t.rn / 4} (${JSON.stringify(t)})`;
    if (t.tn / t.rn > maxInvocations) return `${t.tn / t.rn} invocations per workgroup exceed the limit ${maxInvocations}`;
    return undefined;
  }
  const cx = t.tn / t.rn;
  const ry = t.tm / t.rm;
  const wg = cx * ry;
  if (!Number.isInteger(cx) || !Number.isInteger(ry)) return `tm must be a multiple of rm and tn of rn (${JSON.stringify(t)})`;
  if ((t.tm * t.tk) % wg !== 0 || (t.tn * t.tk) % (t.vec4 ? 4 * wg : wg) !== 0) return `the ${wg} threads do not divide the tile loads of ${JSON.stringify(t)}`;
  if (t.vec4 && (t.rm % 4 !== 0 || t.rn % 4 !== 0)) return `vec4 tiling needs rm and rn multiples of 4 (${JSON.stringify(t)})`;
  if (wg > maxInvocations) return `${wg} invocations per workgroup exceed the limit ${maxInvocations}`;
  const bytes = 4 * t.tk * (t.tm + t.tn);
  if (bytes > maxWorkgroupBytes) return `${bytes} bytes of workgroup memory exceed the limit ${maxWorkgroupBytes}`;
  return undefined;
}

/**
 * The key a tuned tiling is stored under: the variant (transposed A, bias, relu, offsets,
 * accumulate) and the GEMM's M×N×K — the kernel's cost depends on nothing else.
 */
export function matmulShapeKey(o: MatmulOptions): string {
  const flags = [o.transA ? 'tA' : '', o.bias ? 'bias' : '', o.relu ? 'relu' : '', o.offsets ? 'off' : '', o.accumulate ? 'acc' : ''].filter((f) => f !== '');
  return `${o.M}x${o.N}x${o.K}${flags.length > 0 ? `:${flags.join('+')}` : ''}`;
}

/**
 * The matmul as a problem of the GEMM generator (compiler/wgsl/gemm/): one dense C [M, N] = A·B
 * (+ bias[N]) (relu), A row-major or transposed, optional element offsets and accumulation.
 */
export function denseGemmProblem(o: MatmulOptions): GemmProblem {
  const variant = `${o.bias ? '+bias' : ''}${o.relu ? '+relu' : ''}${o.offsets ? '+offsets' : ''}${o.transA ? '+transA' : ''}${o.accumulate ? '+acc' : ''}`;
  return {
    name: `matmul${variant.replaceAll('+', '_')}`,
    batch: { kind: 'dense' },
    a: { layout: o.transA ? 'km' : 'mk', gather: false, offset: !!o.offsets },
    b: { layout: 'kn' },
    bias: o.bias ? 'n' : 'none',
    relu: !!o.relu,
    accumulate: !!o.accumulate,
    cOffset: !!o.offsets,
  };
}

/**
 * Matmul kernel; bindings: a, b, [bias], c, params. Every tiling is a schedule of the GEMM generator
 * (compiler/wgsl/gemm/): stream and subgroup tilings its stream schedule, the others its tiled
 * schedule (vec4 tilings stage both tiles as vec4s; B and A are read from storage as scalars, so
 * any M, N, K work).
 */
export function matmulKernel(o: MatmulOptions & { readonly tiling?: MatmulTiling; readonly aOff?: number; readonly cOff?: number }): Kernel {
  const tl = o.tiling ?? matmulTilingFor(o.M, o.N);
  const bad = matmulTilingError(tl, 32768);
  if (bad !== undefined) throw new Error(`matmul: bad tiling: ${bad}`);
  const shape: MatmulOptions = { M: o.M, N: o.N, K: o.K, bias: !!o.bias, relu: !!o.relu, offsets: !!o.offsets, transA: !!o.transA, accumulate: !!o.accumulate };
  const tunable = { family: 'matmul', key: matmulShapeKey(shape), options: shape, tiling: matmulTilingLabel(tl) } as const;
  const schedule: GemmSchedule = tl.stream
    ? { kind: 'stream', rows: tl.rm, quads: tl.rn / 4, wg: tl.tn / tl.rn, subgroup: !!tl.subgroup, unroll: tl.subgroup ? tl.tk : 1, rowLoop: 'named', kSteps: 1 }
    : { kind: 'tiled', tm: tl.tm, tn: tl.tn, tk: tl.tk, rm: tl.rm, rn: tl.rn, vec4: tl.vec4, avec4: tl.vec4, aload4: false, bload4: false };
  return { ...gemmKernel(denseGemmProblem(shape), schedule, { M: o.M, N: o.N, K: o.K, aOff: o.aOff ?? 0, cOff: o.cOff ?? 0 }), tunable };
}
