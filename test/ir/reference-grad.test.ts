/**
 * Tests of the gradient reference ops: hand-computed cases and central finite differences in f64 of
 * the corresponding forward reference functions.
 */
import { describe, expect, it } from 'vitest';
import * as dense from '../../ir/reference/dense.ts';
import * as gd from '../../ir/reference/grad-dense.ts';
import * as gs from '../../ir/reference/grad-sequence.ts';
import * as seq from '../../ir/reference/sequence.ts';
import * as gm from '../../ir/reference/grad-moe.ts';
import * as gating from '../../ir/reference/gating.ts';
import { combine, dispatch } from '../../ir/reference/dispatch.ts';
import { normalPdf } from '../../ir/reference/normal-cdf.ts';
import { dot, expectGradClose, fdGrad, rand } from './fd.ts';

// ---- dense ------------------------------------------------------------------------------------

describe('dense gradient ops (hand-computed)', () => {
  it('zeros, transpose, sumRows', () => {
    expect([...gd.zerosOf(3)]).toEqual([0, 0, 0]);
    expect(gd.zerosOf(2, 'f64')).toBeInstanceOf(Float64Array);
    expect([...gd.transpose([1, 2, 3, 4, 5, 6], 2, 3)]).toEqual([1, 4, 2, 5, 3, 6]);
    expect([...gd.sumRows([1, 2, 3, 4, 5, 6], 3, 2)]).toEqual([9, 12]);
    expect(() => gd.transpose([1, 2], 2, 2)).toThrow(/expected 4 elements, got 2/);
  });

  it('reluGrad, sigmoidGrad, tanhGrad in terms of the forward output', () => {
    expect([...gd.reluGrad([0, 2, -1, 0.5], [5, 6, 7, 8])]).toEqual([0, 6, 0, 8]);
    expect([...gd.sigmoidGrad([0.5, 0.25], [2, 4], 'f64')]).toEqual([0.5, 0.75]);
    expect([...gd.tanhGrad([0.5, -1], [2, 3], 'f64')]).toEqual([1.5, 0]);
  });

  it('softmaxGrad on a 1×3 row: y·(dy − Σ y·dy)', () => {
    const out = gd.softmaxGrad([0.2, 0.3, 0.5], [1, 0, 0], 1, 3, 'f64');
    expect(out[0]).toBeCloseTo(0.16, 15);
    expect(out[1]).toBeCloseTo(-0.06, 15);
    expect(out[2]).toBeCloseTo(-0.1, 15);
  });

  it('scatter0 and padLast place dy and zero the rest (float and i32)', () => {
    expect([...gd.scatter0(new Float32Array([1, 2]), 3, 1)]).toEqual([0, 0, 1, 2, 0, 0]);
    const si = gd.scatter0(new Int32Array([7]), 2, 0);
    expect(si).toBeInstanceOf(Int32Array);
    expect([...si]).toEqual([7, 0]);
    expect([...gd.padLast(new Float32Array([1, 2, 3, 4]), 1, 3, 4)]).toEqual([0, 1, 2, 0, 0, 3, 4, 0]);
    expect([...gd.padLast(new Int32Array([5, 6]), 2, 3, 3)]).toEqual([0, 0, 5, 0, 0, 6]);
    expect(() => gd.scatter0(new Float32Array(1), 2, 2)).toThrow(/index 2 is out of range \[0, 2\)/);
    expect(() => gd.padLast(new Float32Array(2), 2, 5, 4)).toThrow(/do not fit/);
  });

  it('activation vjps match f64 finite differences of the forward', () => {
    const r = rand(1);
    const x = r(12, -2, 2);
    const dy = r(12);
    for (const [name, fwd, grad] of [
      ['sigmoid', dense.sigmoid, gd.sigmoidGrad],
      ['tanh', dense.tanh, gd.tanhGrad],
      ['relu', dense.relu, gd.reluGrad],
    ] as const) {
      const y = fwd(x, 'f64');
      expectGradClose(name, grad(y, dy, 'f64'), fdGrad((v) => dot(dy, fwd(v, 'f64')), x));
    }
    const y = dense.softmaxRows(x, 3, 4, 'f64');
    expectGradClose('softmax', gd.softmaxGrad(y, dy, 3, 4, 'f64'), fdGrad((v) => dot(dy, dense.softmaxRows(v, 3, 4, 'f64')), x));
    // sumRows is the vjp of biasAdd's bias; transpose is its own vjp (as a permutation)
    expectGradClose('biasAdd bias', gd.sumRows(dy, 3, 4, 'f64'), fdGrad((b) => dot(dy, dense.biasAdd(x, b, 4, 'f64')), r(4)));
  });
});

// ---- sequence ---------------------------------------------------------------------------------

