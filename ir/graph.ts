/**
 * The moec graph: A-normal form with typed values. A graph has named inputs (data inputs and
 * trainable parameters with their initialisers), nodes in topological order (each node an op with
 * typed params, input value ids and one or more output values) and named outputs. Graphs are
 * immutable once built; `GraphBuilder` is the one editor, used by the frontend to trace a model
 * and by passes to rewrite one (clone, add nodes, redirect uses, drop nodes, then `finish()`,
 * which re-sorts topologically, removes nothing silently and infers every output type).
 */
import type { OpName, OpParams } from './ops.ts';
import { formatType, type TensorType } from './types.ts';
import { inferOutputTypes } from './infer.ts';

/** A value: produced by exactly one node or graph input, typed. */
export interface Value {
  readonly id: number;
  readonly type: TensorType;
}

/** How a parameter is initialised (deterministically, from the seed and the parameter's name). */
export type ParamInit =
  | { readonly kind: 'zeros' }
  | { readonly kind: 'ones' }
  | { readonly kind: 'uniform'; readonly scale: number }
  | { readonly kind: 'normal'; readonly std: number };

/**
 * What a graph input is: data fed per run, a trainable parameter, or optimizer state (persistent
 * across steps, initialised like a parameter, never fed by the user).
 */
export type InputRole = 'input' | 'param' | 'state';

/** A graph input: a data input fed per run, a trainable parameter, or optimizer state. */
export interface GraphInput {
  readonly value: number;
  readonly name: string;
  readonly role: InputRole;
  /** Required for params and state, absent for data inputs. */
  readonly init?: ParamInit;
}

/**
 * Which DSL layer a node came from, (for per-timestep application) which timestep, and (in
 * training graphs) which phase emitted it: absent = forward, 'backward' = the autodiff pass,
 * 'update' = the optimizer pass. Recompute and scheduling passes key on the phase.
 */
export interface NodeTag {
  readonly layer?: string;
  readonly instance?: number;
  readonly phase?: 'backward' | 'update';
}

/** One application of op O. */
export interface OpNode<O extends OpName> extends NodeTag {
  readonly id: number;
  readonly op: O;
  readonly params: OpParams[O];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
}

/**
 * One op application: for a union of ops (the default, any op) a discriminated union on `op`, so
 * `if (n.op === 'select0') n.params.index` needs no cast.
 */
export type Node<O extends OpName = OpName> = { [K in O]: OpNode<K> }[O];

/** `node` as a node of `op` (its params typed), or an error naming both when it is another op. */
export function asOp<O extends OpName>(node: Node, op: O): Node<O> {
  if (node.op !== op) throw new Error(`${describeNode(node)}: expected a ${op} node`);
  return node as Node<O>;
}

/** A named graph output. */
export interface GraphOutput {
  readonly name: string;
  readonly value: number;
}

/** Free-form, JSON-serialisable description of where the graph came from (model name, options). */
export type GraphMeta = Readonly<Record<string, unknown>>;

/** An immutable graph in A-normal form. */
export interface Graph {
  readonly values: ReadonlyMap<number, Value>;
  readonly inputs: readonly GraphInput[];
  readonly nodes: readonly Node[];
  readonly outputs: readonly GraphOutput[];
  readonly meta: GraphMeta;
}

/** Returns the value with this id or throws a message naming it. */
export function valueOf(g: Graph, id: number): Value {
  const v = g.values.get(id);
  if (!v) throw new Error(`value %${id} does not exist in the graph`);
  return v;
}

/** Map from value id to the node that produces it (graph inputs are absent). */
export function producers(g: Graph): Map<number, Node> {
  const m = new Map<number, Node>();
  for (const n of g.nodes) for (const o of n.outputs) m.set(o, n);
  return m;
}

/** Map from value id to the nodes that read it, in node order. */
export function consumers(g: Graph): Map<number, Node[]> {
  const m = new Map<number, Node[]>();
  for (const n of g.nodes) {
    for (const i of n.inputs) {
      const list = m.get(i);
      if (list) {
        if (!list.includes(n)) list.push(n);
      } else m.set(i, [n]);
    }
  }
  return m;
}

