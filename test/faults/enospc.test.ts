/**
 * ENOSPC (issue 11): a run directory on a 1 MiB tmpfs is filled up while training. A checkpoint
 * write that runs out of space fails with a message and leaves the previous checkpoint intact; a
 * metrics append that runs out of space is cut back to whole lines; after space is freed the run
 * resumes and `metrics.jsonl` holds every step exactly once. Mounting needs root (and a kernel
 * that allows it): otherwise the test is skipped with the reason printed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpoint } from '../../runtime/checkpoint.ts';
import { readRun } from '../../runtime/report/read-run.ts';
import { moec, scratch, trainArgs, trainSteps } from './helpers.ts';

function tryMount(): { dir: string } | { reason: string } {
  if (process.getuid?.() !== 0) return { reason: 'not running as root (mounting a tmpfs needs root)' };
  const dir = join(scratch('enospc'), 'mnt');
  mkdirSync(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (e) {
    return { reason: `mount -t tmpfs failed: ${String((e as { stderr?: unknown }).stderr ?? (e as Error).message).trim()}` };
  }
}

/** Fills the file system of `dir` with a filler file (returned), leaving `pages` 4 KiB pages free. */
function fill(dir: string, pages = 0): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    closeSync(fd);
  }
  if (pages > 0) truncateSync(file, Math.max(0, statSync(file).size - pages * 4096));
  return file;
}

/** Every line of a metrics file is whole JSON and the file ends with a newline. */
function wholeLines(file: string): void {
  const text = readFileSync(file, 'utf8');
  expect(text === '' || text.endsWith('\n'), 'metrics.jsonl ends in a torn line').toBe(true);
  for (const l of text.split('\n').filter((x) => x !== '')) expect(() => JSON.parse(l)).not.toThrow();
}

const mounted = tryMount();
if ('reason' in mounted) console.log(`ENOSPC test skipped: ${mounted.reason}`);

describe.skipIf('reason' in mounted)('ENOSPC on a full tmpfs', () => {
  const mnt = 'dir' in mounted ? mounted.dir : '';
  afterAll(() => {
    if (mnt) execFileSync('umount', [mnt]);
  });

  it('checkpoint and metrics writes that run out of space leave whole files; the run resumes', () => {
    const out = join(mnt, 'run');
    const metrics = join(out, 'metrics.jsonl');
    const ck = join(out, 'checkpoint.safetensors');
    const first = moec(trainArgs(out, 2, ['--checkpoint-every', '1']));
    expect(first.code, first.stderr).toBe(0);

    // Full disk at the next checkpoint write.
    let filler = fill(mnt);
    const ckFull = moec(['train', '--resume', '--out', out, '--steps', '40', '--backend', 'cpu', '--checkpoint-every', '1', '--valid-batches', '1']);
    expect(ckFull.code).not.toBe(0);
    expect(ckFull.stderr).toMatch(/ENOSPC|no space left/i);
    expect(loadCheckpoint(ck).meta.step).toBe(2);
    wholeLines(metrics);
    expect(readdirSync(out).filter((f) => f.includes('.tmp-'))).toEqual([]);

    // Full disk while appending metrics lines (no checkpoint due for a long time): two pages are
    // left, for the lock file and the metrics rollback, then the appends fill the disk.
    rmSync(filler);
    filler = fill(mnt, 2);
    const metricsFull = moec(['train', '--resume', '--out', out, '--steps', '100000', '--backend', 'cpu', '--checkpoint-every', '100000', '--valid-batches', '1', '--valid-every', '100000']);
    expect(metricsFull.code).not.toBe(0);
    expect(metricsFull.stderr).toMatch(/metrics\.jsonl: appending a metrics line failed, the file is left at its previous \d+ bytes: .*ENOSPC/);
    wholeLines(metrics);
    expect(readRun(out, () => {}).train.length).toBeGreaterThanOrEqual(2);

    // Space again: the run resumes from step 2 and every step is recorded once.
    rmSync(filler);
    const resumed = moec(['train', '--resume', '--out', out, '--steps', '6', '--backend', 'cpu', '--valid-batches', '1']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(trainSteps(readFileSync(metrics, 'utf8'))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(loadCheckpoint(ck).meta.step).toBe(6);
  });
});
