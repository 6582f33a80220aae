/**
 * `moec run --backend webgpu --json` as a user runs it: the report names the WebGPU adapter and
 * its loss and MoE statistics equal the CPU backend's on the same seed (loss to 1e-4 relative,
 * eval-mode loads exactly, since they are hard counts of identical selections).
 */
import { expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describeGpu } from './gpu.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const runJson = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/moec.js', 'run', 'examples/lstm-moe-lm.ts', '--json', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

describeGpu('moec run --backend webgpu', () => {
  it.each(['train', 'eval'])('matches --backend cpu in %s mode', (mode) => {
    const gpu = runJson('--backend', 'webgpu', '--mode', mode, '--seed', '4');
    const cpu = runJson('--backend', 'cpu', '--mode', mode, '--seed', '4');
    expect(gpu.backend).toBe('webgpu');
    expect(gpu.adapter).toMatch(/vulkan|opengles/);
    expect(Math.abs(gpu.loss - cpu.loss) / cpu.loss).toBeLessThan(1e-4);
    if (mode === 'eval') expect(gpu.moe[0].load).toEqual(cpu.moe[0].load);
    gpu.moe[0].importance.forEach((x: number, i: number) => expect(x).toBeCloseTo(cpu.moe[0].importance[i], 3));
  });
});
