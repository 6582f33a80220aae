/**
 * The multi-device schedule: what crosses between devices at every collective step, how many bytes,
 * each device's peak memory, and the computation-to-communication ratio of the expert exchange —
 * computed from the compiled programs alone, and printed by `moec compile --devices N --emit
 * schedule`. Byte counts follow the transport contract (runtime/multi-device/transport.ts): every
 * device sends one message to every device, itself included, so a step's total is fixed at
 * compile time: an all-reduce of L floats (reduce-scatter, then all-gather) moves 2·N·L·4 bytes
 * (2·(N−1)·L·4 between different devices); a dispatch all-to-all moves every real slot's row once (N·S rows of `width` floats,
 * S = rows·k per device — dropless top-k routing fills every slot) plus an i32 count per
 * destination expert in each of the N·N messages (strictly balanced gating: exactly n·m real pairs,
 * its padding slots are not sent); the return moves the same rows back without
 * counts; an all-gather of rows (strictly balanced gating) moves N·N·L·4 bytes like an all-reduce. How many of those rows cross to ANOTHER device depends on the routing: (N−1)/N of them
 * when experts are chosen uniformly, between 0 and all of them in general.
 */
import { printGraph } from '../../ir/print.ts';
import { numel } from '../../ir/types.ts';
import type { MultiDeviceProgram } from './compile.ts';

/** One collective step of the schedule. */
export interface ScheduledExchange {
  readonly step: number;
  readonly label: string;
  readonly op: 'allToAllDispatch' | 'allToAllReturn' | 'allReduceSum' | 'allGatherRows';
  /** Bytes of all N·N messages (self-messages included): exact. */
  readonly totalBytes: number;
  /** Bytes between different devices: exact for all-reduces, the uniform-routing expectation for all-to-alls. */
  readonly crossBytes: number;
  /** Upper bound of crossBytes (all rows routed off-device). */
  readonly crossBytesMax: number;
}

/** The byte prediction of one step of the programs. */
export interface ExchangePrediction {
  readonly exchanges: readonly ScheduledExchange[];
  readonly totalBytes: number;
  readonly crossBytes: number;
}

/** Predicts every exchange of one run of `p`'s programs. */
export function predictExchangeBytes(p: MultiDeviceProgram): ExchangePrediction {
  const N = p.devices;
  const plan = p.plans[0]!;
  const exchanges: ScheduledExchange[] = [];
  const pairsOf = (layer: string | undefined): number => {
    const ex = p.partition.exchanges.find((e) => e.layer === layer);
    if (!ex) throw new Error(`schedule: no exchange recorded for layer ${layer}`);
    return ex.pairs;
  };
  for (const step of plan.steps) {
    const n = step.node;
    const label = `${n.layer ?? '-'} ${n.op}${n.phase === 'backward' ? ' (backward)' : ''} #${n.id}`;
    const inType = (i: number) => plan.buffers[step.inputs[i]!]!.type;
    if (n.op === 'allReduceSum') {
      // Reduce-scatter (device d sends chunk e of its vector to device e), then all-gather (device e sends its summed
      // chunk to every device): each phase moves N·L·4 bytes counting self-messages, (N−1)·L·4 between devices.
      const L = numel(inType(0).shape);
      exchanges.push({ step: step.index, label, op: n.op, totalBytes: 2 * N * L * 4, crossBytes: 2 * (N - 1) * L * 4, crossBytesMax: 2 * (N - 1) * L * 4 });
    } else if (n.op === 'allGatherRows') {
      const L = numel(inType(0).shape);
      exchanges.push({ step: step.index, label, op: n.op, totalBytes: N * N * L * 4, crossBytes: N * (N - 1) * L * 4, crossBytesMax: N * (N - 1) * L * 4 });
    } else if (n.op === 'allToAllDispatch') {
      const q = n.params;
      const m = q.experts / N;
      const width = inType(0).shape[1]!;
      const rows = pairsOf(n.layer) * width * 4;
      const head = m * q.blocks * 4; // each message starts with its counts per (destination expert, row block)
      exchanges.push({ step: step.index, label, op: n.op, totalBytes: rows + N * N * head, crossBytes: (rows * (N - 1)) / N + N * (N - 1) * head, crossBytesMax: rows + N * (N - 1) * head });
    } else if (n.op === 'allToAllReturn') {
      const width = inType(0).shape[1]!;
      const rows = pairsOf(n.layer) * width * 4;
      exchanges.push({ step: step.index, label, op: n.op, totalBytes: rows, crossBytes: (rows * (N - 1)) / N, crossBytesMax: rows });
    }
  }
  return { exchanges, totalBytes: exchanges.reduce((a, e) => a + e.totalBytes, 0), crossBytes: exchanges.reduce((a, e) => a + e.crossBytes, 0) };
}

