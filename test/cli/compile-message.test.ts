/**
 * The first-run message of `moec train` on WebGPU: before the first step it says how many kernels
 * the driver compiles (the distinct WGSL programs of the training step and the evaluation forward,
 * counted here from the compiled plans independently of the session's count), and it says nothing
 * of the kind on the CPU backend. Skipped (by describeGpu) without a WebGPU adapter.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import { compileGraph } from '../../compiler/pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { traceModel } from '../../frontend/model.ts';
import model from '../../examples/lstm-moe-lm.ts';
import { describeGpu, dev } from '../backend/gpu.ts';
import { deviceLoweringLimits } from '../../runtime/lowering-limits.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const moec = (...args: string[]) => spawnSync(process.execPath, ['bin/moec.js', ...args], { cwd: root, encoding: 'utf8', timeout: 180_000 });
const opts = { vocab: 300, width: 16, experts: 4, k: 2, expertHidden: 16, T: 5, B: 3 };
const sets = Object.entries(opts).flatMap(([k, v]) => ['--set', `${k}=${v}`]);

describeGpu('moec train: compiling N kernels', () => {
  it('announces the kernels to compile on WebGPU, and nothing on the CPU', () => {
    const limits = deviceLoweringLimits(dev()); // as the CLI lowers: the device's limits and features (subgroups)
    const g = traceModel(model, opts);
    const { plan } = compileTrainingPlan(g, { optimizer: { name: 'factored-adam', lr: 0.02 }, recompute: 'experts' }, limits);
    const evalPlan = lowerToWebGpu(compileGraph(g).graph, limits);
    const expected = new Set([...plan.steps, ...evalPlan.steps].flatMap((s) => s.dispatches.map((d) => d.kernel.wgsl))).size;
    const dir = mkdtempSync(join(tmpdir(), 'moec-compile-'));
    const gpu = moec('train', 'examples/lstm-moe-lm.ts', '--data', 'moby-dick', '--steps', '1', '--backend', 'webgpu', '--out', join(dir, 'gpu'), '--valid-every', '1', '--valid-batches', '1', ...sets);
    expect(gpu.status, gpu.stderr).toBe(0);
    expect(gpu.stdout).toContain(`compiling ${expected} kernels…`);
    const cpu = moec('train', 'examples/lstm-moe-lm.ts', '--data', 'moby-dick', '--steps', '1', '--backend', 'cpu', '--out', join(dir, 'cpu'), '--valid-every', '1', '--valid-batches', '1', ...sets);
    expect(cpu.status, cpu.stderr).toBe(0);
    expect(cpu.stdout).not.toMatch(/compiling \d+ kernels/);
  }, 300_000);
});
