/**
 * Elementwise fusion, the last rewrite before lowering (it runs after differentiation, recompute
 * and the optimizer pass, so both executors and the memory plan see the fused graph). A chain of
 * elementwise ops (ir/op-traits.ts ELEMENTWISE_OPS) whose intermediate values each have exactly one
 * reader — the next op of the chain, reading it once and not as a biasAdd bias — and are not graph
 * outputs becomes ONE `fusedElementwise` node whose params hold the chain as an expression tree
 * (ir/fused-expr.ts) and whose inputs are the chain's leaves: the intermediates no longer exist,
 * so the planner gives them no buffer. A matmul whose only reader is a biasAdd (reading it as the
 * matrix) that is not itself fused into a chain becomes one `matmulBias` node (the GEMM's bias
 * epilogue). Lone elementwise ops stay as they are. New nodes take the place of the node whose
 * result they produce; the replaced nodes are left for `dce`.
 */
import { GraphBuilder, type Graph, type Node } from '../ir/graph.ts';
import type { FusedExpr } from '../ir/fused-expr.ts';
import { isElementwise } from '../ir/op-traits.ts';
import type { Pass } from './pass.ts';

const PASS = 'fuseElementwise';

/** Fuses every elementwise chain and matmul + bias pair of `g`; returns `g` itself when none. */
export function fuseElementwise(g: Graph): Graph {
  const def = new Map<number, Node>();
  const uses = new Map<number, Node[]>();
  for (const n of g.nodes) {
    for (const o of n.outputs) def.set(o, n);
    for (const v of new Set(n.inputs)) (uses.get(v) ?? uses.set(v, []).get(v)!).push(n);
  }
  const outputs = new Set(g.outputs.map((o) => o.value));
  /** The one reader of `node`'s single output, when it is read once and is not a graph output. */
  const soleReader = (node: Node): Node | undefined => {
    const out = node.outputs[0]!;
    const readers = uses.get(out) ?? [];
    if (node.outputs.length !== 1 || outputs.has(out) || readers.length !== 1) return undefined;
    const r = readers[0]!;
    return r.inputs.filter((v) => v === out).length === 1 ? r : undefined;
  };
  /** True when elementwise `node` is computed inside its reader's expression. */
  const inlined = (node: Node): boolean => {
    if (!isElementwise(node.op)) return false;
    const r = soleReader(node);
    return !!r && isElementwise(r.op) && !(r.op === 'biasAdd' && r.inputs[1] === node.outputs[0]);
  };

  const b = GraphBuilder.from(g);
  // Results already replaced by a fused node: later fused nodes read the replacement.
  const renamed = new Map<number, number>();
  const now = (v: number): number => renamed.get(v) ?? v;
  let changed = false;
  for (const root of g.nodes) {
    if (!isElementwise(root.op) || inlined(root)) continue;
    const tag = { ...(root.layer !== undefined ? { layer: root.layer } : {}), ...(root.instance !== undefined ? { instance: root.instance } : {}) };
    const hasInlined = root.inputs.some((v) => def.get(v) && inlined(def.get(v)!));
    if (hasInlined) {
      const leaves: { value: number; bias: boolean }[] = [];
      const leaf = (value: number, bias: boolean): FusedExpr => {
        let index = leaves.findIndex((l) => l.value === value && l.bias === bias);
        if (index < 0) index = leaves.push({ value, bias }) - 1;
        return { op: 'input', index };
      };
      const build = (n: Node): FusedExpr => {
        if (!isElementwise(n.op)) throw new Error(`${PASS}: ${n.op} is not elementwise`);
        const args = n.inputs.map((v, i) => {
          const bias = n.op === 'biasAdd' && i === 1;
          const p = def.get(v);
          return !bias && p && inlined(p) ? build(p) : leaf(v, bias);
        });
        return n.op === 'scale' ? { op: n.op, args, value: (n.params as { value: number }).value } : { op: n.op, args };
      };
      const expr = build(root);
      const fused = b.add1('fusedElementwise', { expr }, leaves.map((l) => now(l.value)), tag);
      b.moveBefore(b.lastNodeId(), root.id);
      b.replaceAllUses(root.outputs[0]!, fused);
      renamed.set(root.outputs[0]!, fused);
      changed = true;
      continue;
    }
    // A lone biasAdd of a matmul's result that nothing else reads: the GEMM's bias epilogue.
    const mm = root.op === 'biasAdd' ? def.get(root.inputs[0]!) : undefined;
    if (mm?.op === 'matmul' && soleReader(mm) === root && root.inputs[1] !== mm.outputs[0]) {
      const out = b.add1('matmulBias', {}, [mm.inputs[0]!, mm.inputs[1]!, root.inputs[1]!].map(now), tag);
      b.moveBefore(b.lastNodeId(), root.id);
      b.replaceAllUses(root.outputs[0]!, out);
      renamed.set(root.outputs[0]!, out);
      changed = true;
    }
  }
  return changed ? b.finish() : g;
}

/** The pass. */
export const fuseElementwisePass: Pass = { name: PASS, run: (graph) => fuseElementwise(graph) };
