/**
 * Shared setup of the sparse group-update tests: the hierarchical example with 16 groups × 4
 * experts and 6 rows (at most 12 of 16 groups chosen per step), its training graph with the sparse
 * (default) or dense updates, and initial parameters with random non-zero primary and secondary
 * gate weights.
 */
import { trainingPipeline } from '../../compiler/train-pipeline.ts';
import { traceModel } from '../../frontend/model.ts';
import type { Graph } from '../../ir/graph.ts';
import { initParams } from '../../ir/interpret.ts';
import type { Tensor } from '../../ir/tensor.ts';
import { optimizerPass, type OptimizerConfig } from '../../passes/optimizer.ts';
import { createPassContext, PassManager } from '../../passes/pass.ts';
import model from '../../examples/hierarchical-moe-lm.ts';
import { rand } from '../ir/fd.ts';

/** The hierarchical example with more groups than chosen (row, slot) pairs per step. */
export const SPARSE_HIER = { T: 3, B: 2, vocab: 30, width: 16, groups: 16, perGroup: 4, k1: 2, k2: 2, expertHidden: 8, dropout: 0.1 };

/** The training graph with sparse (default) or dense updates. */
export function hierTrainingGraph(optimizer: OptimizerConfig, sparseExperts: boolean, options = SPARSE_HIER): Graph {
  const passes = trainingPipeline({ optimizer, recompute: 'experts' }).map((p) => (p.name.startsWith('optimizer(') ? optimizerPass(optimizer, { sparseExperts }) : p));
  return new PassManager(passes).run(traceModel(model, options), createPassContext()).graph;
}

/** Initial parameters with random non-zero primary and secondary gate weights (uniform ±1). */
export function hierInitWithGates(g: Graph, seed: number): Record<string, Tensor> {
  const init = initParams(g, seed);
  const r = rand(seed + 1000);
  for (const name of ['moe0.wg', 'moe0.wn', 'moe0.wg2', 'moe0.wn2']) init[name] = { type: init[name]!.type, data: Float32Array.from(r(init[name]!.data.length)) };
  return init;
}
