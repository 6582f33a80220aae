/**
 * The lowered plan without a GPU: the example model compiled, lowered to a WebGPU plan (kernel
 * scratch and side buffers included in the memory plan) and executed by the CPU executor over the
 * temporary arenas must equal the reference interpreter bit for bit — two live buffers sharing
 * bytes would corrupt it. Also checks the plan's structure: every non-view step has dispatches,
 * memory reuse beats no reuse, and expert banks split over several bindings when one is too small.
 */
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../compiler/pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { expertBanks } from '../../compiler/lower/rules-moe.ts';
import { traceModel } from '../../frontend/model.ts';
import { initParams, interpret } from '../../ir/interpret.ts';
import { prepareCpuPlan } from '../../runtime/cpu-executor.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import model from '../../examples/lstm-moe-lm.ts';

const graph = compileGraph(traceModel(model, { T: 5, B: 6, experts: 8, k: 2, vocab: 50, width: 16, expertHidden: 24 })).graph;

describe('lowered plan on the CPU executor', () => {
  it.each([true, false])('equals the interpreter exactly (training=%s)', (training) => {
    const plan = lowerToWebGpu(graph);
    const feeds = { ...initParams(graph, 7), ...syntheticFeeds(graph, 7) };
    const ctx = { seed: 7, step: 3, training };
    const want = interpret(graph, feeds, ctx);
    const got = prepareCpuPlan(plan).run(feeds, ctx);
    for (const name of Object.keys(want)) expect(Array.from(got[name]!.data), name).toEqual(Array.from(want[name]!.data));
    // Run twice: stale data left in reused arena bytes must not leak into the second run.
    const again = prepareCpuPlan(plan).run(feeds, ctx);
    expect(Array.from(again.loss!.data)).toEqual(Array.from(want.loss!.data));
    // Only the outputs asked for are copied out.
    const some = prepareCpuPlan(plan).run(feeds, ctx, ['loss', 'moe0.load']);
    expect(Object.keys(some).sort()).toEqual(['loss', 'moe0.load']);
    expect(Array.from(some['moe0.load']!.data)).toEqual(Array.from(want['moe0.load']!.data));
  });

  it('has dispatches for every step but views, fuses the balancing-loss chain, and pools temporaries', () => {
    const plan = lowerToWebGpu(graph);
    for (const s of plan.steps) {
      if (s.node.op === 'reshape') expect(s.dispatches, s.node.op).toHaveLength(0);
      else expect(s.dispatches.length, s.node.op).toBeGreaterThan(0);
    }
    // The balancing-loss chain scale, scale → add → addN(loss) is one node (and one kernel): no
    // scale or add of moe0 is left, and its intermediates have no buffer.
    const fusedNodes = graph.nodes.filter((n) => n.op === 'fusedElementwise');
    expect(fusedNodes.length).toBeGreaterThan(0);
    expect(graph.nodes.filter((n) => n.layer === 'moe0' && ['scale', 'add'].includes(n.op))).toHaveLength(0);
    const m = plan.memory!;
    expect(m.tempPooledBytes).toBeLessThan(m.tempNaiveBytes);
    expect(m.peakBytes).toBe(m.persistentBytes + m.tempPooledBytes);
    const gating = plan.steps.find((s) => s.node.op === 'gating')!;
    expect(gating.dispatches).toHaveLength(1);
    expect(gating.dispatches[0]!.uniformFor).toBeDefined();
  });

  it('splits an expert bank over bindings when it exceeds one binding', () => {
    expect(expertBanks(64, 2 * 1024 * 1024, 128 * 1024 * 1024, 'moe')).toEqual([64]);
    expect(expertBanks(64, 4 * 1024 * 1024, 128 * 1024 * 1024, 'moe')).toEqual([32, 32]);
    expect(expertBanks(20, 100, 700, 'moe')).toEqual([7, 7, 6]);
    expect(() => expertBanks(8, 1000, 500, 'moe0')).toThrow(/moe0: one expert's weights take 1000 bytes/);
    expect(() => expertBanks(100, 100, 1000, 'moe0')).toThrow(/needs 10 storage bindings/);
    // A 2 KiB binding limit forces the example's [8,16,24] expert weights (1536 B each) into 2 banks... of 1 expert: too many.
    expect(() => lowerToWebGpu(graph, { maxStorageBufferBindingSize: 2048 })).toThrow(/expertFfn \(layer moe0\): the expert bank needs 8 storage bindings/);
    const plan = lowerToWebGpu(graph, { maxStorageBufferBindingSize: 4 * 1536 });
    const w1 = plan.storages[plan.buffers[plan.inputs.find((i) => i.name === 'moe0.w1')!.buffer]!.storage]!;
    expect(w1.parts).toEqual([4 * 1536, 4 * 1536]);
  });
});
