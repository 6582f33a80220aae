/**
 * The recompute pass (paper App. D: expert hidden activations are recomputed in the backward pass
 * instead of being kept). Policies: 'none' keeps every forward activation the backward reads;
 * 'experts' clones each forward `expertHidden` (the H-wide ReLU outputs, the largest activations
 * of an MoE layer) into the backward pass right before its first backward reader and points every
 * backward reader at the clone, so the forward copy dies as soon as `expertOutput` has used it;
 * 'all-moe' does the same for `expertOutput` (the per-slot expert outputs read by the combine's
 * gradient) too. The clone is the same op on the same inputs, so gradients are bit-identical with
 * and without the pass; only the memory plan changes (its peak drops). Runs after autodiff.
 * In the training pipeline only 'none' splits the expert FFN: under 'experts' and 'all-moe' the
 * FFN stays whole and its vjp (expertFfnGrad) recomputes the hidden activations tile by tile, so
 * no [S, H] tensor exists at all; 'all-moe' then also clones the whole expertFfn (its output y,
 * read by the combine's gradient) into the backward pass.
 */
import { GraphBuilder, type Graph } from '../ir/graph.ts';
import type { OpName } from '../ir/ops.ts';
import type { Pass } from './pass.ts';

/** What to recompute in the backward pass. */
export type RecomputePolicy = 'none' | 'experts' | 'all-moe';

/** The policies, for option parsing. */
export const RECOMPUTE_POLICIES = ['none', 'experts', 'all-moe'] as const;

const RECOMPUTED: Record<RecomputePolicy, readonly OpName[]> = {
  none: [],
  experts: ['expertHidden'],
  'all-moe': ['expertHidden', 'expertOutput', 'expertFfn'],
};

/** Applies `policy` to a differentiated graph. */
export function recompute(g: Graph, policy: RecomputePolicy): Graph {
  const ops = RECOMPUTED[policy];
  if (ops.length === 0) return g;
  const b = GraphBuilder.from(g);
  const rewired = new Map<number, number>(); // forward value → its backward clone
  // Walk forward nodes in order, so a clone of expertOutput reads the clone of its expertHidden.
  for (const node of g.nodes) {
    if (node.phase !== undefined || !ops.includes(node.op)) continue;
    const readers = b.currentNodes().filter((n) => n.phase === 'backward' && n.inputs.some((i) => node.outputs.includes(i)));
    if (readers.length === 0) continue;
    const inputs = node.inputs.map((i) => rewired.get(i) ?? i);
    const tag = { ...(node.layer !== undefined ? { layer: node.layer } : {}), phase: 'backward' as const };
    const outs = b.addNode(node.op, node.params as never, inputs, tag);
    const clone = b.lastNodeId();
    const first = b.currentNodes().find((n) => readers.some((r) => r.id === n.id))!;
    b.moveBefore(clone, first.id);
    node.outputs.forEach((o, k) => {
      rewired.set(o, outs[k]!);
      b.rewireInputs((n) => n.phase === 'backward' && n.id !== clone, o, outs[k]!);
    });
  }
  return b.finish();
}

/** The recompute policy as a pass. */
export function recomputePass(policy: RecomputePolicy): Pass {
  return { name: `recompute(${policy})`, run: (g) => recompute(g, policy) };
}
