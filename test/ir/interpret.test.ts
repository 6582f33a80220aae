/**
 * Tests of the reference interpreter: a dense graph by hand, f32 vs f64 storage, feed and node errors,
 * deterministic initParams, dropout rows, fused gating equal to the unfused chain bit for bit, and a
 * whole MoE layer against the same layer written out from the paper's equations in the test (not
 * the ir/reference functions the interpreter calls).
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder, type Graph } from '../../ir/graph.ts';
import { evalNode, initParams, interpret, interpretValues } from '../../ir/interpret.ts';
import { fnv1a } from '../../ir/rng.ts';
import { fromArray, type Tensor } from '../../ir/tensor.ts';
import { tensorType } from '../../ir/types.ts';
import { normalDraw, uniformDraw } from '../../ir/rng.ts';
import { phi } from '../stats/independent.ts';

const f32 = (shape: number[]) => tensorType('f32', shape);
const i32 = (shape: number[]) => tensorType('i32', shape);
const ctxEval = { seed: 1, step: 0, training: false };

function denseGraph(): Graph {
  const b = new GraphBuilder();
  const x = b.addInput('x', f32([2, 3]), 'input');
  const w = b.addInput('w', f32([3, 2]), 'param', { kind: 'uniform', scale: 0.5 });
  const bias = b.addInput('bias', f32([2]), 'param', { kind: 'ones' });
  const h = b.add1('matmul', {}, [x, w], { layer: 'proj' });
  const hb = b.add1('biasAdd', {}, [h, bias], { layer: 'proj' });
  const p = b.add1('softmax', {}, [hb], { layer: 'head' });
  b.setOutput('probs', p);
  b.setOutput('total', b.add1('sum', {}, [p]));
  return b.finish();
}

describe('interpret', () => {
  it('evaluates a small dense graph (hand-computed)', () => {
    const g = denseGraph();
    const feeds = {
      x: fromArray('f32', [2, 3], [1, 0, 0, 0, 1, 1]),
      w: fromArray('f32', [3, 2], [1, 0, 0, 1, 0, 2]),
      bias: fromArray('f32', [2], [0, 1]),
    };
    const out = interpret(g, feeds, ctxEval);
    // row 0: [1, 0] + [0, 1] = [1, 1] → [0.5, 0.5]; row 1: [0, 3] + [0, 1] = [0, 4]
    const p = out.probs!.data;
    expect(p).toBeInstanceOf(Float32Array);
    expect(p[0]).toBe(0.5);
    expect(p[2]).toBeCloseTo(1 / (1 + Math.exp(4)), 7);
    expect(out.total!.data[0]).toBeCloseTo(2, 6);
    expect(out.total!.type.shape).toEqual([]);
  });

  it('f64 precision keeps Float64Array everywhere, f32 rounds every intermediate', () => {
    const g = denseGraph();
    const feeds = { x: fromArray('f32', [2, 3], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]), ...initParams(g, 3) };
    const v64 = interpretValues(g, feeds, { ...ctxEval, precision: 'f64' });
    const v32 = interpretValues(g, feeds, ctxEval);
    for (const t of v64.values()) expect(t.data).toBeInstanceOf(Float64Array);
    for (const t of v32.values()) expect(t.data).toBeInstanceOf(Float32Array);
    const a = interpret(g, feeds, { ...ctxEval, precision: 'f64' }).probs!.data;
    const b = interpret(g, feeds, ctxEval).probs!.data;
    for (let i = 0; i < 4; i++) {
      expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-6);
      expect(Math.fround(b[i]!)).toBe(b[i]);
    }
  });

  it('rejects missing, unknown and mistyped feeds naming the input and the types', () => {
    const g = denseGraph();
    const params = initParams(g, 0);
    const x = fromArray('f32', [2, 3], [0, 0, 0, 0, 0, 0]);
    expect(() => interpret(g, params, ctxEval)).toThrow(/missing feed: 'x' \(input, f32\[2,3\]\)/);
    expect(() => interpret(g, { ...params, x, y: x }, ctxEval)).toThrow(/unknown feed 'y'/);
    expect(() => interpret(g, { ...params, x: fromArray('f32', [3, 2], [0, 0, 0, 0, 0, 0]) }, ctxEval)).toThrow(
      /feed 'x' has type f32\[3,2\], expected f32\[2,3\]/,
    );
    const bad: Tensor = { type: f32([2, 3]), data: new Int32Array(6) };
    expect(() => interpret(g, { ...params, x: bad }, ctxEval)).toThrow(/feed 'x': f32\[2,3\] needs a Float32Array/);
    expect(() => interpret(g, { ...params, x }, { seed: -1, step: 0, training: false })).toThrow(/seed/);
  });

  it('run-time errors name the node and its layer', () => {
    const b = new GraphBuilder();
    const table = b.addInput('table', f32([4, 2]), 'param', { kind: 'normal', std: 1 });
    const ids = b.addInput('ids', i32([3]), 'input');
    b.setOutput('e', b.add1('embedding', {}, [table, ids], { layer: 'emb' }));
    const g = b.finish();
    const feeds = { ...initParams(g, 0), ids: fromArray('i32', [3], [0, 3, 4]) };
    expect(() => interpret(g, feeds, ctxEval)).toThrow(/node #0 embedding \(layer emb\): token id 4 at position 2 is out of range \[0, 4\)/);
  });

  it('evalNode checks inputs against the shape rule', () => {
    const b = new GraphBuilder();
    const x = b.addInput('x', f32([2, 2]), 'input');
    b.setOutput('y', b.add1('relu', {}, [x]));
    const g = b.finish();
    expect(() => evalNode(g.nodes[0]!, [fromArray('i32', [2], [1, 2])], ctxEval)).toThrow(/node #0 relu: input must be f32/);
    expect([...evalNode(g.nodes[0]!, [fromArray('f32', [2, 2], [-1, 2, -3, 4])], ctxEval)[0]!.data]).toEqual([0, 2, 0, 4]);
  });

  it('initParams is deterministic in (seed, name) and follows each ParamInit', () => {
    const b = new GraphBuilder();
    b.addInput('u', f32([50, 40]), 'param', { kind: 'uniform', scale: 0.25 });
    b.addInput('n', f32([100, 50]), 'param', { kind: 'normal', std: 2 });
    b.addInput('z', f32([3]), 'param', { kind: 'zeros' });
    b.addInput('o', f32([3]), 'param', { kind: 'ones' });
    b.addInput('data', f32([3]), 'input');
    const g = b.finish();
    const a = initParams(g, 5);
    expect(Object.keys(a).sort()).toEqual(['n', 'o', 'u', 'z']);
    expect(initParams(g, 5).u!.data).toEqual(a.u!.data);
    expect(initParams(g, 6).u!.data).not.toEqual(a.u!.data);
    const u = [...a.u!.data];
    expect(Math.max(...u)).toBeLessThanOrEqual(0.25);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-0.25);
    expect(Math.max(...u)).toBeGreaterThan(0.24);
    const nv = [...a.n!.data];
    const mean = nv.reduce((s, v) => s + v, 0) / nv.length;
    const sd = Math.sqrt(nv.reduce((s, v) => s + (v - mean) ** 2, 0) / nv.length);
    expect(Math.abs(mean)).toBeLessThan(0.1);
    expect(Math.abs(sd - 2)).toBeLessThan(0.1);
    expect([...a.z!.data]).toEqual([0, 0, 0]);
    expect([...a.o!.data]).toEqual([1, 1, 1]);
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
  });

  it('dropout rows are the leading dims flattened; eval is the identity', () => {
    const b = new GraphBuilder();
    const x = b.addInput('x', f32([2, 3, 4]), 'input');
    b.setOutput('y', b.add1('dropout', { rate: 0.5, stream: 7 }, [x]));
    const g = b.finish();
    const xs = fromArray('f32', [2, 3, 4], Array.from({ length: 24 }, (_, i) => i + 1));
    const y = interpret(g, { x: xs }, { seed: 2, step: 1, training: true }).y!.data;
    for (let i = 0; i < 24; i++) {
      const u = uniformDraw({ seed: 2, stream: 7, step: 1, row: Math.floor(i / 4), col: i % 4 });
      expect(y[i]).toBe(u >= 0.5 ? (i + 1) * 2 : 0);
    }
    expect(interpret(g, { x: xs }, ctxEval).y!.data).toEqual(xs.data);
  });
});

/** The fused gating op vs the unfused composition the DSL traces: identical bits at f32. */
describe('fused gating equals its unfused composition', () => {
  const N = 5;
  const D = 4;
  const n = 6;
  const k = 2;
  function graphs(): { fused: Graph; unfused: Graph } {
    const mk = (): [GraphBuilder, number, number, number] => {
      const b = new GraphBuilder();
      return [b, b.addInput('x', f32([N, D]), 'input'), b.addInput('wg', f32([D, n]), 'param', { kind: 'uniform', scale: 1 }), b.addInput('wn', f32([D, n]), 'param', { kind: 'uniform', scale: 1 })];
    };
    const [fb, fx, fwg, fwn] = mk();
    const [idx, gates, clean, sigma, top] = fb.addNode('gating', { k, noisy: true, eps: 0.01, stream: 4, rowOffset: 3, explicitNoise: false }, [fx, fwg, fwn]);
    Object.entries({ idx, gates, clean, sigma, top }).forEach(([name, v]) => fb.setOutput(name, v!));
    const [ub, ux, uwg, uwn] = mk();
    const uclean = ub.add1('matmul', {}, [ux, uwg]);
    const usigma = ub.add1('noiseStd', { eps: 0.01 }, [ub.add1('matmul', {}, [ux, uwn])]);
    const z = ub.add1('randomNormal', { shape: [N, n], stream: 4, rowOffset: 3 }, []);
    const noisy = ub.add1('add', {}, [uclean, ub.add1('mul', {}, [z, usigma])]);
    const [utop, uidx] = ub.addNode('topk', { k: k + 1 }, [noisy]);
    const ugates = ub.add1('softmax', {}, [ub.add1('sliceLast', { start: 0, end: k }, [utop!])]);
    ub.setOutput('idx', ub.add1('sliceLast', { start: 0, end: k }, [uidx!]));
    Object.entries({ gates: ugates, clean: uclean, sigma: usigma, top: utop! }).forEach(([name, v]) => ub.setOutput(name, v));
    return { fused: fb.finish(), unfused: ub.finish() };
  }

  it.each([true, false])('training = %s', (training) => {
    const { fused, unfused } = graphs();
    const feeds = { ...initParams(fused, 21), x: fromArray('f32', [N, D], Array.from({ length: N * D }, (_, i) => Math.sin(i))) };
    const ctx = { seed: 8, step: 3, training };
    const a = interpret(fused, feeds, ctx);
    const b = interpret(unfused, feeds, ctx);
    for (const name of ['idx', 'gates', 'clean', 'sigma', 'top']) expect(a[name]!.data, name).toEqual(b[name]!.data);
    if (!training) expect([...a.sigma!.data].every((v) => v === 0)).toBe(true);
    else expect([...a.sigma!.data].every((v) => v > 0.01)).toBe(true);
  });
});