describe('sequence gradient ops', () => {
  it('embeddingGrad sums dy rows per id (repeated ids), zero for unused ids', () => {
    const out = gs.embeddingGrad([2, 0, 2], [1, 2, 10, 20, 100, 200], 4, 2);
    expect([...out]).toEqual([10, 20, 0, 0, 101, 202, 0, 0]);
    expect(() => gs.embeddingGrad([4], [1, 2], 4, 2)).toThrow(/token id 4 at position 0 is out of range \[0, 4\)/);
    const r = rand(2);
    const ids = [1, 3, 1, 0, 3];
    const dy = r(10);
    expectGradClose('embedding', gs.embeddingGrad(ids, dy, 4, 2, 'f64'), fdGrad((t) => dot(dy, seq.embedding(t, 4, 2, ids, 'f64')), r(8)));
  });

  it('softmaxCrossEntropyGrad = (softmax − onehot)·dloss/N, matches FD', () => {
    const hand = gs.softmaxCrossEntropyGrad([0, 0], [1], 2, 1, 2, 'f64');
    expect([...hand]).toEqual([1, -1]);
    const r = rand(3);
    const logits = r(12, -3, 3);
    const labels = [2, 0, 3];
    const g = gs.softmaxCrossEntropyGrad(logits, labels, 0.7, 3, 4, 'f64');
    expectGradClose('xent', g, fdGrad((l) => 0.7 * seq.softmaxCrossEntropy(l, labels, 3, 4), logits));
    expect(() => gs.softmaxCrossEntropyGrad([0, 0], [2], 1, 1, 2)).toThrow(/label 2 in row 0/);
  });

  it('lstmGrad matches FD of lstm (T=3, B=2, D=3, H=2) for every input', () => {
    const T = 3, B = 2, D = 3, H = 2;
    const r = rand(4);
    const base = { x: r(T * B * D), wx: r(D * 4 * H), wh: r(H * 4 * H), b: r(4 * H, -0.5, 0.5), h0: r(B * H, -0.5, 0.5), c0: r(B * H, -0.5, 0.5), T, B, D, H };
    const dh = r(T * B * H), dhT = r(B * H), dcT = r(B * H);
    const loss = (a: seq.LstmArgs): number => {
      const o = seq.lstm(a, 'f64');
      return dot(dh, o.h) + dot(dhT, o.hT) + dot(dcT, o.cT);
    };
    const g = gs.lstmGrad({ ...base, dh, dhT, dcT }, 'f64');
    const keys = [['x', 'dx'], ['wx', 'dwx'], ['wh', 'dwh'], ['b', 'db'], ['h0', 'dh0'], ['c0', 'dc0']] as const;
    for (const [k, dk] of keys) {
      expectGradClose(`lstm ${k}`, g[dk], fdGrad((v) => loss({ ...base, [k]: v }), base[k]), 1e-6, 1e-8);
    }
  });

  it('lstmGrad at f32 recomputes the f32 forward and stays close to f64', () => {
    const T = 2, B = 1, D = 2, H = 3;
    const r = rand(5);
    const a = { x: r(T * B * D), wx: r(D * 4 * H), wh: r(H * 4 * H), b: r(4 * H), h0: r(B * H), c0: r(B * H), T, B, D, H, dh: r(T * B * H), dhT: r(B * H), dcT: r(B * H) };
    const g32 = gs.lstmGrad(a, 'f32');
    const g64 = gs.lstmGrad(a, 'f64');
    expect(g32.dwx).toBeInstanceOf(Float32Array);
    expectGradClose('f32 vs f64 dwh', g32.dwh, g64.dwh, 1e-4, 1e-5);
    expectGradClose('f32 vs f64 dc0', g32.dc0, g64.dc0, 1e-4, 1e-5);
  });
});

// ---- MoE gating and losses ------------------------------------------------------------------------

