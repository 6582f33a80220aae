/**
 * Tiled matmul kernel vs the CPU reference (ir/reference/dense.ts) on shapes that are not
 * multiples of the tile (default vec4 64×128 and scalar 64×64), with and without the bias+relu
 * epilogue.
 */
import { it } from 'vitest';
import { matmul, biasAdd, relu } from '../../ir/reference/dense.ts';
import { matmulKernel } from '../../compiler/wgsl/matmul.ts';
import { readF32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, expectClose, out, randArray, rng, run, up } from './gpu.ts';

describeGpu('matmul kernel', () => {
  it('matches the reference on ragged shapes', async () => {
    const r = rng(1);
    for (const tiling of [undefined, { tm: 64, tn: 64, tk: 16, rm: 8, rn: 8, vec4: false }] as const) {
      for (const [M, K, N] of [[1, 1, 1], [67, 45, 93], [130, 17, 64], [5, 200, 3], [70, 33, 130]] as const) {
        const a = randArray(r, M * K);
        const b = randArray(r, K * N);
        const c = out(M * N);
        await run([{ kernel: matmulKernel({ M, N, K, ...(tiling ? { tiling } : {}) }), buffers: { a: up(a), b: up(b), c } }]);
        expectClose(await readF32(dev(), c, M * N), matmul(a, b, M, K, N), 1e-4, `matmul ${M}x${K}x${N} ${tiling ? 'scalar 64x64' : 'default'}`);
      }
    }
  });

  it('applies bias and relu', async () => {
    const r = rng(2);
    const [M, K, N] = [70, 33, 65];
    const a = randArray(r, M * K);
    const b = randArray(r, K * N);
    const bias = randArray(r, N);
    const c = out(M * N);
    await run([{ kernel: matmulKernel({ M, N, K, bias: true, relu: true }), buffers: { a: up(a), b: up(b), bias: up(bias), c } }]);
    expectClose(await readF32(dev(), c, M * N), relu(biasAdd(matmul(a, b, M, K, N), bias, N)), 1e-4, 'matmul+bias+relu');
  });
});
