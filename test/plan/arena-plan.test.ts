/**
 * The offset memory plan of real lowered plans (the example LM, forward and a training step),
 * checked without a GPU: the training step run by the CPU executor over the arenas equals the
 * interpreter bit for bit (two live temporaries sharing bytes would corrupt it); a plan whose
 * temporaries overlap is rejected before running; the pooled bytes stay close to the largest live
 * set; and every dispatch, as the WebGPU executor binds it (ranges in arenas, read bindings of a
 * written arena promoted to read_write), obeys WebGPU's rules: a buffer used writable in a
 * dispatch is used only writable there, writable ranges never overlap another binding's range,
 * and an indirect grid's buffer is not written by its own dispatch.
 */
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../compiler/pipeline.ts';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import type { Plan } from '../../compiler/plan.ts';
import { traceModel } from '../../frontend/model.ts';
import { initParams, interpret } from '../../ir/interpret.ts';
import { prepareCpuPlan } from '../../runtime/cpu-executor.ts';
import { allocatePlanMemory, arenaSafeKernel, bindingRange } from '../../runtime/gpu/plan-memory.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import model from '../../examples/lstm-moe-lm.ts';

const forward = compileGraph(traceModel(model, { T: 5, B: 6, experts: 8, k: 2, vocab: 50, width: 16, expertHidden: 24 })).graph;
const training = compileTrainingPlan(traceModel(model, { T: 4, B: 6, experts: 8, k: 2, vocab: 50, width: 16, expertHidden: 24 }), {
  optimizer: { name: 'adam', lr: 0.01 },
  recompute: 'experts',
});

/** Every dispatch of `plan` as bound on a (fake) device: WebGPU's usage and aliasing rules hold. */
function checkBindings(plan: Plan): number {
  // Buffers are only identities here: plain objects stand in for GPUBuffers.
  const mem = allocatePlanMemory(plan, (bytes, label) => ({ label, size: bytes }) as unknown as GPUBuffer, 2 ** 40);
  let promoted = 0;
  for (const step of plan.steps) {
    for (const d of step.dispatches) {
      const k = arenaSafeKernel(plan, mem, d);
      const uses = k.bindings
        .filter((b) => b.access !== 'uniform')
        .map((b) => ({ name: b.name, writable: b.access === 'read_write', ...bindingRange(plan, mem, d.bind[b.name]!) }));
      k.bindings.forEach((b, i) => {
        if (b.access === 'uniform') return;
        // The WGSL declaration agrees with the (possibly promoted) access.
        expect(k.wgsl, `${k.name} binding ${i}`).toContain(`@group(0) @binding(${i}) var<storage, ${b.access}>`);
        if (b.access !== d.kernel.bindings[i]!.access) promoted++;
      });
      for (const u of uses) {
        for (const v of uses) {
          if (u === v || u.buffer !== v.buffer) continue;
          if (u.writable || v.writable) {
            expect(u.writable && v.writable, `${k.name}: ${u.name} and ${v.name} share a buffer, one read-only`).toBe(true);
            expect(u.offset + u.size <= v.offset || v.offset + v.size <= u.offset, `${k.name}: ${u.name} and ${v.name} overlap`).toBe(true);
          }
        }
      }
      if (d.indirect) {
        const grid = bindingRange(plan, mem, d.indirect.buffer).buffer;
        expect(uses.some((u) => u.writable && u.buffer === grid), `${k.name}: writes the buffer of its indirect grid`).toBe(false);
      }
    }
  }
  return promoted;
}

