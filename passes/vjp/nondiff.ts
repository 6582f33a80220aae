/**
 * Vjp "rules" of the ops that cannot be differentiated: the gradient ops the autodiff pass itself
 * emits, the optimizer updates and the fused ops made after differentiation. Reaching one on the reverse walk means the pass was given a
 * graph that already contains a backward or update phase; each rule throws a message naming the
 * node and saying to differentiate the forward graph instead. (zeros and transpose are in the
 * gradient section of ops.ts but are ordinary linear ops with rules in shape.ts / dense.ts.)
 */
import { describeNode } from '../../ir/graph.ts';
import type { OpName } from '../../ir/ops.ts';
import type { VjpRule } from './types.ts';

type NonDiffOp =
  | 'sumRows' | 'reluGrad' | 'sigmoidGrad' | 'tanhGrad' | 'softmaxGrad' | 'scatter0' | 'padLast' | 'embeddingGrad' | 'lstmGrad'
  | 'softmaxCrossEntropyGrad' | 'noiseStdGrad' | 'scatterTopk' | 'gatingLogitsGrad' | 'cvSquaredGrad' | 'importanceGrad' | 'loadEstimateGrad'
  | 'moeCombineGrad' | 'expertHiddenGrad' | 'expertOutputGrad' | 'expertFfnGrad' | 'sgdUpdate' | 'adamUpdate' | 'factoredAdamUpdate'
  | 'expertSgdUpdate' | 'expertFactoredAdamUpdate' | 'fusedElementwise' | 'matmulBias';

const refuse: VjpRule<OpName> = ({ node }) => {
  throw new Error(`${describeNode(node)}: cannot differentiate: op ${node.op} is already a gradient/update op; differentiate the forward graph`);
};

const madeAfterAutodiff: VjpRule<OpName> = ({ node }) => {
  throw new Error(`${describeNode(node)}: cannot differentiate: ${node.op} is made by the elementwise fusion, which runs after differentiation; differentiate the unfused graph`);
};

/** Rules that throw for every gradient and optimizer op. */
export const NONDIFF_VJP: { readonly [O in NonDiffOp]: VjpRule<O> } = {
  sumRows: refuse, reluGrad: refuse, sigmoidGrad: refuse, tanhGrad: refuse, softmaxGrad: refuse, scatter0: refuse, padLast: refuse,
  embeddingGrad: refuse, lstmGrad: refuse, softmaxCrossEntropyGrad: refuse, noiseStdGrad: refuse, scatterTopk: refuse, gatingLogitsGrad: refuse,
  cvSquaredGrad: refuse, importanceGrad: refuse, loadEstimateGrad: refuse, moeCombineGrad: refuse, expertHiddenGrad: refuse,
  expertOutputGrad: refuse, expertFfnGrad: refuse, sgdUpdate: refuse, adamUpdate: refuse, factoredAdamUpdate: refuse,
  expertSgdUpdate: refuse, expertFactoredAdamUpdate: refuse,
  // Made by the elementwise fusion, which runs after differentiation (passes/fuse-elementwise.ts).
  fusedElementwise: madeAfterAutodiff, matmulBias: madeAfterAutodiff,
};
