/**
 * MoE data-movement and balancing kernels vs the CPU reference (ir/reference/dispatch.ts and
 * gating.ts): device dispatch (counting sort + tile map) with experts that receive zero rows and
 * sizes that are not multiples of the 256-pair block or the row tile, the grouped expert FFN
 * with the weight bank split over several bindings, combine by gather, load estimator/importance/
 * CV², and the whole gating → dispatch → FFN → combine chain in one command buffer.
 */
import { expect, it } from 'vitest';
import { dispatch, expertFfn, combine } from '../../ir/reference/dispatch.ts';
import { gatingForward, loadEstimate, importance, cvSquared } from '../../ir/reference/gating.ts';
import { maxTiles, type DispatchShape } from '../../compiler/wgsl/dispatch.ts';
import { sortDispatchSteps } from './dispatch-steps.ts';
import { expertFfnKernels, EXPERT_TILE_ROWS } from '../../compiler/wgsl/expert-ffn.ts';
import { combineKernel } from '../../compiler/wgsl/combine.ts';
import { cvSquaredVectorKernel, importanceKernel, importancePartials, loadEstimateKernel } from '../../compiler/wgsl/moe-stats.ts';
import { gatingKernel } from '../../compiler/wgsl/gating.ts';
import { readF32, readI32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, expectClose, out, randArray, rng, run, up } from './gpu.ts';

/** Random indices [N,k], distinct per row, drawn from a subset of experts (others get zero rows). */
function randomIndices(r: () => number, N: number, k: number, n: number, used: number[]): Int32Array {
  const idx = new Int32Array(N * k);
  for (let row = 0; row < N; row++) {
    const pool = [...used];
    for (let j = 0; j < k; j++) idx[row * k + j] = pool.splice(Math.floor(r() * pool.length), 1)[0]!;
  }
  void n;
  return idx;
}

const dispatchSteps = sortDispatchSteps;

