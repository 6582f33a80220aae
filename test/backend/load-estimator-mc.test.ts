/**
 * The WebGPU load-estimator kernel (compiler/wgsl/single-ops.ts loadEstimateKernel) against the
 * estimator's definition, paper Eq. 8–9, not against the CPU reference: for random x, gate weights
 * and noise scales, the kernel's P(x, i) (one row per dispatch) equals the frequency with which
 * expert i is in the top k when only its own noise is redrawn (20 000 independent Box–Muller
 * draws per expert), within 4.5 binomial standard errors.
 */
import { it } from 'vitest';
import { loadEstimateKernel } from '../../compiler/wgsl/single-ops.ts';
import { readF32 } from '../../runtime/gpu/buffers.ts';
import { expectMatchesMonteCarlo, loadMcFixture } from '../stats/load-mc.ts';
import { describeGpu, dev, out, run, up } from './gpu.ts';

describeGpu('load estimator kernel vs Monte Carlo', () => {
  for (const [N, n, k] of [[6, 8, 2], [3, 5, 4]] as const) {
    it(`P(x, i) equals the redraw frequency (N=${N}, n=${n}, k=${k}, 20k draws)`, async () => {
      const f = loadMcFixture(200 + n * 10 + k, N, n, k, 16, 20_000);
      const kk = Math.min(k + 1, n);
      const p = new Float64Array(N * n);
      for (let r = 0; r < N; r++) {
        const bufs = {
          clean: up(f.clean.slice(r * n, (r + 1) * n)),
          sigma: up(f.sigma.slice(r * n, (r + 1) * n)),
          topValues: up(f.topValues.slice(r * kk, (r + 1) * kk)),
          indices: up(f.indices.slice(r * k, (r + 1) * k)),
          load: out(n),
        };
        await run([{ kernel: loadEstimateKernel({ N: 1, n, k }), buffers: bufs }]);
        p.set(await readF32(dev(), bufs.load, n), r * n);
        for (const b of Object.values(bufs)) b.destroy();
      }
      expectMatchesMonteCarlo(p, f, Math.ceil(N * n / 4), 'WebGPU');
    });
  }
});
