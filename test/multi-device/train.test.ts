/**
 * Expert parallelism, training, CPU backend: 10 Adam steps and 10 factored-Adam steps (the
 * default optimizer) of each example on 1, 2 and 4 simulated devices give the one-device losses
 * and, element by element, the one-device parameters and optimizer state (≤ 1e-4 relative; the same bits on one
 * device for the flat and balanced models) — replicated gradients all-reduced, each device updating
 * its own experts — with random non-zero gate weights; the same N and seed give identical bits;
 * every step the transport carries exactly the bytes the schedule predicts. Factored Adam used to
 * be refused on several devices (it treated an expert bias bank as one matrix mixing experts); it
 * now updates each expert's bias as its own 1×H matrix (passes/optimizer.ts), so it splits exactly.
 */
import { describe, expect, it } from 'vitest';
import { compileMultiDevice } from '../../compiler/multi-device/compile.ts';
import { predictExchangeBytes } from '../../compiler/multi-device/schedule.ts';
import type { TrainingOptions } from '../../compiler/train-pipeline.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareMultiDeviceCpu } from '../../runtime/multi-device/cpu-executor.ts';
import flat from '../../examples/lstm-moe-lm.ts';
import hierarchical from '../../examples/hierarchical-moe-lm.ts';
import balanced from '../../examples/balanced-moe-lm.ts';
import type { Model } from '../../frontend/model.ts';
import { maxRelative, oneDeviceTraining, paramsWithRandomGates } from './helpers.ts';

const ADAM: TrainingOptions = { optimizer: { name: 'adam', lr: 0.01 }, recompute: 'experts' };
const FACTORED: TrainingOptions = { optimizer: { name: 'factored-adam', lr: 0.01 }, recompute: 'experts' };
const STEPS = 10;
const FLAT = { T: 4, B: 8, vocab: 40, width: 16, experts: 8, k: 2, expertHidden: 16 };
const HIER = { T: 4, B: 8, vocab: 40, width: 16, groups: 4, perGroup: 4, k1: 2, k2: 2, expertHidden: 16 };
const MODELS: [string, string, Model, Record<string, unknown>, TrainingOptions][] = [
  ['flat', 'adam', flat as Model, FLAT, ADAM],
  ['hierarchical', 'adam', hierarchical as Model, HIER, ADAM],
  ['balanced', 'adam', balanced as Model, FLAT, ADAM],
  ['flat', 'factored-adam', flat as Model, FLAT, FACTORED],
  ['hierarchical', 'factored-adam', hierarchical as Model, HIER, FACTORED],
  ['balanced', 'factored-adam', balanced as Model, FLAT, FACTORED],
];