describe('a whole MoE layer through the interpreter', () => {
  // Independent of ir/reference: the layer written out from the paper's equations in f64 loops
  // (Eq. 3-5 gating with the Philox-keyed normal draws, softmax over the k kept logits, relu
  // expert FFNs, Eq. 6 importance, Eq. 8-10 load with an independent Φ, CV² = var/(mean²+1e-10)).
  it('matches the layer computed from the equations (outputs, selection, importance, load, CV²)', () => {
    const N = 8;
    const D = 3;
    const n = 5;
    const k = 2;
    const H = 4;
    const b = new GraphBuilder();
    const x = b.addInput('x', f32([N, D]), 'input');
    const wg = b.addInput('wg', f32([D, n]), 'param', { kind: 'uniform', scale: 1 });
    const wn = b.addInput('wn', f32([D, n]), 'param', { kind: 'uniform', scale: 1 });
    const w1 = b.addInput('w1', f32([n, D, H]), 'param', { kind: 'uniform', scale: 1 });
    const b1 = b.addInput('b1', f32([n, H]), 'param', { kind: 'uniform', scale: 0.1 });
    const w2 = b.addInput('w2', f32([n, H, D]), 'param', { kind: 'uniform', scale: 1 });
    const b2 = b.addInput('b2', f32([n, D]), 'param', { kind: 'uniform', scale: 0.1 });
    const [idx, gates, clean, sigma, top] = b.addNode('gating', { k, noisy: true, eps: 0.01, stream: 1, rowOffset: 0, explicitNoise: false }, [x, wg, wn], { layer: 'moe' });
    const [src, pos, off] = b.addNode('moeDispatch', { n }, [idx!], { layer: 'moe' });
    const y = b.add1('expertFfn', {}, [x, src!, off!, w1, b1, w2, b2], { layer: 'moe' });
    b.setOutput('out', b.add1('moeCombine', {}, [y, pos!, gates!]));
    const imp = b.add1('importance', { n }, [gates!, idx!]);
    const load = b.add1('loadEstimate', { k }, [clean!, sigma!, top!, idx!]);
    b.setOutput('idx', idx!);
    b.setOutput('imp', imp);
    b.setOutput('cvImp', b.add1('cvSquared', {}, [imp]));
    b.setOutput('cvLoad', b.add1('cvSquared', {}, [load]));
    b.setOutput('load', load);
    const g = b.finish();
    const params = initParams(g, 2);
    const xs = fromArray('f32', [N, D], Array.from({ length: N * D }, (_, i) => Math.cos(i * 0.7)));
    const ctx = { seed: 4, step: 9, training: true };
    const out = interpret(g, { ...params, x: xs }, ctx);
    const out64 = interpret(g, { ...params, x: xs }, { ...ctx, precision: 'f64' });

    const P = (name: string) => params[name]!.data;
    const X = xs.data;
    const wantOut = new Float64Array(N * D);
    const wantImp = new Float64Array(n);
    const wantLoad = new Float64Array(n);
    const wantIdx: number[] = [];
    for (let r = 0; r < N; r++) {
      const c = new Float64Array(n);
      const sg = new Float64Array(n);
      const h = new Float64Array(n);
      for (let e = 0; e < n; e++) {
        let a = 0;
        let q = 0;
        for (let d = 0; d < D; d++) {
          a += X[r * D + d]! * P('wg')[d * n + e]!;
          q += X[r * D + d]! * P('wn')[d * n + e]!;
        }
        c[e] = a;
        sg[e] = Math.log1p(Math.exp(q)) + 0.01;
        h[e] = a + normalDraw({ seed: 4, stream: 1, step: 9, row: r, col: e }) * sg[e]!;
      }
      const order = [...Array(n).keys()].sort((p, q) => h[q]! - h[p]! || p - q);
      const sel = order.slice(0, k);
      wantIdx.push(...sel);
      const m = Math.max(...sel.map((e) => h[e]!));
      const ex = sel.map((e) => Math.exp(h[e]! - m));
      const z = ex.reduce((p, q) => p + q, 0);
      sel.forEach((e, j) => {
        const gate = ex[j]! / z;
        wantImp[e]! += gate;
        const hid = new Float64Array(H);
        for (let u = 0; u < H; u++) {
          let a = P('b1')[e * H + u]!;
          for (let d = 0; d < D; d++) a += X[r * D + d]! * P('w1')[(e * D + d) * H + u]!;
          hid[u] = Math.max(0, a);
        }
        for (let o = 0; o < D; o++) {
          let a = P('b2')[e * D + o]!;
          for (let u = 0; u < H; u++) a += hid[u]! * P('w2')[(e * H + u) * D + o]!;
          wantOut[r * D + o]! += gate * a;
        }
      });
      for (let e = 0; e < n; e++) {
        // Eq. 8-9: the k-th largest noisy logit excluding e's own.
        const others = order.filter((q) => q !== e).map((q) => h[q]!);
        wantLoad[e]! += phi((c[e]! - others[k - 1]!) / sg[e]!);
      }
    }
    const cv = (v: Float64Array) => {
      const mean = v.reduce((p, q) => p + q, 0) / v.length;
      const vr = v.reduce((p, q) => p + (q - mean) ** 2, 0) / v.length;
      return vr / (mean * mean + 1e-10);
    };
    expect(Array.from(out.idx!.data)).toEqual(wantIdx);
    expect(new Set(wantIdx).size, 'experts used').toBeGreaterThanOrEqual(4);
    for (const [name, want, tol] of [['out', wantOut, 1e-5], ['imp', wantImp, 1e-5], ['load', wantLoad, 1e-5]] as const) {
      Array.from(want).forEach((v, i) => expect(Math.abs(out[name]!.data[i]! - v), `${name}[${i}] (f32)`).toBeLessThan(tol * Math.max(1, Math.abs(v))));
      // f64 storage: only the Φ approximation (< 1.2e-7 relative) separates the two.
      Array.from(want).forEach((v, i) => expect(Math.abs(out64[name]!.data[i]! - v), `${name}[${i}] (f64)`).toBeLessThan(1e-6 * Math.max(1, Math.abs(v))));
    }
    expect(out64.cvImp!.data[0]).toBeCloseTo(cv(wantImp), 6);
    expect(out64.cvLoad!.data[0]).toBeCloseTo(cv(wantLoad), 6);
    // the load is a smooth estimate: fractional
    expect([...out.load!.data].some((v) => !Number.isInteger(v))).toBe(true);
  });
});
