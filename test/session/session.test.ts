/**
 * Training sessions on a real corpus (Moby Dick, CPU backend, a tiny model): N steps in one go
 * equal N/2 steps, a checkpoint, a resume and N/2 more — bit for bit, parameters, optimizer state
 * and carried LSTM state; a run whose loss becomes NaN stops with an error naming the op that first
 * produced a non-finite value and leaves the last good checkpoint intact; the metrics file has one
 * record per step; and `moec eval` reads the checkpoint back.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '../../runtime/checkpoint.ts';
import { runSession, type SessionOptions } from '../../app/train-session.ts';
import { evalCommand } from '../../app/commands/eval.ts';
import model from '../../examples/lstm-moe-lm.ts';

const base = (outDir: string, extra: Partial<SessionOptions> = {}): SessionOptions => ({
  model,
  modelFile: 'examples/lstm-moe-lm.ts',
  overrides: { vocab: 200, width: 16, experts: 4, k: 2, expertHidden: 16, T: 5, B: 3 },
  data: 'moby-dick',
  backend: { kind: 'cpu' },
  optimizer: { name: 'factored-adam', lr: 0.02 },
  recompute: 'experts',
  seed: 3,
  steps: 8,
  outDir,
  resume: false,
  validateEvery: 4,
  validBatches: 2,
  checkpointEvery: 100,
  ...extra,
});

const tmp = () => mkdtempSync(join(tmpdir(), 'moec-session-'));

describe('training sessions', () => {
  it('resumes bit-exactly: 8 steps ≡ 4 + resume + 4', async () => {
    const whole = tmp();
    await runSession(base(whole));
    const split = tmp();
    await runSession(base(split, { steps: 4 }));
    await runSession(base(split, { steps: 8, resume: true }));
    const a = loadCheckpoint(join(whole, 'checkpoint.safetensors'));
    const b = loadCheckpoint(join(split, 'checkpoint.safetensors'));
    expect(b.meta.step).toBe(8);
    expect(Object.keys(b.tensors).sort()).toEqual(Object.keys(a.tensors).sort());
    expect(Object.keys(a.tensors).some((k) => k.startsWith('carry:'))).toBe(true);
    for (const name of Object.keys(a.tensors)) expect(Array.from(b.tensors[name]!.data), name).toEqual(Array.from(a.tensors[name]!.data));
    const lines = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const trainLoss = (dir: string) => lines(dir).filter((r) => r.kind === 'train').map((r) => r.loss);
    expect(trainLoss(split)).toEqual(trainLoss(whole));
    expect(trainLoss(whole)).toHaveLength(8);
    expect(lines(whole).filter((r) => r.kind === 'valid').map((r) => r.step)).toEqual([4, 8]);
  });

  it('stops on a NaN loss, names the op and keeps the last good checkpoint', async () => {
    const dir = tmp();
    await runSession(base(dir, { steps: 2, checkpointEvery: 1, optimizer: { name: 'sgd', lr: 0.1 } }));
    const good = readFileSync(join(dir, 'checkpoint.safetensors'));
    // An absurd SGD step sends the parameters to infinity, and the next loss is NaN.
    await expect(runSession(base(dir, { steps: 6, resume: true, optimizer: { name: 'sgd', lr: 1e38 }, checkpointEvery: 100 }))).rejects.toThrow(
      /step \d+: the loss is NaN; training stopped .*; first non-finite value from node #\d+ \w+.*; the last good checkpoint \(step 2\) is intact/,
    );
    expect(readFileSync(join(dir, 'checkpoint.safetensors')).equals(good)).toBe(true);
    // With a checkpoint after every step, none holding NaN or infinity is ever written.
    await expect(runSession(base(dir, { steps: 6, resume: true, optimizer: { name: 'sgd', lr: 1e38 }, checkpointEvery: 1 }))).rejects.toThrow(
      /the loss is NaN|holds NaN or infinite values; not saving a checkpoint/,
    );
    const kept = loadCheckpoint(join(dir, 'checkpoint.safetensors'));
    expect(kept.meta.step).toBeGreaterThanOrEqual(2);
    for (const [name, t] of Object.entries(kept.tensors)) expect(t.data.every(Number.isFinite), name).toBe(true);
  });

  it('moec eval reads the checkpoint and reports perplexity, the unigram baseline and loads', async () => {
    const dir = tmp();
    await runSession(base(dir, { steps: 3 }));
    const out: string[] = [];
    const r = await evalCommand(join(dir, 'checkpoint.safetensors'), { split: 'validation', backend: 'cpu', json: true, maxBatches: 3 }, (s) => out.push(s));
    expect(JSON.parse(out.join(''))).toMatchObject({ step: 3, data: 'moby-dick', split: 'validation', tokens: 3 * 15 });
    expect(r.ppl).toBeGreaterThan(1);
    expect(r.unigramPpl).toBeGreaterThan(1);
    expect(r.moe.moe0!.loadShare).toHaveLength(4);
    expect(r.moe.moe0!.loadShare.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });
});
