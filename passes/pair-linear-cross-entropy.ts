/**
 * Scheduling for the fused linear cross-entropy in training (runs after autodiff). The forward
 * `linearCrossEntropy(h, w, b, labels)` and its `linearCrossEntropyGrad(h, w, b, labels, dloss)`
 * both compute every row chunk's logits; when the gradient's `dloss` does not depend on the
 * forward's loss (the usual case: the seed 1 passed through the loss sum), the forward node is
 * moved to just before its gradient node, after every node `dloss` needs, so the lowering can
 * compute the loss and the gradients in ONE pass over the chunks (see
 * compiler/lower/rules-linear-ce.ts, `pairedLinearCrossEntropy`) instead of computing each chunk's
 * logits twice. Only the node order changes; the readers of the loss follow it (the graph is
 * re-sorted), so values and gradients are unchanged.
 */
import { GraphBuilder, type Graph, type Node } from '../ir/graph.ts';
import type { Pass } from './pass.ts';

/** The forward node of `grad`: a linearCrossEntropy reading the same (h, w, b, labels). */
function forwardOf(grad: Node, nodes: readonly Node[]): Node | undefined {
  return nodes.find((n) => n.op === 'linearCrossEntropy' && n.inputs.every((v, i) => v === grad.inputs[i]));
}

/** True when value `v` depends (transitively) on an output of `node`. */
function dependsOn(v: number, node: Node, producer: Map<number, Node>): boolean {
  const seen = new Set<number>();
  const stack = [v];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (node.outputs.includes(x)) return true;
    const p = producer.get(x);
    if (!p || seen.has(p.id)) continue;
    seen.add(p.id);
    stack.push(...p.inputs);
  }
  return false;
}

/** Moves each pairable forward linearCrossEntropy next to its gradient; returns `g` when none. */
export function pairLinearCrossEntropy(g: Graph): Graph {
  const producer = new Map<number, Node>();
  for (const n of g.nodes) for (const o of n.outputs) producer.set(o, n);
  const b = GraphBuilder.from(g);
  let changed = false;
  for (const grad of g.nodes) {
    if (grad.op !== 'linearCrossEntropyGrad') continue;
    const fwd = forwardOf(grad, g.nodes);
    if (!fwd || dependsOn(grad.inputs[4]!, fwd, producer)) continue;
    b.moveBefore(fwd.id, grad.id);
    changed = true;
  }
  return changed ? b.finish() : g;
}

/** The pass. */
export const pairLinearCrossEntropyPass: Pass = {
  name: 'pairLinearCrossEntropy',
  run: (graph) => pairLinearCrossEntropy(graph),
};
