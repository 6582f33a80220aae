/**
 * The standard normal CDF in WGSL, shared by the kernels of the smooth load estimator (flat and
 * hierarchical): Φ(z) = ½·erfc(−z/√2) with the Numerical-Recipes Chebyshev erfc, fractional
 * error < 1.2e-7 everywhere — close enough to the reference's (f64) Φ for the 1e-4 tolerance the
 * load tests use, and free of the catastrophic cancellation of 1 − erf in the tails.
 */

/** WGSL `phi(z)`: standard normal CDF via erfc. */
export const PHI_WGSL = /* wgsl */ `
fn erfc_nr(x: f32) -> f32 {
  let z = abs(x);
  let t = 1.0 / (1.0 + 0.5 * z);
  let r = t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
    t * (-0.82215223 + t * 0.17087277)))))))));
  return select(2.0 - r, r, x >= 0.0);
}
fn phi(z: f32) -> f32 {
  return 0.5 * erfc_nr(-z * 0.70710678118654752);
}
`;