/** Expert multiply-adds of one run over all devices (every real slot through both layers, forward; ×3 with the backward). */
export function expertMultiplyAdds(p: MultiDeviceProgram): number {
  let total = 0;
  for (const ex of p.partition.exchanges) {
    const g = p.graphs[0]!;
    const w1 = g.inputs.find((i) => i.name === `${ex.layer}.w1`);
    const H = w1 ? g.values.get(w1.value)!.type.shape[2]! : 0;
    total += ex.pairs * (ex.width * H + H * ex.outWidth);
  }
  return p.training ? 3 * total : total;
}

/** The schedule as text: per device its program, every exchange with its bytes, peak memory, ratios. */
export function formatSchedule(p: MultiDeviceProgram, withPrograms = true): string {
  const N = p.devices;
  const pred = predictExchangeBytes(p);
  const lines: string[] = [];
  lines.push(`schedule: ${N} device${N > 1 ? 's' : ''}, ${p.training ? 'training step' : 'forward pass'}, global batch B = ${p.partition.batch} (B/N = ${p.partition.localBatch} per device)`);
  for (const ex of p.partition.exchanges) {
    const m = ex.experts / N;
    lines.push(`  ${ex.layer}: ${ex.experts} experts, ${m} per device (device d owns experts ${m}·d … ${m}·d+${m - 1}); ${ex.slots} dispatch slots per device, ${ex.pairs} routed (row, expert) pairs over the whole batch; every expert sees the rows of all ${N} devices`);
  }
  lines.push('exchanges (bytes per step; total = all N·N messages, cross = between different devices):');
  for (const e of pred.exchanges) {
    const cross = e.op === 'allReduceSum' ? `${e.crossBytes}` : `${Math.round(e.crossBytes)} expected (uniform routing), ≤ ${e.crossBytesMax}`;
    lines.push(`  step ${String(e.step).padStart(4)}  ${e.label.padEnd(44)} total ${String(e.totalBytes).padStart(10)}  cross ${cross}`);
  }
  lines.push(`  per step: total ${pred.totalBytes} B, cross-device ${Math.round(pred.crossBytes)} B expected`);
  const macs = expertMultiplyAdds(p);
  const a2aElements = pred.exchanges.filter((e) => e.op === 'allToAllDispatch' || e.op === 'allToAllReturn').reduce((a, e) => a + e.totalBytes, 0) / 4;
  const hidden = p.partition.exchanges.map((ex) => {
    const g = p.graphs[0]!;
    const w1 = g.inputs.find((i) => i.name === `${ex.layer}.w1`);
    return w1 ? g.values.get(w1.value)!.type.shape[2]! : 0;
  });
  lines.push(
    `computation/communication: ${macs} expert multiply-adds over ${a2aElements} elements through the all-to-alls = ${(macs / Math.max(a2aElements, 1)).toFixed(1)} per element ` +
      `(expert hidden size ${hidden.join(', ')}: the paper's ratio for a forward pass; a training step does 3× the forward's multiply-adds over 2× its exchange)`,
  );
  p.plans.forEach((plan, d) => lines.push(`device ${d}: peak ${plan.memory!.peakBytes} B (persistent ${plan.memory!.persistentBytes} B, temporaries ${plan.memory!.tempPooledBytes} B), ${plan.steps.length} steps`));
  if (withPrograms) p.graphs.forEach((g, d) => lines.push('', `# device ${d}`, printGraph(g, `device${d}`)));
  return lines.join('\n');
}
