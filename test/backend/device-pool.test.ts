/**
 * Released devices are handed out again (runtime/device.ts, issue 11 item 10): a healthy device
 * given back is the next one `acquireDevice` returns, with its compiled pipelines (the executor's
 * default cache lives on the device, so a second plan on it compiles nothing new); two owners at
 * once still get two devices; a device that reported an error, or released with `destroy`, is
 * destroyed rather than handed out again.
 */
import { expect, it } from 'vitest';
import { compileGraph } from '../../compiler/pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { traceModel } from '../../frontend/model.ts';
import { initParams } from '../../ir/interpret.ts';
import { acquireDevice, releaseDevice } from '../../runtime/device.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareWebGpuPlan } from '../../runtime/webgpu-executor.ts';
import model from '../../examples/lstm-moe-lm.ts';
import { describeGpu } from './gpu.ts';

describeGpu('device reuse', () => {
  it('hands a released device out again, with its pipelines; two owners get two devices', async () => {
    const a = (await acquireDevice())!;
    const b = (await acquireDevice())!;
    expect(b.device).not.toBe(a.device);
    const g = compileGraph(traceModel(model, { T: 2, B: 2, vocab: 20, width: 8, experts: 4, k: 2, expertHidden: 8 })).graph;
    const plan = lowerToWebGpu(g, a.device.limits);
    const run = { seed: 1, step: 0, training: false };
    const exe = await prepareWebGpuPlan(a, plan);
    exe.setParams(initParams(g, 1));
    const first = await exe.run(syntheticFeeds(g, 1), run, ['loss']);
    exe.destroy();
    const compiled = a.pipelines!.compiled;
    expect(compiled).toBeGreaterThan(0);
    releaseDevice(a);
    const again = (await acquireDevice())!;
    expect(again).toBe(a);
    const exe2 = await prepareWebGpuPlan(again, plan);
    exe2.setParams(initParams(g, 1));
    expect((await exe2.run(syntheticFeeds(g, 1), run, ['loss'])).loss!.data[0]).toBe(first.loss!.data[0]);
    exe2.destroy();
    expect(again.pipelines!.compiled).toBe(compiled); // nothing compiled a second time
    releaseDevice(again, { destroy: true });
    releaseDevice(b);
    const c = (await acquireDevice())!;
    expect(c).toBe(b); // the destroyed one was not kept
    c.errors.push('a validation error nobody read');
    releaseDevice(c);
    const d = (await acquireDevice())!;
    expect(d).not.toBe(c);
    expect(d).not.toBe(a);
    releaseDevice(d, { destroy: true });
  });
});
