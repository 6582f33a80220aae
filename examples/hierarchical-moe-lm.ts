/**
 * The paper's App. C language model with the hierarchical MoE of App. B at toy size: embedding →
 * LSTM → hierarchical MoE (a primary noisy top-k1 gating over `groups` groups, a secondary noisy
 * top-k2 gating over the `perGroup` experts of each chosen group; groups·perGroup experts in all)
 * → LSTM → dense logits → softmax cross-entropy, with dropout between layers. Defaults: 4 groups
 * of 8 experts, k = [2, 2], width 32, expert hidden 32, T 8, B 8. Override with e.g.
 * `moec compile examples/hierarchical-moe-lm.ts --set groups=64 --set perGroup=64`.
 */
import { defineModel } from '../frontend/model.ts';
import { dense, dropout, embedding, lstm, moe, softmaxCrossEntropy } from '../frontend/layers.ts';

/** Default options of the model (every key can be overridden). */
export const defaults = {
  /** Vocabulary size. */
  vocab: 256,
  /** Width of embeddings, LSTM states and MoE input/output. */
  width: 32,
  /** Number of groups a (primary gating). */
  groups: 4,
  /** Experts per group b (secondary gating). */
  perGroup: 8,
  /** Groups per token k1. */
  k1: 2,
  /** Experts per chosen group k2. */
  k2: 2,
  /** Hidden width of each expert's FFN. */
  expertHidden: 32,
  /** Sequence length T. */
  T: 8,
  /** Batch size B. */
  B: 8,
  /** Dropout rate between layers (identity in evaluation). */
  dropout: 0.1,
  /** Noisy top-k gating at both levels. */
  noisy: true,
  /** Weights of the importance and load losses. */
  wImportance: 0.1,
  wLoad: 0.1,
};

/** The model. */
export default defineModel({
  name: 'hierarchical-moe-lm',
  defaults,
  build(ctx, o) {
    const tokens = ctx.input('tokens', 'i32', [o.T, o.B]);
    const targets = ctx.input('targets', 'i32', [o.T, o.B]);
    let h = embedding(tokens, { vocab: o.vocab, width: o.width });
    h = dropout(h, { rate: o.dropout });
    h = lstm(h, { hidden: o.width });
    h = dropout(h, { rate: o.dropout });
    h = moe(h, {
      experts: [o.groups, o.perGroup],
      k: [o.k1, o.k2],
      hidden: o.expertHidden,
      noisy: o.noisy,
      wImportance: o.wImportance,
      wLoad: o.wLoad,
    });
    h = dropout(h, { rate: o.dropout });
    h = lstm(h, { hidden: o.width });
    h = dropout(h, { rate: o.dropout });
    return softmaxCrossEntropy(dense(h, { units: o.vocab, name: 'logits' }), targets);
  },
});
