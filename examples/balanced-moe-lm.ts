/**
 * The paper's App. C language model (embedding → LSTM → MoE → LSTM → dense logits → softmax
 * cross-entropy, dropout between layers) with the strictly balanced MoE of App. F in place of noisy
 * top-k gating: in training each of the n experts takes exactly k·T·B/n of the batch's T·B rows,
 * at inference each row uses the experts whose gate logit exceeds a learned threshold (trained with
 * the threshold loss of Eq. 20). Small by default (vocab 300, width 32, 8 experts, k 2, T 8, B 8,
 * so each expert takes 16 of 64 rows); `--set` any key, keeping k·T·B divisible by experts.
 */
import { defineModel } from '../frontend/model.ts';
import { dense, dropout, embedding, lstm, moe, softmaxCrossEntropy } from '../frontend/layers.ts';

/** Default options of the model (every key can be overridden). */
export const defaults = {
  /** Vocabulary size. */
  vocab: 300,
  /** Width of embeddings, LSTM states and MoE input/output. */
  width: 32,
  /** Number of experts n. */
  experts: 8,
  /** Average experts per token k (each expert takes k·T·B/n rows in training). */
  k: 2,
  /** Hidden width of each expert's FFN. */
  expertHidden: 32,
  /** Sequence length T. */
  T: 8,
  /** Batch size B. */
  B: 8,
  /** Dropout rate between layers (identity in evaluation). */
  dropout: 0.1,
  /** Weight of the threshold loss (Eq. 20, averaged over rows). */
  wThreshold: 1,
};

/** The model. */
export default defineModel({
  name: 'balanced-moe-lm',
  defaults,
  build(ctx, o) {
    const tokens = ctx.input('tokens', 'i32', [o.T, o.B]);
    const targets = ctx.input('targets', 'i32', [o.T, o.B]);
    let h = embedding(tokens, { vocab: o.vocab, width: o.width });
    h = dropout(h, { rate: o.dropout });
    h = lstm(h, { hidden: o.width });
    h = dropout(h, { rate: o.dropout });
    h = moe(h, { experts: o.experts, k: o.k, hidden: o.expertHidden, balanced: true, wThreshold: o.wThreshold });
    h = dropout(h, { rate: o.dropout });
    h = lstm(h, { hidden: o.width });
    h = dropout(h, { rate: o.dropout });
    const logits = dense(h, { units: o.vocab, name: 'logits' });
    return softmaxCrossEntropy(logits, targets);
  },
});
