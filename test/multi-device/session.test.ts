/**
 * `moec train --devices N` through the training session (Moby Dick, CPU backend, a tiny model with
 * B = 4 so it splits over 2 devices, factored Adam): 4 steps on 2 devices give the one-device session's losses
 * (≤ 1e-4 relative) and checkpoint (every parameter, optimizer state and carried LSTM state), and a
 * 2-device run resumed from its checkpoint continues bit-exactly.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '../../runtime/checkpoint.ts';
import { runSession, type SessionOptions } from '../../app/train-session.ts';
import model from '../../examples/lstm-moe-lm.ts';
import { maxRelative } from './helpers.ts';

const base = (outDir: string, extra: Partial<SessionOptions> = {}): SessionOptions => ({
  model,
  modelFile: 'examples/lstm-moe-lm.ts',
  overrides: { vocab: 200, width: 16, experts: 4, k: 2, expertHidden: 16, T: 5, B: 4 },
  data: 'moby-dick',
  backend: { kind: 'cpu' },
  // Factored Adam (the default): its per-expert state (vr, vc, last of every expert bank, bias banks
  // included) is split over the devices and checkpointed. This used Adam while factored Adam was
  // refused on several devices (it treated a bias bank as one matrix mixing the experts).
  optimizer: { name: 'factored-adam', lr: 0.02 },
  recompute: 'experts',
  seed: 3,
  steps: 4,
  outDir,
  resume: false,
  validateEvery: 100,
  validBatches: 1,
  checkpointEvery: 100,
  ...extra,
});
const tmp = () => mkdtempSync(join(tmpdir(), 'moec-md-session-'));
const losses = (dir: string): number[] =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.kind === 'train').map((r) => r.loss);

describe('training session on 2 devices', () => {
  it('matches one device and resumes bit-exactly', async () => {
    const one = tmp();
    await runSession(base(one));
    const two = tmp();
    await runSession(base(two, { devices: 2 }));
    expect(losses(two)).toHaveLength(4);
    expect(maxRelative(losses(two), losses(one))).toBeLessThanOrEqual(1e-4);
    const a = loadCheckpoint(join(one, 'checkpoint.safetensors'));
    const b = loadCheckpoint(join(two, 'checkpoint.safetensors'));
    expect(Object.keys(b.tensors).sort()).toEqual(Object.keys(a.tensors).sort());
    expect(b.tensors['opt.vc:moe0.b1']!.type.shape).toEqual(b.tensors['moe0.b1']!.type.shape);
    for (const name of Object.keys(a.tensors)) expect(maxRelative(b.tensors[name]!.data, a.tensors[name]!.data), name).toBeLessThanOrEqual(1e-4);

    const split = tmp();
    await runSession(base(split, { devices: 2, steps: 2 }));
    await runSession(base(split, { devices: 2, steps: 4, resume: true }));
    const c = loadCheckpoint(join(split, 'checkpoint.safetensors'));
    for (const name of Object.keys(b.tensors)) expect(Array.from(c.tensors[name]!.data), name).toEqual(Array.from(b.tensors[name]!.data));
  });
});
