/**
 * Item 5 of issue 11: the NaN guard with `--checkpoint-every 1`. A run that diverges (SGD at a
 * learning rate of 1e38) never writes a checkpoint holding a non-finite value, keeps the last good
 * checkpoint and the one before it (`keep` 2, the default), and its message names exactly the
 * files that are intact; on a fresh run that diverges before its first checkpoint the message says
 * no checkpoint exists (and none does).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpoint } from '../../runtime/checkpoint.ts';
import { runSession, type SessionOptions } from '../../app/train-session.ts';
import model from '../../examples/lstm-moe-lm.ts';
import { scratch } from './helpers.ts';

const base = (outDir: string, extra: Partial<SessionOptions> = {}): SessionOptions => ({
  model,
  modelFile: 'examples/lstm-moe-lm.ts',
  overrides: { vocab: 200, width: 16, experts: 4, k: 2, expertHidden: 16, T: 5, B: 3 },
  data: 'moby-dick',
  backend: { kind: 'cpu' },
  optimizer: { name: 'sgd', lr: 0.1 },
  recompute: 'experts',
  seed: 3,
  steps: 3,
  outDir,
  resume: false,
  validateEvery: 1000,
  validBatches: 1,
  checkpointEvery: 1,
  ...extra,
});

const allFinite = (file: string): boolean => Object.values(loadCheckpoint(file).tensors).every((t) => t.data.every((x) => Number.isFinite(x)));

describe('the NaN guard', () => {
  it('with --checkpoint-every 1 keeps the last good checkpoint and the one before, and names both', async () => {
    const out = join(scratch('nan'), 'run');
    await runSession(base(out));
    const ck = join(out, 'checkpoint.safetensors');
    const prev = join(out, 'checkpoint.1.safetensors');
    expect(loadCheckpoint(ck).meta.step).toBe(3);
    expect(loadCheckpoint(prev).meta.step).toBe(2);
    let message = '';
    await runSession(base(out, { resume: true, steps: 12, optimizer: { name: 'sgd', lr: 1e38 } })).catch((e: Error) => (message = e.message));
    expect(message).toMatch(/(non-finite|NaN|Infinity|holds -?Infinity|holds NaN)/);
    const newest = loadCheckpoint(ck).meta.step;
    const before = loadCheckpoint(prev).meta.step;
    expect(message).toContain(`the last good checkpoint (step ${newest}) is intact at ${ck}, and the one before it at ${prev}`);
    expect(before).toBe(newest - 1);
    expect(allFinite(ck)).toBe(true);
    expect(allFinite(prev)).toBe(true);
    expect(readdirSync(out).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('on a fresh run that diverges before its first checkpoint, says none exists', async () => {
    const out = join(scratch('nan-fresh'), 'run');
    let message = '';
    await runSession(base(out, { steps: 20, checkpointEvery: 100, optimizer: { name: 'sgd', lr: 1e38 } })).catch((e: Error) => (message = e.message));
    expect(message).toMatch(/no checkpoint of this run has been written \(it diverged before the first one at step 100\)/);
    expect(existsSync(join(out, 'checkpoint.safetensors'))).toBe(false);
  });
});
