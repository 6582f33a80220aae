/**
 * Helpers of the fault-injection suite: run the real `moec` CLI in a child process (the way a user
 * or a crash meets it), a tiny model so each run takes a second or two on the CPU backend, and
 * scratch directories under the system temp folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = fileURLToPath(new URL('../..', import.meta.url));
/** The moec entry point. */
export const moecBin = join(root, 'bin/moec.js');

/** Options of a tiny LSTM-MoE language model (examples/lstm-moe-lm.ts). */
export const tiny = ['--set', 'vocab=300', '--set', 'width=16', '--set', 'experts=4', '--set', 'k=2', '--set', 'expertHidden=16', '--set', 'T=5', '--set', 'B=3'];

/** Runs `moec ...args` to completion. */
export function moec(args: readonly string[], opts: { cwd?: string; timeout?: number } = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [moecBin, ...args], { cwd: opts.cwd ?? root, encoding: 'utf8', timeout: opts.timeout ?? 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh scratch directory. */
export function scratch(tag: string): string {
  return mkdtempSync(join(tmpdir(), `moec-faults-${tag}-`));
}

/** `moec train` of the tiny model on Moby Dick, CPU backend, into `out`. */
export function trainArgs(out: string, steps: number, extra: readonly string[] = [], model = 'examples/lstm-moe-lm.ts'): string[] {
  return ['train', model, '--data', 'moby-dick', '--steps', String(steps), '--backend', 'cpu', '--out', out, '--valid-batches', '1', '--valid-every', '1000', ...tiny, ...extra];
}

/** The train steps recorded in a metrics.jsonl text. */
export function trainSteps(metricsText: string): number[] {
  return metricsText
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { kind: string; step: number })
    .filter((r) => r.kind === 'train')
    .map((r) => r.step);
}
