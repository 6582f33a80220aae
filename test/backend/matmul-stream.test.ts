/**
 * The row-streaming matmul kernel (compiler/wgsl/matmul-stream.ts) against the CPU reference
 * (ir/reference/dense.ts) for every stream tiling `moec tune` may pick, on shapes that are not
 * multiples of its rows or column quads — N a multiple of 4 (vec4 B loads) and not (clamped
 * scalar B loads) — and on every variant a plan uses: bias+relu, transposed A, non-zero uniform
 * offsets into A and C (the rest of C left untouched), accumulate (C += A·B), and M = K = 0
 * swapped in through the uniforms (the evaluation path of the noise GEMM: no output written).
 * Each result must also equal the tiled default kernel's bits: both are one in-order fma chain over k.
 */
import { expect, it } from 'vitest';
import { matmul, biasAdd, relu } from '../../ir/reference/dense.ts';
import { DEFAULT_MATMUL_TILING, MATMUL_TILING_CANDIDATES, matmulKernel, matmulTilingError, matmulTilingFor, streamTiling, type MatmulOptions, type MatmulTiling } from '../../compiler/wgsl/matmul.ts';
import { readF32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, expectClose, randArray, rng, run, up } from './gpu.ts';

const STREAM = MATMUL_TILING_CANDIDATES.filter((t) => t.stream && !t.subgroup); // the subgroup kernels: matmul-subgroup.test.ts

/** Aᵀ stored [K, M] from A [M, K]. */
function transpose(a: Float32Array, M: number, K: number): Float32Array {
  const t = new Float32Array(M * K);
  for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) t[k * M + m] = a[m * K + k]!;
  return t;
}

/** Runs the GEMM of `o` under `tiling` on the given host arrays; returns all of C's buffer. */
async function gemm(o: MatmulOptions & { aOff?: number; cOff?: number }, tiling: MatmulTiling, a: Float32Array, b: Float32Array, c: Float32Array, bias?: Float32Array): Promise<Float32Array> {
  const cBuf = up(c);
  await run([{ kernel: matmulKernel({ ...o, tiling }), buffers: { a: up(a), b: up(b), c: cBuf, ...(bias ? { bias: up(bias) } : {}) } }]);
  return readF32(dev(), cBuf, c.length);
}

