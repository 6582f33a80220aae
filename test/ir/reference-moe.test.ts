/**
 * Unit tests of the MoE reference ops: top-k ties and NaN, gating in training and evaluation, the
 * load estimator, importance, CV², dispatch, expert FFN and combine.
 */
import { describe, expect, it } from 'vitest';
import * as g from '../../ir/reference/gating.ts';
import { combine, dispatch, expertFfn } from '../../ir/reference/dispatch.ts';
import { normalCdf } from '../../ir/reference/normal-cdf.ts';
import { normalDraw } from '../../ir/rng.ts';

describe('topk', () => {
  it('breaks ties by the lower index', () => {
    const r = g.topkRows([1, 3, 3, 1, 5, 5, 5, 5], 2, 4, 3);
    expect([...r.indices]).toEqual([1, 2, 0, 0, 1, 2]);
    expect([...r.values]).toEqual([3, 3, 1, 5, 5, 5]);
  });
  it('sorts NaN last and rejects a bad k', () => {
    expect([...g.topkRows([NaN, 1, -Infinity], 1, 3, 3).indices]).toEqual([1, 2, 0]);
    expect(() => g.topkRows([1, 2], 1, 2, 3)).toThrow(/k in \[1, 2\]/);
  });
});

describe('gating', () => {
  it('eval: clean logits, top k+1, softmax over the top k (hand-computed)', () => {
    const r = g.gatingForward({ x: [1], wg: [1, 3, 2], N: 1, D: 1, n: 3, k: 2, eps: 0.01, noisy: true, wn: [5, 5, 5], training: false, seed: 1, step: 0, stream: 0, rowOffset: 0 }, 'f64');
    expect([...r.indices]).toEqual([1, 2]);
    expect([...r.topValues]).toEqual([3, 2, 1]);
    expect(r.gates[0]).toBeCloseTo(Math.E / (1 + Math.E), 15);
    expect(r.gates[1]).toBeCloseTo(1 / (1 + Math.E), 15);
    expect([...r.sigma]).toEqual([0, 0, 0]);
    expect([...r.noisy]).toEqual([1, 3, 2]);
  });

  it('training: noisy = clean + z·(softplus(x·wn) + eps) with z from the RNG at rowOffset + row', () => {
    const a = { x: [1, -1], wg: [0, 0], wn: [0.5, -2], N: 2, D: 1, n: 2, k: 1, eps: 0.1, noisy: true, training: true, seed: 9, step: 4, stream: 3, rowOffset: 10 };
    const r = g.gatingForward(a, 'f64');
    for (let row = 0; row < 2; row++) {
      for (let col = 0; col < 2; col++) {
        const s = Math.log1p(Math.exp(a.x[row]! * a.wn[col]!)) + 0.1;
        expect(r.sigma[row * 2 + col]).toBeCloseTo(s, 14);
        const z = normalDraw({ seed: 9, stream: 3, step: 4, row: 10 + row, col });
        expect(r.noisy[row * 2 + col]).toBeCloseTo(z * s, 14);
      }
    }
    expect(r.topValues.length).toBe(4); // k+1 = 2 = n columns
  });

  it('k = n: topValues has n columns and every expert load is N (all selected, P = 1)', () => {
    const r = g.gatingForward({ x: [1, 2], wg: [1, -1, 0.5], N: 2, D: 1, n: 3, k: 3, eps: 0, noisy: false, training: true, seed: 0, step: 0, stream: 0, rowOffset: 0 });
    expect(r.topValues.length).toBe(6);
    const load = g.loadEstimate({ clean: r.clean, sigma: [1, 1, 1, 1, 1, 1], topValues: r.topValues, indices: r.indices, N: 2, n: 3, k: 3 });
    expect([...load]).toEqual([2, 2, 2]);
  });
});