/** Human-readable description of a node for error messages, e.g. `node #12 gating (layer moe0)`. */
export function describeNode(n: { id: number; op: string; layer?: string; instance?: number }): string {
  const where = n.layer ? ` (layer ${n.layer}${n.instance !== undefined ? `, t=${n.instance}` : ''})` : '';
  return `node #${n.id} ${n.op}${where}`;
}

interface MutableNode {
  id: number;
  op: OpName;
  params: unknown;
  inputs: number[];
  outputs: number[];
  layer?: string;
  instance?: number;
  phase?: 'backward' | 'update';
}

/**
 * The graph editor. `new GraphBuilder()` starts empty; `GraphBuilder.from(g)` clones a graph
 * keeping its ids. Nodes may be added in any order as long as their inputs exist when `finish()`
 * runs; `finish()` sorts topologically (stable: original order where possible).
 */
export class GraphBuilder {
  private readonly values = new Map<number, Value>();
  private readonly inputs: GraphInput[] = [];
  private nodes: MutableNode[] = [];
  private outputs: GraphOutput[] = [];
  private nextValue = 0;
  private nextNode = 0;
  meta: Record<string, unknown> = {};

  /** Clones `g` into a new builder; ids are preserved, new ids continue after the largest. */
  static from(g: Graph): GraphBuilder {
    const b = new GraphBuilder();
    for (const [id, v] of g.values) b.values.set(id, v);
    b.inputs.push(...g.inputs);
    b.nodes = g.nodes.map((n) => ({ ...n, inputs: [...n.inputs], outputs: [...n.outputs] }));
    b.outputs = [...g.outputs];
    b.nextValue = Math.max(-1, ...g.values.keys()) + 1;
    b.nextNode = Math.max(-1, ...g.nodes.map((n) => n.id)) + 1;
    b.meta = { ...g.meta };
    return b;
  }

  /** Type of an existing value. */
  typeOf(id: number): TensorType {
    const v = this.values.get(id);
    if (!v) throw new Error(`value %${id} does not exist`);
    return v.type;
  }

  /** Adds a data input or parameter and returns its value id. Names must be unique. */
  addInput(name: string, type: TensorType, role: InputRole, init?: ParamInit): number {
    if (this.inputs.some((i) => i.name === name)) {
      throw new Error(`graph input '${name}' is declared twice; give each input and parameter a unique name`);
    }
    if (role !== 'input' && !init) throw new Error(`${role === 'param' ? 'parameter' : 'state'} '${name}' needs an initialiser`);
    const id = this.nextValue++;
    this.values.set(id, { id, type });
    this.inputs.push(init ? { value: id, name, role, init } : { value: id, name, role });
    return id;
  }

  /**
   * Appends a node; output types are inferred from the op's shape rule, which throws a message
   * naming the layer and the shapes when the inputs do not fit. Returns the output value ids.
   */
  addNode<O extends OpName>(op: O, params: OpParams[O], inputs: readonly number[], tag: NodeTag = {}): number[] {
    const id = this.nextNode++;
    const inTypes = inputs.map((v) => {
      const val = this.values.get(v);
      if (!val) throw new Error(`${describeNode({ id, op, ...tag })}: input %${v} does not exist`);
      return val.type;
    });
    const outTypes = inferOutputTypes(op, params, inTypes, describeNode({ id, op, ...tag }));
    const outputs = outTypes.map((type) => {
      const vid = this.nextValue++;
      this.values.set(vid, { id: vid, type });
      return vid;
    });
    const node: MutableNode = { id, op, params, inputs: [...inputs], outputs };
    if (tag.layer !== undefined) node.layer = tag.layer;
    if (tag.instance !== undefined) node.instance = tag.instance;
    if (tag.phase !== undefined) node.phase = tag.phase;
    this.nodes.push(node);
    return outputs;
  }

  /** Convenience for single-output ops. */
  add1<O extends OpName>(op: O, params: OpParams[O], inputs: readonly number[], tag: NodeTag = {}): number {
    const outs = this.addNode(op, params, inputs, tag);
    if (outs.length !== 1) throw new Error(`op ${op} has ${outs.length} outputs; use addNode`);
    return outs[0]!;
  }

  /** Declares (or re-points) a named graph output. */
  setOutput(name: string, value: number): void {
    if (!this.values.has(value)) throw new Error(`output '${name}': value %${value} does not exist`);
    const i = this.outputs.findIndex((o) => o.name === name);
    if (i >= 0) this.outputs[i] = { name, value };
    else this.outputs.push({ name, value });
  }

