/**
 * The CPU executor: runs a Plan (not the graph) through the reference ops, with the plan's memory
 * layout for real: one ArrayBuffer per persistent storage and one per pooled temporary slot,
 * every buffer a typed view of its storage, reshape outputs sharing their input's bytes. Because
 * tenants of a slot overwrite each other, a memory plan that let two live buffers share a slot
 * gives wrong numbers here — which is how the planner is tested without a GPU. Op semantics are
 * `evalNode` from the reference interpreter, at f32 precision like the GPU.
 */
import { evalNode, checkFeeds, type RunContext } from '../ir/interpret.ts';
import type { Tensor } from '../ir/tensor.ts';
import { numel } from '../ir/types.ts';
import type { Plan, PlanBuffer } from '../compiler/plan.ts';

/** A plan bound to CPU memory, ready to run repeatedly. */
export interface CpuExecutable {
  /** Runs the plan on `feeds` (every input and parameter, by name); returns the named outputs (copies). */
  run(feeds: Readonly<Record<string, Tensor>>, ctx: Omit<RunContext, 'precision'>): Record<string, Tensor>;
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
  return {
    run(feeds, ctx) {
      checkFeeds(plan.graph, feeds);
      for (const inp of plan.inputs) {
        const src = feeds[inp.name]!.data;
        const dst = views[inp.buffer]!.data;
        if (src.length !== dst.length) throw new Error(`feed '${inp.name}' has ${src.length} elements, expected ${dst.length}`);
        dst.set(src);
      }
      const c: RunContext = { ...ctx, precision: 'f32' };
      for (const step of plan.steps) {
        if (step.node.op === 'reshape') continue; // a view: its output shares the input's storage
        const outs = evalNode(step.node, step.inputs.map((b) => views[b]!), c);
        step.outputs.forEach((b, k) => views[b]!.data.set(outs[k]!.data));
      }
      const result: Record<string, Tensor> = {};
      for (const o of plan.outputs) {
        const v = views[o.buffer]!;
        result[o.name] = { type: v.type, data: v.data.slice() };
      }
      return result;
    },
  };
}
