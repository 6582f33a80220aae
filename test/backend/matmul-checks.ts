/**
 * Checks shared by the streaming-matmul tests (matmul-stream.test.ts, matmul-subgroup.test.ts): a
 * set of tilings against the CPU reference (ir/reference/dense.ts) and, bit for bit, against the
 * tiled default kernel (every kernel computes each output as one in-order fma chain over k) — on
 * a ragged shape, on every variant a plan uses (bias+relu, transposed A, uniform offsets into A and
 * C with the rest of C untouched, accumulate), and with M = K = 0 swapped into the uniforms of a
 * larger GEMM's pipeline (nothing written). Call inside a GPU-gated describe.
 */
import { expect } from 'vitest';
import { matmul, biasAdd, relu } from '../../ir/reference/dense.ts';
import { DEFAULT_MATMUL_TILING, matmulKernel, type MatmulOptions, type MatmulTiling } from '../../compiler/wgsl/matmul.ts';
import { readF32 } from '../../runtime/gpu/buffers.ts';
import { dev, expectClose, randArray, rng, run, up } from './gpu.ts';

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

/** Every tiling of `tilings` on an M × K × N GEMM: close to the reference, the tiled kernel's bits. */
export async function checkTilingsOnShape(tilings: readonly MatmulTiling[], label: string, M: number, K: number, N: number): Promise<void> {
  const r = rng(M * 1000 + N);
  const a = randArray(r, M * K);
  const b = randArray(r, K * N);
  const ref = matmul(a, b, M, K, N);
  const tiled = await gemm({ M, N, K }, DEFAULT_MATMUL_TILING, a, b, new Float32Array(M * N));
  expectClose(tiled, ref, 1e-4, 'tiled default');
  for (const t of tilings) {
    const got = await gemm({ M, N, K }, t, a, b, new Float32Array(M * N));
    expectClose(got, ref, 1e-4, `${label} ${JSON.stringify(t)}`);
    expect(bitsOf(got), `${label} ${JSON.stringify(t)} vs tiled`).toEqual(bitsOf(tiled));
  }
}

/** bias+relu, transposed A, offsets (A's rows from element 5, C's from 7; the rest of C kept), accumulate, and all three together, for `tilings`. */
export async function checkVariants(tilings: readonly MatmulTiling[], seed: number): Promise<void> {
  const r = rng(seed);
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
    for (const t of tilings) {
      const got = await gemm(cs.o, t, cs.a, b, cs.c, cs.bias);
      expectClose(cs.view(got), cs.expected, 1e-4, `${cs.name} ${JSON.stringify(t)}`);
      expect(bitsOf(got), `${cs.name} ${JSON.stringify(t)} vs tiled (whole C buffer, untouched parts included)`).toEqual(bitsOf(tiled));
      if (cs.o.offsets) {
        expect(Array.from(got.subarray(0, cOff))).toEqual(Array.from(cs.c.subarray(0, cOff)));
        expect(Array.from(got.subarray(cOff + M * N))).toEqual(Array.from(cs.c.subarray(cOff + M * N)));
      }
    }
  }
}

/** `tiling`'s pipeline for a 20 × 12 × 40 GEMM run with M = K = 0 in its uniforms writes nothing. */
export async function checkZeroSwap(tiling: MatmulTiling, seed: number): Promise<void> {
  const r = rng(seed);
  const [M, K, N] = [20, 12, 40];
  const kernel = matmulKernel({ M, N, K, tiling });
  const skipped = matmulKernel({ M: 0, N, K: 0, tiling });
  expect(skipped.wgsl).toBe(kernel.wgsl);
  const c0 = randArray(r, M * N);
  const c = up(c0);
  await run([{ kernel: { ...kernel, uniformData: skipped.uniformData! }, buffers: { a: up(randArray(r, M * K)), b: up(randArray(r, K * N)), c } }]);
  expect(Array.from(await readF32(dev(), c, M * N))).toEqual(Array.from(c0));
}
