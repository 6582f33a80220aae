/**
 * One concrete instance of every op (params and input tensors), drawn with random sizes from a
 * seed, for the op conformance tables (test/ir/op-conformance.test.ts on the reference,
 * test/backend/op-conformance-webgpu.test.ts on WebGPU). The table is a mapped type over OpName:
 * adding an op without a case here is a compile error, and the conformance test also checks the
 * keys against OP_NAMES at run time.
 */
import { dispatch } from '../../ir/reference/dispatch.ts';
import { evalNode } from '../../ir/interpret.ts';
import type { Node } from '../../ir/graph.ts';
import type { OpName, OpParams } from '../../ir/ops.ts';
import { fromArray, type Tensor } from '../../ir/tensor.ts';
import { uniform01 } from '../stats/independent.ts';

/** Params and inputs of one op instance. */
export type OpCase<O extends OpName> = readonly [OpParams[O], Tensor[]];

/** A node of `op` with `params` (no graph ids), for evalNode. */
export function bareNode<O extends OpName>(op: O, params: OpParams[O]): Node<O> {
  return { id: 0, op, params, inputs: [], outputs: [] };
}

/** The routing the expert-op cases share: their sourceRow, position and offsets are moeDispatch(indices) of these. */
export interface CaseRouting {
  readonly indices: Tensor;
  readonly n: number;
  readonly sourceRow: Tensor;
  readonly position: Tensor;
  readonly offsets: Tensor;
}

/** Every op's case for one seed (sizes and values random in the seed). */
export function opCases(seed: number): { [O in OpName]: OpCase<O> } {
  return opCasesWithRouting(seed).cases;
}

