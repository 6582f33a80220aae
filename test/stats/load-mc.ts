/**
 * The Monte-Carlo fixture of the load-estimator tests (CPU reference and WebGPU): random x, gate
 * weights Wg, Wn and eps; clean = x·Wg, sigma = softplus(x·Wn) + eps, one noisy draw h per row;
 * and per (row, expert) the Eq. 8 frequency over `draws` redraws of that expert's noise, with the
 * tolerance 4.5 binomial standard errors (+1e-4 for Φ approximations) that an estimator value
 * P must meet. All numbers rounded to f32 first so both sides see the same inputs.
 */
import { expect } from 'vitest';
import { boxMuller, gatingRow, loadFrequencies, uniform01 } from './independent.ts';

/** A fixture: f32 inputs of the load estimator for N rows over n experts, and the MC frequencies [N,n]. */
export interface LoadMcFixture {
  N: number;
  n: number;
  k: number;
  draws: number;
  clean: Float32Array;
  sigma: Float32Array;
  topValues: Float32Array;
  indices: Int32Array;
  freq: Float64Array;
}

/** Builds the fixture (seeded); D is the input width. */
export function loadMcFixture(seed: number, N: number, n: number, k: number, D: number, draws: number): LoadMcFixture {
  const u = uniform01(seed);
  const unif = (lo: number, hi: number) => lo + (hi - lo) * u();
  const normal = boxMuller(seed + 1);
  const x = Float64Array.from({ length: N * D }, () => unif(-1, 1));
  const wg = Float64Array.from({ length: D * n }, () => unif(-0.3, 0.3));
  const wn = Float64Array.from({ length: D * n }, () => unif(-0.4, 0.4));
  const eps = 0.05;
  const kk = Math.min(k + 1, n);
  const f = { N, n, k, draws, clean: new Float32Array(N * n), sigma: new Float32Array(N * n), topValues: new Float32Array(N * kk), indices: new Int32Array(N * k), freq: new Float64Array(N * n) };
  for (let r = 0; r < N; r++) {
    const clean = new Float64Array(n);
    const raw = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < D; d++) {
        clean[i] = clean[i]! + x[r * D + d]! * wg[d * n + i]!;
        raw[i] = raw[i]! + x[r * D + d]! * wn[d * n + i]!;
      }
      clean[i] = Math.fround(clean[i]!);
    }
    const row = gatingRow(clean, raw, k, eps, normal);
    const sigma = Float64Array.from(row.sigma, Math.fround);
    const h = Float64Array.from(row.h, Math.fround);
    f.clean.set(clean, r * n);
    f.sigma.set(sigma, r * n);
    f.topValues.set(row.topValues.map(Math.fround), r * kk);
    f.indices.set(row.indices, r * k);
    f.freq.set(loadFrequencies(clean, sigma, h, k, draws, normal), r * n);
  }
  return f;
}

/**
 * Asserts every estimator probability p[r·n+i] is within 4.5 binomial SEs (+1e-4) of the MC
 * frequency, and that at least `minInterior` probabilities lie in (0.05, 0.95) so the check is
 * not only about certain outcomes. Returns the largest |p − freq| / SE seen.
 */
export function expectMatchesMonteCarlo(p: ArrayLike<number>, f: LoadMcFixture, minInterior: number, what: string): number {
  let interior = 0;
  let worst = 0;
  for (let j = 0; j < f.N * f.n; j++) {
    const pj = p[j]!;
    if (pj > 0.05 && pj < 0.95) interior++;
    const se = Math.sqrt(Math.max(pj * (1 - pj), 0) / f.draws);
    const diff = Math.abs(pj - f.freq[j]!);
    worst = Math.max(worst, diff / Math.max(se, 1e-12));
    expect(diff, `${what}: row ${Math.floor(j / f.n)}, expert ${j % f.n}: P = ${pj}, MC = ${f.freq[j]} over ${f.draws} draws (SE ${se.toExponential(2)})`).toBeLessThanOrEqual(4.5 * se + 1e-4);
  }
  expect(interior, `${what}: probabilities strictly inside (0.05, 0.95)`).toBeGreaterThanOrEqual(minInterior);
  return worst;
}
