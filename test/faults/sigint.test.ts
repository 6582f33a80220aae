/**
 * Item 9 of issue 11: a second Ctrl-C during validation quits at once on the CPU backend, as it
 * does on WebGPU. A training validates the whole validation split after every step; once the first
 * step's metrics line is written (its validation running), SIGINT is sent twice: the process must
 * exit with 130 before that validation finishes (no validation record for the step is written).
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { moecBin, root, scratch, trainArgs, trainSteps } from './helpers.ts';

describe('Ctrl-C twice during validation (CPU backend)', () => {
  it('exits with 130 without finishing the validation', async () => {
    const out = join(scratch('sigint'), 'run');
    const args = trainArgs(out, 1000, ['--valid-every', '1', '--valid-batches', '1000000', '--set', 'T=4', '--set', 'B=1']);
    const child = spawn(process.execPath, [moecBin, ...args], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const metrics = join(out, 'metrics.jsonl');
    const deadline = Date.now() + 60_000;
    while (!(existsSync(metrics) && trainSteps(readFileSync(metrics, 'utf8')).length >= 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const code = await exited;
    clearTimeout(guard);
    expect(stderr).toMatch(/stopping after this step/);
    expect(code).toBe(130);
    const records = readFileSync(metrics, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
    expect(records.filter((r) => r.kind === 'valid')).toEqual([]);
  });
});
