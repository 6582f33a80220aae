/**
 * The unigram perplexity baseline that a language model must beat: token probabilities estimated
 * from the training stream with add-one (Laplace) smoothing over the whole vocabulary,
 * p(w) = (count(w) + 1) / (N + |V|), where N is the number of training tokens and |V| the
 * vocabulary size including `<unk>` and `<eos>` (both are counted like words), and the perplexity
 * of a stream under it, exp(−(1/M) Σ log p(wᵢ)) over its M tokens.
 */

/** A unigram model over ids 0 … size−1. */
export interface UnigramModel {
  /** Vocabulary size |V|. */
  readonly size: number;
  /** Smoothed log-probability of every id. */
  readonly logProb: Float64Array;
}

/** The add-one-smoothed unigram model of `trainIds` over a vocabulary of `size` ids. */
export function fitUnigram(trainIds: ArrayLike<number>, size: number): UnigramModel {
  if (!Number.isInteger(size) || size < 1) throw new Error(`fitUnigram: vocabulary size must be a positive integer, got ${size}`);
  const counts = new Float64Array(size);
  for (let i = 0; i < trainIds.length; i++) {
    const w = trainIds[i]!;
    if (!(w >= 0 && w < size)) throw new Error(`fitUnigram: id ${w} at position ${i} is outside the vocabulary of ${size}`);
    counts[w]! += 1;
  }
  const denom = Math.log(trainIds.length + size);
  const logProb = new Float64Array(size);
  for (let w = 0; w < size; w++) logProb[w] = Math.log(counts[w]! + 1) - denom;
  return { size, logProb };
}

/** Perplexity of `model` on `ids` (exp of the mean negative log-probability); throws on an empty stream. */
export function unigramPerplexity(model: UnigramModel, ids: ArrayLike<number>): number {
  if (ids.length === 0) throw new Error('unigramPerplexity: the evaluation stream is empty');
  let nll = 0;
  for (let i = 0; i < ids.length; i++) {
    const w = ids[i]!;
    const lp = model.logProb[w];
    if (lp === undefined) throw new Error(`unigramPerplexity: id ${w} at position ${i} is outside the vocabulary of ${model.size}`);
    nll -= lp;
  }
  return Math.exp(nll / ids.length);
}
