/**
 * The fuseLinearCrossEntropy pass: before/after IR (matmul → biasAdd → softmaxCrossEntropy becomes
 * one linearCrossEntropy(h, w, b, labels); a bias-free projection gets a zeros bias), no rewrite
 * when the logits or the matmul result have another reader or are a graph output (with a remark),
 * interpret(pass(g)) ≈ interpret(g), and the differentiated fused graph gives the same gradients
 * as the differentiated unfused one with no [N, V] value anywhere in the training graph.
 * pairLinearCrossEntropy moves the forward next to its gradient only when dloss does not depend
 * on the loss, without changing any output.
 */
import { describe, expect, it } from 'vitest';
import { differentiate } from '../../passes/autodiff.ts';
import { dce } from '../../passes/dce.ts';
import { fuseLinearCrossEntropy } from '../../passes/fuse-linear-cross-entropy.ts';
import { pairLinearCrossEntropy } from '../../passes/pair-linear-cross-entropy.ts';
import { createPassContext } from '../../passes/pass.ts';
import { GraphBuilder, type Graph } from '../../ir/graph.ts';
import { interpret } from '../../ir/interpret.ts';
import { allClose, fromArray, type Tensor } from '../../ir/tensor.ts';
import { tensorType } from '../../ir/types.ts';
import { rand } from '../ir/fd.ts';

const [N, D, V] = [7, 5, 11];
const f32 = (shape: number[]) => tensorType('f32', shape);

/** h (input) → matmul(h, w) [→ biasAdd b] → softmaxCrossEntropy; `extra` adds another reader of the logits. */
function chain(o: { bias?: boolean; extra?: 'softmax' | 'output' | 'matmulReader' } = {}): { g: Graph; feeds: Record<string, Tensor> } {
  const b = new GraphBuilder();
  const h = b.addInput('h', f32([N, D]), 'input');
  const w = b.addInput('w', f32([D, V]), 'param', { kind: 'zeros' });
  const bias = o.bias === false ? undefined : b.addInput('b', f32([V]), 'param', { kind: 'zeros' });
  const labels = b.addInput('labels', tensorType('i32', [N]), 'input');
  const y = b.add1('matmul', {}, [h, w], { layer: 'logits' });
  const logits = bias === undefined ? y : b.add1('biasAdd', {}, [y, bias], { layer: 'logits' });
  b.setOutput('loss', b.add1('softmaxCrossEntropy', {}, [logits, labels], { layer: 'xent' }));
  if (o.extra === 'softmax') b.setOutput('probs', b.add1('softmax', {}, [logits]));
  if (o.extra === 'output') b.setOutput('logits', logits);
  if (o.extra === 'matmulReader') b.setOutput('y2', b.add1('relu', {}, [y]));
  const r = rand(3);
  const feeds: Record<string, Tensor> = {
    h: fromArray('f32', [N, D], r(N * D, -2, 2)),
    w: fromArray('f32', [D, V], r(D * V, -1, 1)),
    labels: fromArray('i32', [N], Array.from({ length: N }, (_, i) => (i * 4 + 1) % V)),
  };
  if (bias !== undefined) feeds.b = fromArray('f32', [V], r(V, -0.5, 0.5));
  return { g: b.finish(), feeds };
}

const ops = (g: Graph) => g.nodes.map((n) => n.op);
const ctx = { seed: 1, step: 0, training: true };

