/**
 * `moec profile --repeat N` statistics (app/profile-stats.ts) on the plan of the tiny LSTM-MoE model
 * with timings written here (no GPU needed): per kernel and shapes, the median and minimum over the
 * passes of the row's total time; the FLOPs of the LSTM, the output projection and the expert FFN
 * computed here from the model's options (not from the shapes the code reads) and shared among a
 * node's kernels in proportion to their times; GFLOP/s = FLOPs / median; passes that timed
 * different dispatches are refused.
 */
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../compiler/pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { traceModel } from '../../frontend/model.ts';
import { kernelStats, median } from '../../app/profile-stats.ts';
import type { DispatchTiming } from '../../runtime/webgpu-executor.ts';
import model from '../../examples/lstm-moe-lm.ts';

const T = 4;
const B = 4;
const W = 16;
const V = 50;
const n = 4;
const k = 2;
const H = 16;

describe('profile statistics', () => {
  const g = compileGraph(traceModel(model, { T, B, vocab: V, width: W, experts: n, k, expertHidden: H })).graph;
  const plan = lowerToWebGpu(g, undefined);
  const live = plan.steps.flatMap((s) => s.dispatches.filter((d) => d.kernel.dispatch.every((x) => x > 0)).map((d) => ({ step: s.index, op: s.node.op, kernel: d.kernel.name })));
  // Pass p gives dispatch i the time (i + 1) · f_p ms with f = 1, 3, 2: medians are 2·(i + 1).
  const factors = [1, 3, 2];
  const passes: DispatchTiming[][] = factors.map((f) => live.map((d, i) => ({ ...d, ms: (i + 1) * f })));
  const rows = kernelStats(g, plan, passes);

  it('gives the median and minimum of each row over the passes', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(rows.reduce((a, r) => a + r.dispatches, 0)).toBe(live.length);
    for (const r of rows) {
      expect(r.minMs).toBeCloseTo(r.medianMs / 2, 9); // min factor 1, median factor 2
      expect(r.shapes).toMatch(/^.+ → .+$/);
    }
    expect(rows.map((r) => r.medianMs)).toEqual([...rows.map((r) => r.medianMs)].sort((a, b) => b - a));
  });

  it('credits each matrix-product node its FLOPs, computed from the model options', () => {
    const N = T * B;
    const lstmFlops = 2 * T * B * (W + W) * 4 * W; // two LSTM layers of width W, each this much
    const ceFlops = 2 * N * W * V;
    const expertFlops = 2 * (N * k) * (W * H + H * W); // every slot of the capacity N·k
    const byOp = (op: string): number => rows.filter((r) => r.op.startsWith(op) && r.flops !== undefined).reduce((a, r) => a + r.flops!, 0);
    expect(byOp('lstm')).toBeCloseTo(2 * lstmFlops, 3);
    expect(byOp('linearCrossEntropy')).toBeCloseTo(ceFlops, 3);
    expect(byOp('expertFfn')).toBeCloseTo(expertFlops, 3);
    // Shared by time: every kernel of the output projection runs at the op's own rate.
    const ce = rows.filter((r) => r.op.startsWith('linearCrossEntropy'));
    const ceMs = ce.reduce((a, r) => a + r.medianMs, 0);
    for (const r of ce) expect(r.gflops).toBeCloseTo(ceFlops / (ceMs * 1e6), 9);
    for (const r of rows) if (r.flops !== undefined) expect(r.gflops).toBeCloseTo(r.flops / (r.medianMs * 1e6), 12);
    // Elementwise and data-movement kernels claim no FLOP rate.
    expect(rows.filter((r) => r.op.startsWith('dropout')).every((r) => r.gflops === undefined)).toBe(true);
  });

  it('refuses passes that timed different dispatches', () => {
    expect(() => kernelStats(g, plan, [passes[0]!, passes[1]!.slice(1)])).toThrow(/different dispatches/);
  });
});