  /** Every use of `from` (node inputs and graph outputs) now reads `to`; types must match. */
  replaceAllUses(from: number, to: number): void {
    const a = this.typeOf(from);
    const b = this.typeOf(to);
    if (formatType(a) !== formatType(b)) {
      throw new Error(`cannot replace %${from} (${formatType(a)}) by %${to} (${formatType(b)}): types differ`);
    }
    for (const n of this.nodes) n.inputs = n.inputs.map((i) => (i === from ? to : i));
    this.outputs = this.outputs.map((o) => (o.value === from ? { ...o, value: to } : o));
  }

  /** In the nodes selected by `which`, reads of `from` now read `to` (types must match). */
  rewireInputs(which: (n: Node) => boolean, from: number, to: number): void {
    const a = formatType(this.typeOf(from));
    const b = formatType(this.typeOf(to));
    if (a !== b) throw new Error(`cannot rewire %${from} (${a}) to %${to} (${b}): types differ`);
    for (const n of this.nodes) if (which(n as Node)) n.inputs = n.inputs.map((i) => (i === from ? to : i));
  }

  /** Removes nodes by id (their outputs must be unused by then, checked in `finish`). */
  removeNodes(ids: Iterable<number>): void {
    const drop = new Set(ids);
    this.nodes = this.nodes.filter((n) => !drop.has(n.id));
  }

  /** Removes graph inputs that nothing reads (parameters dropped by a rewrite). */
  removeUnusedInputs(): void {
    const used = new Set<number>();
    for (const n of this.nodes) for (const i of n.inputs) used.add(i);
    for (const o of this.outputs) used.add(o.value);
    for (let i = this.inputs.length - 1; i >= 0; i--) {
      if (!used.has(this.inputs[i]!.value)) this.inputs.splice(i, 1);
    }
  }

  /**
   * Moves node `id` to just before node `before` in the node list (a scheduling hint: `finish()`
   * keeps list order wherever dependencies allow). Used to place recomputation next to its use.
   */
  moveBefore(id: number, before: number): void {
    const from = this.nodes.findIndex((n) => n.id === id);
    if (from < 0) throw new Error(`moveBefore: node #${id} does not exist`);
    const [node] = this.nodes.splice(from, 1);
    const to = this.nodes.findIndex((n) => n.id === before);
    if (to < 0) throw new Error(`moveBefore: node #${before} does not exist`);
    this.nodes.splice(to, 0, node!);
  }

  /** Id of the node added most recently. */
  lastNodeId(): number {
    return this.nextNode - 1;
  }

  /** Current nodes (read-only view, for passes that inspect while building). */
  currentNodes(): readonly Node[] {
    return this.nodes as readonly Node[];
  }

  /**
   * Produces the immutable graph: nodes sorted topologically (stable), values restricted to those
   * still defined. Throws if a node reads a value nothing defines or the graph has a cycle.
   */
  finish(): Graph {
    const defined = new Set(this.inputs.map((i) => i.value));
    const pending = [...this.nodes];
    const sorted: MutableNode[] = [];
    while (pending.length > 0) {
      const idx = pending.findIndex((n) => n.inputs.every((i) => defined.has(i)));
      if (idx < 0) {
        const n = pending[0]!;
        const missing = n.inputs.filter((i) => !defined.has(i));
        const producedSomewhere = missing.some((m) => pending.some((p) => p.outputs.includes(m)));
        throw new Error(
          producedSomewhere
            ? `graph has a cycle through ${describeNode(n)}`
            : `${describeNode(n)} reads %${missing.join(', %')}, which no node or input defines`,
        );
      }
      const n = pending.splice(idx, 1)[0]!;
      for (const o of n.outputs) defined.add(o);
      sorted.push(n);
    }
    for (const o of this.outputs) {
      if (!defined.has(o.value)) throw new Error(`graph output '${o.name}' reads %${o.value}, which is not defined`);
    }
    const values = new Map<number, Value>();
    for (const id of defined) values.set(id, this.values.get(id)!);
    return {
      values,
      inputs: [...this.inputs],
      nodes: sorted.map((n) => ({ ...n, inputs: [...n.inputs], outputs: [...n.outputs] }) as Node),
      outputs: [...this.outputs],
      meta: { ...this.meta },
    };
  }
}
