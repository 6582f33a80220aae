/** Tests of fuseGatingTopk: the unfused chain becomes one gating node; outputs unchanged. */
import { describe, expect, it } from 'vitest';
import { verifyGraph } from '../../ir/verify.ts';
import { batchExpertsOverTime } from '../../passes/batch-experts-over-time.ts';
import { eliminateDeadCode } from '../../passes/dce.ts';
import { fuseGatingTopk } from '../../passes/fuse-gating-topk.ts';
import { countOps, expectSameOutputs, tinyMoeGraph } from './helpers.ts';

const fuse = (g: Parameters<typeof fuseGatingTopk>[0]) => eliminateDeadCode(fuseGatingTopk(g));

describe('fuseGatingTopk', () => {
  it('fuses the noisy chain of each timestep into one gating node', () => {
    const g = tinyMoeGraph({ T: 2, B: 3 });
    const h = fuse(g);
    verifyGraph(h);
    const c = countOps(h);
    expect(c.gating).toBe(2);
    for (const op of ['topk', 'randomNormal', 'noiseStd', 'mul', 'sliceLast', 'softmax', 'matmul']) expect(c[op] ?? 0, op).toBe(0);
    const gt = h.nodes.find((n) => n.op === 'gating' && n.instance === 1)!;
    expect(gt.params).toEqual({ k: 2, noisy: true, eps: 1e-2, stream: 0, rowOffset: 3, explicitNoise: false });
    expect(gt.inputs.map((v) => h.inputs.find((i) => i.value === v)?.name)).toEqual([undefined, 'moe0.wg', 'moe0.wn']);
    const load = h.nodes.find((n) => n.op === 'loadEstimate' && n.instance === 1)!;
    expect(load.inputs).toEqual([gt.outputs[2], gt.outputs[3], gt.outputs[4], gt.outputs[0]]);
    const imp = h.nodes.find((n) => n.op === 'importance' && n.instance === 1)!;
    expect(imp.inputs).toEqual([gt.outputs[1], gt.outputs[0]]);
  });

  it('preserves outputs in training mode (noise drawn by the fused op)', () => {
    const g = tinyMoeGraph({ T: 3, B: 4, experts: 6, k: 3 });
    expectSameOutputs(g, fuse(g));
  });

  it('fuses the noise-free variant and replaces the zero sigma', () => {
    const g = tinyMoeGraph({ noisy: false });
    const h = fuse(g);
    const c = countOps(h);
    expect(c.gating).toBe(3);
    expect(c.scale).toBe(2); // only the two loss weights remain
    expect(h.nodes.find((n) => n.op === 'gating')!.params).toMatchObject({ noisy: false, k: 2 });
    expectSameOutputs(g, h);
  });

  it('handles k = n (top-k takes all experts)', () => {
    const g = tinyMoeGraph({ experts: 3, k: 3 });
    const h = fuse(g);
    expect(countOps(h).topk ?? 0).toBe(0);
    expectSameOutputs(g, h);
  });

  it('fuses after batching: one gating over T·B rows with rowOffset 0', () => {
    const g = tinyMoeGraph({ T: 4, B: 2 });
    const h = fuse(batchExpertsOverTime(g));
    const gates = h.nodes.filter((n) => n.op === 'gating');
    expect(gates).toHaveLength(1);
    expect(gates[0]!.params).toMatchObject({ rowOffset: 0 });
    expect(h.values.get(gates[0]!.inputs[0]!)!.type.shape).toEqual([8, 4]);
    expectSameOutputs(g, h);
  });

  it('returns the same graph when there is nothing to fuse', () => {
    const g = fuse(tinyMoeGraph());
    expect(fuseGatingTopk(g)).toBe(g);
  });
});
