/**
 * The CPU reference interpreter: the definition of what every op computes. `interpret` walks a
 * graph's nodes in order, evaluating each with `evalNode`, whose rule table (one entry per op,
 * a mapped type so a new op fails to compile until handled) delegates to the pure functions of
 * ir/reference/. At precision 'f32' (default) every float intermediate is a Float32Array, like the
 * GPU; at 'f64' every float tensor is a Float64Array (for finite-difference gradient checks).
 * Randomness comes only from ir/rng.ts keyed by (ctx.seed, stream, ctx.step, row, col).
 * `initParams` gives each parameter its deterministic initial value from its ParamInit.
 */
import { describeNode, valueOf, type Graph, type Node } from './graph.ts';
import { inferOutputTypes } from './infer.ts';
import type { OpName, OpParams } from './ops.ts';
import type { FusedExpr } from './fused-expr.ts';
import { fnv1a, normalDraw, uniformDraw } from './rng.ts';
import { floatArray, storageMismatch, zeros, type FloatArray, type Precision, type Tensor } from './tensor.ts';
import { formatType, numel, typeEq, type TensorType } from './types.ts';
import * as dense from './reference/dense.ts';
import * as shape from './reference/shape.ts';
import * as seq from './reference/sequence.ts';
import * as gating from './reference/gating.ts';
import * as moe from './reference/dispatch.ts';
import * as gdense from './reference/grad-dense.ts';
import * as gseq from './reference/grad-sequence.ts';
import * as experts from './reference/experts.ts';
import { expertFfnGrad } from './reference/expert-ffn-grad.ts';
import * as gmoe from './reference/grad-moe.ts';
import { gatingLogitsGrad } from './reference/gating-logits-grad.ts';
import * as opt from './reference/optimizers.ts';
import * as balanced from './reference/balanced.ts';
import * as hier from './reference/hierarchical.ts';
import * as lce from './reference/linear-cross-entropy.ts';
import { MULTI_DEVICE_RULES } from './interpret-multi-device.ts';

/** Per-run context: RNG seed and step, train/eval mode, float storage precision (default 'f32'). */
export interface RunContext {
  seed: number;
  step: number;
  training: boolean;
  precision?: Precision;
}

type Rule<O extends OpName> = (node: Node<O>, inputs: readonly Tensor[], ctx: Required<RunContext>, outTypes: readonly TensorType[]) => Tensor[];

const fl = (t: Tensor): FloatArray => t.data as FloatArray;
const ints = (t: Tensor): Int32Array => t.data as Int32Array;
const lastDim = (t: TensorType): number => t.shape[t.shape.length - 1] ?? 1;
const leadRows = (t: TensorType): number => (t.shape.length === 0 ? 1 : numel(t.shape.slice(0, -1)));
const one = (type: TensorType, data: Tensor['data']): Tensor[] => [{ type, data }];
const scalarOut = (type: TensorType, v: number, p: Precision): Tensor[] => {
  const d = floatArray(1, p);
  d[0] = v;
  return [{ type, data: d }];
};

