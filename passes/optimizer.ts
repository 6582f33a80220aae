/**
 * The optimizer pass: turns a differentiated graph (outputs `grad:<param>`) into a training step.
 * For every parameter it adds its update op and the optimizer state it needs as `state` inputs
 * (zero-initialised, persistent across steps): SGD (none), Adam (m and v, each as large as the
 * parameter) or factored Adam (paper App. D, β1 = 0: for every matrix — each expert's W1 and W2
 * separately, since an expert bank [n, r, c] is a batch of n matrices — row and column running
 * means of g², r + c numbers instead of r·c; vectors fall back to Adam with β1 = 0, a full second
 * moment). Updates are in place (ir/op-traits.ts IN_PLACE), are scheduled after every other node (they
 * overwrite parameters the backward pass still reads) and are tagged phase 'update'. The gradient
 * outputs are replaced by `update:<name>` outputs, which alias the parameters' own storage.
 *
 * Sparse expert updates: an expert bank [n, …] read only by expert ops of one dispatch (ops.ts
 * EXPERT_BANK_READS) has a zero gradient block for every expert without rows this step, so its
 * update takes the dispatch offsets and touches only the experts with rows: `expertSgdUpdate`
 * under SGD (exact: a zero gradient changes nothing) and, for the per-expert matrices [n, r, c]
 * under factored Adam, `expertFactoredAdamUpdate` with one more state `opt.last:<name>` (i32 [n],
 * the step count each expert's row/column statistics are decayed to; the skipped decay is caught
 * up exactly when the expert is next touched, so p equals the dense update's and vr/vc are stored
 * lazily decayed — ir/reference/optimizers.ts catchUpExpertStatistics gives the dense values).
 * Kept dense: Adam (β1 > 0: momentum moves p even with a zero gradient, so skipping is not exact).
 *
 * Expert bias banks under factored Adam: a bias bank [n, H] (b1, b2) is n parameters, one per
 * expert, each a 1×H matrix — it is updated as the bank [n, 1, H] (`expertFactoredAdamUpdate`
 * takes [n, c] as [n, 1, c]; states opt.vr [n, 1], opt.vc [n, H], opt.last [n]). With r = 1,
 * vr' = mean_j of the expert's g² moments and v̂ = vr'·vc'/mean(vr') = vc' (bias-corrected): the
 * unfactored per-element second moment Adafactor uses for a vector, and the update clipping's
 * rms is over that expert's H elements. No statistic mixes experts, so the update is sparse
 * (lazy catch-up like the weight banks) and the same however the experts are split over devices.
 * (Until 2026-11-29 the bank was ONE n×H matrix whose column statistics, mean(vr) and clipping
 * mixed all experts.) With sparseExperts: false the same semantics run densely, as
 * factoredAdamUpdate over a reshape view [n, 1, H].
 *
 * Group banks: a parameter [a, …] read only at the groups an index input names (ops.ts
 * GROUP_BANK_READS: the hierarchical secondary gating weights wg2, wn2 [a, D, b], read at the
 * primary gating's groups) has a zero gradient block for every group no row chose. The pass adds
 * one `moeDispatch { n: a }` of those indices (per index value) and updates the bank with the
 * same expert* ops over the dispatch offsets — one [D, b] matrix per group, exactly as the dense
 * factored Adam over [a, D, b] treats it, with the same lazy catch-up. Not on a partitioned
 * (multi-device) graph, whose all-reduced gradients hold other devices' groups too.
 */
import { GraphBuilder, type Graph } from '../ir/graph.ts';
import { type OpName, type OpParams } from '../ir/ops.ts';
import { EXPERT_BANK_READS, GROUP_BANK_READS } from '../ir/op-traits.ts';
import { formatType, numel, tensorType } from '../ir/types.ts';
import type { Pass } from './pass.ts';

/** Which optimizer, with its hyper-parameters. */
export type OptimizerConfig =
  | { readonly name: 'sgd'; readonly lr: number }
  | { readonly name: 'adam'; readonly lr: number; readonly beta1?: number; readonly beta2?: number; readonly eps?: number }
  | { readonly name: 'factored-adam'; readonly lr: number; readonly beta2?: number; readonly eps?: number; readonly clip?: number };

/** Names of the optimizers. */
export const OPTIMIZER_NAMES = ['sgd', 'adam', 'factored-adam'] as const;

