/**
 * Local algebraic simplifications that the DSL's per-timestep tracing and the batching pass leave
 * behind. Rules (each replaces every use of a node's output by an equal, cheaper value; the now
 * unused node is left for `dce`):
 *   stack0(select0{0}(X), …, select0{T−1}(X)) with X [T,…]  →  X
 *   select0{i}(stack0(a_0, …))                                →  a_i
 *   reshape{s}(x) with x already of shape s                   →  x
 *   reshape{s}(reshape{s'}(x))                                →  reshape{s}(x)   (or x)
 *   addN(x)                                                    →  x
 *   stack0(a)  (one input)                                     →  reshape{[1,…]}(a)
 *   select0{0}(X) with X [1,…]                                 →  reshape{[…]}(X)
 * (the last two turn the copies of a one-timestep trace into free views).
 * Nodes that are already dead are skipped, so running simplify+dce to a fixpoint terminates.
 */
import { GraphBuilder, type Graph, type Node, type NodeTag } from '../ir/graph.ts';
import type { OpName } from '../ir/ops.ts';
import { shapeEq } from '../ir/types.ts';
import { liveValues } from './dce.ts';
import type { Pass } from './pass.ts';

interface Def {
  readonly op: OpName;
  readonly params: unknown;
  /** The producing node, a live view (the builder rewrites its inputs in place). */
  readonly node: Node;
  readonly index: number;
}

/** Applies the rules once over the graph; returns `g` itself when no rule fired. */
export function simplifyGraph(g: Graph): Graph {
  const live = liveValues(g);
  const b = GraphBuilder.from(g);
  const defs = new Map<number, Def>();
  const record = (): void => {
    for (const n of b.currentNodes()) n.outputs.forEach((o, index) => defs.has(o) || defs.set(o, { op: n.op, params: n.params, node: n, index }));
  };
  record();
  let changed = false;
  const replace = (from: number, to: number): void => {
    b.replaceAllUses(from, to);
    changed = true;
  };
  const addReshape = (x: number, shape: readonly number[], tag: NodeTag): number => {
    const id = b.add1('reshape', { shape: [...shape] }, [x], tag);
    record();
    return id;
  };

  for (const n of [...b.currentNodes()]) {
    const out = n.outputs[0]!;
    if (!live.has(out)) continue;
    const tag: NodeTag = { ...(n.layer !== undefined ? { layer: n.layer } : {}), ...(n.instance !== undefined ? { instance: n.instance } : {}) };
    const ins = n.inputs;
    switch (n.op) {
      case 'stack0': {
        const first = defs.get(ins[0]!);
        const X = first?.op === 'select0' ? first.node.inputs[0]! : -1;
        const ok =
          X >= 0 &&
          b.typeOf(X).shape[0] === ins.length &&
          ins.every((v, i) => {
            const d = defs.get(v);
            return d !== undefined && d.node.op === 'select0' && d.node.inputs[0] === X && d.node.params.index === i;
          });
        if (ok) replace(out, X);
        else if (ins.length === 1) replace(out, addReshape(ins[0]!, [1, ...b.typeOf(ins[0]!).shape], tag));
        break;
      }
      case 'select0': {
        const d = defs.get(ins[0]!);
        const xs = b.typeOf(ins[0]!).shape;
        if (d && d.op === 'stack0') replace(out, d.node.inputs[n.params.index]!);
        else if (xs[0] === 1) replace(out, addReshape(ins[0]!, xs.slice(1), tag));
        break;
      }
      case 'reshape': {
        const shape = n.params.shape;
        const x = ins[0]!;
        if (shapeEq(b.typeOf(x).shape, shape)) {
          replace(out, x);
          break;
        }
        const d = defs.get(x);
        if (d && d.op === 'reshape') {
          const inner = d.node.inputs[0]!;
          replace(out, shapeEq(b.typeOf(inner).shape, shape) ? inner : addReshape(inner, shape, tag));
        }
        break;
      }
      case 'addN':
        if (ins.length === 1) replace(out, ins[0]!);
        break;
      default:
        break;
    }
  }
  return changed ? b.finish() : g;
}

/** The pass. */
export const simplify: Pass = {
  name: 'simplify',
  run: (graph) => simplifyGraph(graph),
};
