/**
 * The training pipeline, readable top to bottom: the forward pipeline (shape checks, cleanup,
 * batching the MoE over time, fusing the gating), then — with recompute 'none' only — split each
 * expert FFN into its two layers (so the hidden activations are values the backward reads; under
 * 'experts' / 'all-moe' the FFN stays whole and its vjp expertFfnGrad recomputes them tile by
 * tile, so no [N·k, H] tensor exists in the step), differentiate the
 * loss with respect to every parameter, schedule each fused linear cross-entropy next to its
 * gradient (one pass over the logits chunks computes both), apply the recompute policy, add the
 * optimizer's updates and
 * state, drop what is dead and check shapes again, and fuse elementwise chains for execution. The result is ONE graph for a whole training
 * step; `compileTrainingPlan` lowers it to one plan.
 */
import type { Graph } from '../ir/graph.ts';
import { autodiffPass } from '../passes/autodiff.ts';
import { dce } from '../passes/dce.ts';
import { inferShapes } from '../passes/infer-shapes.ts';
import { optimizerPass, type OptimizerConfig } from '../passes/optimizer.ts';
import { pairLinearCrossEntropyPass } from '../passes/pair-linear-cross-entropy.ts';
import { createPassContext, PassManager, type Pass, type PassRunResult } from '../passes/pass.ts';
import { recomputePass, type RecomputePolicy } from '../passes/recompute.ts';
import { splitExpertFfnPass } from '../passes/split-expert-ffn.ts';
import type { LoweringLimits } from './lower/context.ts';
import { lowerToWebGpu } from './lower/index.ts';
import type { Plan } from './plan.ts';
import { EXECUTION_PASSES, PIPELINE } from './pipeline.ts';

/** How to train. */
export interface TrainingOptions {
  readonly optimizer: OptimizerConfig;
  readonly recompute: RecomputePolicy;
  /** Sparse updates of group banks (passes/optimizer.ts `sparseGroups`; default true). */
  readonly sparseGroups?: boolean;
}

/** The passes of a training step, in order. */
export function trainingPipeline(opts: TrainingOptions): readonly Pass[] {
  // Only 'none' splits the expert FFN (its hidden activations are then kept for the backward);
  // otherwise expertFfn stays whole and its vjp, expertFfnGrad, recomputes them tile by tile.
  const split = opts.recompute === 'none' ? [splitExpertFfnPass] : [];
  return [...PIPELINE, ...split, autodiffPass, pairLinearCrossEntropyPass, recomputePass(opts.recompute), optimizerPass(opts.optimizer, opts.sparseGroups === false ? { sparseGroups: false } : {}), dce, inferShapes, ...EXECUTION_PASSES];
}

/** Compiles a traced model into a training-step graph. */
export function compileTraining(graph: Graph, opts: TrainingOptions, onAfterPass?: (name: string, g: Graph, changed: boolean) => void): PassRunResult {
  const pm = new PassManager(trainingPipeline(opts), onAfterPass ? { onAfterPass } : {});
  return pm.run(graph, createPassContext());
}

/** Compiles and lowers a training step to one plan. */
export function compileTrainingPlan(graph: Graph, opts: TrainingOptions, limits?: LoweringLimits): { graph: Graph; plan: Plan } {
  const g = compileTraining(graph, opts).graph;
  return { graph: g, plan: lowerToWebGpu(g, limits) };
}
