/**
 * GPU timestamps per dispatch (`moec profile`): one timing per non-empty dispatch of the plan, in
 * plan order, each non-negative, naming the op and kernel; the plan still computes the same loss
 * afterwards (profiling reuses the prepared plan).
 */
import { expect, it } from 'vitest';
import { compileGraph } from '../../compiler/pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { traceModel } from '../../frontend/model.ts';
import { initParams } from '../../ir/interpret.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareWebGpuPlan } from '../../runtime/webgpu-executor.ts';
import model from '../../examples/lstm-moe-lm.ts';
import { cache, describeGpu, dev } from './gpu.ts';

describeGpu('profiling', () => {
  it('times every dispatch of the plan', async () => {
    const g = compileGraph(traceModel(model, { T: 4, B: 4, vocab: 50, width: 16, experts: 4, k: 2, expertHidden: 16 })).graph;
    const plan = lowerToWebGpu(g, dev().device.limits);
    const exe = await prepareWebGpuPlan(dev(), plan, cache!);
    exe.setParams(initParams(g, 1));
    const run = { seed: 1, step: 0, training: true };
    const first = await exe.run(syntheticFeeds(g, 1), run, ['loss']);
    const timings = await exe.profile(run);
    const expected = plan.steps.flatMap((s) => s.dispatches.filter((d) => d.kernel.dispatch.every((x) => x > 0)).map((d) => [s.index, d.kernel.name]));
    expect(timings.map((t) => [t.step, t.kernel])).toEqual(expected);
    for (const t of timings) expect(t.ms).toBeGreaterThanOrEqual(0);
    expect(timings.reduce((a, t) => a + t.ms, 0)).toBeGreaterThan(0);
    expect(timings.find((t) => t.op === 'gating')!.layer).toBe('moe0');
    const again = await exe.run(syntheticFeeds(g, 1), run, ['loss']);
    expect(again.loss!.data[0]).toBe(first.loss!.data[0]);
    // Runs reuse one readback buffer, so an overlapping run is refused rather than corrupting it.
    const inFlight = exe.run(syntheticFeeds(g, 1), run, ['loss']);
    await expect(exe.run(syntheticFeeds(g, 1), run, ['loss'])).rejects.toThrow(/still in flight/);
    expect((await inFlight).loss!.data[0]).toBe(first.loss!.data[0]);
    exe.destroy();
  });
});
