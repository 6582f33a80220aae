/** Tests of the DSL: build-time error messages, the traced structure, options and overrides. */
import { describe, expect, it } from 'vitest';
import model, { defaults } from '../../examples/lstm-moe-lm.ts';
import { TraceContext, type Tensor } from '../../frontend/builder.ts';
import { dense, dropout, embedding, lstm, moe, residual, softmaxCrossEntropy } from '../../frontend/layers.ts';
import { defineModel, parseSetArgs, resolveOptions, traceModel } from '../../frontend/model.ts';
import { verifyGraph } from '../../ir/verify.ts';

const seq = (T = 4, B = 2, D = 8): Tensor => new TraceContext().input('x', 'f32', [T, B, D]);

describe('layer errors name the layer, the shapes and the fix', () => {
  it('moe: k > n', () => {
    expect(() => moe(seq(), { experts: 4, k: 5, hidden: 8 })).toThrow(/^moe0: k = 5 is larger than the number of experts n = 4 \(input \[4, 2, 8\]\); use k ≤ 4/);
  });
  it('moe: k < 1', () => {
    expect(() => moe(seq(), { experts: 4, k: 0, hidden: 8, name: 'moeA' })).toThrow(/^moeA: k = 0 must be at least 1 .*\[4, 2, 8\].*1 ≤ k ≤ experts = 4/);
  });
  it('moe: non-integer sizes', () => {
    expect(() => moe(seq(), { experts: 4, k: 2, hidden: 2.5 })).toThrow(/^moe0: hidden must be an integer, got 2.5 \(input \[4, 2, 8\]\)/);
    expect(() => moe(seq(), { experts: 4.5, k: 2, hidden: 8 })).toThrow(/^moe0: experts must be an integer, got 4.5/);
    expect(() => lstm(seq(), { hidden: 3.5 })).toThrow(/^lstm0: hidden must be an integer, got 3.5 \(input \[4, 2, 8\]\)/);
  });
  it('moe: needs a sequence', () => {
    const x = new TraceContext().input('x', 'f32', [2, 8]);
    expect(() => moe(x, { experts: 4, k: 2, hidden: 8 })).toThrow(/^moe0: expects a sequence \[T,B,D\] \(rank 3\), got f32\[2, 8\]/);
  });
  it('embedding: vocab < 2', () => {
    const ids = new TraceContext().input('tokens', 'i32', [4, 2]);
    expect(() => embedding(ids, { vocab: 1, width: 8 })).toThrow(/^embedding0: vocab must be ≥ 2, got 1 \(ids \[4, 2\]\)/);
  });
  it('residual and cross-entropy: mismatched widths', () => {
    const x = seq();
    expect(() => residual(x, (h) => dense(h, { units: 6 }))).toThrow(/^residual: the branch maps f32\[4, 2, 8\] to f32\[4, 2, 6\].*equal widths/);
    const targets = x.ctx.input('targets', 'i32', [4, 3]);
    expect(() => softmaxCrossEntropy(x, targets)).toThrow(/^softmaxCrossEntropy: logits \[4, 2, 8\] and targets \[4, 3\] do not match/);
  });
  it('dropout: rate outside [0, 1)', () => {
    expect(() => dropout(seq(), { rate: 1 })).toThrow(/^dropout0: rate must be in \[0, 1\), got 1 \(input \[4, 2, 8\]\)/);
    expect(() => dropout(seq(), { rate: -0.1 })).toThrow(/rate must be in \[0, 1\)/);
  });
});

describe('tracing', () => {
  it('names params hierarchically, tags MoE nodes per timestep and records meta', () => {
    const g = traceModel(model, { T: 3, B: 2 });
    verifyGraph(g);
    const names = g.inputs.map((i) => i.name);
    for (const n of ['tokens', 'targets', 'lstm0.wx', 'lstm0.h0', 'lstm0.c0', 'moe0.wg', 'moe0.wn', 'moe0.w1', 'moe0.b2', 'lstm1.wh', 'logits.w']) {
      expect(names).toContain(n);
    }
    const init = (n: string) => g.inputs.find((i) => i.name === n)!.init;
    expect(init('moe0.wg')).toEqual({ kind: 'zeros' });
    expect(init('moe0.wn')).toEqual({ kind: 'zeros' });
    expect(init('moe0.w1')).toEqual({ kind: 'uniform', scale: 1 / 8 });
    expect(init('lstm0.b')).toEqual({ kind: 'zeros' });
    expect(g.outputs.map((o) => o.name)).toEqual(['loss', 'taskLoss', 'lstm0.hT', 'lstm0.cT', 'moe0.importance', 'moe0.load', 'moe0.cvImportance', 'moe0.cvLoad', 'lstm1.hT', 'lstm1.cT']);
    const moeNodes = g.nodes.filter((n) => n.layer === 'moe0');
    expect(new Set(moeNodes.map((n) => n.instance))).toEqual(new Set([0, 1, 2, undefined]));
    const rn = moeNodes.filter((n) => n.op === 'randomNormal').map((n) => n.params);
    expect(rn.map((p) => (p as { rowOffset: number }).rowOffset)).toEqual([0, 2, 4]);
    expect(g.nodes.filter((n) => n.op === 'topk').every((n) => (n.params as { k: number }).k === 5)).toBe(true);
    expect(g.meta.moeLayers).toEqual([{ name: 'moe0', experts: 16, k: 4, hidden: 64, width: 64, noisy: true, stream: 2, steps: 3 }]);
    expect(g.meta.options).toEqual({ ...defaults, T: 3, B: 2 });
  });

  it('noise-free MoE has no noise branch and feeds a zero sigma to the load estimator', () => {
    const g = traceModel(model, { T: 2, noisy: false });
    const ops = new Set(g.nodes.map((n) => n.op));
    expect(ops.has('randomNormal') || ops.has('noiseStd')).toBe(false);
    expect(g.inputs.some((i) => i.name === 'moe0.wn')).toBe(false);
    expect(g.nodes.filter((n) => n.op === 'scale' && (n.params as { value: number }).value === 0)).toHaveLength(2);
  });

  it('stacks LSTM layers with their own names and state inputs', () => {
    const x = seq();
    const y = lstm(x, { hidden: 5, layers: 2 });
    expect(y.type.shape).toEqual([4, 2, 5]);
    expect(x.ctx.lstmLayers.map((l) => l.name)).toEqual(['lstm0', 'lstm1']);
  });
});

describe('options', () => {
  it('unknown keys fail listing the valid ones', () => {
    expect(() => traceModel(model, { expert: 8 })).toThrow(/model 'lstm-moe-lm' has no option 'expert'; valid options: vocab \(default 1000\), width .*experts \(default 16\)/);
  });
  it('parses --set values and rejects wrong types', () => {
    expect(parseSetArgs(['experts=8', 'noisy=false', 'dropout=0'])).toEqual({ experts: 8, noisy: false, dropout: 0 });
    expect(resolveOptions(model, { k: '2' }).k).toBe(2);
    expect(() => resolveOptions(model, { k: 'two' })).toThrow(/option 'k' .* must be a number, got "two"/);
    expect(() => parseSetArgs(['k'])).toThrow(/key=value/);
  });
  it('a model whose build returns a non-scalar fails clearly', () => {
    const bad = defineModel({ name: 'bad', defaults: {}, build: (ctx: TraceContext) => ctx.input('x', 'f32', [2]) });
    expect(() => traceModel(bad)).toThrow(/must return a scalar f32 loss, got f32\[2\]/);
  });
});
