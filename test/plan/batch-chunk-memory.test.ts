/**
 * Memory of the canonical batch-chunk reductions (compiler/lower/batch-chunks.ts) in the lowered plan: the example
 * training step at B = 32 has C = 8 chunks, and its large batch sums (LSTM weight gradients, the output projection's
 * dw/db inside the fused linear cross-entropy, the embedding gradient) must not hold 8 partial copies of a gradient —
 * the GEMM and column-sum kernels add the chunks by a binary counter in registers (no partial buffer), the embedding
 * gradient keeps log2 8 = 3 tables besides its output, and only sums whose 8 partials fit SMALL_PARTIALS_BYTES keep
 * per-chunk partials. The plan's peak (plan.memory) then equals that of the plain row-order reductions (the same graph
 * lowered with its batch option hidden), where 8 live partials made it 1.5× larger.
 */
import { expect, it } from 'vitest';
import { batchChunksOf, canonicalChunks, SMALL_PARTIALS_BYTES } from '../../compiler/lower/batch-chunks.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { compileTraining } from '../../compiler/train-pipeline.ts';
import type { Graph } from '../../ir/graph.ts';
import type { Plan } from '../../compiler/plan.ts';
import { traceModel } from '../../frontend/model.ts';
import model from '../../examples/lstm-moe-lm.ts';

const trainingGraph = (recompute: 'none' | 'experts'): Graph => compileTraining(traceModel(model, {}), { optimizer: { name: 'factored-adam', lr: 0.01 } as never, recompute }).graph;

/** The graph with its batch option hidden from the lowering: plain row-order reductions. */
const plain = (g: Graph): Graph => {
  const { options: _hidden, ...meta } = g.meta as Record<string, unknown>;
  return { ...g, meta } as unknown as Graph;
};

/** Bytes of the step's kernel scratch whose name contains `part` (per-chunk partials, counter levels). */
const scratchBytes = (plan: Plan, step: number, part: string): number =>
  plan.buffers.filter((b) => b.value === undefined && b.name.includes(part) && b.name.endsWith(`@${step}`)).reduce((a, b) => a + plan.storages[b.storage]!.bytes, 0);

it.each(['none', 'experts'] as const)('C = 8: no step holds 8 partial copies of a large gradient, and the peak is that of the plain reductions (recompute %s)', (recompute) => {
  const g = trainingGraph(recompute);
  const B = (g.meta.options as { B: number }).B;
  const T = (g.meta.options as { T: number }).T;
  expect(canonicalChunks(B)).toBe(8);
  expect(batchChunksOf(g, T * B)?.Cl).toBe(8);
  const plan = lowerToWebGpu(g);
  const base = lowerToWebGpu(plain(g));
  const big = ['lstmGrad', 'linearCrossEntropy', 'embeddingGrad'];
  const seen = new Set<string>();
  for (const step of plan.steps) {
    const partials = scratchBytes(plan, step.index, '.chunks@');
    expect(partials, `step ${step.index} ${step.node.op}: per-chunk partials`).toBeLessThanOrEqual(SMALL_PARTIALS_BYTES);
    if (!big.includes(step.node.op)) continue;
    seen.add(step.node.op);
    expect(partials, `step ${step.index} ${step.node.op}: no per-chunk partials`).toBe(0);
    // Every batch sum of the step is written once, by its kernel: no tree kernel over partials.
    expect(step.dispatches.filter((d) => d.kernel.name === 'chunk_tree'), `step ${step.index} ${step.node.op}`).toHaveLength(0);
    const levels = scratchBytes(plan, step.index, '.levels@');
    if (step.node.op === 'embeddingGrad') {
      const [V, D] = plan.buffers[step.outputs[0]!]!.type.shape as [number, number];
      expect(levels).toBe(3 * V * D * 4); // log2 8 tables, not 8
    } else {
      expect(levels).toBe(0);
    }
  }
  expect([...seen].sort()).toEqual([...big].sort());
  // The chunk kernels ran for these sums (the canonical path is taken, not the plain one).
  const kernels = new Set(plan.steps.flatMap((s) => s.dispatches.map((d) => d.kernel.name)));
  for (const k of ['chunk_gemm_tn', 'chunk_col_sum', 'embedding_grad_tree']) expect(kernels.has(k), k).toBe(true);
  expect(plan.memory!.tempLiveBytes).toBeLessThanOrEqual(base.memory!.tempLiveBytes);
  expect(plan.memory!.peakBytes).toBeLessThanOrEqual(base.memory!.peakBytes);
});
