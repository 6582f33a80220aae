/**
 * The fused expert FFN kernels (compiler/wgsl/expert-fused.ts) vs the CPU reference: the forward
 * (hidden activations kept in workgroup memory, H chunk by H chunk) against ir/reference/dispatch.ts
 * `expertFfn`, and the tile-by-tile backward (weight half per expert × H chunk, input half per
 * row tile, then the combine gather) against ir/reference/expert-ffn-grad.ts. Routing is skewed
 * and non-trivial: one expert takes a row from every pair list (more rows than three tiles), some
 * experts get none, widths are not multiples of the 16-k stage, the 64-column block or the 64-unit
 * H chunk, and the forward runs with the expert bank split over three bindings. The backward is
 * run twice and must give the same bits (fixed-order reductions, no atomics).
 */
import { expect, it } from 'vitest';
import { dispatch, expertFfn } from '../../ir/reference/dispatch.ts';
import { expertFfnGrad } from '../../ir/reference/expert-ffn-grad.ts';
import { sortDispatchSteps } from './dispatch-steps.ts';
import { EXPERT_TILE_ROWS } from '../../compiler/wgsl/expert-ffn.ts';
import { expertFfnFusedKernel, expertFfnGradInputKernel, expertFfnGradWeightsKernel } from '../../compiler/wgsl/expert-fused.ts';
import { combineKernel } from '../../compiler/wgsl/combine.ts';
import { readF32, readI32 } from '../../runtime/gpu/buffers.ts';
import type { KernelStep } from '../../runtime/gpu/run.ts';
import { describeGpu, dev, expectClose, out, randArray, rng, run, up } from './gpu.ts';

/** Indices [N,k]: slot 0 always expert `hot`, the others drawn without repeats from `used`. */
function skewedIndices(r: () => number, N: number, k: number, hot: number, used: readonly number[]): Int32Array {
  const idx = new Int32Array(N * k);
  for (let row = 0; row < N; row++) {
    const pool = used.filter((e) => e !== hot);
    idx[row * k] = hot;
    for (let j = 1; j < k; j++) idx[row * k + j] = pool.splice(Math.floor(r() * pool.length), 1)[0]!;
  }
  return idx;
}

const dispatchSteps = sortDispatchSteps;

/** lavapipe JITs these kernels in tens of seconds on a loaded machine (minutes for the weight half). */
const JIT_TIMEOUT = 900_000;

const CASES = [
  // N, k, n, D, H, Dout, hot expert, experts in use, banks (forward)
  { N: 150, k: 2, n: 20, D: 37, H: 70, Dout: 29, hot: 4, used: [0, 1, 2, 4, 6, 7, 8, 12, 13, 19], banks: [8, 5, 7] },
  { N: 100, k: 3, n: 7, D: 70, H: 130, Dout: 66, hot: 6, used: [1, 2, 3, 6], banks: [7] },
] as const;

