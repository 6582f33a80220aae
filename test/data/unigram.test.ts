/** Unigram baseline with add-one smoothing on a toy corpus, checked against a hand computation. */
import { describe, expect, it } from 'vitest';
import { fitUnigram, unigramPerplexity } from '../../runtime/data/unigram.ts';

describe('unigram baseline', () => {
  it('matches the hand-computed add-one perplexity', () => {
    // vocabulary of 4 ids; train counts: id0 ×0, id1 ×1, id2 ×3, id3 ×0 (N = 4, N + |V| = 8)
    const m = fitUnigram([2, 1, 2, 2], 4);
    expect(Array.from(m.logProb, Math.exp)).toEqual([1 / 8, 2 / 8, 4 / 8, 1 / 8].map((p) => expect.closeTo(p, 12)));
    // eval [2, 3]: p = 1/2, 1/8 → ppl = (1/2 · 1/8)^(-1/2) = 4
    expect(unigramPerplexity(m, [2, 3])).toBeCloseTo(4, 12);
    // a uniform model over 4 ids has perplexity 4 anywhere
    expect(unigramPerplexity(fitUnigram([], 4), [0, 1, 3])).toBeCloseTo(4, 12);
  });
  it('rejects ids outside the vocabulary and empty evaluation streams', () => {
    expect(() => fitUnigram([4], 4)).toThrow(/outside/);
    expect(() => unigramPerplexity(fitUnigram([0], 4), [9])).toThrow(/outside/);
    expect(() => unigramPerplexity(fitUnigram([0], 4), [])).toThrow(/empty/);
  });
});
