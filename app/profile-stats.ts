/**
 * Statistics of repeated profiles (`moec profile --repeat N`): the GPU time of every dispatch was
 * measured N times (the same dispatches in the same order each time); rows group the dispatches by
 * kernel and node shapes, and each row reports the median and the minimum over the N repetitions
 * of its total time (one noisy repetition on a shared host no longer decides which kernel looks
 * slowest), how many dispatches it has, and its GFLOP/s at the median when its op has a FLOP rule
 * (ir/op-cost.ts). A node that launches several kernels (the LSTM: its input product, then one
 * recurrent kernel per step) shares its FLOPs among them in proportion to their median times, so
 * each of its rows shows the op's own rate.
 */
import type { Graph } from '../ir/graph.ts';
import { opFlops } from '../ir/op-cost.ts';
import type { Plan } from '../compiler/plan.ts';
import type { DispatchTiming } from '../runtime/webgpu-executor.ts';

/** One row of the per-kernel table. */
export interface KernelStats {
  /** Kernel name without its instance suffix. */
  readonly kernel: string;
  /** The op (and layer) of the node(s). */
  readonly op: string;
  /** The node's input and output types, e.g. `f32[12,16]·f32[16,64] → f32[12,64]`. */
  readonly shapes: string;
  /** Dispatches in one pass. */
  readonly dispatches: number;
  readonly medianMs: number;
  readonly minMs: number;
  /** FLOPs per pass credited to this row (its share of its nodes' FLOPs; undefined: no FLOP rule for its op). */
  readonly flops?: number;
  /** FLOPs / median time, in GFLOP/s. */
  readonly gflops?: number;
}

/** The median of `xs` (mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function typeText(g: Graph, v: number): string {
  const t = g.values.get(v)?.type;
  return t ? `${t.dtype}[${t.shape.join(',')}]` : '?';
}

/**
 * Per-kernel rows from `reps` (each one profile of the same plan), slowest median first. Throws
 * when the repetitions did not time the same dispatches.
 */
export function kernelStats(g: Graph, plan: Plan, reps: readonly (readonly DispatchTiming[])[]): KernelStats[] {
  const first = reps[0] ?? [];
  for (const r of reps) {
    if (r.length !== first.length || r.some((t, i) => t.step !== first[i]!.step || t.kernel !== first[i]!.kernel)) throw new Error('profile: the repetitions timed different dispatches');
  }
  const perDispatchMedian = first.map((_, i) => median(reps.map((r) => r[i]!.ms)));
  // Each node's timed dispatches and their total median time (its FLOPs are shared by time).
  const nodeTime = new Map<number, { ms: number; n: number }>();
  first.forEach((t, i) => {
    const x = nodeTime.get(t.step) ?? { ms: 0, n: 0 };
    nodeTime.set(t.step, { ms: x.ms + perDispatchMedian[i]!, n: x.n + 1 });
  });
  const rows = new Map<string, { kernel: string; op: string; shapes: string; idx: number[]; flops?: number }>();
  first.forEach((t, i) => {
    const node = plan.steps[t.step]!.node;
    const kernel = t.kernel.replace(/\[\d+\]$|\d+$/, '');
    const shapes = `${node.inputs.map((v) => typeText(g, v)).join('·')} → ${node.outputs.map((v) => typeText(g, v)).join(', ')}`;
    const key = `${kernel}\u0000${shapes}`;
    const row = rows.get(key) ?? { kernel, op: `${t.op}${t.layer ? ` (${t.layer})` : ''}`, shapes, idx: [] };
    row.idx.push(i);
    const shape = (v: number): readonly number[] => g.values.get(v)?.type.shape ?? [];
    const f = opFlops(node.op, node.inputs.map(shape), node.outputs.map(shape), node.params as never);
    if (f !== undefined) {
      const nt = nodeTime.get(t.step)!;
      row.flops = (row.flops ?? 0) + f * (nt.ms > 0 ? perDispatchMedian[i]! / nt.ms : 1 / nt.n);
    }
    rows.set(key, row);
  });
  return [...rows.values()]
    .map((r) => {
      const totals = reps.map((rep) => r.idx.reduce((a, i) => a + rep[i]!.ms, 0));
      const medianMs = median(totals);
      return {
        kernel: r.kernel,
        op: r.op,
        shapes: r.shapes,
        dispatches: r.idx.length,
        medianMs,
        minMs: Math.min(...totals),
        ...(r.flops !== undefined ? { flops: r.flops, ...(medianMs > 0 ? { gflops: r.flops / (medianMs * 1e6) } : {}) } : {}),
      };
    })
    .sort((a, b) => b.medianMs - a.medianMs);
}
