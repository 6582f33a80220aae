/**
 * Vjp rules of strictly balanced gating (paper App. F). `balancedGating`: the selection (which
 * experts a row uses, batchwise top-m in training or thresholds in evaluation) is piecewise
 * constant, so only the gates carry a gradient: balancedGatingGrad (the softmax vjp over each row's
 * used experts, scattered to their logit columns) plus any gradient of the logits output, then the
 * two matmul vjps into x and wg; the thresholds get nothing from the gating and the load (a count)
 * has zero derivative. `balancedThresholdLoss` (Eq. 20): the gradient goes to the thresholds only
 * — moec holds the logits constant for this loss (Eq. 20 trains T to imitate the batchwise mask;
 * letting it pull on Wg would bias the gates toward the thresholds instead) — through
 * balancedThresholdLossGrad. The two gradient ops refuse, like every other gradient op.
 */
import { describeNode } from '../../ir/graph.ts';
import type { OpName } from '../../ir/ops.ts';
import type { VjpRule } from './types.ts';

type BalancedOp = 'balancedGating' | 'balancedThresholdLoss' | 'balancedGatingGrad' | 'balancedThresholdLossGrad';

const refuse: VjpRule<OpName> = ({ node }) => {
  throw new Error(`${describeNode(node)}: cannot differentiate: op ${node.op} is already a gradient op; differentiate the forward graph`);
};

/** The balanced-gating ops' vjp rules. */
export const BALANCED_VJP: { readonly [O in BalancedOp]: VjpRule<O> } = {
  balancedGating: ({ node, inputs, outputs, dys, wants, b }) => {
    const [x, wg] = inputs as [number, number, number];
    const [indices, gates] = outputs as [number, number, number, number];
    const [, dgates, dlogits] = dys;
    const fromGates = dgates === undefined ? undefined : b.op1('balancedGatingGrad', { n: node.params.n }, [gates, indices, dgates]);
    const dl = b.addOpt(fromGates, dlogits);
    if (dl === undefined) return [undefined, undefined, undefined];
    const dx = wants[0] ? b.op1('matmul', {}, [dl, b.op1('transpose', {}, [wg])]) : undefined;
    const dwg = wants[1] ? b.op1('matmul', {}, [b.op1('transpose', {}, [x]), dl]) : undefined;
    return [dx, dwg, undefined];
  },
  balancedThresholdLoss: ({ inputs: [logits, thr, idx], dys: [dloss], b }) => [
    undefined,
    b.op1('balancedThresholdLossGrad', {}, [logits!, thr!, idx!, dloss!]),
    undefined,
  ],
  balancedGatingGrad: refuse,
  balancedThresholdLossGrad: refuse,
};
