/**
 * Tests of the counter-based RNG: Philox4x32-10 known-answer vectors, the exactness of the normal
 * sampler tables (12-bit slopes), its moments and bounds, and the uniform mapping.
 */
import { describe, expect, it } from 'vitest';
import { drawWord, normalFromWord, normalTables, philox4x32, uniformFromWord, NORMAL_SEGMENTS } from '../../ir/rng.ts';

const hex = (w: number[]): string => w.map((x) => x.toString(16).padStart(8, '0')).join(' ');

describe('Philox4x32-10 known-answer vectors (Random123)', () => {
  it('counter 0, key 0', () => {
    expect(hex(philox4x32([0, 0, 0, 0], [0, 0]))).toBe('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
  });
  it('all ones', () => {
    const f = 0xffffffff;
    expect(hex(philox4x32([f, f, f, f], [f, f]))).toBe('408f276d 41c83b0e a20bc7c6 6d5451fd');
  });
  it('pi digits', () => {
    expect(hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]))).toBe(
      'd16cfe09 94fdcceb 5001e420 24126ea1',
    );
  });
});

describe('normal sampler', () => {
  it('has mean ≈ 0 and variance ≈ 1 over 200k draws', () => {
    const n = 200_000;
    let s = 0;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const z = normalFromWord(drawWord({ seed: 7, stream: 3, step: 0, row: i >>> 9, col: i & 511 }));
      s += z;
      ss += z * z;
    }
    const mean = s / n;
    const v = ss / n - mean * mean;
    // standard errors: mean 1/√n ≈ 0.0022, variance √(2/n) ≈ 0.0032
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(v - 1)).toBeLessThan(0.015);
  });

  it('D[i] has at most 12 significant bits, so D[i]·f is exact in f32', () => {
    const { d, q } = normalTables();
    expect(d.length).toBe(NORMAL_SEGMENTS);
    for (let i = 0; i < d.length; i++) {
      const x = d[i]!;
      expect(x).toBeGreaterThan(0);
      const e = Math.floor(Math.log2(x));
      const mant = x / 2 ** (e - 11); // 12 significant bits → an integer in [2048, 4096)
      expect(Number.isInteger(mant)).toBe(true);
      // product with any 12-bit fraction f has ≤ 24 significant bits: exact in f32
      const f = 4095 / 4096;
      expect(Math.fround(x * f)).toBe(x * f);
      expect(Math.fround(q[i]!)).toBe(q[i]!);
    }
  });

  it('normal extremes lie in the tails; uniform is in [0,1)', () => {
    expect(normalFromWord(0)).toBeLessThan(-3.5);
    // the documented bound |z| < 3.992 (outer knots ≈ ±3.9914)
    expect(normalFromWord(0)).toBeGreaterThan(-3.992);
    expect(normalFromWord(0xffffffff)).toBeLessThan(3.992);
    expect(normalFromWord(0xffffffff)).toBeGreaterThan(3.4);
    expect(uniformFromWord(0)).toBe(0);
    expect(uniformFromWord(0xffffffff)).toBeLessThan(1);
    expect(uniformFromWord(0xffffffff)).toBe(1 - 2 ** -24);
  });
});
