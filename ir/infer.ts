/**
 * Shape and dtype inference: one rule per op (a mapped-type table, so a new op does not compile
 * until it has a rule). A rule takes the op's params and input types and returns the output
 * types, or throws an error that names the node (and its DSL layer), the shapes it got and what
 * would fit. The graph builder calls it for every node; the verifier calls it again to check a
 * finished graph.
 */
import type { OpName, OpParams } from './ops.ts';
import { MULTI_DEVICE_SHAPE_RULES } from './infer-multi-device.ts';
import { OPTIMIZER_SHAPE_RULES } from './infer-optimizers.ts';
import { FUSED_SHAPE_RULES } from './infer-fused.ts';
import { arity, dtype, f32, i32, rank, sameAll } from './infer-checks.ts';
import { formatType, numel, shapeEq, tensorType, type TensorType } from './types.ts';

type Rule<O extends OpName> = (p: OpParams[O], ins: readonly TensorType[], fail: (msg: string) => never) => TensorType[];

const unaryF32 = (_p: unknown, ins: readonly TensorType[], fail: (m: string) => never): TensorType[] => {
  arity(ins, 1, 1, fail);
  dtype(ins[0]!, 'f32', 'input', fail);
  return [ins[0]!];
};

const RULES: { [O in OpName]: Rule<O> } = {
  matmul: (_p, ins, fail) => {
    arity(ins, 2, 2, fail);
    const [a, b] = ins as [TensorType, TensorType];
    rank(a, 2, 'left operand', fail);
    rank(b, 2, 'right operand', fail);
    dtype(a, 'f32', 'left operand', fail);
    dtype(b, 'f32', 'right operand', fail);
    if (a.shape[1] !== b.shape[0]) {
      fail(`inner dimensions differ: ${formatType(a)} · ${formatType(b)} (need a [M,K] · b [K,N])`);
    }
    return [f32([a.shape[0]!, b.shape[1]!])];
  },
  add: (_p, ins, fail) => {
    arity(ins, 2, 2, fail);
    return [sameAll(ins, fail)];
  },
  mul: (_p, ins, fail) => {
    arity(ins, 2, 2, fail);
    return [sameAll(ins, fail)];
  },
  addN: (_p, ins, fail) => {
    arity(ins, 1, Number.MAX_SAFE_INTEGER, fail);
    return [sameAll(ins, fail)];
  },
  matmulBias: (_p, ins, fail) => {
    arity(ins, 3, 3, fail);
    const [mm] = RULES.matmul({}, ins.slice(0, 2), fail);
    return RULES.biasAdd({}, [mm!, ins[2]!], fail);
  },
  biasAdd: (_p, ins, fail) => {
    arity(ins, 2, 2, fail);
    const [x, b] = ins as [TensorType, TensorType];
    rank(b, 1, 'bias', fail);
    const last = x.shape[x.shape.length - 1];
    if (x.shape.length === 0 || last !== b.shape[0]) {
      fail(`bias ${formatType(b)} does not match the last dimension of ${formatType(x)}`);
    }
    return [x];
  },
  scale: (p, ins, fail) => {
    if (!Number.isFinite(p.value)) fail(`scale value must be finite, got ${p.value}`);
    return unaryF32({}, ins, fail);
  },
  relu: unaryF32,
  sigmoid: unaryF32,
  tanh: unaryF32,
  softplus: unaryF32,
  softmax: (_p, ins, fail) => {
    const [x] = unaryF32({}, ins, fail);
    if (x!.shape.length === 0) fail('softmax needs at least one dimension');
    return [x!];
  },
  sum: (_p, ins, fail) => {
    unaryF32({}, ins, fail);
    return [f32([])];
  },
  reshape: (p, ins, fail) => {
    arity(ins, 1, 1, fail);
    const x = ins[0]!;
    if (p.shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`invalid target shape [${p.shape.join(', ')}]`);
    if (numel(p.shape) !== numel(x.shape)) {
      fail(`cannot reshape ${formatType(x)} to [${p.shape.join(', ')}]: element counts differ`);
    }
    return [tensorType(x.dtype, p.shape)];
  },
  select0: (p, ins, fail) => {
    arity(ins, 1, 1, fail);
    const x = ins[0]!;
    if (x.shape.length === 0) fail('select0 needs at least one dimension');
    if (!Number.isInteger(p.index) || p.index < 0 || p.index >= x.shape[0]!) {
      fail(`index ${p.index} is out of range for ${formatType(x)}`);
    }
    return [tensorType(x.dtype, x.shape.slice(1))];
  },
  stack0: (_p, ins, fail) => {
    arity(ins, 1, Number.MAX_SAFE_INTEGER, fail);
    const t = sameAll(ins, fail);
    return [tensorType(t.dtype, [ins.length, ...t.shape])];
  },
  sliceLast: (p, ins, fail) => {
    arity(ins, 1, 1, fail);
    const x = ins[0]!;
    const n = x.shape[x.shape.length - 1];
    if (n === undefined) fail('sliceLast needs at least one dimension');
    if (!Number.isInteger(p.start) || !Number.isInteger(p.end) || p.start < 0 || p.end > n! || p.start >= p.end) {
      fail(`slice [${p.start}:${p.end}] is out of range for last dimension ${n} of ${formatType(x)}`);
    }
    return [tensorType(x.dtype, [...x.shape.slice(0, -1), p.end - p.start])];
  },
  embedding: (_p, ins, fail) => {
    arity(ins, 2, 2, fail);
    const [table, ids] = ins as [TensorType, TensorType];
    rank(table, 2, 'embedding table', fail);
    dtype(table, 'f32', 'embedding table', fail);
    dtype(ids, 'i32', 'token ids', fail);
    return [f32([...ids.shape, table.shape[1]!])];
  },
  lstm: (_p, ins, fail) => {
    arity(ins, 6, 6, fail);
    const [x, wx, wh, b, h0, c0] = ins as [TensorType, TensorType, TensorType, TensorType, TensorType, TensorType];
    rank(x, 3, 'input sequence x [T,B,D]', fail);
    rank(wx, 2, 'input weights wx [D,4H]', fail);
    rank(wh, 2, 'recurrent weights wh [H,4H]', fail);
    rank(b, 1, 'bias [4H]', fail);
    const [T, B, D] = x.shape as [number, number, number];
    const H = wh.shape[0]!;
    const expect = (t: TensorType, shape: number[], what: string): void => {
      if (!shapeEq(t.shape, shape)) fail(`${what} must be [${shape.join(',')}] for x ${formatType(x)} and hidden ${H}, got ${formatType(t)}`);
    };
    expect(wx, [D, 4 * H], 'wx');
    expect(wh, [H, 4 * H], 'wh');
    expect(b, [4 * H], 'bias');
    expect(h0, [B, H], 'h0');
    expect(c0, [B, H], 'c0');
    return [f32([T, B, H]), f32([B, H]), f32([B, H])];
  },
  dropout: (p, ins, fail) => {
    if (!(p.rate >= 0 && p.rate < 1)) fail(`dropout rate must be in [0, 1), got ${p.rate}`);
    return unaryF32({}, ins, fail);
  },
  softmaxCrossEntropy: (_p, ins, fail) => {
    arity(ins, 2, 2, fail);
    const [logits, labels] = ins as [TensorType, TensorType];
    rank(logits, 2, 'logits [N,V]', fail);
    rank(labels, 1, 'labels [N]', fail);
    dtype(labels, 'i32', 'labels', fail);
    if (labels.shape[0] !== logits.shape[0]) fail(`labels ${formatType(labels)} do not match logits ${formatType(logits)} rows`);
    return [f32([])];
  },
  linearCrossEntropy: (_p, ins, fail) => {
    arity(ins, 4, 4, fail);
    const [h, w, b, labels] = ins as [TensorType, TensorType, TensorType, TensorType];
    rank(h, 2, 'h [N,D]', fail);
    rank(w, 2, 'w [D,V]', fail);
    rank(b, 1, 'b [V]', fail);
    for (const [t, what] of [[h, 'h'], [w, 'w'], [b, 'b']] as const) dtype(t, 'f32', what, fail);
    if (w.shape[0] !== h.shape[1]) fail(`w ${formatType(w)} does not match h ${formatType(h)}: w must be [${h.shape[1]}, V]`);
    if (b.shape[0] !== w.shape[1]) fail(`b ${formatType(b)} does not match w ${formatType(w)}: b must be [${w.shape[1]}]`);
    return RULES.softmaxCrossEntropy({}, [f32([h.shape[0]!, w.shape[1]!]), labels], fail);
  },
  linearCrossEntropyGrad: (_p, ins, fail) => {
    arity(ins, 5, 5, fail);
    RULES.linearCrossEntropy({}, ins.slice(0, 4), fail);
    if (ins[4]!.shape.length !== 0) fail(`dloss must be a scalar, got ${formatType(ins[4]!)}`);
    return [ins[0]!, ins[1]!, ins[2]!];
  },
  noiseStd: (p, ins, fail) => {
    if (!(p.eps >= 0)) fail(`eps must be ≥ 0, got ${p.eps}`);
    return unaryF32({}, ins, fail);
  },
  randomNormal: (p, ins, fail) => {
    arity(ins, 0, 0, fail);
    if (p.shape.length !== 2) fail(`randomNormal draws a [rows, cols] matrix, got shape [${p.shape.join(', ')}]`);
    if (!Number.isInteger(p.rowOffset) || p.rowOffset < 0) fail(`rowOffset must be a non-negative integer, got ${p.rowOffset}`);
    return [f32(p.shape)];
  },
  topk: (p, ins, fail) => {
    arity(ins, 1, 1, fail);
    const x = ins[0]!;
    rank(x, 2, 'input [N,n]', fail);
    const n = x.shape[1]!;
    if (!Number.isInteger(p.k) || p.k < 1 || p.k > n) fail(`k must be an integer in [1, ${n}], got ${p.k}`);
    return [f32([x.shape[0]!, p.k]), i32([x.shape[0]!, p.k])];
  },
  gating: (p, ins, fail) => {
    const want = 2 + (p.noisy ? 1 : 0) + (p.explicitNoise ? 1 : 0);
    arity(ins, want, want, fail);
    const [x, wg] = ins as [TensorType, TensorType];
    rank(x, 2, 'gating input x [N,D]', fail);
    rank(wg, 2, 'gate weights [D,n]', fail);
    const [N, D] = x.shape as [number, number];
    const n = wg.shape[1]!;
    if (wg.shape[0] !== D) fail(`gate weights ${formatType(wg)} do not match input width ${D} of ${formatType(x)}`);
    if (!Number.isInteger(p.k) || p.k < 1 || p.k > n) fail(`k must be an integer in [1, ${n}] for ${n} experts, got ${p.k}`);
    let next = 2;
    if (p.noisy) {
      const wn = ins[next++]!;
      if (!shapeEq(wn.shape, wg.shape)) fail(`noise weights ${formatType(wn)} must match gate weights ${formatType(wg)}`);
    }
    if (p.explicitNoise) {
      const z = ins[next++]!;
      if (!shapeEq(z.shape, [N, n])) fail(`explicit noise ${formatType(z)} must be [${N},${n}]`);
    }
    const kk = Math.min(p.k + 1, n);
    return [i32([N, p.k]), f32([N, p.k]), f32([N, n]), f32([N, n]), f32([N, kk])];
  },
  loadEstimate: (p, ins, fail) => {
    arity(ins, 4, 4, fail);
    const [clean, sigma, top, idx] = ins as [TensorType, TensorType, TensorType, TensorType];
    rank(clean, 2, 'clean logits [N,n]', fail);
    if (!shapeEq(sigma.shape, clean.shape)) fail(`sigma ${formatType(sigma)} must match clean ${formatType(clean)}`);
    const [N, n] = clean.shape as [number, number];
    if (!shapeEq(idx.shape, [N, p.k])) fail(`indices ${formatType(idx)} must be [${N},${p.k}]`);
    dtype(idx, 'i32', 'indices', fail);
    const kk = Math.min(p.k + 1, n);
    if (!shapeEq(top.shape, [N, kk])) fail(`topValues ${formatType(top)} must be [${N},${kk}]`);
    return [f32([n])];
  },
  importance: (p, ins, fail) => {
    arity(ins, 2, 2, fail);
    const [gates, idx] = ins as [TensorType, TensorType];
    rank(gates, 2, 'gates [N,k]', fail);
    dtype(idx, 'i32', 'indices', fail);
    if (!shapeEq(gates.shape, idx.shape)) fail(`gates ${formatType(gates)} and indices ${formatType(idx)} must have equal shapes`);
    if (!Number.isInteger(p.n) || p.n < 1) fail(`expert count must be a positive integer, got ${p.n}`);
    return [f32([p.n])];
  },
  cvSquared: (_p, ins, fail) => {
    arity(ins, 1, 1, fail);
    rank(ins[0]!, 1, 'input vector', fail);
    return [f32([])];
  },
  moeDispatch: (p, ins, fail) => {
    arity(ins, 1, 1, fail);
    const idx = ins[0]!;
    rank(idx, 2, 'indices [N,k]', fail);
    dtype(idx, 'i32', 'indices', fail);
    if (!Number.isInteger(p.n) || p.n < 1) fail(`expert count must be a positive integer, got ${p.n}`);
    const [N, k] = idx.shape as [number, number];
    return [i32([N * k]), i32([N, k]), i32([p.n + 1])];
  },
  expertFfn: (_p, ins, fail) => {
    arity(ins, 7, 7, fail);
    const [x, src, off, w1, b1, w2, b2] = ins as TensorType[] as [TensorType, TensorType, TensorType, TensorType, TensorType, TensorType, TensorType];
    rank(x, 2, 'expert input x [N,D]', fail);
    dtype(src, 'i32', 'sourceRow', fail);
    dtype(off, 'i32', 'offsets', fail);
    rank(w1, 3, 'w1 [n,D,H]', fail);
    const [n, D, H] = w1.shape as [number, number, number];
    const Dout = w2.shape[2]!;
    if (x.shape[1] !== D) fail(`expert input width ${x.shape[1]} does not match w1 ${formatType(w1)}`);
    if (!shapeEq(off.shape, [n + 1])) fail(`offsets ${formatType(off)} must be [${n + 1}] for ${n} experts`);
    if (!shapeEq(b1.shape, [n, H])) fail(`b1 ${formatType(b1)} must be [${n},${H}]`);
    if (w2.shape.length !== 3 || w2.shape[0] !== n || w2.shape[1] !== H) fail(`w2 ${formatType(w2)} must be [${n},${H},Dout]`);
    if (!shapeEq(b2.shape, [n, Dout])) fail(`b2 ${formatType(b2)} must be [${n},${Dout}]`);
    rank(src, 1, 'sourceRow', fail);
    return [f32([src.shape[0]!, Dout])];
  },
  moeCombine: (_p, ins, fail) => {
    arity(ins, 3, 3, fail);
    const [y, pos, gates] = ins as [TensorType, TensorType, TensorType];
    rank(y, 2, 'expert outputs [S,D]', fail);
    dtype(pos, 'i32', 'position', fail);
    if (!shapeEq(pos.shape, gates.shape)) fail(`position ${formatType(pos)} and gates ${formatType(gates)} must have equal shapes`);
    return [f32([gates.shape[0]!, y.shape[1]!])];
  },
  balancedGating: (p, ins, fail) => {
    arity(ins, 3, 3, fail);
    const [x, wg, thr] = ins as [TensorType, TensorType, TensorType];
    rank(x, 2, 'gating input x [N,D]', fail);
    rank(wg, 2, 'gate weights [D,n]', fail);
    dtype(x, 'f32', 'gating input', fail);
    const [N, D] = x.shape as [number, number];
    const n = wg.shape[1]!;
    if (wg.shape[0] !== D) fail(`gate weights ${formatType(wg)} do not match input width ${D} of ${formatType(x)}`);
    if (!shapeEq(thr.shape, [n]) || thr.dtype !== 'f32') fail(`thresholds ${formatType(thr)} must be f32[${n}] for ${n} experts`);
    if (p.n !== n) fail(`n = ${p.n} does not match the ${n} experts of the gate weights ${formatType(wg)}`);
    if (!Number.isInteger(p.k) || p.k < 1 || p.k > n) fail(`k must be an integer in [1, ${n}] for ${n} experts, got ${p.k}`);
    if (p.m * n !== p.k * N) fail(`m = ${p.m} must equal k·N/n = ${p.k}·${N}/${n} (k·N must be divisible by n)`);
    return [i32([N, n]), f32([N, n]), f32([N, n]), f32([n])];
  },
  balancedThresholdLoss: (_p, ins, fail) => {
    arity(ins, 3, 3, fail);
    balancedLossTypes(ins, fail);
    return [f32([])];
  },
  expertHidden: (_p, ins, fail) => {
    arity(ins, 5, 5, fail);
    const [x, src, off, w1, b1] = ins as [TensorType, TensorType, TensorType, TensorType, TensorType];
    rank(x, 2, 'expert input x [N,D]', fail);
    rank(src, 1, 'sourceRow', fail);
    dtype(src, 'i32', 'sourceRow', fail);
    rank(w1, 3, 'w1 [n,D,H]', fail);
    const [n, D, H] = w1.shape as [number, number, number];
    if (x.shape[1] !== D) fail(`expert input width ${x.shape[1]} does not match w1 ${formatType(w1)}`);
    if (!shapeEq(off.shape, [n + 1]) || off.dtype !== 'i32') fail(`offsets ${formatType(off)} must be i32[${n + 1}] for ${n} experts`);
    if (!shapeEq(b1.shape, [n, H])) fail(`b1 ${formatType(b1)} must be [${n},${H}]`);
    return [f32([src.shape[0]!, H])];
  },
  expertOutput: (_p, ins, fail) => {
    arity(ins, 4, 4, fail);
    const [h, off, w2, b2] = ins as [TensorType, TensorType, TensorType, TensorType];
    rank(h, 2, 'hidden [S,H]', fail);
    rank(w2, 3, 'w2 [n,H,Dout]', fail);
    const [n, H, Dout] = w2.shape as [number, number, number];
    if (h.shape[1] !== H) fail(`hidden width ${h.shape[1]} does not match w2 ${formatType(w2)}`);
    if (!shapeEq(off.shape, [n + 1]) || off.dtype !== 'i32') fail(`offsets ${formatType(off)} must be i32[${n + 1}] for ${n} experts`);
    if (!shapeEq(b2.shape, [n, Dout])) fail(`b2 ${formatType(b2)} must be [${n},${Dout}]`);
    return [f32([h.shape[0]!, Dout])];
  },
  fill: (p, ins, fail) => {
    arity(ins, 0, 0, fail);
    if (p.shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`invalid shape [${p.shape.join(', ')}]`);
    if (!Number.isFinite(p.value)) fail(`fill value must be finite, got ${p.value}`);
    return [f32(p.shape)];
  },
  broadcast: (p, ins, fail) => {
    arity(ins, 1, 1, fail);
    if (ins[0]!.shape.length !== 0 || ins[0]!.dtype !== 'f32') fail(`broadcast takes an f32 scalar, got ${formatType(ins[0]!)}`);
    if (p.shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`invalid shape [${p.shape.join(', ')}]`);
    return [f32(p.shape)];
  },
  zeros: (p, ins, fail) => {
    arity(ins, 0, 0, fail);
    if (p.shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`invalid shape [${p.shape.join(', ')}]`);
    return [f32(p.shape)];
  },
  transpose: (_p, ins, fail) => {
    arity(ins, 1, 1, fail);
    rank(ins[0]!, 2, 'input', fail);
    dtype(ins[0]!, 'f32', 'input', fail);
    return [f32([ins[0]!.shape[1]!, ins[0]!.shape[0]!])];
  },
  sumRows: (_p, ins, fail) => {
    arity(ins, 1, 1, fail);
    const x = ins[0]!;
    dtype(x, 'f32', 'input', fail);
    if (x.shape.length === 0) fail('sumRows needs at least one dimension');
    return [f32([x.shape[x.shape.length - 1]!])];
  },
  reluGrad: (_p, ins, fail) => {
    arity(ins, 2, 2, fail);
    return [sameAll(ins, fail)];
  },
  sigmoidGrad: (_p, ins, fail) => {
    arity(ins, 2, 2, fail);
    return [sameAll(ins, fail)];
  },
  tanhGrad: (_p, ins, fail) => {
    arity(ins, 2, 2, fail);
    return [sameAll(ins, fail)];
  },
  softmaxGrad: (_p, ins, fail) => {
    arity(ins, 2, 2, fail);
    const t = sameAll(ins, fail);
    if (t.shape.length === 0) fail('softmaxGrad needs at least one dimension');
    return [t];
  },
  scatter0: (p, ins, fail) => {
    arity(ins, 1, 1, fail);
    if (!Number.isInteger(p.size) || p.size < 1 || !Number.isInteger(p.index) || p.index < 0 || p.index >= p.size) {
      fail(`index ${p.index} must be in [0, ${p.size})`);
    }
    return [tensorType(ins[0]!.dtype, [p.size, ...ins[0]!.shape])];
  },
  padLast: (p, ins, fail) => {
    arity(ins, 1, 1, fail);
    const x = ins[0]!;
    const w = x.shape[x.shape.length - 1];
    if (w === undefined || w !== p.end - p.start || p.start < 0 || p.end > p.n) {
      fail(`cannot pad ${formatType(x)} into columns [${p.start}:${p.end}] of ${p.n}`);
    }
    return [tensorType(x.dtype, [...x.shape.slice(0, -1), p.n])];
  },
  embeddingGrad: (p, ins, fail) => {
    arity(ins, 2, 2, fail);
    const [ids, dy] = ins as [TensorType, TensorType];
    dtype(ids, 'i32', 'token ids', fail);
    if (!Number.isInteger(p.vocab) || p.vocab < 1) fail(`vocab must be a positive integer, got ${p.vocab}`);
    if (dy.shape.length !== ids.shape.length + 1 || !shapeEq(dy.shape.slice(0, -1), ids.shape)) {
      fail(`dy ${formatType(dy)} must be [...ids, D] for ids ${formatType(ids)}`);
    }
    return [f32([p.vocab, dy.shape[dy.shape.length - 1]!])];
  },
  lstmGrad: (_p, ins, fail) => {
    arity(ins, 9, 9, fail);
    const fwd = RULES.lstm({}, ins.slice(0, 6), fail);
    const [h, hT, cT] = fwd as [TensorType, TensorType, TensorType];
    const [dh, dhT, dcT] = ins.slice(6) as [TensorType, TensorType, TensorType];
    if (!shapeEq(dh.shape, h.shape)) fail(`dh ${formatType(dh)} must match h ${formatType(h)}`);
    if (!shapeEq(dhT.shape, hT.shape)) fail(`dhT ${formatType(dhT)} must match hT ${formatType(hT)}`);
    if (!shapeEq(dcT.shape, cT.shape)) fail(`dcT ${formatType(dcT)} must match cT ${formatType(cT)}`);
    return ins.slice(0, 6).map((t) => f32(t.shape));
  },
  softmaxCrossEntropyGrad: (_p, ins, fail) => {
    arity(ins, 3, 3, fail);
    RULES.softmaxCrossEntropy({}, ins.slice(0, 2), fail);
    if (ins[2]!.shape.length !== 0) fail(`dloss must be a scalar, got ${formatType(ins[2]!)}`);
    return [ins[0]!];
  },
  noiseStdGrad: (_p, ins, fail) => {
    arity(ins, 2, 2, fail);
    return [sameAll(ins, fail)];
  },
  scatterTopk: (p, ins, fail) => {
    arity(ins, 2, 2, fail);
    const [dv, idx] = ins as [TensorType, TensorType];
    rank(dv, 2, 'dvals [N,k]', fail);
    dtype(idx, 'i32', 'indices', fail);
    if (!shapeEq(dv.shape, idx.shape)) fail(`dvals ${formatType(dv)} and indices ${formatType(idx)} must have equal shapes`);
    if (!Number.isInteger(p.n) || p.n < dv.shape[1]!) fail(`n = ${p.n} must be an integer ≥ k = ${dv.shape[1]}`);
    return [f32([dv.shape[0]!, p.n])];
  },
  cvSquaredGrad: (_p, ins, fail) => {
    arity(ins, 2, 2, fail);
    rank(ins[0]!, 1, 'input vector', fail);
    if (ins[1]!.shape.length !== 0) fail(`dcv must be a scalar, got ${formatType(ins[1]!)}`);
    return [ins[0]!];
  },
  importanceGrad: (_p, ins, fail) => {
    arity(ins, 2, 2, fail);
    const [dimp, idx] = ins as [TensorType, TensorType];
    rank(dimp, 1, 'dimportance [n]', fail);
    rank(idx, 2, 'indices [N,k]', fail);
    dtype(idx, 'i32', 'indices', fail);
    return [f32(idx.shape)];
  },
  loadEstimateGrad: (p, ins, fail) => {
    arity(ins, 5, 5, fail);
    const [load] = RULES.loadEstimate(p, ins.slice(0, 4), fail) as [TensorType];
    if (!shapeEq(ins[4]!.shape, load.shape)) fail(`dload ${formatType(ins[4]!)} must match load ${formatType(load)}`);
    return [ins[0]!, ins[1]!];
  },
  moeCombineGrad: (_p, ins, fail) => {
    arity(ins, 4, 4, fail);
    const [dout, y, pos, gates] = ins as [TensorType, TensorType, TensorType, TensorType];
    const [out] = RULES.moeCombine({}, [y, pos, gates], fail) as [TensorType];
    if (!shapeEq(dout.shape, out.shape)) fail(`dout ${formatType(dout)} must match the combine output ${formatType(out)}`);
    return [y, gates];
  },
  balancedGatingGrad: (p, ins, fail) => {
    arity(ins, 3, 3, fail);
    const [gates, idx, dg] = ins as [TensorType, TensorType, TensorType];
    rank(gates, 2, 'gates [N,kmax]', fail);
    dtype(idx, 'i32', 'indices', fail);
    if (!shapeEq(idx.shape, gates.shape) || !shapeEq(dg.shape, gates.shape)) fail(`gates ${formatType(gates)}, indices ${formatType(idx)} and dgates ${formatType(dg)} must have equal shapes`);
    if (!Number.isInteger(p.n) || p.n < 1) fail(`expert count must be a positive integer, got ${p.n}`);
    return [f32([gates.shape[0]!, p.n])];
  },
  balancedThresholdLossGrad: (_p, ins, fail) => {
    arity(ins, 4, 4, fail);
    const thr = balancedLossTypes(ins.slice(0, 3), fail);
    if (ins[3]!.shape.length !== 0) fail(`dloss must be a scalar, got ${formatType(ins[3]!)}`);
    return [thr];
  },
  expertHiddenGrad: (_p, ins, fail) => {
    arity(ins, 7, 7, fail);
    const [x, src, off, pos, w1, hidden, dhidden] = ins as [TensorType, TensorType, TensorType, TensorType, TensorType, TensorType, TensorType];
    const n = w1.shape[0]!;
    const [h] = RULES.expertHidden({}, [x, src, off, w1, f32([n, w1.shape[2]!])], fail) as [TensorType];
    if (!shapeEq(hidden.shape, h.shape) || !shapeEq(dhidden.shape, h.shape)) fail(`hidden ${formatType(hidden)} and dhidden ${formatType(dhidden)} must be ${formatType(h)}`);
    dtype(pos, 'i32', 'position', fail);
    if (pos.shape.length !== 2 || pos.shape[0] !== x.shape[0] || pos.shape[0]! * pos.shape[1]! !== src.shape[0]) {
      fail(`position ${formatType(pos)} must be [${x.shape[0]}, k] with N·k = ${src.shape[0]} slots`);
    }
    return [x, w1, f32([n, w1.shape[2]!])];
  },
  expertOutputGrad: (_p, ins, fail) => {
    arity(ins, 4, 4, fail);
    const [hidden, off, w2, dy] = ins as [TensorType, TensorType, TensorType, TensorType];
    const [n, , Dout] = w2.shape as [number, number, number];
    const [y] = RULES.expertOutput({}, [hidden, off, w2, f32([n, Dout])], fail) as [TensorType];
    if (!shapeEq(dy.shape, y.shape)) fail(`dy ${formatType(dy)} must match the expert output ${formatType(y)}`);
    return [hidden, w2, f32([n, Dout])];
  },
  expertFfnGrad: (_p, ins, fail) => {
    arity(ins, 8, 8, fail);
    const [x, src, off, pos, w1, b1, w2, dy] = ins as TensorType[] as [TensorType, TensorType, TensorType, TensorType, TensorType, TensorType, TensorType, TensorType];
    const n = w1.shape[0]!;
    const [y] = RULES.expertFfn({}, [x, src, off, w1, b1, w2, f32([n, w2.shape[2] ?? 0])], fail) as [TensorType];
    if (!shapeEq(dy.shape, y.shape)) fail(`dy ${formatType(dy)} must match the expert output ${formatType(y)}`);
    dtype(pos, 'i32', 'position', fail);
    if (pos.shape.length !== 2 || pos.shape[0] !== x.shape[0] || pos.shape[0]! * pos.shape[1]! !== src.shape[0]) {
      fail(`position ${formatType(pos)} must be [${x.shape[0]}, k] with N·k = ${src.shape[0]} slots`);
    }
    return [x, w1, b1, w2, f32([n, w2.shape[2]!])];
  },
  ...OPTIMIZER_SHAPE_RULES,
  ...FUSED_SHAPE_RULES,
  secondaryGating: (p, ins, fail) => hierGatingTypes(p, ins, 0, fail),
  hierLoadEstimate: (p, ins, fail) => {
    arity(ins, 6, 6, fail);
    return [hierLoadTypes(p, ins, fail)];
  },
  secondaryGatingGrad: (p, ins, fail) => {
    const outs = hierGatingTypes(p, ins, 5, fail);
    const [dg, dc, ds] = ins.slice(-3) as [TensorType, TensorType, TensorType];
    const [x, wg2] = ins as [TensorType, TensorType];
    const base = 2 + (p.noisy ? 1 : 0);
    if (!shapeEq(ins[base + 2]!.shape, outs[4]!.shape)) fail(`topValues2 ${formatType(ins[base + 2]!)} must be ${formatType(outs[4]!)}`);
    if (!shapeEq(ins[base + 3]!.shape, outs[5]!.shape) || ins[base + 3]!.dtype !== 'i32') fail(`localIndices ${formatType(ins[base + 3]!)} must be ${formatType(outs[5]!)}`);
    if (!shapeEq(dg.shape, outs[1]!.shape)) fail(`dgates ${formatType(dg)} must be ${formatType(outs[1]!)}`);
    if (!shapeEq(dc.shape, outs[2]!.shape) || !shapeEq(ds.shape, outs[2]!.shape)) fail(`dclean2 ${formatType(dc)} and dsigma2 ${formatType(ds)} must be ${formatType(outs[2]!)}`);
    return [f32(x.shape), f32(wg2.shape), ...(p.noisy ? [f32(wg2.shape)] : []), f32(ins[base + 1]!.shape)];
  },
  hierLoadEstimateGrad: (p, ins, fail) => {
    arity(ins, 7, 7, fail);
    const out = hierLoadTypes(p, ins.slice(0, 6), fail);
    if (!shapeEq(ins[6]!.shape, out.shape)) fail(`dout ${formatType(ins[6]!)} must match the hierarchical load ${formatType(out)}`);
    return [ins[0]!, ins[2]!, ins[3]!];
  },
  ...MULTI_DEVICE_SHAPE_RULES,
};

