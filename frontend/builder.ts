/**
 * The tracing context of the moec DSL. A `TraceContext` wraps the IR's `GraphBuilder`: model code
 * calls layer functions on symbolic `Tensor` handles (a value id plus its static type plus the
 * context that owns it), and every call appends typed nodes to the graph being traced. There is
 * no global mutable state: the context is created per trace and handed explicitly to the model's
 * `build(ctx, options)`; each tensor remembers its context so layers can be called as
 * `lstm(x, {...})`. The context also hands out unique layer names (`lstm0`, `moe0`, ...) and RNG
 * stream ids, collects auxiliary losses (the MoE balancing losses) and the named outputs, and
 * records layer descriptions for `graph.meta`.
 */
import { GraphBuilder, type Graph, type NodeTag, type ParamInit } from '../ir/graph.ts';
import type { OpName, OpParams } from '../ir/ops.ts';
import { formatShape, tensorType, type DType, type TensorType } from '../ir/types.ts';

/** A symbolic tensor: a value of the graph being traced, with its static type. */
export interface Tensor {
  /** Value id in the traced graph. */
  readonly id: number;
  /** Static dtype and shape. */
  readonly type: TensorType;
  /** The context that traced this value (layers read it from their input). */
  readonly ctx: TraceContext;
}

/** Shape of a tensor as text, e.g. `[8, 8, 64]` (for error messages). */
export function shapeOf(t: Tensor): string {
  return formatShape(t.type.shape);
}

/** Description of one MoE layer, stored in `graph.meta.moeLayers`. */
export interface MoeLayerMeta {
  readonly name: string;
  readonly experts: number;
  readonly k: number;
  readonly hidden: number;
  readonly width: number;
  readonly noisy: boolean;
  readonly stream: number;
  readonly steps: number;
}

/** Description of one LSTM layer, stored in `graph.meta.lstmLayers`. */
export interface LstmLayerMeta {
  readonly name: string;
  readonly hidden: number;
  /** Names of its state inputs, fed zeros unless the caller supplies them. */
  readonly stateInputs: readonly string[];
}

/** Records calls into a graph. One context per trace; not shared between traces. */
export class TraceContext {
  /** The underlying IR editor (exposed for layers; model code should not need it). */
  readonly builder = new GraphBuilder();
  private nextStream = 0;
  private readonly nameCounts = new Map<string, number>();
  private readonly usedNames = new Set<string>();
  private readonly auxLosses: Tensor[] = [];
  private readonly namedOutputs: { name: string; value: Tensor }[] = [];
  /** MoE layers traced so far. */
  readonly moeLayers: MoeLayerMeta[] = [];
  /** LSTM layers traced so far. */
  readonly lstmLayers: LstmLayerMeta[] = [];

  /** Wraps an existing value id as a tensor handle. */
  wrap(id: number): Tensor {
    return { id, type: this.builder.typeOf(id), ctx: this };
  }

  /** Declares a data input (role 'input'), e.g. `tokens` i32 [T,B]. */
  input(name: string, dtype: DType, shape: readonly number[]): Tensor {
    return this.wrap(this.builder.addInput(name, tensorType(dtype, shape), 'input'));
  }

  /** Declares a trainable f32 parameter with its initialiser. */
  param(name: string, shape: readonly number[], init: ParamInit): Tensor {
    return this.wrap(this.builder.addInput(name, tensorType('f32', shape), 'param', init));
  }

  /** Appends a node and returns handles to all its outputs. */
  op<O extends OpName>(op: O, params: OpParams[O], inputs: readonly Tensor[], tag: NodeTag = {}): Tensor[] {
    for (const t of inputs) {
      if (t.ctx !== this) throw new Error(`${op}: an input tensor belongs to a different trace; tensors cannot cross models`);
    }
    return this.builder.addNode(op, params, inputs.map((t) => t.id), tag).map((id) => this.wrap(id));
  }

  /** Appends a single-output node and returns its output. */
  op1<O extends OpName>(op: O, params: OpParams[O], inputs: readonly Tensor[], tag: NodeTag = {}): Tensor {
    const outs = this.op(op, params, inputs, tag);
    if (outs.length !== 1) throw new Error(`op ${op} has ${outs.length} outputs; use ctx.op`);
    return outs[0]!;
  }

  /**
   * A fresh layer name: `requested` if given (must be unused), else `prefix` + a counter
   * (`lstm0`, `lstm1`, ...).
   */
  layerName(prefix: string, requested?: string): string {
    if (requested !== undefined) {
      if (this.usedNames.has(requested)) throw new Error(`layer name '${requested}' is used twice; give each layer a unique name`);
      this.usedNames.add(requested);
      return requested;
    }
    for (;;) {
      const i = this.nameCounts.get(prefix) ?? 0;
      this.nameCounts.set(prefix, i + 1);
      const name = `${prefix}${i}`;
      if (!this.usedNames.has(name)) {
        this.usedNames.add(name);
        return name;
      }
    }
  }

  /** A fresh RNG stream id (one per random op family: each dropout, each MoE layer's noise). */
  newStream(): number {
    return this.nextStream++;
  }

  /** Adds a term to the total loss (e.g. an MoE layer's balancing loss). */
  addAuxLoss(t: Tensor): void {
    this.auxLosses.push(t);
  }

  /** Auxiliary loss terms added so far. */
  auxLossTerms(): readonly Tensor[] {
    return this.auxLosses;
  }

  /** Declares a named graph output (set when the trace finishes, after `loss`). */
  output(name: string, t: Tensor): void {
    if (name === 'loss' || name === 'taskLoss' || this.namedOutputs.some((o) => o.name === name)) {
      throw new Error(`graph output '${name}' is declared twice`);
    }
    this.namedOutputs.push({ name, value: t });
  }

  /**
   * Finishes the trace: `loss` becomes the first output (the task loss plus every auxiliary loss,
   * summed left to right), `taskLoss` the second (the task loss alone: what perplexity is computed
   * from), then the other outputs in declaration order.
   */
  finish(taskLoss: Tensor, meta: Record<string, unknown>): Graph {
    if (taskLoss.type.shape.length !== 0 || taskLoss.type.dtype !== 'f32') {
      throw new Error(`the model's build() must return a scalar f32 loss, got ${taskLoss.type.dtype}${shapeOf(taskLoss)}`);
    }
    const loss = this.auxLosses.length > 0 ? this.op1('addN', {}, [taskLoss, ...this.auxLosses], { layer: 'loss' }) : taskLoss;
    this.builder.setOutput('loss', loss.id);
    this.builder.setOutput('taskLoss', taskLoss.id);
    for (const o of this.namedOutputs) this.builder.setOutput(o.name, o.value.id);
    this.builder.meta = {
      ...meta,
      moeLayers: this.moeLayers.map((m) => ({ ...m })),
      lstmLayers: this.lstmLayers.map((l) => ({ ...l, stateInputs: [...l.stateInputs] })),
    };
    return this.builder.finish();
  }
}
