/**
 * WebGPU lowering rules for strictly balanced gating (paper App. F): the gating is three
 * dispatches (logits, the per-expert mask with the load, the per-row routing list) with the mask
 * in a step scratch buffer and the mask kernel's uniform rebuilt per run so training (batchwise
 * top-m) and evaluation (thresholds) share one pipeline; the threshold loss, its gradient and the
 * gating gradient are one dispatch each (compiler/wgsl/balanced.ts).
 */
import { balancedGatingGradKernel, balancedLogitsKernel, balancedMaskKernel, balancedRouteKernel, balancedThresholdLossKernel } from '../wgsl/balanced.ts';
import type { RunParams } from '../plan.ts';
import type { LowerRule } from './rules-dense.ts';

/** Rules for the balanced-gating ops. */
export const BALANCED_RULES = {
  balancedGating: (node, c) => {
    const [N, D] = c.typeOf(c.input(0)).shape as [number, number];
    const s = { N, D, n: node.params.n, m: node.params.m };
    const mask = c.scratch('balancedGating.mask', 'i32', N * s.n);
    c.emit(balancedLogitsKernel(s), { x: c.input(0), wg: c.input(1), logits: c.output(2) });
    const maskFor = (run: RunParams) => balancedMaskKernel({ ...s, train: run.training });
    c.emit(maskFor(c.run0), { logits: c.output(2), thresholds: c.input(2), mask, load: c.output(3) }, (run) => maskFor(run).uniformData!);
    c.emit(balancedRouteKernel(s), { logits: c.output(2), mask, indices: c.output(0), gates: c.output(1) });
  },
  balancedThresholdLoss: (_node, c) => {
    const [N, n] = c.typeOf(c.input(0)).shape as [number, number];
    const kmax = c.typeOf(c.input(2)).shape[1]!;
    c.emit(balancedThresholdLossKernel({ N, n, kmax, grad: false }), { logits: c.input(0), thresholds: c.input(1), indices: c.input(2), out: c.output(0) });
  },
  balancedGatingGrad: (node, c) => {
    const [N, kmax] = c.typeOf(c.input(0)).shape as [number, number];
    c.emit(balancedGatingGradKernel({ N, n: node.params.n, kmax }), { gates: c.input(0), indices: c.input(1), dgates: c.input(2), out: c.output(0) });
  },
  balancedThresholdLossGrad: (_node, c) => {
    const [N, n] = c.typeOf(c.input(0)).shape as [number, number];
    const kmax = c.typeOf(c.input(2)).shape[1]!;
    c.emit(balancedThresholdLossKernel({ N, n, kmax, grad: true }), { logits: c.input(0), thresholds: c.input(1), indices: c.input(2), dloss: c.input(3), out: c.output(0) });
  },
} satisfies { [O in 'balancedGating' | 'balancedThresholdLoss' | 'balancedGatingGrad' | 'balancedThresholdLossGrad']: LowerRule<O> };
