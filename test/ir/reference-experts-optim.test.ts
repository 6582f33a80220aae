/**
 * Tests of the split expert FFN (bit-equal to expertFfn), the expert vjps against finite
 * differences, and SGD, Adam and factored Adam steps computed by hand.
 */
import { describe, expect, it } from 'vitest';
import { dispatch, expertFfn } from '../../ir/reference/dispatch.ts';
import * as ex from '../../ir/reference/experts.ts';
import * as opt from '../../ir/reference/optimizers.ts';
import type { Precision } from '../../ir/tensor.ts';
import { dot, expectGradClose, fdGrad, rand } from './fd.ts';

/** A small routed expert problem: N rows, k experts each, n experts, widths D → H → Dout. */
function problem(seed: number, N = 5, k = 2, n = 3, D = 4, H = 6, Dout = 3) {
  const r = rand(seed);
  const indices: number[] = [];
  for (let row = 0; row < N; row++) {
    const a = (row * 7 + seed) % n;
    indices.push(a, (a + 1 + (row % (n - 1))) % n);
  }
  const d = dispatch(indices, N, k, n);
  return { N, k, n, D, H, Dout, S: N * k, d, x: r(N * D), w1: r(n * D * H), b1: r(n * H, -0.3, 0.3), w2: r(n * H * Dout), b2: r(n * Dout), r };
}

describe('expert FFN split', () => {
  for (const precision of ['f32', 'f64'] as Precision[]) {
    it(`expertOutput(expertHidden(...)) equals expertFfn bit for bit at ${precision}`, () => {
      for (const seed of [1, 2, 3]) {
        const p = problem(seed);
        const hidden = ex.expertHidden({ x: p.x, sourceRow: p.d.sourceRow, offsets: p.d.offsets, w1: p.w1, b1: p.b1, N: p.N, D: p.D, H: p.H, n: p.n }, precision);
        expect(hidden.some((v) => v === 0) && hidden.some((v) => v > 0)).toBe(true); // relu active and inactive
        const y = ex.expertOutput({ hidden, offsets: p.d.offsets, w2: p.w2, b2: p.b2, S: p.S, H: p.H, Dout: p.Dout, n: p.n }, precision);
        const ref = expertFfn({ x: p.x, sourceRow: p.d.sourceRow, offsets: p.d.offsets, w1: p.w1, b1: p.b1, w2: p.w2, b2: p.b2, N: p.N, D: p.D, H: p.H, Dout: p.Dout, n: p.n }, precision);
        expect(y.constructor).toBe(ref.constructor);
        expect([...y]).toEqual([...ref]);
      }
    });
  }

  it('expertHidden hand case: relu(x·w1[e] + b1[e]) per slot', () => {
    // N=2, D=1, H=2, n=2; row 0 → expert 1, row 1 → expert 0
    const d = dispatch([1, 0], 2, 1, 2);
    const h = ex.expertHidden({ x: [2, 3], sourceRow: d.sourceRow, offsets: d.offsets, w1: [1, -1, 10, 20], b1: [0, 0, 1, -100], N: 2, D: 1, H: 2, n: 2 }, 'f64');
    expect([...h]).toEqual([3, 0, 21, 0]); // slot 0 = row 1 (expert 0), slot 1 = row 0 (expert 1)
  });

  it('expertHiddenGrad matches FD of expertHidden in x, w1, b1', () => {
    const p = problem(4);
    const base = { x: p.x, sourceRow: p.d.sourceRow, offsets: p.d.offsets, w1: p.w1, b1: p.b1, N: p.N, D: p.D, H: p.H, n: p.n };
    const hidden = ex.expertHidden(base, 'f64');
    const dhidden = p.r(p.S * p.H);
    const g = ex.expertHiddenGrad({ ...base, position: p.d.position, hidden, dhidden, k: p.k }, 'f64');
    const L = (a: Partial<ex.ExpertHiddenArgs>): number => dot(dhidden, ex.expertHidden({ ...base, ...a }, 'f64'));
    expectGradClose('dx', g.dx, fdGrad((v) => L({ x: v }), p.x));
    expectGradClose('dw1', g.dw1, fdGrad((v) => L({ w1: v }), p.w1));
    expectGradClose('db1', g.db1, fdGrad((v) => L({ b1: v }), p.b1));
    const badPos = Int32Array.from(p.d.position);
    [badPos[0], badPos[2]] = [badPos[2]!, badPos[0]!];
    expect(() => ex.expertHiddenGrad({ ...base, position: badPos, hidden, dhidden, k: p.k })).toThrow(/is a slot of row/);
  });

  it('expertOutputGrad matches FD of expertOutput in hidden, w2, b2', () => {
    const p = problem(5);
    const hidden = p.r(p.S * p.H, 0, 1);
    const base = { hidden, offsets: p.d.offsets, w2: p.w2, b2: p.b2, S: p.S, H: p.H, Dout: p.Dout, n: p.n };
    const dy = p.r(p.S * p.Dout);
    const g = ex.expertOutputGrad({ hidden, offsets: p.d.offsets, w2: p.w2, dy, S: p.S, H: p.H, Dout: p.Dout, n: p.n }, 'f64');
    const L = (a: Partial<ex.ExpertOutputArgs>): number => dot(dy, ex.expertOutput({ ...base, ...a }, 'f64'));
    expectGradClose('dhidden', g.dhidden, fdGrad((v) => L({ hidden: v }), hidden));
    expectGradClose('dw2', g.dw2, fdGrad((v) => L({ w2: v }), p.w2));
    expectGradClose('db2', g.db2, fdGrad((v) => L({ b2: v }), p.b2));
  });

  it('an expert with no slots gets zero weight gradients', () => {
    const d = dispatch([0, 0], 2, 1, 2);
    const g = ex.expertOutputGrad({ hidden: [1, 2], offsets: d.offsets, w2: [1, 1], dy: [3, 4], S: 2, H: 1, Dout: 1, n: 2 }, 'f64');
    expect([...g.dw2]).toEqual([11, 0]);
    expect([...g.db2]).toEqual([7, 0]);
    expect([...g.dhidden]).toEqual([3, 4]);
  });
});