const RULES: { [O in OpName]: Rule<O> } = {
  matmul: (_n, [a, b], c, [t]) => one(t!, dense.matmul(fl(a!), fl(b!), a!.type.shape[0]!, a!.type.shape[1]!, b!.type.shape[1]!, c.precision)),
  add: (_n, [a, b], c, [t]) => one(t!, dense.add(fl(a!), fl(b!), c.precision)),
  mul: (_n, [a, b], c, [t]) => one(t!, dense.mul(fl(a!), fl(b!), c.precision)),
  addN: (_n, ins, c, [t]) => one(t!, dense.addN(ins.map(fl), c.precision)),
  biasAdd: (_n, [x, b], c, [t]) => one(t!, dense.biasAdd(fl(x!), fl(b!), lastDim(x!.type), c.precision)),
  scale: (n, [x], c, [t]) => one(t!, dense.scale(fl(x!), n.params.value, c.precision)),
  relu: (_n, [x], c, [t]) => one(t!, dense.relu(fl(x!), c.precision)),
  sigmoid: (_n, [x], c, [t]) => one(t!, dense.sigmoid(fl(x!), c.precision)),
  tanh: (_n, [x], c, [t]) => one(t!, dense.tanh(fl(x!), c.precision)),
  softplus: (_n, [x], c, [t]) => one(t!, dense.softplus(fl(x!), c.precision)),
  softmax: (_n, [x], c, [t]) => one(t!, dense.softmaxRows(fl(x!), leadRows(x!.type), lastDim(x!.type), c.precision)),
  sum: (_n, [x], c, [t]) => scalarOut(t!, dense.sum(fl(x!)), c.precision),

  reshape: (_n, [x], _c, [t]) => one(t!, shape.reshape(x!.data)),
  select0: (n, [x], _c, [t]) => one(t!, shape.select0(x!.data, x!.type.shape[0]!, numel(x!.type.shape.slice(1)), n.params.index)),
  stack0: (_n, ins, _c, [t]) => one(t!, shape.stack0(ins.map((i) => i.data))),
  sliceLast: (n, [x], _c, [t]) => one(t!, shape.sliceLast(x!.data, lastDim(x!.type), n.params.start, n.params.end)),

  embedding: (_n, [table, ids], c, [t]) =>
    one(t!, seq.embedding(fl(table!), table!.type.shape[0]!, table!.type.shape[1]!, ints(ids!), c.precision)),
  lstm: (_n, [x, wx, wh, b, h0, c0], c, [th, thT, tcT]) => {
    const [T, B, D] = x!.type.shape as [number, number, number];
    const H = wh!.type.shape[0]!;
    const r = seq.lstm({ x: fl(x!), wx: fl(wx!), wh: fl(wh!), b: fl(b!), h0: fl(h0!), c0: fl(c0!), T, B, D, H }, c.precision);
    return [
      { type: th!, data: r.h },
      { type: thT!, data: r.hT },
      { type: tcT!, data: r.cT },
    ];
  },
  dropout: (n, [x], c, [t]) =>
    one(
      t!,
      seq.dropout(
        { x: fl(x!), rows: leadRows(x!.type), cols: lastDim(x!.type), rate: n.params.rate, training: c.training, seed: c.seed, step: c.step, stream: n.params.stream },
        c.precision,
      ),
    ),
  softmaxCrossEntropy: (_n, [logits, labels], c, [t]) =>
    scalarOut(t!, seq.softmaxCrossEntropy(fl(logits!), ints(labels!), logits!.type.shape[0]!, logits!.type.shape[1]!), c.precision),
  linearCrossEntropy: (_n, [h, w, b, labels], c, [t]) =>
    scalarOut(t!, lce.linearCrossEntropy(fl(h!), fl(w!), fl(b!), ints(labels!), h!.type.shape[0]!, h!.type.shape[1]!, w!.type.shape[1]!), c.precision),
  linearCrossEntropyGrad: (_n, [h, w, b, labels, dloss], c, outTypes) => {
    const r = lce.linearCrossEntropyGrad(fl(h!), fl(w!), fl(b!), ints(labels!), fl(dloss!)[0]!, h!.type.shape[0]!, h!.type.shape[1]!, w!.type.shape[1]!, c.precision);
    return [r.dh, r.dw, r.db].map((data, i) => ({ type: outTypes[i]!, data }));
  },

  // Each op of the tree is evaluated by its own rule on whole tensors, so the fused node gives
  // the numbers of the unfused chain exactly.
  fusedElementwise: (n, ins, c, [t]) => {
    const evalExpr = (e: FusedExpr): Tensor => {
      if (e.op === 'input') return ins[e.index]!;
      const node = { ...n, op: e.op, params: e.op === 'scale' ? { value: e.value } : {} } as unknown as Node;
      return (RULES[e.op] as Rule<OpName>)(node, e.args.map(evalExpr), c, [t!])[0]!;
    };
    return [evalExpr(n.params.expr)];
  },
  matmulBias: (n, [a, w, bias], c, [t]) => {
    const mmType: TensorType = { dtype: 'f32', shape: [a!.type.shape[0]!, w!.type.shape[1]!] };
    const [mm] = RULES.matmul(n as unknown as Node<'matmul'>, [a!, w!], c, [mmType]);
    return RULES.biasAdd(n as unknown as Node<'biasAdd'>, [mm!, bias!], c, [t!]);
  },

  noiseStd: (n, [x], c, [t]) => one(t!, gating.noiseStd(fl(x!), n.params.eps, c.training, c.precision)),
  randomNormal: (n, _ins, c, [t]) =>
    one(
      t!,
      gating.randomNormal(n.params.shape[0]!, n.params.shape[1]!, { seed: c.seed, step: c.step, stream: n.params.stream, rowOffset: n.params.rowOffset }, c.precision),
    ),
  topk: (n, [x], c, [tv, ti]) => {
    const r = gating.topkRows(fl(x!), x!.type.shape[0]!, x!.type.shape[1]!, n.params.k, c.precision);
    return [
      { type: tv!, data: r.values },
      { type: ti!, data: r.indices },
    ];
  },
  gating: (n, ins, c, outTypes) => {
    const p = n.params;
    const [x, wg] = ins as [Tensor, Tensor];
    let next = 2;
    const wn = p.noisy ? fl(ins[next++]!) : undefined;
    const noise = p.explicitNoise ? fl(ins[next++]!) : undefined;
    const [N, D] = x.type.shape as [number, number];
    const args: gating.GatingArgs = {
      x: fl(x), wg: fl(wg), N, D, n: wg.type.shape[1]!, k: p.k, eps: p.eps, noisy: p.noisy,
      training: c.training, seed: c.seed, step: c.step, stream: p.stream, rowOffset: p.rowOffset,
    };
    if (wn) args.wn = wn;
    if (noise) args.noise = noise;
    const r = gating.gatingForward(args, c.precision);
    return [r.indices, r.gates, r.clean, r.sigma, r.topValues].map((data, i) => ({ type: outTypes[i]!, data }));
  },
  loadEstimate: (n, [clean, sigma, top, idx], c, [t]) => {
    const [N, nExp] = clean!.type.shape as [number, number];
    return one(t!, gating.loadEstimate({ clean: fl(clean!), sigma: fl(sigma!), topValues: fl(top!), indices: ints(idx!), N, n: nExp, k: n.params.k }, c.precision));
  },
  importance: (n, [g, idx], c, [t]) => {
    const [N, k] = g!.type.shape as [number, number];
    return one(t!, gating.importance(fl(g!), ints(idx!), N, k, n.params.n, c.precision));
  },
  cvSquared: (_n, [v], c, [t]) => scalarOut(t!, gating.cvSquared(fl(v!)), c.precision),
  moeDispatch: (n, [idx], _c, [ts, tp, to]) => {
    const [N, k] = idx!.type.shape as [number, number];
    const r = moe.dispatch(ints(idx!), N, k, n.params.n);
    return [
      { type: ts!, data: r.sourceRow },
      { type: tp!, data: r.position },
      { type: to!, data: r.offsets },
    ];
  },
  expertFfn: (_n, [x, src, off, w1, b1, w2, b2], c, [t]) => {
    const [nExp, D, H] = w1!.type.shape as [number, number, number];
    return one(
      t!,
      moe.expertFfn(
        { x: fl(x!), sourceRow: ints(src!), offsets: ints(off!), w1: fl(w1!), b1: fl(b1!), w2: fl(w2!), b2: fl(b2!), N: x!.type.shape[0]!, D, H, Dout: w2!.type.shape[2]!, n: nExp },
        c.precision,
      ),
    );
  },
  moeCombine: (_n, [y, pos, g], c, [t]) => {
    const [S, Dout] = y!.type.shape as [number, number];
    const [N, k] = g!.type.shape as [number, number];
    return one(t!, moe.combine(fl(y!), S, Dout, ints(pos!), fl(g!), N, k, c.precision));
  },
  balancedGating: (n, [x, wg, thr], c, outTypes) => {
    const [N, D] = x!.type.shape as [number, number];
    const r = balanced.balancedGating({ x: fl(x!), wg: fl(wg!), thresholds: fl(thr!), N, D, n: n.params.n, m: n.params.m, training: c.training }, c.precision);
    return [r.indices, r.gates, r.logits, r.load].map((data, i) => ({ type: outTypes[i]!, data }));
  },
  balancedThresholdLoss: (_n, [logits, thr, idx], c, [t]) => {
    const [N, nExp] = logits!.type.shape as [number, number];
    return scalarOut(t!, balanced.thresholdLoss(fl(logits!), fl(thr!), ints(idx!), N, nExp, idx!.type.shape[1]!), c.precision);
  },

  expertHidden: (_n, [x, src, off, w1, b1], c, [t]) => {
    const [nExp, D, H] = w1!.type.shape as [number, number, number];
    return one(t!, experts.expertHidden({ x: fl(x!), sourceRow: ints(src!), offsets: ints(off!), w1: fl(w1!), b1: fl(b1!), N: x!.type.shape[0]!, D, H, n: nExp }, c.precision));
  },
  expertOutput: (_n, [h, off, w2, b2], c, [t]) => {
    const [nExp, H, Dout] = w2!.type.shape as [number, number, number];
    return one(t!, experts.expertOutput({ hidden: fl(h!), offsets: ints(off!), w2: fl(w2!), b2: fl(b2!), S: h!.type.shape[0]!, H, Dout, n: nExp }, c.precision));
  },

  zeros: (_n, _ins, c, [t]) => one(t!, gdense.zerosOf(numel(t!.shape), c.precision)),
  fill: (n, _ins, c, [t]) => one(t!, floatArray(numel(t!.shape), c.precision).fill(n.params.value)),
  broadcast: (_n, [s], c, [t]) => one(t!, floatArray(numel(t!.shape), c.precision).fill(Number(s!.data[0]))),
  transpose: (_n, [x], c, [t]) => one(t!, gdense.transpose(fl(x!), x!.type.shape[0]!, x!.type.shape[1]!, c.precision)),
  sumRows: (_n, [x], c, [t]) => one(t!, gdense.sumRows(fl(x!), leadRows(x!.type), lastDim(x!.type), c.precision)),
  reluGrad: (_n, [y, dy], c, [t]) => one(t!, gdense.reluGrad(fl(y!), fl(dy!), c.precision)),
  sigmoidGrad: (_n, [y, dy], c, [t]) => one(t!, gdense.sigmoidGrad(fl(y!), fl(dy!), c.precision)),
  tanhGrad: (_n, [y, dy], c, [t]) => one(t!, gdense.tanhGrad(fl(y!), fl(dy!), c.precision)),
  softmaxGrad: (_n, [y, dy], c, [t]) => one(t!, gdense.softmaxGrad(fl(y!), fl(dy!), leadRows(y!.type), lastDim(y!.type), c.precision)),
  scatter0: (n, [dy], _c, [t]) => one(t!, gdense.scatter0(dy!.data, n.params.size, n.params.index)),
  padLast: (n, [dy], _c, [t]) => one(t!, gdense.padLast(dy!.data, n.params.start, n.params.end, n.params.n)),
  embeddingGrad: (n, [ids, dy], c, [t]) => one(t!, gseq.embeddingGrad(ints(ids!), fl(dy!), n.params.vocab, lastDim(dy!.type), c.precision)),
  lstmGrad: (_n, [x, wx, wh, b, h0, c0, dh, dhT, dcT], c, outTypes) => {
    const [T, B, D] = x!.type.shape as [number, number, number];
    const H = wh!.type.shape[0]!;
    const r = gseq.lstmGrad(
      { x: fl(x!), wx: fl(wx!), wh: fl(wh!), b: fl(b!), h0: fl(h0!), c0: fl(c0!), dh: fl(dh!), dhT: fl(dhT!), dcT: fl(dcT!), T, B, D, H },
      c.precision,
    );
    return [r.dx, r.dwx, r.dwh, r.db, r.dh0, r.dc0].map((data, i) => ({ type: outTypes[i]!, data }));
  },
  softmaxCrossEntropyGrad: (_n, [logits, labels, dloss], c, [t]) =>
    one(t!, gseq.softmaxCrossEntropyGrad(fl(logits!), ints(labels!), fl(dloss!)[0]!, logits!.type.shape[0]!, logits!.type.shape[1]!, c.precision)),
  noiseStdGrad: (_n, [raw, dy], c, [t]) => one(t!, gmoe.noiseStdGrad(fl(raw!), fl(dy!), c.training, c.precision)),
  scatterTopk: (n, [dv, idx], c, [t]) => {
    const [N, k] = dv!.type.shape as [number, number];
    return one(t!, gmoe.scatterTopk(fl(dv!), ints(idx!), N, k, n.params.n, c.precision));
  },
  gatingLogitsGrad: (n, [dv, idx, dclean, dsigma, raw], c, [t0, t1]) => {
    const [N, k] = dv!.type.shape as [number, number];
    const site = { seed: c.seed, step: c.step, stream: n.params.stream, rowOffset: n.params.rowOffset, training: c.training };
    const r = gatingLogitsGrad(fl(dv!), ints(idx!), fl(dclean!), fl(dsigma!), fl(raw!), N, k, n.params.n, site, c.precision);
    return [{ type: t0!, data: r.dclean }, { type: t1!, data: r.draw }];
  },
  cvSquaredGrad: (_n, [v, dcv], c, [t]) => one(t!, gmoe.cvSquaredGrad(fl(v!), fl(dcv!)[0]!, c.precision)),
  importanceGrad: (_n, [dimp, idx], c, [t]) => {
    const [N, k] = idx!.type.shape as [number, number];
    return one(t!, gmoe.importanceGrad(fl(dimp!), ints(idx!), N, k, c.precision));
  },
  loadEstimateGrad: (n, [clean, sigma, top, idx, dload], c, [tc, ts]) => {
    const [N, nExp] = clean!.type.shape as [number, number];
    const r = gmoe.loadEstimateGrad({ clean: fl(clean!), sigma: fl(sigma!), topValues: fl(top!), indices: ints(idx!), dload: fl(dload!), N, n: nExp, k: n.params.k }, c.precision);
    return [
      { type: tc!, data: r.dclean },
      { type: ts!, data: r.dsigma },
    ];
  },
  moeCombineGrad: (_n, [dout, y, pos, g], c, [ty, tg]) => {
    const [S, Dout] = y!.type.shape as [number, number];
    const [N, k] = g!.type.shape as [number, number];
    const r = gmoe.moeCombineGrad(fl(dout!), fl(y!), S, Dout, ints(pos!), fl(g!), N, k, c.precision);
    return [
      { type: ty!, data: r.dy },
      { type: tg!, data: r.dgates },
    ];
  },
  balancedGatingGrad: (n, [g, idx, dg], c, [t]) => {
    const [N, kmax] = g!.type.shape as [number, number];
    return one(t!, balanced.balancedGatingGrad(fl(g!), ints(idx!), fl(dg!), N, kmax, n.params.n, c.precision));
  },
  balancedThresholdLossGrad: (_n, [logits, thr, idx, dloss], c, [t]) => {
    const [N, nExp] = logits!.type.shape as [number, number];
    return one(t!, balanced.thresholdLossGrad(fl(logits!), fl(thr!), ints(idx!), fl(dloss!)[0]!, N, nExp, idx!.type.shape[1]!, c.precision));
  },
  expertHiddenGrad: (_n, [x, src, off, pos, w1, h, dh], c, [tx, tw, tb]) => {
    const [nExp, D, H] = w1!.type.shape as [number, number, number];
    const r = experts.expertHiddenGrad(
      { x: fl(x!), sourceRow: ints(src!), offsets: ints(off!), position: ints(pos!), w1: fl(w1!), hidden: fl(h!), dhidden: fl(dh!), N: x!.type.shape[0]!, D, H, n: nExp, k: pos!.type.shape[1]! },
      c.precision,
    );
    return [
      { type: tx!, data: r.dx },
      { type: tw!, data: r.dw1 },
      { type: tb!, data: r.db1 },
    ];
  },
  expertOutputGrad: (_n, [h, off, w2, dy], c, [th, tw, tb]) => {
    const [nExp, H, Dout] = w2!.type.shape as [number, number, number];
    const r = experts.expertOutputGrad({ hidden: fl(h!), offsets: ints(off!), w2: fl(w2!), dy: fl(dy!), S: h!.type.shape[0]!, H, Dout, n: nExp }, c.precision);
    return [
      { type: th!, data: r.dhidden },
      { type: tw!, data: r.dw2 },
      { type: tb!, data: r.db2 },
    ];
  },

  expertFfnGrad: (_n, [x, src, off, pos, w1, b1, w2, dy], c, outTypes) => {
    const [nExp, D, H] = w1!.type.shape as [number, number, number];
    const a = { x: fl(x!), sourceRow: ints(src!), offsets: ints(off!), position: ints(pos!), w1: fl(w1!), b1: fl(b1!), w2: fl(w2!), dy: fl(dy!) };
    const r = expertFfnGrad({ ...a, N: x!.type.shape[0]!, D, H, Dout: w2!.type.shape[2]!, n: nExp, k: pos!.type.shape[1]! }, c.precision);
    return [r.dx, r.dw1, r.db1, r.dw2, r.db2].map((data, i) => ({ type: outTypes[i]!, data }));
  },
  sgdUpdate: (n, [p, g], c, [t]) => one(t!, opt.sgdUpdate(fl(p!), fl(g!), n.params.lr, c.precision)),
  adamUpdate: (n, [p, g, m, v], c, [tp, tm, tv]) => {
    const r = opt.adamUpdate(fl(p!), fl(g!), fl(m!), fl(v!), n.params, c.step, c.precision);
    return [
      { type: tp!, data: r.p },
      { type: tm!, data: r.m },
      { type: tv!, data: r.v },
    ];
  },
  factoredAdamUpdate: (n, [p, g, vr, vc], c, [tp, tr, tc]) => {
    const sh = p!.type.shape;
    const [rr, cc] = sh.slice(-2) as [number, number];
    const r = opt.factoredAdamUpdate(fl(p!), fl(g!), fl(vr!), fl(vc!), numel(sh.slice(0, -2)), rr, cc, n.params, c.step, c.precision);
    return [
      { type: tp!, data: r.p },
      { type: tr!, data: r.vr },
      { type: tc!, data: r.vc },
    ];
  },
  expertSgdUpdate: (n, [p, g, off], c, [t]) => one(t!, opt.expertSgdUpdate(fl(p!), fl(g!), ints(off!), p!.type.shape[0]!, n.params.lr, c.precision)),
  expertFactoredAdamUpdate: (n, [p, g, vr, vc, last, off], c, [tp, tr, tc, tl]) => {
    const sh = p!.type.shape;
    const [nExp, rr, cc] = (sh.length === 2 ? [sh[0], 1, sh[1]] : sh) as [number, number, number]; // [n, c] is [n, 1, c]
    const r = opt.expertFactoredAdamUpdate(fl(p!), fl(g!), fl(vr!), fl(vc!), ints(last!), ints(off!), nExp, rr, cc, n.params, c.step, c.precision);
    return [
      { type: tp!, data: r.p },
      { type: tr!, data: r.vr },
      { type: tc!, data: r.vc },
      { type: tl!, data: r.last },
    ];
  },
  secondaryGating: (n, ins, c, outTypes) => {
    const r = hier.secondaryGatingForward(hierGatingArgs(n.params, ins, c), c.precision);
    return [r.indices, r.gates, r.clean, r.sigma, r.topValues, r.localIndices].map((data, i) => ({ type: outTypes[i]!, data }));
  },
  hierLoadEstimate: (n, ins, c, [t]) => one(t!, hier.hierLoadEstimate(hierLoadArgs(n.params, ins), c.precision)),
  secondaryGatingGrad: (n, ins, c, outTypes) => {
    const at = 4 + (n.params.noisy ? 1 : 0);
    const [top, local, dg, dc, ds] = ins.slice(at) as [Tensor, Tensor, Tensor, Tensor, Tensor];
    const r = hier.secondaryGatingGrad(
      { ...hierGatingArgs(n.params, ins, c), topValues: fl(top), localIndices: ints(local), dgates: fl(dg), dclean: fl(dc), dsigma: fl(ds) },
      c.precision,
    );
    return [r.dx, r.dwg2, ...(r.dwn2 ? [r.dwn2] : []), r.dprimaryGates].map((data, i) => ({ type: outTypes[i]!, data }));
  },
  hierLoadEstimateGrad: (n, ins, c, [tl, tc, ts]) => {
    const r = hier.hierLoadEstimateGrad({ ...hierLoadArgs(n.params, ins), dout: fl(ins[6]!) }, c.precision);
    return [
      { type: tl!, data: r.dprimaryLoad },
      { type: tc!, data: r.dclean },
      { type: ts!, data: r.dsigma },
    ];
  },
  ...MULTI_DEVICE_RULES,
};

