/**
 * Batching an MoE layer over time — the paper's "convolutional" application (§3.1): the DSL
 * traces the layer once per timestep t (nodes tagged `{layer, instance: t}`, reading
 * x_t = select0(X, t)); when all T instances are structurally identical — same ops, params and
 * parameter inputs, except select0's index = t and the random ops' rowOffset = base + t·B — this
 * pass replaces them by ONE instance over reshape(X, [T·B, …]) with rowOffset = base (so global
 * row t·B+b draws exactly the noise it drew before). What the instances fed to the rest of the
 * graph is reconnected: a stack0 of the per-timestep outputs becomes reshape(Y, [T, B, …]); an
 * addN of per-timestep row sums (importance, load) becomes the batched sum. The pass checks that
 * every op in an instance is row-separable (row r of each output depends only on row r of its
 * row inputs; importance/load are sums over rows; dispatch → expertFfn → combine is row-separable
 * as a whole) and refuses a layer otherwise, leaving it unchanged and explaining why in a remark.
 */
import { GraphBuilder, describeNode, type Graph, type Node } from '../ir/graph.ts';
import type { OpParams } from '../ir/ops.ts';
import { formatType } from '../ir/types.ts';
import type { Pass, PassContext } from './pass.ts';

const PASS = 'batchExpertsOverTime';

/** How a value of an instance relates to the batch rows. */
type Kind = 'const' | 'rows' | 'sum' | 'dispatch' | 'slots';

/** Ops whose outputs are row-separable when every input is a row value. */
const ROWWISE = new Set(['add', 'mul', 'scale', 'relu', 'sigmoid', 'tanh', 'softplus', 'softmax', 'noiseStd', 'sliceLast', 'topk']);

/** A batching plan for one layer. */
interface Plan {
  readonly layer: string;
  readonly T: number;
  readonly B: number;
  /** Instance nodes, `instances[t][j]`. */
  readonly instances: readonly (readonly Node[])[];
  /** Instance-0 values read outside the instances, and the stack0/addN nodes that read them. */
  readonly exits: readonly { j: number; o: number; kind: 'rows' | 'sum'; consumers: readonly Node[] }[];
}

type Verdict = { ok: true; plan: Plan } | { ok: false; reason: string };

/** Rows of a random node or gating node (its rowOffset stride per instance). */
function randomRows(g: Graph, n: Node): number | undefined {
  if (n.op === 'randomNormal') return (n.params as OpParams['randomNormal']).shape[0];
  if (n.op === 'gating') return g.values.get(n.inputs[0]!)!.type.shape[0];
  return undefined;
}

/** Instance-independent text of node j of instance t (inputs as local refs or external ids). */
function signature(g: Graph, n: Node, t: number, local: Map<number, string>): string {
  let params: unknown = n.params;
  if (n.op === 'select0') {
    const i = (n.params as OpParams['select0']).index;
    params = { index: i === t ? '$t' : i };
  }
  const rows = randomRows(g, n);
  if (rows !== undefined) params = { ...(n.params as object), rowOffset: `base ${(n.params as { rowOffset: number }).rowOffset - t * rows}` };
  const ins = n.inputs.map((v) => local.get(v) ?? `%${v}`).join(',');
  const outs = n.outputs.map((o) => formatType(g.values.get(o)!.type)).join(',');
  return `${n.op} ${JSON.stringify(params)} (${ins}) : ${outs}`;
}

