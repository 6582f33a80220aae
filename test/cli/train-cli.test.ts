/**
 * `moec train`, `moec eval` and `moec report` as a user runs them (CPU backend, tiny model, Moby
 * Dick): plain progress lines without a terminal, the run directory's files, a resume that
 * continues from the checkpoint with the run's own learning rate, the JSON of eval, the HTML report.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const moec = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/moec.js', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};
const tiny = ['--set', 'vocab=300', '--set', 'width=16', '--set', 'experts=4', '--set', 'k=2', '--set', 'expertHidden=16', '--set', 'T=5', '--set', 'B=3'];

describe('moec train / eval / report', () => {
  it('trains, resumes, evaluates and reports', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'moec-cli-')), 'run');
    const first = moec('train', 'examples/lstm-moe-lm.ts', '--data', 'moby-dick', '--steps', '4', '--backend', 'cpu', '--lr', '0.03', '--out', out, '--log-every', '2', '--valid-every', '2', '--valid-batches', '2', ...tiny);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/training lstm-moe-lm on moby-dick \(300 words, \d+ batches per epoch\) on cpu: steps 0 → 4/);
    expect(first.stdout).toMatch(/^step 2\/4: loss \d+\.\d+, ppl \d+\.\d, \d+ tokens\/s, CV²\(importance\) \d\.\d+, CV²\(load\) \d\.\d+$/m);
    expect(first.stdout).toMatch(/^step 4: validation loss \d+\.\d+, perplexity \d+\.\d+$/m);
    for (const f of ['config.json', 'metrics.jsonl', 'checkpoint.safetensors']) expect(existsSync(join(out, f)), f).toBe(true);

    const second = moec('train', 'examples/lstm-moe-lm.ts', '--data', 'moby-dick', '--steps', '6', '--backend', 'cpu', '--resume', '--out', out, '--log-every', '1', ...tiny);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/steps 4 → 6/);
    const steps = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.kind === 'train').map((r) => r.step);
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);

    const ev = moec('eval', join(out, 'checkpoint.safetensors'), '--split', 'test', '--backend', 'cpu', '--max-batches', '4', '--json');
    expect(ev.code, ev.stderr).toBe(0);
    const report = JSON.parse(ev.stdout);
    expect(report).toMatchObject({ step: 6, data: 'moby-dick', split: 'test', tokens: 60, backend: 'cpu' });
    expect(report.ppl).toBeGreaterThan(1);
    expect(report.unigramPpl).toBeGreaterThan(1);

    const rep = moec('report', out);
    expect(rep.code, rep.stderr).toBe(0);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/<svg/);
  });

  it('Ctrl-C stops after the current step and writes a checkpoint of it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'moec-cli-')), 'sigint');
    const child = spawn(process.execPath, ['bin/moec.js', 'train', 'examples/lstm-moe-lm.ts', '--data', 'moby-dick', '--steps', '100000', '--backend', 'cpu', '--out', out, ...tiny], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const metrics = join(out, 'metrics.jsonl');
    const deadline = Date.now() + 60_000;
    while (!(existsSync(metrics) && readFileSync(metrics, 'utf8').split('\n').length > 3) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000); // never leave a runaway trainer behind
    const code = await exited;
    clearTimeout(guard);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/stopping after this step/);
    const steps = readFileSync(metrics, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.kind === 'train').map((r) => r.step);
    const ck = spawnSync(process.execPath, ['bin/moec.js', 'eval', join(out, 'checkpoint.safetensors'), '--backend', 'cpu', '--max-batches', '1', '--json'], { cwd: root, encoding: 'utf8' });
    expect(JSON.parse(ck.stdout).step).toBe(steps[steps.length - 1]);
  });

  it('rejects a resume without a checkpoint and a bad corpus name', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'moec-cli-')), 'empty');
    const r = moec('train', 'examples/lstm-moe-lm.ts', '--resume', '--out', out, '--backend', 'cpu', ...tiny);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--resume: no checkpoint at .*checkpoint\.safetensors/);
    const bad = moec('train', 'examples/lstm-moe-lm.ts', '--data', 'wikipedia');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/argument 'wikipedia' is invalid/);
  });
});