/** Bytes of optimizer state per parameter and in total, with what plain Adam would need. */
export interface StateReport {
  readonly perParam: { readonly name: string; readonly paramBytes: number; readonly stateBytes: number; readonly adamBytes: number }[];
  readonly stateBytes: number;
  readonly adamBytes: number;
}

/** Options of the optimizer pass beyond the optimizer itself. */
export interface OptimizerPassOptions {
  /** Update expert banks only for the experts with rows (default true); false: every update dense. */
  readonly sparseExperts?: boolean;
  /**
   * Update group banks (GROUP_BANK_READS) only for the groups with rows (default true). Never on a
   * partitioned graph: its gradients are all-reduced over devices, whose chosen groups the local
   * indices do not name.
   */
  readonly sparseGroups?: boolean;
}

/**
 * The dispatch offsets value of expert bank `value` ([n, …]) when every reader of it is an expert
 * op reading it as a bank of one dispatch whose offsets are [n+1]; otherwise undefined.
 */
export function expertBankOffsets(g: Graph, value: number): number | undefined {
  const shape = g.values.get(value)!.type.shape;
  if (shape.length < 1 || g.outputs.some((o) => o.value === value)) return undefined;
  let offsets: number | undefined;
  for (const node of g.nodes) {
    for (let i = 0; i < node.inputs.length; i++) {
      if (node.inputs[i] !== value) continue;
      const reads = EXPERT_BANK_READS[node.op];
      if (!reads || !reads.banks.includes(i)) return undefined;
      const off = node.inputs[reads.offsets]!;
      if (offsets !== undefined && off !== offsets) return undefined;
      offsets = off;
    }
  }
  if (offsets === undefined) return undefined;
  const t = g.values.get(offsets)!.type;
  return t.dtype === 'i32' && t.shape.length === 1 && t.shape[0] === shape[0]! + 1 ? offsets : undefined;
}

/**
 * The index value (i32 [N, k]) and group count a of group bank `value` ([a, …]) when every reader
 * of it is listed in GROUP_BANK_READS, reads it only as a bank, and all readers share one index
 * value; otherwise undefined.
 */
export function groupBankIndices(g: Graph, value: number): { indices: number; groups: number } | undefined {
  const shape = g.values.get(value)!.type.shape;
  if (shape.length < 1 || g.outputs.some((o) => o.value === value)) return undefined;
  let found: { indices: number; groups: number } | undefined;
  for (const node of g.nodes) {
    if (!node.inputs.includes(value)) continue;
    const rule = GROUP_BANK_READS[node.op] as ((p: OpParams[OpName]) => { banks: readonly number[]; indices: number; groups: number }) | undefined;
    if (!rule) return undefined;
    const r = rule(node.params);
    if (node.inputs.some((v, i) => v === value && !r.banks.includes(i))) return undefined;
    const indices = node.inputs[r.indices]!;
    if (found !== undefined && (found.indices !== indices || found.groups !== r.groups)) return undefined;
    found = { indices, groups: r.groups };
  }
  if (found === undefined || shape[0] !== found.groups) return undefined;
  const t = g.values.get(found.indices)!.type;
  return t.dtype === 'i32' && t.shape.length === 2 ? found : undefined;
}

