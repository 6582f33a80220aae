/**
 * The independent statistics helpers the sampler and estimator tests rely on, against published
 * values: Φ from the NR erfc at tabulated points (relative error < 2e-7 in the lower tail), the KS
 * statistic of a hand-checked sample, and the Box–Muller generator's first moments and tail mass.
 */
import { describe, expect, it } from 'vitest';
import { boxMuller, ksStatistic, loadFrequencies, phi } from './independent.ts';

describe('independent statistics helpers', () => {
  it('Φ matches published values', () => {
    const table: [number, number][] = [
      [-8, 6.220960574271785e-16], [-6, 9.865876450376946e-10], [-5, 2.866515718791939e-7], [-4, 3.167124183311998e-5],
      [-3, 1.349898031630095e-3], [-2, 2.275013194817921e-2], [-1, 0.158655253931457], [0, 0.5], [1.96, 0.9750021048517795],
    ];
    for (const [z, p] of table) expect(Math.abs(phi(z) - p) / p, `Φ(${z})`).toBeLessThan(2e-7);
  });

  it('KS statistic of a small sample against the uniform CDF', () => {
    // sorted {0.1, 0.5, 0.6}: the gaps (i+1)/n − x are 0.233, 0.167, 0.4 and x − i/n are 0.1, 0.167, −0.067 → D = 0.4
    const d = ksStatistic(Float64Array.from([0.6, 0.1, 0.5]), (x) => x);
    expect(d).toBeCloseTo(0.4, 12);
  });

  it('Box–Muller: mean 0, variance 1, P(Z < −2) over 400k draws', () => {
    const z = boxMuller(9);
    const M = 400_000;
    let s = 0;
    let ss = 0;
    let tail = 0;
    for (let i = 0; i < M; i++) {
      const v = z();
      s += v;
      ss += v * v;
      if (v < -2) tail++;
    }
    expect(Math.abs(s / M)).toBeLessThan(4.5 / Math.sqrt(M));
    expect(Math.abs(ss / M - 1)).toBeLessThan(4.5 * Math.sqrt(2 / M));
    const p = 2.275013194817921e-2;
    expect(Math.abs(tail - M * p)).toBeLessThan(4.5 * Math.sqrt(M * p * (1 - p)));
  });

  it('loadFrequencies: an expert far above the others is always kept, far below never', () => {
    const f = loadFrequencies([5, 0, 0, -5], [0.1, 1, 1, 0.1], [5, 0.2, -0.1, -5], 2, 2000, boxMuller(3));
    expect(f[0]).toBe(1);
    expect(f[3]).toBe(0);
    expect(f[1]! > 0.3 && f[1]! < 0.9).toBe(true);
  });
});
