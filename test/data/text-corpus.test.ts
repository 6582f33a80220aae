/**
 * Your own text as a corpus (runtime/data/text-corpus.ts): the three input forms (a text file split
 * into paragraphs, a folder of .txt files, JSONL with `text`), streaming across chunk boundaries
 * (multi-byte characters and CRLF split by a 3-byte chunk), the deterministic by-document split
 * (FNV-1a checked against the published test vectors; fractions respected over many documents;
 * independent of document order; duplicates share a split), the errors, and end to end through
 * `moec train --data file.txt` → checkpoint whose vocabulary holds only training-split words →
 * `moec eval` finding the same data and split from the checkpoint.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../runtime/data/corpus.ts';
import { documentHash, forEachLine, loadTextCorpus, parseSplit, readTextDocuments, textCorpusSpec } from '../../runtime/data/text-corpus.ts';
import { loadCheckpoint } from '../../runtime/checkpoint.ts';
import { tokenize } from '../../runtime/data/tokenizer.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmp = (): string => mkdtempSync(join(tmpdir(), 'moec-text-'));

describe('text corpora', () => {
  it('streams lines across chunk boundaries (UTF-8 split mid-character, CRLF)', () => {
    const text = 'naïve café\r\n漢字 😀 x\n\nlast line without break';
    const file = join(tmp(), 'a.txt');
    writeFileSync(file, text);
    for (const chunk of [1, 2, 3, 7, 1 << 20]) {
      const lines: string[] = [];
      forEachLine(file, (l) => lines.push(l), chunk);
      expect(lines, `chunk ${chunk}`).toEqual(text.split(/\r?\n/));
    }
  });

  it('a text file is split into paragraphs; a folder into its .txt files; JSONL into its "text" fields', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'book.txt'), 'First para line one.\nline two.\n\n\n  \nSecond para.\n\nThird.');
    expect(readTextDocuments(join(dir, 'book.txt'), { chunkBytes: 5 }).map((d) => d.text)).toEqual(['First para line one.\nline two.', 'Second para.', 'Third.']);

    const folder = join(dir, 'docs');
    mkdirSync(folder);
    writeFileSync(join(folder, 'b.txt'), 'bee');
    writeFileSync(join(folder, 'a.txt'), 'ay');
    writeFileSync(join(folder, 'notes.md'), 'ignored');
    expect(readTextDocuments(folder).map((d) => [d.id, d.text])).toEqual([['a', 'ay'], ['b', 'bee']]);

    writeFileSync(join(dir, 'c.jsonl'), '{"text":"one"}\n\n{"text":"two","meta":1}\n');
    expect(readTextDocuments(join(dir, 'c.jsonl')).map((d) => [d.id, d.text])).toEqual([['c.jsonl:1', 'one'], ['c.jsonl:3', 'two']]);
    writeFileSync(join(dir, 'bad.jsonl'), '{"text":"one"}\n{"body":"two"}\n');
    expect(() => readTextDocuments(join(dir, 'bad.jsonl'))).toThrow(/bad\.jsonl:2: the object has no string field "text"/);
    writeFileSync(join(dir, 'worse.jsonl'), '{"text":"one"}\nnot json\n');
    expect(() => readTextDocuments(join(dir, 'worse.jsonl'))).toThrow(/worse\.jsonl:2: not JSON/);
    expect(() => readTextDocuments(join(dir, 'missing.txt'))).toThrow(/no such file or folder/);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(() => readTextDocuments(empty)).toThrow(/has no \.txt files/);
  });

  it('hashes documents with FNV-1a (published test vectors)', () => {
    expect(documentHash('') * 2 ** 32).toBe(0x811c9dc5);
    expect(documentHash('a') * 2 ** 32).toBe(0xe40c292c);
    expect(documentHash('foobar') * 2 ** 32).toBe(0xbf9cf968);
  });

  it('splits by document: fractions respected, independent of order, duplicates together', () => {
    const dir = tmp();
    const docs = Array.from({ length: 3000 }, (_, i) => `document number ${i} says ${(i * 7919) % 1000}`);
    writeFileSync(join(dir, 'a.jsonl'), docs.map((text) => JSON.stringify({ text })).join('\n'));
    writeFileSync(join(dir, 'b.jsonl'), [...docs].reverse().concat(docs.slice(0, 50)).map((text) => JSON.stringify({ text })).join('\n'));
    const a = loadTextCorpus(textCorpusSpec(join(dir, 'a.jsonl'), [0.8, 0.15, 0.05]));
    const n = (c: typeof a, s: 'train' | 'validation' | 'test'): number => c.splits[s].length;
    expect(Math.abs(n(a, 'train') / 3000 - 0.8)).toBeLessThan(0.03);
    expect(Math.abs(n(a, 'validation') / 3000 - 0.15)).toBeLessThan(0.03);
    expect(Math.abs(n(a, 'test') / 3000 - 0.05)).toBeLessThan(0.02);
    const b = loadTextCorpus(textCorpusSpec(join(dir, 'b.jsonl'), [0.8, 0.15, 0.05]));
    for (const s of ['train', 'validation', 'test'] as const) {
      expect(new Set(b.splits[s].map((d) => d.text))).toEqual(new Set(a.splits[s].map((d) => d.text)));
    }
    expect(n(b, 'train') + n(b, 'validation') + n(b, 'test')).toBe(3050);
  });

  it('rejects bad --split values and an empty validation split, naming the fix', () => {
    expect(parseSplit('0.9,0.05,0.05')).toEqual([0.9, 0.05, 0.05]);
    expect(() => parseSplit('0.9,0.1')).toThrow(/three non-negative fractions/);
    expect(() => parseSplit('0.9,0.2,0.1')).toThrow(/must sum to 1/);
    expect(() => parseSplit('1,0,0')).toThrow(/train and a validation fraction above 0/);
    const file = join(tmp(), 'one.txt');
    writeFileSync(file, 'only one paragraph');
    expect(() => loadTextCorpus(file)).toThrow(/the (train|validation) split is empty \(1 documents, --split 0\.9,0\.05,0\.05\); documents are split whole/);
    expect(() => loadCorpus('ptb')).toThrow(/unknown corpus "ptb"; known: sotu, moby-dick, or a path/);
  });

  it('moec train --data file.txt builds the vocabulary from the train split; moec eval finds the data again', () => {
    const dir = tmp();
    // 400 paragraphs over a small word set, each with one word unique to it: a unique word can be
    // in the vocabulary only if its paragraph is in the train split.
    const common = 'the cat sat on a mat and dog ran far away to see big red sun'.split(' ');
    const paras = Array.from({ length: 400 }, (_, i) => `${Array.from({ length: 12 }, (_, j) => common[(i * 31 + j * 7) % common.length]).join(' ')} uniq${i} .`);
    const file = join(dir, 'some.txt');
    writeFileSync(file, paras.join('\n\n'));
    const out = join(dir, 'run');
    const sets = ['--set', 'vocab=300', '--set', 'width=8', '--set', 'experts=4', '--set', 'k=2', '--set', 'expertHidden=8', '--set', 'T=4', '--set', 'B=2', '--set', 'dropout=0'];
    const run = (...args: string[]) => spawnSync(process.execPath, ['bin/moec.js', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    const tr = run('train', 'examples/lstm-moe-lm.ts', '--data', file, '--split', '0.8,0.1,0.1', '--steps', '2', '--backend', 'cpu', '--out', out, '--valid-every', '2', '--valid-batches', '1', ...sets);
    expect(tr.status, tr.stderr).toBe(0);
    expect(tr.stdout).toMatch(/training lstm-moe-lm on some\.txt \(300 words, \d+ batches per epoch\) on cpu/);

    const corpus = loadTextCorpus(textCorpusSpec(file, [0.8, 0.1, 0.1]));
    const trainWords = new Set(corpus.splits.train.flatMap((d) => tokenize(d.text)));
    const heldOnly = new Set(corpus.splits.validation.concat(corpus.splits.test).flatMap((d) => tokenize(d.text)).filter((w) => !trainWords.has(w)));
    expect(heldOnly.size).toBeGreaterThan(10);
    const vocab = (loadCheckpoint(join(out, 'checkpoint.safetensors')).meta.vocabulary as { tokens: string[] }).tokens;
    expect(vocab).toHaveLength(300);
    expect(vocab.filter((w) => heldOnly.has(w))).toEqual([]);
    expect(vocab.slice(2).every((w) => trainWords.has(w))).toBe(true);

    const ev = run('eval', join(out, 'checkpoint.safetensors'), '--split', 'validation', '--backend', 'cpu', '--max-batches', '2', '--json');
    expect(ev.status, ev.stderr).toBe(0);
    const r = JSON.parse(ev.stdout) as { data: string; tokens: number; ppl: number };
    expect(r.data).toBe(textCorpusSpec(file, [0.8, 0.1, 0.1]));
    expect(r.tokens).toBe(16);
    expect(r.ppl).toBeGreaterThan(1);
  });
});
