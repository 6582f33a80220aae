/**
 * `loadModel` and `moec generate` on a checkpoint trained for a few steps on a small text file
 * (CPU). The one-token step carried token by token must give the same logits as the model's
 * full-sequence graph (T = L, a different compiled program) run once over the same tokens;
 * `perplexity` (the model's own cross-entropy output) must equal exp of the mean −log softmax of
 * those logits computed here in float64; greedy generation must follow the argmax chain of
 * `logits`; sampling is deterministic for a seed; the CLI streams prompt and tokens; with a WebGPU
 * adapter, WebGPU and CPU generate the same greedy tokens.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../compiler/pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { loadModelFile } from '../../app/load-model.ts';
import { traceModel, type ModelOptions } from '../../frontend/model.ts';
import { selectBackend } from '../../runtime/backend.ts';
import { loadCheckpoint } from '../../runtime/checkpoint.ts';
import { EOS } from '../../runtime/data/tokenizer.ts';
import { prepareEvaluator } from '../../runtime/evaluator.ts';
import { carriedState } from '../../runtime/trainer.ts';
import { loadModel, withLogitsOutput, type LanguageModel } from '../../app/generate/language-model.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const moec = (...args: string[]) => spawnSync(process.execPath, ['bin/moec.js', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

let ckpt = '';
let m: LanguageModel;

describe('loadModel and moec generate', () => {
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moec-gen-'));
    const words = 'the cat sat on a mat and dog ran far away to see big red sun in sky'.split(' ');
    const paras = Array.from({ length: 200 }, (_, i) => Array.from({ length: 10 + (i % 7) }, (_, j) => words[(i * 13 + j * 5) % words.length]).join(' ') + ' .');
    writeFileSync(join(dir, 'some.txt'), paras.join('\n\n'));
    const sets = ['--set', 'vocab=20', '--set', 'width=8', '--set', 'experts=4', '--set', 'k=2', '--set', 'expertHidden=8', '--set', 'T=4', '--set', 'B=2'];
    const r = moec('train', 'examples/lstm-moe-lm.ts', '--data', join(dir, 'some.txt'), '--steps', '6', '--lr', '0.05', '--backend', 'cpu', '--out', join(dir, 'run'), '--valid-every', '6', '--valid-batches', '1', ...sets);
    expect(r.status, r.stderr).toBe(0);
    ckpt = join(dir, 'run', 'checkpoint.safetensors');
    m = await loadModel(ckpt, { backend: 'cpu' }); // the checkpoint's one-token IR: no code imported
  }, 180_000);

  afterAll(() => m?.dispose());

  it('the carried one-token step gives the logits of the full-sequence graph', async () => {
    const ids = m.encode('the cat sat on a mat and dog');
    expect(ids.length).toBe(8);
    const stepped = await m.logits(ids);
    const V = m.vocabulary.size;
    // The same model traced at T = 9 (<eos> + 8 tokens), B = 1: one run, no state carried by us.
    const full = await fullSequenceLogits(m, ckpt, ids);
    expect(full.length).toBe(9 * V);
    let maxDiff = 0;
    for (let i = 0; i < 8; i++) for (let v = 0; v < V; v++) maxDiff = Math.max(maxDiff, Math.abs(stepped[i * V + v]! - full[(i + 1) * V + v]!));
    expect(maxDiff).toBeLessThan(1e-5);
    // The logits are not trivially flat: the model has learnt something in 6 steps.
    const row = Array.from(stepped.subarray(0, V));
    expect(Math.max(...row) - Math.min(...row)).toBeGreaterThan(0.1);
  });

  it('perplexity equals exp(mean −log softmax) of the logits, and greedy generation follows the argmax chain', async () => {
    const text = 'the cat sat on a mat';
    const ids = m.encode(text);
    const eos = m.vocabulary.id(EOS);
    const V = m.vocabulary.size;
    // Row i of the full-sequence logits (after <eos>, ids[0..i-1]) predicts targets[i].
    const full = await fullSequenceLogits(m, ckpt, ids);
    const targets = [...ids, eos];
    const rows = targets.map((_, i) => Array.from(full.subarray(i * V, (i + 1) * V)));
    let nll = 0;
    targets.forEach((t, i) => {
      const r = rows[i]!;
      const max = Math.max(...r);
      const lse = max + Math.log(r.reduce((a, x) => a + Math.exp(x - max), 0));
      nll += lse - r[t]!;
    });
    const ppl = await m.perplexity(text);
    expect(Math.abs(ppl - Math.exp(nll / targets.length)) / ppl).toBeLessThan(1e-5);

    const greedy = (await m.generate('the cat', { tokens: 6, temperature: 0 })).split(' ').map((w) => m.vocabulary.id(w));
    const chain = m.encode('the cat');
    for (let i = 0; i < 6; i++) {
      const l = await m.logits(chain);
      const last = Array.from(l.subarray((chain.length - 1) * V));
      chain.push(last.indexOf(Math.max(...last)));
    }
    expect(greedy).toEqual(chain.slice(2));
  });

  it('sampling is deterministic for a seed and the CLI streams the prompt and tokens', async () => {
    const a = await m.generate('the', { tokens: 12, seed: 5, temperature: 1.5 });
    expect(await m.generate('the', { tokens: 12, seed: 5, temperature: 1.5 })).toBe(a);
    const others = await Promise.all([6, 7, 8].map((seed) => m.generate('the', { tokens: 12, seed, temperature: 1.5 })));
    expect(others.some((o) => o !== a)).toBe(true);
    const streamed: string[] = [];
    expect(await m.generate('the', { tokens: 12, seed: 5, temperature: 1.5, onToken: (t) => streamed.push(t) })).toBe(streamed.join(' '));

    const cli = moec('generate', ckpt, '--prompt', 'the', '--tokens', '12', '--seed', '5', '--temperature', '1.5', '--backend', 'cpu');
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toBe(`the${a.split(' ').map((t) => (t === EOS ? '\n' : ` ${t}`)).join('')}\n`);
    // Naming the model file re-traces it (checked against the stored IR): the same text.
    const named = moec('generate', ckpt, '--model', 'examples/lstm-moe-lm.ts', '--prompt', 'the', '--tokens', '12', '--seed', '5', '--temperature', '1.5', '--backend', 'cpu');
    expect(named.status, named.stderr).toBe(0);
    expect(named.stdout).toBe(cli.stdout);
    const bad = moec('generate', ckpt, '--top-p', '1.5');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--top-p <p>' argument '1\.5' is invalid\. must be in \(0, 1\]/);
  });

  it('WebGPU generates the same greedy tokens as the CPU', async () => {
    const backend = await selectBackend('auto', () => {});
    if (backend.kind !== 'webgpu') return; // no adapter on this machine: nothing to compare
    const g = await loadModel(ckpt, { backend });
    try {
      expect(await g.generate('the cat', { tokens: 8, temperature: 0 })).toBe(await m.generate('the cat', { tokens: 8, temperature: 0 }));
    } finally {
      g.dispose();
    }
  });
});

/** Logits [(1 + ids.length), V] of the model traced at T = 1 + ids.length, B = 1 over <eos>, ids (one run). */
async function fullSequenceLogits(lm: LanguageModel, checkpoint: string, ids: readonly number[]): Promise<Float32Array> {
  const T = ids.length + 1;
  const ck = loadCheckpoint(checkpoint);
  const loaded = await loadModelFile(ck.meta.modelFile);
  const g = compileGraph(withLogitsOutput(traceModel(loaded.model, { ...(ck.meta.modelOptions as ModelOptions), T, B: 1 }))).graph;
  const plan = lowerToWebGpu(g);
  const ev = await prepareEvaluator(await selectBackend('cpu', () => {}), plan);
  ev.setParams(Object.fromEntries(plan.inputs.filter((i) => i.role === 'param').map((i) => [i.name, ck.tensors[i.name]!])));
  const type = { dtype: 'i32' as const, shape: [T, 1] };
  const zeros = Object.fromEntries(
    carriedState(plan).map(([, input]) => {
      const t = plan.buffers[plan.inputs.find((i) => i.name === input)!.buffer]!.type;
      return [input, { type: t, data: new Float32Array(t.shape.reduce((x, y) => x * y, 1)) }];
    }),
  );
  const out = await ev.run({ tokens: { type, data: Int32Array.from([lm.vocabulary.id(EOS), ...ids]) }, targets: { type, data: new Int32Array(T) }, ...zeros }, ['logits']);
  ev.destroy();
  return out.logits!.data as Float32Array;
}
