/**
 * Your own text as a corpus (`moec train --data <path> --split 0.9,0.05,0.05`). A path is one of:
 * a `.jsonl`/`.ndjson` file — one document per line, the string field `text` of each JSON object;
 * a folder — every `.txt` file directly in it is one document (file name order); any other file —
 * plain text whose documents are its paragraphs (runs of lines separated by blank lines). Files are
 * streamed in fixed-size chunks (a 200 MB file is never held as one string: only its documents are
 * kept). The split is deterministic by document: each document's text is hashed (FNV-1a, 32 bits)
 * to u ∈ [0, 1) and lands in train, validation or test by the cumulative fractions — the same split
 * on every machine and for every order of the documents, and duplicate documents always share a
 * split. A corpus is named by a spec string `<absolute path>#split=<train>,<valid>,<test>`, which
 * checkpoints record so `moec eval` finds the same data and split again.
 */
import { fnv1a } from '../../ir/rng.ts';
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Corpus, CorpusDocument, SplitName } from './corpus.ts';

/** Train, validation and test fractions. */
export type SplitFractions = readonly [number, number, number];

/** The default `--split`. */
export const DEFAULT_SPLIT: SplitFractions = [0.9, 0.05, 0.05];

const SPEC_SPLIT = '#split=';

/** Parses `--split a,b,c`: three non-negative fractions summing to 1, train and validation > 0. */
export function parseSplit(text: string): SplitFractions {
  const parts = text.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p) || p < 0)) {
    throw new Error(`--split expects three non-negative fractions train,validation,test such as 0.9,0.05,0.05; got '${text}'`);
  }
  const sum = parts[0]! + parts[1]! + parts[2]!;
  if (Math.abs(sum - 1) > 1e-6) throw new Error(`--split fractions must sum to 1, got ${parts.join(' + ')} = ${sum}`);
  if (parts[0]! <= 0 || parts[1]! <= 0) throw new Error(`--split needs a train and a validation fraction above 0, got '${text}'`);
  return [parts[0]!, parts[1]!, parts[2]!];
}

/** The spec string of a text corpus at `path` (made absolute) with `split`. */
export function textCorpusSpec(path: string, split: SplitFractions = DEFAULT_SPLIT): string {
  return `${resolve(path)}${SPEC_SPLIT}${split.join(',')}`;
}

/** Splits a spec string back into its path and fractions (a bare path gets the default split). */
function parseTextCorpusSpec(spec: string): { path: string; split: SplitFractions } {
  const at = spec.lastIndexOf(SPEC_SPLIT);
  if (at < 0) return { path: spec, split: DEFAULT_SPLIT };
  return { path: spec.slice(0, at), split: parseSplit(spec.slice(at + SPEC_SPLIT.length)) };
}

/** A short display name of a spec: the file or folder name. */
export function textCorpusLabel(spec: string): string {
  return basename(parseTextCorpusSpec(spec).path);
}

/**
 * Calls `onLine` with every line of `file` (without its line break), reading `chunkBytes` at a
 * time and decoding UTF-8 across chunk boundaries.
 */
export function forEachLine(file: string, onLine: (line: string, lineNo: number) => void, chunkBytes = 1 << 20): void {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(chunkBytes);
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let lineNo = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, chunkBytes, null);
      const text = n > 0 ? decoder.write(buf.subarray(0, n)) : decoder.end();
      const lines = (pending + text).split('\n');
      pending = lines.pop()!;
      for (const l of lines) onLine(l.endsWith('\r') ? l.slice(0, -1) : l, ++lineNo);
      if (n === 0) break;
    }
    if (pending !== '') onLine(pending.endsWith('\r') ? pending.slice(0, -1) : pending, ++lineNo);
  } finally {
    closeSync(fd);
  }
}

function jsonlDocuments(file: string, chunkBytes?: number): CorpusDocument[] {
  const docs: CorpusDocument[] = [];
  const name = basename(file);
  forEachLine(
    file,
    (line, lineNo) => {
      if (line.trim() === '') return;
      let o: unknown;
      try {
        o = JSON.parse(line);
      } catch (e) {
        throw new Error(`${file}:${lineNo}: not JSON (${(e as Error).message}); a JSONL corpus has one JSON object per line`);
      }
      const text = (o as { text?: unknown } | null)?.text;
      if (typeof text !== 'string') throw new Error(`${file}:${lineNo}: the object has no string field "text"; each line must be like {"text": "..."}`);
      docs.push({ id: `${name}:${lineNo}`, title: `${name} line ${lineNo}`, year: 0, text });
    },
    chunkBytes,
  );
  return docs;
}

function paragraphDocuments(file: string, chunkBytes?: number): CorpusDocument[] {
  const docs: CorpusDocument[] = [];
  const name = basename(file);
  let lines: string[] = [];
  let first = 0;
  const flush = (): void => {
    if (lines.length > 0) docs.push({ id: `${name}:${first}`, title: `${name} line ${first}`, year: 0, text: lines.join('\n') });
    lines = [];
  };
  forEachLine(
    file,
    (line, lineNo) => {
      if (line.trim() === '') return flush();
      if (lines.length === 0) first = lineNo;
      lines.push(line);
    },
    chunkBytes,
  );
  flush();
  return docs;
}

function folderDocuments(dir: string): CorpusDocument[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.txt') && statSync(join(dir, f)).isFile())
    .sort();
  if (files.length === 0) throw new Error(`${dir} has no .txt files; a folder corpus is one document per .txt file directly in it`);
  return files.map((f) => ({ id: f.slice(0, -4), title: f, year: 0, text: readFileSync(join(dir, f), 'utf8') }));
}

/** FNV-1a (32 bits) of a string's UTF-16 code units, as a fraction in [0, 1). */
export function documentHash(text: string): number {
  return fnv1a(text) / 2 ** 32;
}

/** The split of a document with hash `u` under `fractions`. */
function splitOf(u: number, fractions: SplitFractions): SplitName {
  if (u < fractions[0]) return 'train';
  if (u < fractions[0] + fractions[1] || fractions[2] === 0) return 'validation';
  return 'test';
}

/** Options of `loadTextCorpus` (for tests: the streaming chunk size). */
export interface TextCorpusOptions {
  readonly chunkBytes?: number;
}

/** The documents at `path` (a folder, a JSONL file or a text file), in order, before any split. */
export function readTextDocuments(path: string, opts: TextCorpusOptions = {}): CorpusDocument[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new Error(`--data ${path}: no such file or folder`);
  }
  if (st.isDirectory()) return folderDocuments(path);
  return /\.(jsonl|ndjson)$/i.test(path) ? jsonlDocuments(path, opts.chunkBytes) : paragraphDocuments(path, opts.chunkBytes);
}

/** Loads a text corpus from a spec string (or a bare path, default split). */
export function loadTextCorpus(spec: string, opts: TextCorpusOptions = {}): Corpus {
  const { path, split } = parseTextCorpusSpec(spec);
  const documents = readTextDocuments(path, opts);
  const splits: Record<SplitName, CorpusDocument[]> = { train: [], validation: [], test: [] };
  for (const d of documents) splits[splitOf(documentHash(d.text), split)].push(d);
  for (const s of ['train', 'validation'] as const) {
    if (splits[s].length === 0) {
      throw new Error(
        `--data ${path}: the ${s} split is empty (${documents.length} documents, --split ${split.join(',')}); documents are split whole, so give more documents (a text file's documents are its blank-line-separated paragraphs) or a larger ${s} fraction`,
      );
    }
  }
  return { name: spec, source: path, documents, splits };
}