describe('MoE gradient ops', () => {
  it('noiseStdGrad: dy·sigmoid(raw) in training (FD of noiseStd), zeros in evaluation', () => {
    const r = rand(6);
    const raw = r(6, -3, 3), dy = r(6);
    expectGradClose('noiseStd', gm.noiseStdGrad(raw, dy, true, 'f64'), fdGrad((v) => dot(dy, gating.noiseStd(v, 0.01, true, 'f64')), raw));
    expect([...gm.noiseStdGrad(raw, dy, false)]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('scatterTopk scatters to the selected experts = FD of topk values', () => {
    expect([...gm.scatterTopk([5, 6], [2, 0], 1, 2, 3)]).toEqual([6, 0, 5]);
    const r = rand(7);
    const x = r(3 * 5);
    const top = gating.topkRows(x, 3, 5, 2, 'f64');
    const dv = r(6);
    expectGradClose('topk', gm.scatterTopk(dv, top.indices, 3, 2, 5, 'f64'), fdGrad((v) => dot(dv, gating.topkRows(v, 3, 5, 2, 'f64').values), x));
    expect(() => gm.scatterTopk([1], [3], 1, 1, 3)).toThrow(/expert index 3 at \[0,0\] is out of range \[0, 3\)/);
  });

  it('cvSquaredGrad on [1,2,3]: hand value and FD of cvSquared; exact zeros for n < 2 and constants', () => {
    const g = gm.cvSquaredGrad([1, 2, 3], 1, 'f64');
    // mean 2, var 2/3, den = 4 + 1e-10: 2(v−2)/(3·den) − 2·2·(2/3)/(3·den²)
    expect(g[0]).toBeCloseTo(-2 / 9, 9);
    expect(g[1]).toBeCloseTo(-1 / 18, 9);
    expect(g[2]).toBeCloseTo(1 / 9, 9);
    expectGradClose('cv [1,2,3]', gm.cvSquaredGrad([1, 2, 3], 2.5, 'f64'), fdGrad((v) => 2.5 * gating.cvSquared(v), [1, 2, 3]));
    const r = rand(8);
    const v = r(7, 0, 5);
    expectGradClose('cv random', gm.cvSquaredGrad(v, -0.3, 'f64'), fdGrad((u) => -0.3 * gating.cvSquared(u), v));
    expect([...gm.cvSquaredGrad([4], 1)]).toEqual([0]);
    expect([...gm.cvSquaredGrad([0.1, 0.1, 0.1], 1)]).toEqual([0, 0, 0]);
  });

  it('importanceGrad gathers dimportance = FD of importance w.r.t. gates', () => {
    expect([...gm.importanceGrad([10, 20, 30], [2, 0, 1, 2], 2, 2)]).toEqual([30, 10, 20, 30]);
    const r = rand(9);
    const idx = [0, 3, 1, 3, 2, 0];
    const dimp = r(4);
    expectGradClose('importance', gm.importanceGrad(dimp, idx, 3, 2, 'f64'), fdGrad((gt) => dot(dimp, gating.importance(gt, idx, 3, 2, 4, 'f64')), r(6)));
  });

  it('loadEstimateGrad = FD of loadEstimate in clean and sigma with thresholds fixed; 0 at sigma = 0 and for k = n', () => {
    const N = 3, n = 4, k = 2;
    const r = rand(10);
    const noisy = r(N * n, -1, 1);
    const top = gating.topkRows(noisy, N, n, k + 1, 'f64');
    const indices = top.indices.filter((_, i) => i % (k + 1) < k);
    const topValues = top.values;
    const clean = r(N * n, -1, 1);
    const sigma = r(N * n, 0.2, 1);
    sigma[5] = 0; // a zero-sigma (step) entry
    const dload = r(n);
    const g = gm.loadEstimateGrad({ clean, sigma, topValues, indices, dload, N, n, k }, 'f64');
    const L = (c: ArrayLike<number>, s: ArrayLike<number>): number => dot(dload, gating.loadEstimate({ clean: c, sigma: s, topValues, indices, N, n, k }, 'f64'));
    expectGradClose('load dclean', g.dclean, fdGrad((c) => L(c, sigma), clean));
    const fdS = fdGrad((s) => L(clean, s), sigma);
    fdS[5] = 0; // FD across σ = 0 is not the a.e. derivative
    expectGradClose('load dsigma', g.dsigma, fdS);
    expect(g.dclean[5]).toBe(0);
    expect(g.dsigma[5]).toBe(0);
    // hand: one entry, z = (0 − 1.2)/1 → dclean = φ(−1.2), dsigma = −φ(−1.2)·(−1.2)
    const h = gm.loadEstimateGrad({ clean: [0, 1, 0.5], sigma: [1, 1, 2], topValues: [1.2, 0.3], indices: [1], dload: [1, 0, 0], N: 1, n: 3, k: 1 }, 'f64');
    expect(h.dclean[0]).toBeCloseTo(normalPdf(-1.2), 15);
    expect(h.dsigma[0]).toBeCloseTo(1.2 * normalPdf(-1.2), 15);
    const kn = gm.loadEstimateGrad({ clean: [0, 1], sigma: [1, 1], topValues: [1, 0], indices: [0, 1], dload: [1, 1], N: 1, n: 2, k: 2 });
    expect([...kn.dclean, ...kn.dsigma]).toEqual([0, 0, 0, 0]);
  });

  it('moeCombineGrad = FD of combine w.r.t. y and gates', () => {
    const N = 4, k = 2, n = 3, Dout = 3;
    const indices = [0, 2, 1, 2, 2, 0, 1, 0];
    const d = dispatch(indices, N, k, n);
    const S = N * k;
    const r = rand(11);
    const y = r(S * Dout), gates = r(N * k, 0, 1), dout = r(N * Dout);
    const g = gm.moeCombineGrad(dout, y, S, Dout, d.position, gates, N, k, 'f64');
    expectGradClose('combine dy', g.dy, fdGrad((v) => dot(dout, combine(v, S, Dout, d.position, gates, N, k, 'f64')), y));
    expectGradClose('combine dgates', g.dgates, fdGrad((gt) => dot(dout, combine(y, S, Dout, d.position, gt, N, k, 'f64')), gates));
    expect(() => gm.moeCombineGrad([0], [0], 1, 1, [1], [1], 1, 1)).toThrow(/position\[0,0\] = 1 is out of range \[0, 1\)/);
  });
});
