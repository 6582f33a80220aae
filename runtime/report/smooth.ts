/**
 * Smoothing of noisy per-step training curves for the report: a debiased exponential moving
 * average (as TensorBoard draws it), whose weight follows the number of points — about a fortieth
 * of the curve per time constant, none for 40 points or fewer — so a long run shows its trend and
 * a short one is left as logged. The raw curve is still drawn, faint, behind the smoothed one.
 */

/** The smoothing weight for a curve of `n` points (0 = no smoothing). */
export function smoothingWeight(n: number): number {
  const window = Math.max(1, Math.round(n / 40));
  return 1 - 1 / window;
}

/**
 * The debiased EMA of `ys` with weight `w`: m_i = w·m_{i−1} + (1 − w)·y_i from m = 0, divided by
 * 1 − w^(i+1), so the first value is y_0 rather than pulled towards 0. Non-finite values are
 * passed through and do not enter the average.
 */
export function smoothEma(ys: readonly number[], w: number): number[] {
  let m = 0;
  let debias = 1;
  return ys.map((y) => {
    if (!Number.isFinite(y)) return y;
    m = w * m + (1 - w) * y;
    debias *= w;
    return m / (1 - debias);
  });
}
