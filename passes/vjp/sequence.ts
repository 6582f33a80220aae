/**
 * Vjp rules of the sequence / language-model ops: embedding (embeddingGrad into the table, no
 * gradient for the ids), lstm (one lstmGrad node for all six inputs, zeros standing in for the
 * gradients of unused outputs), dropout (the dropout of dy with the same rate and stream: the mask
 * is a pure function of (seed, step, stream, row, col), so it is the forward mask) and
 * softmaxCrossEntropy (softmaxCrossEntropyGrad into the logits).
 */
import type { VjpRule } from './types.ts';

type SequenceOp = 'embedding' | 'lstm' | 'dropout' | 'softmaxCrossEntropy';

/** The sequence ops' vjp rules. */
export const SEQUENCE_VJP: { readonly [O in SequenceOp]: VjpRule<O> } = {
  embedding: ({ inputs: [table, ids], dys: [dy], b }) => [b.op1('embeddingGrad', { vocab: b.shapeOf(table!)[0]! }, [ids!, dy!]), undefined],
  lstm: ({ inputs, outputs, dys, b }) => {
    const d = outputs.map((o, i) => b.orZeros(dys[i], o));
    return b.op('lstmGrad', {}, [...inputs, ...d]);
  },
  dropout: ({ node, dys: [dy], b }) => [b.op1('dropout', { rate: node.params.rate, stream: node.params.stream }, [dy!])],
  softmaxCrossEntropy: ({ inputs: [logits, labels], dys: [dy], b }) => [b.op1('softmaxCrossEntropyGrad', {}, [logits!, labels!, dy!]), undefined],
};
