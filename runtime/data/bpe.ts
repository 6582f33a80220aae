/**
 * Byte-level BPE (Sennrich et al. 2016, GPT-2's byte-level variant) for `--tokenizer bpe`. Encoding
 * and decoding are done by `@huggingface/tokenizers` (Hugging Face's pure-JS tokenizers, zero
 * dependencies), from a standard Hugging Face `tokenizer.json` object that the checkpoint stores as
 * data. No maintained pure-JS package TRAINS a BPE vocabulary (the Hugging Face Rust bindings do, but
 * ship 64 MB of native binaries and expose no vocabulary size in Node), so the merges are learnt
 * here — and only the learning: the training words are the library's own ByteLevel pre-tokens of
 * the train split (so training and encoding split text identically), counted, then the most
 * frequent adjacent symbol pair is merged repeatedly (pair counts kept incrementally, a max-heap with
 * lazy deletion) until the vocabulary has the requested size or no pair occurs twice. Ties are broken
 * by the pair's text (code-unit order), so the vocabulary is the same for every order of the
 * documents and on every machine. Ids: `<unk>` 0 and `<eos>` 1 (plain vocabulary entries: the
 * pre-tokenizer splits `<` from letters, so no text can ever encode to them), then the 256 byte
 * symbols in byte order, then one id per merge in merge order. No normaliser: decode(encode(t)) = t.
 */
import { Tokenizer } from '@huggingface/tokenizers';

/** Format tag of a serialised BPE tokenizer. */
export const BPE_FORMAT = 'moec.bpe/1';
const UNK = '<unk>';
const EOS = '<eos>';
/** Ids before the merges: `<unk>`, `<eos>` and the 256 byte symbols. */
export const BPE_BASE_SIZE = 2 + 256;

/** GPT-2's byte → printable character map (bytes that print as themselves keep their code point). */
function byteSymbols(): string[] {
  const keep = (b: number): boolean => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const out: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) out.push(String.fromCodePoint(keep(b) ? b : 256 + extra++));
  return out;
}

const BYTE_LEVEL = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true } as const;

/** The Hugging Face `tokenizer.json` object of a byte-level BPE with `merges` (in merge order). */
function tokenizerJson(merges: readonly (readonly [string, string])[]): HfTokenizerJson {
  const vocab: Record<string, number> = { [UNK]: 0, [EOS]: 1 };
  for (const s of byteSymbols()) vocab[s] = Object.keys(vocab).length;
  for (const [a, b] of merges) vocab[a + b] = Object.keys(vocab).length;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: BYTE_LEVEL,
    post_processor: null,
    decoder: BYTE_LEVEL,
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: merges.map(([a, b]) => [a, b]) },
  };
}

/** The parts of a Hugging Face `tokenizer.json` moec writes (the file format, stored as data). */
export interface HfTokenizerJson {
  readonly version: string;
  readonly model: { readonly type: 'BPE'; readonly vocab: Record<string, number>; readonly merges: readonly (readonly [string, string])[]; readonly [k: string]: unknown };
  readonly [k: string]: unknown;
}

/** A trained byte-level BPE: the library's tokenizer and its serialised form. */
export interface Bpe {
  /** Every token by id (byte-level symbols, e.g. `Ġthe`). */
  readonly tokens: readonly string[];
  readonly size: number;
  /** Token ids of `text` (no `<eos>`). */
  encode(text: string): number[];
  /** The text of `ids` (`<eos>` and `<unk>` as their names). */
  decode(ids: readonly number[]): string;
  /** The `tokenizer.json` object (what the checkpoint stores). */
  readonly json: HfTokenizerJson;
}

/** Wraps a `tokenizer.json` object in the library's tokenizer; throws naming what is malformed. */
export function bpeFromJson(json: HfTokenizerJson): Bpe {
  const vocab = json?.model?.vocab;
  if (json?.model?.type !== 'BPE' || !vocab || typeof vocab !== 'object' || !Array.isArray(json.model.merges)) throw new Error('BPE tokenizer: expected a Hugging Face tokenizer.json object with a BPE model (vocab and merges)');
  const tokens: string[] = [];
  for (const [t, id] of Object.entries(vocab)) {
    if (!Number.isInteger(id) || id < 0 || tokens[id] !== undefined) throw new Error(`BPE tokenizer: token ${JSON.stringify(t)} has a bad or duplicate id ${id}`);
    tokens[id] = t;
  }
  if (tokens.length !== Object.keys(vocab).length || tokens[0] !== UNK || tokens[1] !== EOS) throw new Error(`BPE tokenizer: ids must be 0..${Object.keys(vocab).length - 1} with ${UNK} = 0 and ${EOS} = 1`);
  const tok = new Tokenizer(json, {});
  return {
    tokens,
    size: tokens.length,
    encode: (text) => tok.encode(text, { add_special_tokens: false }).ids,
    decode: (ids) => (ids.length === 0 ? '' : tok.decode([...ids], { skip_special_tokens: false, clean_up_tokenization_spaces: false })),
    json,
  };
}

