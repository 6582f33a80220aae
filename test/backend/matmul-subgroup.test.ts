/**
 * The subgroup streaming matmul (the subgroup form of compiler/wgsl/gemm/stream.ts) against the CPU reference
 * (ir/reference/dense.ts) and, bit for bit, against the tiled default kernel (every kernel computes
 * each output as one in-order fma chain over k), for every subgroup tiling `moec tune` may pick:
 * on ragged shapes — M not a multiple of the rows, K not a multiple of the k unroll (the per-lane
 * tail loop), K a multiple of 4 (A read as vec4s) and not, N a multiple of 4 (vec4 B loads) and not
 * — and on every variant a plan uses: bias+relu, transposed A, uniform offsets into A and C (the
 * rest of C untouched), accumulate (C += A·B). Skipped on adapters without the `subgroups` feature
 * (the tuner never offers these tilings there).
 */
import { describe, expect, it } from 'vitest';
import { MATMUL_TILING_CANDIDATES, matmulTilingError, subgroupTiling } from '../../compiler/wgsl/matmul.ts';
import { gpu } from './gpu.ts';
import { checkTilingsOnShape, checkVariants, checkZeroSwap } from './matmul-checks.ts';

const SUBGROUP = MATMUL_TILING_CANDIDATES.filter((t) => t.subgroup);

it('the subgroup candidates are valid tilings; malformed ones are named', () => {
  expect(SUBGROUP.length).toBeGreaterThanOrEqual(2);
  for (const t of SUBGROUP) expect(matmulTilingError(t, 0), JSON.stringify(t)).toBeUndefined();
  expect(matmulTilingError(subgroupTiling(16, 1, 4), 0)).toMatch(/at most 8 rows/);
  expect(matmulTilingError({ ...subgroupTiling(8, 1, 4), tn: 64 }, 0)).toMatch(/tn = 8·rn/);
  expect(matmulTilingError(subgroupTiling(8, 1, 3), 0)).toMatch(/tk ∈ \{1, 2, 4, 8\}/);
  expect(matmulTilingError({ ...subgroupTiling(8, 1, 4), stream: false }, 0)).toMatch(/is a stream tiling/);
});

describe.skipIf(!gpu || !gpu.device.features.has('subgroups'))('subgroup streaming matmul', () => {
  it.each([
    [37, 28, 44], // K % 4 = 0: A as vec4; N % 4 = 0: vec4 B loads; M not a multiple of 8
    [19, 53, 130], // K % 4 = 1 (k tail), N % 4 = 2 (clamped scalar B loads)
    [9, 7, 3], // K < 8, N < 4
    [70, 33, 261], // several workgroups in both directions, ragged everywhere
    [5, 64, 36], // M < 8: lanes past the last row load a clamped row
  ])('M %i × K %i × N %i: every subgroup tiling matches the reference and the tiled kernel bit for bit', async (M, K, N) => {
    await checkTilingsOnShape(SUBGROUP, 'subgroup', M, K, N);
  }, 600_000);

  it('bias+relu, transposed A, offsets and accumulate match the reference and the tiled kernel', async () => {
    await checkVariants([SUBGROUP[0]!, SUBGROUP.at(-1)!], 17);
  }, 600_000);

  it('writes nothing when M = K = 0 are swapped into the uniforms of a larger GEMM’s pipeline', async () => {
    await checkZeroSwap(SUBGROUP[0]!, 19);
  });
});