/** opCases and the routing its expert ops share. */
export function opCasesWithRouting(seed: number): { cases: { [O in OpName]: OpCase<O> }; routing: CaseRouting } {
  const u = uniform01(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(u() * (hi - lo + 1));
  const F = (shape: number[], lo = -1, hi = 1): Tensor => fromArray('f32', shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => lo + (hi - lo) * u()));
  const I = (shape: number[], v: number[]): Tensor => fromArray('i32', shape, v);
  const S = (v: number): Tensor => fromArray('f32', [], [v]);
  /** k distinct experts in [0, n) per row, N rows. */
  const sel = (N: number, n: number, k: number): number[] => {
    const out: number[] = [];
    for (let r = 0; r < N; r++) out.push(...[...Array(n).keys()].map((e) => [u(), e] as const).sort((a, b) => a[0] - b[0]).slice(0, k).map((p) => p[1]));
    return out;
  };
  const ctx = { seed: 0, step: 0, training: true };

  const M = int(1, 6), K = int(1, 7), N = int(1, 6);
  const shp = [int(1, 4), int(1, 5)];
  const T = int(1, 3), B = int(1, 3), D = int(1, 4), H = int(1, 3), V = int(2, 6);
  const n = int(3, 6), k = int(1, 2), R = int(2, 6);
  const idx = sel(R, n, k);
  const d = dispatch(idx, R, k, n);
  const src = I([R * k], [...d.sourceRow]);
  const pos = I([R, k], [...d.position]);
  const off = I([n + 1], [...d.offsets]);
  const x = F([R, D]);
  const Hx = int(1, 4), Do = int(1, 3);
  const w1 = F([n, D, Hx]), b1 = F([n, Hx]), w2 = F([n, Hx, Do]), b2 = F([n, Do]);
  const hidden = evalNode(bareNode('expertHidden', {}), [x, src, off, w1, b1], ctx)[0]!;
  const kk = Math.min(k + 1, n);
  // noisy values and their top-(k+1), for loadEstimate and its gradient
  const clean = F([R, n], -1.5, 1.5);
  const sigma = F([R, n], 0.2, 1.5);
  const noisy = F([R, n], -2, 2);
  const [topV, topI] = evalNode(bareNode('topk', { k: kk }), [noisy], ctx) as [Tensor, Tensor];
  const topIdx = I([R, k], Array.from({ length: R * k }, (_, i) => topI.data[Math.floor(i / k) * kk + (i % k)]!));
  // balanced gating: m = k·N/n rows per expert
  const bn = int(2, 4), bk = 1, bN = bn * int(1, 3), bm = (bk * bN) / bn;
  const bx = F([bN, D]), bwg = F([D, bn]), bthr = F([bn], -0.3, 0.3);
  const [bIdx, bGates, bLogits] = evalNode(bareNode('balancedGating', { n: bn, k: bk, m: bm }), [bx, bwg, bthr], ctx) as [Tensor, Tensor, Tensor];
  // hierarchical: a groups of b experts
  // hierarchical: a groups of b experts, random sizes; each row picks k1 distinct groups and, in
  // each, k2 distinct experts; ltop holds each (row, group)'s top min(k2+1, b) logits, descending.
  const ha = int(2, 4), hb = int(2, 5), hk1 = int(1, Math.min(2, ha)), hk2 = int(1, Math.min(2, hb)), hN = int(1, 3), hD = int(2, 4);
  const hkk = Math.min(hk2 + 1, hb);
  const pick = (n: number, m: number): number[] => {
    const all = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = int(0, i);
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    return all.slice(0, m);
  };
  const pIdx = I([hN, hk1], Array.from({ length: hN }, () => pick(ha, hk1)).flat());
  const ltop = fromArray('f32', [hN, hk1, hkk], Array.from({ length: hN * hk1 }, () => Array.from({ length: hkk }, () => u() * 2 - 0.5).sort((x, y) => y - x)).flat());
  const lidx = I([hN, hk1, hk2], Array.from({ length: hN * hk1 }, () => pick(hb, hk2)).flat());
  // multi-device row maps: rowBlock rows per block, mDev devices, this device's index mDi, mBl blocks.
  const mRb = int(1, 3), mDev = int(2, 3), mBl = int(1, 3), mC = int(1, 4);
  const mDi = int(0, mDev - 1);
  const lstmIns = () => [F([T, B, D]), F([D, 4 * H]), F([H, 4 * H]), F([4 * H]), F([B, H]), F([B, H])];

  const routing: CaseRouting = { indices: I([R, k], idx), n, sourceRow: src, position: pos, offsets: off };
  const cases: { [O in OpName]: OpCase<O> } = {
    matmul: [{}, [F([M, K]), F([K, N])]],
    add: [{}, [F(shp), F(shp)]],
    mul: [{}, [F(shp), F(shp)]],
    addN: [{}, [F(shp), F(shp), F(shp)]],
    biasAdd: [{}, [F([M, ...shp]), F([shp[1]!])]],
    fusedElementwise: [
      { expr: { op: 'relu', args: [{ op: 'add', args: [{ op: 'scale', args: [{ op: 'input', index: 0 }], value: 1.3 }, { op: 'biasAdd', args: [{ op: 'input', index: 1 }, { op: 'input', index: 2 }] }] }] } },
      [F([M, shp[1]!]), F([M, shp[1]!]), F([shp[1]!])],
    ],
    matmulBias: [{}, [F([M, K]), F([K, N]), F([N])]],
    scale: [{ value: 1.7 }, [F(shp)]],
    relu: [{}, [F(shp)]],
    sigmoid: [{}, [F(shp, -3, 3)]],
    tanh: [{}, [F(shp, -3, 3)]],
    softplus: [{}, [F(shp, -3, 3)]],
    softmax: [{}, [F(shp, -3, 3)]],
    sum: [{}, [F(shp)]],
    reshape: [{ shape: [shp[0]! * shp[1]!] }, [F(shp)]],
    select0: [{ index: T - 1 }, [F([T, ...shp])]],
    stack0: [{}, [F(shp), F(shp)]],
    sliceLast: [{ start: 0, end: 1 }, [F([M, shp[1]! + 1])]],
    embedding: [{}, [F([V, D]), I([T, B], Array.from({ length: T * B }, () => int(0, V - 1)))]],
    lstm: [{}, lstmIns()],
    dropout: [{ rate: 0.3, stream: 2 }, [F([T, B, D])]],
    softmaxCrossEntropy: [{}, [F([M, V], -2, 2), I([M], Array.from({ length: M }, () => int(0, V - 1)))]],
    linearCrossEntropy: [{}, [F([M, D]), F([D, V]), F([V]), I([M], Array.from({ length: M }, () => int(0, V - 1)))]],
    linearCrossEntropyGrad: [{}, [F([M, D]), F([D, V]), F([V]), I([M], Array.from({ length: M }, () => int(0, V - 1))), S(0.7)]],
    noiseStd: [{ eps: 0.01 }, [F(shp, -2, 2)]],
    randomNormal: [{ shape: [M, N], stream: 3, rowOffset: 2 }, []],
    topk: [{ k: Math.min(2, n) }, [F([R, n], -2, 2)]],
    gating: [{ k, noisy: true, eps: 0.01, stream: 1, rowOffset: 0, explicitNoise: false }, [x, F([D, n]), F([D, n])]],
    loadEstimate: [{ k }, [clean, sigma, topV, topIdx]],
    importance: [{ n }, [F([R, k], 0, 1), I([R, k], idx)]],
    cvSquared: [{}, [F([n], 0.5, 2)]],
    moeDispatch: [{ n }, [I([R, k], idx)]],
    expertFfn: [{}, [x, src, off, w1, b1, w2, b2]],
    moeCombine: [{}, [F([R * k, Do]), pos, F([R, k], 0, 1)]],
    balancedGating: [{ n: bn, k: bk, m: bm }, [bx, bwg, bthr]],
    balancedThresholdLoss: [{}, [bLogits, bthr, bIdx]],
    balancedGatingGrad: [{ n: bn }, [bGates, bIdx, F(bGates.type.shape as number[])]],
    balancedThresholdLossGrad: [{}, [bLogits, bthr, bIdx, S(0.8)]],
    expertHidden: [{}, [x, src, off, w1, b1]],
    expertOutput: [{}, [hidden, off, w2, b2]],
    zeros: [{ shape: shp }, []],
    fill: [{ shape: shp, value: 0.5 }, []],
    broadcast: [{ shape: shp }, [S(1.25)]],
    transpose: [{}, [F([M, N])]],
    sumRows: [{}, [F([T, M, N])]],
    reluGrad: [{}, [F(shp), F(shp)]],
    sigmoidGrad: [{}, [F(shp, 0, 1), F(shp)]],
    tanhGrad: [{}, [F(shp), F(shp)]],
    softmaxGrad: [{}, [F(shp, 0, 1), F(shp)]],
    scatter0: [{ index: T - 1, size: T }, [F(shp)]],
    padLast: [{ start: 1, end: 3, n: 4 }, [F([M, 2])]],
    embeddingGrad: [{ vocab: V }, [I([T, B], Array.from({ length: T * B }, () => int(0, V - 1))), F([T, B, D])]],
    lstmGrad: [{}, [...lstmIns(), F([T, B, H]), F([B, H]), F([B, H])]],
    softmaxCrossEntropyGrad: [{}, [F([M, V]), I([M], Array.from({ length: M }, () => int(0, V - 1))), S(1)]],
    noiseStdGrad: [{}, [F(shp), F(shp)]],
    scatterTopk: [{ n }, [F([R, k]), I([R, k], idx)]],
    gatingLogitsGrad: [{ n, stream: 1, rowOffset: 2 }, [F([R, k]), I([R, k], idx), F([R, n]), F([R, n]), F([R, n], -3, 3)]],
    cvSquaredGrad: [{}, [F([n], 0, 2), S(0.5)]],
    importanceGrad: [{}, [F([n]), I([R, k], idx)]],
    loadEstimateGrad: [{ k }, [clean, sigma, topV, topIdx, F([n])]],
    moeCombineGrad: [{}, [F([R, Do]), F([R * k, Do]), pos, F([R, k], 0, 1)]],
    expertHiddenGrad: [{}, [x, src, off, pos, w1, hidden, F([R * k, Hx])]],
    expertOutputGrad: [{}, [hidden, off, w2, F([R * k, Do])]],
    expertFfnGrad: [{}, [x, src, off, pos, w1, b1, w2, F([R * k, Do])]],
    sgdUpdate: [{ lr: 0.1 }, [F(shp), F(shp)]],
    adamUpdate: [{ lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, [F(shp), F(shp), F(shp), F(shp, 0, 1)]],
    factoredAdamUpdate: [{ lr: 0.01, beta2: 0.99, clip: 1 }, [F([2, M, N]), F([2, M, N]), F([2, M], 0, 1), F([2, N], 0, 1)]],
    expertSgdUpdate: [{ lr: 0.1 }, [F([n, 2, 2]), F([n, 2, 2]), off]],
    expertFactoredAdamUpdate: [{ lr: 0.01, beta2: 0.99, clip: 1 }, [F([n, 2, 3]), F([n, 2, 3]), F([n, 2], 0, 1), F([n, 3], 0, 1), I([n], Array.from({ length: n }, () => int(0, 2))), off]],
    secondaryGating: [{ a: ha, b: hb, k1: hk1, k2: hk2, noisy: true, eps: 0.01, stream: 1, rowOffset: 2 }, [F([hN, hD]), F([ha, hD, hb]), F([ha, hD, hb]), pIdx, F([hN, hk1], 0, 1)]],
    hierLoadEstimate: [{ a: ha, b: hb, k1: hk1, k2: hk2 }, [F([ha], 1, 4), pIdx, F([hN, hk1, hb]), F([hN, hk1, hb], 0.1, 1), ltop, lidx]],
    secondaryGatingGrad: [{ a: ha, b: hb, k1: hk1, k2: hk2, noisy: true, eps: 0.01, stream: 1, rowOffset: 2 }, [F([hN, hD]), F([ha, hD, hb]), F([ha, hD, hb]), pIdx, F([hN, hk1], 0, 1), F([hN, hk1, hkk]), lidx, F([hN, hk1 * hk2]), F([hN, hk1, hb]), F([hN, hk1, hb])]],
    hierLoadEstimateGrad: [{ a: ha, b: hb, k1: hk1, k2: hk2 }, [F([ha], 1, 4), pIdx, F([hN, hk1, hb]), F([hN, hk1, hb], 0.1, 1), ltop, lidx, F([ha * hb])]],
    shardRandomNormal: [{ shape: [mRb * mBl, mC], stream: 2, rowOffset: 0, rowBlock: mRb, rowStride: mRb * mDev, shardOffset: mRb * mDi }, []],
    shardDropout: [{ rate: 0.3, stream: 1, rowBlock: mRb, rowStride: mRb * mDev, shardOffset: mRb * mDi }, [F([mRb * mBl, mC])]],
    allToAllDispatch: [{ devices: 1, device: 0, experts: n, gather: true, rowBlock: R, blocks: 1 }, [x, src, off]],
    allToAllReturn: [{ devices: 1, device: 0, experts: n }, [F([R * k, 2]), I([1, n], Array.from({ length: n }, (_, e) => d.offsets[e + 1]! - d.offsets[e]!)), off]],
    allReduceSum: [{ devices: 1 }, [F([int(1, 9)])]],
    hierLoadCombine: [{ a: ha, b: hb }, [F([ha], 1, 2), F([ha * hb]), fromArray('f32', [ha], Array.from({ length: ha }, (_, i) => (i === 0 ? 0 : int(1, 4))))]],
    allGatherRows: [{ devices: 1, rowBlock: mRb, rowStride: mRb, shardOffset: 0 }, [F([mRb * mBl, mC])]],
    shardRows: [{ rowBlock: mRb, rowStride: mRb * mDev, shardOffset: mRb * mDi }, [F([mRb * mDev * mBl, mC])]],
    padShardRows: [{ rowBlock: mRb, rowStride: mRb * mDev, shardOffset: mRb * mDi, rows: mRb * mDev * mBl }, [F([mRb * mBl, mC])]],
  };
  return { cases, routing };
}
