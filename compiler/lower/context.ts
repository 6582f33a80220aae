/**
 * The lowering context: what a per-op lowering rule may do to the plan while it turns one IR node
 * into kernel dispatches — read its input/output buffers, declare kernel scratch (live for that
 * step), side buffers attached to an IR value (e.g. the dispatch tile map, live as long as the
 * value), shared constants (the normal sampler's tables), error-flag buffers, and emit dispatches
 * whose uniforms may depend on the run's seed/step/mode. It also carries the device limits the
 * rules must respect (storage binding size) and the adapter's tuned kernel choices.
 */
import type { Node } from '../../ir/graph.ts';
import { tensorType, type DType, type TensorType } from '../../ir/types.ts';
import { addScratch, type Dispatch, type IndirectArgs, type PartRef, type Plan, type PlanStep, type RunParams } from '../plan.ts';
import type { KernelTuning } from '../kernel-tuning.ts';
import type { Kernel } from '../wgsl/kernel.ts';

/** Device limits the lowering needs. */
export interface LoweringLimits {
  readonly maxStorageBufferBindingSize: number;
  /** Largest GPUBuffer: caps the temporary arenas (default 1 GiB, `DEFAULT_MAX_ARENA_BYTES`). */
  readonly maxBufferSize?: number;
  /** This adapter's measured kernel choices (`moec tune`); absent: the default tilings. */
  readonly tuning?: KernelTuning;
  /** The device has WebGPU's `subgroups` feature: untuned GEMMs may use the subgroup kernel (`defaultMatmulTiling`). */
  readonly subgroups?: boolean;
}

/** The context handed to a lowering rule for one step. */
export interface LowerCtx {
  readonly plan: Plan;
  readonly step: PlanStep;
  readonly limits: LoweringLimits;
  /** The run parameters used to build the default uniforms (seed 0, step 0, training). */
  readonly run0: RunParams;
  /** Plan buffer of input i / output i of the node. */
  input(i: number): number;
  output(i: number): number;
  /** Type of a plan buffer. */
  typeOf(buffer: number): TensorType;
  /** A scratch buffer live only during this step. */
  scratch(name: string, dtype: DType, elements: number): number;
  /** A buffer attached to IR value `value` under `key`, live as long as that value (created once). */
  side(value: number, key: string, dtype: DType, elements: number): number;
  /** Whether `side(value, key, …)` was already created (by this or an earlier step). */
  hasSide(value: number, key: string): boolean;
  /** A shared constant buffer (created once per plan and name). */
  constant(name: string, data: Float32Array | Uint32Array | Int32Array): number;
  /** A u32 error-flag buffer zeroed before every run and checked after it. */
  errorFlag(words: number, what: string): number;
  /** The nodes that read IR value `value`. */
  consumersOf(value: number): readonly Node[];
  /**
   * Appends a dispatch; `uniformFor` rebuilds its uniform for a run (seed/step/mode); `indirect`
   * launches it with the grid a previous dispatch wrote on the device.
   */
  emit(kernel: Kernel, bind: Record<string, number | PartRef>, uniformFor?: (run: RunParams) => Uint32Array, indirect?: IndirectArgs): void;
}

/** Shared, per-plan state of the lowering (side buffers, constants). */
export interface LoweringState {
  readonly sides: Map<string, number>;
  readonly constants: Map<string, number>;
  /** IR value id → the nodes that read it (for fusion decisions). */
  readonly consumers: ReadonlyMap<number, readonly Node[]>;
}

/** Creates the context for one step. */
export function lowerCtx(plan: Plan, step: PlanStep, limits: LoweringLimits, state: LoweringState): LowerCtx {
  const persistentLast = Math.max(plan.steps.length - 1, 0);
  const ctx: LowerCtx = {
    plan,
    step,
    limits,
    run0: { seed: 0, step: 0, training: true },
    input: (i) => {
      const b = step.inputs[i];
      if (b === undefined) throw new Error(`lowering ${step.node.op}: no input ${i}`);
      return b;
    },
    output: (i) => {
      const b = step.outputs[i];
      if (b === undefined) throw new Error(`lowering ${step.node.op}: no output ${i}`);
      return b;
    },
    typeOf: (b) => plan.buffers[b]!.type,
    consumersOf: (value) => state.consumers.get(value) ?? [],
    scratch: (name, dtype, elements) => addScratch(plan, step.index, `${name}@${step.index}`, tensorType(dtype, [Math.max(1, elements)])),
    hasSide: (value, key) => state.sides.has(`${value}:${key}`),
    side: (value, key, dtype, elements) => {
      const k = `${value}:${key}`;
      const existing = state.sides.get(k);
      if (existing !== undefined) return existing;
      const owner = plan.buffers.find((b) => b.value === value);
      if (!owner) throw new Error(`lowering ${step.node.op}: value %${value} has no buffer`);
      const id = addScratch(plan, step.index, `%${value}.${key}`, tensorType(dtype, [Math.max(1, elements)]));
      const s = plan.storages[plan.buffers[id]!.storage]!;
      const ownerStorage = plan.storages[owner.storage]!;
      s.last = ownerStorage.role === 'temp' ? Math.max(ownerStorage.last, step.index) : persistentLast;
      state.sides.set(k, id);
      return id;
    },
    constant: (name, data) => {
      const existing = state.constants.get(name);
      if (existing !== undefined) return existing;
      const id = addScratch(plan, 0, name, tensorType(data instanceof Float32Array ? 'f32' : 'i32', [data.length]));
      const s = plan.storages[plan.buffers[id]!.storage]!;
      s.role = 'const';
      s.first = 0;
      s.last = persistentLast;
      s.constData = data;
      state.constants.set(name, id);
      return id;
    },
    errorFlag: (words, what) => {
      const id = addScratch(plan, step.index, `error@${step.index}`, tensorType('i32', [words]));
      const s = plan.storages[plan.buffers[id]!.storage]!;
      s.role = 'state';
      s.first = 0;
      s.last = persistentLast;
      plan.errorChecks.push({ buffer: id, step: step.index, what });
      return id;
    },
    emit: (kernel, bind, uniformFor, indirect) => {
      for (const b of kernel.bindings) {
        if (b.access !== 'uniform' && !(b.name in bind)) {
          throw new Error(`lowering ${describe(step.node)}: kernel ${kernel.name} binding '${b.name}' is not bound`);
        }
      }
      if (indirect && (indirect.offset % 4 !== 0 || plan.buffers[indirect.buffer] === undefined)) {
        throw new Error(`lowering ${describe(step.node)}: kernel ${kernel.name}: indirect arguments must be a plan buffer at a 4-byte aligned offset`);
      }
      const d: Dispatch = { kernel, bind, ...(uniformFor ? { uniformFor } : {}), ...(indirect ? { indirect } : {}) };
      step.dispatches.push(d);
    },
  };
  return ctx;
}

function describe(n: Node): string {
  return `#${n.id} ${n.op}${n.layer ? ` (layer ${n.layer})` : ''}`;
}
