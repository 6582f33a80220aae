/**
 * The op traits: what the passes, the planner and the executors may assume about each op, as
 * tables keyed by op name next to the op set (ir/ops.ts). `OP_TRAITS` is one mapped table over
 * every op (view, elementwise, time-batching rule, in-place slots), so a new op does not compile
 * until it declares its row; `IN_PLACE` is derived from it. The expert-bank tables say which ops
 * read per-expert (or per-group) blocks only for the experts (groups) that got rows, which is what
 * lets the optimizer pass update those banks sparsely.
 */
import { isOpName, OP_NAMES, type OpName, type OpParams } from './ops.ts';

/** What the passes and the planner may assume about an op (absent = false). */
export interface OpTraits {
  /** Output 0 is input 0's storage reinterpreted: no kernel, no copy (the planner aliases them). */
  readonly view?: true;
  /**
   * Every output element is a function of the same element of each full-size input (biasAdd: and
   * of the bias at its column): passes/fuse-elementwise.ts fuses chains of them into one
   * `fusedElementwise` node, and the WGSL generator (compiler/wgsl/elementwise.ts) emits any tree
   * of them as one kernel.
   */
  readonly elementwise?: true;
  /**
   * How the op batches over time (passes/batch-experts-over-time.ts merges the T per-timestep
   * instances of a MoE layer into one over T·B rows; an op without this trait is refused there):
   * 'rowwise' — row values in, row values out; 'rowsTimesConst' — rows times a constant (matmul,
   * biasAdd); 'select0' — the timestep slice of a [T, B, …] input; 'source' — draws per row;
   * 'gating' — x rows, weights constant, the rest rows; 'sum' — a per-expert sum over rows;
   * 'dispatch' — rows to (expert, slot) pairs; 'slots' — expert FFN over the dispatched slots;
   * 'combine' — slots back to rows.
   */
  readonly time?: TimeBatching;
  /** Output k reuses the storage of input inPlace[k] (state updated where it lives). */
  readonly inPlace?: readonly number[];
}

/** The time-batching rules an op can declare (see OpTraits.time). */
export type TimeBatching = 'rowwise' | 'rowsTimesConst' | 'select0' | 'source' | 'gating' | 'sum' | 'dispatch' | 'slots' | 'combine';

/** Every op's traits (a mapped type: a new op does not compile until it declares its row here). */
export const OP_TRAITS = {
  matmul: { time: 'rowsTimesConst' }, add: { elementwise: true, time: 'rowwise' }, mul: { elementwise: true, time: 'rowwise' },
  addN: { elementwise: true }, biasAdd: { elementwise: true, time: 'rowsTimesConst' }, scale: { elementwise: true, time: 'rowwise' },
  relu: { elementwise: true, time: 'rowwise' }, sigmoid: { elementwise: true, time: 'rowwise' },
  tanh: { elementwise: true, time: 'rowwise' }, softplus: { elementwise: true, time: 'rowwise' },
  softmax: { time: 'rowwise' }, sum: {}, reshape: { view: true }, select0: { time: 'select0' }, stack0: {},
  sliceLast: { time: 'rowwise' }, embedding: {}, lstm: {}, dropout: {}, softmaxCrossEntropy: {},
  linearCrossEntropy: {}, linearCrossEntropyGrad: {}, fusedElementwise: {}, matmulBias: {},
  noiseStd: { time: 'rowwise' }, randomNormal: { time: 'source' }, topk: { time: 'rowwise' }, gating: { time: 'gating' }, loadEstimate: { time: 'sum' },
  importance: { time: 'sum' }, cvSquared: {}, moeDispatch: { time: 'dispatch' }, expertFfn: { time: 'slots' }, moeCombine: { time: 'combine' }, balancedGating: {},
  balancedThresholdLoss: {}, balancedGatingGrad: {}, balancedThresholdLossGrad: {}, expertHidden: {},
  expertOutput: {}, zeros: {}, fill: {}, broadcast: {}, transpose: {}, sumRows: {}, reluGrad: {},
  sigmoidGrad: {}, tanhGrad: {}, softmaxGrad: {}, scatter0: {}, padLast: {}, embeddingGrad: {}, lstmGrad: {},
  softmaxCrossEntropyGrad: {}, noiseStdGrad: {}, scatterTopk: {}, gatingLogitsGrad: {}, cvSquaredGrad: {}, importanceGrad: {},
  loadEstimateGrad: {}, moeCombineGrad: {}, expertHiddenGrad: {}, expertOutputGrad: {}, expertFfnGrad: {},
  sgdUpdate: { inPlace: [0] }, adamUpdate: { inPlace: [0, 2, 3] }, factoredAdamUpdate: { inPlace: [0, 2, 3] }, secondaryGating: { time: 'gating' }, hierLoadEstimate: {},
  secondaryGatingGrad: {}, hierLoadEstimateGrad: {}, shardRandomNormal: {}, shardDropout: {},
  allToAllDispatch: {}, allToAllReturn: {}, allReduceSum: {}, hierLoadCombine: {}, allGatherRows: {},
  shardRows: {}, padShardRows: {}, expertSgdUpdate: { inPlace: [0] }, expertFactoredAdamUpdate: { inPlace: [0, 2, 3, 4] },
} as const satisfies { readonly [O in OpName]: OpTraits };

