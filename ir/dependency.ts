/**
 * Dependency queries over a moec graph through @dagrejs/graphlib: the node-level dataflow graph
 * (an edge from the producer of each input to its reader), its topological order and cycle check,
 * and DOT export for `moec compile --emit dot` (render with Graphviz: `dot -Tsvg`).
 */
import { Graph as DagGraph, alg } from '@dagrejs/graphlib';
import type { Graph } from './graph.ts';
import { formatParams } from './print.ts';
import { formatType } from './types.ts';

/** The dataflow graph: one graphlib node per input (`in:<name>`) and per op node (`n<id>`). */
function dataflowGraph(g: Graph): DagGraph {
  const dg = new DagGraph({ directed: true, multigraph: false });
  const source = new Map<number, string>();
  for (const i of g.inputs) {
    const key = `in:${i.name}`;
    dg.setNode(key, { label: `${i.name}\n${formatType(g.values.get(i.value)!.type)}`, kind: i.role });
    source.set(i.value, key);
  }
  for (const n of g.nodes) {
    const key = `n${n.id}`;
    const tag = n.layer ? `\n${n.layer}${n.instance !== undefined ? ` t=${n.instance}` : ''}` : '';
    dg.setNode(key, { label: `${n.op}${formatParams(n.params)}${tag}`, kind: 'op' });
    for (const v of n.inputs) {
      const from = source.get(v);
      if (from) dg.setEdge(from, key, { label: formatType(g.values.get(v)!.type) });
    }
    for (const o of n.outputs) source.set(o, key);
  }
  for (const o of g.outputs) {
    const key = `out:${o.name}`;
    dg.setNode(key, { label: o.name, kind: 'output' });
    const from = source.get(o.value);
    if (from) dg.setEdge(from, key, {});
  }
  return dg;
}

/** True when the graph's dataflow has no cycle (always true for a graph built by GraphBuilder). */
export function isAcyclic(g: Graph): boolean {
  return alg.isAcyclic(dataflowGraph(g));
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Graphviz DOT text of the dataflow graph. */
export function toDot(g: Graph, title = String(g.meta.name ?? 'graph')): string {
  const dg = dataflowGraph(g);
  const lines = [`digraph ${quote(title)} {`, '  rankdir=TB;', '  node [fontname="monospace", fontsize=10];'];
  for (const key of alg.topsort(dg)) {
    const label = dg.node(key) as { label: string; kind: string };
    const shape = label.kind === 'op' ? 'box' : label.kind === 'output' ? 'doubleoctagon' : label.kind === 'param' ? 'note' : 'ellipse';
    lines.push(`  ${quote(key)} [label=${quote(label.label)}, shape=${shape}];`);
  }
  for (const e of dg.edges()) {
    const lab = (dg.edge(e) as { label?: string } | undefined)?.label;
    lines.push(`  ${quote(e.v)} -> ${quote(e.w)}${lab ? ` [label=${quote(lab)}]` : ''};`);
  }
  lines.push('}');
  return lines.join('\n');
}