/** Adds the update of every parameter with a `grad:` output; see the file comment. */
export function applyOptimizer(g: Graph, cfg: OptimizerConfig, opts: OptimizerPassOptions = {}): Graph {
  const b = GraphBuilder.from(g);
  const params = g.inputs.filter((i) => i.role === 'param');
  const gradOf = new Map(g.outputs.filter((o) => o.name.startsWith('grad:')).map((o) => [o.name.slice(5), o.value]));
  const missing = params.filter((p) => !gradOf.has(p.name));
  if (missing.length > 0) {
    throw new Error(`optimizer: no gradient for ${missing.map((p) => p.name).join(', ')}; run the autodiff pass first`);
  }
  const zeros = { kind: 'zeros' } as const;
  const tag = (layer: string) => ({ layer, phase: 'update' as const });
  // One dispatch per index value of the group banks: its offsets [a+1] name the groups with rows.
  const groupOffsets = new Map<number, number>();
  const groupOffsetsOf = (gb: { indices: number; groups: number }, layer: string): number => {
    let off = groupOffsets.get(gb.indices);
    if (off === undefined) {
      off = b.addNode('moeDispatch', { n: gb.groups }, [gb.indices], { layer })[2]!;
      groupOffsets.set(gb.indices, off);
    }
    return off;
  };
  for (const p of params) {
    const grad = gradOf.get(p.name)!;
    const type = g.values.get(p.value)!.type;
    const layer = p.name.split('.')[0]!;
    const groupsOn = opts.sparseExperts !== false && opts.sparseGroups !== false && g.meta?.partition === undefined;
    const groupBank = groupsOn && expertBankOffsets(g, p.value) === undefined ? groupBankIndices(g, p.value) : undefined;
    const sparseGroups = groupBank !== undefined && (cfg.name === 'sgd' || (cfg.name === 'factored-adam' && type.shape.length >= 2 && type.shape.length <= 3));
    const bankOffsets = sparseGroups ? groupOffsetsOf(groupBank!, layer) : expertBankOffsets(g, p.value);
    const offsets = opts.sparseExperts === false ? undefined : bankOffsets;
    if (cfg.name === 'sgd' && offsets !== undefined) {
      b.setOutput(`update:${p.name}`, b.add1('expertSgdUpdate', { lr: cfg.lr }, [p.value, grad, offsets], tag(layer)));
      continue;
    }
    if (cfg.name === 'sgd') {
      b.setOutput(`update:${p.name}`, b.add1('sgdUpdate', { lr: cfg.lr }, [p.value, grad], tag(layer)));
      continue;
    }
    const factored = cfg.name === 'factored-adam' && type.shape.length >= 2;
    // An expert bias bank [n, H] is n separate 1×H matrices (as [n, 1, H]), not one n×H matrix.
    const perExpert = (shape: readonly number[]) => (shape.length === 2 ? [shape[0]!, 1, shape[1]!] : [...shape]) as [number, number, number];
    if (factored && offsets !== undefined && type.shape.length <= 3) {
      const [n, r, c] = perExpert(type.shape);
      const vr = b.addInput(`opt.vr:${p.name}`, tensorType('f32', [n, r]), 'state', zeros);
      const vc = b.addInput(`opt.vc:${p.name}`, tensorType('f32', [n, c]), 'state', zeros);
      const last = b.addInput(`opt.last:${p.name}`, tensorType('i32', [n]), 'state', zeros);
      const hp = { lr: cfg.lr, beta2: cfg.beta2 ?? 0.999, clip: cfg.clip ?? 1 };
      const outs = b.addNode('expertFactoredAdamUpdate', hp, [p.value, grad, vr, vc, last, offsets], tag(layer));
      ['', 'opt.vr:', 'opt.vc:', 'opt.last:'].forEach((prefix, i) => b.setOutput(`update:${prefix}${p.name}`, outs[i]!));
      continue;
    }
    if (factored && bankOffsets !== undefined && type.shape.length === 2) {
      // Dense (sparseExperts: false) update of a bias bank with the same per-expert semantics:
      // factoredAdamUpdate over a view [n, 1, H] of the parameter and its gradient.
      const [n, r, c] = perExpert(type.shape);
      // The views are not tagged 'update' (the eager scheduler moves update nodes only).
      const view = (v: number) => b.add1('reshape', { shape: [n, r, c] }, [v], { layer });
      const vr = b.addInput(`opt.vr:${p.name}`, tensorType('f32', [n, r]), 'state', zeros);
      const vc = b.addInput(`opt.vc:${p.name}`, tensorType('f32', [n, c]), 'state', zeros);
      const hp = { lr: cfg.lr, beta2: cfg.beta2 ?? 0.999, clip: cfg.clip ?? 1 };
      const [np, nvr, nvc] = b.addNode('factoredAdamUpdate', hp, [view(p.value), view(grad), vr, vc], tag(layer));
      b.setOutput(`update:${p.name}`, b.add1('reshape', { shape: [...type.shape] }, [np!], { layer }));
      b.setOutput(`update:opt.vr:${p.name}`, nvr!);
      b.setOutput(`update:opt.vc:${p.name}`, nvc!);
      continue;
    }
    if (factored) {
      const lead = type.shape.slice(0, -2);
      const [r, c] = type.shape.slice(-2) as [number, number];
      const vr = b.addInput(`opt.vr:${p.name}`, tensorType('f32', [...lead, r]), 'state', zeros);
      const vc = b.addInput(`opt.vc:${p.name}`, tensorType('f32', [...lead, c]), 'state', zeros);
      const [np, nvr, nvc] = b.addNode('factoredAdamUpdate', { lr: cfg.lr, beta2: cfg.beta2 ?? 0.999, clip: cfg.clip ?? 1 }, [p.value, grad, vr, vc], tag(layer));
      b.setOutput(`update:${p.name}`, np!);
      b.setOutput(`update:opt.vr:${p.name}`, nvr!);
      b.setOutput(`update:opt.vc:${p.name}`, nvc!);
    } else {
      const beta1 = cfg.name === 'adam' ? (cfg.beta1 ?? 0.9) : 0;
      const m = b.addInput(`opt.m:${p.name}`, type, 'state', zeros);
      const v = b.addInput(`opt.v:${p.name}`, type, 'state', zeros);
      const [np, nm, nv] = b.addNode('adamUpdate', { lr: cfg.lr, beta1, beta2: cfg.beta2 ?? 0.999, eps: cfg.eps ?? 1e-8 }, [p.value, grad, m, v], tag(layer));
      b.setOutput(`update:${p.name}`, np!);
      b.setOutput(`update:opt.m:${p.name}`, nm!);
      b.setOutput(`update:opt.v:${p.name}`, nv!);
    }
  }
  scheduleUpdatesEagerly(b);
  const kept = b.finish();
  // Drop the gradient outputs: they would keep every gradient alive to the end of the step.
  return { ...kept, outputs: kept.outputs.filter((o) => !o.name.startsWith('grad:')), meta: { ...kept.meta, optimizer: cfg } };
}

