/**
 * Kernel families of the scale benchmark: every profiled dispatch of a training step is charged to
 * one family — gating (the gating network, its noise, balancing losses and their gradients,
 * including the gating weights' own gradients), dispatch (sort of (row, slot) pairs by expert,
 * combine and its gradient), expert GEMM (expert FFN forward and the input-gradient GEMMs of its
 * backward), weight grads (expert weight and bias gradients), optimizer (every parameter update),
 * dense (embedding, output projection, cross-entropy), lstm, other (dropout, loss sums, fills).
 * The rules look at the IR op of the dispatch's node first and its kernel name only inside the
 * expert backward, so they keep working while the kernels of those ops change.
 */

/** The families, in stacking order of the plot. */
export const FAMILIES = ['gating', 'dispatch', 'expert GEMM', 'weight grads', 'optimizer', 'dense', 'lstm', 'other'] as const;

/** One kernel family. */
export type Family = (typeof FAMILIES)[number];

/** Family of one dispatch from its node's op and layer and its kernel name. */
export function familyOf(op: string, layer: string | undefined, kernel: string): Family {
  if (/adam|optimizer|sgd/i.test(op)) return 'optimizer';
  if (/^moe(Dispatch|Combine)/.test(op)) return 'dispatch';
  if (/^expert/.test(op)) return /gemm_tn|segment_sum|clear_inactive|wgrad|weight|bias/i.test(kernel) ? 'weight grads' : 'expert GEMM';
  if (/^lstm/.test(op) || (layer !== undefined && /^lstm/.test(layer))) return 'lstm';
  if (/gating|load|importance|cvSquared|topk/i.test(op) || (layer !== undefined && /^moe/.test(layer))) return 'gating';
  if (/embedding|softmaxCrossEntropy|crossEntropy/i.test(op) || (layer !== undefined && /^(logits|embedding|softmaxCrossEntropy)/.test(layer))) return 'dense';
  return 'other';
}

/** GPU ms per family, and the largest kernels, of one profiled step. */
export interface FamilyBreakdown {
  readonly totalMs: number;
  readonly families: Record<Family, number>;
  /** The largest kernels (name with trailing indices stripped), ms and dispatch count, largest first. */
  readonly topKernels: { kernel: string; family: Family; ms: number; n: number }[];
}

/** Sums profiled dispatch times by family and by kernel. */
export function breakdown(timings: readonly { op: string; layer?: string; kernel: string; ms: number }[], top = 8): FamilyBreakdown {
  const families = Object.fromEntries(FAMILIES.map((f) => [f, 0])) as Record<Family, number>;
  const byKernel = new Map<string, { family: Family; ms: number; n: number }>();
  let totalMs = 0;
  for (const t of timings) {
    const family = familyOf(t.op, t.layer, t.kernel);
    families[family] += t.ms;
    totalMs += t.ms;
    const name = t.kernel.replace(/\[\d+\]$|\d+$/, '');
    const k = byKernel.get(`${family}\0${name}`) ?? { family, ms: 0, n: 0 };
    byKernel.set(`${family}\0${name}`, { family, ms: k.ms + t.ms, n: k.n + 1 });
  }
  const r3 = (x: number): number => Math.round(x * 1000) / 1000;
  for (const f of FAMILIES) families[f] = r3(families[f]);
  const topKernels = [...byKernel]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, top)
    .map(([key, v]) => ({ kernel: key.split('\0')[1]!, family: v.family, ms: r3(v.ms), n: v.n }));
  return { totalMs: r3(totalMs), families, topKernels };
}
