/**
 * Whole-model gradient checks: the example LSTM-MoE language model (examples/lstm-moe-lm.ts) at
 * toy size, traced and compiled by the pipeline (fused gating, batched experts), differentiated,
 * and compared against f64 central differences on a few random entries of every parameter — in
 * training (dropout 0.1 and gating noise fixed by the seed and step) and in evaluation. Because
 * loadEstimate's vjp holds the top-k thresholds constant (ops.ts), the load loss is switched off
 * (wLoad = 0) when parameters upstream of the gating are checked in training; with the load loss on,
 * the parameters downstream of the gating are checked. Also: the raw traced graph (unfused,
 * per-timestep gating), the noise-free variant, and the splitExpertFfn pass (same outputs, same
 * gradients, FD on the split graph).
 */
import { describe, expect, it } from 'vitest';
import model from '../../examples/lstm-moe-lm.ts';
import { compileGraph } from '../../compiler/pipeline.ts';
import { traceModel } from '../../frontend/model.ts';
import type { Graph } from '../../ir/graph.ts';
import { initParams, interpret } from '../../ir/interpret.ts';
import { allClose, fromArray, type Tensor } from '../../ir/tensor.ts';
import { numel } from '../../ir/types.ts';
import { differentiate } from '../../passes/autodiff.ts';
import { splitExpertFfn, splitExpertFfnPass } from '../../passes/split-expert-ffn.ts';
import { createPassContext } from '../../passes/pass.ts';
import { fdCheck, randoms, rng } from './helpers.ts';

const TINY = { vocab: 7, width: 4, experts: 4, k: 2, expertHidden: 3, T: 3, B: 2 };

/** f64 feeds: initialised params (zero-initialised ones made random so nothing ties), random data. */
function modelFeeds(g: Graph, seed: number, vocab: number): Record<string, Tensor> {
  const r = rng(seed);
  const params = initParams(g, seed, 'f64');
  const feeds: Record<string, Tensor> = {};
  for (const inp of g.inputs) {
    const t = g.values.get(inp.value)!.type;
    if (t.dtype === 'i32') feeds[inp.name] = fromArray('i32', t.shape, Array.from({ length: numel(t.shape) }, () => Math.floor(r() * vocab)));
    else if (inp.role === 'param' && inp.init?.kind !== 'zeros') feeds[inp.name] = params[inp.name]!;
    else feeds[inp.name] = fromArray('f32', t.shape, randoms(r, numel(t.shape), -0.8, 0.8), 'f64');
  }
  return feeds;
}

const compiled = (o: Record<string, unknown>): Graph => compileGraph(traceModel(model, { ...TINY, ...o }), { execution: false }).graph; // differentiated: stop before the fusion
const paramNames = (g: Graph): string[] => g.inputs.filter((i) => i.role === 'param').map((i) => i.name);
const TRAIN = { seed: 13, step: 5, training: true };

