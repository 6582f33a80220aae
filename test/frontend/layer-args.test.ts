/**
 * Run-time checks of layer arguments (frontend/layer-args.ts), as the CLI meets them in untyped
 * model files: an unknown option is an error with a did-you-mean and the layer's signature; a
 * value of the wrong kind, a non-tensor input and `residual(h, moe(h, …))` (a tensor where the
 * branch function belongs) each name the layer. Valid calls still trace.
 */
import { describe, expect, it } from 'vitest';
import { defineModel, traceModel } from '../../frontend/model.ts';
import { dense, dropout, embedding, lstm, moe, residual, softmaxCrossEntropy } from '../../frontend/layers.ts';
import { didYouMean, LAYER_ARGS } from '../../frontend/layer-args.ts';
import type { TraceContext, Tensor } from '../../frontend/builder.ts';

/** Traces a model whose body (after the embedding) is `body`; untyped like a CLI model file. */
function trace(body: (h: Tensor, ctx: TraceContext) => Tensor): () => void {
  const model = defineModel({
    name: 'probe',
    defaults: {},
    build(ctx) {
      const ids = ctx.input('tokens', 'i32', [2, 2]);
      const h = embedding(ids, { vocab: 10, width: 4 });
      return softmaxCrossEntropy(dense(body(h, ctx), { units: 10 }), ctx.input('targets', 'i32', [2, 2]));
    },
  });
  return () => traceModel(model);
}

const untyped = (o: Record<string, unknown>): never => o as never;

describe('layer argument checks', () => {
  it('an unknown option names the layer, suggests the nearest key and shows the signature', () => {
    expect(trace((h) => moe(h, untyped({ experts: 4, k: 2, hidden: 4, wImportanse: 0.1 })))).toThrow(
      /^moe: unknown option 'wImportanse' \(did you mean 'wImportance'\?\); valid options: experts, k, hidden, .*; the signature is moe\(x: Tensor \[T,B,D\], \{ experts, k, hidden,/,
    );
    expect(trace((h) => lstm(h, untyped({ hiden: 4, name: 'enc' })))).toThrow(/^lstm 'enc': unknown option 'hiden' \(did you mean 'hidden'\?\)/);
    expect(trace((h) => dropout(h, untyped({ rate: 0.1, seed: 3 })))).toThrow(/^dropout: unknown option 'seed'; valid options: rate, name;/);
  });

  it('a value of the wrong kind names the layer and the option', () => {
    expect(trace((h) => moe(h, untyped({ experts: '4', k: 2, hidden: 4 })))).toThrow(/^moe: option 'experts' must be a number \(or a pair \[a, b\] for the hierarchical MoE\), got string "4"/);
    expect(trace((h) => dense(h, untyped({ units: 4, bias: 'no' })))).toThrow(/^dense: option 'bias' must be a boolean, got string "no"/);
  });

  it('a wrong argument kind names the layer: residual(h, moe(h, …)) and a non-tensor input', () => {
    expect(trace((h) => residual(h, moe(h, { experts: 4, k: 2, hidden: 4 }) as never))).toThrow(
      /^residual: the second argument must be a function x => branch\(x\), got a tensor: the branch was already applied; write residual\(h, \(x\) => moe\(x, \{\.\.\.\}\)\)/,
    );
    expect(trace(() => lstm(untyped({ hidden: 4 }), { hidden: 4 }))).toThrow(/^lstm: the first argument must be a tensor \(the output of a layer or ctx\.input\), got an object \{ hidden \}/);
    expect(trace((h) => moe(h, 4 as never))).toThrow(/^moe: the second argument must be an options object, got number 4/);
    expect(trace((h) => residual(h, () => 3 as never))).toThrow(/^residual: the branch f\(x\) must be a tensor/);
  });

  it('valid calls (flat, balanced and hierarchical MoE, residual with a function) still trace', () => {
    expect(trace((h) => residual(h, (x) => moe(x, { experts: 4, k: 2, hidden: 4, name: 'm' }))) ).not.toThrow();
    expect(trace((h) => moe(h, { experts: [2, 2], k: [1, 1], hidden: 4 }))).not.toThrow();
    expect(trace((h) => moe(h, { experts: 4, k: 1, hidden: 4, balanced: true, noisy: false }))).not.toThrow();
  });

  it('did-you-mean picks the nearest option and stays quiet for unrelated words', () => {
    const keys = Object.keys(LAYER_ARGS.moe.options);
    expect(didYouMean('wimportance', keys)).toBe('wImportance');
    expect(didYouMean('expert', keys)).toBe('experts');
    expect(didYouMean('learningRate', keys)).toBeUndefined();
  });
});
