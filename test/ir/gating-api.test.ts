/**
 * Tests of the public gating API (evaluateGating): a hand-computed case, explicit noise, and the
 * validation messages that name the argument, the shapes and the fix.
 */
import { describe, expect, it } from 'vitest';
import { evaluateGating } from '../../ir/reference/gating-api.ts';

const base = { x: [1, 0, 0, 1], wGate: [1, 3, 2, 0, 0, 5], rows: 2, width: 2, experts: 3, k: 2 };

describe('evaluateGating', () => {
  it('hand-computed eval case: routing, dense gates, importance, load and losses', () => {
    // row 0 logits [1,3,2] → experts 1,2; row 1 logits [0,0,5] → experts 2,0 (tie 0/1 → lower index)
    const r = evaluateGating({ ...base, precision: 'f64', wImportance: 0.5, wLoad: 2 });
    expect([...r.indices]).toEqual([1, 2, 2, 0]);
    const a = Math.E / (1 + Math.E);
    const b = Math.exp(5) / (1 + Math.exp(5));
    expect(r.denseGates[0]).toBe(0);
    expect(r.denseGates[1]).toBeCloseTo(a, 15);
    expect(r.denseGates[4]).toBe(0);
    expect(r.importance[0]).toBeCloseTo(1 - b, 15);
    expect(r.importance[2]).toBeCloseTo(1 - a + b, 15);
    expect([...r.load]).toEqual([1, 1, 2]);
    // load [1,1,2]: mean 4/3, var 2/9 → CV² = (2/9)/(16/9) = 1/8
    expect(r.cvLoad).toBeCloseTo(1 / 8, 9);
    expect(r.loadLoss).toBeCloseTo(2 / 8, 9);
    // importance [1 − b, a, 1 − a + b] sums to 2: mean 2/3, CV² = mean of squares / (4/9) − 1.
    const imp = [1 - b, a, 1 - a + b];
    const cvImp = imp.reduce((s, v) => s + v * v, 0) / 3 / (4 / 9) - 1;
    expect(r.cvImportance).toBeCloseTo(cvImp, 9);
    expect(r.importanceLoss).toBeCloseTo(0.5 * cvImp, 9);
    expect(r.loss).toBeCloseTo(0.5 * cvImp + 2 / 8, 9);
  });

  it('explicit noise is added as noise·(softplus(x·wNoise) + eps) in training', () => {
    const r = evaluateGating({ ...base, wNoise: [0, 0, 0, 0, 0, 0], noise: [0, 0, 10, 0, 0, 0], training: true, eps: 0, precision: 'f64' });
    // sigma = ln 2 everywhere; row 0 noisy = [1, 3, 2 + 10 ln 2]
    expect(r.sigma[0]).toBeCloseTo(Math.LN2, 15);
    expect([...r.indices.slice(0, 2)]).toEqual([2, 1]);
    expect(r.topValues[0]).toBeCloseTo(2 + 10 * Math.LN2, 14);
  });

  it('validates inputs with errors that name shapes and the fix', () => {
    expect(() => evaluateGating({ ...base, k: 4 })).toThrow(/k = 4 exceeds the number of experts \(3\); pass k ≤ 3/);
    expect(() => evaluateGating({ ...base, k: 0 })).toThrow(/k = 0: .*pass k ≥ 1/);
    expect(() => evaluateGating({ ...base, k: 1.5 })).toThrow(/k must be an integer/);
    expect(() => evaluateGating({ ...base, x: [1, 2, 3] })).toThrow(/x has 3 elements but \[rows=2, width=2\] needs 4/);
    expect(() => evaluateGating({ ...base, wGate: [1] })).toThrow(/wGate has 1 elements but \[width=2, experts=3\] needs 6/);
    expect(() => evaluateGating({ ...base, wNoise: [1, 2] })).toThrow(/wNoise has 2 elements/);
    expect(() => evaluateGating({ ...base, wNoise: base.wGate, noise: [1] })).toThrow(/noise has 1 elements but \[rows=2, experts=3\] needs 6/);
    expect(() => evaluateGating({ ...base, noise: new Array(6).fill(0) })).toThrow(/noise was given without wNoise/);
    expect(() => evaluateGating({ ...base, seed: -1 })).toThrow(/seed must be an integer/);
  });
});
