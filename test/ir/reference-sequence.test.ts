/**
 * Unit tests of the sequence reference ops (embedding, LSTM against a direct formula, dropout,
 * softmax cross-entropy).
 */
import { describe, expect, it } from 'vitest';
import * as seq from '../../ir/reference/sequence.ts';
import { uniformDraw } from '../../ir/rng.ts';

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

describe('lstm reference', () => {
  it('one step matches the direct formula (gate order i, f, g, o)', () => {
    // T=1, B=1, D=2, H=1
    const x = [0.5, -1];
    const wx = [0.1, 0.2, 0.3, 0.4, -0.5, 0.6, -0.7, 0.8]; // [2,4]
    const wh = [0.9, -0.1, 0.2, -0.3]; // [1,4]
    const b = [0.01, 0.02, 0.03, 0.04];
    const h0 = [0.25];
    const c0 = [-0.5];
    const r = seq.lstm({ x, wx, wh, b, h0, c0, T: 1, B: 1, D: 2, H: 1 }, 'f64');
    const z = [0, 1, 2, 3].map((j) => x[0]! * wx[j]! + x[1]! * wx[4 + j]! + h0[0]! * wh[j]! + b[j]!);
    const c = sig(z[1]!) * c0[0]! + sig(z[0]!) * Math.tanh(z[2]!);
    const h = sig(z[3]!) * Math.tanh(c);
    expect(r.cT[0]).toBeCloseTo(c, 14);
    expect(r.hT[0]).toBeCloseTo(h, 14);
    expect(r.h[0]).toBeCloseTo(h, 14);
    // by hand: z = [0.785, −0.505, 0.93, −0.635]; c = σ(−0.505)·(−0.5) + σ(0.785)·tanh(0.93) ≈ 0.3136;
    // h = σ(−0.635)·tanh(c) ≈ 0.1052 (pins the gate order independently of the formula above)
    expect(r.cT[0]).toBeCloseTo(0.3136, 3);
    expect(r.hT[0]).toBeCloseTo(0.1052, 3);
  });

  it('two steps feed h and c forward; h holds every step', () => {
    const args = { x: [1, -2], wx: [0.3, -0.2, 0.5, 0.1], wh: [0.4, 0.3, -0.6, 0.7], b: [0, 0, 0, 0], h0: [0], c0: [0], T: 2, B: 1, D: 1, H: 1 };
    const r = seq.lstm(args, 'f64');
    let h = 0;
    let c = 0;
    const hs: number[] = [];
    for (const xt of args.x) {
      const z = [0, 1, 2, 3].map((j) => xt * args.wx[j]! + h * args.wh[j]!);
      c = sig(z[1]!) * c + sig(z[0]!) * Math.tanh(z[2]!);
      h = sig(z[3]!) * Math.tanh(c);
      hs.push(h);
    }
    expect(r.h[0]).toBeCloseTo(hs[0]!, 14);
    expect(r.h[1]).toBeCloseTo(hs[1]!, 14);
    expect(r.cT[0]).toBeCloseTo(c, 14);
    expect(r.hT[0]).toBe(r.h[1]);
  });
});

describe('embedding, dropout, cross-entropy', () => {
  it('embedding gathers rows and rejects out-of-range ids', () => {
    const table = [1, 2, 3, 4, 5, 6]; // [3,2]
    expect([...seq.embedding(table, 3, 2, [2, 0])]).toEqual([5, 6, 1, 2]);
    expect(() => seq.embedding(table, 3, 2, [0, 3])).toThrow(/token id 3 at position 1 is out of range \[0, 3\)/);
    expect(() => seq.embedding(table, 3, 2, [-1])).toThrow(/out of range/);
  });

  it('dropout keeps u ≥ rate, scales by 1/(1−rate), identity in eval', () => {
    const rows = 4;
    const cols = 50;
    const x = Array.from({ length: rows * cols }, (_, i) => i + 1);
    const a = { x, rows, cols, rate: 0.3, training: true, seed: 11, step: 2, stream: 5 };
    const y = seq.dropout(a, 'f64');
    let dropped = 0;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const u = uniformDraw({ seed: 11, stream: 5, step: 2, row: r, col: c });
        const want = u >= 0.3 ? x[r * cols + c]! / 0.7 : 0;
        expect(y[r * cols + c]).toBeCloseTo(want, 10);
        if (want === 0) dropped++;
      }
    }
    expect(dropped).toBeGreaterThan(30);
    expect(dropped).toBeLessThan(90);
    expect([...seq.dropout({ ...a, training: false }, 'f64')]).toEqual(x);
  });

  it('softmaxCrossEntropy mean of −log p[label] (hand-computed)', () => {
    // row 0: logits [0,0] label 1 → log 2; row 1: logits [ln 3, 0] label 0 → −log(3/4)
    const l = seq.softmaxCrossEntropy([0, 0, Math.log(3), 0], [1, 0], 2, 2);
    expect(l).toBeCloseTo((Math.LN2 - Math.log(0.75)) / 2, 14);
    expect(seq.softmaxCrossEntropy([1000, 0], [0], 1, 2)).toBeCloseTo(0, 12);
    expect(seq.softmaxCrossEntropy([1000, 0], [1], 1, 2)).toBeCloseTo(1000, 9);
    expect(() => seq.softmaxCrossEntropy([0, 0], [2], 1, 2)).toThrow(/label 2 in row 0 is out of range/);
  });
});
