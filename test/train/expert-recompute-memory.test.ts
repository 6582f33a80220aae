/**
 * Memory of the training step with recompute 'experts' (the expert FFN kept whole, its backward
 * recomputing the hidden activations tile by tile): at 4096 rows × 16 experts × expert hidden
 * 1024, k 4 (examples/lstm-moe-lm.ts, B = 512) no plan buffer holds an [N·k, H] tensor and the
 * pooled peak is at most half that of recompute 'none' (which keeps the split FFN's hidden
 * activations for the backward). The training step's forward FFN is a fused kernel; an
 * inference plan keeps the two grouped GEMMs (faster; their [S, H] scratch is transient there).
 * Only the plans are built; nothing runs.
 */
import { describe, expect, it } from 'vitest';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { compileGraph } from '../../compiler/pipeline.ts';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import { traceModel } from '../../frontend/model.ts';
import { numel } from '../../ir/types.ts';
import model from '../../examples/lstm-moe-lm.ts';

describe('recompute experts: memory', () => {
  it('no [N·k, H] buffer and at most half the peak of recompute none (4096 rows × 16 experts × H 1024)', () => {
    const options = { B: 512, experts: 16, expertHidden: 1024, k: 4 };
    const traced = traceModel(model, options);
    const optimizer = { name: 'factored-adam', lr: 0.01 } as const;
    const none = compileTrainingPlan(traced, { optimizer, recompute: 'none' }).plan;
    const experts = compileTrainingPlan(traced, { optimizer, recompute: 'experts' }).plan;
    const SH = 8 * 512 * 4 * 1024;
    const biggest = (p: typeof none) => Math.max(...p.buffers.map((b) => numel(b.type.shape)));
    expect(biggest(none)).toBeGreaterThanOrEqual(SH); // the split path does hold them
    expect(biggest(experts)).toBeLessThan(SH / 4);
    expect(experts.memory!.peakBytes).toBeLessThanOrEqual(0.5 * none.memory!.peakBytes);
  });

  // The fused forward has two forms (compiler/wgsl/expert-fused.ts for row tiles of 16-32 rows,
  // expert-gemv.ts for ≤ 8 rows per tile-map entry); neither writes an [N·k, H] tensor.
  it.each([
    [{ T: 2, B: 4, experts: 4, k: 2 }, 'expert_gemv_fused'],
    [{ T: 8, B: 64, experts: 4, k: 2 }, 'expert_ffn_fused'],
  ] as const)('%j: the fused forward kernel (%s) is used in training under recompute experts, the grouped GEMMs in inference', (options, fused) => {
    const traced = traceModel(model, options);
    const names = (p: ReturnType<typeof lowerToWebGpu>) => p.steps.flatMap((s) => s.dispatches.map((d) => d.kernel.name));
    const train = compileTrainingPlan(traced, { optimizer: { name: 'sgd', lr: 0.1 }, recompute: 'experts' }).plan;
    const infer = lowerToWebGpu(compileGraph(traced).graph);
    expect(names(train)).toContain(fused);
    expect(names(train).filter((n) => n.startsWith('expert_gemm'))).toEqual([]);
    expect(names(infer).filter((n) => n === 'expert_ffn_fused' || n === 'expert_gemv_fused')).toEqual([]);
    expect(names(infer).filter((n) => n.startsWith('expert_gemm'))).toHaveLength(2);
  });
});
