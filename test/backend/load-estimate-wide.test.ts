/**
 * The smooth load estimator at many experts: 16 neighbouring experts per workgroup and 4 row lanes
 * (contiguous reads of clean/sigma). At n = 2050 experts (a partial last workgroup), 203 rows and
 * k = 4, from a real noisy gating forward with random non-zero weights (training: σ > 0 so Φ is
 * smooth; evaluation: σ = 0, the hard count), the load equals the reference (ir/reference/gating.ts)
 * and reruns give the same bits.
 */
import { expect, it } from 'vitest';
import { loadEstimateKernel } from '../../compiler/wgsl/moe-stats.ts';
import { gatingForward, loadEstimate } from '../../ir/reference/gating.ts';
import { readF32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, expectClose, out, randArray, rng, run, up } from './gpu.ts';

describeGpu('load estimator over many experts', () => {
  it('matches the reference at 2050 experts (train and eval)', async () => {
    const [N, D, n, k] = [203, 8, 2050, 4];
    const r = rng(31);
    for (const training of [true, false]) {
      const x = randArray(r, N * D);
      const g = gatingForward({ x, wg: randArray(r, D * n), wn: randArray(r, D * n, -0.5, 0.5), N, D, n, k, eps: 0.01, noisy: true, training, seed: 1, step: 2, stream: 3, rowOffset: 0 });
      const ref = loadEstimate({ clean: g.clean, sigma: g.sigma, topValues: g.topValues, indices: g.indices, N, n, k });
      expect(new Set(Array.from(g.indices)).size, 'routing spreads over many experts').toBeGreaterThan(200);
      const bits: Float32Array[] = [];
      for (let rep = 0; rep < 2; rep++) {
        const load = out(n);
        await run([{ kernel: loadEstimateKernel({ N, n, k }), buffers: { clean: up(g.clean as Float32Array), sigma: up(g.sigma as Float32Array), topValues: up(g.topValues as Float32Array), indices: up(g.indices), load } }]);
        bits.push(await readF32(dev(), load, n));
      }
      expectClose(bits[0]!, ref, 1e-4, `load (training ${training})`);
      expect(Array.from(bits[1]!)).toEqual(Array.from(bits[0]!));
    }
  });
});
