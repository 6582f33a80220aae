/**
 * RNG and fused gating kernels vs the CPU reference: the Philox test kernel must reproduce
 * ir/rng.ts drawWord and normalFromWord bit-for-bit for thousands of (row, col); the fused gating
 * kernel (drawn noise, explicit noise, eval mode, no noise) must match gatingForward; property tests
 * (fast-check, one reused pipeline, shapes via uniforms) check the gating invariants.
 */
import { expect, it } from 'vitest';
import fc from 'fast-check';
import { drawWord, normalFromWord } from '../../ir/rng.ts';
import { gatingForward } from '../../ir/reference/gating.ts';
import { philoxTestKernel, normalTableData } from '../../compiler/wgsl/philox.ts';
import { gatingKernel, type GatingKernelOptions } from '../../compiler/wgsl/gating.ts';
import { readF32, readI32, readU32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, expectClose, out, randArray, rng, run, up } from './gpu.ts';

interface GpuGating {
  indices: Int32Array;
  gates: Float32Array;
  clean: Float32Array;
  sigma: Float32Array;
  topValues: Float32Array;
}

async function runGating(o: GatingKernelOptions, x: Float32Array, wg: Float32Array, wn?: Float32Array, noise?: Float32Array): Promise<GpuGating> {
  const { N, n, k } = o;
  const kt = Math.min(k + 1, n);
  const bufs: Record<string, GPUBuffer> = {
    x: up(x),
    wg: up(wg),
    indices: out(N * k),
    gates: out(N * k),
    clean: out(N * n),
    sigma: out(N * n),
    topValues: out(N * kt),
  };
  if (wn) bufs.wn = up(wn);
  if (noise) bufs.noise = up(noise);
  if (o.noisy && !o.explicitNoise) bufs.normTables = up(normalTableData());
  await run([{ kernel: gatingKernel(o), buffers: bufs }]);
  const c = dev();
  return {
    indices: await readI32(c, bufs.indices!, N * k),
    gates: await readF32(c, bufs.gates!, N * k),
    clean: await readF32(c, bufs.clean!, N * n),
    sigma: await readF32(c, bufs.sigma!, N * n),
    topValues: await readF32(c, bufs.topValues!, N * kt),
  };
}

/** Rows whose noisy values have a near-tie around the selection boundary (GPU/CPU rounding may differ). */
function nearTie(noisy: ArrayLike<number>, n: number, row: number, kt: number): boolean {
  const v = Array.from({ length: n }, (_, c) => noisy[row * n + c]!).sort((a, b) => b - a);
  for (let j = 0; j < Math.min(kt + 1, n) - 1; j++) if (Math.abs(v[j]! - v[j + 1]!) < 1e-4 * Math.max(1, Math.abs(v[j]!))) return true;
  return false;
}

describeGpu('philox RNG kernel', () => {
  it('reproduces drawWord and normalFromWord bit-for-bit', async () => {
    const o = { rows: 67, cols: 61, seed: 0xdeadbeef, stream: 7, step: 123456, rowOffset: 4000 };
    const words = out(o.rows * o.cols);
    const normals = out(o.rows * o.cols);
    await run([{ kernel: philoxTestKernel(o), buffers: { normTables: up(normalTableData()), words, normals } }]);
    const w = await readU32(dev(), words, o.rows * o.cols);
    const z = await readF32(dev(), normals, o.rows * o.cols);
    let bad = 0;
    for (let r = 0; r < o.rows; r++) {
      for (let c = 0; c < o.cols; c++) {
        const want = drawWord({ seed: o.seed, stream: o.stream, step: o.step, row: r + o.rowOffset, col: c });
        const i = r * o.cols + c;
        if (w[i] !== want || z[i] !== normalFromWord(want)) bad++;
      }
    }
    expect(bad).toBe(0);
  });
});

