/**
 * Shared setup of the sparse-expert-update training tests: the example LM at 64 experts, its
 * training graph with the sparse (default) or dense expert updates, and initial parameters with
 * random non-zero gate weights (zero-initialised gates route every row to experts 0..k−1).
 */
import { trainingPipeline } from '../../compiler/train-pipeline.ts';
import { traceModel } from '../../frontend/model.ts';
import type { Graph } from '../../ir/graph.ts';
import { initParams } from '../../ir/interpret.ts';
import type { Tensor } from '../../ir/tensor.ts';
import { optimizerPass, type OptimizerConfig } from '../../passes/optimizer.ts';
import { createPassContext, PassManager } from '../../passes/pass.ts';
import model from '../../examples/lstm-moe-lm.ts';
import { rand } from '../ir/fd.ts';

/** Options of the example with 64 experts; `experts` can be overridden. */
export const SPARSE_LM = { T: 6, B: 4, vocab: 30, width: 16, experts: 64, k: 2, expertHidden: 16, dropout: 0.1 };

/** The training graph of the example with the sparse (default) or dense expert updates. */
export function trainingGraph(optimizer: OptimizerConfig, sparseExperts: boolean, options = SPARSE_LM): Graph {
  const passes = trainingPipeline({ optimizer, recompute: 'experts' }).map((p) => (p.name.startsWith('optimizer(') ? optimizerPass(optimizer, { sparseExperts }) : p));
  return new PassManager(passes).run(traceModel(model, options), createPassContext()).graph;
}

/** Initial parameters with random non-zero gate weights (uniform ±1). */
export function initWithGates(g: Graph, seed: number): Record<string, Tensor> {
  const init = initParams(g, seed);
  const r = rand(seed + 1000);
  for (const name of ['moe0.wg', 'moe0.wn']) init[name] = { type: init[name]!.type, data: Float32Array.from(r(init[name]!.data.length)) };
  return init;
}

