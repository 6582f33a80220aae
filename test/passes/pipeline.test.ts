/** The full pipeline on the App. C example: structure after compilation and unchanged outputs. */
import { describe, expect, it } from 'vitest';
import model from '../../examples/lstm-moe-lm.ts';
import { compileGraph } from '../../compiler/pipeline.ts';
import { traceModel } from '../../frontend/model.ts';
import { TraceContext } from '../../frontend/builder.ts';
import { moe } from '../../frontend/layers.ts';
import { countOps, expectSameOutputs } from './helpers.ts';

describe('compileGraph on examples/lstm-moe-lm.ts', () => {
  it('leaves one gating and one expertFfn over T·B rows per MoE layer, no topk/randomNormal', () => {
    const g = traceModel(model);
    const passes: string[] = [];
    const { graph: h, changed, remarks } = compileGraph(g, { onAfterPass: (name) => passes.push(name) });
    expect(passes).toEqual(['inferShapes', 'simplify+dce', 'batchExpertsOverTime', 'simplify+dce', 'fuseGatingTopk', 'fuseLinearCrossEntropy', 'dce', 'inferShapes', 'fuseElementwise', 'dce', 'inferShapes']);
    expect(changed).toContain('batchExpertsOverTime');
    expect(changed).toContain('fuseLinearCrossEntropy');
    expect(changed).toContain('fuseGatingTopk');
    expect(changed).toContain('fuseElementwise');
    expect(remarks.map((r) => r.message)).toEqual(['moe0: merged 8 timestep instances into one over 256 rows']);
    const c = countOps(h);
    expect(c.gating).toBe(1);
    expect(c.expertFfn).toBe(1);
    expect(c.linearCrossEntropy).toBe(1);
    expect(c.softmaxCrossEntropy ?? 0).toBe(0);
    expect(c.topk ?? 0).toBe(0);
    expect(c.randomNormal ?? 0).toBe(0);
    expect(c.select0 ?? 0).toBe(0);
    const ffn = h.nodes.find((n) => n.op === 'expertFfn')!;
    expect(h.values.get(ffn.inputs[0]!)!.type.shape).toEqual([8 * 32, 64]);
    expect(h.outputs.map((o) => o.name)).toEqual(g.outputs.map((o) => o.name));
  });

  it('computes the same outputs as the traced graph (training, dropout and noise on)', () => {
    const g = traceModel(model, { T: 4, B: 3, vocab: 50 });
    expectSameOutputs(g, compileGraph(g).graph, { vocab: 50 });
  });

  it('computes the same outputs in evaluation mode (no noise, dropout off)', () => {
    const g = traceModel(model, { T: 3, B: 2, vocab: 40 });
    expectSameOutputs(g, compileGraph(g).graph, { vocab: 40, ctx: { seed: 1, step: 0, training: false } });
  });

  it('compiles two MoE layers independently', () => {
    const ctx = new TraceContext();
    const x = ctx.input('x', 'f32', [3, 2, 4]);
    const y = moe(moe(x, { experts: 4, k: 1, hidden: 3 }), { experts: 3, k: 2, hidden: 3, noisy: false });
    const g = ctx.finish(ctx.op1('sum', {}, [y]), { name: 'two' });
    const h = compileGraph(g).graph;
    expect(h.nodes.filter((n) => n.op === 'gating').map((n) => n.layer)).toEqual(['moe0', 'moe1']);
    const c = countOps(h);
    expect(c.expertFfn).toBe(2);
    expect([c.select0 ?? 0, c.stack0 ?? 0, c.topk ?? 0]).toEqual([0, 0, 0]);
    expectSameOutputs(g, h);
  });
});
