/**
 * WebGPU lowering rules for strictly balanced gating (paper App. F): the gating is three
 * dispatches (logits with their order keys transposed per expert; the per-expert radix select of
 * the top m, giving each expert's cut and its load; the per-row routing list) with the keys and
 * cuts in step scratch buffers and the select and route kernels' uniforms rebuilt per run so
 * training (batchwise top-m) and evaluation (thresholds) share one pipeline each; the threshold
 * loss is a per-row pass into a scratch [N] and a fixed-order sum, its gradient three dispatches
 * (clear, count each expert's rows in the routing lists, per-expert finish) with an [n] scratch,
 * and the gating gradient one dispatch (compiler/wgsl/balanced.ts).
 */
import {
  balancedGatingGradKernel,
  balancedLogitsKernel,
  balancedRouteKernel,
  balancedRouteUniformData,
  balancedSelectKernel,
  balancedSelectUniformData,
  balancedThresholdGradKernels,
  balancedThresholdLossKernels,
} from '../wgsl/balanced.ts';
import type { RunParams } from '../plan.ts';
import type { LowerRule } from './rules-dense.ts';

/** Rules for the balanced-gating ops. */
export const BALANCED_RULES = {
  balancedGating: (node, c) => {
    const [N, D] = c.typeOf(c.input(0)).shape as [number, number];
    const s = { N, D, n: node.params.n, m: node.params.m };
    const keys = c.scratch('balancedGating.keys', 'i32', N * s.n);
    const cut = c.scratch('balancedGating.cut', 'i32', 2 * s.n);
    c.emit(balancedLogitsKernel(s), { x: c.input(0), wg: c.input(1), logits: c.output(2), keys });
    const train0 = { ...s, train: c.run0.training };
    const at = (run: RunParams) => ({ ...s, train: run.training });
    c.emit(balancedSelectKernel(train0), { keys, logits: c.output(2), thresholds: c.input(2), cut, load: c.output(3) }, (run) => balancedSelectUniformData(at(run)));
    c.emit(balancedRouteKernel(train0), { logits: c.output(2), thresholds: c.input(2), cut, indices: c.output(0), gates: c.output(1) }, (run) => balancedRouteUniformData(at(run)));
  },
  balancedThresholdLoss: (_node, c) => {
    const [N, n] = c.typeOf(c.input(0)).shape as [number, number];
    const kmax = c.typeOf(c.input(2)).shape[1]!;
    const partial = c.scratch('balancedThresholdLoss.partial', 'f32', N);
    const [rows, sum] = balancedThresholdLossKernels({ N, n, kmax });
    c.emit(rows, { logits: c.input(0), thresholds: c.input(1), indices: c.input(2), partial });
    c.emit(sum, { partial, out: c.output(0) });
  },
  balancedGatingGrad: (node, c) => {
    const [N, kmax] = c.typeOf(c.input(0)).shape as [number, number];
    c.emit(balancedGatingGradKernel({ N, n: node.params.n, kmax }), { gates: c.input(0), indices: c.input(1), dgates: c.input(2), out: c.output(0) });
  },
  balancedThresholdLossGrad: (_node, c) => {
    const [N, n] = c.typeOf(c.input(0)).shape as [number, number];
    const kmax = c.typeOf(c.input(2)).shape[1]!;
    const counts = c.scratch('balancedThresholdLossGrad.counts', 'i32', n);
    const [zero, count, grad] = balancedThresholdGradKernels({ N, n, kmax });
    c.emit(zero, { counts });
    c.emit(count, { indices: c.input(2), counts });
    c.emit(grad, { logits: c.input(0), thresholds: c.input(1), counts, dloss: c.input(3), out: c.output(0) });
  },
} satisfies { [O in 'balancedGating' | 'balancedThresholdLoss' | 'balancedGatingGrad' | 'balancedThresholdLossGrad']: LowerRule<O> };
