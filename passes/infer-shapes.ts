/**
 * Shape re-inference: a verification pass. It re-runs every node's shape rule on the recorded
 * types of its inputs and checks the result against the node's recorded output types, so a pass
 * that rewired something into a shape-inconsistent graph is caught with a message naming the
 * node and both types. It never changes the graph.
 */
import { describeNode, type Graph } from '../ir/graph.ts';
import { inferOutputTypes } from '../ir/infer.ts';
import { formatType, typeEq } from '../ir/types.ts';
import type { Pass } from './pass.ts';

/** Throws if any node's recorded output types differ from what its shape rule infers. */
function checkShapes(g: Graph): void {
  for (const n of g.nodes) {
    const where = describeNode(n);
    const ins = n.inputs.map((v) => {
      const t = g.values.get(v)?.type;
      if (!t) throw new Error(`${where}: input %${v} has no recorded type`);
      return t;
    });
    const want = inferOutputTypes(n.op, n.params, ins, where);
    if (want.length !== n.outputs.length) {
      throw new Error(`${where}: has ${n.outputs.length} outputs but its op produces ${want.length}`);
    }
    n.outputs.forEach((o, i) => {
      const got = g.values.get(o)?.type;
      if (!got || !typeEq(got, want[i]!)) {
        throw new Error(`${where}: output %${o} is recorded as ${got ? formatType(got) : 'untyped'} but infers as ${formatType(want[i]!)}`);
      }
    });
  }
}

/** The pass: checks shapes, returns the graph unchanged. */
export const inferShapes: Pass = {
  name: 'inferShapes',
  run(graph) {
    checkShapes(graph);
    return graph;
  },
};
