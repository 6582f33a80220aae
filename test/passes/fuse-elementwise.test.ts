/**
 * Tests of passes/fuse-elementwise.ts: which chains fuse (single-reader intermediates only; values
 * read twice, graph outputs and biasAdd biases stay leaves), matmul + lone biasAdd becoming
 * matmulBias, the expression kept in the IR (printed, serialised, validated), and that the fused
 * graph computes exactly what the unfused graph computes — on hand-built graphs and on the whole
 * training step of the example model (every updated parameter and optimizer state, bit for bit).
 */
import { describe, expect, it } from 'vitest';
import { EXECUTION_PASSES } from '../../compiler/pipeline.ts';
import { trainingPipeline } from '../../compiler/train-pipeline.ts';
import { traceModel } from '../../frontend/model.ts';
import { GraphBuilder, type Graph } from '../../ir/graph.ts';
import { initParams, interpret } from '../../ir/interpret.ts';
import { graphFromJson, graphToJsonText } from '../../ir/json.ts';
import { printGraph } from '../../ir/print.ts';
import { fromArray } from '../../ir/tensor.ts';
import { tensorType } from '../../ir/types.ts';
import { verifyGraph } from '../../ir/verify.ts';
import { eliminateDeadCode } from '../../passes/dce.ts';
import { fuseElementwise } from '../../passes/fuse-elementwise.ts';
import { PassManager } from '../../passes/pass.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import model from '../../examples/lstm-moe-lm.ts';
import { countOps } from './helpers.ts';

const f32 = (...s: number[]) => tensorType('f32', s);
const fuse = (g: Graph): Graph => eliminateDeadCode(fuseElementwise(g));
const rnd = (n: number, phase: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + phase) * 2);

/** x, y [6,5]; bias [5]: t = tanh(biasAdd(relu(add(scale(x), y)), bias)), u = sigmoid(relu(...)). */
function chainGraph(): Graph {
  const b = new GraphBuilder();
  const x = b.addInput('x', f32(6, 5), 'input');
  const y = b.addInput('y', f32(6, 5), 'input');
  const bias = b.addInput('bias', f32(5), 'param', { kind: 'zeros' });
  const r = b.add1('relu', {}, [b.add1('add', {}, [b.add1('scale', { value: 0.5 }, [x]), y])]);
  b.setOutput('t', b.add1('tanh', {}, [b.add1('biasAdd', {}, [r, bias])]));
  b.setOutput('u', b.add1('sigmoid', {}, [r]));
  return b.finish();
}

const chainFeeds = { x: fromArray('f32', [6, 5], rnd(30, 0)), y: fromArray('f32', [6, 5], rnd(30, 1)), bias: fromArray('f32', [5], [0.1, -0.2, 0.3, 0, 1]) };
const ctx = { seed: 1, step: 0, training: true };

describe('fuseElementwise', () => {
  it('fuses single-reader chains and keeps shared values as leaves', () => {
    const g = chainGraph();
    const h = fuse(g);
    verifyGraph(h);
    expect(countOps(h)).toEqual({ fusedElementwise: 2, sigmoid: 1 });
    const text = printGraph(h);
    expect(text).toContain('expr=relu(add(scale(%in0, 0.5), %in1))');
    expect(text).toContain('expr=tanh(biasAdd(%in0, %in1))');
    const want = interpret(g, chainFeeds, ctx);
    const got = interpret(h, chainFeeds, ctx);
    for (const k of ['t', 'u']) expect(Array.from(got[k]!.data), k).toEqual(Array.from(want[k]!.data));
  });

  it('does not fuse away a graph output, and leaves lone ops and non-elementwise readers alone', () => {
    const b = new GraphBuilder();
    const x = b.addInput('x', f32(4, 3), 'input');
    const s = b.add1('scale', { value: 2 }, [x]);
    b.setOutput('s', s); // an output: must exist
    b.setOutput('r', b.add1('relu', {}, [s]));
    b.setOutput('m', b.add1('softmax', {}, [b.add1('tanh', {}, [x])])); // lone tanh read by softmax
    const g = b.finish();
    expect(fuseElementwise(g)).toBe(g);
  });

  it('turns matmul + lone biasAdd into matmulBias, but not when the biasAdd is fused into a chain', () => {
    const b = new GraphBuilder();
    const x = b.addInput('x', f32(5, 4), 'input');
    const w = b.addInput('w', f32(4, 3), 'param', { kind: 'uniform', scale: 1 });
    const bias = b.addInput('bias', f32(3), 'param', { kind: 'uniform', scale: 1 });
    b.setOutput('y', b.add1('softmax', {}, [b.add1('biasAdd', {}, [b.add1('matmul', {}, [x, w]), bias])]));
    b.setOutput('z', b.add1('relu', {}, [b.add1('biasAdd', {}, [b.add1('matmul', {}, [x, w]), bias])]));
    const g = b.finish();
    const h = fuse(g);
    expect(countOps(h)).toEqual({ matmulBias: 1, softmax: 1, matmul: 1, fusedElementwise: 1 });
    const feeds = { x: fromArray('f32', [5, 4], rnd(20, 2)), w: fromArray('f32', [4, 3], rnd(12, 3)), bias: fromArray('f32', [3], [0.5, -1, 2]) };
    const want = interpret(g, feeds, ctx);
    const got = interpret(h, feeds, ctx);
    for (const k of ['y', 'z']) expect(Array.from(got[k]!.data), k).toEqual(Array.from(want[k]!.data));
  });

  it('keeps the expression through JSON and rejects a malformed one with the reason', () => {
    const h = fuse(chainGraph());
    const back = graphFromJson(graphToJsonText(h));
    const exprs = (g: Graph) => g.nodes.filter((n) => n.op === 'fusedElementwise').map((n) => n.params);
    expect(exprs(back)).toEqual(exprs(h));
    expect(Array.from(interpret(back, chainFeeds, ctx).t!.data)).toEqual(Array.from(interpret(h, chainFeeds, ctx).t!.data));
    const json = JSON.parse(graphToJsonText(h));
    const node = json.nodes.find((n: { op: string }) => n.op === 'fusedElementwise');
    node.params.expr = { op: 'relu', args: [{ op: 'input', index: 7 }] };
    expect(() => graphFromJson(json)).toThrow(/input index 7 outside \[0, 2\)/);
    node.params.expr = { op: 'softmax', args: [{ op: 'input', index: 0 }] };
    expect(() => graphFromJson(json)).toThrow(/not elementwise/);
  });

  it('gives the example\'s whole training step the same bits as the unfused step', () => {
    const traced = traceModel(model, { T: 3, B: 4, experts: 8, k: 2, vocab: 40, width: 12, expertHidden: 16 });
    const passes = trainingPipeline({ optimizer: { name: 'adam', lr: 0.01 }, recompute: 'experts' });
    const unfused = new PassManager(passes.slice(0, passes.length - EXECUTION_PASSES.length)).run(traced).graph;
    const fused = new PassManager(passes).run(traced).graph;
    expect(countOps(fused).fusedElementwise ?? 0).toBeGreaterThan(0);
    expect(fused.nodes.length).toBeLessThan(unfused.nodes.length);
    const feeds = { ...initParams(unfused, 3), ...syntheticFeeds(unfused, 3) };
    const want = interpret(unfused, feeds, { seed: 3, step: 1, training: true });
    const got = interpret(fused, feeds, { seed: 3, step: 1, training: true });
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const k of Object.keys(want)) expect(Array.from(got[k]!.data), k).toEqual(Array.from(want[k]!.data));
  });
});
