/**
 * Word tokenizer and vocabulary: case folding, punctuation split off (apostrophes inside words
 * kept), unknown words to `<unk>`, one `<eos>` per document, frequency-then-alphabetical
 * vocabulary order that does not depend on document order, and the JSON round trip.
 */
import { describe, expect, it } from 'vitest';
import {
  buildVocabulary,
  decode,
  encodeDocument,
  encodeDocuments,
  EOS,
  tokenize,
  UNK,
  vocabularyFromJson,
  vocabularyToJson,
} from '../../runtime/data/tokenizer.ts';

describe('tokenize', () => {
  it('lowercases and splits on whitespace', () => {
    expect(tokenize('The  Union\tis\nStrong')).toEqual(['the', 'union', 'is', 'strong']);
  });
  it('splits off punctuation as tokens and keeps apostrophes inside words', () => {
    expect(tokenize("Fellow-Citizens: we don't fear; the nation’s \"duty\" (1,000).")).toEqual([
      'fellow', '-', 'citizens', ':', 'we', "don't", 'fear', ';', 'the', "nation's", '"', 'duty', '"', '(', '1', ',', '000', ')', '.',
    ]);
  });
  it('treats leading and trailing apostrophes and dashes as punctuation', () => {
    expect(tokenize("'tis the sailors' way—ahoy")).toEqual(["'", 'tis', 'the', 'sailors', "'", 'way', '—', 'ahoy']);
  });
  it('gives nothing for empty or blank text', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize(' \n\t ')).toEqual([]);
  });
});

describe('vocabulary', () => {
  const docs = ['b a c a', 'c b a d', 'e'];
  it('orders words by frequency, ties alphabetically, after <unk> and <eos>', () => {
    // a:3, b:2, c:2, d:1, e:1
    expect(buildVocabulary(docs, 10).tokens).toEqual([UNK, EOS, 'a', 'b', 'c', 'd', 'e']);
    expect(buildVocabulary(docs, 3).tokens).toEqual([UNK, EOS, 'a', 'b', 'c']);
  });
  it('does not depend on the order of the documents', () => {
    expect(buildVocabulary([...docs].reverse(), 4).tokens).toEqual(buildVocabulary(docs, 4).tokens);
  });
  it('encodes unknown words as <unk> and appends one <eos> per document', () => {
    const v = buildVocabulary(docs, 2); // a, b
    expect(Array.from(encodeDocument(v, 'A z B.'))).toEqual([2, 0, 3, 0, 1]);
    expect(Array.from(encodeDocuments(v, ['a', 'b b']))).toEqual([2, 1, 3, 3, 1]);
    expect(Array.from(encodeDocument(v, ''))).toEqual([1]);
    expect(decode(v, encodeDocument(v, 'A z B.'))).toBe('a <unk> b <unk> <eos>');
  });
  it('rejects out-of-range ids when decoding', () => {
    expect(() => decode(buildVocabulary(docs, 2), [7])).toThrow(/id 7 .* outside the vocabulary of 4/);
  });
  it('round-trips through JSON and validates it', () => {
    const v = buildVocabulary(docs, 4);
    const back = vocabularyFromJson(JSON.stringify(vocabularyToJson(v)));
    expect(back.tokens).toEqual(v.tokens);
    expect(back.id('c')).toBe(v.id('c'));
    expect(back.id('zzz')).toBe(0);
    expect(() => vocabularyFromJson('{')).toThrow(/does not parse/);
    expect(() => vocabularyFromJson({ format: 'moec.vocabulary/1', tokens: ['a', UNK, EOS] })).toThrow(/start with/);
    expect(() => vocabularyFromJson(JSON.stringify({ tokens: [UNK, EOS] }))).toThrow(/not a vocabulary/);
  });
});