/** The reference arguments of secondaryGating(/Grad) from its params and leading inputs. */
function hierGatingArgs(p: OpParams['secondaryGating'], ins: readonly Tensor[], c: Required<RunContext>): hier.SecondaryGatingArgs {
  const [x, wg2] = ins as [Tensor, Tensor];
  let next = 2;
  const wn2 = p.noisy ? fl(ins[next++]!) : undefined;
  const args: hier.SecondaryGatingArgs = {
    x: fl(x), wg2: fl(wg2), primaryIndices: ints(ins[next]!), primaryGates: fl(ins[next + 1]!), N: x.type.shape[0]!, D: x.type.shape[1]!,
    a: p.a, b: p.b, k1: p.k1, k2: p.k2, noisy: p.noisy, eps: p.eps, training: c.training, seed: c.seed, step: c.step, stream: p.stream, rowOffset: p.rowOffset,
  };
  if (wn2) args.wn2 = wn2;
  return args;
}

/** The reference arguments of hierLoadEstimate(/Grad) from its params and first six inputs. */
function hierLoadArgs(p: OpParams['hierLoadEstimate'], ins: readonly Tensor[]): hier.HierLoadArgs {
  const [pl, pi, clean, sigma, top, local] = ins as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
  return {
    primaryLoad: fl(pl), primaryIndices: ints(pi), clean: fl(clean), sigma: fl(sigma), topValues: fl(top), localIndices: ints(local),
    N: pi.type.shape[0]!, a: p.a, b: p.b, k1: p.k1, k2: p.k2,
  };
}

