/**
 * The inverse-CDF normal sampler (ir/rng.ts: 4096 linear segments of AS241 quantiles indexed by a
 * Philox word) against an independent Φ (test/stats/independent.ts, Numerical Recipes erfc — not
 * the reference's series/continued fraction, not the sampler's quantile function):
 *  - a Kolmogorov–Smirnov statistic over 1M Philox draws below the α = 1% critical value 1.63/√n;
 *  - the sampler's exact distribution: its output is monotone in the 24 word bits it reads, so
 *    F(z_v) = (v+1)/2²⁴ exactly; sup |F − Φ| < 5e-5 (measured 3.4e-5, at z ≈ −3.66);
 *  - the tails: exact P(Z ≤ t) and P(Z ≥ −t) within 0.5% of Φ for |t| ≤ 3.3 and 3% at 3.5
 *    (measured 0.37% at 3, 2.3% at 3.5), tail counts of the 1M draws within 4.5 binomial SEs,
 *    and the support bound: no draw beyond |z| = 3.992 (true mass there 6.6e-5).
 */
import { describe, expect, it } from 'vitest';
import { normalDraw, normalFromWord } from '../../ir/rng.ts';
import { ksStatistic, phi } from '../stats/independent.ts';

describe('normal sampler vs an independent Φ', () => {
  it('KS statistic of 1M Philox draws is below the 1% critical value; tail counts within 4.5 SE', () => {
    const M = 1_000_000;
    const s = new Float64Array(M);
    for (let i = 0; i < M; i++) s[i] = normalDraw({ seed: 7, stream: 3, step: 1, row: i >> 10, col: i & 1023 });
    for (const t of [-3, -2.5, -2, 2, 2.5, 3]) {
      let c = 0;
      for (let i = 0; i < M; i++) if (t < 0 ? s[i]! <= t : s[i]! >= t) c++;
      const p = phi(-Math.abs(t));
      expect(Math.abs(c - M * p), `tail ${t}: ${c} draws vs ${(M * p).toFixed(0)} expected`).toBeLessThanOrEqual(4.5 * Math.sqrt(M * p * (1 - p)));
    }
    const d = ksStatistic(s, phi);
    expect(d).toBeLessThan(1.63 / Math.sqrt(M));
  });

  it('exact distribution over the 2^24 word values: sup |F − Φ| < 5e-5, tails, support', () => {
    const S = 2 ** 24;
    const stride = 16;
    let sup = 0;
    let prev = -Infinity;
    let firstDecrease = -1;
    for (let v = 0; v < S; v += stride) {
      const z = normalFromWord((v << 8) >>> 0);
      if (z < prev && firstDecrease < 0) firstDecrease = v;
      prev = z;
      // v values (all < this one) map below z, so F(z−) ≥ v/S and F(z) ≥ (v+1)/S; both bound sup.
      const f = phi(z);
      sup = Math.max(sup, Math.abs(v / S - f), Math.abs((v + 1) / S - f));
    }
    expect(firstDecrease, 'first word value where the sampler decreases').toBe(-1);
    expect(sup).toBeLessThan(5e-5);
    // Exact tail masses by binary search on the monotone map v ↦ z_v (count of v with z_v ≤ t).
    const countLe = (t: number): number => {
      let lo = 0;
      let hi = S;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (normalFromWord((mid << 8) >>> 0) <= t) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    for (const [t, rel] of [[2, 0.005], [2.5, 0.005], [3, 0.005], [3.3, 0.005], [3.5, 0.03]] as const) {
      const want = phi(-t);
      const lower = countLe(-t) / S;
      const upper = 1 - countLe(t) / S;
      expect(Math.abs(lower / want - 1), `P(Z ≤ −${t}) = ${lower} vs Φ = ${want}`).toBeLessThan(rel);
      expect(Math.abs(upper / want - 1), `P(Z > ${t}) = ${upper} vs Φ = ${want}`).toBeLessThan(rel);
    }
    expect(Math.abs(normalFromWord(0))).toBeLessThan(3.992);
    expect(Math.abs(normalFromWord(0xffffffff))).toBeLessThan(3.992);
    expect(Math.abs(normalFromWord(0))).toBeGreaterThan(3.9);
  });
});
