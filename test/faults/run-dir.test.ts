/**
 * Items 3, 4 and 6 of issue 11, the run directory: `train` into a directory that holds a run is
 * refused without --resume/--force and leaves it byte for byte; --force moves it aside to
 * `<dir>.old-<time>` (never deleted); a model name with path separators stays inside `runs/`; a
 * second training in a locked directory is refused with the holder's pid while the first runs,
 * and a lock left by a killed process is detected as stale; orphaned `*.tmp-<pid>` files are
 * removed on the next start; a resume rolls metrics back to the checkpoint (each step once, the
 * token counter continues); `report` skips a torn last metrics line with a warning.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRun } from '../../runtime/report/read-run.ts';
import { runDirName } from '../../app/commands/train.ts';
import { moec, moecBin, root, scratch, tiny, trainArgs, trainSteps } from './helpers.ts';

const snapshot = (dir: string): Record<string, string> => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));

describe('run directories', () => {
  it('refuses to train over a run; --force moves it aside; names cannot escape runs/', () => {
    const dir = scratch('rundir');
    const out = join(dir, 'run');
    expect(moec(trainArgs(out, 2)).code).toBe(0);
    const before = snapshot(out);
    const again = moec(trainArgs(out, 2, ['--seed', '7']));
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already holds a run .* --resume.* --force/);
    expect(snapshot(out)).toEqual(before);

    const forced = moec(trainArgs(out, 2, ['--force', '--seed', '7']));
    expect(forced.code, forced.stderr).toBe(0);
    const aside = readdirSync(dir).filter((f) => f.startsWith('run.old-'));
    expect(aside).toHaveLength(1);
    expect(snapshot(join(dir, aside[0]!))).toEqual(before);
    expect(readFileSync(join(out, 'checkpoint.safetensors'))).not.toEqual(Buffer.from(before['checkpoint.safetensors']!, 'base64'));

    expect(runDirName('../../etc/x')).toBe('__.._etc_x');
    expect(runDirName('..')).toBe('_');
    expect(runDirName('a/b\\c')).toBe('a_b_c');
    const evil = join(dir, 'evil.mts');
    writeFileSync(evil, `import base from ${JSON.stringify(join(root, 'examples/lstm-moe-lm.ts'))};\nimport { defineModel } from ${JSON.stringify(join(root, 'frontend/model.ts'))};\nexport default defineModel({ name: '../../escaped', defaults: base.defaults, build: base.build });\n`);
    const r = moec(['train', evil, '--data', 'moby-dick', '--steps', '1', '--backend', 'cpu', '--valid-batches', '1', ...tiny], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'runs', '__.._escaped-moby-dick', 'checkpoint.safetensors'))).toBe(true);
    expect(existsSync(join(dir, '..', 'escaped-moby-dick'))).toBe(false);
  });

  it('a second training in the same directory is refused with the first one\'s pid; a killed holder\'s lock is stale', async () => {
    const dir = scratch('lock');
    const out = join(dir, 'run');
    const first = spawn(process.execPath, [moecBin, ...trainArgs(out, 100000, ['--checkpoint-every', '1'])], { cwd: root });
    const metrics = join(out, 'metrics.jsonl');
    const deadline = Date.now() + 60_000;
    while (!(existsSync(metrics) && trainSteps(readFileSync(metrics, 'utf8')).length >= 2 && existsSync(join(out, 'checkpoint.safetensors'))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const second = moec(['train', '--resume', '--out', out, '--steps', '5', '--backend', 'cpu']);
    const third = moec(trainArgs(join(out), 3, ['--force']));
    const exited = new Promise<void>((resolve) => first.on('exit', () => resolve()));
    first.kill('SIGKILL');
    await exited;
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(new RegExp(`in use by another training: pid ${first.pid} on .* \\(lock file .*\\.lock\\)`));
    expect(third.code).not.toBe(0);
    expect(third.stderr).toMatch(new RegExp(`pid ${first.pid}`));
    // The holder was killed: its lock is stale and a resume takes over.
    expect(existsSync(join(out, '.lock'))).toBe(true);
    const after = moec(['train', '--resume', '--out', out, '--backend', 'cpu', '--valid-batches', '1', '--steps', String(trainSteps(readFileSync(metrics, 'utf8')).length + 1)]);
    expect(after.code, after.stderr).toBe(0);
    expect(existsSync(join(out, '.lock'))).toBe(false);
  });

  it('resume removes orphan temporaries, rolls metrics back to the checkpoint and continues the counters', () => {
    const dir = scratch('metrics');
    const out = join(dir, 'run');
    expect(moec(trainArgs(out, 4, ['--checkpoint-every', '2'])).code).toBe(0);
    const metrics = join(out, 'metrics.jsonl');
    // As if killed after step 6's metrics line and midway through writing step 7's and a checkpoint:
    // the checkpoint is at step 4, the metrics go past it and end in a torn line.
    const lines = readFileSync(metrics, 'utf8').trim().split('\n');
    const last = JSON.parse(lines.filter((l) => JSON.parse(l).kind === 'train').pop()!);
    appendFileSync(metrics, `${JSON.stringify({ ...last, step: 5 })}\n${JSON.stringify({ ...last, step: 6 })}\n{"kind":"train","step":7,"tok`);
    writeFileSync(join(out, 'checkpoint.safetensors.tmp-999999'), 'partial');
    const warnings: string[] = [];
    expect(readRun(out, (w) => warnings.push(w)).train.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(warnings.join('\n')).toMatch(/metrics\.jsonl:\d+: skipping the torn last line/);

    const r = moec(['train', '--resume', '--out', out, '--steps', '6', '--backend', 'cpu', '--valid-batches', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, 'checkpoint.safetensors.tmp-999999'))).toBe(false);
    const records = readFileSync(metrics, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const train = records.filter((x) => x.kind === 'train');
    expect(train.map((x) => x.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(train.map((x) => x.tokens)).toEqual([15, 30, 45, 60, 75, 90]);
    expect(train[4].time).toBeGreaterThan(train[3].time);
  });
});