/** Checks a two-level hierarchy's params (a, b groups/experts, k1 ≤ a, k2 ≤ b). */
function hierParams(p: OpParams['hierLoadEstimate'], fail: (m: string) => never): void {
  for (const [k, v] of Object.entries({ a: p.a, b: p.b, k1: p.k1, k2: p.k2 })) {
    if (!Number.isInteger(v) || v < 1) fail(`${k} must be a positive integer, got ${v}`);
  }
  if (p.k1 > p.a) fail(`k1 = ${p.k1} exceeds the number of groups a = ${p.a}`);
  if (p.k2 > p.b) fail(`k2 = ${p.k2} exceeds the experts per group b = ${p.b}`);
}

/** Output types of secondaryGating (its inputs followed by `extra` more, checked by the caller). */
function hierGatingTypes(p: OpParams['secondaryGating'], ins: readonly TensorType[], extra: number, fail: (m: string) => never): TensorType[] {
  hierParams(p, fail);
  const want = 4 + (p.noisy ? 1 : 0) + extra;
  arity(ins, want, want, fail);
  const [x, wg2] = ins as [TensorType, TensorType];
  rank(x, 2, 'gating input x [N,D]', fail);
  const [N, D] = x.shape as [number, number];
  const { a, b, k1, k2 } = p;
  if (!shapeEq(wg2.shape, [a, D, b])) fail(`secondary gate weights ${formatType(wg2)} must be [${a},${D},${b}] for x ${formatType(x)}`);
  let next = 2;
  if (p.noisy && !shapeEq(ins[next++]!.shape, wg2.shape)) fail(`secondary noise weights ${formatType(ins[next - 1]!)} must match ${formatType(wg2)}`);
  const [pi, pg] = [ins[next]!, ins[next + 1]!];
  dtype(pi, 'i32', 'primary indices', fail);
  if (!shapeEq(pi.shape, [N, k1])) fail(`primary indices ${formatType(pi)} must be [${N},${k1}]`);
  if (!shapeEq(pg.shape, [N, k1]) || pg.dtype !== 'f32') fail(`primary gates ${formatType(pg)} must be f32[${N},${k1}]`);
  const kt = Math.min(k2 + 1, b);
  return [i32([N, k1 * k2]), f32([N, k1 * k2]), f32([N, k1, b]), f32([N, k1, b]), f32([N, k1, kt]), i32([N, k1, k2])];
}

