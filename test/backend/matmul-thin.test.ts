/**
 * The thin GEMMs of the gating backward vs the CPU reference (ir/reference/dense.ts): the gating
 * weight gradient xᵀ·dlogits (M = width, N = experts, K = rows) at K = 1024, 4096 and 16384 and
 * the input gradient dlogits·Wᵀ (N = width), on shapes ragged against their tiles. The matmul
 * template picks a short (M ≤ 32) or narrow (N ≤ 32) tile there (`matmulTilingFor`); the result
 * must match the reference and be bit-identical to the default 64×128 tile's (the tiling changes
 * only which thread computes an output, never its fma chain).
 */
import { expect, it } from 'vitest';
import { matmul } from '../../ir/reference/dense.ts';
import { DEFAULT_MATMUL_TILING, matmulKernel, matmulTilingFor } from '../../compiler/wgsl/matmul.ts';
import { readF32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, expectClose, out, randArray, rng, run, up } from './gpu.ts';

describeGpu('thin matmuls of the gating backward', () => {
  it.each([
    [32, 1024, 1024],
    [32, 1024, 4096],
    [32, 1000, 16384],
    [20, 1030, 2048],
    [1024, 32, 1024],
    [2050, 30, 1000],
  ])('M %i × N %i, K %i: thin tile matches the reference and the default tile bit for bit', async (M, N, K) => {
    const picked = matmulTilingFor(M, N);
    expect(picked).not.toEqual(DEFAULT_MATMUL_TILING);
    const r = rng(M + N + K);
    const a = randArray(r, M * K);
    const b = randArray(r, K * N);
    const [thin, wide] = [out(M * N), out(M * N)];
    await run([
      { kernel: matmulKernel({ M, N, K }), buffers: { a: up(a), b: up(b), c: thin } },
      { kernel: matmulKernel({ M, N, K, tiling: DEFAULT_MATMUL_TILING }), buffers: { a: up(a), b: up(b), c: wide } },
    ]);
    const got = await readF32(dev(), thin, M * N);
    expectClose(got, matmul(a, b, M, K, N), 1e-4, `matmul ${M}x${K}x${N}`);
    expect(Array.from(got)).toEqual(Array.from(await readF32(dev(), wide, M * N)));
  }, 600_000);
});
