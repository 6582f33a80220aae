/**
 * The byte-level BPE tokenizer (`--tokenizer bpe`): its merges equal those of a brute-force
 * reference trainer written here (recount every pair after every merge: the textbook algorithm of
 * Sennrich et al. 2016, with the same tie rule), the vocabulary does not depend on the order of
 * the training documents, every text round-trips exactly (accents, CJK, emoji, control characters,
 * runs of spaces), the serialised form (what the checkpoint stores) restores the same encoder,
 * the streaming decoder prints exactly the decoded text even when a character's bytes span tokens,
 * and a vocabulary below the 258 fixed ids is refused with the fix.
 */
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '@huggingface/tokenizers';
import { BPE_BASE_SIZE, trainBpe } from '../../runtime/data/bpe.ts';
import { buildCodec, codecFromJson } from '../../runtime/data/text-codec.ts';

const docs = [
  'The whale! The whale, said Ahab; the white whale swims there.',
  'Call me Ishmael. Some years ago — never mind how long precisely — having little money,',
  'there there there: the theme of the thesis is that these themes are there.',
  'naïve café résumé, 東京 and 北京, emoji 🐋🐳 and tabs\tand  double  spaces\n\nnew paragraphs.',
];

/** The textbook trainer: after every merge, recount every adjacent pair of every word. */
function referenceMerges(texts: readonly string[], merges: number): [string, string][] {
  const pre = new Tokenizer(
    { version: '1.0', normalizer: null, pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true }, decoder: null, post_processor: null, model: { type: 'BPE', vocab: {}, merges: [] }, added_tokens: [] },
    {},
  ).pre_tokenizer!;
  const counts = new Map<string, number>();
  for (const t of texts) for (const w of pre.pre_tokenize(t)) counts.set(w, (counts.get(w) ?? 0) + 1);
  let words = [...counts].map(([w, n]) => ({ syms: [...w], n }));
  const out: [string, string][] = [];
  while (out.length < merges) {
    const pairs = new Map<string, { a: string; b: string; n: number }>();
    for (const w of words) {
      for (let i = 0; i + 1 < w.syms.length; i++) {
        const key = `${w.syms[i]}\u0000${w.syms[i + 1]}`;
        const p = pairs.get(key) ?? { a: w.syms[i]!, b: w.syms[i + 1]!, n: 0 };
        p.n += w.n;
        pairs.set(key, p);
      }
    }
    const best = [...pairs].sort((x, y) => y[1].n - x[1].n || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))[0];
    if (!best || best[1].n < 2) break;
    const { a, b } = best[1];
    out.push([a, b]);
    words = words.map((w) => {
      const syms: string[] = [];
      for (let i = 0; i < w.syms.length; i++) {
        if (i + 1 < w.syms.length && w.syms[i] === a && w.syms[i + 1] === b) {
          syms.push(a + b);
          i++;
        } else syms.push(w.syms[i]!);
      }
      return { syms, n: w.n };
    });
  }
  return out;
}

describe('byte-level BPE', () => {
  it('learns the merges of the brute-force reference trainer, in order', () => {
    const bpe = trainBpe(docs, BPE_BASE_SIZE + 30);
    const ref = referenceMerges(docs, 30);
    expect(ref.length).toBe(30);
    expect(bpe.json.model.merges).toEqual(ref);
    expect(bpe.size).toBe(BPE_BASE_SIZE + 30);
    expect(bpe.tokens[0]).toBe('<unk>');
    expect(bpe.tokens[1]).toBe('<eos>');
    // A frequent word is one token: the merges are applied by the library's encoder.
    expect(bpe.encode(' there').length).toBe(1);
  });

  it('stops when no pair occurs twice, and the vocabulary does not depend on document order', () => {
    const a = trainBpe(docs, 5000);
    const b = trainBpe([...docs].reverse(), 5000);
    expect(a.size).toBeLessThan(5000);
    expect(JSON.stringify(b.json)).toBe(JSON.stringify(a.json));
    expect(a.json.model.merges).toEqual(referenceMerges(docs, 5000));
  });

  it('round-trips every text exactly, including text unlike the training split', () => {
    const bpe = trainBpe(docs, BPE_BASE_SIZE + 60);
    const texts = [...docs, '', ' ', 'Ünïcødé ✓ 𝔘𝔫𝔦 👩‍👩‍👧 \u0000\u0007 end', 'ALL CAPS <eos> and <unk> are just text', '  leading and trailing  ', 'x'.repeat(500)];
    for (const t of texts) {
      const ids = bpe.encode(t);
      expect(ids.every((id) => id >= 2 && id < bpe.size)).toBe(true); // no <unk>: byte level
      expect(bpe.decode(ids)).toBe(t);
    }
    // Merges shorten the training text well below its byte count.
    const bytes = Buffer.byteLength(docs[2]!);
    expect(bpe.encode(docs[2]!).length).toBeLessThan(bytes / 2);
  });

  it('restores the same encoder from its JSON (as the checkpoint stores it) and streams exact text', () => {
    const codec = buildCodec('bpe', docs, BPE_BASE_SIZE + 30);
    const back = codecFromJson(JSON.parse(JSON.stringify(codec.toJson())));
    expect(back.kind).toBe('bpe');
    for (const t of docs) expect(back.encode(t)).toEqual(codec.encode(t));
    const stream = back.encodeDocuments(docs);
    expect(stream.filter((id) => id === back.eos).length).toBe(docs.length);
    // Streaming decode: pieces concatenate to the decoded text; 🐋 is 4 bytes split over byte tokens.
    const ids = codec.encode('emoji 🐋🐳 東京');
    expect(ids.length).toBeGreaterThan(6);
    const s = back.stream();
    const pieces = ids.map((id) => s.push(id));
    expect(pieces.join('')).toBe('emoji 🐋🐳 東京');
    expect(pieces.some((p) => p === '')).toBe(true); // held back while a character was incomplete
    expect(s.push(back.eos)).toBe('\n');
  });

  it('the word codec keeps the word-level behaviour', () => {
    const codec = buildCodec('word', docs, 12);
    expect(codec.kind).toBe('word');
    expect(codec.decode(codec.encode('The whale, the whale'))).toBe('the whale , the whale');
    expect(codecFromJson(codec.toJson()).encode('there there')).toEqual(codec.encode('there there'));
  });

  it('refuses a vocabulary below its fixed ids and one the split cannot fill', () => {
    expect(() => buildCodec('bpe', docs, 100)).toThrow(/--tokenizer bpe needs a vocabulary of 258.*--set vocab=/);
    expect(() => buildCodec('bpe', docs, 5000)).toThrow(/supports only \d+ BPE ids.*--set vocab=\d+ or less/);
  });
});