describeGpu('fused expert FFN kernels', () => {
  it.each(CASES)('forward matches the reference (N=$N k=$k n=$n D=$D H=$H Dout=$Dout, banks $banks)', async ({ N, k, n, D, H, Dout, hot, used, banks }) => {
    const r = rng(11 + N);
    const indices = skewedIndices(r, N, k, hot, used);
    const ref = dispatch(indices, N, k, n);
    // Non-trivial routing: an expert with more than three tiles of rows, experts with none.
    expect(ref.offsets[hot + 1]! - ref.offsets[hot]!).toBeGreaterThan(3 * EXPERT_TILE_ROWS);
    expect(Array.from({ length: n }, (_, e) => ref.offsets[e + 1]! - ref.offsets[e]!).filter((c) => c === 0).length).toBeGreaterThan(0);
    const x = randArray(r, N * D);
    const w1 = randArray(r, n * D * H, -0.3, 0.3);
    const b1 = randArray(r, n * H, -0.3, 0.3);
    const w2 = randArray(r, n * H * Dout, -0.3, 0.3);
    const b2 = randArray(r, n * Dout, -0.3, 0.3);
    const { steps, bufs } = dispatchSteps({ N, k, n, tileRows: EXPERT_TILE_ROWS }, up(indices));
    const bankSlices = (prefix: string, w: Float32Array, per: number): Record<string, GPUBuffer> => {
      const res: Record<string, GPUBuffer> = {};
      let e0 = 0;
      banks.forEach((cnt, b) => {
        res[`${prefix}${b}`] = up(w.slice(e0 * per, (e0 + cnt) * per));
        e0 += cnt;
      });
      return res;
    };
    const y = out(N * k * Dout);
    const kernel = expertFfnFusedKernel({ N, k, n, D, H, Dout, ...(banks.length > 1 ? { banks } : {}) });
    await run([
      ...steps,
      { kernel, buffers: { x: up(x), sourceRow: bufs.sourceRow, tileMap: bufs.tileMap, ...bankSlices('w1_', w1, D * H), b1: up(b1), ...bankSlices('w2_', w2, H * Dout), b2: up(b2), out: y } },
    ]);
    const yRef = expertFfn({ x, sourceRow: ref.sourceRow, offsets: ref.offsets, w1, b1, w2, b2, N, D, H, Dout, n });
    expectClose(await readF32(dev(), y, N * k * Dout), yRef, 1e-4, 'fused expert FFN y');
  }, JIT_TIMEOUT);

  it.each(CASES)('backward matches the reference and is bit-reproducible (N=$N k=$k n=$n D=$D H=$H Dout=$Dout)', async ({ N, k, n, D, H, Dout, hot, used }) => {
    const r = rng(21 + N);
    const indices = skewedIndices(r, N, k, hot, used);
    const ref = dispatch(indices, N, k, n);
    const S = N * k;
    const x = randArray(r, N * D);
    const w1 = randArray(r, n * D * H, -0.3, 0.3);
    const b1 = randArray(r, n * H, -0.3, 0.3);
    const w2 = randArray(r, n * H * Dout, -0.3, 0.3);
    const dy = randArray(r, S * Dout);
    const { steps, bufs } = dispatchSteps({ N, k, n, tileRows: EXPERT_TILE_ROWS }, up(indices));
    const shape = { N, k, n, D, H, Dout };
    const inputs = { x: up(x), sourceRow: bufs.sourceRow, w1_0: up(w1), b1: up(b1), w2_0: up(w2), dy: up(dy) };
    const outs = () => ({ dw1: out(n * D * H), db1: out(n * H), dw2: out(n * H * Dout), db2: out(n * Dout), dslot: out(S * D), dx: out(N * D) });
    const backward = (o: ReturnType<typeof outs>): KernelStep[] => [
      { kernel: expertFfnGradWeightsKernel(shape), buffers: { ...inputs, offsets: bufs.offsets, dw1: o.dw1, db1: o.db1, dw2: o.dw2, db2: o.db2 } },
      { kernel: expertFfnGradInputKernel(shape), buffers: { ...inputs, tileMap: bufs.tileMap, dslot: o.dslot } },
      { kernel: combineKernel({ N, k, Dout: D }), buffers: { y: o.dslot, position: bufs.position, gates: up(new Float32Array(S).fill(1)), out: o.dx } },
    ];
    const a = outs();
    const b = outs();
    // Poison the weight gradients: experts without rows must be written (with zeros), not skipped.
    for (const buf of [a.dw1, a.db1, a.dw2, a.db2]) dev().device.queue.writeBuffer(buf, 0, new Float32Array(buf.size / 4).fill(Number.NaN));
    await run([...steps, ...backward(a), ...backward(b)]);
    expect(Array.from(await readI32(dev(), bufs.offsets, n + 1))).toEqual(Array.from(ref.offsets));
    const want = expertFfnGrad({ x, sourceRow: ref.sourceRow, offsets: ref.offsets, position: ref.position, w1, b1, w2, dy, N, D, H, Dout, n, k });
    const c = dev();
    const got = { dx: await readF32(c, a.dx, N * D), dw1: await readF32(c, a.dw1, n * D * H), db1: await readF32(c, a.db1, n * H), dw2: await readF32(c, a.dw2, n * H * Dout), db2: await readF32(c, a.db2, n * Dout) };
    for (const key of ['dx', 'dw1', 'db1', 'dw2', 'db2'] as const) expectClose(got[key], want[key], 2e-4, key);
    expect(want.dw1.some((v) => v !== 0) && want.dx.some((v) => v !== 0)).toBe(true);
    expect(Array.from(await readF32(c, b.dx, N * D))).toEqual(Array.from(got.dx));
    expect(Array.from(await readF32(c, b.dw1, n * D * H))).toEqual(Array.from(got.dw1));
    expect(Array.from(await readF32(c, b.dw2, n * H * Dout))).toEqual(Array.from(got.dw2));
  }, JIT_TIMEOUT);
});