describeGpu('fused gating kernel', () => {
  const base = { eps: 1e-2, seed: 99, stream: 3, step: 17, rowOffset: 40 };
  for (const mode of ['drawn', 'explicit', 'eval', 'clean'] as const) {
    it(`matches gatingForward (${mode})`, async () => {
      const r = rng(mode.length * 31);
      const [N, D, n, k] = [45, 70, 37, 3];
      const x = randArray(r, N * D);
      const wg = randArray(r, D * n, -0.3, 0.3);
      const wn = randArray(r, D * n, -0.3, 0.3);
      const noise = mode === 'explicit' ? randArray(r, N * n, -2, 2) : undefined;
      const noisy = mode !== 'clean';
      const train = mode !== 'eval';
      const o: GatingKernelOptions = { ...base, N, D, n, k, noisy, explicitNoise: mode === 'explicit', train };
      const g = await runGating(o, x, wg, noisy ? wn : undefined, noise);
      const ref = gatingForward({ ...base, x, wg, ...(noisy ? { wn } : {}), ...(noise ? { noise } : {}), N, D, n, k, noisy, training: train });
      expectClose(g.clean, ref.clean, 1e-4, 'clean');
      expectClose(g.sigma, ref.sigma, 1e-4, 'sigma');
      const kt = Math.min(k + 1, n);
      let checked = 0;
      for (let row = 0; row < N; row++) {
        if (nearTie(ref.noisy, n, row, kt)) continue;
        checked++;
        expect(Array.from(g.indices.subarray(row * k, row * k + k))).toEqual(Array.from(ref.indices.subarray(row * k, row * k + k)));
        expectClose(g.gates.subarray(row * k, row * k + k), ref.gates.subarray(row * k, row * k + k), 1e-4, `gates row ${row}`);
        expectClose(g.topValues.subarray(row * kt, row * kt + kt), ref.topValues.subarray(row * kt, row * kt + kt), 1e-4, `top row ${row}`);
      }
      expect(checked).toBeGreaterThan(N / 2);
    });
  }

  it('property: k distinct indices, gates ≥ 0 summing to 1, selection = a sort of x·wg computed on the host', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.boolean(),
        async (N, D, n0, k0, seed, ties) => {
          const n = Math.max(n0, 2);
          const k = Math.min(k0, n);
          const r = rng(seed);
          const x = randArray(r, N * D);
          // With `ties`, quantised weights make equal logits common (ties must go to the lower index).
          const wg = ties ? randArray(r, D * n).map((v) => Math.round(v * 2) / 2) : randArray(r, D * n);
          if (ties) x.forEach((v, i) => (x[i] = Math.round(v * 2) / 2));
          const noise = randArray(r, N * n, -2, 2);
          const wn = randArray(r, D * n, -0.2, 0.2);
          const g = await runGating({ ...base, N, D, n, k, noisy: true, explicitNoise: true, train: !ties, seed }, x, wg, wn, noise);
          const kt = Math.min(k + 1, n);
          for (let row = 0; row < N; row++) {
            const idx = Array.from(g.indices.subarray(row * k, row * k + k));
            expect(new Set(idx).size).toBe(k);
            for (const e of idx) expect(e >= 0 && e < n).toBe(true);
            const gs = Array.from(g.gates.subarray(row * k, row * k + k));
            for (const v of gs) expect(v).toBeGreaterThanOrEqual(0);
            expect(Math.abs(gs.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
          }
          if (ties) {
            // Eval mode: noisy = clean. x and wg are multiples of 0.5, so clean = x·wg is exact in f32
            // and is computed here in f64 (not read from the GPU); the selection must be a sort of it
            // (descending, ties to the lower index) and the GPU's clean must equal it bit for bit.
            const clean = new Float64Array(N * n);
            for (let row = 0; row < N; row++) for (let e = 0; e < n; e++) for (let d = 0; d < D; d++) clean[row * n + e]! += x[row * D + d]! * wg[d * n + e]!;
            expect(Array.from(g.clean)).toEqual(Array.from(clean));
            for (let row = 0; row < N; row++) {
              const order = [...Array(n).keys()].sort((a, b) => clean[row * n + b]! - clean[row * n + a]! || a - b);
              expect(Array.from(g.indices.subarray(row * k, row * k + k)), `row ${row}`).toEqual(order.slice(0, k));
              expect(Array.from(g.topValues.subarray(row * kt, row * kt + kt)), `row ${row}`).toEqual(order.slice(0, kt).map((e) => clean[row * n + e]!));
            }
          }
        },
      ),
      { numRuns: 15, seed: 42 },
    );
  });
});
