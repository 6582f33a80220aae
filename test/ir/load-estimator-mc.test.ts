/**
 * The smooth load estimator's defining property (paper Eq. 8–9) on the CPU reference: for random
 * x, gate weights and noise scales, P(x, i) from `loadEstimate` (one row at a time) equals the
 * frequency with which expert i is in the top k when only its own noise is redrawn (20 000 draws
 * per expert, Box–Muller noise independent of moec's sampler), within 4.5 binomial standard
 * errors; and the row-summed load (Eq. 10) equals the summed frequencies within the combined SE.
 */
import { describe, expect, it } from 'vitest';
import { loadEstimate } from '../../ir/reference/gating.ts';
import { expectMatchesMonteCarlo, loadMcFixture } from '../stats/load-mc.ts';

describe('load estimator vs Monte Carlo (reference)', () => {
  for (const [N, n, k] of [[6, 8, 2], [4, 6, 1], [3, 5, 4]] as const) {
    it(`P(x, i) equals the redraw frequency (N=${N}, n=${n}, k=${k}, 20k draws)`, () => {
      const f = loadMcFixture(100 + n * 10 + k, N, n, k, 16, 20_000);
      const kk = Math.min(k + 1, n);
      const p = new Float64Array(N * n);
      for (let r = 0; r < N; r++) {
        const row = loadEstimate({
          clean: f.clean.subarray(r * n, (r + 1) * n),
          sigma: f.sigma.subarray(r * n, (r + 1) * n),
          topValues: f.topValues.subarray(r * kk, (r + 1) * kk),
          indices: f.indices.subarray(r * k, (r + 1) * k),
          N: 1,
          n,
          k,
        }, 'f64');
        p.set(row, r * n);
      }
      expectMatchesMonteCarlo(p, f, Math.ceil(N * n / 4), 'reference');
      // Eq. 10: the load over all rows is the sum of the per-row probabilities.
      const load = loadEstimate({ clean: f.clean, sigma: f.sigma, topValues: f.topValues, indices: f.indices, N, n, k }, 'f64');
      for (let i = 0; i < n; i++) {
        let mc = 0;
        let v = 0;
        for (let r = 0; r < N; r++) {
          mc += f.freq[r * n + i]!;
          v += p[r * n + i]! * (1 - p[r * n + i]!) / f.draws;
        }
        expect(Math.abs(load[i]! - mc), `load[${i}]`).toBeLessThanOrEqual(4.5 * Math.sqrt(v) + 1e-4 * N);
      }
    });
  }
});
