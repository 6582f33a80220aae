/**
 * The importance kernels at many experts: `importance_partials` spreads the experts over chunks of
 * IMPORTANCE_CHUNK (one workgroup per (row block, chunk)); at n = 10000 (3 chunks) and 9000 rows
 * (several row blocks) with random non-zero gates and random distinct experts per row, the result
 * equals the reference importance (ir/reference/gating.ts) and reruns give the same bits.
 */
import { expect, it } from 'vitest';
import { importanceKernel, importancePartials, IMPORTANCE_CHUNK, statsBlocks } from '../../compiler/wgsl/moe-stats.ts';
import { importance } from '../../ir/reference/gating.ts';
import { readF32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, expectClose, out, randArray, rng, run, up } from './gpu.ts';

describeGpu('importance over many experts', () => {
  it('matches the reference with several expert chunks and row blocks', async () => {
    const [N, n, k] = [9000, 10000, 4];
    expect(Math.ceil(n / IMPORTANCE_CHUNK)).toBeGreaterThan(2);
    expect(statsBlocks(N, n).blocks).toBeGreaterThan(1);
    const r = rng(21);
    const indices = new Int32Array(N * k);
    for (let row = 0; row < N; row++) {
      const chosen = new Set<number>();
      while (chosen.size < k) chosen.add(Math.floor(r() * n));
      [...chosen].forEach((e, j) => (indices[row * k + j] = e));
    }
    const gates = randArray(r, N * k, 0.01, 1);
    const ref = importance(gates, indices, N, k, n);
    const bits: Float32Array[] = [];
    for (let rep = 0; rep < 2; rep++) {
      const imp = out(n);
      const partials = out(importancePartials({ N, n, k }));
      const [g, idx] = [up(gates), up(indices)];
      await run(importanceKernel({ N, n, k }).map((kernel) => ({ kernel, buffers: { gates: g, indices: idx, partials, importance: imp } })));
      bits.push(await readF32(dev(), imp, n));
    }
    expectClose(bits[0]!, ref, 1e-5, 'importance');
    expect(Array.from(bits[1]!)).toEqual(Array.from(bits[0]!));
    // Experts of every chunk were chosen.
    for (let c = 0; c * IMPORTANCE_CHUNK < n; c++) expect(Array.from(ref.slice(c * IMPORTANCE_CHUNK, (c + 1) * IMPORTANCE_CHUNK)).some((v) => v > 0)).toBe(true);
  });
});
