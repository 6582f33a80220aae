/**
 * The interface between the autodiff walk (passes/autodiff.ts) and the per-op vjp rules of
 * passes/vjp/: a rule receives the forward node, its input and output value ids, the upstream
 * gradient of each output (undefined = zero), which inputs need a gradient, and a `VjpBuilder`
 * that emits backward nodes (tagged `{ layer, phase: 'backward' }` with the forward node's layer)
 * and offers the few helpers rules share: zeros, ones, optional sums,
 * and a lookup of the node that produced a value (for rules that need a sibling
 * output, e.g. the dispatch positions of an expert FFN).
 */
import type { GraphBuilder, Node, NodeTag } from '../../ir/graph.ts';
import type { OpName, OpParams } from '../../ir/ops.ts';
import type { TensorType } from '../../ir/types.ts';

/** What a vjp rule gets. */
export interface VjpArgs<O extends OpName> {
  /** The forward node. */
  readonly node: Node<O>;
  /** Its input value ids (= node.inputs). */
  readonly inputs: readonly number[];
  /** Its output value ids (= node.outputs). */
  readonly outputs: readonly number[];
  /** Upstream gradient of each output; undefined = zero (at least one is defined). */
  readonly dys: readonly (number | undefined)[];
  /** Whether input i needs a gradient (f32 and depending on a parameter); rules may skip the others. */
  readonly wants: readonly boolean[];
  /** Emits backward nodes. */
  readonly b: VjpBuilder;
}

/**
 * A vjp rule: emits backward nodes and returns the gradient of each input (same order as the
 * node's inputs; undefined = none/zero). Gradients returned for inputs that do not want one are
 * ignored (and pruned if nothing reads them).
 */
export type VjpRule<O extends OpName> = (a: VjpArgs<O>) => readonly (number | undefined)[];

/** The vjp table type: one rule per op (a mapped type, so a new op fails to compile until it has one). */
export type VjpTable = { readonly [O in OpName]: VjpRule<O> };

/** Emits backward nodes into a graph builder with a fixed tag. */
export class VjpBuilder {
  constructor(
    private readonly gb: GraphBuilder,
    private readonly tag: NodeTag,
    private readonly producerOf: (v: number) => Node | undefined,
  ) {}

  /** Emits a multi-output node; returns its output ids. */
  op<O extends OpName>(op: O, params: OpParams[O], inputs: readonly number[]): number[] {
    return this.gb.addNode(op, params, inputs, this.tag);
  }

  /** Emits a single-output node; returns its output id. */
  op1<O extends OpName>(op: O, params: OpParams[O], inputs: readonly number[]): number {
    return this.gb.add1(op, params, inputs, this.tag);
  }

  /** Type of a value. */
  typeOf(v: number): TensorType {
    return this.gb.typeOf(v);
  }

  /** Shape of a value. */
  shapeOf(v: number): number[] {
    return [...this.gb.typeOf(v).shape];
  }

  /** The forward node that produced `v` (undefined for graph inputs). */
  producer(v: number): Node | undefined {
    return this.producerOf(v);
  }

  /** A zero f32 tensor of the given shape. */
  zeros(shape: readonly number[]): number {
    return this.op1('zeros', { shape: [...shape] }, []);
  }

  /** `dy` itself, or zeros shaped like `like` when dy is undefined. */
  orZeros(dy: number | undefined, like: number): number {
    return dy ?? this.zeros(this.shapeOf(like));
  }

  /** a + b where either may be undefined (zero); undefined when both are. */
  addOpt(a: number | undefined, b: number | undefined): number | undefined {
    if (a === undefined) return b;
    if (b === undefined) return a;
    return this.op1('add', {}, [a, b]);
  }

  /** A tensor of ones (the seed of the loss gradient). */
  ones(shape: readonly number[]): number {
    return this.op1('fill', { shape: [...shape], value: 1 }, []);
  }
}
