/**
 * The real corpora from their installed npm packages: SOTU split by year (train < 1990 ≤
 * validation ≤ 2000 < test) and Moby Dick by position in the book, document counts, determinism of
 * the split and of the V = 10000 vocabulary, token counts and the unigram baseline. The SOTU
 * training texts are tokenised once per vocabulary build and the splits encoded once.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus, type Corpus } from '../../runtime/data/corpus.ts';
import { buildVocabulary, encodeDocuments, type Vocabulary } from '../../runtime/data/tokenizer.ts';
import { fitUnigram, unigramPerplexity } from '../../runtime/data/unigram.ts';

describe('SOTU corpus', () => {
  let sotu: Corpus;
  let vocab: Vocabulary;
  beforeAll(() => {
    sotu = loadCorpus('sotu');
    vocab = buildVocabulary(sotu.splits.train.map((d) => d.text), 10000);
  });

  it('loads every address with year and title, in file-name order', () => {
    expect(sotu.source).toMatch(/^@stdlib\/datasets-sotu@\d+\.\d+\.\d+$/);
    expect(sotu.documents).toHaveLength(233);
    expect(sotu.documents[0]).toMatchObject({ id: '1790_george_washington_n', title: '1790 George Washington', year: 1790 });
    expect(sotu.documents[0]!.text.startsWith('Fellow-Citizens of the Senate')).toBe(true);
    const years = sotu.documents.map((d) => d.year);
    expect(years).toEqual([...years].sort((a, b) => a - b));
  });

  it('splits by year into 201 train, 11 validation (1990–2000) and 21 test (2001–) addresses', () => {
    const { train, validation, test } = sotu.splits;
    expect([train.length, validation.length, test.length]).toEqual([201, 11, 21]);
    expect(train.every((d) => d.year < 1990)).toBe(true);
    expect(validation.map((d) => d.year)).toEqual([1990, 1991, 1992, 1993, 1994, 1995, 1996, 1997, 1998, 1999, 2000]);
    expect(test.every((d) => d.year > 2000)).toBe(true);
  });

  it('splits the same way on a second load', () => {
    const again = loadCorpus('sotu');
    for (const s of ['train', 'validation', 'test'] as const) expect(again.splits[s].map((d) => d.id)).toEqual(sotu.splits[s].map((d) => d.id));
  });

  it('builds the same V = 10000 vocabulary whatever the document order', () => {
    expect(vocab.size).toBe(10002);
    expect(vocab.tokens.slice(0, 6)).toEqual(['<unk>', '<eos>', 'the', 'of', ',', '.']);
    const reversed = buildVocabulary([...sotu.splits.train].reverse().map((d) => d.text), 10000);
    expect(reversed.tokens).toEqual(vocab.tokens);
  });

  it('has the pinned token counts, coverage and unigram test perplexity', () => {
    const ids = {
      train: encodeDocuments(vocab, sotu.splits.train.map((d) => d.text)),
      validation: encodeDocuments(vocab, sotu.splits.validation.map((d) => d.text)),
      test: encodeDocuments(vocab, sotu.splits.test.map((d) => d.text)),
    };
    expect([ids.train.length, ids.validation.length, ids.test.length]).toEqual([1773640, 83190, 141857]);
    const coverage = (x: Int32Array) => 1 - x.filter((w) => w === 0).length / x.length;
    expect(coverage(ids.train)).toBeGreaterThan(0.98);
    expect(coverage(ids.test)).toBeGreaterThan(0.94);
    const ppl = unigramPerplexity(fitUnigram(ids.train, vocab.size), ids.test);
    expect(ppl).toBeCloseTo(648.76, 1);
  });
});

describe('Moby Dick corpus', () => {
  it('loads the book in order and holds out its last 10% of sections as test, the 10% before as validation', () => {
    const md = loadCorpus('moby-dick');
    expect(md.documents).toHaveLength(138); // etymology, extracts, 135 chapters, epilogue
    expect(md.documents.map((d) => d.id).slice(0, 3)).toEqual(['etymology', 'extracts', 'chapter_1']);
    expect(md.documents[2]).toMatchObject({ title: 'Chapter 1: Loomings.', year: 1851 });
    expect(md.documents[2]!.text.startsWith('Call me Ishmael.')).toBe(true);
    const { train, validation, test } = md.splits;
    expect([train.length, validation.length, test.length]).toEqual([110, 14, 14]);
    expect(validation[0]!.id).toBe('chapter_109');
    expect(test[0]!.id).toBe('chapter_123');
    expect(test.at(-1)!.id).toBe('epilogue');
  });
  it('rejects an unknown corpus name', () => {
    expect(() => loadCorpus('ptb' as never)).toThrow(/unknown corpus "ptb"; known: sotu, moby-dick/);
  });
});