describe('fuseLinearCrossEntropy', () => {
  it('rewrites matmul → biasAdd → softmaxCrossEntropy into one linearCrossEntropy(h, w, b, labels)', () => {
    const { g, feeds } = chain();
    expect(ops(g)).toEqual(['matmul', 'biasAdd', 'softmaxCrossEntropy']);
    const f = dce.run(fuseLinearCrossEntropy(g), createPassContext());
    expect(ops(f)).toEqual(['linearCrossEntropy']);
    const node = f.nodes[0]!;
    const id = (name: string) => f.inputs.find((i) => i.name === name)!.value;
    expect(node.inputs).toEqual([id('h'), id('w'), id('b'), id('labels')]);
    expect(node.layer).toBe('xent');
    expect(f.outputs).toEqual([{ name: 'loss', value: node.outputs[0] }]);
    const want = interpret(g, feeds, ctx).loss!.data[0]!;
    const got = interpret(f, feeds, ctx).loss!.data[0]!;
    expect(Math.abs(got - want)).toBeLessThan(1e-6 * Math.abs(want));
    expect(want).toBeGreaterThan(0.1);
  });

  it('gives a bias-free projection a zeros bias', () => {
    const { g, feeds } = chain({ bias: false });
    const f = dce.run(fuseLinearCrossEntropy(g), createPassContext());
    expect(ops(f)).toEqual(['zeros', 'linearCrossEntropy']);
    expect(f.nodes[0]!.params).toEqual({ shape: [V] });
    const want = interpret(g, feeds, ctx).loss!.data[0]!;
    expect(Math.abs(interpret(f, feeds, ctx).loss!.data[0]! - want)).toBeLessThan(1e-6 * Math.abs(want));
  });

  it.each(['softmax', 'output', 'matmulReader'] as const)('leaves the chain alone when the logits must exist (%s) and says why', (extra) => {
    const { g } = chain({ extra });
    const pc = createPassContext();
    expect(fuseLinearCrossEntropy(g, pc)).toBe(g);
    expect(pc.remarks).toHaveLength(1);
    expect(pc.remarks[0]!.message).toMatch(extra === 'matmulReader' ? /read by more than the bias add/ : extra === 'output' ? /a graph output/ : /read by node #\d+ softmax/);
  });

  it('differentiates to the same gradients as the unfused chain, with no [N, V] value in the training graph', () => {
    const { g, feeds } = chain();
    const f = dce.run(fuseLinearCrossEntropy(g), createPassContext());
    const dg = differentiate(g);
    const df = differentiate(f);
    expect(ops(df)).toContain('linearCrossEntropyGrad');
    expect([...df.values.values()].filter((v) => v.type.shape.length === 2 && v.type.shape[0] === N && v.type.shape[1] === V)).toEqual([]);
    expect([...dg.values.values()].some((v) => v.type.shape[0] === N && v.type.shape[1] === V)).toBe(true);
    const a = interpret(dg, feeds, { ...ctx, precision: 'f64' });
    const b = interpret(df, feeds, { ...ctx, precision: 'f64' });
    for (const name of ['loss', 'grad:w', 'grad:b']) {
      const r = allClose(b[name]!.data, a[name]!.data, { rtol: 1e-12, atol: 1e-14 });
      expect(r.ok, `${name}: ${r.message}`).toBe(true);
    }
    expect(Math.max(...Array.from(a['grad:w']!.data, Math.abs))).toBeGreaterThan(1e-3);
  });
});

describe('pairLinearCrossEntropy', () => {
  it('moves the forward next to its gradient when dloss does not depend on the loss, and only then', () => {
    const { g, feeds } = chain();
    const train = differentiate(dce.run(fuseLinearCrossEntropy(g), createPassContext()));
    const paired = pairLinearCrossEntropy(train);
    const pos = (h: Graph, op: string) => h.nodes.findIndex((n) => n.op === op);
    expect(pos(train, 'linearCrossEntropy')).toBeLessThan(pos(train, 'fill'));
    expect(pos(paired, 'fill')).toBeLessThan(pos(paired, 'linearCrossEntropy'));
    expect(pos(paired, 'linearCrossEntropy')).toBeLessThan(pos(paired, 'linearCrossEntropyGrad'));
    const a = interpret(train, feeds, ctx);
    const b = interpret(paired, feeds, ctx);
    for (const name of Object.keys(a)) expect(Array.from(b[name]!.data), name).toEqual(Array.from(a[name]!.data));

    // dloss computed from the loss: nothing to pair.
    const bb = GraphBuilder.from(train);
    const fwd = train.nodes.find((n) => n.op === 'linearCrossEntropy')!;
    const grad = train.nodes.find((n) => n.op === 'linearCrossEntropyGrad')!;
    const d = bb.add1('scale', { value: 2 }, [fwd.outputs[0]!]);
    bb.rewireInputs((n) => n.id === grad.id, grad.inputs[4]!, d);
    const dependent = bb.finish();
    expect(pairLinearCrossEntropy(dependent)).toBe(dependent);
  });
});