/** An elementwise op. */
export type ElementwiseOp = { [O in OpName]: (typeof OP_TRAITS)[O] extends { readonly elementwise: true } ? O : never }[OpName];

/** The elementwise ops, in OP_NAMES order. */
export const ELEMENTWISE_OPS: readonly ElementwiseOp[] = OP_NAMES.filter((op): op is ElementwiseOp => isElementwise(op));

/** True when `op` is elementwise (its OP_TRAITS row says so). */
export function isElementwise(op: string): op is ElementwiseOp {
  return isOpName(op) && 'elementwise' in OP_TRAITS[op];
}

/** True when `op` names an op whose output is a view of its input (its OP_TRAITS row says so). */
export function isView(op: string): boolean {
  return isOpName(op) && 'view' in OP_TRAITS[op];
}

/** The op's time-batching rule (its OP_TRAITS row), if it declares one. */
export function timeBatchingOf(op: OpName): TimeBatching | undefined {
  const t: OpTraits = OP_TRAITS[op];
  return t.time;
}

/**
 * Ops that update state in place: output k reuses the storage of input IN_PLACE[op][k], so the
 * planner aliases them and a kernel writes the parameter (and optimizer state) where it lives.
 */
export const IN_PLACE: Partial<Record<OpName, readonly number[]>> = Object.fromEntries(
  OP_NAMES.flatMap((op) => {
    const t: OpTraits = OP_TRAITS[op];
    return t.inPlace ? [[op, t.inPlace]] : [];
  }),
);

/**
 * Ops that read, of one input holding per-expert rows ([n, …], expert e's block at e), only the
 * blocks of experts with a non-empty segment in the dispatch offsets [n+1] they also take as
 * input: `rows` is the input index of the per-expert tensor, `offsets` the input index of the
 * offsets. A producer of such a tensor (e.g. an expert weight gradient) may leave the blocks of
 * empty experts unwritten when every reader is listed here with the same offsets value and the
 * tensor is not a graph output. Filled in by the ops that honour it (sparse optimizer updates).
 */
export const READS_ACTIVE_EXPERT_ROWS: Partial<Record<OpName, { readonly rows: number; readonly offsets: number }>> = {
  expertSgdUpdate: { rows: 1, offsets: 2 },
  expertFactoredAdamUpdate: { rows: 1, offsets: 5 },
};

/**
 * Ops that read per-expert parameter banks ([n, …], expert e's block at e) only for the slots of
 * expert e in the dispatch offsets [n+1] they also take: `banks` are the input indices of such
 * banks, `offsets` the input index of the offsets. A parameter read only at these positions, with
 * one offsets value, gets a zero gradient block for every expert with an empty segment, so the
 * optimizer pass may update it with the expert* update ops.
 */
export const EXPERT_BANK_READS: Partial<Record<OpName, { readonly banks: readonly number[]; readonly offsets: number }>> = {
  expertFfn: { banks: [3, 4, 5, 6], offsets: 2 },
  expertHidden: { banks: [3, 4], offsets: 2 },
  expertOutput: { banks: [2, 3], offsets: 1 },
  expertHiddenGrad: { banks: [4], offsets: 2 },
  expertOutputGrad: { banks: [2], offsets: 1 },
  expertFfnGrad: { banks: [4, 5, 6], offsets: 2 },
};

/**
 * Ops that read group-major parameter banks ([a, …], group g's block at g) only at the groups an
 * i32 index input [N, k] names (the hierarchical secondary gating reads wg2[g], wn2[g] only for
 * g = primaryIndices[r, s]): `banks` are the bank input indices, `indices` the index input, `groups`
 * the number of groups a. Such a bank's gradient block is zero for every group no row chose, so the
 * optimizer pass may update it sparsely over the offsets of a moeDispatch of those indices.
 */
export const GROUP_BANK_READS: { [O in OpName]?: (p: OpParams[O]) => { readonly banks: readonly number[]; readonly indices: number; readonly groups: number } } = {
  secondaryGating: (p) => ({ banks: p.noisy ? [1, 2] : [1], indices: p.noisy ? 3 : 2, groups: p.a }),
  secondaryGatingGrad: (p) => ({ banks: p.noisy ? [1, 2] : [1], indices: p.noisy ? 3 : 2, groups: p.a }),
};
