/**
 * Statistics helpers written independently of moec's own code, for tests that check moec's
 * samplers and estimators against outside definitions: a standard normal CDF from the
 * Numerical Recipes erfc Chebyshev fit (fractional error < 1.2e-7, not the series/continued
 * fraction of ir/reference/normal-cdf.ts), a Box–Muller normal generator on mulberry32 (not
 * Philox or the inverse-CDF tables of ir/rng.ts), the Kolmogorov–Smirnov statistic of a sample
 * against a CDF, and the load estimator's Monte-Carlo definition (paper Eq. 8): the probability
 * that expert i stays in the top k when only its own noise is redrawn.
 */

/** erfc(x) (Numerical Recipes `erfcc`, Chebyshev fit, fractional error < 1.2e-7 everywhere). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const ans =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? ans : 2 - ans;
}

/** Standard normal CDF Φ(x) = erfc(−x/√2)/2 from the independent erfc above. */
export function phi(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** Deterministic uniform in (0,1) (mulberry32, never exactly 0). */
export function uniform01(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

/** Standard normal generator (Box–Muller on mulberry32). */
export function boxMuller(seed: number): () => number {
  const u = uniform01(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(u()));
    const th = 2 * Math.PI * u();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
}

/** Kolmogorov–Smirnov statistic sup |F_n(x) − F(x)| of `sample` (sorted in place) against `cdf`. */
export function ksStatistic(sample: Float64Array, cdf: (x: number) => number): number {
  sample.sort();
  const n = sample.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sample[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/**
 * Monte-Carlo estimate of paper Eq. 8 for one row: for each expert i, the fraction of `draws`
 * redraws of its noise z (others' noisy logits `h` held fixed) with clean_i + z·sigma_i greater
 * than the k-th largest of h excluding h_i.
 */
export function loadFrequencies(clean: ArrayLike<number>, sigma: ArrayLike<number>, h: ArrayLike<number>, k: number, draws: number, normal: () => number): Float64Array {
  const n = h.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const others: number[] = [];
    for (let j = 0; j < n; j++) if (j !== i) others.push(h[j]!);
    others.sort((a, b) => b - a);
    if (k > others.length) {
      out[i] = 1;
      continue;
    }
    const kth = others[k - 1]!;
    let hits = 0;
    for (let m = 0; m < draws; m++) if (clean[i]! + normal() * sigma[i]! > kth) hits++;
    out[i] = hits / draws;
  }
  return out;
}

/** One noisy-gating row: clean, sigma = softplus(raw) + eps, h = clean + z·sigma, the top-(k+1) values and the top-k indices (sorting h descending, ties by lower index). */
export function gatingRow(clean: Float64Array, raw: Float64Array, k: number, eps: number, normal: () => number) {
  const n = clean.length;
  const sigma = Float64Array.from(raw, (v) => Math.log1p(Math.exp(v)) + eps);
  const h = Float64Array.from(clean, (c, i) => c + normal() * sigma[i]!);
  const order = [...Array(n).keys()].sort((a, b) => h[b]! - h[a]! || a - b);
  const kk = Math.min(k + 1, n);
  return { sigma, h, topValues: order.slice(0, kk).map((i) => h[i]!), indices: order.slice(0, k) };
}