/** Decides whether `layer`'s instances can be batched; returns the plan or the reason not to. */
function planLayer(g: Graph, layer: string, byInstance: Map<number, Node[]>, consumersOf: Map<number, Node[]>): Verdict {
  const T = byInstance.size;
  if (T < 2) return { ok: false, reason: `${layer}: only ${T} timestep instance, nothing to batch` };
  const instances: Node[][] = [];
  for (let t = 0; t < T; t++) {
    const nodes = byInstance.get(t);
    if (!nodes) return { ok: false, reason: `${layer}: instances are not numbered 0..${T - 1} (instance ${t} is missing)` };
    instances.push(nodes);
  }
  const J = instances[0]!.length;
  // Structural identity.
  const locals: Map<number, string>[] = [];
  for (let t = 0; t < T; t++) {
    const nodes = instances[t]!;
    if (nodes.length !== J) return { ok: false, reason: `${layer}: instance ${t} has ${nodes.length} nodes, instance 0 has ${J}` };
    const local = new Map<number, string>();
    nodes.forEach((n, j) => n.outputs.forEach((o, k) => local.set(o, `L${j}.${k}`)));
    locals.push(local);
    for (let j = 0; j < J; j++) {
      const a = signature(g, instances[0]![j]!, 0, locals[0]!);
      const b = signature(g, nodes[j]!, t, local);
      if (a !== b) {
        return { ok: false, reason: `${layer}: instance ${t} differs from instance 0 at ${describeNode(nodes[j]!)}: '${b}' vs '${a}'` };
      }
    }
  }
  // Row-separability of instance 0.
  const inst0 = instances[0]!;
  const local0 = locals[0]!;
  const kind = new Map<number, Kind>();
  const kindOf = (v: number): Kind => kind.get(v) ?? 'const';
  let B = -1;
  const refuse = (n: Node, why: string): Verdict => ({ ok: false, reason: `${layer}: ${describeNode(n)} ${why}` });
  for (const n of inst0) {
    const ks = n.inputs.map(kindOf);
    const all = (k: Kind, from = 0, to = ks.length): boolean => ks.slice(from, to).every((x) => x === k);
    let out: Kind | undefined;
    if (n.op === 'select0') {
      const X = g.values.get(n.inputs[0]!)!.type;
      if (!local0.has(n.inputs[0]!) && (n.params as OpParams['select0']).index === 0 && X.shape[0] === T && X.shape.length >= 3) out = 'rows';
    } else if (ROWWISE.has(n.op)) {
      if (all('rows')) out = 'rows';
    } else if (n.op === 'matmul') {
      if (ks[0] === 'rows' && ks[1] === 'const') out = 'rows';
    } else if (n.op === 'biasAdd') {
      if (ks[0] === 'rows' && ks[1] === 'const') out = 'rows';
    } else if (n.op === 'randomNormal') {
      out = 'rows';
    } else if (n.op === 'gating') {
      const p = n.params as OpParams['gating'];
      const w = 2 + (p.noisy ? 1 : 0);
      if (ks[0] === 'rows' && all('const', 1, w) && all('rows', w)) out = 'rows';
    } else if (n.op === 'loadEstimate' || n.op === 'importance') {
      if (all('rows')) out = 'sum';
    } else if (n.op === 'moeDispatch') {
      if (all('rows')) out = 'dispatch';
    } else if (n.op === 'expertFfn') {
      if (ks[0] === 'rows' && ks[1] === 'dispatch' && ks[2] === 'dispatch' && all('const', 3)) out = 'slots';
    } else if (n.op === 'moeCombine') {
      if (ks[0] === 'slots' && ks[1] === 'dispatch' && ks[2] === 'rows') out = 'rows';
    } else {
      return refuse(n, `is not known to be row-separable, so the timesteps cannot be merged`);
    }
    if (out === undefined) return refuse(n, `reads inputs of kinds (${ks.join(', ')}) that do not batch over rows`);
    for (const o of n.outputs) {
      kind.set(o, out);
      if (out === 'rows') {
        const s = g.values.get(o)!.type.shape;
        if (s.length < 2) return refuse(n, `produces a rank-${s.length} row value; batching needs [rows, …]`);
        if (B < 0) B = s[0]!;
        if (s[0] !== B) return refuse(n, `produces ${s[0]} rows where the layer has ${B}`);
      }
    }
  }
  if (B < 0) return { ok: false, reason: `${layer}: no select0(X, t) entry, so there is no sequence to batch` };
  // Exits: values read outside their instance.
  const exits: { j: number; o: number; kind: 'rows' | 'sum'; consumers: Node[] }[] = [];
  const outputsRead = new Set(g.outputs.map((o) => o.value));
  for (let j = 0; j < J; j++) {
    const n0 = inst0[j]!;
    for (let o = 0; o < n0.outputs.length; o++) {
      const vs = instances.map((nodes) => nodes[j]!.outputs[o]!);
      const inside = (t: number, c: Node): boolean => instances[t]!.includes(c);
      const outside = vs.map((v, t) => (consumersOf.get(v) ?? []).filter((c) => !inside(t, c)));
      const asOutput = vs.findIndex((v) => outputsRead.has(v));
      if (asOutput >= 0) return refuse(instances[asOutput]![j]!, `is a graph output of one timestep; batching would remove it`);
      if (outside.every((c) => c.length === 0)) continue;
      const k = kind.get(vs[0]!)!;
      const want = k === 'rows' ? 'stack0' : k === 'sum' ? 'addN' : undefined;
      const consumers = new Set(outside.flat());
      for (const c of consumers) {
        const ok = want !== undefined && c.op === want && c.inputs.length === T && c.inputs.every((v, t) => v === vs[t]);
        if (!ok) {
          return refuse(c, `reads a per-timestep value of ${layer} (${k}) other than as ${k === 'sum' ? 'addN' : 'stack0'} over all ${T} timesteps in order`);
        }
      }
      exits.push({ j, o, kind: k as 'rows' | 'sum', consumers: [...consumers] });
    }
  }
  return { ok: true, plan: { layer, T, B, instances, exits } };
}

