/**
 * The execution plan: what a backend needs to run a compiled graph with no decisions left at run
 * time. Buffers are typed views of storages (a `reshape` output is a view of its input's storage,
 * so it costs nothing); storages are either persistent (data inputs, parameters, graph outputs,
 * optimizer state) or temporary, and temporaries are placed at byte offsets of a few arenas by the
 * memory planner from their lifetimes (a temporary bound twice in one dispatch or holding an
 * indirect grid gets a whole-buffer arena, as WebGPU forbids those aliasing a written buffer). Steps follow the graph's node order, one per node, each listing
 * its input and output buffers and (for WebGPU) the kernel dispatches that implement it. Kernel
 * scratch (histograms, partial sums) is declared per step and planned like any temporary.
 */
import type { Graph, InputRole, Node } from '../ir/graph.ts';
import { IN_PLACE, isView } from '../ir/op-traits.ts';
import { typeBytes, type TensorType } from '../ir/types.ts';
import type { Kernel } from './wgsl/kernel.ts';
import { assignOffsets, type OffsetOptions, type PlacedLifetime } from './memory-plan.ts';

/** What a storage holds. Persistent roles survive the whole run; `temp` storages share arenas. */
export type StorageRole = 'input' | 'param' | 'state' | 'output' | 'const' | 'temp';

/** Per-run values a kernel's uniform may depend on (RNG coordinates and train/eval mode). */
export interface RunParams {
  readonly seed: number;
  readonly step: number;
  readonly training: boolean;
}

/** A typed view of a storage. */
export interface PlanBuffer {
  readonly id: number;
  readonly name: string;
  readonly type: TensorType;
  readonly storage: number;
  /** The IR value this buffer holds, if any (kernel scratch has none). */
  readonly value?: number;
}

/** A unit of allocation: one GPUBuffer (or one ArrayBuffer on the CPU). */
export interface Storage {
  readonly id: number;
  role: StorageRole;
  bytes: number;
  /** First and last step that touch it (inclusive); persistent storages span everything. */
  first: number;
  last: number;
  /** Temporary storages: the arena they live in and their byte offset in it (set by `finishPlan`). */
  arena?: number;
  offset?: number;
  /**
   * Byte sizes of the parts a persistent storage is split into, when it is larger than one
   * storage binding allows (e.g. an expert bank split at expert boundaries); absent = one part.
   */
  parts?: number[];
  /** Contents of a `const` storage (uploaded once). */
  constData?: Float32Array | Uint32Array | Int32Array;
}

/** A binding of one part of a split storage (`part` indexes `Storage.parts`). */
export interface PartRef {
  readonly buffer: number;
  readonly part: number;
}

/**
 * Where an indirect dispatch reads its grid: three u32 words (x, y, z) at byte `offset` of plan
 * buffer `buffer`, written on the device by an earlier dispatch of the same run (e.g. the MoE
 * dispatch scan writes how many expert tiles exist). The kernel's static `dispatch` is then only
 * the worst case (shown by `moec compile --emit plan`), never launched.
 */
export interface IndirectArgs {
  readonly buffer: number;
  readonly offset: number;
}

/** One kernel launch: a kernel and the plan buffers bound to its bindings (by binding name). */
export interface Dispatch {
  readonly kernel: Kernel;
  /** Launch with the grid the device wrote into this buffer (`dispatchWorkgroupsIndirect`). */
  readonly indirect?: IndirectArgs;
  /** Binding name → plan buffer id (or one part of a split storage). `params` is implicit. */
  readonly bind: Readonly<Record<string, number | PartRef>>;
  /** The uniform for a given run, when it depends on seed/step/mode; else `kernel.uniformData`. */
  readonly uniformFor?: (run: RunParams) => Uint32Array;
}

/** A u32 error-flag buffer a kernel sets instead of throwing (checked after each run). */
export interface ErrorCheck {
  readonly buffer: number;
  readonly step: number;
  /** What went wrong when the flag is set, e.g. `token id out of range`. */
  readonly what: string;
}

/** The work for one IR node. */
export interface PlanStep {
  readonly index: number;
  readonly node: Node;
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  /** Kernel launches (WebGPU); empty for views (reshape) and before code generation. */
  readonly dispatches: Dispatch[];
}