/** A max-heap of pair keys by (count desc, text asc), with stale entries skipped by the caller. */
class PairHeap {
  private readonly items: { key: number; count: number }[] = [];
  constructor(private readonly before: (a: { key: number; count: number }, b: { key: number; count: number }) => boolean) {}
  get length(): number {
    return this.items.length;
  }
  push(key: number, count: number): void {
    const h = this.items;
    h.push({ key, count });
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): { key: number; count: number } {
    const h = this.items;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.before(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

const PAIR = 1 << 20; // symbol ids stay below this (vocabularies of up to a million)

/**
 * Learns a byte-level BPE of `size` ids (`<unk>`, `<eos>`, 256 bytes, then merges) from the
 * training `documents`. Stops early when no pair occurs twice: the result is then smaller.
 */
export function trainBpe(documents: Iterable<string>, size: number): Bpe {
  if (!Number.isInteger(size) || size < BPE_BASE_SIZE || size >= PAIR) throw new Error(`--tokenizer bpe needs a vocabulary of ${BPE_BASE_SIZE} (<unk>, <eos> and the 256 bytes) to ${PAIR - 1} ids; got vocab=${size}: use --set vocab=${Math.max(BPE_BASE_SIZE, 4096)} or so`);
  const pre = new Tokenizer(tokenizerJson([]), {}).pre_tokenizer!;
  const counts = new Map<string, number>();
  for (const text of documents) for (const w of pre.pre_tokenize(text)) counts.set(w, (counts.get(w) ?? 0) + 1);

  const symbols = byteSymbols();
  const symbolId = new Map(symbols.map((s, i) => [s, i]));
  const text: string[] = [...symbols]; // symbol id → its text (bytes first, then merges)
  const words = [...counts.entries()].map(([w, n]) => ({ syms: [...w].map((c) => symbolId.get(c)!), n }));
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const before = (a: { key: number; count: number }, b: { key: number; count: number }): boolean => {
    if (a.count !== b.count) return a.count > b.count;
    const ta = text[Math.floor(a.key / PAIR)]! + '\u0000' + text[a.key % PAIR]!;
    const tb = text[Math.floor(b.key / PAIR)]! + '\u0000' + text[b.key % PAIR]!;
    return ta < tb;
  };
  const heap = new PairHeap(before);
  const add = (key: number, by: number, word: number): void => {
    pairCount.set(key, (pairCount.get(key) ?? 0) + by);
    if (by > 0) {
      let s = pairWords.get(key);
      if (!s) pairWords.set(key, (s = new Set()));
      s.add(word);
    }
  };
  words.forEach((w, i) => {
    for (let j = 0; j + 1 < w.syms.length; j++) add(w.syms[j]! * PAIR + w.syms[j + 1]!, w.n, i);
  });
  for (const [key, c] of pairCount) heap.push(key, c);

  const merges: [string, string][] = [];
  const wanted = size - BPE_BASE_SIZE;
  while (merges.length < wanted && heap.length > 0) {
    const top = heap.pop();
    const current = pairCount.get(top.key) ?? 0;
    if (current !== top.count) continue; // stale entry: the pair's count changed since it was pushed
    if (current < 2) break;
    const a = Math.floor(top.key / PAIR);
    const b = top.key % PAIR;
    const merged = text.length;
    text.push(text[a]! + text[b]!);
    merges.push([text[a]!, text[b]!]);
    const changed = new Set<number>();
    for (const wi of [...(pairWords.get(top.key) ?? [])].sort((x, y) => x - y)) {
      const w = words[wi]!;
      const next: number[] = [];
      let hit = false;
      for (let j = 0; j < w.syms.length; j++) {
        if (j + 1 < w.syms.length && w.syms[j] === a && w.syms[j + 1] === b) {
          next.push(merged);
          j++;
          hit = true;
        } else next.push(w.syms[j]!);
      }
      if (!hit) continue;
      for (let j = 0; j + 1 < w.syms.length; j++) {
        const k = w.syms[j]! * PAIR + w.syms[j + 1]!;
        add(k, -w.n, wi);
        changed.add(k);
      }
      for (let j = 0; j + 1 < next.length; j++) {
        const k = next[j]! * PAIR + next[j + 1]!;
        add(k, w.n, wi);
        changed.add(k);
      }
      w.syms = next;
    }
    pairWords.delete(top.key);
    for (const k of changed) {
      const c = pairCount.get(k)!;
      if (c > 0) heap.push(k, c);
      else pairCount.delete(k);
    }
  }
  return bpeFromJson(tokenizerJson(merges));
}
