/**
 * GPU training checked through its whole state, not only the loss: the flat, hierarchical and
 * balanced example models, random non-zero gate weights, 5 Adam steps on a fixed synthetic batch
 * on WebGPU and on the CPU backend (same initial values, noise and dropout draws), then every
 * parameter and every optimizer-state tensor (Adam m and v, balanced thresholds, …) compared
 * element by element: |gpu − cpu| ≤ 5e-4 · max(|cpu|, rms of the tensor). Also asserts the state
 * moved (the comparison is not of two copies of the initial values) and the state names cover
 * every persistent input of the plan.
 */
import { expect, it } from 'vitest';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import { traceModel } from '../../frontend/model.ts';
import { initParams } from '../../ir/interpret.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareTrainer } from '../../runtime/trainer.ts';
import flat from '../../examples/lstm-moe-lm.ts';
import hierarchical from '../../examples/hierarchical-moe-lm.ts';
import balanced from '../../examples/balanced-moe-lm.ts';
import { describeGpu, dev } from './gpu.ts';
import { randomizeGates } from '../routing.ts';

const cases = [
  { name: 'flat', model: flat, options: { T: 5, B: 4, vocab: 30, width: 16, experts: 6, k: 2, expertHidden: 16, dropout: 0.1 } },
  { name: 'hierarchical', model: hierarchical, options: { T: 5, B: 4, vocab: 30, width: 16, groups: 3, perGroup: 4, k1: 2, k2: 2, expertHidden: 16, dropout: 0.1 } },
  { name: 'balanced', model: balanced, options: { T: 5, B: 8, vocab: 30, width: 16, experts: 8, k: 2, expertHidden: 16, dropout: 0.1 } },
] as const;

const STEPS = 5;
const RTOL = 5e-4;

describeGpu('WebGPU training state equals the CPU backend\'s, element by element', () => {
  for (const c of cases) {
    it(`${c.name}: every parameter and optimizer-state tensor after ${STEPS} Adam steps`, async () => {
      const { graph, plan } = compileTrainingPlan(traceModel(c.model as Parameters<typeof traceModel>[0], c.options), { optimizer: { name: 'adam', lr: 0.02 }, recompute: 'experts' }, dev().device.limits);
      const init = initParams(graph, 5);
      randomizeGates(init, 5, 0.3);
      const batch = syntheticFeeds(graph, 5);
      const gpu = await prepareTrainer({ kind: 'webgpu', device: dev() }, plan, init, { seed: 5 });
      const cpu = await prepareTrainer({ kind: 'cpu' }, plan, init, { seed: 5 });
      for (let s = 0; s < STEPS; s++) {
        await gpu.step(batch, s);
        await cpu.step(batch, s);
      }
      const g = await gpu.read();
      const w = await cpu.read();
      const persistent = plan.inputs.filter((i) => i.role !== 'input').map((i) => i.name).sort();
      expect(Object.keys(w).sort()).toEqual(persistent);
      expect(Object.keys(g).sort()).toEqual(persistent);
      const paramNames = persistent.filter((n) => !n.includes(':'));
      for (const p of paramNames) for (const m of ['m', 'v']) expect(persistent, `Adam state of ${p}`).toContain(`opt.${m}:${p}`);
      let moved = 0;
      const worst: string[] = [];
      for (const name of persistent) {
        const a = g[name]!.data;
        const e = w[name]!.data;
        expect(a.length, name).toBe(e.length);
        let ss = 0;
        for (let i = 0; i < e.length; i++) ss += e[i]! * e[i]!;
        const rms = Math.sqrt(ss / Math.max(1, e.length)) || 1e-30;
        let bad = 0;
        let maxErr = 0;
        for (let i = 0; i < e.length; i++) {
          const err = Math.abs(a[i]! - e[i]!) / Math.max(Math.abs(e[i]!), rms);
          maxErr = Math.max(maxErr, err);
          if (!(err <= RTOL)) bad++;
        }
        worst.push(`${name} ${maxErr.toExponential(1)}`);
        expect(bad, `${name}: ${bad} of ${e.length} elements off by more than ${RTOL} (worst ${maxErr})`).toBe(0);
        const i0 = init[name]?.data;
        if (i0 && e.some((v, i) => v !== i0[i])) moved++;
      }
      expect(moved, 'tensors that changed from their initial value').toBeGreaterThan(persistent.length / 2);
      console.log(`${c.name}: worst relative error per tensor: ${worst.join(', ')}`);
      gpu.destroy();
    });
  }
});
