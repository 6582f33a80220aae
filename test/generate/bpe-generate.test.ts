/**
 * `moec train --tokenizer bpe` end to end on the CPU: the checkpoint stores the byte-level BPE
 * (a Hugging Face tokenizer.json, as data), `loadModel` restores it without the model file,
 * its vocabulary is the one learnt from the run's train split (retrained here from the same
 * documents), `moec generate` prints exactly the prompt followed by the decoded greedy
 * continuation that follows the argmax chain of `logits`, and `moec eval` scores the test split
 * with it; resuming with a different `--tokenizer` is refused.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type LanguageModel } from '../../app/generate/language-model.ts';
import { loadCheckpoint } from '../../runtime/checkpoint.ts';
import { loadTextCorpus, textCorpusSpec } from '../../runtime/data/text-corpus.ts';
import { buildCodec } from '../../runtime/data/text-codec.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const moec = (...args: string[]) => spawnSync(process.execPath, ['bin/moec.js', ...args], { cwd: root, encoding: 'utf8', timeout: 180_000 });
const VOCAB = 300;

let dir = '';
let ckpt = '';
let m: LanguageModel;

describe('--tokenizer bpe', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'moec-bpe-'));
    const words = 'The whale swam far; Ahab saw the white whale and the sea was grey. Café, naïve!'.split(' ');
    const paras = Array.from({ length: 120 }, (_, i) => Array.from({ length: 8 + (i % 5) }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(' '));
    writeFileSync(join(dir, 'text.txt'), paras.join('\n\n'));
    const sets = ['--set', `vocab=${VOCAB}`, '--set', 'width=8', '--set', 'experts=4', '--set', 'k=2', '--set', 'expertHidden=8', '--set', 'T=6', '--set', 'B=2'];
    const r = moec('train', 'examples/lstm-moe-lm.ts', '--data', join(dir, 'text.txt'), '--tokenizer', 'bpe', '--steps', '4', '--lr', '0.05', '--backend', 'cpu', '--out', join(dir, 'run'), '--valid-every', '4', '--valid-batches', '1', ...sets);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${VOCAB} BPE tokens`);
    ckpt = join(dir, 'run', 'checkpoint.safetensors');
    m = await loadModel(ckpt, { backend: 'cpu' });
  }, 240_000);

  afterAll(() => m?.dispose());

  it('stores the BPE learnt from the train split in the checkpoint', () => {
    const meta = loadCheckpoint(ckpt).meta.vocabulary as { format: string; tokenizer: { model: { merges: unknown[] } } };
    expect(meta.format).toBe('moec.bpe/1');
    expect(meta.tokenizer.model.merges.length).toBe(VOCAB - 258);
    const corpus = loadTextCorpus(textCorpusSpec(join(dir, 'text.txt')));
    const again = buildCodec('bpe', corpus.splits.train.map((d) => d.text), VOCAB);
    expect(m.codec.kind).toBe('bpe');
    expect(JSON.stringify(m.codec.toJson())).toBe(JSON.stringify(again.toJson()));
    const text = 'the white whale, Café';
    expect(m.encode(text)).toEqual(again.encode(text));
    expect(m.codec.decode(m.encode(text))).toBe(text);
  });

  it('generate prints the prompt and the decoded greedy continuation', async () => {
    const prompt = 'The whale';
    // The greedy chain from logits: the argmax after the prompt, fed back each time.
    const ids = m.encode(prompt);
    const chosen: number[] = [];
    for (let i = 0; i < 8; i++) {
      const all = [...ids, ...chosen];
      const l = await m.logits(all);
      const row = l.subarray((all.length - 1) * VOCAB, all.length * VOCAB);
      let best = 0;
      for (let v = 1; v < VOCAB; v++) if (row[v]! > row[best]!) best = v;
      chosen.push(best);
    }
    const r = moec('generate', ckpt, '--prompt', prompt, '--tokens', '8', '--temperature', '0', '--backend', 'cpu');
    expect(r.status, r.stderr).toBe(0);
    const stream = m.codec.stream();
    expect(r.stdout).toBe(`${prompt}${chosen.map((id) => stream.push(id)).join('')}\n`);
    expect(await m.generate(prompt, { tokens: 8, temperature: 0 })).toBe(m.codec.decode(chosen));
  });

  it('eval scores with the stored tokenizer, and a resume cannot switch tokenizers', () => {
    const r = moec('eval', ckpt, '--backend', 'cpu', '--json', '--split', 'validation');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { ppl: number; unigramPpl: number; tokens: number };
    const corpus = loadTextCorpus(textCorpusSpec(join(dir, 'text.txt')));
    const expected = m.codec.encodeDocuments(corpus.splits.validation.map((d) => d.text)).length;
    expect(out.tokens).toBeLessThanOrEqual(expected); // whole batches of the BPE-encoded split
    expect(out.tokens).toBeGreaterThan(expected - 2 * 6 * 2);
    expect(out.ppl).toBeGreaterThan(1);
    expect(out.ppl).toBeLessThan(VOCAB * 2);
    expect(out.unigramPpl).toBeGreaterThan(1);
    const again = moec('train', '--resume', '--out', join(dir, 'run'), '--tokenizer', 'word', '--steps', '5', '--backend', 'cpu');
    expect(again.status).not.toBe(0);
    expect(again.stderr).toMatch(/trained with --tokenizer bpe but --tokenizer word was given/);
  });
});
