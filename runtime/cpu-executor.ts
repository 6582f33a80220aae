/**
 * The CPU executor: runs a Plan (not the graph) through the reference ops, with the plan's memory
 * layout for real: one ArrayBuffer per persistent storage and one per pooled temporary slot,
 * every buffer a typed view of its storage, reshape outputs sharing their input's bytes. Because
 * tenants of a slot overwrite each other, a memory plan that let two live buffers share a slot
 * gives wrong numbers here — which is how the planner is tested without a GPU. Op semantics are
 * `evalNode` from the reference interpreter, at f32 precision like the GPU.
 */
import { evalNode, type RunContext } from '../ir/interpret.ts';
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

function view(storage: ArrayBuffer, b: PlanBuffer): Tensor {
  const n = numel(b.type.shape);
  const data = b.type.dtype === 'i32' ? new Int32Array(storage, 0, n) : new Float32Array(storage, 0, n);
  return { type: b.type, data };
}

/** Allocates the plan's storages (temporaries pooled by slot) and returns a runner. */
export function prepareCpuPlan(plan: Plan): CpuExecutable {
  if (!plan.memory) throw new Error('plan has no memory layout; call finishPlan(plan) first');
  const slotMemory = plan.memory.slotBytes.map((bytes) => new ArrayBuffer(bytes));
  const storageMemory = plan.storages.map((s) => (s.role === 'temp' ? slotMemory[s.slot!]! : new ArrayBuffer(s.bytes)));
  const views = plan.buffers.map((b) => view(storageMemory[b.storage]!, b));
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
        if (step.node.op === 'reshape') continue; // a view: its output shares the input's storage
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
