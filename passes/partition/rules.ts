/**
 * How each op behaves when a forward graph is split over devices (the partition pass's rule table,
 * a mapped type: a new op fails to compile until it says what it does across devices).
 *   local      row-wise or replicated work: runs as is on the device's slice (matmul, lstm, …);
 *   random     draws per row: rewritten to draw at the global rows of the device's slice;
 *   batchSum   sums over the rows of the batch: its device-local result is all-reduced;
 *   batchMean  a mean over the rows: scaled by 1/devices and all-reduced (equal slices);
 *   dispatch   moeDispatch: the start of the expert exchange (experts become model-parallel);
 *   experts    expert FFN ops: rewritten around the exchange (run on the received rows);
 *   gathered   strictly balanced gating: ranks rows over the WHOLE batch, so it runs replicated on the
 *              all-gathered rows and each device keeps its own rows' routing;
 *   thresholdLoss  balanced gating's threshold loss: a batch sum whose mean (the frontend's scale by
 *              1/rows) is rescaled to the global rows;
 *   hierLoad   hierarchical load: its batch sums (L_gj, c_g) all-reduced, then combined (hierLoadCombine);
 *   replicated must read only replicated values (e.g. CV² of an all-reduced vector);
 *   refuse     not partitioned yet; the reason says what is missing;
 *   gradient   gradient/update ops: the pass runs on forward graphs, before autodiff.
 */
import type { OpName } from '../../ir/ops.ts';

/** The behaviour of one op across devices. */
export type PartitionKind =
  | 'local' | 'random' | 'batchSum' | 'batchMean' | 'dispatch' | 'experts' | 'hierLoad' | 'gathered' | 'thresholdLoss' | 'replicated' | 'gradient' | 'collective'
  | { readonly refuse: string };


/** Every op's kind. */
export const PARTITION_RULES: { readonly [O in OpName]: PartitionKind } = {
  matmul: 'local', add: 'local', mul: 'local', addN: 'local', biasAdd: 'local', scale: 'local', relu: 'local', sigmoid: 'local',
  tanh: 'local', softplus: 'local', softmax: 'local', sum: 'batchSum', fusedElementwise: 'local', matmulBias: 'local',
  reshape: 'local', select0: 'local', stack0: 'local', sliceLast: 'local',
  embedding: 'local', lstm: 'local', dropout: 'random', softmaxCrossEntropy: 'batchMean',
  noiseStd: 'local', randomNormal: 'random', topk: 'local',
  gating: 'random', loadEstimate: 'batchSum', importance: 'batchSum', cvSquared: 'replicated',
  moeDispatch: 'dispatch', expertFfn: 'experts', moeCombine: 'local',
  balancedGating: 'gathered', balancedThresholdLoss: 'thresholdLoss', balancedGatingGrad: 'gradient', balancedThresholdLossGrad: 'gradient',
  expertHidden: 'experts', expertOutput: 'experts',
  zeros: 'local', fill: 'local', broadcast: 'local', transpose: 'local',
  sumRows: 'gradient', reluGrad: 'gradient', sigmoidGrad: 'gradient', tanhGrad: 'gradient', softmaxGrad: 'gradient', scatter0: 'gradient', padLast: 'gradient',
  embeddingGrad: 'gradient', lstmGrad: 'gradient', softmaxCrossEntropyGrad: 'gradient', noiseStdGrad: 'gradient', scatterTopk: 'gradient', gatingLogitsGrad: 'gradient',
  cvSquaredGrad: 'gradient', importanceGrad: 'gradient', loadEstimateGrad: 'gradient', moeCombineGrad: 'gradient', expertHiddenGrad: 'gradient',
  expertOutputGrad: 'gradient', sgdUpdate: 'gradient', adamUpdate: 'gradient', factoredAdamUpdate: 'gradient',
  secondaryGating: 'random', hierLoadEstimate: 'hierLoad', secondaryGatingGrad: 'gradient', hierLoadEstimateGrad: 'gradient',
  shardRandomNormal: 'collective', shardDropout: 'collective', allToAllDispatch: 'collective', allToAllReturn: 'collective', allReduceSum: 'collective', hierLoadCombine: 'collective',
  allGatherRows: 'collective', shardRows: 'collective', padShardRows: 'collective',
  linearCrossEntropy: 'batchMean', linearCrossEntropyGrad: 'gradient', expertSgdUpdate: 'gradient', expertFactoredAdamUpdate: 'gradient', expertFfnGrad: 'gradient',
};
