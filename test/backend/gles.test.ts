/**
 * The OpenGL ES fallback adapter (Dawn's GL ES backend in compatibility mode, EGL surfaceless):
 * the example model's forward, with random non-zero gate weights, runs on it and matches the
 * reference (loss, expert selection per row, loads), and the routing is non-trivial. The test
 * checks the adapter that actually ran is the GL ES one, not a Vulkan fallback. Skipped when that
 * adapter is not available on this machine (the Vulkan path is what CI requires; see gpu.ts).
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
import { GraphBuilder } from '../../ir/graph.ts';
import { expectNontrivialRouting, randomizeGates } from '../routing.ts';

process.env.EGL_PLATFORM ??= 'surfaceless';
const gles = await acquireDevice({ prefer: 'opengles' });
const available = gles?.info.backend === 'opengles';

describe.skipIf(!available)('OpenGL ES fallback adapter', () => {
  it('runs the example forward and matches the reference', async () => {
    expect(gles!.info.backend).toBe('opengles');
    const compiled = compileGraph(traceModel(model, { T: 4, B: 6, vocab: 60, width: 16, experts: 6, k: 2, expertHidden: 16 })).graph;
    const b = GraphBuilder.from(compiled);
    b.setOutput('moe0.indices', compiled.nodes.find((n) => n.op === 'gating')!.outputs[0]!);
    const g = b.finish();
    const exe = await prepareWebGpuPlan(gles!, lowerToWebGpu(g, gles!.device.limits));
    const params = initParams(g, 4);
    randomizeGates(params, 4);
    const data = syntheticFeeds(g, 4);
    exe.setParams(params);
    for (const training of [true, false]) {
      const ctx = { seed: 4, step: 1, training };
      const got = await exe.run(data, ctx, ['loss', 'moe0.load', 'moe0.indices']);
      const want = interpret(g, { ...params, ...data }, ctx);
      const loss = Number(want.loss!.data[0]);
      expect(Math.abs(Number(got.loss!.data[0]) - loss) / loss).toBeLessThan(1e-4);
      expect(Array.from(got['moe0.indices']!.data)).toEqual(Array.from(want['moe0.indices']!.data));
      expectNontrivialRouting(want['moe0.indices']!.data, 2, 4, 5);
      Array.from(want['moe0.load']!.data).forEach((x, i) => expect(got['moe0.load']!.data[i]).toBeCloseTo(x, 3));
    }
    exe.destroy();
  });
});