describe('load estimator', () => {
  it('P = Φ((clean − thr)/σ), thr = (k+1)-th value if selected else k-th (hand-computed)', () => {
    const load = g.loadEstimate({ clean: [0, 1, 0.5], sigma: [1, 1, 2], topValues: [1.2, 0.3], indices: [1], N: 1, n: 3, k: 1 }, 'f64');
    expect(load[0]).toBeCloseTo(0.11506967022170822, 14); // Φ(−1.2)
    expect(load[1]).toBeCloseTo(0.758036347776927, 14); // Φ(0.7)
    expect(load[2]).toBeCloseTo(normalCdf(-0.35), 14); // Φ((0.5 − 1.2)/2)
  });

  it('σ = 0 is a step: selected clean ≥ thr, others clean > thr; no NaN', () => {
    // clean ties: experts 0 and 1 both 2, k = 1 picks expert 0; thrIn = 2 (2nd), thrOut = 2 (1st)
    const load = g.loadEstimate({ clean: [2, 2, 1], sigma: [0, 0, 0], topValues: [2, 2], indices: [0], N: 1, n: 3, k: 1 });
    expect([...load]).toEqual([1, 0, 0]);
  });

  it('σ = 0 with infinite clean logits stays a step, no NaN', () => {
    const load = g.loadEstimate({ clean: [Infinity, 0, -Infinity], sigma: [0, 0, 0], topValues: [Infinity, 0], indices: [0], N: 1, n: 3, k: 1 });
    expect([...load]).toEqual([1, 0, 0]);
  });

  it('importance sums gates per expert; CV² known values', () => {
    expect([...g.importance([0.75, 0.25, 0.5, 0.5], [2, 0, 0, 1], 2, 2, 4, 'f64')]).toEqual([0.75, 0.5, 0.75, 0]);
    expect(() => g.importance([1], [4], 1, 1, 4)).toThrow(/expert index 4 at \[0,0\] is out of range/);
    expect(g.cvSquared([1, 1, 1])).toBe(0);
    expect(g.cvSquared([0, 2])).toBeCloseTo(1, 9);
    expect(g.cvSquared([1, 2, 3])).toBeCloseTo(1 / 6, 9);
    expect(g.cvSquared([0, 0])).toBe(0);
    expect(g.cvSquared([5])).toBe(0);
  });
});

describe('dispatch / expertFfn / combine', () => {
  it('dispatch is a stable counting sort (hand-computed)', () => {
    const d = dispatch([2, 0, 0, 1, 2, 0], 3, 2, 4);
    expect([...d.offsets]).toEqual([0, 3, 4, 6, 6]);
    expect([...d.sourceRow]).toEqual([0, 1, 2, 1, 0, 2]);
    expect([...d.position]).toEqual([4, 0, 1, 3, 5, 2]);
    expect(() => dispatch([0, 4], 1, 2, 4)).toThrow(/expert index 4 at \[0,1\]/);
  });

  it('expertFfn applies each expert to its segment; combine weights by gates (hand-computed)', () => {
    const y = expertFfn({ x: [1, 2], sourceRow: [1, 0, 1], offsets: [0, 1, 3], w1: [2, -1], b1: [0, 1], w2: [3, 4], b2: [0.5, -0.5], N: 2, D: 1, H: 1, Dout: 1, n: 2 });
    expect([...y]).toEqual([12.5, -0.5, -0.5]);
    const out = combine(y, 3, 1, [0, 1, 2, 0], [0.25, 0.75, 0.5, 0.5], 2, 2);
    expect([...out]).toEqual([2.75, 6]);
    expect(() => combine(y, 3, 1, [3, 0], [1, 0], 1, 2)).toThrow(/position\[0,0\] = 3 is out of range/);
    expect(() => expertFfn({ x: [1], sourceRow: [0], offsets: [0, 2], w1: [1], b1: [0], w2: [1], b2: [0], N: 1, D: 1, H: 1, Dout: 1, n: 1 })).toThrow(/end at the slot count 1/);
  });
});
