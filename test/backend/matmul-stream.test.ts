/**
 * The row-streaming matmul (the stream schedule of compiler/wgsl/gemm/stream.ts) against the CPU reference
 * (ir/reference/dense.ts) for every stream tiling `moec tune` may pick, on shapes that are not
 * multiples of its rows or column quads — N a multiple of 4 (vec4 B loads) and not (clamped
 * scalar B loads) — and on every variant a plan uses: bias+relu, transposed A, non-zero uniform
 * offsets into A and C (the rest of C left untouched), accumulate (C += A·B), and M = K = 0
 * swapped in through the uniforms (the evaluation path of the noise GEMM: no output written).
 * Each result must also equal the tiled default kernel's bits: both are one in-order fma chain over k.
 */
import { expect, it } from 'vitest';
import { DEFAULT_MATMUL_TILING, MATMUL_TILING_CANDIDATES, matmulTilingError, matmulTilingFor, streamTiling } from '../../compiler/wgsl/matmul.ts';
import { describeGpu } from './gpu.ts';
import { checkTilingsOnShape, checkVariants, checkZeroSwap } from './matmul-checks.ts';

const STREAM = MATMUL_TILING_CANDIDATES.filter((t) => t.stream && !t.subgroup); // the subgroup kernels: matmul-subgroup.test.ts

it('the stream candidates are valid tilings, and the untuned choice unless M needs more than 65535 workgroups of 8 rows', () => {
  expect(STREAM.length).toBeGreaterThanOrEqual(4);
  for (const t of STREAM) expect(matmulTilingError(t, 0), JSON.stringify(t)).toBeUndefined();
  for (const [M, N] of [[1024, 1024], [1, 1], [32, 1024], [16384, 32], [8 * 65535, 64]] as const) expect(matmulTilingFor(M, N).stream, `${M}x${N}`).toBe(true);
  expect(matmulTilingFor(1024, 32).rn).toBe(4); // N ≤ 32: one column quad per invocation
  expect(matmulTilingFor(8 * 65535 + 1, 64)).toEqual(DEFAULT_MATMUL_TILING);
  expect(matmulTilingFor(8 * 65535 + 1, 20).stream).toBeFalsy();
});

describeGpu('row-streaming matmul', () => {

  it.each([
    [37, 29, 44], // N % 4 = 0: vec4 B loads; M not a multiple of the rows, fewer quads than invocations
    [19, 53, 130], // N % 4 = 2: clamped scalar B loads
    [9, 7, 3], // N < 4
    [70, 33, 261], // N % 4 = 1, wider than one workgroup of the 8×256 tiling
  ])('M %i × K %i × N %i: every stream tiling matches the reference and the tiled kernel bit for bit', async (M, K, N) => {
    await checkTilingsOnShape(STREAM, 'stream', M, K, N);
  }, 600_000);

  it('bias+relu, transposed A, offsets and accumulate match the reference and the tiled kernel', async () => {
    await checkVariants([STREAM[0]!, STREAM.at(-1)!], 11);
  }, 600_000);

  it('writes nothing when M = K = 0 are swapped into the uniforms of a larger GEMM’s pipeline', async () => {
    await checkZeroSwap(STREAM[0]!, 13);
  });
});

it('stream tilings are validated: rows equal the tile rows, quads of 4 columns, at most 64 accumulators', () => {
  expect(matmulTilingError(streamTiling(8, 2, 32), 0)).toBeUndefined();
  expect(matmulTilingError({ ...streamTiling(8, 2, 32), tm: 16 }, 0)).toMatch(/tm = rm/);
  expect(matmulTilingError({ ...streamTiling(8, 2, 32), rn: 6, tn: 192 }, 0)).toMatch(/rn a multiple of 4/);
  expect(matmulTilingError(streamTiling(32, 4, 8), 0)).toMatch(/at most 64 vec4 accumulators/);
  expect(matmulTilingError(streamTiling(8, 1, 512), 0, 256)).toMatch(/512 invocations per workgroup exceed the limit 256/);
});
