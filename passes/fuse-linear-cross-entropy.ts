/**
 * Fused linear cross-entropy (after Liger Kernel's fused linear cross-entropy). The DSL traces an
 * output projection followed by the loss as
 *   y = matmul(h, w); logits = biasAdd(y, b); loss = softmaxCrossEntropy(logits, labels)
 * (or without the biasAdd for a bias-free `dense`), and this pass replaces the chain by one
 * `linearCrossEntropy(h, w, b, labels)` whose scalar output takes over the loss (a bias-free
 * projection gets a `zeros{[V]}` bias). The op's lowering works in row chunks, and so does its
 * vjp, so training never holds the [N, V] logits or their gradient whole. The chain is fused only
 * when the logits (and the matmul result) have no other reader and are not graph outputs: when
 * something else reads them they must exist anyway, and the pass leaves the chain alone with a
 * remark. The old nodes are left for `dce`; the fused node takes the loss node's place in the
 * node order.
 */
import { GraphBuilder, describeNode, type Graph, type Node } from '../ir/graph.ts';
import type { Pass, PassContext } from './pass.ts';

const PASS = 'fuseLinearCrossEntropy';

interface Match {
  readonly h: number;
  readonly w: number;
  /** The bias value, or undefined for a bias-free projection. */
  readonly bias?: number;
}

/** Matches the projection feeding `ce`, or explains why it does not fuse (undefined = no projection). */
function matchChain(ce: Node, def: Map<number, Node>, uses: Map<number, Node[]>, outputs: Set<number>): Match | string | undefined {
  const onlyReader = (v: number, reader: Node): boolean => {
    const us = uses.get(v) ?? [];
    return us.length === 1 && us[0] === reader && reader.inputs.filter((i) => i === v).length === 1 && !outputs.has(v);
  };
  const logits = ce.inputs[0]!;
  const p = def.get(logits);
  if (!p) return undefined;
  let mm: Node | undefined;
  let bias: number | undefined;
  if (p.op === 'biasAdd') {
    mm = def.get(p.inputs[0]!);
    bias = p.inputs[1]!;
    if (mm?.op !== 'matmul') return undefined;
    if (!onlyReader(mm.outputs[0]!, p)) return `${describeNode(mm)}: its result is read by more than the bias add, so the logits must exist`;
  } else if (p.op === 'matmul') {
    mm = p;
  } else {
    return undefined;
  }
  if (!onlyReader(logits, ce)) {
    const others = (uses.get(logits) ?? []).filter((u) => u !== ce).map(describeNode);
    return `${describeNode(ce)}: its logits %${logits} are also ${outputs.has(logits) ? 'a graph output' : `read by ${others.join(', ')}`}, so they must exist whole`;
  }
  return { h: mm.inputs[0]!, w: mm.inputs[1]!, ...(bias !== undefined ? { bias } : {}) };
}

/** Fuses every projection + softmaxCrossEntropy chain; returns `g` itself when none matched. */
export function fuseLinearCrossEntropy(g: Graph, ctx?: PassContext): Graph {
  const def = new Map<number, Node>();
  const uses = new Map<number, Node[]>();
  for (const n of g.nodes) {
    for (const o of n.outputs) def.set(o, n);
    for (const v of new Set(n.inputs)) (uses.get(v) ?? uses.set(v, []).get(v)!).push(n);
  }
  const outputs = new Set(g.outputs.map((o) => o.value));
  const b = GraphBuilder.from(g);
  let changed = false;
  for (const ce of g.nodes) {
    if (ce.op !== 'softmaxCrossEntropy') continue;
    const m = matchChain(ce, def, uses, outputs);
    if (m === undefined) continue;
    if (typeof m === 'string') {
      ctx?.remark(PASS, `left unfused: ${m}`);
      continue;
    }
    const tag = { ...(ce.layer !== undefined ? { layer: ce.layer } : {}), ...(ce.instance !== undefined ? { instance: ce.instance } : {}) };
    const V = g.values.get(m.w)!.type.shape[1]!;
    const bias = m.bias ?? b.add1('zeros', { shape: [V] }, [], tag);
    if (m.bias === undefined) b.moveBefore(b.lastNodeId(), ce.id);
    const loss = b.add1('linearCrossEntropy', {}, [m.h, m.w, bias, ce.inputs[1]!], tag);
    b.moveBefore(b.lastNodeId(), ce.id);
    b.replaceAllUses(ce.outputs[0]!, loss);
    changed = true;
  }
  return changed ? b.finish() : g;
}

/** The pass. */
export const fuseLinearCrossEntropyPass: Pass = {
  name: PASS,
  run: (graph, ctx) => fuseLinearCrossEntropy(graph, ctx),
};
