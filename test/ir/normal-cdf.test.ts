/**
 * Tests of the reference normal CDF Φ against tabulated values down to Φ(−20), with symmetry,
 * monotonicity and continuity where its two methods meet.
 */
import { describe, expect, it } from 'vitest';
import { normalCdf, normalPdf } from '../../ir/reference/normal-cdf.ts';

// Reference values of Φ (Abramowitz & Stegun table 26.1 / high-precision tables).
const KNOWN: [number, number][] = [
  [0, 0.5],
  [1, 0.8413447460685429],
  [-1, 0.15865525393145705],
  [1.96, 0.9750021048517795],
  [-2, 0.022750131948179208],
  [-3, 0.0013498980316300946],
  [-4, 3.1671241833119863e-5],
  [-5, 2.866515718791939e-7],
  [-6, 9.865876450376981e-10],
  [-8, 6.22096057427178e-16],
  [-10, 7.619853024160527e-24],
  [-20, 2.7536241186062336e-89],
];

describe('normalCdf', () => {
  it.each(KNOWN)('Φ(%d) matches the table to 1e-12 relative', (x, want) => {
    expect(Math.abs(normalCdf(x) - want) / want).toBeLessThan(1e-12);
  });

  it('is continuous across the series/continued-fraction switch at |x| = 3', () => {
    for (const s of [-1, 1]) {
      const a = normalCdf(s * (3 - 1e-9));
      const b = normalCdf(s * (3 + 1e-9));
      // slope φ(3) ≈ 0.0044, so the jump over 2e-9 must be ≈ 8.9e-12
      expect(Math.abs(b - a - s * 2e-9 * normalPdf(3)) / normalCdf(-3)).toBeLessThan(1e-10);
    }
  });

  it('satisfies Φ(x) + Φ(−x) = 1', () => {
    for (let x = 0; x < 8; x += 0.37) expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 14);
  });

  it('handles infinities, NaN and underflow', () => {
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(NaN)).toBeNaN();
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
  });

  it('is monotone on a fine grid', () => {
    let prev = 0;
    for (let x = -12; x <= 12; x += 0.01) {
      const v = normalCdf(x);
      expect(v).toBeGreaterThanOrEqual(prev);
      prev = v;
    }
  });
});
