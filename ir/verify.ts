/**
 * The graph verifier: checks the invariants every pass must keep. Each value is defined exactly
 * once (by a graph input or one node output); nodes read only values defined earlier (topological
 * order); every node's recorded output types equal what shape inference says for its inputs;
 * output and input names are unique; parameters have initialisers. The pass manager runs it after
 * every pass, so a broken rewrite is caught at the pass that broke it.
 */
import { describeNode, type Graph } from './graph.ts';
import { inferOutputTypes } from './infer.ts';
import { isOpName } from './ops.ts';
import { formatType, typeEq } from './types.ts';

/** Throws an Error listing every problem found (at most 20), or returns when the graph is sound. */
export function verifyGraph(g: Graph): void {
  const problems: string[] = [];
  const defined = new Set<number>();
  const define = (id: number, by: string): void => {
    if (defined.has(id)) problems.push(`${by} redefines value %${id}`);
    defined.add(id);
    if (!g.values.has(id)) problems.push(`${by} defines %${id}, which has no type`);
  };

  const inputNames = new Set<string>();
  for (const inp of g.inputs) {
    if (inputNames.has(inp.name)) problems.push(`graph input '${inp.name}' is declared twice`);
    inputNames.add(inp.name);
    if (inp.role !== 'input' && !inp.init) problems.push(`${inp.role} '${inp.name}' has no initialiser`);
    define(inp.value, `input '${inp.name}'`);
  }

  const nodeIds = new Set<number>();
  for (const n of g.nodes) {
    const where = describeNode(n);
    if (nodeIds.has(n.id)) problems.push(`${where}: node id used twice`);
    nodeIds.add(n.id);
    if (!isOpName(n.op)) {
      problems.push(`${where}: unknown op`);
      continue;
    }
    const missing = n.inputs.filter((i) => !defined.has(i));
    if (missing.length > 0) {
      problems.push(`${where}: reads %${missing.join(', %')} before it is defined`);
      continue;
    }
    try {
      const inTypes = n.inputs.map((i) => g.values.get(i)!.type);
      const expect = inferOutputTypes(n.op, n.params, inTypes, where);
      if (expect.length !== n.outputs.length) {
        problems.push(`${where}: has ${n.outputs.length} outputs, its op produces ${expect.length}`);
      } else {
        expect.forEach((t, k) => {
          const actual = g.values.get(n.outputs[k]!);
          if (actual && !typeEq(actual.type, t)) {
            problems.push(`${where}: output ${k} is recorded as ${formatType(actual.type)} but infers to ${formatType(t)}`);
          }
        });
      }
    } catch (e) {
      problems.push((e as Error).message);
    }
    n.outputs.forEach((o) => define(o, where));
  }

  const outNames = new Set<string>();
  for (const o of g.outputs) {
    if (outNames.has(o.name)) problems.push(`graph output '${o.name}' is declared twice`);
    outNames.add(o.name);
    if (!defined.has(o.value)) problems.push(`graph output '${o.name}' reads undefined value %${o.value}`);
  }

  if (problems.length > 0) {
    const shown = problems.slice(0, 20);
    const more = problems.length > 20 ? `\n  … and ${problems.length - 20} more` : '';
    throw new Error(`graph verification failed:\n  ${shown.join('\n  ')}${more}`);
  }
}