/** Byte counts of a plan. */
export interface MemoryReport {
  /** Inputs, parameters, optimizer state and outputs. */
  readonly persistentBytes: number;
  /** Temporaries after reuse: the sum of the arena sizes. */
  readonly tempPooledBytes: number;
  /** Largest sum of temporaries live at one step: a lower bound of tempPooledBytes. */
  readonly tempLiveBytes: number;
  /** Temporaries if every one had its own storage. */
  readonly tempNaiveBytes: number;
  /** persistentBytes + tempPooledBytes: what the plan allocates. */
  readonly peakBytes: number;
  /** persistentBytes + tempNaiveBytes: what it would allocate without reuse. */
  readonly totalBytes: number;
  /** Size of every arena (temporaries live at offsets inside them). */
  readonly arenaBytes: readonly number[];
  /** Per arena: true when it holds whole buffers one at a time (never two live tenants). */
  readonly wholeArena: readonly boolean[];
}

/** A complete plan. */
export interface Plan {
  readonly graph: Graph;
  readonly buffers: PlanBuffer[];
  readonly storages: Storage[];
  readonly steps: PlanStep[];
  readonly inputs: readonly { name: string; role: InputRole; buffer: number }[];
  readonly outputs: readonly { name: string; buffer: number }[];
  /** Error flags to zero before and check after every run (WebGPU plans). */
  readonly errorChecks: ErrorCheck[];
  memory?: MemoryReport;
}

/** Builds the plan skeleton (buffers, storages, steps without dispatches) for a graph. */
export function buildPlan(g: Graph): Plan {
  const buffers: PlanBuffer[] = [];
  const storages: Storage[] = [];
  const bufferOf = new Map<number, number>();
  const last = g.nodes.length - 1;
  const newStorage = (role: StorageRole, bytes: number, first: number): number => {
    const id = storages.length;
    storages.push({ id, role, bytes, first, last: role === 'temp' ? first : Math.max(last, 0) });
    return id;
  };
  const newBuffer = (name: string, type: TensorType, storage: number, value?: number): number => {
    const id = buffers.length;
    buffers.push(value === undefined ? { id, name, type, storage } : { id, name, type, storage, value });
    return id;
  };
  const inputs = g.inputs.map((i) => {
    const type = g.values.get(i.value)!.type;
    const buffer = newBuffer(i.name, type, newStorage(i.role === 'input' ? 'input' : i.role, typeBytes(type), 0), i.value);
    bufferOf.set(i.value, buffer);
    return { name: i.name, role: i.role, buffer };
  });
  const outputNames = new Map<number, string>();
  for (const o of g.outputs) if (!outputNames.has(o.value)) outputNames.set(o.value, o.name);

  // An in-place update writes into the storage of the state it updates (a parameter, optimizer
  // state): the output aliases the input, so the plan never holds two copies of a parameter.
  const inPlaceStorage = (node: Node, input: number): number => {
    const s = storages[buffers[input]!.storage]!;
    if (s.role === 'temp') throw new Error(`node #${node.id} ${node.op} updates a computed value in place; it must update a parameter or optimizer state`);
    return s.id;
  };
  const steps: PlanStep[] = g.nodes.map((node, index) => {
    const ins = node.inputs.map((v) => bufferOf.get(v)!);
    for (const b of ins) {
      const s = storages[buffers[b]!.storage]!;
      if (s.role === 'temp') s.last = Math.max(s.last, index);
    }
    const outs = node.outputs.map((v, k) => {
      const type = g.values.get(v)!.type;
      const name = outputNames.get(v) ?? `%${v}`;
      const inPlace = IN_PLACE[node.op]?.[k];
      const storage =
        isView(node.op) && k === 0 ? buffers[ins[0]!]!.storage
        : inPlace !== undefined ? inPlaceStorage(node, ins[inPlace]!)
        : newStorage('temp', typeBytes(type), index);
      const b = newBuffer(name, type, storage, v);
      bufferOf.set(v, b);
      return b;
    });
    return { index, node, inputs: ins, outputs: outs, dispatches: [] };
  });

  // An in-place update must be the last step that touches the old contents of its storage.
  steps.forEach((step) => {
    const slots = IN_PLACE[step.node.op];
    if (!slots) return;
    for (const k of slots) {
      const updated = buffers[step.outputs[slots.indexOf(k)]!]!.storage;
      const late = steps.find((s) => s.index > step.index && s.inputs.some((b) => buffers[b]!.storage === updated && buffers[b]!.value !== step.node.outputs[slots.indexOf(k)]));
      if (late) {
        throw new Error(`node #${step.node.id} ${step.node.op} updates ${buffers[step.inputs[k]!]!.name} in place, but node #${late.node.id} ${late.node.op} reads the old value after it; schedule updates after every read`);
      }
    }
  });

  for (const o of g.outputs) {
    const s = storages[buffers[bufferOf.get(o.value)!]!.storage]!;
    if (s.role === 'temp') {
      s.role = 'output';
      s.last = Math.max(last, 0);
    }
  }
  const outputs = g.outputs.map((o) => ({ name: o.name, buffer: bufferOf.get(o.value)! }));
  return { graph: g, buffers, storages, steps, inputs, outputs, errorChecks: [] };
}

