/**
 * Reverse-mode automatic differentiation over the IR. `differentiate(graph, { loss })` appends
 * the backward pass to a forward graph: starting from d loss/d loss = 1 it walks, once and in
 * reverse, the nodes the loss depends on, calls each op's vjp rule (passes/vjp/) with the upstream
 * gradients of the node's outputs, and collects the gradients the rule returns per input value.
 * A value read more than once gets the sum of its contributions from one `addN`, in reverse node
 * order of the readers (the order the walk meets them), so the result is deterministic. Only f32
 * values that depend on a parameter carry gradients. Each parameter gets an output
 * `grad:<name>` (a `zeros` node when the loss does not depend on it); the original outputs stay
 * first. Every emitted node is tagged `{ layer: <forward node's layer>, phase: 'backward' }`, and
 * backward nodes whose results end up unused are dropped.
 */
import { GraphBuilder, producers, type Graph, type Node, type NodeTag } from '../ir/graph.ts';
import { VJP, VjpBuilder, type VjpRule } from './vjp/index.ts';
import type { OpName } from '../ir/ops.ts';
import { liveValues } from './dce.ts';
import type { Pass } from './pass.ts';

/** Options of `differentiate`. */
export interface DifferentiateOptions {
  /** Name of the graph output to differentiate (default 'loss'); usually a scalar f32. */
  readonly loss?: string;
}

/** Name of the output holding d loss / d `param`. */
export function gradName(param: string): string {
  return `grad:${param}`;
}

const backwardTag = (layer: string | undefined): NodeTag => (layer === undefined ? { phase: 'backward' } : { layer, phase: 'backward' });

/**
 * Returns `graph` with the backward pass appended: for every f32 input of role 'param' an output
 * `grad:<name>` = d loss / d param, after the original outputs. A non-scalar loss is
 * differentiated as the sum of its elements. Throws when the loss output is missing or not f32,
 * or when the walk reaches an op that cannot be differentiated (a gradient or update op).
 */
export function differentiate(graph: Graph, { loss = 'loss' }: DifferentiateOptions = {}): Graph {
  const lossOut = graph.outputs.find((o) => o.name === loss);
  if (!lossOut) {
    throw new Error(`differentiate: the graph has no output '${loss}' (outputs: ${graph.outputs.map((o) => `'${o.name}'`).join(', ') || 'none'})`);
  }
  const lossType = graph.values.get(lossOut.value)!.type;
  if (lossType.dtype !== 'f32') throw new Error(`differentiate: output '${loss}' is ${lossType.dtype}; only an f32 loss has a gradient`);

  const isF32 = (v: number): boolean => graph.values.get(v)!.type.dtype === 'f32';
  const params = graph.inputs.filter((i) => i.role === 'param' && isF32(i.value));

  // Forward: values that depend on a parameter through f32 data (the only ones that need gradients).
  const active = new Set(params.map((p) => p.value));
  for (const n of graph.nodes) {
    if (n.inputs.some((v) => active.has(v))) for (const o of n.outputs) if (isF32(o)) active.add(o);
  }
  // Backward: nodes the loss depends on.
  const needed = new Set<number>([lossOut.value]);
  const cone: Node[] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i]!;
    if (!n.outputs.some((o) => needed.has(o))) continue;
    cone.push(n);
    for (const v of n.inputs) needed.add(v);
  }

  const gb = GraphBuilder.from(graph);
  const firstNewNode = Math.max(-1, ...graph.nodes.map((n) => n.id)) + 1;
  const prod = producers(graph);
  const producerOf = (v: number): Node | undefined => prod.get(v);
  const contributions = new Map<number, number[]>();
  const contribute = (v: number, g: number): void => {
    const list = contributions.get(v);
    if (list) list.push(g);
    else contributions.set(v, [g]);
  };
  /** The summed gradient of `v` (one addN when several readers contributed), or undefined. */
  const gradientOf = (v: number, layer: string | undefined): number | undefined => {
    const list = contributions.get(v);
    if (!list || list.length === 0) return undefined;
    if (list.length === 1) return list[0];
    const sum = gb.add1('addN', {}, list, backwardTag(layer));
    contributions.set(v, [sum]);
    return sum;
  };

  if (active.has(lossOut.value)) {
    const seeder = new VjpBuilder(gb, backwardTag(prod.get(lossOut.value)?.layer), producerOf);
    contribute(lossOut.value, seeder.ones(lossType.shape));
  }

  for (const node of cone) {
    if (!node.inputs.some((v) => active.has(v))) continue;
    const dys = node.outputs.map((o) => (isF32(o) ? gradientOf(o, node.layer) : undefined));
    if (dys.every((d) => d === undefined)) continue;
    const wants = node.inputs.map((v) => active.has(v));
    const b = new VjpBuilder(gb, backwardTag(node.layer), producerOf);
    const rule = VJP[node.op] as VjpRule<OpName>;
    const grads = rule({ node, inputs: node.inputs, outputs: node.outputs, dys, wants, b });
    node.inputs.forEach((v, i) => {
      const g = grads[i];
      if (g !== undefined && wants[i]) contribute(v, g);
    });
  }

  for (const p of params) {
    const g = gradientOf(p.value, undefined) ?? gb.add1('zeros', { shape: [...graph.values.get(p.value)!.type.shape] }, [], { phase: 'backward' });
    gb.setOutput(gradName(p.name), g);
  }

  // Drop backward nodes nothing reads (e.g. rule outputs for inputs that needed no gradient).
  const out = gb.finish();
  const live = liveValues(out);
  const dead = out.nodes.filter((n) => n.id >= firstNewNode && !n.outputs.some((o) => live.has(o)));
  if (dead.length === 0) return out;
  const pruned = GraphBuilder.from(out);
  pruned.removeNodes(dead.map((n) => n.id));
  return pruned.finish();
}

/** The autodiff pass: `differentiate` with the default loss output 'loss'. */
export const autodiffPass: Pass = {
  name: 'autodiff',
  run: (graph) => differentiate(graph),
};
