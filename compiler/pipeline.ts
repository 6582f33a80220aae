/**
 * The compiler's pass pipeline, readable top to bottom: check shapes, clean up what tracing left,
 * merge each MoE layer's per-timestep instances into one batched instance (the paper's
 * convolutional application), clean up again, fuse each gating chain into one `gating` op, fuse
 * the output projection with the cross-entropy (so the [N, vocab] logits are never whole), drop
 * what the fusions left dead and check shapes once more. `compileGraph` runs it, then the
 * execution passes (elementwise fusion), with verification after every pass and an optional hook
 * for printing the IR as it goes.
 */
import type { Graph } from '../ir/graph.ts';
import { batchExpertsOverTimePass } from '../passes/batch-experts-over-time.ts';
import { dce } from '../passes/dce.ts';
import { fuseElementwisePass } from '../passes/fuse-elementwise.ts';
import { fuseGatingTopkPass } from '../passes/fuse-gating-topk.ts';
import { fuseLinearCrossEntropyPass } from '../passes/fuse-linear-cross-entropy.ts';
import { inferShapes } from '../passes/infer-shapes.ts';
import { createPassContext, fixpoint, PassManager, type Pass, type PassRunResult } from '../passes/pass.ts';
import { simplify } from '../passes/simplify.ts';

/** The passes, in order. */
export const PIPELINE: readonly Pass[] = [
  inferShapes,
  fixpoint('simplify+dce', [simplify, dce]),
  batchExpertsOverTimePass,
  fixpoint('simplify+dce', [simplify, dce]),
  fuseGatingTopkPass,
  fuseLinearCrossEntropyPass,
  dce,
  inferShapes,
];

/**
 * The passes that prepare a finished graph for execution, run last by every pipeline (after
 * differentiation and the optimizer in training): fuse elementwise chains and matmul + bias, drop
 * the nodes they replaced, check shapes.
 */
export const EXECUTION_PASSES: readonly Pass[] = [fuseElementwisePass, dce, inferShapes];

/** Options of `compileGraph`. */
export interface CompileOptions {
  /** Called after every pass with its name, the graph and whether the pass changed the IR. */
  readonly onAfterPass?: (name: string, graph: Graph, changed: boolean) => void;
  /**
   * Run the execution passes too (default true). False stops before the elementwise fusion: the
   * graph to differentiate or analyse (fused nodes have no vjp).
   */
  readonly execution?: boolean;
}

/**
 * Runs the pipeline on `graph`. Returns the compiled graph, the names of the passes that changed
 * it and the passes' remarks (e.g. why a layer was not batched).
 */
export function compileGraph(graph: Graph, options: CompileOptions = {}): PassRunResult {
  const passes = options.execution === false ? PIPELINE : [...PIPELINE, ...EXECUTION_PASSES];
  const pm = new PassManager(passes, options.onAfterPass ? { onAfterPass: options.onAfterPass } : {});
  return pm.run(graph, createPassContext());
}