/** Declares a kernel scratch buffer live only during `step`; returns its buffer id. */
export function addScratch(plan: Plan, step: number, name: string, type: TensorType): number {
  const storage = plan.storages.length;
  plan.storages.push({ id: storage, role: 'temp', bytes: typeBytes(type), first: step, last: step });
  const id = plan.buffers.length;
  plan.buffers.push({ id, name, type, storage });
  return id;
}

/** WGSL built-ins that need uniform control flow (a value read from a writable binding is not). */
const NEEDS_UNIFORMITY = /workgroupBarrier|storageBarrier|workgroupUniformLoad|subgroup/;

/**
 * Storages that must not share a GPUBuffer with other live temporaries. WebGPU rejects a buffer
 * used writable and in any other way in one dispatch, so the executors bind every temporary of an
 * arena a dispatch writes as writable (`runtime/gpu/plan-memory.ts`); that cannot work for one
 * bound by two bindings of a dispatch (overlapping writable bindings are rejected), one read as an
 * indirect grid, or an integer buffer (indices, offsets, tile maps) read by a kernel with barriers
 * (a value read from a writable binding is non-uniform, so branching on it before a barrier fails
 * WGSL's uniformity analysis).
 */
function dedicatedStorages(plan: Plan): Set<number> {
  const out = new Set<number>();
  for (const step of plan.steps) {
    for (const d of step.dispatches) {
      const seen = new Set<number>();
      const uniformity = NEEDS_UNIFORMITY.test(d.kernel.wgsl);
      for (const b of d.kernel.bindings) {
        const ref = d.bind[b.name];
        if (b.access === 'uniform' || ref === undefined) continue;
        const buf = plan.buffers[typeof ref === 'number' ? ref : ref.buffer]!;
        const s = buf.storage;
        if (seen.has(s)) out.add(s);
        if (uniformity && b.access === 'read' && buf.type.dtype === 'i32') out.add(s);
        seen.add(s);
      }
      if (d.indirect) out.add(plan.buffers[d.indirect.buffer]!.storage);
    }
  }
  return out;
}

/** Runs the memory planner over the temporaries (arena cap and alignment in `opts`) and records the byte report. */
export function finishPlan(plan: Plan, opts: OffsetOptions = {}): Plan {
  const temps = plan.storages.filter((s) => s.role === 'temp');
  const dedicated = dedicatedStorages(plan);
  // A binding is at least 4 bytes and a multiple of 4 (what the executors bind).
  const lifetimes: PlacedLifetime[] = temps.map((s) => ({ id: s.id, bytes: Math.max(4, Math.ceil(s.bytes / 4) * 4), first: s.first, last: s.last, dedicated: dedicated.has(s.id) }));
  const placed = assignOffsets(lifetimes, opts);
  for (const s of temps) {
    s.arena = placed.arenaOf.get(s.id)!;
    s.offset = placed.offsetOf.get(s.id)!;
  }
  const persistentBytes = plan.storages.filter((s) => s.role !== 'temp').reduce((a, s) => a + s.bytes, 0);
  plan.memory = {
    persistentBytes,
    tempPooledBytes: placed.pooledBytes,
    tempLiveBytes: placed.liveBytesLowerBound,
    tempNaiveBytes: placed.naiveBytes,
    peakBytes: persistentBytes + placed.pooledBytes,
    totalBytes: persistentBytes + placed.naiveBytes,
    arenaBytes: placed.arenaBytes,
    wholeArena: placed.wholeArena,
  };
  return plan;
}
