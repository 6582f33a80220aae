/**
 * Shared helpers of the multi-device tests: one-device references (the ordinary pipeline and the
 * ordinary CPU executor, independent of the partition pass, the exchange ops and the N-device
 * executor), parameters with random NON-ZERO gate weights (zero gates would route every row to
 * experts 0..k−1), and an element-by-element relative comparison.
 */
import { expect } from 'vitest';
import { compileGraph } from '../../compiler/pipeline.ts';
import { buildPlan, finishPlan } from '../../compiler/plan.ts';
import { compileTraining, type TrainingOptions } from '../../compiler/train-pipeline.ts';
import { traceModel, type Model } from '../../frontend/model.ts';
import type { Graph } from '../../ir/graph.ts';
import { initParams } from '../../ir/interpret.ts';
import { uniformDraw } from '../../ir/rng.ts';
import type { Tensor } from '../../ir/tensor.ts';
import { prepareCpuPlan } from '../../runtime/cpu-executor.ts';

/** Parameters of `g` from initParams with every gating matrix (names ending .wg/.wn/.wg2/.wn2) redrawn uniform ±0.5 (non-zero). */
export function paramsWithRandomGates(g: Graph, seed: number): Record<string, Tensor> {
  const p = initParams(g, seed);
  for (const [name, t] of Object.entries(p)) {
    if (name.includes(':') || !/\.(wg|wn|wg2|wn2)$/.test(name)) continue; // parameters only, not their optimizer state
    for (let i = 0; i < t.data.length; i++) t.data[i] = (2 * uniformDraw({ seed, stream: 0x9a7e, step: 0, row: i, col: name.length }) - 1) * 0.5;
  }
  return p;
}

/** The one-device forward graph and a CPU runner of it. */
export function oneDeviceForward(model: Model, options: Record<string, unknown>) {
  const graph = compileGraph(traceModel(model, options)).graph;
  const exe = prepareCpuPlan(finishPlan(buildPlan(graph)));
  return { graph, exe };
}

/** The one-device training graph and a CPU runner of it. */
export function oneDeviceTraining(model: Model, options: Record<string, unknown>, opts: TrainingOptions) {
  const graph = compileTraining(traceModel(model, options), opts).graph;
  const exe = prepareCpuPlan(finishPlan(buildPlan(graph)));
  return { graph, exe };
}

/** Largest |a−b| / max(|b|, floor) over the elements. */
export function maxRelative(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-3): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), floor));
  return worst;
}
