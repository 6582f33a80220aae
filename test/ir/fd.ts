/**
 * Test helpers for gradient checks of the CPU reference: a seeded uniform generator and an f64
 * central finite difference of a scalar function of one flat array. Independent of the autodiff
 * pass: a vjp rule is checked against FD of L(x) = Σ upstream · forward(x).
 */
import { expect } from 'vitest';

/** Deterministic uniform values in [lo, hi) (mulberry32). */
export function rand(seed: number): (n: number, lo?: number, hi?: number) => Float64Array {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (n, lo = -1, hi = 1) => Float64Array.from({ length: n }, () => lo + (hi - lo) * next());
}

/** Σ a·b in f64. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`dot: lengths ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Central difference ∂f/∂x_i = (f(x + h e_i) − f(x − h e_i)) / 2h for every i. */
export function fdGrad(f: (x: Float64Array) => number, x0: ArrayLike<number>, h = 1e-6): Float64Array {
  const x = Float64Array.from(x0);
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    x[i] = v + h;
    const fp = f(x);
    x[i] = v - h;
    const fm = f(x);
    x[i] = v;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

/** Expects analytic ≈ numeric elementwise: |a − n| ≤ atol + rtol·|n|, naming the worst element. */
export function expectGradClose(what: string, analytic: ArrayLike<number>, numeric: ArrayLike<number>, rtol = 1e-6, atol = 1e-7): void {
  expect(analytic.length, `${what}: length`).toBe(numeric.length);
  for (let i = 0; i < numeric.length; i++) {
    const a = analytic[i]!;
    const n = numeric[i]!;
    if (!(Math.abs(a - n) <= atol + rtol * Math.abs(n))) {
      expect.fail(`${what}[${i}]: analytic ${a} vs finite difference ${n}`);
    }
  }
}
