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
 * Two generalisations keep stacked layers batchable: a per-timestep input that is not a select0
 * (e.g. the previous MoE layer's y_t) enters as reshape(stack0(e_0..e_{T−1}), [T·B, …]), and a
 * per-timestep row output read elsewhere becomes select0(reshape(Y, [T,B,…]), t); simplify then
 * folds the stack0/select0 pairs away. A per-timestep input computed from the layer's own outputs
 * (a recurrence) is refused. Layers are batched one at a time, re-planning on the rewritten graph.
 */
import { GraphBuilder, describeNode, type Graph, type Node } from '../ir/graph.ts';
import { type OpName } from '../ir/ops.ts';
import { timeBatchingOf, type TimeBatching } from '../ir/op-traits.ts';
import { formatType, type TensorType } from '../ir/types.ts';
import type { Pass, PassContext } from './pass.ts';

const PASS = 'batchExpertsOverTime';

/** How a value of an instance relates to the batch rows. */
type Kind = 'const' | 'rows' | 'sum' | 'dispatch' | 'slots';

/** What a batching rule may look at besides the node and its input kinds. */
interface TimeContext {
  readonly T: number;
  /** True when value v is produced inside the instance (not a per-timestep input). */
  readonly local: (v: number) => boolean;
  readonly typeOf: (v: number) => TensorType;
}

/** How op O's outputs relate to the batch rows given its inputs' kinds (undefined: it does not batch). */
type TimeRule<O extends OpName> = (n: Node<O>, ks: readonly Kind[], c: TimeContext) => Kind | undefined;

const all = (ks: readonly Kind[], k: Kind, from = 0, to = ks.length): boolean => ks.slice(from, to).every((x) => x === k);

/** Rows times a constant (the weights): rows. */
const rowsTimesConst: TimeRule<OpName> = (_n, ks) => (ks[0] === 'rows' && ks[1] === 'const' ? 'rows' : undefined);

/**
 * The meaning of each time-batching trait an op declares in ir/op-traits.ts OP_TRAITS (the op's
 * knowledge stays in its traits row; this table says what each trait allows).
 */
const TIME_RULES: { readonly [K in TimeBatching]: TimeRule<OpName> } = {
  rowwise: (_n, ks) => (all(ks, 'rows') ? 'rows' : undefined),
  rowsTimesConst,
  // select0 of a [T, B, …] value that is not produced per timestep: its timestep-t slice.
  select0: (n, _ks, c) => {
    const X = c.typeOf(n.inputs[0]!);
    return n.op === 'select0' && !c.local(n.inputs[0]!) && n.params.index === 0 && X.shape[0] === c.T && X.shape.length >= 3 ? 'rows' : undefined;
  },
  source: () => 'rows',
  // x rows, the weights constant, the rest (primary indices/gates, explicit noise) rows.
  gating: (n, ks) => {
    if (n.op !== 'gating' && n.op !== 'secondaryGating') return undefined;
    const w = 2 + (n.params.noisy ? 1 : 0);
    return ks[0] === 'rows' && all(ks, 'const', 1, w) && all(ks, 'rows', w) ? 'rows' : undefined;
  },
  sum: (_n, ks) => (all(ks, 'rows') ? 'sum' : undefined),
  dispatch: (_n, ks) => (all(ks, 'rows') ? 'dispatch' : undefined),
  slots: (_n, ks) => (ks[0] === 'rows' && ks[1] === 'dispatch' && ks[2] === 'dispatch' && all(ks, 'const', 3) ? 'slots' : undefined),
  combine: (_n, ks) => (ks[0] === 'slots' && ks[1] === 'dispatch' && ks[2] === 'rows' ? 'rows' : undefined),
};

/** A batching plan for one layer. */
interface Plan {
  readonly layer: string;
  readonly T: number;
  readonly B: number;
  /** Instance nodes, `instances[t][j]`. */
  readonly instances: readonly (readonly Node[])[];
  /** External inputs that differ per timestep, keyed `j:p` (node j, input p): the T value ids. */
  readonly families: ReadonlyMap<string, readonly number[]>;
  /** Instance-0 values read outside the instances: the stack0/addN nodes that gather them, and
   *  whether some other reader (or a graph output) needs the per-timestep value. */
  readonly exits: readonly { j: number; o: number; kind: 'rows' | 'sum'; gathers: readonly Node[]; perStep: boolean }[];
}

type Verdict = { ok: true; plan: Plan } | { ok: false; reason: string };

/** Rows of a random node or gating node (its rowOffset stride per instance). */
function randomRows(g: Graph, n: Node): number | undefined {
  if (n.op === 'randomNormal') return n.params.shape[0];
  if (n.op === 'gating' || n.op === 'secondaryGating') return g.values.get(n.inputs[0]!)!.type.shape[0];
  return undefined;
}

/** Instance-independent text of node j of instance t (inputs as local refs or external types). */
function signature(g: Graph, n: Node, t: number, local: Map<number, string>): string {
  let params: unknown = n.params;
  if (n.op === 'select0') {
    const i = n.params.index;
    params = { index: i === t ? '$t' : i };
  }
  const rows = randomRows(g, n);
  if (rows !== undefined) params = { ...(n.params as object), rowOffset: `base ${(n.params as { rowOffset: number }).rowOffset - t * rows}` };
  const ins = n.inputs.map((v) => local.get(v) ?? `ext ${formatType(g.values.get(v)!.type)}`).join(',');
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
  const refuse0 = (why: string): Verdict => ({ ok: false, reason: `${layer}: ${why}` });
  // External inputs: shared by every instance (weights, the sequence X) or one per timestep.
  const inst0 = instances[0]!;
  const local0 = locals[0]!;
  const families = new Map<string, number[]>();
  inst0.forEach((n, j) =>
    n.inputs.forEach((v, p) => {
      if (local0.has(v)) return;
      const ids = instances.map((nodes) => nodes[j]!.inputs[p]!);
      if (ids.some((id) => id !== v)) families.set(`${j}:${p}`, ids);
    }),
  );
  // A per-timestep input computed from the layer's own outputs (a recurrence) cannot be batched.
  const downstream = new Set<number>(instances.flat().flatMap((n) => n.outputs));
  for (const n of g.nodes) if (n.layer !== layer && n.inputs.some((v) => downstream.has(v))) n.outputs.forEach((o) => downstream.add(o));
  for (const [key, ids] of families) {
    const t = ids.findIndex((v) => downstream.has(v));
    if (t >= 0) {
      const j = Number(key.split(':')[0]);
      return refuse0(`${describeNode(instances[t]![j]!)} reads a value computed from ${layer}'s own outputs (a recurrence over time), so the timesteps cannot run as one batch`);
    }
  }
  // Row-separability of instance 0.
  const kind = new Map<number, Kind>();
  let B = -1;
  const refuse = (n: Node, why: string): Verdict => ({ ok: false, reason: `${layer}: ${describeNode(n)} ${why}` });
  const checkRows = (n: Node, v: number): Verdict | undefined => {
    const s = g.values.get(v)!.type.shape;
    if (s.length < 2) return refuse(n, `has a rank-${s.length} per-row value; batching needs [rows, …]`);
    if (B < 0) B = s[0]!;
    if (s[0] !== B) return refuse(n, `has ${s[0]} rows where the layer has ${B}`);
    return undefined;
  };
  for (const [j, n] of inst0.entries()) {
    const ks = n.inputs.map((v, p): Kind => kind.get(v) ?? (families.has(`${j}:${p}`) ? 'rows' : 'const'));
    for (const [p, v] of n.inputs.entries()) {
      const bad = families.has(`${j}:${p}`) ? checkRows(n, v) : undefined;
      if (bad) return bad;
    }
    const trait = timeBatchingOf(n.op);
    if (!trait) return refuse(n, `is not known to be row-separable, so the timesteps cannot be merged`);
    const out = TIME_RULES[trait](n, ks, { T, local: (v) => local0.has(v), typeOf: (v) => g.values.get(v)!.type });
    if (out === undefined) return refuse(n, `reads inputs of kinds (${ks.join(', ')}) that do not batch over rows`);
    for (const o of n.outputs) {
      kind.set(o, out);
      const bad = out === 'rows' ? checkRows(n, o) : undefined;
      if (bad) return bad;
    }
  }
  if (B < 0) return { ok: false, reason: `${layer}: no per-timestep input, so there is no sequence to batch` };
  // Exits: values read outside their instance.
  const exits: { j: number; o: number; kind: 'rows' | 'sum'; gathers: Node[]; perStep: boolean }[] = [];
  const outputsRead = new Set(g.outputs.map((o) => o.value));
  for (let j = 0; j < J; j++) {
    const n0 = inst0[j]!;
    for (let o = 0; o < n0.outputs.length; o++) {
      const vs = instances.map((nodes) => nodes[j]!.outputs[o]!);
      const inside = (t: number, c: Node): boolean => instances[t]!.includes(c);
      const outside = vs.map((v, t) => (consumersOf.get(v) ?? []).filter((c) => !inside(t, c)));
      const asOutput = vs.findIndex((v) => outputsRead.has(v));
      if (asOutput < 0 && outside.every((c) => c.length === 0)) continue;
      const k = kind.get(vs[0]!)!;
      const want = k === 'rows' ? 'stack0' : k === 'sum' ? 'addN' : undefined;
      const gathers: Node[] = [];
      let perStep = asOutput >= 0;
      for (const c of new Set(outside.flat())) {
        if (want !== undefined && c.op === want && c.inputs.length === T && c.inputs.every((v, t) => v === vs[t])) gathers.push(c);
        else perStep = true;
      }
      // A row value can still be read per timestep, as select0(reshape(Y, [T,B,…]), t); a row
      // sum or a dispatch product cannot be split back into timesteps.
      if (perStep && k !== 'rows') {
        const t = Math.max(asOutput, 0);
        return refuse(instances[t]![j]!, `is read per timestep outside ${layer} (kind ${k}), and its batched form cannot be split back into timesteps`);
      }
      exits.push({ j, o, kind: k as 'rows' | 'sum', gathers, perStep });
    }
  }
  return { ok: true, plan: { layer, T, B, instances, families, exits } };
}

/** Rewrites one planned layer into `b`. */
function applyPlan(g: Graph, b: GraphBuilder, plan: Plan): void {
  const { layer, T, B, instances, families, exits } = plan;
  const tag = { layer };
  const map = new Map<number, number>();
  const stacked = new Map<string, number>();
  const entry = (ids: readonly number[]): number => {
    const key = ids.join(',');
    let v = stacked.get(key);
    if (v === undefined) {
      const s = b.typeOf(ids[0]!).shape;
      v = b.add1('reshape', { shape: [T * B, ...s.slice(1)] }, [b.add1('stack0', {}, ids, tag)], tag);
      stacked.set(key, v);
    }
    return v;
  };
  for (const [j, n] of instances[0]!.entries()) {
    const ins = n.inputs.map((v, p) => {
      const fam = families.get(`${j}:${p}`);
      return fam ? entry(fam) : (map.get(v) ?? v);
    });
    let outs: number[];
    if (n.op === 'select0') {
      const X = g.values.get(n.inputs[0]!)!.type.shape;
      outs = [b.add1('reshape', { shape: [T * B, ...X.slice(2)] }, ins, tag)];
    } else if (n.op === 'randomNormal') {
      const p = n.params;
      outs = b.addNode('randomNormal', { ...p, shape: [T * p.shape[0]!, ...p.shape.slice(1)] }, ins, tag);
    } else {
      outs = b.addNode(n.op, n.params as never, ins, tag);
    }
    n.outputs.forEach((o, i) => map.set(o, outs[i]!));
  }
  const remove: number[] = instances.flat().map((n) => n.id);
  for (const e of exits) {
    const batched = map.get(instances[0]![e.j]!.outputs[e.o]!)!;
    let seq: number | undefined;
    if (e.kind === 'rows') {
      const s = b.typeOf(batched).shape;
      seq = b.add1('reshape', { shape: [T, B, ...s.slice(1)] }, [batched], tag);
    }
    for (const c of e.gathers) {
      b.replaceAllUses(c.outputs[0]!, seq ?? batched);
      remove.push(c.id);
    }
    if (e.perStep && seq !== undefined) {
      instances.forEach((nodes, t) => b.replaceAllUses(nodes[e.j]!.outputs[e.o]!, b.add1('select0', { index: t }, [seq], tag)));
    }
  }
  b.removeNodes(remove);
}

/** Batches every batchable MoE layer; remarks say what was batched and why a layer was refused. */
export function batchExpertsOverTime(g: Graph, ctx?: PassContext): Graph {
  const layers = new Set<string>();
  for (const n of g.nodes) if (n.layer !== undefined && n.instance !== undefined) layers.add(n.layer);
  // One layer at a time, re-planning on the rewritten graph: batching a layer changes what the
  // next layer reads (its per-timestep inputs become select0s of the batched output).
  let cur = g;
  for (const layer of layers) {
    const byInstance = instancesOf(cur, layer);
    const consumersOf = new Map<number, Node[]>();
    for (const n of cur.nodes) for (const v of new Set(n.inputs)) (consumersOf.get(v) ?? consumersOf.set(v, []).get(v)!).push(n);
    const v = planLayer(cur, layer, byInstance, consumersOf);
    if (!v.ok) {
      ctx?.remark(PASS, `refused ${v.reason}`);
      continue;
    }
    const b = GraphBuilder.from(cur);
    applyPlan(cur, b, v.plan);
    cur = b.finish();
    ctx?.remark(PASS, `${layer}: merged ${v.plan.T} timestep instances into one over ${v.plan.T * v.plan.B} rows`);
  }
  return cur;
}

/** The per-timestep nodes of `layer` in `g`, by instance, in graph order. */
function instancesOf(g: Graph, layer: string): Map<number, Node[]> {
  const m = new Map<number, Node[]>();
  for (const n of g.nodes) {
    if (n.layer !== layer || n.instance === undefined) continue;
    const list = m.get(n.instance);
    if (list) list.push(n);
    else m.set(n.instance, [n]);
  }
  return m;
}

/** The pass. */
export const batchExpertsOverTimePass: Pass = {
  name: PASS,
  run: (graph, ctx) => batchExpertsOverTime(graph, ctx),
};
