/**
 * Vjp rules of the hierarchical MoE ops (paper App. B). `secondaryGating` becomes one
 * `secondaryGatingGrad` node (like the flat gating: the softmax gradient through the selected
 * secondary logits, into wg2 and — via the recomputed noise — into wn2, plus the primary gate
 * factor into primaryGates), fed zeros for the outputs no gradient reached; a gradient into the
 * thresholds (topValues2) is refused as for the flat gating. `hierLoadEstimate` becomes one
 * `hierLoadEstimateGrad` node (thresholds and the per-group row counts held constant) returning
 * gradients for the primary load, clean2 and sigma2. The two gradient ops refuse differentiation.
 */
import { describeNode } from '../../ir/graph.ts';
import type { OpName } from '../../ir/ops.ts';
import type { VjpRule } from './types.ts';

type HierOp = 'secondaryGating' | 'hierLoadEstimate' | 'secondaryGatingGrad' | 'hierLoadEstimateGrad';

const refuse: VjpRule<OpName> = ({ node }) => {
  throw new Error(`${describeNode(node)}: cannot differentiate: op ${node.op} is already a gradient op; differentiate the forward graph`);
};

/** The hierarchical MoE ops' vjp rules. */
export const HIER_VJP: { readonly [O in HierOp]: VjpRule<O> } = {
  secondaryGating: ({ node, inputs, outputs, dys, wants, b }) => {
    const p = node.params;
    const [, gates, clean, , top, local] = outputs as [number, number, number, number, number, number];
    const [, dgates, dclean, dsigma, dtop] = dys;
    if (dtop !== undefined) {
      throw new Error(`${describeNode(node)}: a gradient reaches topValues2; moec treats the secondary top-k thresholds as constants`);
    }
    const grads: (number | undefined)[] = inputs.map(() => undefined);
    const wnAt = p.noisy ? 2 : -1;
    const pgAt = p.noisy ? 4 : 3;
    if (!(wants[0] || wants[1] || (wnAt >= 0 && wants[wnAt]) || wants[pgAt])) return grads;
    const outs = b.op('secondaryGatingGrad', { ...p }, [
      ...inputs,
      top,
      local,
      b.orZeros(dgates, gates),
      b.orZeros(dclean, clean),
      b.orZeros(dsigma, clean),
    ]);
    grads[0] = outs[0];
    grads[1] = outs[1];
    if (wnAt >= 0) grads[wnAt] = outs[2];
    grads[pgAt] = outs[outs.length - 1];
    return grads;
  },
  hierLoadEstimate: ({ node, inputs, dys: [dout], b }) => {
    const [dpl, dclean, dsigma] = b.op('hierLoadEstimateGrad', { ...node.params }, [...inputs, dout!]);
    return [dpl, undefined, dclean, dsigma, undefined, undefined];
  },
  secondaryGatingGrad: refuse,
  hierLoadEstimateGrad: refuse,
};