function checkContext(ctx: RunContext): Required<RunContext> {
  const u32 = (v: number, what: string): void => {
    if (!(Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) throw new Error(`run context ${what} must be an integer in [0, 2³²), got ${v}`);
  };
  u32(ctx.seed, 'seed');
  u32(ctx.step, 'step');
  const precision = ctx.precision ?? 'f32';
  if (precision !== 'f32' && precision !== 'f64') throw new Error(`run context precision must be 'f32' or 'f64', got ${String(precision)}`);
  return { seed: ctx.seed, step: ctx.step, training: ctx.training, precision };
}

/** Converts float storage to the working precision (i32 tensors are returned as they are). */
function atPrecision(t: Tensor, p: Precision): Tensor {
  if (t.type.dtype === 'i32') return t;
  if (p === 'f32' ? t.data instanceof Float32Array : t.data instanceof Float64Array) return t;
  const d = floatArray(t.data.length, p);
  d.set(t.data);
  return { type: t.type, data: d };
}

/**
 * Evaluates one node on its input tensors. Checks the inputs against the op's shape rule and the
 * outputs against the inferred types; any error is rethrown prefixed with the node's description
 * (e.g. `node #12 embedding (layer emb): token id 70 at position 3 is out of range [0, 64) ...`).
 * Reusable by plan-based executors.
 */
export function evalNode(node: Node, inputs: readonly Tensor[], ctx: RunContext): Tensor[] {
  const where = describeNode(node);
  const c = checkContext(ctx);
  const outTypes = inferOutputTypes(node.op, node.params, inputs.map((t) => t.type), where);
  const ins = inputs.map((t, i) => {
    const bad = storageMismatch(t);
    if (bad) throw new Error(`${where}: input ${i}: ${bad}`);
    return atPrecision(t, c.precision);
  });
  let outs: Tensor[];
  try {
    outs = (RULES[node.op] as Rule<OpName>)(node, ins, c, outTypes);
  } catch (e) {
    throw new Error(`${where}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (outs.length !== outTypes.length) throw new Error(`${where}: interpreter produced ${outs.length} outputs, expected ${outTypes.length}`);
  outs.forEach((t, i) => {
    const bad = storageMismatch(t) ?? (typeEq(t.type, outTypes[i]!) ? undefined : `type ${formatType(t.type)} ≠ ${formatType(outTypes[i]!)}`);
    if (bad) throw new Error(`${where}: output ${i}: ${bad} (interpreter bug)`);
  });
  return outs;
}

/**
 * Checks that `feeds` covers exactly the graph's inputs (data and parameters) with the declared
 * types; throws naming the input, the expected and the actual type.
 */
function checkFeeds(graph: Graph, feeds: Readonly<Record<string, Tensor>>): void {
  const names = new Set(graph.inputs.map((i) => i.name));
  const missing = graph.inputs.filter((i) => !(i.name in feeds));
  if (missing.length > 0) {
    throw new Error(
      `missing feed${missing.length > 1 ? 's' : ''}: ${missing
        .map((i) => `'${i.name}' (${i.role}, ${formatType(valueOf(graph, i.value).type)})`)
        .join(', ')}; feed every graph input (parameters usually come from initParams)`,
    );
  }
  const extra = Object.keys(feeds).filter((k) => !names.has(k));
  if (extra.length > 0) {
    throw new Error(`unknown feed${extra.length > 1 ? 's' : ''} ${extra.map((k) => `'${k}'`).join(', ')}: the graph's inputs are ${[...names].map((k) => `'${k}'`).join(', ')}`);
  }
  for (const inp of graph.inputs) {
    const want = valueOf(graph, inp.value).type;
    const got = feeds[inp.name]!;
    if (!got || !got.type || !got.data) throw new Error(`feed '${inp.name}' is not a tensor ({ type, data }); expected ${formatType(want)}`);
    if (!typeEq(want, got.type)) throw new Error(`feed '${inp.name}' has type ${formatType(got.type)}, expected ${formatType(want)}`);
    const bad = storageMismatch(got);
    if (bad) throw new Error(`feed '${inp.name}': ${bad}`);
  }
}

/** Evaluates the graph and returns every value's tensor (inputs included), keyed by value id. */
export function interpretValues(graph: Graph, feeds: Readonly<Record<string, Tensor>>, ctx: RunContext): Map<number, Tensor> {
  const c = checkContext(ctx);
  checkFeeds(graph, feeds);
  const env = new Map<number, Tensor>();
  for (const inp of graph.inputs) env.set(inp.value, atPrecision(feeds[inp.name]!, c.precision));
  for (const node of graph.nodes) {
    const ins = node.inputs.map((v) => {
      const t = env.get(v);
      if (!t) throw new Error(`${describeNode(node)} reads %${v}, which has not been computed`);
      return t;
    });
    const outs = evalNode(node, ins, c);
    node.outputs.forEach((v, i) => env.set(v, outs[i]!));
  }
  return env;
}

/** Evaluates the graph on `feeds` (every input, by name) and returns the named outputs. */
export function interpret(graph: Graph, feeds: Readonly<Record<string, Tensor>>, ctx: RunContext): Record<string, Tensor> {
  const env = interpretValues(graph, feeds, ctx);
  const out: Record<string, Tensor> = {};
  for (const o of graph.outputs) out[o.name] = env.get(o.value)!;
  return out;
}


/**
 * Initial values of every parameter from its ParamInit, deterministic in (seed, name): element i
 * of parameter `p` uses the draw (seed, stream = fnv1a(p), step 0, row i, col 0). uniform(scale) →
 * (2u − 1)·scale; normal(std) → z·std; zeros; ones. Covers parameters and optimizer state; data
 * inputs are not included.
 */
export function initParams(graph: Graph, seed: number, precision: Precision = 'f32'): Record<string, Tensor> {
  checkContext({ seed, step: 0, training: false });
  const out: Record<string, Tensor> = {};
  for (const inp of graph.inputs) {
    if (inp.role === 'input') continue;
    const type = valueOf(graph, inp.value).type;
    const t = zeros(type, precision);
    const init = inp.init;
    if (!init) throw new Error(`parameter '${inp.name}' has no initialiser`);
    const stream = fnv1a(inp.name);
    const n = t.data.length;
    for (let i = 0; i < n; i++) {
      const key = { seed, stream, step: 0, row: i, col: 0 };
      switch (init.kind) {
        case 'zeros':
          break;
        case 'ones':
          t.data[i] = 1;
          break;
        case 'uniform':
          t.data[i] = (2 * uniformDraw(key) - 1) * init.scale;
          break;
        case 'normal':
          t.data[i] = normalDraw(key) * init.std;
          break;
      }
    }
    if (type.dtype === 'i32' && init.kind !== 'zeros' && init.kind !== 'ones') {
      throw new Error(`parameter '${inp.name}' is ${formatType(type)}; only zeros/ones initialisers make sense for i32`);
    }
    out[inp.name] = t;
  }
  return out;
}