/** Checks hierLoadEstimate's six inputs; returns its output type [a·b]. */
function hierLoadTypes(p: OpParams['hierLoadEstimate'], ins: readonly TensorType[], fail: (m: string) => never): TensorType {
  hierParams(p, fail);
  const [pl, pi, clean, sigma, top, local] = ins as [TensorType, TensorType, TensorType, TensorType, TensorType, TensorType];
  const { a, b, k1, k2 } = p;
  if (!shapeEq(pl.shape, [a])) fail(`primary load ${formatType(pl)} must be [${a}]`);
  dtype(pi, 'i32', 'primary indices', fail);
  rank(pi, 2, 'primary indices [N,k1]', fail);
  const N = pi.shape[0]!;
  if (pi.shape[1] !== k1) fail(`primary indices ${formatType(pi)} must be [${N},${k1}]`);
  if (!shapeEq(clean.shape, [N, k1, b]) || !shapeEq(sigma.shape, [N, k1, b])) fail(`clean2 ${formatType(clean)} and sigma2 ${formatType(sigma)} must be [${N},${k1},${b}]`);
  const kt = Math.min(k2 + 1, b);
  if (!shapeEq(top.shape, [N, k1, kt])) fail(`topValues2 ${formatType(top)} must be [${N},${k1},${kt}]`);
  if (!shapeEq(local.shape, [N, k1, k2]) || local.dtype !== 'i32') fail(`localIndices ${formatType(local)} must be i32[${N},${k1},${k2}]`);
  return f32([a * b]);
}

