/**
 * The paper's App. C language model at toy size: embedding → LSTM → MoE → LSTM → dense logits →
 * softmax cross-entropy, with dropout between layers. Defaults are small enough to trace, compile
 * and interpret in well under a second (vocab 1000, width 64, 16 experts, k 4, expert hidden 64,
 * T 8, B 32); override them with `moec compile examples/lstm-moe-lm.ts --set experts=32`.
 */
import { defineModel } from '../frontend/model.ts';
import { dense, dropout, embedding, lstm, moe, softmaxCrossEntropy } from '../frontend/layers.ts';

/** Default options of the model (every key can be overridden). */
export const defaults = {
  /** Vocabulary size. */
  vocab: 1000,
  /** Width of embeddings, LSTM states and MoE input/output. */
  width: 64,
  /** Number of experts n. */
  experts: 16,
  /** Experts per token k. */
  k: 4,
  /** Hidden width of each expert's FFN. */
  expertHidden: 64,
  /** Sequence length T. */
  T: 8,
  /** Batch size B. */
  B: 32,
  /** Dropout rate between layers (identity in evaluation). */
  dropout: 0.1,
  /** Noisy top-k gating. */
  noisy: true,
  /** Weights of the importance and load losses. */
  wImportance: 0.1,
  wLoad: 0.1,
};

/** The model. */
export default defineModel({
  name: 'lstm-moe-lm',
  defaults,
  build(ctx, o) {
    const tokens = ctx.input('tokens', 'i32', [o.T, o.B]);
    const targets = ctx.input('targets', 'i32', [o.T, o.B]);
    let h = embedding(tokens, { vocab: o.vocab, width: o.width });
    h = dropout(h, { rate: o.dropout });
    h = lstm(h, { hidden: o.width });
    h = dropout(h, { rate: o.dropout });
    h = moe(h, { experts: o.experts, k: o.k, hidden: o.expertHidden, noisy: o.noisy, wImportance: o.wImportance, wLoad: o.wLoad });
    h = dropout(h, { rate: o.dropout });
    h = lstm(h, { hidden: o.width });
    h = dropout(h, { rate: o.dropout });
    const logits = dense(h, { units: o.vocab, name: 'logits' });
    return softmaxCrossEntropy(logits, targets);
  },
});