const bitsOf = (x: Float32Array): Uint32Array => new Uint32Array(x.buffer.slice(0));

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
    const r = rng(M * 1000 + N);
    const a = randArray(r, M * K);
    const b = randArray(r, K * N);
    const ref = matmul(a, b, M, K, N);
    const tiled = await gemm({ M, N, K }, DEFAULT_MATMUL_TILING, a, b, new Float32Array(M * N));
    expectClose(tiled, ref, 1e-4, 'tiled default');
    for (const t of STREAM) {
      const got = await gemm({ M, N, K }, t, a, b, new Float32Array(M * N));
      expectClose(got, ref, 1e-4, `stream ${JSON.stringify(t)}`);
      expect(bitsOf(got), `stream ${JSON.stringify(t)} vs tiled`).toEqual(bitsOf(tiled));
    }
  }, 600_000);

  it('bias+relu, transposed A, offsets and accumulate match the reference and the tiled kernel', async () => {
    const r = rng(11);
    const [M, K, N] = [23, 18, 38];
    const a = randArray(r, M * K);
    const b = randArray(r, K * N);
    const bias = randArray(r, N);
    const c0 = randArray(r, M * N);
    const ref = matmul(a, b, M, K, N);
    // Offsets: A's rows start at element 5 of a larger buffer, C's at element 7; the rest of C must stay as it was.
    const [aOff, cOff] = [5, 7];
    const aBig = new Float32Array(aOff + M * K + 3).fill(99);
    aBig.set(a, aOff);
    const cBig = randArray(r, cOff + M * N + 9);
    const cases: { name: string; o: MatmulOptions & { aOff?: number; cOff?: number }; a: Float32Array; c: Float32Array; bias?: Float32Array; expected: ArrayLike<number>; view: (c: Float32Array) => Float32Array }[] = [
      { name: 'bias+relu', o: { M, N, K, bias: true, relu: true }, a, c: new Float32Array(M * N), bias, expected: relu(biasAdd(ref, bias, N)), view: (c) => c },
      { name: 'transA', o: { M, N, K, transA: true }, a: transpose(a, M, K), c: new Float32Array(M * N), expected: ref, view: (c) => c },
      { name: 'accumulate', o: { M, N, K, accumulate: true }, a, c: c0, expected: Float64Array.from(ref, (v, i) => v + c0[i]!), view: (c) => c },
      { name: 'offsets', o: { M, N, K, offsets: true, aOff, cOff }, a: aBig, c: cBig, expected: ref, view: (c) => c.subarray(cOff, cOff + M * N) },
      { name: 'offsets+transA+accumulate', o: { M, N, K, offsets: true, transA: true, accumulate: true, aOff, cOff }, a: (() => { const t = new Float32Array(aOff + M * K).fill(99); t.set(transpose(a, M, K), aOff); return t; })(), c: cBig, expected: Float64Array.from(ref, (v, i) => v + cBig[cOff + i]!), view: (c) => c.subarray(cOff, cOff + M * N) },
    ];
    for (const cs of cases) {
      const tiled = await gemm(cs.o, DEFAULT_MATMUL_TILING, cs.a, b, cs.c, cs.bias);
      for (const t of [STREAM[0]!, STREAM.at(-1)!]) {
        const got = await gemm(cs.o, t, cs.a, b, cs.c, cs.bias);
        expectClose(cs.view(got), cs.expected, 1e-4, `${cs.name} ${JSON.stringify(t)}`);
        expect(bitsOf(got), `${cs.name} ${JSON.stringify(t)} vs tiled (whole C buffer, untouched parts included)`).toEqual(bitsOf(tiled));
        if (cs.o.offsets) {
          expect(Array.from(got.subarray(0, cOff))).toEqual(Array.from(cs.c.subarray(0, cOff)));
          expect(Array.from(got.subarray(cOff + M * N))).toEqual(Array.from(cs.c.subarray(cOff + M * N)));
        }
      }
    }
  }, 600_000);

  it('writes nothing when M = K = 0 are swapped into the uniforms of a larger GEMM’s pipeline', async () => {
    const r = rng(13);
    const [M, K, N] = [20, 12, 40];
    const kernel = matmulKernel({ M, N, K, tiling: STREAM[0]! });
    const skipped = matmulKernel({ M: 0, N, K: 0, tiling: STREAM[0]! });
    expect(skipped.wgsl).toBe(kernel.wgsl);
    const c0 = randArray(r, M * N);
    const c = up(c0);
    await run([{ kernel: { ...kernel, uniformData: skipped.uniformData! }, buffers: { a: up(randArray(r, M * K)), b: up(randArray(r, K * N)), c } }]);
    expect(Array.from(await readF32(dev(), c, M * N))).toEqual(Array.from(c0));
  });
});

it('stream tilings are validated: rows equal the tile rows, quads of 4 columns, at most 64 accumulators', () => {
  expect(matmulTilingError(streamTiling(8, 2, 32), 0)).toBeUndefined();
  expect(matmulTilingError({ ...streamTiling(8, 2, 32), tm: 16 }, 0)).toMatch(/tm = rm/);
  expect(matmulTilingError({ ...streamTiling(8, 2, 32), rn: 6, tn: 192 }, 0)).toMatch(/rn a multiple of 4/);
  expect(matmulTilingError(streamTiling(32, 4, 8), 0)).toMatch(/at most 64 vec4 accumulators/);
  expect(matmulTilingError(streamTiling(8, 1, 512), 0, 256)).toMatch(/512 invocations per workgroup exceed the limit 256/);
});
