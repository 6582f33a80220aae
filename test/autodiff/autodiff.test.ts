/**
 * Tests of the autodiff walk itself (passes/autodiff.ts), independent of any single op's rule:
 * gradients of a value read more than once are summed by one addN in reverse reader order (FD
 * checks that fail if only one contribution were kept), a parameter the loss ignores gets a zeros
 * gradient, i32 parameters get none, the original outputs stay first, every emitted node is tagged
 * phase 'backward' with its forward node's layer, no dead backward nodes remain, gradient/update
 * ops are refused with a clear message, a missing loss is reported, and the pass wrapper works.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/graph.ts';
import { interpret } from '../../ir/interpret.ts';
import { verifyGraph } from '../../ir/verify.ts';
import { autodiffPass, differentiate, gradName } from '../../passes/autodiff.ts';
import { liveValues } from '../../passes/dce.ts';
import { createPassContext } from '../../passes/pass.ts';
import { checkOp, opCase, fdCheck } from './helpers.ts';

describe('autodiff walk', () => {
  it('sums the gradients of a value read by two nodes with one addN (reverse reader order)', () => {
    const c = opCase(7, [{ name: 'x', shape: [2, 3] }], (b, v) => [b.add1('tanh', {}, [v.x!]), b.add1('sigmoid', {}, [v.x!])]);
    fdCheck(c.graph, c.feeds);
    const dg = differentiate(c.graph);
    const gradX = dg.outputs.find((o) => o.name === 'grad:x')!.value;
    const sum = dg.nodes.find((n) => n.outputs[0] === gradX)!;
    expect(sum.op).toBe('addN');
    const ops = sum.inputs.map((i) => dg.nodes.find((n) => n.outputs.includes(i))!.op);
    expect(ops).toEqual(['sigmoidGrad', 'tanhGrad']); // sigmoid reads x after tanh, so it comes first
    expect(dg.nodes.filter((n) => n.op === 'addN' && n.phase === 'backward')).toHaveLength(1);
  });

  it('sums the two contributions of a value read twice by the same node (mul(x, x) → 2x·dy)', () => {
    checkOp(8, [{ name: 'x', shape: [3] }], (b, v) => [b.add1('mul', {}, [v.x!, v.x!])]);
    checkOp(9, [{ name: 'x', shape: [2, 2] }], (b, v) => [b.add1('addN', {}, [v.x!, v.x!, v.x!])]);
  });

  it('sums contributions through a diamond (x → a, b → c) and a param reused by two layers', () => {
    checkOp(10, [{ name: 'x', shape: [2, 2] }, { name: 'w', shape: [2, 2] }], (b, v) => {
      const h = b.add1('matmul', {}, [v.x!, v.w!]);
      const h2 = b.add1('matmul', {}, [b.add1('tanh', {}, [h]), v.w!]);
      return [b.add1('add', {}, [b.add1('relu', {}, [h]), h2])];
    });
  });

  it('gives a zeros gradient to a parameter the loss ignores and none to i32 parameters', () => {
    const b = new GraphBuilder();
    const x = b.addInput('x', { dtype: 'f32', shape: [2] }, 'param', { kind: 'ones' });
    const unused = b.addInput('unused', { dtype: 'f32', shape: [3, 2] }, 'param', { kind: 'ones' });
    const ids = b.addInput('ids', { dtype: 'i32', shape: [2] }, 'param', { kind: 'zeros' });
    const other = b.add1('sum', {}, [unused]);
    b.setOutput('loss', b.add1('sum', {}, [b.add1('tanh', {}, [x])]));
    b.setOutput('other', other);
    b.setOutput('ids', ids);
    const dg = differentiate(b.finish());
    verifyGraph(dg);
    expect(dg.outputs.map((o) => o.name)).toEqual(['loss', 'other', 'ids', 'grad:x', 'grad:unused']);
    const z = dg.nodes.find((n) => n.outputs[0] === dg.outputs[4]!.value)!;
    expect(z.op).toBe('zeros');
    expect(z.params).toEqual({ shape: [3, 2] });
    const out = interpret(dg, { x: { type: { dtype: 'f32', shape: [2] }, data: new Float32Array([0, 1]) }, unused: { type: { dtype: 'f32', shape: [3, 2] }, data: new Float32Array(6) }, ids: { type: { dtype: 'i32', shape: [2] }, data: new Int32Array(2) } }, { seed: 0, step: 0, training: true });
    expect(out['grad:x']!.data[0]).toBe(1);
    expect(out['grad:x']!.data[1]).toBeCloseTo(1 - Math.tanh(1) ** 2, 6);
  });

  it('tags every emitted node phase backward with the layer of its forward node, and leaves no dead backward node', () => {
    const b = new GraphBuilder();
    const x = b.addInput('x', { dtype: 'f32', shape: [2, 3] }, 'param', { kind: 'ones' });
    const w = b.addInput('w', { dtype: 'f32', shape: [3, 4] }, 'param', { kind: 'ones' });
    const d = b.addInput('d', { dtype: 'f32', shape: [2, 3] }, 'input');
    const h = b.add1('matmul', {}, [b.add1('add', {}, [x, d], { layer: 'in' }), w], { layer: 'dense' });
    b.setOutput('loss', b.add1('sum', {}, [b.add1('relu', {}, [h], { layer: 'act' })], { layer: 'head' }));
    const g = b.finish();
    const dg = differentiate(g);
    const fwdIds = new Set(g.nodes.map((n) => n.id));
    const added = dg.nodes.filter((n) => !fwdIds.has(n.id));
    expect(added.length).toBeGreaterThan(0);
    for (const n of added) expect(n.phase, `${n.op}`).toBe('backward');
    // (add passes dy through without a node, so layer 'in' emits none)
    expect(new Set(added.map((n) => n.layer))).toEqual(new Set(['dense', 'act', 'head']));
    expect(added.find((n) => n.op === 'reluGrad')!.layer).toBe('act');
    const live = liveValues(dg);
    for (const n of added) expect(n.outputs.some((o) => live.has(o)), `${n.op} is dead`).toBe(true);
    // The forward nodes are unchanged.
    for (const n of g.nodes) expect(dg.nodes.find((m) => m.id === n.id)).toEqual(n);
  });

  it('emits no gradient work for data inputs (nothing flows into d)', () => {
    const c = opCase(3, [{ name: 'd', shape: [2, 2], role: 'input' }, { name: 'w', shape: [2, 2] }], (b, v) => [b.add1('matmul', {}, [v.d!, v.w!])]);
    const dg = differentiate(c.graph);
    const back = dg.nodes.filter((n) => n.phase === 'backward');
    expect(back.filter((n) => n.op === 'matmul')).toHaveLength(1); // only dW = dᵀ·dy
    fdCheck(c.graph, c.feeds);
  });

  it('refuses gradient and update ops with a message naming the op', () => {
    const b = new GraphBuilder();
    const p = b.addInput('p', { dtype: 'f32', shape: [2] }, 'param', { kind: 'ones' });
    const g = b.addInput('g', { dtype: 'f32', shape: [2] }, 'input');
    b.setOutput('loss', b.add1('sum', {}, [b.add1('sgdUpdate', { lr: 0.1 }, [p, g])]));
    expect(() => differentiate(b.finish())).toThrow(/op sgdUpdate is already a gradient\/update op; differentiate the forward graph/);
    const b2 = new GraphBuilder();
    const y = b2.addInput('y', { dtype: 'f32', shape: [2] }, 'param', { kind: 'ones' });
    b2.setOutput('loss', b2.add1('sum', {}, [b2.add1('reluGrad', {}, [y, y])]));
    expect(() => differentiate(b2.finish())).toThrow(/op reluGrad is already a gradient\/update op/);
  });

  it('reports a missing or non-f32 loss output', () => {
    const b = new GraphBuilder();
    const x = b.addInput('x', { dtype: 'f32', shape: [2] }, 'param', { kind: 'ones' });
    b.setOutput('total', b.add1('sum', {}, [x]));
    const g = b.finish();
    expect(() => differentiate(g)).toThrow(/no output 'loss' \(outputs: 'total'\)/);
    const dg = differentiate(g, { loss: 'total' });
    expect(dg.outputs.map((o) => o.name)).toEqual(['total', 'grad:x']);
  });

  it('differentiates a non-scalar loss as the sum of its elements', () => {
    const b = new GraphBuilder();
    const x = b.addInput('x', { dtype: 'f32', shape: [3] }, 'param', { kind: 'ones' });
    b.setOutput('loss', b.add1('scale', { value: 2 }, [x]));
    const out = interpret(differentiate(b.finish()), { x: { type: { dtype: 'f32', shape: [3] }, data: new Float32Array([1, 2, 3]) } }, { seed: 0, step: 0, training: true });
    expect(Array.from(out[gradName('x')]!.data)).toEqual([2, 2, 2]);
  });

  it('autodiffPass is differentiate on the output loss', () => {
    const c = opCase(1, [{ name: 'x', shape: [2] }], (b, v) => [b.add1('tanh', {}, [v.x!])]);
    expect(autodiffPass.name).toBe('autodiff');
    const g = autodiffPass.run(c.graph, createPassContext());
    expect(g.outputs.map((o) => o.name)).toEqual(['loss', 'grad:x']);
  });
});
