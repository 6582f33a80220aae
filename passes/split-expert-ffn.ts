/**
 * Splits every fused `expertFfn(x, sourceRow, offsets, w1, b1, w2, b2)` into
 * `expertOutput(expertHidden(x, sourceRow, offsets, w1, b1), offsets, w2, b2)`, which computes the
 * same y (ops.ts: expertOutput ∘ expertHidden ≡ expertFfn). Training graphs with recompute 'none'
 * use the split form so the hidden activations [S,H] are a value of their own that the backward
 * reads instead of recomputing (the other policies keep expertFfn whole: its vjp, expertFfnGrad,
 * recomputes them tile by tile and no [S,H] tensor exists). The new nodes keep the fused node's
 * tag (layer, instance, phase).
 */
import { GraphBuilder, type Graph, type NodeTag } from '../ir/graph.ts';
import type { Pass } from './pass.ts';

/** Splits every expertFfn node; returns `g` itself when there is none. */
export function splitExpertFfn(g: Graph): Graph {
  const ffns = g.nodes.filter((n) => n.op === 'expertFfn');
  if (ffns.length === 0) return g;
  const b = GraphBuilder.from(g);
  for (const n of ffns) {
    const tag: NodeTag = {
      ...(n.layer !== undefined ? { layer: n.layer } : {}),
      ...(n.instance !== undefined ? { instance: n.instance } : {}),
      ...(n.phase !== undefined ? { phase: n.phase } : {}),
    };
    const [x, src, off, w1, b1, w2, b2] = n.inputs as [number, number, number, number, number, number, number];
    const hidden = b.add1('expertHidden', {}, [x, src, off, w1, b1], tag);
    const y = b.add1('expertOutput', {}, [hidden, off, w2, b2], tag);
    b.replaceAllUses(n.outputs[0]!, y);
  }
  b.removeNodes(ffns.map((n) => n.id));
  return b.finish();
}

/** The pass (name 'splitExpertFfn'). */
export const splitExpertFfnPass: Pass = {
  name: 'splitExpertFfn',
  run: (graph) => splitExpertFfn(graph),
};
