/**
 * The standard normal CDF Φ used by the smooth load estimator (paper Eq. 9): P(x, i) =
 * Φ((clean_i − thr)/σ_i). Accuracy matters in the tails, where the estimator's gradient lives, so
 * Φ is computed with relative (not just absolute) accuracy: Marsaglia's Taylor series
 * Φ(x) = ½ + φ(x)·(x + x³/3 + x⁵/(3·5) + …) for |x| < 3, and the Laplace continued fraction for the
 * Mills ratio, Q(t) = φ(t)/(t + 1/(t + 2/(t + 3/(t + …)))), for the tails |x| ≥ 3. Relative error is
 * below ~1e-13 over the whole range where Φ(x) is a normal double (x ≳ −37.5); below that the
 * result underflows to 0, and Φ(x) rounds to 1 for x ≳ 8.3.
 */

const INV_SQRT_2PI = 0.3989422804014327;

/** Standard normal density φ(x) = exp(−x²/2)/√(2π). */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/** Upper tail Q(t) = 1 − Φ(t) for t ≥ 3, via the continued fraction evaluated backwards. */
function upperTail(t: number): number {
  // Depth chosen so the truncation error is far below double rounding at t = 3 (checked in tests).
  const depth = t < 4 ? 160 : t < 6 ? 80 : 40;
  let f = t;
  for (let j = depth; j >= 1; j--) f = t + j / f;
  return normalPdf(t) / f;
}

/**
 * Standard normal CDF Φ(x) = P(Z ≤ x), Z ~ N(0,1). Φ(−∞) = 0, Φ(+∞) = 1, Φ(NaN) = NaN.
 * Relative accuracy ~1e-13 (see file comment).
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= -3) return x === -Infinity ? 0 : upperTail(-x);
  if (x >= 3) return x === Infinity ? 1 : 1 - upperTail(x);
  // Marsaglia (2004): Φ(x) = ½ + φ(x)·Σ_{i≥0} x^{2i+1}/(1·3·…·(2i+1)).
  let term = x;
  let sum = x;
  const x2 = x * x;
  for (let i = 1; i < 200; i++) {
    term *= x2 / (2 * i + 1);
    const next = sum + term;
    if (next === sum) break;
    sum = next;
  }
  return 0.5 + normalPdf(x) * sum;
}
