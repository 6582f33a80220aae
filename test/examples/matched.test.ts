/**
 * The computationally matched baselines of examples/matched/: every model spends the same expert
 * multiply-adds per token (k experts of hidden H each: k·(D·H + H·Dout)), the dense MoE-1-Wide
 * included, and each compiles to a training step whose expert FFN runs over T·B·k slots.
 */
import { describe, expect, it } from 'vitest';
import { compileTraining } from '../../compiler/train-pipeline.ts';
import { traceModel, type Model } from '../../frontend/model.ts';
import wide from '../../examples/matched/moe-1-wide.ts';
import moe4 from '../../examples/matched/moe-4.ts';
import moe16 from '../../examples/matched/moe-16.ts';
import moe64 from '../../examples/matched/moe-64.ts';
import moe256 from '../../examples/matched/moe-256.ts';
import moe1024h from '../../examples/matched/moe-1024-h.ts';

const models: [string, Model][] = [['moe-1-wide', wide as Model], ['moe-4', moe4 as Model], ['moe-16', moe16 as Model], ['moe-64', moe64 as Model], ['moe-256', moe256 as Model], ['moe-1024-h', moe1024h as Model]];

describe('matched-compute examples', () => {
  it.each(models)('%s spends the same expert operations per token', (name, model) => {
    const g = traceModel(model);
    const meta = (g.meta.moeLayers as { experts: number; k: number; hidden: number }[])[0]!;
    expect(meta.experts).toBe(Number(/\d+/.exec(name)![0]));
    const D = Number((g.meta.options as { width: number }).width);
    expect(meta.k * (D * meta.hidden + meta.hidden * D)).toBe(256 * 2 * D);
    const t = compileTraining(g, { optimizer: { name: 'factored-adam', lr: 0.01 }, recompute: 'experts' }).graph;
    // recompute 'experts' keeps the FFN whole (its backward recomputes the hidden activations).
    const ffn = t.nodes.find((n) => n.op === 'expertFfn')!;
    expect(t.values.get(ffn.outputs[0]!)!.type.shape).toEqual([8 * 32 * meta.k, D]);
    expect(t.values.get(ffn.inputs[3]!)!.type.shape[2]).toBe(meta.hidden);
  });
});