describe.each(MODELS)('%s MoE training (%s) on N simulated devices', (name, _optimizer, model, options, opts) => {
  const flat = model;
  // Multi-device programs update group banks (the secondary gating weights) densely: their
  // all-reduced gradients hold every device's groups. The one-device reference does the same.
  const one = oneDeviceTraining(flat, options, { ...opts, sparseGroups: false });
  const params = paramsWithRandomGates(one.graph, 7);
  const names = Object.keys(params);
  const feeds = syntheticFeeds(one.graph, 5);
  one.exe.setParams(params);
  const refLoss: number[] = [];
  for (let s = 0; s < STEPS; s++) refLoss.push(one.exe.run(feeds, { seed: 3, step: s, training: true }, ['loss'])['loss']!.data[0]!);
  const ref = one.exe.read(names);

  const trainN = (devices: number) => {
    const program = compileMultiDevice(flat, options, { devices, training: opts });
    const exe = prepareMultiDeviceCpu(program);
    exe.setParams(params);
    const losses: number[] = [];
    const bytes: number[] = [];
    for (let s = 0; s < STEPS; s++) {
      const before = exe.transport.stats.localBytes + exe.transport.stats.crossDeviceBytes;
      losses.push(exe.run(feeds, { seed: 3, step: s, training: true }, ['loss'])['loss']!.data[0]!);
      bytes.push(exe.transport.stats.localBytes + exe.transport.stats.crossDeviceBytes - before);
    }
    return { losses, params: exe.read(names), bytes, predicted: predictExchangeBytes(program).totalBytes };
  };

  it('trains (the loss moves) and routes non-trivially', () => {
    expect(refLoss[STEPS - 1]!).toBeLessThan(refLoss[0]!);
    expect(Array.from(ref['moe0.w1']!.data)).not.toEqual(Array.from(params['moe0.w1']!.data));
  });

  it.each([1, 2, 4])('%i devices: 10 steps match one device (losses and every parameter ≤ 1e-4 relative)', (devices) => {
    const a = trainN(devices);
    expect(maxRelative(a.losses, refLoss)).toBeLessThanOrEqual(1e-4);
    for (const name of names) {
      expect(a.params[name]!.type.shape, name).toEqual(ref[name]!.type.shape);
      expect(maxRelative(a.params[name]!.data, ref[name]!.data), name).toBeLessThanOrEqual(1e-4);
    }
    // On one device the flat and balanced programs are the one-device program plus trivial exchanges: the same bits
    // (measured 2026-11-30). The hierarchical program's load is rewritten (group sums, a host-side combine) with other
    // roundings, so it is held to 1e-4 only (docs/expert-parallelism.md).
    if (devices === 1 && name !== 'hierarchical') {
      expect(a.losses).toEqual(refLoss);
      for (const n of names) expect(Array.from(a.params[n]!.data), n).toEqual(Array.from(ref[n]!.data));
    }
    expect(a.bytes).toEqual(new Array(STEPS).fill(a.predicted));
    const b = trainN(devices);
    expect(b.losses).toEqual(a.losses);
    for (const name of names) expect(Array.from(b.params[name]!.data), name).toEqual(Array.from(a.params[name]!.data));
  });
});

// After one SGD step every expert bank is the one-device bank bit for bit at 2 and 4 devices (the rows and the
// gradients reaching the experts are per-row values, identical at every N; the replicated parameters' gradients are
// batch sums split over devices and are not compared here). The CPU reference sums each expert's gradients in f64 and
// rounds once, so on this backend the bits do not depend on the order of the expert's rows; webgpu.test.ts has the same
// check where they do (f32 sums: the exchange's global-row order is what makes it hold).
describe.each([
  ['flat', flat as Model, FLAT, ['moe0.w1', 'moe0.b1', 'moe0.w2', 'moe0.b2']],
  ['hierarchical', hierarchical as Model, HIER, ['moe0.w1', 'moe0.b1', 'moe0.w2', 'moe0.b2']],
  ['balanced', balanced as Model, FLAT, ['moe0.w1', 'moe0.b1', 'moe0.w2', 'moe0.b2']],
] as const)('%s: expert weight gradients independent of the device count', (_name, model, options, experts) => {
  const SGD: TrainingOptions = { optimizer: { name: 'sgd', lr: 0.5 }, recompute: 'none' };
  const one = oneDeviceTraining(model, options, SGD);
  const params = paramsWithRandomGates(one.graph, 7);
  const feeds = syntheticFeeds(one.graph, 5);
  one.exe.setParams(params);
  one.exe.run(feeds, { seed: 3, step: 0, training: true }, ['loss']);
  const ref = one.exe.read([...experts]);
  it.each([2, 4])('%i devices: one SGD step gives the one-device expert banks bit for bit', (devices) => {
    const exe = prepareMultiDeviceCpu(compileMultiDevice(model, options, { devices, training: SGD }));
    exe.setParams(params);
    exe.run(feeds, { seed: 3, step: 0, training: true }, ['loss']);
    const got = exe.read([...experts]);
    for (const name of experts) {
      expect(Array.from(ref[name]!.data), name).not.toEqual(Array.from(params[name]!.data));
      expect(Array.from(got[name]!.data), name).toEqual(Array.from(ref[name]!.data));
    }
  });
});
