/**
 * Word-level tokenizer and vocabulary. Tokenising: the text is Unicode-normalised (NFKC), curly
 * apostrophes (’ ‘) become `'`, and it is lowercased; a word is a maximal run of letters and digits
 * that may contain single apostrophes between letters/digits (`don't`, `nation's` stay one token; a
 * leading or trailing apostrophe is punctuation); every other non-space character — `.` `,` `-` `—`
 * `;` `"` `(` … — is a token on its own (so `fellow-citizens` is `fellow - citizens` and `1,000` is
 * `1 , 000`); whitespace only separates. One `<eos>` is appended at the end of every document (not
 * of every sentence: abbreviations such as `Mr.` make sentence ends ambiguous). The vocabulary is
 * `<unk>` (id 0), `<eos>` (id 1), then the V most frequent training words, most frequent first,
 * ties broken by code-unit order of the word, so it is the same on every machine; words outside it
 * encode to `<unk>`. A vocabulary serialises to JSON (for checkpoint metadata) and is restored from
 * it with validation.
 */

/** The unknown-word token (id 0). */
export const UNK = '<unk>';
/** The end-of-document token (id 1). */
export const EOS = '<eos>';
/** Format tag of the serialised vocabulary. */
const VOCABULARY_FORMAT = 'moec.vocabulary/1';

const TOKEN = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu;

/** Splits `text` into word and punctuation tokens (normalised, lowercased; no `<eos>`). */
export function tokenize(text: string): string[] {
  const norm = text.normalize('NFKC').replace(/[\u2018\u2019]/g, "'").toLowerCase();
  return norm.match(TOKEN) ?? [];
}

/** A vocabulary: `<unk>`, `<eos>`, then words by decreasing training frequency. */
export interface Vocabulary {
  /** Every token by id (`tokens[0] === '<unk>'`, `tokens[1] === '<eos>'`). */
  readonly tokens: readonly string[];
  /** Number of ids (V + 2). */
  readonly size: number;
  /** Id of a token, or 0 (`<unk>`) when it is not in the vocabulary. */
  id(token: string): number;
}

/** The serialised form of a vocabulary. */
export interface VocabularyJson {
  readonly format: typeof VOCABULARY_FORMAT;
  /** Every token by id, `<unk>` and `<eos>` first. */
  readonly tokens: readonly string[];
}

function makeVocabulary(tokens: readonly string[]): Vocabulary {
  const ids = new Map<string, number>();
  tokens.forEach((t, i) => ids.set(t, i));
  return { tokens, size: tokens.length, id: (t) => ids.get(t) ?? 0 };
}

/**
 * The vocabulary of the `maxWords` most frequent tokens of `documents` (the training texts), ties
 * broken by code-unit order, plus `<unk>` and `<eos>`. Fewer words when the texts have fewer.
 */
export function buildVocabulary(documents: Iterable<string>, maxWords: number): Vocabulary {
  if (!Number.isInteger(maxWords) || maxWords < 0) throw new Error(`buildVocabulary: maxWords must be a non-negative integer, got ${maxWords}`);
  const counts = new Map<string, number>();
  for (const text of documents) for (const t of tokenize(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
  const words = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, maxWords)
    .map(([w]) => w);
  return makeVocabulary([UNK, EOS, ...words]);
}

/** Token ids of one document: its tokens, then `<eos>`. */
export function encodeDocument(vocab: Vocabulary, text: string): Int32Array {
  const toks = tokenize(text);
  const out = new Int32Array(toks.length + 1);
  toks.forEach((t, i) => (out[i] = vocab.id(t)));
  out[toks.length] = vocab.id(EOS);
  return out;
}

/** The concatenated ids of `texts` (each followed by `<eos>`), in order. */
export function encodeDocuments(vocab: Vocabulary, texts: Iterable<string>): Int32Array {
  const parts = [...texts].map((t) => encodeDocument(vocab, t));
  const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The tokens of `ids` joined by single spaces (the tokenised, lowercased text; unknown words as `<unk>`). */
export function decode(vocab: Vocabulary, ids: ArrayLike<number>): string {
  const out: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const t = vocab.tokens[ids[i]!];
    if (t === undefined) throw new Error(`decode: id ${ids[i]} at position ${i} is outside the vocabulary of ${vocab.size}`);
    out.push(t);
  }
  return out.join(' ');
}

/** The JSON form of `vocab` (`JSON.stringify` it for checkpoint metadata). */
export function vocabularyToJson(vocab: Vocabulary): VocabularyJson {
  return { format: VOCABULARY_FORMAT, tokens: [...vocab.tokens] };
}

/** Restores a vocabulary from its JSON form (object or string); throws on a malformed one. */
export function vocabularyFromJson(json: VocabularyJson | string): Vocabulary {
  let v: unknown = json;
  if (typeof json === 'string') {
    try {
      v = JSON.parse(json);
    } catch (e) {
      throw new Error(`vocabulary JSON does not parse: ${(e as Error).message}`);
    }
  }
  const o = v as Partial<VocabularyJson> | null;
  if (!o || typeof o !== 'object' || o.format !== VOCABULARY_FORMAT) throw new Error(`not a vocabulary: expected format ${JSON.stringify(VOCABULARY_FORMAT)}`);
  const tokens = o.tokens;
  if (!Array.isArray(tokens) || tokens.some((t) => typeof t !== 'string')) throw new Error('vocabulary: tokens must be an array of strings');
  if (tokens[0] !== UNK || tokens[1] !== EOS) throw new Error(`vocabulary: tokens must start with ${UNK}, ${EOS}`);
  if (new Set(tokens).size !== tokens.length) throw new Error('vocabulary: duplicate tokens');
  return makeVocabulary([...tokens]);
}
