/**
 * Vjp rules of the fused output projection + cross-entropy: `linearCrossEntropy` differentiates
 * into ONE `linearCrossEntropyGrad` node giving dh, dw and db together (no [N, V] gradient of the
 * logits ever exists as a value; the lowering recomputes the logits chunk by chunk), nothing for
 * the labels. `linearCrossEntropyGrad` is itself a gradient op and refuses, like nondiff.ts.
 */
import { describeNode } from '../../ir/graph.ts';
import type { VjpRule } from './types.ts';

/** The rules. */
export const LINEAR_CE_VJP: { readonly [O in 'linearCrossEntropy' | 'linearCrossEntropyGrad']: VjpRule<O> } = {
  linearCrossEntropy: ({ inputs: [h, w, bias, labels], dys: [dy], b }) => {
    const [dh, dw, db] = b.op('linearCrossEntropyGrad', {}, [h!, w!, bias!, labels!, dy!]);
    return [dh, dw, db, undefined];
  },
  linearCrossEntropyGrad: ({ node }) => {
    throw new Error(`${describeNode(node)}: cannot differentiate: op ${node.op} is already a gradient/update op; differentiate the forward graph`);
  },
};
