/**
 * Every tiling `moec tune` may choose computes the same GEMM bits as the default tiling (each
 * output is one in-order fma chain over k whatever the tile), and matches the CPU reference
 * (ir/reference/dense.ts), on ragged shapes, for every variant a plan uses: plain, bias+relu,
 * transposed A, uniform offsets, and accumulate (C += A·B).
 */
import { expect, it } from 'vitest';
import { matmul, biasAdd, relu } from '../../ir/reference/dense.ts';
import { DEFAULT_MATMUL_TILING, MATMUL_TILING_CANDIDATES, matmulKernel, type MatmulOptions } from '../../compiler/wgsl/matmul.ts';
import { readF32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, expectClose, out, randArray, rng, run, up } from './gpu.ts';

/** Aᵀ stored [K, M] from A [M, K]. */
function transpose(a: Float32Array, M: number, K: number): Float32Array {
  const t = new Float32Array(M * K);
  for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) t[k * M + m] = a[m * K + k]!;
  return t;
}

describeGpu('matmul tilings', () => {
  it('give the default tiling’s bits and the reference values on every variant', async () => {
    const r = rng(7);
    const [M, K, N] = [75, 41, 137];
    const a = randArray(r, M * K);
    const b = randArray(r, K * N);
    const bias = randArray(r, N);
    const c0 = randArray(r, M * N);
    const ref = matmul(a, b, M, K, N);
    const variants: { o: Partial<MatmulOptions>; expected: ArrayLike<number>; a: Float32Array }[] = [
      { o: {}, expected: ref, a },
      { o: { bias: true, relu: true }, expected: relu(biasAdd(ref, bias, N)), a },
      { o: { transA: true }, expected: ref, a: transpose(a, M, K) },
      { o: { offsets: true }, expected: ref, a },
      { o: { accumulate: true }, expected: Float64Array.from(ref, (v, i) => v + c0[i]!), a },
    ];
    // The subgroup kernels need the adapter's `subgroups` feature (matmul-subgroup.test.ts covers them in depth).
    const cands = MATMUL_TILING_CANDIDATES.filter((t) => !t.subgroup || dev().device.features.has('subgroups'));
    const plain = MATMUL_TILING_CANDIDATES.filter((t) => !t.subgroup);
    for (const v of variants) {
      const bits: Uint32Array[] = [];
      // Every candidate on the plain GEMM; the default and two others (a wide and a narrow tile) on each variant.
      const tilings = Object.keys(v.o).length === 0 ? cands : [plain[0]!, plain[1]!, plain.at(-2)!];
      for (const tiling of tilings) {
        const c = v.o.accumulate ? up(c0) : out(M * N);
        const kernel = matmulKernel({ M, N, K, ...v.o, tiling, aOff: 0, cOff: 0 });
        await run([{ kernel, buffers: { a: up(v.a), b: up(b), c, ...(v.o.bias ? { bias: up(bias) } : {}) } }]);
        const got = await readF32(dev(), c, M * N);
        expectClose(got, v.expected, 1e-4, `${JSON.stringify(v.o)} ${JSON.stringify(tiling)}`);
        bits.push(new Uint32Array(got.buffer.slice(0)));
      }
      expect(MATMUL_TILING_CANDIDATES[0]).toEqual(DEFAULT_MATMUL_TILING);
      for (let i = 1; i < bits.length; i++) expect(bits[i], `${JSON.stringify(v.o)} ${JSON.stringify(tilings[i])} vs default`).toEqual(bits[0]);
    }
  }, 900_000); // 25 pipelines to JIT (0.1–5 s each on lavapipe)
});