/** Checks (logits [N,n], thresholds [n], indices i32 [N,kmax]) of the balanced threshold loss; returns the thresholds' type. */
function balancedLossTypes(ins: readonly TensorType[], fail: (m: string) => never): TensorType {
  const [logits, thr, idx] = ins as [TensorType, TensorType, TensorType];
  rank(logits, 2, 'logits [N,n]', fail);
  const [N, n] = logits.shape as [number, number];
  if (!shapeEq(thr.shape, [n]) || thr.dtype !== 'f32') fail(`thresholds ${formatType(thr)} must be f32[${n}] for logits ${formatType(logits)}`);
  dtype(idx, 'i32', 'indices', fail);
  if (idx.shape.length !== 2 || idx.shape[0] !== N) fail(`indices ${formatType(idx)} must be [${N}, kmax] for logits ${formatType(logits)}`);
  return thr;
}

/**
 * Output types of `op` applied to inputs of types `ins`. `where` names the node for errors
 * (e.g. `node #7 gating (layer moe0)`); every error thrown starts with it.
 */
export function inferOutputTypes<O extends OpName>(op: O, params: OpParams[O], ins: readonly TensorType[], where: string): TensorType[] {
  const fail = (msg: string): never => {
    throw new Error(`${where}: ${msg}`);
  };
  const rule = RULES[op] as Rule<O> | undefined;
  if (!rule) fail(`unknown op '${op}'`);
  return rule!(params, ins, fail);
}
