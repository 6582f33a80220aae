/**
 * Compares two graphs as data and says where they first differ, in words a user can act on: the
 * model name, an option value, the inputs (name, role, type, initialisation), the node count, or
 * the first node whose op, params, layer or types differ. Used when a checkpoint (which stores the
 * traced IR) is paired with a model file named on the command line: the two must agree exactly.
 * Both graphs are compared through their JSON form, so value numbering does not matter.
 */
import type { Graph } from './graph.ts';
import { graphFromJson, graphToJson, type GraphJson } from './json.ts';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The JSON form with dense value numbering (a round trip renumbers values in build order). */
function normal(g: Graph): GraphJson {
  return graphToJson(graphFromJson(graphToJson(g)));
}

/**
 * Where graph `a` (described as `aName`) and graph `b` (`bName`) differ, or null when they are the
 * same model: same name, options, inputs, nodes and outputs.
 */
export function describeGraphDifference(a: Graph, b: Graph, aName: string, bName: string): string | null {
  const x = normal(a);
  const y = normal(b);
  if (!same(x.meta.name, y.meta.name)) return `the model is ${JSON.stringify(x.meta.name)} in ${aName} but ${JSON.stringify(y.meta.name)} in ${bName}`;
  const xo = (x.meta.options ?? {}) as Record<string, unknown>;
  const yo = (y.meta.options ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(xo), ...Object.keys(yo)])].sort();
  const opts = keys.filter((k) => !same(xo[k], yo[k])).map((k) => `${k}=${JSON.stringify(xo[k])} in ${aName} but ${JSON.stringify(yo[k])} in ${bName}`);
  if (opts.length > 0) return `option ${opts.join('; ')}`;
  if (x.inputs.length !== y.inputs.length) return `${aName} has ${x.inputs.length} inputs and parameters but ${bName} has ${y.inputs.length}`;
  for (let i = 0; i < x.inputs.length; i++) {
    if (!same(x.inputs[i], y.inputs[i])) return `input ${i} is ${JSON.stringify(x.inputs[i])} in ${aName} but ${JSON.stringify(y.inputs[i])} in ${bName}`;
  }
  if (x.nodes.length !== y.nodes.length) return `${aName} has ${x.nodes.length} ops but ${bName} has ${y.nodes.length} (the model's code changed?)`;
  for (let i = 0; i < x.nodes.length; i++) {
    const p = x.nodes[i]!;
    const q = y.nodes[i]!;
    if (!same(p, q)) return `op #${i} is ${p.op}${p.layer ? ` (layer ${p.layer})` : ''} ${JSON.stringify(p.params)} in ${aName} but ${q.op}${q.layer ? ` (layer ${q.layer})` : ''} ${JSON.stringify(q.params)} in ${bName} (the model's code changed?)`;
  }
  if (!same(x.outputs, y.outputs)) return `the outputs are ${x.outputs.map((o) => o.name).join(', ')} in ${aName} but ${y.outputs.map((o) => o.name).join(', ')} in ${bName}`;
  if (!same(x, y)) return `the graphs differ in their metadata (${aName} vs ${bName})`;
  return null;
}
