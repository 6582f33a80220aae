/**
 * The OpenGL ES fallback adapter (Dawn's GL ES backend in compatibility mode, EGL surfaceless):
 * the example model's forward runs on it and matches the reference. Skipped when that adapter is
 * not available on this machine (the Vulkan path is what CI requires; see gpu.ts).
 */
import { expect, it, describe } from 'vitest';
import { compileGraph } from '../../compiler/pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { traceModel } from '../../frontend/model.ts';
import { initParams, interpret } from '../../ir/interpret.ts';
import { acquireDevice } from '../../runtime/device.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareWebGpuPlan } from '../../runtime/webgpu-executor.ts';
import model from '../../examples/lstm-moe-lm.ts';

process.env.EGL_PLATFORM ??= 'surfaceless';
const gles = await acquireDevice({ prefer: 'opengles' });
const available = gles?.info.backend === 'opengles';

describe.skipIf(!available)('OpenGL ES fallback adapter', () => {
  it('runs the example forward and matches the reference', async () => {
    const g = compileGraph(traceModel(model, { T: 4, B: 4, vocab: 60, width: 16, experts: 4, k: 2, expertHidden: 16 })).graph;
    const exe = await prepareWebGpuPlan(gles!, lowerToWebGpu(g, gles!.device.limits));
    const params = initParams(g, 4);
    const data = syntheticFeeds(g, 4);
    exe.setParams(params);
    const ctx = { seed: 4, step: 1, training: true };
    const got = await exe.run(data, ctx, ['loss', 'moe0.load']);
    const want = interpret(g, { ...params, ...data }, ctx);
    const loss = Number(want.loss!.data[0]);
    expect(Math.abs(Number(got.loss!.data[0]) - loss) / loss).toBeLessThan(1e-4);
    Array.from(want['moe0.load']!.data).forEach((x, i) => expect(got['moe0.load']!.data[i]).toBeCloseTo(x, 3));
    exe.destroy();
  });
});
