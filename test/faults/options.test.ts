/**
 * Items 7, 8 and 11 of issue 11: a resume restores the run's corpus, model options and vocabulary
 * from its checkpoint, and any explicitly given option that conflicts is an error naming both
 * values; bad model options are refused before any work, naming the option, the limit and the fix
 * (sizes of 0, tensors over 2 GiB, values infinite in f32 — the same on both backends since they
 * are refused before a backend is chosen), prototype keys are unknown keys, and --epochs/--steps
 * out of range are refused by the command line.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { moec, scratch, tiny, trainArgs } from './helpers.ts';

describe('resume takes the run\'s own state; conflicts are errors', () => {
  it('restores corpus and options, and names both values of a conflict', () => {
    const out = join(scratch('resume'), 'run');
    expect(moec(trainArgs(out, 2)).code).toBe(0);
    const plain = moec(['train', '--resume', '--out', out, '--steps', '3', '--backend', 'cpu', '--valid-batches', '1']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/training lstm-moe-lm on moby-dick \(300 words/);
    const experts = moec(['train', '--resume', '--out', out, '--steps', '4', '--backend', 'cpu', '--set', 'experts=32']);
    expect(experts.code).not.toBe(0);
    expect(experts.stderr).toMatch(/--set experts=32 but the checkpoint was trained with experts=4/);
    const data = moec(['train', '--resume', '--out', out, '--steps', '4', '--backend', 'cpu', '--data', 'sotu']);
    expect(data.code).not.toBe(0);
    expect(data.stderr).toMatch(/--data sotu but the run trained on moby-dick/);
    const lr = moec(['train', '--resume', '--out', out, '--steps', '4', '--backend', 'cpu', '--lr', '0.5']);
    expect(lr.code).not.toBe(0);
    expect(lr.stderr).toMatch(/--lr 0\.5 but the run used 0\.02/);
    // Repeating the run's own options is not a conflict.
    const same = moec(['train', 'examples/lstm-moe-lm.ts', '--resume', '--out', out, '--steps', '4', '--backend', 'cpu', '--data', 'moby-dick', '--valid-batches', '1', ...tiny]);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toMatch(/steps 3 → 4/);
  });
});

describe('options are validated before any work', () => {
  const run = (...sets: string[]) => moec(['run', 'examples/lstm-moe-lm.ts', '--backend', 'cpu', ...tiny, ...sets.flatMap((s) => ['--set', s])]);
  it.each([
    ['B=0', /option B=0 of model 'lstm-moe-lm': B is a size \(default 32\) and must be a positive integer; use --set B=32/],
    ['T=0', /option T=0 .* must be a positive integer/],
    ['experts=2.5', /option experts=2\.5 .* must be a positive integer/],
    ['width=100000', /(layer|param) .* has shape .* over the limit of 2147483647 bytes per tensor; make the options that size it/],
    ['wImportance=1e39', /option wImportance=1e\+39 .* is not a finite f32 number/],
    ['__proto__=1', /model 'lstm-moe-lm' has no option '__proto__'; valid options: vocab \(default 1000\)/],
    ['toString=1', /has no option 'toString'/],
  ])('moec run --set %s is refused', (set, message) => {
    const r = run(set);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });

  it.each(['cpu', 'webgpu'])('both backends refuse wImportance=1e39 alike (--backend %s)', (backend) => {
    const r = moec(['run', 'examples/lstm-moe-lm.ts', '--backend', backend, ...tiny, '--set', 'wImportance=1e39']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^moec: option wImportance=1e\+39 of model 'lstm-moe-lm' is not a finite f32 number/m);
  });

  it('train refuses the same options, and --epochs 0, --epochs 1e-6, --steps 1e20', () => {
    const dir = scratch('opts');
    const proto = moec(trainArgs(join(dir, 'a'), 2, ['--set', '__proto__=1']));
    expect(proto.stderr).toMatch(/has no option '__proto__'/);
    const e0 = moec(trainArgs(join(dir, 'b'), 2, ['--epochs', '0']).filter((a, i, all) => a !== '--steps' && all[i - 1] !== '--steps'));
    expect(e0.code).not.toBe(0);
    expect(e0.stderr).toMatch(/the number of epochs must be a positive number .*got 0/);
    const tinyEpochs = moec(trainArgs(join(dir, 'c'), 2, ['--epochs', '1e-6']).filter((a, i, all) => a !== '--steps' && all[i - 1] !== '--steps'));
    expect(tinyEpochs.code).not.toBe(0);
    expect(tinyEpochs.stderr).toMatch(/--epochs 0\.000001 is 0 steps: an epoch of moby-dick has \d+ batches .*use --epochs .* or more, or --steps/);
    const huge = moec(trainArgs(join(dir, 'd'), 2, ['--steps', '1e20']));
    expect(huge.code).not.toBe(0);
    expect(huge.stderr).toMatch(/must be a positive integer of at most 2147483647, got 1e20/);
  });
});
