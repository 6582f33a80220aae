/**
 * The subgroup streaming matmul (compiler/wgsl/matmul-subgroup.ts) against the CPU reference
 * (ir/reference/dense.ts) and, bit for bit, against the tiled default kernel (every kernel computes
 * each output as one in-order fma chain over k), for every subgroup tiling `moec tune` may pick:
 * on ragged shapes — M not a multiple of the rows, K not a multiple of the k unroll (the per-lane
 * tail loop), K a multiple of 4 (A read as vec4s) and not, N a multiple of 4 (vec4 B loads) and not
 * — and on every variant a plan uses: bias+relu, transposed A, uniform offsets into A and C (the
 * rest of C untouched), accumulate (C += A·B). Skipped on adapters without the `subgroups` feature
 * (the tuner never offers these tilings there).
 */
import { describe, expect, it } from 'vitest';
import { matmul, biasAdd, relu } from '../../ir/reference/dense.ts';
import { DEFAULT_MATMUL_TILING, MATMUL_TILING_CANDIDATES, matmulKernel, matmulTilingError, subgroupTiling, type MatmulOptions, type MatmulTiling } from '../../compiler/wgsl/matmul.ts';
import { readF32 } from '../../runtime/gpu/buffers.ts';
import { dev, expectClose, gpu, randArray, rng, run, up } from './gpu.ts';

const SUBGROUP = MATMUL_TILING_CANDIDATES.filter((t) => t.subgroup);

/** Aᵀ stored [K, M] from A [M, K]. */
function transpose(a: Float32Array, M: number, K: number): Float32Array {
  const t = new Float32Array(M * K);
  for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) t[k * M + m] = a[m * K + k]!;
  return t;
}

/** Runs the GEMM of `o` under `tiling`; returns all of C's buffer. */
async function gemm(o: MatmulOptions & { aOff?: number; cOff?: number }, tiling: MatmulTiling, a: Float32Array, b: Float32Array, c: Float32Array, bias?: Float32Array): Promise<Float32Array> {
  const cBuf = up(c);
  await run([{ kernel: matmulKernel({ ...o, tiling }), buffers: { a: up(a), b: up(b), c: cBuf, ...(bias ? { bias: up(bias) } : {}) } }]);
  return readF32(dev(), cBuf, c.length);
}

const bitsOf = (x: Float32Array): Uint32Array => new Uint32Array(x.buffer.slice(0));

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
    const r = rng(M * 1000 + N);
    const a = randArray(r, M * K);
    const b = randArray(r, K * N);
    const ref = matmul(a, b, M, K, N);
    const tiled = await gemm({ M, N, K }, DEFAULT_MATMUL_TILING, a, b, new Float32Array(M * N));
    expectClose(tiled, ref, 1e-4, 'tiled default');
    for (const t of SUBGROUP) {
      const got = await gemm({ M, N, K }, t, a, b, new Float32Array(M * N));
      expectClose(got, ref, 1e-4, `subgroup ${JSON.stringify(t)}`);
      expect(bitsOf(got), `subgroup ${JSON.stringify(t)} vs tiled`).toEqual(bitsOf(tiled));
    }
  }, 600_000);

  it('bias+relu, transposed A, offsets and accumulate match the reference and the tiled kernel', async () => {
    const r = rng(17);
    const [M, K, N] = [23, 18, 38];
    const a = randArray(r, M * K);
    const b = randArray(r, K * N);
    const bias = randArray(r, N);
    const c0 = randArray(r, M * N);
    const ref = matmul(a, b, M, K, N);
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
      for (const t of [SUBGROUP[0]!, SUBGROUP.at(-1)!]) {
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
    const r = rng(19);
    const [M, K, N] = [20, 12, 40];
    const kernel = matmulKernel({ M, N, K, tiling: SUBGROUP[0]! });
    const skipped = matmulKernel({ M: 0, N, K: 0, tiling: SUBGROUP[0]! });
    expect(skipped.wgsl).toBe(kernel.wgsl);
    const c0 = randArray(r, M * N);
    const c = up(c0);
    await run([{ kernel: { ...kernel, uniformData: skipped.uniformData! }, buffers: { a: up(randArray(r, M * K)), b: up(randArray(r, K * N)), c } }]);
    expect(Array.from(await readF32(dev(), c, M * N))).toEqual(Array.from(c0));
  });
});
