/**
 * The fused expert FFN kernels at few rows per expert (the regime of many experts: N·k/n ≈ 1.7
 * here), generated for 4- and 8-row tiles and run on the dispatch's tile map built at that
 * granularity, vs the CPU reference (ir/reference/dispatch.ts `expertFfn`, ir/reference/
 * expert-ffn-grad.ts). Routing is random and non-trivial: experts with 0, 1, 2 and 3 rows are
 * asserted present, and one hot expert takes slot 0 of every third row (at least three tiles of
 * rows, so the weight half walks several row tiles and the tile map holds several entries of one
 * expert). The forward runs with the expert bank split over two bindings; the weight half runs
 * in both forms (every expert, zeros for the empty ones; and over the active-expert list, where
 * empty experts' blocks stay untouched). The backward is run twice and must give the same bits.
 */
import { expect, it } from 'vitest';
import { dispatch, expertFfn } from '../../ir/reference/dispatch.ts';
import { expertFfnGrad } from '../../ir/reference/expert-ffn-grad.ts';
import { sortDispatchSteps } from './dispatch-steps.ts';
import { expertFfnFusedKernel, expertFfnGradInputKernel, expertFfnGradWeightsKernel } from '../../compiler/wgsl/expert-fused.ts';
import { expertTileRows } from '../../compiler/wgsl/expert-ffn.ts';
import { combineKernel } from '../../compiler/wgsl/combine.ts';
import { readF32, readI32 } from '../../runtime/gpu/buffers.ts';
import type { KernelStep } from '../../runtime/gpu/run.ts';
import { describeGpu, dev, expectClose, out, randArray, rng, run, up } from './gpu.ts';

/** Indices [N,k] of distinct experts per row: slot 0 of every third row is `hot`, the rest uniform over n. */
function sparseIndices(r: () => number, N: number, k: number, n: number, hot: number): Int32Array {
  const idx = new Int32Array(N * k);
  for (let row = 0; row < N; row++) {
    const chosen = new Set<number>();
    if (row % 3 === 0) chosen.add(hot);
    while (chosen.size < k) chosen.add(Math.floor(r() * n));
    [...chosen].forEach((e, j) => (idx[row * k + j] = e));
  }
  return idx;
}

const JIT_TIMEOUT = 900_000;
const [N, k, n, D, H, Dout, hot] = [40, 2, 48, 20, 70, 13, 17];

