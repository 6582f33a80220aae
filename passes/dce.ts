/**
 * Dead-code elimination. The graph outputs are the roots; a node is live when one of its outputs
 * is read (transitively) by a root. Dead nodes are removed, and so are parameters nothing reads
 * any more (data inputs are kept, so the feed interface of a graph never changes under DCE).
 * Every op in moec is pure (random ops are counter-based functions of their params), so removing
 * an unused node never changes a result.
 */
import { GraphBuilder, type Graph } from '../ir/graph.ts';
import type { Pass } from './pass.ts';

/** Ids of the values read, transitively, by the graph outputs. */
export function liveValues(g: Graph): Set<number> {
  const live = new Set<number>(g.outputs.map((o) => o.value));
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i]!;
    if (n.outputs.some((o) => live.has(o))) for (const v of n.inputs) live.add(v);
  }
  return live;
}

/** Removes dead nodes and unread parameters; returns `g` itself when nothing is dead. */
export function eliminateDeadCode(g: Graph): Graph {
  const live = liveValues(g);
  const dead = g.nodes.filter((n) => !n.outputs.some((o) => live.has(o)));
  const deadParams = g.inputs.filter((i) => i.role === 'param' && !live.has(i.value));
  if (dead.length === 0 && deadParams.length === 0) return g;
  const b = GraphBuilder.from(g);
  b.removeNodes(dead.map((n) => n.id));
  const out = b.finish();
  const drop = new Set(deadParams.map((i) => i.value));
  if (drop.size === 0) return out;
  const values = new Map([...out.values].filter(([id]) => !drop.has(id)));
  return { ...out, values, inputs: out.inputs.filter((i) => !drop.has(i.value)) };
}

/** The pass. */
export const dce: Pass = {
  name: 'dce',
  run: (graph) => eliminateDeadCode(graph),
};
