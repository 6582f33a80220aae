/**
 * The text ↔ token-id codec a language model is trained with, chosen by `moec train --tokenizer`:
 * `word` — the word-level vocabulary of runtime/data/tokenizer.ts (lowercased words and
 * punctuation, unknown words → `<unk>`), or `bpe` — a byte-level BPE learnt from the train split
 * (runtime/data/bpe.ts; every text encodes, decode(encode(t)) = t). Both put `<unk>` at id 0 and
 * `<eos>` at id 1, append one `<eos>` per document, and serialise to JSON, which the checkpoint
 * stores as data (metadata `vocabulary`), so `eval`, `generate` and `loadModel` encode and decode
 * exactly as training did. `codecFromJson` tells the two formats apart by their format tag.
 */
import { BPE_FORMAT, bpeFromJson, trainBpe, type Bpe, type HfTokenizerJson } from './bpe.ts';
import { buildVocabulary, decode as decodeWords, encodeDocuments as encodeWordDocuments, EOS, tokenize, vocabularyFromJson, vocabularyToJson, type Vocabulary, type VocabularyJson } from './tokenizer.ts';

/** The tokenizers `--tokenizer` accepts. */
export type TokenizerKind = 'word' | 'bpe';
/** The `--tokenizer` choices. */
export const TOKENIZER_KINDS: readonly TokenizerKind[] = ['word', 'bpe'];

/** The serialised BPE codec (the checkpoint's `vocabulary` metadata). */
export interface BpeCodecJson {
  readonly format: typeof BPE_FORMAT;
  /** A Hugging Face `tokenizer.json` object. */
  readonly tokenizer: HfTokenizerJson;
}
/** Either serialised codec. */
export type CodecJson = VocabularyJson | BpeCodecJson;

/** Turns generated ids into text as they come (for streaming to a terminal). */
export interface TextStream {
  /** The text to print for the next id (`<eos>` prints as a line break; may be '' while a character is incomplete). */
  push(id: number): string;
}

/** A tokenizer with its vocabulary. */
export interface TextCodec {
  readonly kind: TokenizerKind;
  /** Number of ids. */
  readonly size: number;
  /** The id of `<eos>`. */
  readonly eos: number;
  /** Every token by id, as the vocabulary spells it. */
  readonly vocabulary: Vocabulary;
  /** Ids of `text` (no `<eos>`). */
  encode(text: string): number[];
  /** The concatenated ids of `texts`, each followed by `<eos>`. */
  encodeDocuments(texts: Iterable<string>): Int32Array;
  /** The text of `ids` (word: tokens joined by spaces; bpe: the exact bytes). */
  decode(ids: readonly number[]): string;
  /** A fresh streaming decoder. */
  stream(): TextStream;
  /** The JSON form (stored in checkpoints). */
  toJson(): CodecJson;
}

function wordCodec(vocab: Vocabulary): TextCodec {
  const eos = vocab.id(EOS);
  return {
    kind: 'word',
    size: vocab.size,
    eos,
    vocabulary: vocab,
    encode: (text) => tokenize(text).map((t) => vocab.id(t)),
    encodeDocuments: (texts) => encodeWordDocuments(vocab, texts),
    decode: (ids) => decodeWords(vocab, ids),
    stream: () => ({ push: (id) => (id === eos ? '\n' : ` ${vocab.tokens[id]}`) }),
    toJson: () => vocabularyToJson(vocab),
  };
}

function bpeCodec(bpe: Bpe): TextCodec {
  const ids = new Map(bpe.tokens.map((t, i) => [t, i]));
  const vocabulary: Vocabulary = { tokens: bpe.tokens, size: bpe.size, id: (t) => ids.get(t) ?? 0 };
  const eos = 1;
  const check = (id: number): void => {
    if (!(Number.isInteger(id) && id >= 0 && id < bpe.size)) throw new Error(`decode: id ${id} is outside the vocabulary of ${bpe.size}`);
  };
  return {
    kind: 'bpe',
    size: bpe.size,
    eos,
    vocabulary,
    encode: (text) => bpe.encode(text),
    encodeDocuments(texts) {
      const parts: number[][] = [];
      for (const t of texts) parts.push(bpe.encode(t));
      const out = new Int32Array(parts.reduce((n, p) => n + p.length + 1, 0));
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        out[at + p.length] = eos;
        at += p.length + 1;
      }
      return out;
    },
    decode: (list) => {
      list.forEach(check);
      return bpe.decode(list);
    },
    stream() {
      // Decode the ids since the last `<eos>` together and print what was not printed yet, holding
      // back while the text ends in an incomplete UTF-8 sequence (decoded as U+FFFD).
      let pending: number[] = [];
      let printed = 0;
      return {
        push(id) {
          check(id);
          if (id === eos) {
            pending = [];
            printed = 0;
            return '\n';
          }
          pending.push(id);
          const text = bpe.decode(pending);
          if (text.endsWith('\uFFFD')) return '';
          const piece = text.slice(printed);
          printed = text.length;
          return piece;
        },
      };
    },
    toJson: () => ({ format: BPE_FORMAT, tokenizer: bpe.json }),
  };
}

/**
 * Builds the codec `kind` from the training texts with `size` ids in all (word: `size − 2` words;
 * bpe: `size − 258` merges). Throws when the texts cannot fill `size` ids, naming the largest size.
 */
export function buildCodec(kind: TokenizerKind, trainTexts: readonly string[], size: number): TextCodec {
  const codec = kind === 'bpe' ? bpeCodec(trainBpe(trainTexts, size)) : wordCodec(buildVocabulary(trainTexts, size - 2));
  if (codec.size !== size) {
    throw new Error(
      kind === 'bpe'
        ? `the training split supports only ${codec.size} BPE ids (no pair of symbols occurs twice more); use --set vocab=${codec.size} or less`
        : `the training split has only ${codec.size - 2} distinct words; use --set vocab=${codec.size} or less`,
    );
  }
  return codec;
}

/** Restores a codec from its JSON form (checkpoint metadata); throws on a malformed one. */
export function codecFromJson(json: unknown): TextCodec {
  const o = (typeof json === 'string' ? JSON.parse(json) : json) as { format?: unknown } | null;
  if (o && typeof o === 'object' && o.format === BPE_FORMAT) return bpeCodec(bpeFromJson((o as BpeCodecJson).tokenizer));
  return wordCodec(vocabularyFromJson(o as VocabularyJson));
}

