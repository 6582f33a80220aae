/**
 * The measuring parts added for issue 13, on the device: `tuneMatmuls` times the untuned choice and
 * the given candidates for each GEMM shape a plan runs (`tunableMatmuls`) and returns, per shape
 * key, one of those tilings with its and the baseline's median ms; a tuning record of the result
 * validates as a tuning file and lowers a plan whose GEMMs take the chosen tiles. And the WebGPU
 * executor's `lastTiming`: undefined before a run, then host and wait times that are non-negative
 * and together no more than the run's wall time.
 */
import { expect, it } from 'vitest';
import { parseKernelTuning } from '../../compiler/kernel-tuning.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import { defaultMatmulTiling, type MatmulTiling } from '../../compiler/wgsl/matmul.ts';
import { traceModel } from '../../frontend/model.ts';
import { initParams } from '../../ir/interpret.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { tunableMatmuls, tuneMatmuls, tuningRecord } from '../../runtime/tuning/tune-matmul.ts';
import { prepareWebGpuPlan } from '../../runtime/webgpu-executor.ts';
import model from '../../examples/lstm-moe-lm.ts';
import { describeGpu, dev } from './gpu.ts';

const traced = traceModel(model, { T: 2, B: 4, experts: 4, k: 2, width: 16, expertHidden: 16, vocab: 50 });
const { graph, plan } = compileTrainingPlan(traced, { optimizer: { name: 'adam', lr: 0.01 }, recompute: 'experts' });

describeGpu('tuning and run timing on the device', () => {
  it('tuneMatmuls picks, per GEMM shape of the plan, the baseline or a candidate, and the record lowers to those tiles', async () => {
    const gemms = tunableMatmuls([plan]).slice(0, 2);
    expect(gemms.length).toBe(2);
    const candidate: MatmulTiling = { tm: 32, tn: 64, tk: 16, rm: 4, rn: 8, vec4: true };
    const chosen = await tuneMatmuls(dev(), gemms, { runs: 2, candidates: [candidate] });
    expect(Object.keys(chosen).sort()).toEqual(gemms.map((g) => g.key).sort());
    for (const g of gemms) {
      const e = chosen[g.key]!;
      expect([candidate, defaultMatmulTiling(g.options, { subgroups: dev().device.features.has('subgroups') })]).toContainEqual(e.tiling);
      expect(e.ms).toBeGreaterThan(0);
      expect(e.defaultMs).toBeGreaterThan(0);
      expect(e.ms).toBeLessThanOrEqual(e.defaultMs);
    }
    const record = parseKernelTuning(JSON.parse(JSON.stringify(tuningRecord(dev(), chosen, [0, 0]))), 'record');
    const tuned = lowerToWebGpu(graph, { maxStorageBufferBindingSize: dev().device.limits.maxStorageBufferBindingSize, subgroups: dev().device.features.has('subgroups'), tuning: record });
    for (const d of tuned.steps.flatMap((s) => s.dispatches)) {
      const e = d.kernel.tunable && chosen[d.kernel.tunable.key];
      if (e) expect(d.kernel.wgsl).toContain(`tile=${e.tiling.tm}x${e.tiling.tn}x${e.tiling.tk} reg=${e.tiling.rm}x${e.tiling.rn}`);
    }
  }, 600_000);

  it('lastTiming is undefined before a run, then host + wait ≤ the run’s wall time', async () => {
    const exe = await prepareWebGpuPlan(dev(), plan);
    try {
      expect(exe.lastTiming()).toBeUndefined();
      exe.setParams(initParams(graph, 1));
      const feeds = syntheticFeeds(graph, 1);
      await exe.run(feeds, { seed: 1, step: 0, training: true }, ['loss']);
      const t0 = performance.now();
      await exe.run(feeds, { seed: 1, step: 1, training: true }, ['loss']);
      const wall = performance.now() - t0;
      const t = exe.lastTiming()!;
      expect(t.hostMs).toBeGreaterThan(0);
      expect(t.waitMs).toBeGreaterThanOrEqual(0);
      expect(t.hostMs + t.waitMs).toBeLessThanOrEqual(wall + 1e-6);
    } finally {
      exe.destroy();
    }
  }, 600_000);
});