/**
 * Moves every update right after the last node that reads its parameter or produces its gradient
 * (optimizer-in-backward): the gradient then dies at once instead of living to the end of the
 * step, which lowers the plan's peak. Safe because nothing reads the parameter afterwards (the
 * planner re-checks this: an in-place update may not precede a read of the old value).
 */
function scheduleUpdatesEagerly(b: GraphBuilder): void {
  const updates = b.currentNodes().filter((n) => n.phase === 'update');
  for (const u of updates) {
    const nodes = b.currentNodes();
    const reads = new Set(u.inputs);
    let last = -1;
    nodes.forEach((n, i) => {
      // Other updates only share read-only inputs (a dispatch's offsets) with this one.
      if (n.id === u.id || n.phase === 'update') return;
      if (n.inputs.some((v) => reads.has(v)) || n.outputs.some((v) => reads.has(v))) last = i;
    });
    const next = nodes[last + 1];
    if (next && next.id !== u.id) b.moveBefore(u.id, next.id);
  }
}

/** The optimizer as a pass. */
export function optimizerPass(cfg: OptimizerConfig, opts: OptimizerPassOptions = {}): Pass {
  return { name: `optimizer(${cfg.name})`, run: (g) => applyOptimizer(g, cfg, opts) };
}

/** Optimizer state bytes of a training graph, per parameter, against plain Adam's 2× parameters. */
export function stateReport(g: Graph): StateReport {
  const perParam = g.inputs
    .filter((i) => i.role === 'param')
    .map((p) => {
      const paramBytes = numel(g.values.get(p.value)!.type.shape) * 4;
      const stateBytes = g.inputs
        .filter((s) => s.role === 'state' && s.name.endsWith(`:${p.name}`))
        .reduce((a, s) => a + numel(g.values.get(s.value)!.type.shape) * 4, 0);
      return { name: p.name, paramBytes, stateBytes, adamBytes: 2 * paramBytes };
    });
  return {
    perParam,
    stateBytes: perParam.reduce((a, p) => a + p.stateBytes, 0),
    adamBytes: perParam.reduce((a, p) => a + p.adamBytes, 0),
  };
}

/** One line per parameter: `moe0.w1 f32[16,64,64]: state 8192 B (Adam 524288 B, 1.56%)`. */
export function formatStateReport(g: Graph): string[] {
  const r = stateReport(g);
  const pct = (a: number, b: number) => (b === 0 ? '0' : ((100 * a) / b).toFixed(2));
  const lines = r.perParam.map((p) => {
    const t = g.values.get(g.inputs.find((i) => i.name === p.name)!.value)!.type;
    return `${p.name} ${formatType(t)}: state ${p.stateBytes} B (Adam ${p.adamBytes} B, ${pct(p.stateBytes, p.adamBytes)}%)`;
  });
  lines.push(`optimizer state ${r.stateBytes} B in total; plain Adam would need ${r.adamBytes} B (${pct(r.stateBytes, r.adamBytes)}%)`);
  return lines;
}