describeGpu('fused expert FFN kernels at a few rows per expert', () => {
  it('the plan picks 4-row tiles at this mean', () => {
    expect(expertTileRows(N * k, n)).toBe(4);
    expect(expertTileRows(4096, 2048)).toBe(4);
    expect(expertTileRows(4096, 1024)).toBe(8);
    expect(expertTileRows(4096, 256)).toBe(16);
    expect(expertTileRows(4096, 4)).toBe(32);
  });

  it.each([4, 8])('forward and backward match the reference with %i-row tiles', async (tileRows) => {
    const r = rng(100 + tileRows);
    const indices = sparseIndices(r, N, k, n, hot);
    const ref = dispatch(indices, N, k, n);
    const S = N * k;
    const counts = Array.from({ length: n }, (_, e) => ref.offsets[e + 1]! - ref.offsets[e]!);
    for (const c of [0, 1, 2, 3]) expect(counts.filter((v) => v === c).length, `experts with ${c} rows`).toBeGreaterThan(0);
    expect(counts[hot]!).toBeGreaterThan(2 * tileRows);
    const x = randArray(r, N * D);
    const w1 = randArray(r, n * D * H, -0.3, 0.3);
    const b1 = randArray(r, n * H, -0.3, 0.3);
    const w2 = randArray(r, n * H * Dout, -0.3, 0.3);
    const b2 = randArray(r, n * Dout, -0.3, 0.3);
    const dy = randArray(r, S * Dout);
    const { steps, bufs } = sortDispatchSteps({ N, k, n, tileRows }, up(indices));
    const shape = { N, k, n, D, H, Dout, tileRows };

    // Forward, expert bank split over two bindings (experts 0..19, 20..47).
    const y = out(S * Dout);
    const split = 20;
    await run([
      ...steps,
      {
        kernel: expertFfnFusedKernel({ ...shape, banks: [split, n - split] }),
        buffers: {
          x: up(x), sourceRow: bufs.sourceRow, tileMap: bufs.tileMap,
          w1_0: up(w1.slice(0, split * D * H)), w1_1: up(w1.slice(split * D * H)), b1: up(b1),
          w2_0: up(w2.slice(0, split * H * Dout)), w2_1: up(w2.slice(split * H * Dout)), b2: up(b2), out: y,
        },
      },
    ]);
    expect(Array.from(await readI32(dev(), bufs.offsets, n + 1))).toEqual(Array.from(ref.offsets));
    const yRef = expertFfn({ x, sourceRow: ref.sourceRow, offsets: ref.offsets, w1, b1, w2, b2, N, D, H, Dout, n });
    expectClose(await readF32(dev(), y, S * Dout), yRef, 1e-4, `fused forward y (${tileRows}-row tiles)`);

    // Backward: weight half over all experts (a) and over the active list (c), input half, combine.
    const active = [...counts.keys()].filter((e) => counts[e]! > 0);
    const activeList = up(Int32Array.from([active.length, ...active]));
    const inputs = { x: up(x), sourceRow: bufs.sourceRow, w1_0: up(w1), b1: up(b1), w2_0: up(w2), dy: up(dy) };
    const outs = () => ({ dw1: out(n * D * H), db1: out(n * H), dw2: out(n * H * Dout), db2: out(n * Dout), dslot: out(S * D), dx: out(N * D) });
    const backward = (o: ReturnType<typeof outs>, activeOnly: boolean): KernelStep[] => [
      {
        kernel: expertFfnGradWeightsKernel({ ...shape, active: activeOnly }),
        buffers: { ...inputs, offsets: bufs.offsets, dw1: o.dw1, db1: o.db1, dw2: o.dw2, db2: o.db2, ...(activeOnly ? { activeList } : {}) },
      },
      { kernel: expertFfnGradInputKernel(shape), buffers: { ...inputs, tileMap: bufs.tileMap, dslot: o.dslot } },
      { kernel: combineKernel({ N, k, Dout: D }), buffers: { y: o.dslot, position: bufs.position, gates: up(new Float32Array(S).fill(1)), out: o.dx } },
    ];
    const [a, b, c] = [outs(), outs(), outs()];
    for (const buf of [a.dw1, a.db1, a.dw2, a.db2, c.dw1, c.db1, c.dw2, c.db2]) dev().device.queue.writeBuffer(buf, 0, new Float32Array(buf.size / 4).fill(Number.NaN));
    await run([...steps, ...backward(a, false), ...backward(b, false), ...backward(c, true)]);
    const want = expertFfnGrad({ x, sourceRow: ref.sourceRow, offsets: ref.offsets, position: ref.position, w1, b1, w2, dy, N, D, H, Dout, n, k });
    const d = dev();
    const sizes = { dx: N * D, dw1: n * D * H, db1: n * H, dw2: n * H * Dout, db2: n * Dout } as const;
    const got = Object.fromEntries(await Promise.all(Object.entries(sizes).map(async ([key, size]) => [key, await readF32(d, a[key as keyof typeof sizes], size)] as const))) as Record<keyof typeof sizes, Float32Array>;
    for (const key of Object.keys(sizes) as (keyof typeof sizes)[]) expectClose(got[key], want[key], 2e-4, `${key} (${tileRows}-row tiles)`);
    expect(want.dw1.some((v) => v !== 0) && want.dx.some((v) => v !== 0)).toBe(true);
    // Same bits on a second run.
    for (const key of Object.keys(sizes) as (keyof typeof sizes)[]) expect(Array.from(await readF32(d, b[key], sizes[key]))).toEqual(Array.from(got[key]));
    // Active-list form: the active experts' blocks equal the all-experts form bit for bit; the empty experts' stay untouched (NaN).
    const blocks = { dw1: D * H, db1: H, dw2: H * Dout, db2: Dout } as const;
    for (const [key, per] of Object.entries(blocks) as [keyof typeof blocks, number][]) {
      const act = await readF32(d, c[key], n * per);
      for (let e = 0; e < n; e++) {
        const blk = Array.from(act.subarray(e * per, (e + 1) * per));
        if (counts[e]! > 0) expect(blk, `${key} expert ${e}`).toEqual(Array.from(got[key].subarray(e * per, (e + 1) * per)));
        else expect(blk.every((v) => Number.isNaN(v)), `${key} expert ${e} (no rows) untouched`).toBe(true);
      }
    }
  }, JIT_TIMEOUT);
});