/** Rewrites one planned layer into `b`. */
function applyPlan(g: Graph, b: GraphBuilder, plan: Plan): void {
  const { layer, T, B, instances, exits } = plan;
  const tag = { layer };
  const map = new Map<number, number>();
  for (const n of instances[0]!) {
    const ins = n.inputs.map((v) => map.get(v) ?? v);
    let outs: number[];
    if (n.op === 'select0') {
      const X = g.values.get(n.inputs[0]!)!.type.shape;
      outs = [b.add1('reshape', { shape: [T * B, ...X.slice(2)] }, ins, tag)];
    } else if (n.op === 'randomNormal') {
      const p = n.params as OpParams['randomNormal'];
      outs = b.addNode('randomNormal', { ...p, shape: [T * p.shape[0]!, ...p.shape.slice(1)] }, ins, tag);
    } else {
      outs = b.addNode(n.op, n.params as never, ins, tag);
    }
    n.outputs.forEach((o, i) => map.set(o, outs[i]!));
  }
  const remove: number[] = instances.flat().map((n) => n.id);
  for (const e of exits) {
    const batched = map.get(instances[0]![e.j]!.outputs[e.o]!)!;
    for (const c of e.consumers) {
      const target = c.outputs[0]!;
      if (e.kind === 'rows') {
        const s = b.typeOf(batched).shape;
        b.replaceAllUses(target, b.add1('reshape', { shape: [T, B, ...s.slice(1)] }, [batched], tag));
      } else {
        b.replaceAllUses(target, batched);
      }
      remove.push(c.id);
    }
  }
  b.removeNodes(remove);
}

/** Batches every batchable MoE layer; remarks say what was batched and why a layer was refused. */
export function batchExpertsOverTime(g: Graph, ctx?: PassContext): Graph {
  const layers = new Map<string, Map<number, Node[]>>();
  for (const n of g.nodes) {
    if (n.layer === undefined || n.instance === undefined) continue;
    let m = layers.get(n.layer);
    if (!m) layers.set(n.layer, (m = new Map()));
    const list = m.get(n.instance);
    if (list) list.push(n);
    else m.set(n.instance, [n]);
  }
  if (layers.size === 0) return g;
  const consumersOf = new Map<number, Node[]>();
  for (const n of g.nodes) for (const v of new Set(n.inputs)) (consumersOf.get(v) ?? consumersOf.set(v, []).get(v)!).push(n);
  const plans: Plan[] = [];
  for (const [layer, byInstance] of layers) {
    const v = planLayer(g, layer, byInstance, consumersOf);
    if (v.ok) plans.push(v.plan);
    else ctx?.remark(PASS, `refused ${v.reason}`);
  }
  if (plans.length === 0) return g;
  const b = GraphBuilder.from(g);
  for (const p of plans) {
    applyPlan(g, b, p);
    ctx?.remark(PASS, `${p.layer}: merged ${p.T} timestep instances into one over ${p.T * p.B} rows`);
  }
  return b.finish();
}

/** The pass. */
export const batchExpertsOverTimePass: Pass = {
  name: PASS,
  run: (graph, ctx) => batchExpertsOverTime(graph, ctx),
};