describe('offset memory plan', () => {
  it('a training step on the CPU executor over the arenas equals the interpreter exactly', () => {
    const { graph, plan } = training;
    const feeds = { ...initParams(graph, 11), ...syntheticFeeds(graph, 11) };
    const ctx = { seed: 11, step: 2, training: true };
    const want = interpret(graph, feeds, ctx);
    const got = prepareCpuPlan(plan).run(feeds, ctx);
    expect(Object.keys(want).length).toBeGreaterThan(1);
    for (const name of Object.keys(want)) expect(Array.from(got[name]!.data), name).toEqual(Array.from(want[name]!.data));
  });

  it('splits temporaries over several arenas under a small maxBufferSize, and still computes the same', () => {
    const cap = 4096;
    const plan = lowerToWebGpu(forward, { maxStorageBufferBindingSize: 128 * 1024 * 1024, maxBufferSize: cap });
    const m = plan.memory!;
    const shared = m.arenaBytes.filter((_, i) => !m.wholeArena[i]);
    expect(shared.length).toBeGreaterThan(1);
    const largest = Math.max(...plan.storages.filter((s) => s.role === 'temp').map((s) => s.bytes));
    for (const bytes of shared) expect(bytes).toBeLessThanOrEqual(Math.max(cap, largest));
    const feeds = { ...initParams(forward, 5), ...syntheticFeeds(forward, 5) };
    const ctx = { seed: 5, step: 1, training: true };
    const want = interpret(forward, feeds, ctx);
    const got = prepareCpuPlan(plan).run(feeds, ctx);
    for (const name of Object.keys(want)) expect(Array.from(got[name]!.data), name).toEqual(Array.from(want[name]!.data));
  });

  it('rejects a plan whose live temporaries overlap', () => {
    const plan = lowerToWebGpu(forward);
    const temps = plan.storages.filter((s) => s.role === 'temp' && s.bytes > 0 && !plan.memory!.wholeArena[s.arena!]);
    const [a, b] = (() => {
      for (const x of temps) for (const y of temps) if (x !== y && x.arena === y.arena && x.first <= y.last && y.first <= x.last) return [x, y];
      throw new Error('no two live temporaries share an arena');
    })();
    b.offset = a.offset!;
    expect(() => prepareCpuPlan(plan)).toThrow(/are live together but overlap in arena/);
  });

  it.each([
    ['forward', () => lowerToWebGpu(forward)],
    ['training step', () => training.plan],
  ] as const)('%s: aligned offsets, pool close to the live set, every dispatch valid for WebGPU', (_name, make) => {
    const plan = make();
    const m = plan.memory!;
    for (const s of plan.storages) if (s.role === 'temp') expect(s.offset! % 256).toBe(0);
    expect(m.tempPooledBytes).toBeGreaterThanOrEqual(m.tempLiveBytes);
    expect(m.tempPooledBytes).toBeLessThan(m.tempNaiveBytes);
    // Small plans: 256-byte alignment of many tiny buffers and the dedicated whole-buffer arenas
    // cost a visible share; the bound is loose here and tight (< 1%) at the benchmark sizes.
    expect(m.tempPooledBytes).toBeLessThanOrEqual(2 * m.tempLiveBytes);
    expect(m.arenaBytes.reduce((x, y) => x + y, 0)).toBe(m.tempPooledBytes);
    expect(checkBindings(plan)).toBeGreaterThan(0);
  });

  it('16384 rows × 64 experts, recompute experts: peak ≤ 50% of the 224,239,464 B of issue 9, pool within 1% of the live set', () => {
    const big = traceModel(model, { B: 2048, T: 8, experts: 64, expertHidden: 64, vocab: 1000 });
    const { plan } = compileTrainingPlan(big, { optimizer: { name: 'factored-adam', lr: 0.01 }, recompute: 'experts' });
    const m = plan.memory!;
    expect(plan.storages.some((s) => s.role === 'temp' && s.bytes === 16384 * 4 * 64 * 4)).toBe(true); // xw [T·B, 4H]: the size is real
    expect(m.peakBytes).toBeLessThanOrEqual(224_239_464 / 2);
    expect(m.tempPooledBytes).toBeLessThanOrEqual(1.01 * m.tempLiveBytes);
  });
});
