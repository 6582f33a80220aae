/**
 * Training steps on the CPU backend (the plan executed over pooled memory by the reference ops):
 * the example's loss falls under SGD, Adam and factored Adam on a fixed synthetic batch; the
 * recompute policies give bit-identical parameters after several steps while lowering the plan's
 * peak bytes; factored Adam's state for expert matrices is ≤ 1% of Adam's at paper-like sizes;
 * and the in-place updates really update: parameters change, and the optimizer state is carried
 * across steps.
 */
import { describe, expect, it } from 'vitest';
import { compileTraining, compileTrainingPlan, type TrainingOptions } from '../../compiler/train-pipeline.ts';
import { traceModel } from '../../frontend/model.ts';
import { initParams } from '../../ir/interpret.ts';
import { stateReport } from '../../passes/optimizer.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareTrainer } from '../../runtime/trainer.ts';
import model from '../../examples/lstm-moe-lm.ts';

const small = { T: 6, B: 4, vocab: 30, width: 16, experts: 4, k: 2, expertHidden: 16, dropout: 0.1 };

async function train(opts: TrainingOptions, steps: number, options = small) {
  const { graph, plan } = compileTrainingPlan(traceModel(model, options), opts);
  const trainer = await prepareTrainer({ kind: 'cpu' }, plan, initParams(graph, 1), { seed: 1 });
  const batch = syntheticFeeds(graph, 1);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) losses.push((await trainer.step(batch, s)).loss!);
  return { losses, params: await trainer.read(), plan, graph };
}

describe('training on the CPU backend', () => {
  it.each([
    [{ name: 'sgd', lr: 0.5 }, 0.95],
    [{ name: 'adam', lr: 0.01 }, 0.75],
    [{ name: 'factored-adam', lr: 0.01 }, 0.6],
  ] as const)('%j lowers the loss over 50 steps', async (optimizer, ratio) => {
    const { losses } = await train({ optimizer, recompute: 'experts' }, 50);
    // Cross-entropy of an untrained model over 30 words starts near log(30) ≈ 3.4.
    expect(losses[0]!).toBeGreaterThan(3.2);
    expect(losses[49]!).toBeLessThan(ratio * losses[0]!);
    expect(losses.every(Number.isFinite)).toBe(true);
  });

  it('recompute policies give bit-identical parameters and lower the peak', async () => {
    const runs = await Promise.all(
      (['none', 'experts', 'all-moe'] as const).map((recompute) => train({ optimizer: { name: 'adam', lr: 0.01 }, recompute }, 3)),
    );
    const [none, experts, allMoe] = runs as [(typeof runs)[0], (typeof runs)[0], (typeof runs)[0]];
    for (const name of Object.keys(none.params)) {
      expect(Array.from(experts.params[name]!.data), name).toEqual(Array.from(none.params[name]!.data));
      expect(Array.from(allMoe.params[name]!.data), name).toEqual(Array.from(none.params[name]!.data));
    }
    expect(experts.losses).toEqual(none.losses);
    expect(experts.plan.memory!.peakBytes).toBeLessThan(none.plan.memory!.peakBytes);
    expect(allMoe.plan.memory!.peakBytes).toBeLessThanOrEqual(experts.plan.memory!.peakBytes);
  });

  it('carries optimizer state across steps and updates parameters in place', async () => {
    const { params, graph } = await train({ optimizer: { name: 'adam', lr: 0.01 }, recompute: 'none' }, 2);
    const init = initParams(graph, 1);
    expect(Array.from(params['moe0.w1']!.data)).not.toEqual(Array.from(init['moe0.w1']!.data));
    // Adam's second moment after two steps is nonzero wherever a gradient was.
    expect(params['opt.v:moe0.w1']!.data.some((x) => x > 0)).toBe(true);
  });

  it('factored Adam keeps ≤ 1% of Adam state for expert matrices at paper-like sizes', () => {
    const options = { ...small, width: 512, expertHidden: 1024, experts: 8, vocab: 100, T: 2, B: 2 };
    const g = compileTraining(traceModel(model, options), { optimizer: { name: 'factored-adam', lr: 0.01 }, recompute: 'experts' }).graph;
    const r = stateReport(g);
    for (const name of ['moe0.w1', 'moe0.w2']) {
      const p = r.perParam.find((x) => x.name === name)!;
      // 8 experts × (512 + 1024) row/column means (+ one i32 last-touched step per expert) vs 2 × 8 × 512 × 1024 for Adam.
      expect(p.stateBytes).toBe(8 * (512 + 1024) * 4 + 8 * 4);
      expect(p.stateBytes / p.adamBytes).toBeLessThan(0.01);
    }
    // A bias bank [8, 1024] is 8 vectors: vr [8, 1], the unfactored vc [8, 1024], last [8] — about half of Adam's.
    expect(r.perParam.find((x) => x.name === 'moe0.b1')!.stateBytes).toBe(8 * (1 + 1024 + 1) * 4);
  });
});
