/**
 * `moec reproduce all --tokens 20000 --tiny` end to end on the CPU (all eleven runs, the Table 9
 * analog, the page), checked against numbers derived independently of the code under test: step
 * and token counts from the budget, the cost columns from the paper's counting rule applied by
 * hand to the tiny shapes, the routed-token total (T·B·k per batch), the listed tokens re-read
 * from the re-encoded test split, and the results JSON against each run directory's own files.
 * Then the resume: a `reproduce table9` killed (SIGKILL) mid-run continues from its checkpoint to
 * the same parameters, bit for bit, as the uninterrupted run, a third call skips the finished
 * run, and a larger budget continues it.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildProgram } from '../../app/program.ts';
import { loadCheckpoint } from '../../runtime/checkpoint.ts';
import { loadCorpus } from '../../runtime/data/corpus.ts';
import { encodeDocuments, vocabularyFromJson, type VocabularyJson } from '../../runtime/data/tokenizer.ts';
import type { ReproduceResults } from '../../app/reproduce/results.ts';
import type { RunResult } from '../../app/reproduce/run-one.ts';
import type { ExpertContexts } from '../../app/reproduce/expert-contexts.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const base = mkdtempSync(join(tmpdir(), 'moec-reproduce-'));
const common = ['--tokens', '20000', '--tiny', '--backend', 'cpu', '--valid-every', '40', '--valid-batches', '2', '--checkpoint-every', '20', '--eval-batches', '8', '--top', '3'];

async function moec(args: string[]): Promise<string> {
  let text = '';
  await buildProgram((s) => (text += s)).parseAsync(['node', 'moec', ...args]);
  return text;
}

const json = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

// Tiny shapes (series.ts tinyOverrides): width D = 16, T = 8, B = 64, 4 experts of hidden 8 per
// token (MoE-1-Wide: 1 of hidden 32). The paper's count: LSTM 4H·(D + H) per layer, gating D·n
// (hierarchical: D·a + k1·D·b), experts k·(D·H + H·D); parameters the same without embedding/softmax.
const D = 16;
const lstmOps = 2 * 4 * D * (D + D);
const lstmParams = 2 * (4 * D * (D + D) + 4 * D);
function expected(id: string): { ops: number; params: number } {
  if (id === 'moe-1024-h') {
    const [a, b, h] = [32, 32, 8];
    return { ops: lstmOps + D * a + 2 * D * b + 4 * (2 * D * h), params: lstmParams + 2 * D * a + 2 * a * D * b + a * b * (2 * D * h + h + D) };
  }
  const n = id === 'moe-1-wide' ? 1 : Number(/moe-(\d+)/.exec(id)![1]);
  const h = id === 'moe-1-wide' ? 32 : 8;
  const k = id === 'moe-1-wide' ? 1 : 4;
  return { ops: lstmOps + D * n + k * (2 * D * h), params: lstmParams + 2 * D * n + n * (2 * D * h + h + D) };
}

describe('moec reproduce', () => {
  const full = join(base, 'all');
  it('reproduce all --tokens 20000 --tiny: eleven runs, results JSON, page', { timeout: 600_000 }, async () => {
    const log = await moec(['reproduce', 'all', ...common, '--out', full]);
    expect(log).toMatch(/done: 11 of 11 runs finished/);
    const r = json<ReproduceResults>(join(full, 'results.json'));
    const steps = Math.ceil(20000 / (8 * 64));
    expect(r.runs.map((x) => x.id)).toEqual(['moe-1-wide', 'moe-4', 'moe-16', 'moe-64', 'moe-256', 'moe-1024-h', 'moe-256-wi0-wl0', 'moe-256-wi0.2-wl0', 'moe-256-wi0-wl0.2', 'moe-256-wi0.01-wl0.01', 'moe-256-wi1-wl1']);
    for (const run of r.runs) {
      const res = run.result!;
      expect(run.status).toBe('finished');
      // The JSON is the run directory's own result, and agrees with its metrics and config.
      expect(res).toEqual(json<RunResult>(join(full, run.id, 'result.json')));
      const metrics = readFileSync(join(full, run.id, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; step: number; tokens: number; ppl: number });
      const train = metrics.filter((m) => m.kind === 'train');
      expect(train.map((m) => m.step)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
      expect(res.steps).toBe(steps);
      expect(res.trainTokens).toBe(steps * 8 * 64);
      expect(res.lastValidPpl).toBe(metrics.filter((m) => m.kind === 'valid').at(-1)!.ppl);
      expect(json<{ options: Record<string, unknown> }>(join(full, run.id, 'config.json')).options).toMatchObject({ width: 16, vocab: 200, T: 8, B: 64, wImportance: res.wImportance, wLoad: res.wLoad });
      for (const v of [res.testPpl, res.unigramPpl, res.tokensPerSec, res.trainSeconds, res.lastTrainPpl]) expect(Number.isFinite(v) && v > 0, `${run.id}: ${v}`).toBe(true);
      // Better than a uniform guess over the 200 words, on 8 test batches.
      expect(res.testPpl).toBeLessThan(200);
      expect(res.testTokens).toBe(8 * 8 * 64);
      // The cost columns, against the hand count.
      const want = expected(run.id);
      expect(res.cost.opsPerTimestep, run.id).toBe(want.ops);
      expect(res.cost.expertOpsPerTimestep, run.id).toBe(4 * 2 * D * 8);
      expect(res.cost.paramsExclEmbedSoftmax, run.id).toBe(want.params);
      expect(res.cost.params - res.cost.paramsExclEmbedSoftmax, run.id).toBe(200 * D + D * 200 + 200);
      if (run.id !== 'moe-1-wide' && run.id !== 'moe-4') {
        expect(res.balance!.cvLoad).toBeGreaterThan(0);
        expect(res.balance!.maxOverMeanLoad).toBeGreaterThan(1);
      }
    }
    // Table 6: six weight pairs, the (0.1, 0.1) row is the Table 7 MoE-256 run; no balancing loss
    // gives the most uneven load, as in the paper.
    expect(r.table6.map((x) => [x.spec.wImportance, x.spec.wLoad])).toEqual([[0, 0], [0.2, 0], [0, 0.2], [0.1, 0.1], [0.01, 0.01], [1, 1]]);
    expect(r.table6[3]!.spec.id).toBe('moe-256');
    const cvLoads = r.table6.map((x) => x.run.result!.balance!.cvLoad);
    expect(Math.max(...cvLoads)).toBe(cvLoads[0]);
    expect(r.table7.map((x) => x.paper?.testPpl10Epochs ?? null)).toEqual([46.1, 45.0, null, null, 35.7, 34.6]);
    expect(r.table6.map((x) => x.paper!.testPpl)).toEqual([39.8, 35.6, 35.7, 35.6, 35.7, 35.7]);

    // Table 9: every test token is routed to k = 4 experts; the listed tokens are the test split's.
    const t9 = json<ExpertContexts>(join(full, 'table9.json'));
    expect(t9).toMatchObject({ experts: 64, split: 'test', tokens: 8 * 8 * 64, step: steps });
    expect(t9.listings.reduce((a, l) => a + l.routed, 0)).toBe(4 * t9.tokens);
    const ck = loadCheckpoint(join(full, 'moe-64', 'checkpoint.safetensors'));
    const vocab = vocabularyFromJson(ck.meta.vocabulary as VocabularyJson);
    const stream = encodeDocuments(vocab, loadCorpus('sotu').splits.test.map((d) => d.text));
    let listed = 0;
    for (const l of t9.listings) {
      expect(l.top.length).toBe(Math.min(3, l.routed));
      for (let i = 0; i < l.top.length; i++) {
        const c = l.top[i]!;
        expect(c.gate).toBeGreaterThan(0);
        expect(c.gate).toBeLessThanOrEqual(1);
        if (i > 0) expect(c.gate).toBeLessThanOrEqual(l.top[i - 1]!.gate);
        expect(c.token).toBe(vocab.tokens[stream[c.position]!]);
        listed++;
      }
    }
    expect(listed).toBeGreaterThan(30);
    expect(t9.listings.filter((l) => l.routed > 0).length).toBeGreaterThan(4);

    // The page: both tables beside the paper's numbers, the figure, the curves, Table 9.
    const page = readFileSync(join(full, 'index.html'), 'utf8');
    for (const s of ['Table 7 analog', 'Table 6 analog', 'Table 9 analog', 'MoE-1024-h', '46.1', '39.8', '17.80', 'data-chart="figure2-left" data-series="2"', 'data-chart="t7-train" data-series="6"', 'data-chart="t6-valid" data-series="6"', r.runs[0]!.result!.testPpl.toFixed(2)]) expect(page, s).toContain(s);
    expect(readFileSync(join(full, 'figure2-left.svg'), 'utf8')).toMatch(/^<svg[^>]*><style>/);
    expect(readFileSync(join(full, 'results.md'), 'utf8')).toContain('| MoE-256 | 256 |');
  });

  it('an interrupted reproduce continues: SIGKILL mid-run, resume to the same parameters, then skip', { timeout: 600_000 }, async () => {
    const out = join(base, 'resume');
    const args = ['reproduce', 'table9', ...common, '--out', out];
    const child = spawn(process.execPath, ['bin/moec.js', ...args], { cwd: root, stdio: 'ignore' });
    const guard = setTimeout(() => child.kill('SIGKILL'), 300_000);
    // Kill once the first checkpoint (step 20 of 40) exists: the run is partial.
    await new Promise<void>((done, fail) => {
      const poll = setInterval(() => {
        if (existsSync(join(out, 'moe-64', 'checkpoint.safetensors'))) {
          clearInterval(poll);
          child.kill('SIGKILL');
          done();
        }
      }, 50);
      child.on('exit', () => {
        clearInterval(poll);
        fail(new Error('reproduce exited before its first checkpoint'));
      });
    });
    await new Promise((done) => child.on('exit', done));
    clearTimeout(guard);
    expect(existsSync(join(out, 'moe-64', 'result.json'))).toBe(false);

    const second = await moec(args);
    expect(second).toMatch(/moe-64: resuming at step \d+ → 40 steps/);
    expect(second).toMatch(/done: 1 of 1 runs finished/);
    const steps = readFileSync(join(out, 'moe-64', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; step: number }).filter((m) => m.kind === 'train').map((m) => m.step);
    expect(steps).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // Bit-exact: the same parameters as the uninterrupted run of the first test.
    const resumed = loadCheckpoint(join(out, 'moe-64', 'checkpoint.safetensors')).tensors;
    const straight = loadCheckpoint(join(base, 'all', 'moe-64', 'checkpoint.safetensors')).tensors;
    expect(Object.keys(resumed).sort()).toEqual(Object.keys(straight).sort());
    for (const [k, t] of Object.entries(straight)) expect(Array.from(resumed[k]!.data), k).toEqual(Array.from(t.data));
    expect(json<ExpertContexts>(join(out, 'table9.json')).listings).toEqual(json<ExpertContexts>(join(base, 'all', 'table9.json')).listings);

    const before = statSync(join(out, 'moe-64', 'result.json')).mtimeMs;
    const third = await moec(args);
    expect(third).toMatch(/moe-64: finished earlier \(40 steps/);
    expect(statSync(join(out, 'moe-64', 'result.json')).mtimeMs).toBe(before);
    // A larger budget continues the run; the smaller budget's result is kept beside it.
    const fourth = await moec(['reproduce', 'table9', ...common.map((a) => (a === '20000' ? '25000' : a)), '--out', out]);
    expect(fourth).toMatch(/moe-64: resuming at step 40 → 49 steps/);
    expect(json<RunResult>(join(out, 'moe-64', 'result.tokens=20000.json')).steps).toBe(40);
    expect(json<RunResult>(join(out, 'moe-64', 'result.json'))).toMatchObject({ steps: 49, budget: 'tokens=25000' });
    // --report-only rebuilds the page from the run directories alone.
    const rebuilt = await moec(['reproduce', 'table9', '--out', out, '--report-only']);
    expect(rebuilt).toMatch(/rebuilt .*index\.html from 1 finished of 1 runs/);
  });
});
