/** Tests of simplify and dce on small hand-built Before/Expected graphs. */
import { describe, expect, it } from 'vitest';
import { GraphBuilder, type Graph } from '../../ir/graph.ts';
import { tensorType } from '../../ir/types.ts';
import { dce, eliminateDeadCode } from '../../passes/dce.ts';
import { simplifyGraph, simplify } from '../../passes/simplify.ts';
import { createPassContext, fixpoint } from '../../passes/pass.ts';
import { countOps, expectSameOutputs } from './helpers.ts';

const f32 = (...s: number[]) => tensorType('f32', s);
const clean = (g: Graph): Graph => fixpoint('s+d', [simplify, dce]).run(g, createPassContext());

describe('simplify', () => {
  it('stack0 of select0(X, 0..T−1) in order is X', () => {
    const b = new GraphBuilder();
    const x = b.addInput('x', f32(3, 2), 'input');
    const parts = [0, 1, 2].map((i) => b.add1('select0', { index: i }, [x]));
    b.setOutput('y', b.add1('relu', {}, [b.add1('stack0', {}, parts)]));
    const g = b.finish();
    const h = clean(g);
    expect(countOps(h)).toEqual({ relu: 1 });
    expect(h.nodes[0]!.inputs).toEqual([x]);
    expectSameOutputs(g, h);
  });

  it('turns the copies of a one-timestep trace into views: stack0(a) and select0 of a [1,…] value', () => {
    const b = new GraphBuilder();
    const x = b.addInput('x', f32(1, 4, 2), 'input');
    const row = b.add1('relu', {}, [b.add1('select0', { index: 0 }, [x])]);
    b.setOutput('y', b.add1('stack0', {}, [row]));
    const g = b.finish();
    const h = clean(g);
    expect(countOps(h)).toEqual({ relu: 1, reshape: 2 });
    expectSameOutputs(g, h);
  });

  it('keeps a stack0 whose selects are out of order or partial', () => {
    const b = new GraphBuilder();
    const x = b.addInput('x', f32(3, 2), 'input');
    b.setOutput('y', b.add1('stack0', {}, [2, 1, 0].map((i) => b.add1('select0', { index: i }, [x]))));
    b.setOutput('z', b.add1('stack0', {}, [0, 1].map((i) => b.add1('select0', { index: i }, [x]))));
    const g = b.finish();
    expect(simplifyGraph(g)).toBe(g);
  });

  it('select0 of stack0 is the element; addN of one input is the input', () => {
    const b = new GraphBuilder();
    const a = b.addInput('a', f32(2), 'input');
    const c = b.addInput('c', f32(2), 'input');
    const s = b.add1('stack0', {}, [a, c]);
    b.setOutput('y', b.add1('addN', {}, [b.add1('select0', { index: 1 }, [s])]));
    const g = b.finish();
    const h = clean(g);
    expect(h.nodes).toHaveLength(0);
    expect(h.outputs[0]!.value).toBe(c);
    expectSameOutputs(g, h);
  });

  it('reshape of reshape becomes one reshape; a reshape back to the input shape vanishes', () => {
    const b = new GraphBuilder();
    const x = b.addInput('x', f32(2, 3, 4), 'input');
    const r1 = b.add1('reshape', { shape: [6, 4] }, [x]);
    b.setOutput('y', b.add1('reshape', { shape: [24] }, [r1]));
    b.setOutput('z', b.add1('reshape', { shape: [2, 3, 4] }, [b.add1('reshape', { shape: [4, 6] }, [x])]));
    const g = b.finish();
    const h = clean(g);
    expect(countOps(h)).toEqual({ reshape: 1 });
    expect(h.nodes[0]!.params).toEqual({ shape: [24] });
    expect(h.nodes[0]!.inputs).toEqual([x]);
    expect(h.outputs.find((o) => o.name === 'z')!.value).toBe(x);
    expectSameOutputs(g, h);
  });
});

describe('dce', () => {
  it('removes nodes that no output reads, and the parameters only they read', () => {
    const b = new GraphBuilder();
    const x = b.addInput('x', f32(2, 2), 'input');
    const unusedIn = b.addInput('u', f32(2), 'input');
    const w = b.addInput('w', f32(2, 2), 'param', { kind: 'zeros' });
    b.add1('matmul', {}, [x, w]);
    b.add1('relu', {}, [unusedIn]);
    b.setOutput('y', b.add1('tanh', {}, [x]));
    const g = b.finish();
    const h = eliminateDeadCode(g);
    expect(countOps(h)).toEqual({ tanh: 1 });
    expect(h.inputs.map((i) => i.name)).toEqual(['x', 'u']);
    expect(h.values.has(w)).toBe(false);
    expect(eliminateDeadCode(h)).toBe(h);
  });
});