describe('whole-model gradients (examples/lstm-moe-lm.ts, f64 finite differences)', () => {
  it('compiled, training with dropout and gating noise (wLoad = 0): every parameter', () => {
    const g = compiled({ wLoad: 0 });
    expect(g.nodes.some((n) => n.op === 'gating')).toBe(true);
    const rep = fdCheck(g, modelFeeds(g, 1, TINY.vocab), { ctx: TRAIN, entries: 4, seed: 2 });
    expect(rep.checked).toBeGreaterThan(paramNames(g).length * 2);
  });

  it('compiled, training with the load loss on: parameters downstream of the gating', () => {
    const g = compiled({});
    const down = paramNames(g).filter((p) => /^(moe0\.(w1|b1|w2|b2)|lstm1\.|logits\.)/.test(p));
    expect(down).toHaveLength(9);
    const rep = fdCheck(g, modelFeeds(g, 3, TINY.vocab), { ctx: TRAIN, params: down, entries: 4, seed: 4 });
    expect(rep.checked).toBeGreaterThan(down.length * 2);
  });

  it('compiled, evaluation (no dropout, no noise, load is the hard count): every parameter', () => {
    const g = compiled({});
    const rep = fdCheck(g, modelFeeds(g, 5, TINY.vocab), { ctx: { seed: 1, step: 0, training: false }, entries: 4, seed: 6 });
    expect(rep.checked).toBeGreaterThan(paramNames(g).length * 2);
  });

  it('compiled, noise-free gating (noisy = false), training', () => {
    const g = compiled({ noisy: false, wLoad: 0 });
    const rep = fdCheck(g, modelFeeds(g, 7, TINY.vocab), { ctx: TRAIN, entries: 3, seed: 8 });
    expect(rep.checked).toBeGreaterThan(paramNames(g).length);
  });

  it('raw traced graph (unfused per-timestep gating: topk, noiseStd, randomNormal, select0/stack0), training', () => {
    const g = traceModel(model, { ...TINY, wLoad: 0 });
    expect(g.nodes.some((n) => n.op === 'topk')).toBe(true);
    const rep = fdCheck(g, modelFeeds(g, 9, TINY.vocab), { ctx: TRAIN, entries: 3, seed: 10 });
    expect(rep.checked).toBeGreaterThan(paramNames(g).length);
  });

  it('every backward node of the model is tagged phase backward', () => {
    const g = compiled({});
    const dg = differentiate(g);
    const fwd = new Set(g.nodes.map((n) => n.id));
    const back = dg.nodes.filter((n) => !fwd.has(n.id));
    expect(back.every((n) => n.phase === 'backward')).toBe(true);
    expect(dg.outputs.slice(0, g.outputs.length)).toEqual(g.outputs);
    expect(dg.outputs.slice(g.outputs.length).map((o) => o.name)).toEqual(paramNames(g).map((p) => `grad:${p}`));
  });
});

describe('splitExpertFfn', () => {
  it('replaces every expertFfn by expertOutput(expertHidden(...)) with the same outputs and tags', () => {
    const g = compiled({});
    const s = splitExpertFfnPass.run(g, createPassContext());
    expect(splitExpertFfnPass.name).toBe('splitExpertFfn');
    expect(s.nodes.some((n) => n.op === 'expertFfn')).toBe(false);
    const ffn = g.nodes.find((n) => n.op === 'expertFfn')!;
    for (const op of ['expertHidden', 'expertOutput']) {
      const n = s.nodes.find((m) => m.op === op)!;
      expect([n.layer, n.instance]).toEqual([ffn.layer, ffn.instance]);
    }
    const feeds = modelFeeds(g, 11, TINY.vocab);
    const a = interpret(g, feeds, TRAIN);
    const b = interpret(s, feeds, TRAIN);
    for (const name of Object.keys(a)) expect(allClose(b[name]!.data, a[name]!.data, { rtol: 0, atol: 0 }).ok, name).toBe(true);
    expect(splitExpertFfn(s)).toBe(s);
  });

  it('the split graph has the same gradients as the fused one and passes the FD check', () => {
    const g = compiled({ wLoad: 0 });
    const s = splitExpertFfn(g);
    const feeds = modelFeeds(g, 12, TINY.vocab);
    const ctx = { ...TRAIN, precision: 'f64' as const };
    const ga = interpret(differentiate(g), feeds, ctx);
    const gb = interpret(differentiate(s), feeds, ctx);
    for (const p of paramNames(g)) {
      const r = allClose(gb[`grad:${p}`]!.data, ga[`grad:${p}`]!.data, { rtol: 1e-12, atol: 1e-14 });
      expect(r.ok, `grad:${p}: ${r.message}`).toBe(true);
    }
    const ds = differentiate(s);
    expect(ds.nodes.some((n) => n.phase === 'backward' && n.op === 'expertHidden')).toBe(false); // hidden is read, not recomputed
    fdCheck(s, feeds, { ctx: TRAIN, params: ['moe0.w1', 'moe0.b1', 'moe0.w2', 'moe0.b2', 'lstm0.wx'], entries: 4 });
  });
});
