/**
 * `moec run` and `moec eval` with `--backend webgpu --json` as a user runs them, against the CPU
 * backend on the same seed. The paper's zero gate init would make evaluation routing trivial
 * (every row to experts 0..k−1), so the evaluation comparison uses a checkpoint after a few CPU
 * training steps at a high learning rate (non-zero gate weights): loss to 1e-5 relative and the
 * per-expert load shares exactly (hard counts of identical selections), with more than k experts
 * loaded. `moec run --mode train` routes by the gating noise; there importance must be spread
 * over more than k experts and match the CPU's.
 */
import { expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeGpu } from './gpu.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const moec = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/moec.js', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
};
const runJson = (...args: string[]) => JSON.parse(moec('run', 'examples/lstm-moe-lm.ts', '--json', ...args));
const nonZero = (xs: number[]) => xs.filter((x) => x !== 0).length;

describeGpu('moec run / eval --backend webgpu', () => {
  it('run --mode train matches --backend cpu', () => {
    const gpu = runJson('--backend', 'webgpu', '--mode', 'train', '--seed', '4');
    const cpu = runJson('--backend', 'cpu', '--mode', 'train', '--seed', '4');
    expect(gpu.backend).toBe('webgpu');
    expect(gpu.adapter).toMatch(/vulkan|opengles/);
    expect(Math.abs(gpu.loss - cpu.loss) / cpu.loss).toBeLessThan(1e-4);
    expect(nonZero(cpu.moe[0].importance)).toBeGreaterThan(8);
    gpu.moe[0].importance.forEach((x: number, i: number) => expect(x).toBeCloseTo(cpu.moe[0].importance[i], 3));
  });

  it('eval of a trained checkpoint (non-zero gates) matches --backend cpu', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'moec-cli-gpu-')), 'run');
    const tiny = ['--set', 'vocab=300', '--set', 'width=16', '--set', 'experts=8', '--set', 'k=2', '--set', 'expertHidden=16', '--set', 'T=5', '--set', 'B=4'];
    moec('train', 'examples/lstm-moe-lm.ts', '--data', 'moby-dick', '--steps', '3', '--backend', 'cpu', '--lr', '0.3', '--out', out, '--log-every', '1', '--valid-every', '100', ...tiny);
    const ev = (backend: string) => JSON.parse(moec('eval', join(out, 'checkpoint.safetensors'), '--split', 'test', '--backend', backend, '--max-batches', '3', '--json'));
    const gpu = ev('webgpu');
    const cpu = ev('cpu');
    expect(gpu.backend).toBe('webgpu');
    expect(gpu.adapter).toMatch(/vulkan|opengles/);
    expect(gpu.tokens).toBe(60);
    expect(Math.abs(gpu.loss - cpu.loss) / cpu.loss).toBeLessThan(1e-5);
    expect(nonZero(cpu.moe.moe0.loadShare), `experts loaded: ${cpu.moe.moe0.loadShare}`).toBeGreaterThanOrEqual(4);
    expect(gpu.moe.moe0.loadShare).toEqual(cpu.moe.moe0.loadShare);
  });
});
