/** Tests of batchExpertsOverTime: structure after batching, noise preservation, refusals. */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/graph.ts';
import { tensorType } from '../../ir/types.ts';
import { verifyGraph } from '../../ir/verify.ts';
import { batchExpertsOverTime } from '../../passes/batch-experts-over-time.ts';
import { eliminateDeadCode } from '../../passes/dce.ts';
import { createPassContext } from '../../passes/pass.ts';
import { countOps, expectSameOutputs, tinyMoeGraph } from './helpers.ts';

describe('batchExpertsOverTime', () => {
  it('replaces T per-timestep instances by one over T·B rows', () => {
    const g = tinyMoeGraph({ T: 3, B: 2 });
    expect(countOps(g).expertFfn).toBe(3);
    const ctx = createPassContext();
    const h = batchExpertsOverTime(g, ctx);
    verifyGraph(h);
    const c = countOps(h);
    for (const op of ['matmul', 'noiseStd', 'randomNormal', 'topk', 'softmax', 'importance', 'loadEstimate', 'moeDispatch', 'expertFfn', 'moeCombine']) {
      expect(c[op], op).toBe(op === 'matmul' ? 2 : 1);
    }
    expect(c.select0 ?? 0).toBe(0);
    expect(c.stack0 ?? 0).toBe(0);
    expect(c.addN ?? 0).toBe(1); // only the total loss
    const rn = h.nodes.find((n) => n.op === 'randomNormal')!;
    expect(rn.params).toMatchObject({ shape: [6, 4], rowOffset: 0 });
    const ffn = h.nodes.find((n) => n.op === 'expertFfn')!;
    expect(h.values.get(ffn.inputs[0]!)!.type.shape).toEqual([6, 4]);
    expect(h.nodes.filter((n) => n.layer === 'moe0').every((n) => n.instance === undefined)).toBe(true);
    expect(ctx.remarks.map((r) => r.message).join('\n')).toMatch(/moe0: merged 3/);
  });

  it('preserves every output, noise included (training mode, fixed seed)', () => {
    const g = tinyMoeGraph({ T: 4, B: 3, experts: 5, k: 2 });
    expectSameOutputs(g, batchExpertsOverTime(g));
  });

  it('preserves outputs without noise and with residual', () => {
    const g = tinyMoeGraph({ T: 3, B: 2, noisy: false, residual: true });
    expectSameOutputs(g, batchExpertsOverTime(g));
  });

  it('keeps a per-timestep row value readable as select0 of the batched result', () => {
    const g0 = tinyMoeGraph();
    const b = GraphBuilder.from(g0);
    const gates1 = g0.nodes.find((n) => n.op === 'softmax' && n.instance === 1)!;
    b.setOutput('gates1', gates1.outputs[0]!);
    const g = b.finish();
    const h = batchExpertsOverTime(g);
    expect(countOps(h).expertFfn).toBe(1);
    const out = h.outputs.find((o) => o.name === 'gates1')!.value;
    expect(h.nodes.find((n) => n.outputs.includes(out))!.params).toEqual({ index: 1 });
    expectSameOutputs(g, h);
  });

  it('refuses when a per-timestep row sum is read on its own', () => {
    const g0 = tinyMoeGraph();
    const b = GraphBuilder.from(g0);
    const imp1 = g0.nodes.find((n) => n.op === 'importance' && n.instance === 1)!;
    b.setOutput('importance1', imp1.outputs[0]!);
    const g = b.finish();
    const ctx = createPassContext();
    expect(batchExpertsOverTime(g, ctx)).toBe(g);
    expect(ctx.remarks[0]!.message).toMatch(/refused moe0: node #\d+ importance \(layer moe0, t=1\) is read per timestep/);
  });

  it('refuses when one instance differs (different eps at t=1)', () => {
    const g0 = tinyMoeGraph();
    const b = GraphBuilder.from(g0);
    const ns = g0.nodes.find((n) => n.op === 'noiseStd' && n.instance === 1)!;
    b.replaceAllUses(ns.outputs[0]!, b.add1('noiseStd', { eps: 0.5 }, ns.inputs, { layer: 'moe0', instance: 1 }));
    const g = eliminateDeadCode(b.finish());
    const ctx = createPassContext();
    expect(batchExpertsOverTime(g, ctx)).toBe(g);
    expect(ctx.remarks[0]!.message).toMatch(/refused moe0: instance 1 differs from instance 0/);
  });

  it('refuses a recurrence (x_t computed from y_{t-1})', () => {
    const g0 = tinyMoeGraph({ T: 3, B: 2, D: 4 });
    const b = GraphBuilder.from(g0);
    const x0 = b.addInput('x0', tensorType('f32', [2, 4]), 'input');
    const sel = (t: number) => g0.nodes.find((n) => n.op === 'select0' && n.instance === t)!.outputs[0]!;
    const comb = (t: number) => g0.nodes.find((n) => n.op === 'moeCombine' && n.instance === t)!.outputs[0]!;
    b.replaceAllUses(sel(0), x0);
    b.replaceAllUses(sel(1), comb(0));
    b.replaceAllUses(sel(2), comb(1));
    const g = eliminateDeadCode(b.finish());
    const ctx = createPassContext();
    expect(batchExpertsOverTime(g, ctx)).toBe(g);
    expect(ctx.remarks[0]!.message).toMatch(/refused moe0: .*recurrence over time/);
  });

  it('leaves a single-timestep layer alone', () => {
    const g = tinyMoeGraph({ T: 1 });
    const ctx = createPassContext();
    expect(batchExpertsOverTime(g, ctx)).toBe(g);
    expect(ctx.remarks[0]!.message).toMatch(/only 1 timestep/);
  });
});
