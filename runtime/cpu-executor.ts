/**
 * The CPU executor: runs a Plan (not the graph) through the reference ops, with the plan's memory
 * layout for real: one ArrayBuffer per persistent storage and one per temporary arena, every
 * temporary a typed view at its planned byte offset of its arena, reshape outputs sharing their
 * input's bytes. Because temporaries of an arena overwrite each other, a memory plan that let two
 * live buffers overlap gives wrong numbers here — which is how the planner is tested without a
 * GPU; `checkPlanMemory` also rejects such a plan outright before anything runs. Op semantics are
 * `evalNode` from the reference interpreter, at f32 precision like the GPU.
 */
import { evalNode, type RunContext } from '../ir/interpret.ts';
import { isView } from '../ir/op-traits.ts';
import type { Tensor } from '../ir/tensor.ts';
import { formatType, numel, typeEq } from '../ir/types.ts';
import type { Plan, PlanBuffer } from '../compiler/plan.ts';

/** A plan bound to CPU memory, ready to run repeatedly (parameters and optimizer state persist). */
export interface CpuExecutable {
  /** Writes parameters and optimizer state (by name); they persist across runs and are updated in place. */
  setParams(params: Readonly<Record<string, Tensor>>): void;
  /**
   * Runs the plan. `feeds` holds the data inputs, and may also (re)write parameters or state;
   * every input must have been written at least once. Returns the named outputs asked for in
   * `want` (default: all), as copies.
   */
  run(feeds: Readonly<Record<string, Tensor>>, ctx: Omit<RunContext, 'precision'>, want?: readonly string[]): Record<string, Tensor>;
  /** Current values of parameters or state (copies), e.g. after training steps. */
  read(names: readonly string[]): Record<string, Tensor>;
}

/** A typed view of `b` at byte `offset` of `memory`. */
function viewAt(memory: ArrayBuffer, offset: number, b: PlanBuffer): Tensor {
  const n = numel(b.type.shape);
  const data = b.type.dtype === 'i32' ? new Int32Array(memory, offset, n) : new Float32Array(memory, offset, n);
  return { type: b.type, data };
}

/**
 * Throws when the plan's memory layout is unsound: a temporary outside its arena, or two
 * temporaries whose lifetimes overlap sharing bytes of one arena.
 */
function checkPlanMemory(plan: Plan): void {
  const m = plan.memory!;
  const temps = plan.storages.filter((s) => s.role === 'temp');
  for (const s of temps) {
    const end = s.offset! + s.bytes;
    if (s.arena === undefined || s.offset === undefined || s.offset < 0 || end > m.arenaBytes[s.arena]!) {
      throw new Error(`memory plan: temporary s${s.id} (${s.bytes} B at ${s.offset}) lies outside arena ${s.arena} (${m.arenaBytes[s.arena ?? -1]} B)`);
    }
  }
  const byArena = new Map<number, typeof temps>();
  for (const s of temps) byArena.set(s.arena!, [...(byArena.get(s.arena!) ?? []), s]);
  for (const list of byArena.values()) {
    list.sort((a, b) => a.first - b.first);
    for (let i = 0; i < list.length; i++) {
      const a = list[i]!;
      for (let j = i + 1; j < list.length && list[j]!.first <= a.last; j++) {
        const b = list[j]!;
        if (a.offset! < b.offset! + b.bytes && b.offset! < a.offset! + a.bytes && a.bytes > 0 && b.bytes > 0) {
          throw new Error(`memory plan: temporaries s${a.id} [${a.first}, ${a.last}] and s${b.id} [${b.first}, ${b.last}] are live together but overlap in arena ${a.arena}`);
        }
      }
    }
  }
}

/** Every plan buffer as a typed view of CPU memory laid out as the plan says. */
export function bindCpuMemory(plan: Plan): Tensor[] {
  if (!plan.memory) throw new Error('plan has no memory layout; call finishPlan(plan) first');
  checkPlanMemory(plan);
  const arenas = plan.memory.arenaBytes.map((bytes) => new ArrayBuffer(Math.ceil(bytes / 4) * 4));
  const memory = plan.storages.map((s) => (s.role === 'temp' ? { buf: arenas[s.arena!]!, at: s.offset! } : { buf: new ArrayBuffer(s.bytes), at: 0 }));
  return plan.buffers.map((b) => viewAt(memory[b.storage]!.buf, memory[b.storage]!.at, b));
}

/** Allocates the plan's storages (temporaries at offsets of their arenas) and returns a runner. */
export function prepareCpuPlan(plan: Plan): CpuExecutable {
  const views = bindCpuMemory(plan);
  const byName = new Map(plan.inputs.map((i) => [i.name, i]));
  const written = new Set<string>();
  const write = (name: string, t: Tensor): void => {
    const inp = byName.get(name);
    if (!inp) throw new Error(`unknown input '${name}'; the plan's inputs are ${plan.inputs.map((i) => i.name).join(', ')}`);
    const dst = views[inp.buffer]!;
    if (!typeEq(dst.type, t.type)) throw new Error(`input '${name}' has type ${formatType(t.type)}, expected ${formatType(dst.type)}`);
    dst.data.set(t.data);
    written.add(name);
  };
  return {
    setParams(params) {
      for (const [name, t] of Object.entries(params)) {
        if (byName.get(name)?.role === 'input') throw new Error(`'${name}' is a data input, not a parameter; pass it to run()`);
        write(name, t);
      }
    },
    run(feeds, ctx, want) {
      for (const [name, t] of Object.entries(feeds)) write(name, t);
      const missing = plan.inputs.filter((i) => !written.has(i.name) || (i.role === 'input' && !(i.name in feeds)));
      if (missing.length > 0) throw new Error(`missing feeds: ${missing.map((i) => `'${i.name}' (${i.role})`).join(', ')}`);
      const c: RunContext = { ...ctx, precision: 'f32' };
      for (const step of plan.steps) {
        if (isView(step.node.op)) continue; // a view: its output shares the input's storage
        const outs = evalNode(step.node, step.inputs.map((b) => views[b]!), c);
        step.outputs.forEach((b, k) => views[b]!.data.set(outs[k]!.data));
      }
      const result: Record<string, Tensor> = {};
      const wanted = want ? new Set(want) : null;
      for (const o of plan.outputs) {
        if (wanted && !wanted.has(o.name)) continue;
        const v = views[o.buffer]!;
        result[o.name] = { type: v.type, data: v.data.slice() };
      }
      return result;
    },
    read(names) {
      const out: Record<string, Tensor> = {};
      for (const name of names) {
        const inp = byName.get(name);
        if (!inp) throw new Error(`unknown input '${name}'`);
        const v = views[inp.buffer]!;
        out[name] = { type: v.type, data: v.data.slice() };
      }
      return out;
    },
  };
}
