/**
 * The importance kernels at many experts: `importance_partials` spreads the experts over chunks of
 * IMPORTANCE_CHUNK (one workgroup per (row block, chunk)); at n = 10000 (3 chunks) and 9000 rows
 * (several row blocks) with random non-zero gates and random distinct experts per row, the result
 * equals the reference importance (ir/reference/gating.ts) and reruns give the same bits. With
 * canonical batch chunks (reduce-chunks.ts: rows t·P + c·w + j, one partial block per chunk, the
 * pairwise tree over chunks) at 65536 experts and two geometries, the result equals the reference
 * and the f32 sums done here in the kernel's order (each chunk timestep by timestep, then the tree)
 * bit for bit.
 */
import { expect, it } from 'vitest';
import { importanceKernel, importancePartials, IMPORTANCE_CHUNK, statsBlocks } from '../../compiler/wgsl/moe-stats.ts';
import { importance } from '../../ir/reference/gating.ts';
import { readF32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, expectClose, out, randArray, rng, run, up } from './gpu.ts';

/** Random distinct experts per row and random non-zero gates. */
function routing(seed: number, N: number, n: number, k: number): { indices: Int32Array; gates: Float32Array } {
  const r = rng(seed);
  const indices = new Int32Array(N * k);
  for (let row = 0; row < N; row++) {
    const chosen = new Set<number>();
    while (chosen.size < k) chosen.add(Math.floor(r() * n));
    [...chosen].forEach((e, j) => (indices[row * k + j] = e));
  }
  return { indices, gates: randArray(r, N * k, 0.01, 1) };
}

/** The canonical chunked importance in f32, summed as the kernel documents: chunk c over (t, j, slot) in order, then the pairwise tree. */
function chunkedImportance(gates: Float32Array, indices: Int32Array, g: { P: number; w: number; Cl: number; T: number }, k: number, n: number): Float32Array {
  const parts = Array.from({ length: g.Cl }, () => new Float32Array(n));
  for (let c = 0; c < g.Cl; c++) {
    for (let t = 0; t < g.T; t++) {
      for (let j = 0; j < g.w; j++) {
        const row = t * g.P + c * g.w + j;
        for (let s = 0; s < k; s++) {
          const e = indices[row * k + s]!;
          parts[c]![e] = Math.fround(parts[c]![e]! + gates[row * k + s]!);
        }
      }
    }
  }
  let level: Float32Array[] = parts;
  while (level.length > 1) {
    const next: Float32Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(level[i]!.map((v, e) => Math.fround(v + level[i + 1]![e]!)));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

describeGpu('importance over many experts', () => {
  it.each([
    { P: 8, w: 1, Cl: 8, T: 8 },
    { P: 32, w: 8, Cl: 4, T: 3 },
  ])('canonical batch chunks at 65536 experts (P $P, w $w, Cl $Cl, T $T)', async (chunks) => {
    const [n, k] = [65536, 4];
    const N = chunks.T * chunks.P;
    const { indices, gates } = routing(5 + chunks.w, N, n, k);
    const ref = importance(gates, indices, N, k, n);
    const imp = out(n);
    const partials = out(importancePartials({ N, n, k, chunks }));
    await run(importanceKernel({ N, n, k, chunks }).map((kernel) => ({ kernel, buffers: { gates: up(gates), indices: up(indices), partials, importance: imp } })));
    const got = await readF32(dev(), imp, n);
    expectClose(got, ref, 1e-5, 'importance');
    expect(Array.from(got)).toEqual(Array.from(chunkedImportance(gates, indices, chunks, k, n)));
    expect(ref.filter((v) => v > 0).length).toBeGreaterThan(N);
  });
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
