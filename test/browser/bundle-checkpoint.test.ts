/**
 * `moec bundle <checkpoint>`: the folder holds the checkpoint's bytes unchanged and a data file of
 * kind 'checkpoint' naming it; the page's loading path (app/browser/session.ts `checkpointSession`:
 * decode the fetched bytes, validate them as a moec checkpoint, compile the stored one-token IR)
 * generates the same tokens as `loadModel` from the file (on the CPU backend here: the path under
 * test is the decoding and model building, the same code the page runs on WebGPU). The checkpoint
 * is written directly (initial parameters with random non-zero gate weights, the one-token IR, a
 * vocabulary), so no training run is needed. A checkpoint without the one-token IR is refused.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleCommand } from '../../app/commands/bundle.ts';
import { parseBundleData } from '../../app/browser/bundle-data.ts';
import { checkpointSession } from '../../app/browser/session.ts';
import { loadModel } from '../../app/generate/language-model.ts';
import { traceModel } from '../../frontend/model.ts';
import { initParams } from '../../ir/interpret.ts';
import { saveCheckpoint, type CheckpointMeta } from '../../runtime/checkpoint.ts';
import { buildVocabulary, vocabularyToJson } from '../../runtime/data/tokenizer.ts';
import model from '../../examples/lstm-moe-lm.ts';
import { randomizeGates } from '../routing.ts';

const tmp = mkdtempSync(join(tmpdir(), 'moec-bundle-ck-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const OPTIONS = { vocab: 20, width: 8, experts: 4, k: 2, expertHidden: 8, T: 4, B: 2 };
const WORDS = 'the cat sat on a mat and dog ran far away to see big red sun in sky'.split(' ');

/** Writes a checkpoint of the example model at OPTIONS; `withGeneration` false leaves out the one-token IR. */
function writeCheckpoint(name: string, withGeneration: boolean): string {
  const graph = traceModel(model, OPTIONS);
  const params = initParams(graph, 4);
  randomizeGates(params, 4);
  const meta: CheckpointMeta = {
    modelFile: 'examples/lstm-moe-lm.ts',
    graph,
    ...(withGeneration ? { generationGraph: traceModel(model, { ...OPTIONS, T: 1, B: 1 }) } : {}),
    modelOptions: { ...model.defaults, ...OPTIONS },
    vocabulary: vocabularyToJson(buildVocabulary([WORDS.join(' ')], OPTIONS.vocab - 2)),
    step: 7,
    seed: 4,
    optimizer: { name: 'sgd', lr: 0.1 },
    dataPosition: null,
  };
  const file = join(tmp, name);
  saveCheckpoint(file, params, meta);
  return file;
}

const opts = (out: string) => ({ out, force: false, data: 'sotu', tokens: 1000, steps: 1, set: [], optimizer: 'sgd' as const, lr: 0.1, recompute: 'none' as const, seed: 0 });

describe('moec bundle <checkpoint>', () => {
  it('copies the checkpoint, and the page path generates what loadModel generates', async () => {
    const file = writeCheckpoint('ck.safetensors', true);
    const out = join(tmp, 'page');
    await bundleCommand(file, opts(out), () => {});
    const bytes = readFileSync(join(out, 'checkpoint.safetensors'));
    expect(bytes.equals(readFileSync(file))).toBe(true);
    const data = parseBundleData(JSON.parse(readFileSync(join(out, 'data.json'), 'utf8')), 'data.json');
    expect(data).toEqual({ format: 'moec-bundle/1', kind: 'checkpoint', model: 'lstm-moe-lm', checkpoint: 'checkpoint.safetensors', step: 7 });

    const page = await checkpointSession(new Uint8Array(bytes), 'checkpoint.safetensors', { kind: 'cpu' });
    const node = await loadModel(file, { backend: 'cpu' });
    try {
      const o = { tokens: 12, temperature: 1, seed: 9 };
      const got = await page.generate('the cat', o);
      expect(got.split(' ')).toHaveLength(12);
      expect(got).toBe(await node.generate('the cat', o));
      expect(await page.logits('the cat sat')).toEqual(await node.logits('the cat sat'));
    } finally {
      page.dispose();
      node.dispose();
    }
  }, 120_000);

  it('refuses a checkpoint without the one-token IR, naming the metadata key', async () => {
    const file = writeCheckpoint('old.safetensors', false);
    await expect(bundleCommand(file, opts(join(tmp, 'old')), () => {})).rejects.toThrow(/holds no one-token model IR \(moec\.generation_graph\)/);
  });
});
