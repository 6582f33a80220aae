/**
 * The few-rows / many-experts forms of the balance statistics (compiler/wgsl/moe-stats-sparse.ts)
 * against the reference (ir/reference/gating.ts) and, bit for bit, against the dense kernels of
 * compiler/wgsl/moe-stats.ts they replace (same sums in the same order): the serial load estimate
 * over noisy gating statistics with random non-zero weights (plain rows and two canonical chunk
 * geometries), and the sparse importance at 65536 experts (plain blocks and canonical chunks, with
 * repeated experts across rows so several slots share an expert); and the CV² of a 65536-long
 * vector (256 invocations, vec4 loads) and its gradient against the reference, sparse, dense and
 * constant.
 */
import { expect, it } from 'vitest';
import { cvSquaredVectorKernel, importanceKernel, importancePartials, loadEstimateKernel } from '../../compiler/wgsl/moe-stats.ts';
import { importanceSparseApplies, importanceSparseKernels, loadEstimateSerialApplies, loadEstimateSerialKernel } from '../../compiler/wgsl/moe-stats-sparse.ts';
import { cvSquared, gatingForward, importance, loadEstimate } from '../../ir/reference/gating.ts';
import { cvSquaredGrad } from '../../ir/reference/grad-moe.ts';
import { cvSquaredGradKernel } from '../../compiler/wgsl/grad-moe.ts';
import { readF32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, expectClose, out, randArray, rng, run, up } from './gpu.ts';

const GEOMETRIES = [undefined, { P: 8, w: 1, Cl: 8, T: 8 }, { P: 16, w: 4, Cl: 4, T: 4 }] as const;

describeGpu('balance statistics for few rows and many experts', () => {
  it.each(GEOMETRIES.map((chunks) => ({ chunks })))('serial load estimate equals the workgroup kernel bit for bit ($chunks)', async ({ chunks }) => {
    const r = rng(31);
    const [N, D, n, k] = [64, 8, 256, 2];
    expect(loadEstimateSerialApplies({ N, n })).toBe(true);
    const x = randArray(r, N * D);
    const wg = randArray(r, D * n);
    const wn = randArray(r, D * n, -0.5, 0.5);
    const g = gatingForward({ x, wg, wn, N, D, n, k, eps: 0.01, noisy: true, training: true, seed: 1, step: 2, stream: 3, rowOffset: 0 });
    // Non-trivial routing: many distinct experts chosen.
    expect(new Set(Array.from(g.indices)).size).toBeGreaterThan(32);
    const ins = { clean: up(g.clean as Float32Array), sigma: up(g.sigma as Float32Array), topValues: up(g.topValues as Float32Array), indices: up(g.indices) };
    const o = { N, n, k, ...(chunks ? { chunks } : {}) };
    const [dense, serial] = [out(n), out(n)];
    await run([
      { kernel: loadEstimateKernel(o), buffers: { ...ins, load: dense } },
      { kernel: loadEstimateSerialKernel(o), buffers: { ...ins, load: serial } },
    ]);
    const got = await readF32(dev(), serial, n);
    expectClose(got, loadEstimate({ clean: g.clean, sigma: g.sigma, topValues: g.topValues, indices: g.indices, N, n, k }), 1e-4, 'load');
    expect(Array.from(got)).toEqual(Array.from(await readF32(dev(), dense, n)));
    expect(got.filter((v) => v > 0.01).length).toBeGreaterThan(32);
  });

  it.each(GEOMETRIES.map((chunks) => ({ chunks })))('sparse importance at 65536 experts equals the partials kernels bit for bit ($chunks)', async ({ chunks }) => {
    const r = rng(47);
    const [N, n, k] = [64, 65536, 4];
    // Experts drawn from a small pool so several rows share experts (the per-expert sums add several gates).
    const pool = Array.from({ length: 40 }, () => Math.floor(r() * n));
    const indices = new Int32Array(N * k);
    for (let row = 0; row < N; row++) {
      const chosen = new Set<number>();
      while (chosen.size < k) chosen.add(pool[Math.floor(r() * pool.length)]!);
      [...chosen].forEach((e, j) => (indices[row * k + j] = e));
    }
    indices[5] = -1; // a slot without an expert is skipped
    const gates = randArray(r, N * k, 0.01, 1);
    const o = { N, n, k, ...(chunks ? { chunks } : {}) };
    expect(importanceSparseApplies(o)).toBe(true);
    const [dense, sparse] = [out(n), out(n)];
    const [g, idx] = [up(gates), up(indices)];
    const partials = out(importancePartials(o));
    await run([
      ...importanceKernel(o).map((kernel) => ({ kernel, buffers: { gates: g, indices: idx, partials, importance: dense } })),
      ...importanceSparseKernels(o).map((kernel) => ({ kernel, buffers: { gates: g, indices: idx, importance: sparse } })),
    ]);
    const got = await readF32(dev(), sparse, n);
    const ref = importance(gates, indices, N, k, n);
    expectClose(got, ref, 1e-5, 'importance');
    expect(Array.from(got)).toEqual(Array.from(await readF32(dev(), dense, n)));
    expect(Array.from(ref).filter((v) => v > 1).length).toBeGreaterThan(5);
  });

  it('CV² of a 65536-long vector and its gradient match the reference (sparse, dense, constant)', async () => {
    const r = rng(53);
    const n = 65536;
    const sparse = new Float32Array(n);
    for (let i = 0; i < 200; i++) sparse[Math.floor(r() * n)] = 0.1 + r();
    const dense = randArray(r, n, 0.5, 2);
    const constant = new Float32Array(n).fill(0.25);
    for (const [what, v] of [['sparse', sparse], ['dense', dense], ['constant', constant]] as const) {
      const o = out(1);
      const dv = out(n);
      const x = up(v);
      await run([
        { kernel: cvSquaredVectorKernel({ n }), buffers: { x, out: o } },
        { kernel: cvSquaredGradKernel({ n }), buffers: { v: x, dcv: up(new Float32Array([0.7])), out: dv } },
      ]);
      const got = (await readF32(dev(), o, 1))[0]!;
      const ref = cvSquared(v);
      const grad = await readF32(dev(), dv, n);
      if (what === 'constant') {
        expect(got).toBe(0);
        expect(grad.every((g) => g === 0)).toBe(true);
      } else {
        expectClose([got], [ref], 1e-4, `CV² (${what})`);
        expectClose(grad, cvSquaredGrad(v, 0.7), 1e-4, `CV² gradient (${what})`);
      }
      if (what === 'sparse') expect(ref).toBeGreaterThan(100);
    }
  });
});
