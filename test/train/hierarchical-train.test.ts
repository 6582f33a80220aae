/**
 * Training the hierarchical-MoE example (paper App. B/C shape, experts [4, 8], k [2, 2], small
 * widths) on the CPU backend: the compiled training step (batched over time, fused gating and
 * secondary gating, autodiff through secondaryGating/hierLoadEstimate, Adam) lowers the loss over
 * 30 steps on a fixed synthetic batch, every loss finite, and the secondary gate weights move.
 */
import { describe, expect, it } from 'vitest';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import { traceModel } from '../../frontend/model.ts';
import { initParams } from '../../ir/interpret.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareTrainer } from '../../runtime/trainer.ts';
import model from '../../examples/hierarchical-moe-lm.ts';

const small = { T: 6, B: 4, vocab: 30, width: 16, groups: 4, perGroup: 8, k1: 2, k2: 2, expertHidden: 16, dropout: 0.1 };

describe('training the hierarchical MoE on the CPU backend', () => {
  it('Adam lowers the loss over 30 steps', async () => {
    const { graph, plan } = compileTrainingPlan(traceModel(model, small), { optimizer: { name: 'adam', lr: 0.01 }, recompute: 'experts' });
    expect(graph.nodes.filter((n) => n.op === 'secondaryGatingGrad').length).toBe(1);
    expect(graph.nodes.filter((n) => n.op === 'hierLoadEstimateGrad').length).toBe(1);
    const init = initParams(graph, 1);
    const trainer = await prepareTrainer({ kind: 'cpu' }, plan, init, { seed: 1 });
    const batch = syntheticFeeds(graph, 1);
    const losses: number[] = [];
    for (let s = 0; s < 30; s++) losses.push((await trainer.step(batch, s)).loss!);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[0]!).toBeGreaterThan(3.2); // ≈ log(30) untrained
    expect(losses[29]!).toBeLessThan(0.8 * losses[0]!);
    const params = await trainer.read();
    expect(Array.from(params['moe0.wg2']!.data)).not.toEqual(Array.from(init['moe0.wg2']!.data));
    expect(Array.from(params['moe0.wn2']!.data)).not.toEqual(Array.from(init['moe0.wn2']!.data));
    console.log(`hierarchical training losses: ${losses[0]!.toFixed(3)} → ${losses[9]!.toFixed(3)} → ${losses[29]!.toFixed(3)}`);
  });
});
