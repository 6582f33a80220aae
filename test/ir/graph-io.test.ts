/**
 * Tests of the graph's text printer, JSON round trip (including rejection of malformed files with a
 * message naming the node), the verifier and the graphlib dependency view.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder, type Graph } from '../../ir/graph.ts';
import { graphFromJson, graphToJson, graphToJsonText } from '../../ir/json.ts';
import { printGraph } from '../../ir/print.ts';
import { verifyGraph } from '../../ir/verify.ts';
import { isAcyclic, toDot } from '../../ir/dependency.ts';
import { tensorType } from '../../ir/types.ts';

function smallGraph(): Graph {
  const b = new GraphBuilder();
  b.meta = { name: 'small' };
  const x = b.addInput('x', tensorType('f32', [4, 3]), 'input');
  const wg = b.addInput('moe.wg', tensorType('f32', [3, 5]), 'param', { kind: 'zeros' });
  const wn = b.addInput('moe.wn', tensorType('f32', [3, 5]), 'param', { kind: 'uniform', scale: 0.5 });
  const [idx, gates, clean, sigma, top] = b.addNode('gating', { k: 2, noisy: true, eps: 0.01, stream: 7, rowOffset: 0, explicitNoise: false }, [x, wg, wn], { layer: 'moe' }) as [number, number, number, number, number];
  const load = b.add1('loadEstimate', { k: 2 }, [clean, sigma, top, idx], { layer: 'moe' });
  const imp = b.add1('importance', { n: 5 }, [gates, idx], { layer: 'moe' });
  const cv = b.add1('cvSquared', {}, [imp], { layer: 'moe' });
  b.setOutput('load', load);
  b.setOutput('cv', cv);
  return b.finish();
}

describe('printGraph', () => {
  it('prints inputs, nodes with params and layer tags, and outputs, stably', () => {
    const text = printGraph(smallGraph());
    expect(text.split('\n')).toEqual([
      'graph small {',
      '  input %0 x: f32[4,3]',
      '  param %1 moe.wg: f32[3,5] = zeros',
      '  param %2 moe.wn: f32[3,5] = uniform(±0.5)',
      '  %3, %4, %5, %6, %7 = gating{eps=0.01, explicitNoise=false, k=2, noisy=true, rowOffset=0, stream=7}(%0, %1, %2) : i32[4,2], f32[4,2], f32[4,5], f32[4,5], f32[4,3]  # moe',
      '  %8 = loadEstimate{k=2}(%5, %6, %7, %3) : f32[5]  # moe',
      '  %9 = importance{n=5}(%4, %3) : f32[5]  # moe',
      '  %10 = cvSquared(%9) : f32[]  # moe',
      '  output load = %8',
      '  output cv = %10',
      '}',
    ]);
    expect(printGraph(smallGraph())).toBe(text);
  });
});

describe('JSON round trip', () => {
  it('reads back what it writes, printing identically', () => {
    const g = smallGraph();
    const back = graphFromJson(graphToJsonText(g));
    expect(printGraph(back)).toBe(printGraph(g));
    expect(graphToJson(back)).toEqual(graphToJson(g));
  });

  const mutate = (f: (doc: ReturnType<typeof graphToJson>) => void): string => {
    const doc = graphToJson(smallGraph());
    f(doc);
    return JSON.stringify(doc);
  };

  it.each([
    ['not JSON', () => '{nope', /not JSON/],
    ['wrong format tag', () => mutate((d) => ((d as { format: string }).format = 'onnx')), /format must be "moec-graph"/],
    ['unknown op', () => mutate((d) => (d.nodes[1]!.op = 'frobnicate')), /nodes\[1\] \(id 1, op "frobnicate"\): unknown op/],
    ['missing param', () => mutate((d) => delete d.nodes[0]!.params.k), /nodes\[0\] \(id 0, op "gating"\): param 'k' must be a integer/],
    ['mistyped param', () => mutate((d) => (d.nodes[2]!.params.n = 'five')), /nodes\[2\] .*importance.*param 'n'/],
    ['dangling input', () => mutate((d) => (d.nodes[1]!.inputs[0] = 99)), /nodes\[1\] .*reads %99, which is not defined/],
    ['wrong recorded type', () => mutate((d) => (d.nodes[2]!.outputs[0]!.type.shape = [6])), /nodes\[2\].*recorded as f32\[6\] but its inputs give f32\[5\]/],
    ['shape mismatch', () => mutate((d) => (d.inputs[1]!.type.shape = [4, 5])), /nodes\[0\].*gate weights f32\[4,5\] do not match input width 3/],
    ['bad output', () => mutate((d) => (d.outputs[0]!.value = 1234)), /outputs\[0\] 'load'.*%1234/],
    ['param without init', () => mutate((d) => delete d.inputs[1]!.init), /inputs\[1\] 'moe.wg'.*init/],
  ])('rejects %s with a message naming the place', (_name, make, pattern) => {
    expect(() => graphFromJson(make())).toThrow(pattern);
  });
});

describe('verifyGraph', () => {
  it('accepts a sound graph and rejects a recorded type that disagrees with inference', () => {
    const g = smallGraph();
    expect(() => verifyGraph(g)).not.toThrow();
    const values = new Map(g.values);
    values.set(8, { id: 8, type: tensorType('f32', [7]) });
    expect(() => verifyGraph({ ...g, values })).toThrow(/node #1 loadEstimate \(layer moe\): output 0 is recorded as f32\[7\] but infers to f32\[5\]/);
  });

  it('rejects use before definition', () => {
    const g = smallGraph();
    const nodes = [...g.nodes];
    [nodes[0], nodes[1]] = [nodes[1]!, nodes[0]!];
    expect(() => verifyGraph({ ...g, nodes })).toThrow(/loadEstimate.*reads %5, %6, %7, %3 before it is defined/);
  });
});

describe('dependency view', () => {
  it('is acyclic and exports DOT with every op and edge', () => {
    const g = smallGraph();
    expect(isAcyclic(g)).toBe(true);
    const dot = toDot(g);
    expect(dot.startsWith('digraph "small" {')).toBe(true);
    expect(dot).toContain('"n0" [label="gating{eps=0.01, explicitNoise=false, k=2, noisy=true, rowOffset=0, stream=7}\\nmoe", shape=box];');
    expect(dot).toContain('"in:x" -> "n0" [label="f32[4,3]"];');
    expect(dot).toContain('"n3" -> "out:cv";');
    // node-level edges: 3 inputs → gating, gating → loadEstimate, gating → importance, importance → cv, 2 outputs
    expect(dot.match(/->/g)!.length).toBe(3 + 1 + 1 + 1 + 2);
  });
});
