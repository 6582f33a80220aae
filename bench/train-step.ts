/**
 * Training-step benchmark for `npm run bench`: compiles the example LSTM-MoE language model's
 * whole training step (forward, backward, balancing losses, optimizer) and reports, from the plan,
 * the peak bytes under each recompute policy (none / experts / all-moe) and the optimizer state of
 * Adam against factored Adam, then times the step on the WebGPU executor (median over runs after a
 * warm-up; one submit and one scalar readback per step), against the CPU backend's time as the
 * in-run baseline, and the host (CPU-side) share of the WebGPU step as the executor measures it.
 */
import { deviceLoweringLimits } from '../runtime/lowering-limits.ts';
import { compileTrainingPlan } from '../compiler/train-pipeline.ts';
import { traceModel } from '../frontend/model.ts';
import { initParams } from '../ir/interpret.ts';
import { stateReport } from '../passes/optimizer.ts';
import type { DeviceContext } from '../runtime/device.ts';
import { syntheticFeeds } from '../runtime/synthetic-feeds.ts';
import { prepareTrainer } from '../runtime/trainer.ts';
import model, { defaults } from '../examples/lstm-moe-lm.ts';
import { median, round } from './common.ts';

/** Runs the training-step benchmark; returns the result object to write. */
export async function benchTrainingStep(dev: DeviceContext, runs: number, overrides: Record<string, number> = {}): Promise<object> {
  const options = { ...defaults, ...overrides };
  const traced = traceModel(model, options);
  const limits = deviceLoweringLimits(dev); // as the CLI lowers for this device (limits, subgroups)
  const peak: Record<string, number> = {};
  for (const recompute of ['none', 'experts', 'all-moe'] as const) {
    peak[recompute] = compileTrainingPlan(traced, { optimizer: { name: 'factored-adam', lr: 0.01 }, recompute }, limits).plan.memory!.peakBytes;
  }
  const state: Record<string, { total: number; experts: number }> = {};
  for (const name of ['adam', 'factored-adam'] as const) {
    const r = stateReport(compileTrainingPlan(traced, { optimizer: { name, lr: 0.01 }, recompute: 'experts' }, limits).graph);
    const experts = r.perParam.filter((p) => /^moe\d+\.w[12]$/.test(p.name)).reduce((a, p) => a + p.stateBytes, 0);
    state[name] = { total: r.stateBytes, experts };
  }
  const { graph, plan } = compileTrainingPlan(traced, { optimizer: { name: 'factored-adam', lr: 0.01 }, recompute: 'experts' }, limits);
  const init = initParams(graph, 1);
  const batch = syntheticFeeds(graph, 1);
  const hostMs: number[] = [];
  const time = async (backend: Parameters<typeof prepareTrainer>[0]): Promise<number[]> => {
    const t = await prepareTrainer(backend, plan, init, { seed: 1 });
    await t.step(batch, 0);
    const samples: number[] = [];
    for (let s = 1; s <= runs; s++) {
      const t0 = performance.now();
      await t.step(batch, s);
      samples.push(performance.now() - t0);
      const timing = t.lastTiming?.();
      if (timing) hostMs.push(timing.hostMs);
    }
    t.destroy();
    return samples;
  };
  const gpu = await time({ kind: 'webgpu', device: dev });
  const cpu = await time({ kind: 'cpu' });
  const tokens = options.T * options.B;
  return {
    name: 'train-step',
    date: new Date().toISOString(),
    config: { model: 'examples/lstm-moe-lm.ts', options, optimizer: 'factored-adam', recompute: 'experts', runs },
    peakBytes: peak,
    recomputeSaving: { experts: round(1 - peak.experts! / peak.none!, 4), allMoe: round(1 - peak['all-moe']! / peak.none!, 4) },
    optimizerStateBytes: state,
    expertStateRatio: round(state['factored-adam']!.experts / state.adam!.experts, 5),
    dispatchesPerStep: plan.steps.reduce((a, s) => a + s.dispatches.length, 0),
    webgpu: {
      median_ms: round(median(gpu), 1),
      tokensPerSec: round((1000 * tokens) / median(gpu), 1),
      samples_ms: gpu.map((x) => round(x, 1)),
      // CPU-side time of a step (inputs, uniforms, encoding ~200 dispatches, submit, decoding the
      // readback): the executor's own measurement, everything but the wait for the device.
      host_ms: round(median(hostMs), 2),
      hostFraction: round(median(hostMs) / median(gpu), 4),
    },
    cpu: { median_ms: round(median(cpu), 1), tokensPerSec: round((1000 * tokens) / median(cpu), 1) },
    ratio: round(median(cpu) / median(gpu), 2),
  };
}