describeGpu('MoE kernels', () => {
  it('dispatch: stable counting sort, offsets and tile map (zero-row experts)', async () => {
    const r = rng(5);
    for (const [N, k, n, used] of [
      [300, 3, 20, [0, 2, 3, 7, 8, 9, 15, 19]],
      [1, 1, 4, [2]],
      [517, 2, 6, [1, 5]],
    ] as const) {
      const s: DispatchShape = { N, k, n, tileRows: EXPERT_TILE_ROWS };
      const indices = randomIndices(r, N, k, n, [...used]);
      const { steps, bufs } = dispatchSteps(s, up(indices));
      await run(steps);
      const ref = dispatch(indices, N, k, n);
      const c = dev();
      expect(Array.from(await readI32(c, bufs.offsets, n + 1))).toEqual(Array.from(ref.offsets));
      expect(Array.from(await readI32(c, bufs.sourceRow, N * k))).toEqual(Array.from(ref.sourceRow));
      expect(Array.from(await readI32(c, bufs.position, N * k))).toEqual(Array.from(ref.position));
      const tm = await readI32(c, bufs.tileMap, 4 * maxTiles(s));
      const want: number[] = [];
      for (let e = 0; e < n; e++) {
        for (let a = ref.offsets[e]!; a < ref.offsets[e + 1]!; a += EXPERT_TILE_ROWS) want.push(e, a, Math.min(a + EXPERT_TILE_ROWS, ref.offsets[e + 1]!));
      }
      const got: number[] = [];
      for (let t = 0; t < maxTiles(s); t++) {
        if (tm[4 * t]! >= 0) got.push(tm[4 * t]!, tm[4 * t + 1]!, tm[4 * t + 2]!);
        else expect(t).toBeGreaterThanOrEqual(want.length / 3);
      }
      expect(got).toEqual(want);
    }
  });

  it('expert FFN (3 weight banks, ragged widths) and combine match the reference', async () => {
    const r = rng(6);
    const [N, k, n, D, H, Dout] = [150, 2, 20, 37, 70, 29];
    const banks = [8, 5, 7];
    const indices = randomIndices(r, N, k, n, [0, 1, 2, 4, 6, 7, 8, 12, 13, 19]);
    const x = randArray(r, N * D);
    const w1 = randArray(r, n * D * H, -0.3, 0.3);
    const b1 = randArray(r, n * H, -0.1, 0.1);
    const w2 = randArray(r, n * H * Dout, -0.3, 0.3);
    const b2 = randArray(r, n * Dout, -0.1, 0.1);
    const gates = randArray(r, N * k, 0, 1);
    const s: DispatchShape = { N, k, n, tileRows: EXPERT_TILE_ROWS };
    const { steps, bufs } = dispatchSteps(s, up(indices));
    const [l1, l2] = expertFfnKernels({ N, k, n, D, H, Dout, banks });
    const bankSlices = (w: Float32Array, per: number): Record<string, GPUBuffer> => {
      const res: Record<string, GPUBuffer> = {};
      let e0 = 0;
      banks.forEach((cnt, b) => {
        res[`w${b}`] = up(w.slice(e0 * per, (e0 + cnt) * per));
        e0 += cnt;
      });
      return res;
    };
    const hidden = out(N * k * H);
    const y = out(N * k * Dout);
    const o = out(N * Dout);
    await run([
      ...steps,
      { kernel: l1, buffers: { a: up(x), sourceRow: bufs.sourceRow, tileMap: bufs.tileMap, ...bankSlices(w1, D * H), bias: up(b1), out: hidden } },
      { kernel: l2, buffers: { a: hidden, tileMap: bufs.tileMap, ...bankSlices(w2, H * Dout), bias: up(b2), out: y } },
      { kernel: combineKernel({ N, k, Dout }), buffers: { y, position: bufs.position, gates: up(gates), out: o } },
    ]);
    const ref = dispatch(indices, N, k, n);
    const yRef = expertFfn({ x, sourceRow: ref.sourceRow, offsets: ref.offsets, w1, b1, w2, b2, N, D, H, Dout, n });
    expectClose(await readF32(dev(), y, N * k * Dout), yRef, 1e-4, 'expert FFN y');
    expectClose(await readF32(dev(), o, N * Dout), combine(yRef, N * k, Dout, ref.position, gates, N, k), 1e-4, 'combine');
  });

  it('load estimator, importance and CV² match the reference (train and eval)', async () => {
    const r = rng(7);
    const [N, D, n, k] = [90, 16, 13, 3];
    for (const training of [true, false]) {
      const x = randArray(r, N * D);
      const wg = randArray(r, D * n);
      const wn = randArray(r, D * n, -0.5, 0.5);
      const g = gatingForward({ x, wg, wn, N, D, n, k, eps: 0.01, noisy: true, training, seed: 1, step: 2, stream: 3, rowOffset: 0 });
      const load = out(n);
      const imp = out(n);
      const cvImp = out(1);
      const cvLoad = out(1);
      const indices = up(g.indices);
      const gates = up(g.gates as Float32Array);
      const partials = out(importancePartials({ N, n, k }));
      await run([
        { kernel: loadEstimateKernel({ N, n, k }), buffers: { clean: up(g.clean as Float32Array), sigma: up(g.sigma as Float32Array), topValues: up(g.topValues as Float32Array), indices, load } },
        ...importanceKernel({ N, n, k }).map((kernel) => ({ kernel, buffers: { gates, indices, partials, importance: imp } })),
        { kernel: cvSquaredVectorKernel({ n }), buffers: { x: imp, out: cvImp } },
        { kernel: cvSquaredVectorKernel({ n }), buffers: { x: load, out: cvLoad } },
      ]);
      const loadRef = loadEstimate({ clean: g.clean, sigma: g.sigma, topValues: g.topValues, indices: g.indices, N, n, k });
      const impRef = importance(g.gates, g.indices, N, k, n);
      expectClose(await readF32(dev(), load, n), loadRef, 1e-4, `load (training=${training})`);
      expectClose(await readF32(dev(), imp, n), impRef, 1e-4, 'importance');
      expectClose(await readF32(dev(), cvImp, 1), [cvSquared(impRef)], 1e-3, 'CV²(importance)');
      expectClose(await readF32(dev(), cvLoad, 1), [cvSquared(loadRef)], 1e-3, 'CV²(load)');
    }
  });

  it('gating → dispatch → expert FFN → combine in one command buffer', async () => {
    const r = rng(8);
    const [N, D, n, k, H] = [77, 24, 9, 2, 40];
    const x = randArray(r, N * D);
    const wg = randArray(r, D * n);
    const wn = randArray(r, D * n, -0.3, 0.3);
    const noise = randArray(r, N * n, -1, 1);
    const w1 = randArray(r, n * D * H, -0.3, 0.3);
    const b1 = randArray(r, n * H, -0.1, 0.1);
    const w2 = randArray(r, n * H * D, -0.3, 0.3);
    const b2 = randArray(r, n * D, -0.1, 0.1);
    const gp = { eps: 0.01, seed: 1, step: 0, stream: 0, rowOffset: 0 };
    const gk = gatingKernel({ ...gp, N, D, n, k, noisy: true, explicitNoise: true });
    const gb = { x: up(x), wg: up(wg), wn: up(wn), noise: up(noise), indices: out(N * k), gates: out(N * k), clean: out(N * n), sigma: out(N * n), topValues: out(N * (k + 1)) };
    const s: DispatchShape = { N, k, n, tileRows: EXPERT_TILE_ROWS };
    const { steps, bufs } = dispatchSteps(s, gb.indices);
    // Three banks of 3 experts: the same WGSL as the previous test, so no new pipeline to JIT.
    const [l1, l2] = expertFfnKernels({ N, k, n, D, H, Dout: D, banks: [3, 3, 3] });
    const bank = (w: Float32Array, per: number, b: number): GPUBuffer => up(w.slice(3 * b * per, 3 * (b + 1) * per));
    const hidden = out(N * k * H);
    const y = out(N * k * D);
    const o = out(N * D);
    await run([
      { kernel: gk, buffers: gb },
      ...steps,
      { kernel: l1, buffers: { a: gb.x, sourceRow: bufs.sourceRow, tileMap: bufs.tileMap, w0: bank(w1, D * H, 0), w1: bank(w1, D * H, 1), w2: bank(w1, D * H, 2), bias: up(b1), out: hidden } },
      { kernel: l2, buffers: { a: hidden, tileMap: bufs.tileMap, w0: bank(w2, H * D, 0), w1: bank(w2, H * D, 1), w2: bank(w2, H * D, 2), bias: up(b2), out: y } },
      { kernel: combineKernel({ N, k, Dout: D }), buffers: { y, position: bufs.position, gates: gb.gates, out: o } },
    ]);
    // Reference chain from the GPU's own indices/gates (selection itself is tested in gating.test.ts).
    const indices = await readI32(dev(), gb.indices, N * k);
    const gates = await readF32(dev(), gb.gates, N * k);
    const gRef = gatingForward({ ...gp, x, wg, wn, noise, N, D, n, k, noisy: true, training: true });
    expectClose(gates, gRef.gates, 1e-3, 'gates');
    const ref = dispatch(indices, N, k, n);
    const yRef = expertFfn({ x, sourceRow: ref.sourceRow, offsets: ref.offsets, w1, b1, w2, b2, N, D, H, Dout: D, n });
    expectClose(await readF32(dev(), o, N * D), combine(yRef, N * k, D, ref.position, gates, N, k), 1e-4, 'MoE output');
  });
});
