/**
 * Stable text form of a graph, for `moec compile --emit ir`, `--print-after-all` and snapshot
 * tests. One line per input, node and output; value ids as `%N`; params sorted by key; the DSL
 * layer and timestep of a node as a trailing comment. The same graph always prints the same text.
 */
import { formatFusedExpr, type FusedExpr } from './fused-expr.ts';
import type { Graph, ParamInit } from './graph.ts';
import { formatType } from './types.ts';

function formatNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return Number(x.toPrecision(6)).toString();
}

function formatParam(v: unknown): string {
  if (typeof v === 'number') return formatNumber(v);
  if (Array.isArray(v)) return `[${v.map(formatParam).join(',')}]`;
  if (typeof v === 'object' && v !== null && 'op' in v) return formatFusedExpr(v as FusedExpr); // a fusedElementwise expression
  return String(v);
}

/** `{k=4, noisy=true}` with keys sorted, or '' when there are no params. */
export function formatParams(params: object): string {
  const keys = Object.keys(params).sort();
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}=${formatParam((params as Record<string, unknown>)[k])}`).join(', ')}}`;
}

function formatInit(init: ParamInit): string {
  switch (init.kind) {
    case 'zeros':
    case 'ones':
      return init.kind;
    case 'uniform':
      return `uniform(±${formatNumber(init.scale)})`;
    case 'normal':
      return `normal(σ=${formatNumber(init.std)})`;
  }
}

/** Prints the whole graph as stable text. */
export function printGraph(g: Graph, title = String(g.meta.name ?? 'graph')): string {
  const lines: string[] = [`graph ${title} {`];
  const type = (id: number): string => formatType(g.values.get(id)!.type);
  for (const i of g.inputs) {
    const init = i.init ? ` = ${formatInit(i.init)}` : '';
    lines.push(`  ${i.role === 'param' ? 'param' : 'input'} %${i.value} ${i.name}: ${type(i.value)}${init}`);
  }
  for (const n of g.nodes) {
    const outs = n.outputs.map((o) => `%${o}`).join(', ');
    const ins = n.inputs.map((v) => `%${v}`).join(', ');
    const types = n.outputs.map(type).join(', ');
    const where = [n.layer, n.instance !== undefined ? `t=${n.instance}` : undefined, n.phase].filter((x) => x !== undefined);
    const tag = where.length > 0 ? `  # ${where.join(' ')}` : '';
    lines.push(`  ${outs} = ${n.op}${formatParams(n.params)}(${ins}) : ${types}${tag}`);
  }
  for (const o of g.outputs) lines.push(`  output ${o.name} = %${o.value}`);
  lines.push('}');
  return lines.join('\n');
}