describe('optimizers', () => {
  it('sgdUpdate: p − lr·g', () => {
    expect([...opt.sgdUpdate([1, 2], [0.5, -1], 0.1, 'f64')]).toEqual([1 - 0.05, 2 + 0.1]);
  });

  it('adamUpdate: one step by hand (t = step + 1) and a second step', () => {
    const hp = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
    const r1 = opt.adamUpdate([1], [0.5], [0], [0], hp, 0, 'f64');
    expect(r1.m[0]).toBeCloseTo(0.05, 16);
    expect(r1.v[0]).toBeCloseTo(0.00025, 16);
    // m̂ = 0.5, v̂ = 0.25 → p' = 1 − 0.1·0.5/(0.5 + 1e-8)
    expect(r1.p[0]).toBeCloseTo(1 - 0.05 / (0.5 + 1e-8), 14);
    const r2 = opt.adamUpdate(r1.p, [-1], r1.m, r1.v, hp, 1, 'f64');
    const m2 = 0.9 * 0.05 + 0.1 * -1;
    const v2 = 0.999 * 0.00025 + 0.001 * 1;
    expect(r2.m[0]).toBeCloseTo(m2, 15);
    expect(r2.v[0]).toBeCloseTo(v2, 15);
    expect(r2.p[0]).toBeCloseTo(r1.p[0]! - (0.1 * (m2 / (1 - 0.81))) / (Math.sqrt(v2 / (1 - 0.999 ** 2)) + 1e-8), 13);
    const f32 = opt.adamUpdate([1], [0.5], [0], [0], hp, 0);
    expect(f32.p).toBeInstanceOf(Float32Array);
    expect(f32.m[0]).toBe(Math.fround(0.05));
  });

  it('factoredAdamUpdate on a 2×3 matrix by hand (β2 = 0.5, t = 1)', () => {
    const g = [1, 2, 0, 0, 1, 1];
    const p = [0, 0, 0, 1, 1, 1];
    const r = opt.factoredAdamUpdate(p, g, [0, 0], [0, 0, 0], 1, 2, 3, { lr: 0.1, beta2: 0.5, clip: 0 }, 0, 'f64');
    // g² row means [5/3, 2/3], column means [1/2, 5/2, 1/2] (+1e-30)
    expect(r.vr[0]).toBeCloseTo(5 / 6, 15);
    expect(r.vr[1]).toBeCloseTo(1 / 3, 15);
    expect([...r.vc].map((v) => +v.toFixed(14))).toEqual([0.25, 1.25, 0.25]);
    // v̂ = vr'·vc'ᵀ/mean(vr')/(1 − 0.5) = vr'·vc'ᵀ·24/7 → u = g/sqrt(v̂)
    const u = [Math.sqrt(7 / 5), (2 * Math.sqrt(7)) / 5, 0, 0, Math.sqrt(0.7), Math.sqrt(3.5)];
    for (let i = 0; i < 6; i++) expect(r.p[i]).toBeCloseTo(p[i]! - 0.1 * u[i]!, 14);
    // clip 0.5: rms(u) = sqrt(1.12) → u / (sqrt(1.12)/0.5)
    const c = opt.factoredAdamUpdate(p, g, [0, 0], [0, 0, 0], 1, 2, 3, { lr: 0.1, beta2: 0.5, clip: 0.5 }, 0, 'f64');
    const div = Math.sqrt(1.12) / 0.5;
    for (let i = 0; i < 6; i++) expect(c.p[i]).toBeCloseTo(p[i]! - (0.1 * u[i]!) / div, 14);
    // a loose clip changes nothing
    const loose = opt.factoredAdamUpdate(p, g, [0, 0], [0, 0, 0], 1, 2, 3, { lr: 0.1, beta2: 0.5, clip: 100 }, 0, 'f64');
    expect([...loose.p]).toEqual([...r.p]);
  });

  it('factoredAdamUpdate treats each trailing matrix separately and uses t = step + 1', () => {
    const rr = rand(12);
    const p = rr(12), g = rr(12), vr = rr(4, 0, 1), vc = rr(6, 0, 1);
    const hp = { lr: 0.01, beta2: 0.9, clip: 1 };
    const both = opt.factoredAdamUpdate(p, g, vr, vc, 2, 2, 3, hp, 7, 'f64');
    for (let b = 0; b < 2; b++) {
      const one = opt.factoredAdamUpdate(p.slice(b * 6, b * 6 + 6), g.slice(b * 6, b * 6 + 6), vr.slice(b * 2, b * 2 + 2), vc.slice(b * 3, b * 3 + 3), 1, 2, 3, hp, 7, 'f64');
      expect([...both.p.slice(b * 6, b * 6 + 6)]).toEqual([...one.p]);
      expect([...both.vr.slice(b * 2, b * 2 + 2)]).toEqual([...one.vr]);
      expect([...both.vc.slice(b * 3, b * 3 + 3)]).toEqual([...one.vc]);
    }
    const other = opt.factoredAdamUpdate(p, g, vr, vc, 2, 2, 3, hp, 8, 'f64');
    expect(other.p[0]).not.toBe(both.p[0]);
    expect(() => opt.factoredAdamUpdate(p, g, vr.slice(1), vc, 2, 2, 3, hp, 0)).toThrow(/row statistics vr: expected 4 elements/);
  });

  it('zero gradient leaves a factored parameter unchanged (eps1 keeps v̂ > 0)', () => {
    const r = opt.factoredAdamUpdate([1, 2, 3, 4], [0, 0, 0, 0], [0, 0], [0, 0], 1, 2, 2, { lr: 1, beta2: 0.99, clip: 1 }, 0);
    expect([...r.p]).toEqual([1, 2, 3, 4]);
    expect(r.vr.every((v) => v > 0)).toBe(true);
  });
});
