/**
 * The run directory's file discipline, so a run can never be lost or mixed with another: a fresh
 * `train` into a directory that already holds a run is refused (or, with `--force`, the old run is
 * moved aside to `<dir>.old-<time>`, never deleted); one training at a time holds an exclusive lock
 * (`.lock`, created with O_EXCL, holding pid, host and start time; a lock whose process is gone on
 * this host is stale and taken over); orphaned `*.tmp-<pid>` files of a killed write are removed
 * on start; `metrics.jsonl` gets whole lines only (a failed append is cut back) and is rolled back
 * to the checkpoint's step on resume; checkpoints rotate so the newest `keep` stay on disk.
 */
import { closeSync, existsSync, fstatSync, ftruncateSync, linkSync, openSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './checkpoint.ts';

/** Files that mark a directory as holding a run. */
const RUN_FILES = ['checkpoint.safetensors', 'metrics.jsonl', 'config.json'];

/** True when `dir` holds (part of) a `moec train` run. */
function holdsRun(dir: string): boolean {
  return existsSync(dir) && RUN_FILES.some((f) => existsSync(join(dir, f)));
}

/** A time stamp usable in a file name (UTC, no colons). */
function stamp(d = new Date()): string {
  return d.toISOString().replace(/[:.]/g, '-');
}

/**
 * Makes `dir` ready for a fresh run: refuses when it already holds a run unless `force`, in which
 * case the old run is renamed to `<dir>.old-<time>` (returned). Never deletes anything.
 */
export function prepareFreshRunDir(dir: string, force: boolean): string | null {
  if (!holdsRun(dir)) return null;
  if (!force) {
    throw new Error(`run directory ${dir} already holds a run (${RUN_FILES.filter((f) => existsSync(join(dir, f))).join(', ')}); continue it with --resume, or start over with --force (the old run is moved aside, not deleted), or choose another --out`);
  }
  // A run in progress is never moved: take its lock first (refused while another training holds it).
  lockRunDir(dir);
  let aside = `${dir}.old-${stamp()}`;
  for (let i = 1; existsSync(aside); i++) aside = `${dir}.old-${stamp()}-${i}`;
  renameSync(dir, aside);
  rmSync(join(aside, '.lock'), { force: true });
  return aside;
}

/** What a lock file holds. */
export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A held run-directory lock; `release` removes it (only if it is still ours). */
export interface RunLock {
  readonly file: string;
  release(): void;
}

/**
 * Takes the run directory's exclusive lock: `<dir>/.lock` created with O_EXCL. A lock held by a
 * live process (or by another host, which cannot be checked) refuses with the holder's pid, host
 * and start time; a lock of a process that no longer exists on this host is stale and replaced.
 */
export function lockRunDir(dir: string): RunLock {
  const file = join(dir, '.lock');
  const me: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      try {
        writeSync(fd, `${JSON.stringify(me)}\n`);
      } catch (e) {
        rmSync(file, { force: true });
        throw new Error(`run directory ${dir}: cannot write the lock file ${file}: ${(e as Error).message}`);
      } finally {
        closeSync(fd);
      }
      return {
        file,
        release: () => {
          try {
            const held = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
            if (held.pid === me.pid && held.host === me.host && held.started === me.started) unlinkSync(file);
          } catch {
            /* already gone */
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let held: Partial<LockInfo> = {};
    try {
      held = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
    } catch {
      // A lock file being written right now, or torn by a crash between create and write.
    }
    const stale = typeof held.pid === 'number' && held.host === me.host && !alive(held.pid);
    const torn = held.pid === undefined && attempt > 0;
    if (stale || torn) {
      rmSync(file, { force: true });
      continue;
    }
    if (held.pid === undefined) continue;
    throw new Error(`run directory ${dir} is in use by another training: pid ${held.pid} on ${held.host}, started ${held.started} (lock file ${file}); wait for it to finish, or delete the lock file if that process is gone`);
  }
  throw new Error(`run directory ${dir}: could not take the lock ${file}`);
}

/** Removes `*.tmp-<pid>` files a killed write left in `dir` (call with the lock held); returns them. */
export function removeOrphanTemporaries(dir: string): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    if (/\.tmp-\d+$/.test(name)) {
      rmSync(join(dir, name), { force: true });
      removed.push(name);
    }
  }
  return removed;
}

/**
 * Appends one line to `file` as a whole or not at all: a write that fails midway (ENOSPC) is cut
 * back to the file's previous length before the error is rethrown.
 */
export function appendLine(file: string, line: string): void {
  const fd = openSync(file, 'a');
  try {
    const before = fstatSync(fd).size;
    const bytes = Buffer.from(line.endsWith('\n') ? line : `${line}\n`);
    try {
      let at = 0;
      while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    } catch (e) {
      try {
        ftruncateSync(fd, before);
      } catch {
        /* the original error is reported */
      }
      throw new Error(`${file}: appending a metrics line failed, the file is left at its previous ${before} bytes: ${(e as Error).message}`);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Rolls `metrics.jsonl` back to a checkpoint: keeps the whole, parseable records with a step ≤
 * `step` (in order), drops later ones and a torn last line, and rewrites the file atomically.
 * Returns the last kept train record (its `tokens` and `time` continue the counters).
 */
export function rollBackMetrics(file: string, step: number): { kept: number; dropped: number; last?: { tokens: number; time: number } } {
  if (!existsSync(file)) {
    writeFileAtomic(file, new Uint8Array());
    return { kept: 0, dropped: 0 };
  }
  const lines = readFileSync(file, 'utf8').split('\n');
  const keep: string[] = [];
  let dropped = 0;
  let last: { tokens: number; time: number } | undefined;
  for (const line of lines) {
    if (line.trim() === '') continue;
    let r: { kind?: unknown; step?: unknown; tokens?: unknown; time?: unknown };
    try {
      r = JSON.parse(line) as typeof r;
    } catch {
      dropped++;
      continue;
    }
    if (typeof r.step === 'number' && r.step <= step) {
      keep.push(line);
      if (r.kind === 'train' && typeof r.tokens === 'number' && typeof r.time === 'number') last = { tokens: r.tokens, time: r.time };
    } else dropped++;
  }
  if (dropped > 0) writeFileAtomic(file, Buffer.from(keep.map((l) => `${l}\n`).join('')));
  return { kept: keep.length, dropped, ...(last ? { last } : {}) };
}

/** The file of the `i`-th older checkpoint (0 = the newest, `checkpoint.safetensors`). */
export function olderCheckpoint(newest: string, i: number): string {
  return i === 0 ? newest : newest.replace(/\.safetensors$/, `.${i}.safetensors`);
}

/**
 * Before a new checkpoint replaces `newest`, shifts the older ones so `keep` files stay on disk:
 * `.{keep-2}` → `.{keep-1}`, …, and the current newest is hard-linked (never moved: `newest`
 * exists at every moment) to `.1`. With `keep` = 1 nothing is kept besides the newest.
 */
export function rotateCheckpoints(newest: string, keep: number): void {
  if (keep < 2 || !existsSync(newest)) return;
  for (let i = keep - 2; i >= 1; i--) {
    const from = olderCheckpoint(newest, i);
    if (existsSync(from)) renameSync(from, olderCheckpoint(newest, i + 1));
  }
  const tmp = `${olderCheckpoint(newest, 1)}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  linkSync(newest, tmp);
  renameSync(tmp, olderCheckpoint(newest, 1));
}
