/**
 * Expert parallelism, forward pass, CPU backend: the flat example compiled for 1, 2 and 4 devices
 * (partition pass + exchange ops, run by the N-device CPU executor) gives the one-device loss,
 * task loss, per-expert importance and load, CV² values and carried LSTM state (≤ 1e-5 relative),
 * with random non-zero gate weights and routing checked to be non-trivial; the same device count
 * and seed give identical bits twice; and the bytes the transport carried equal the schedule's
 * prediction.
 */
import { describe, expect, it } from 'vitest';
import { compileMultiDevice } from '../../compiler/multi-device/compile.ts';
import { predictExchangeBytes } from '../../compiler/multi-device/schedule.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareMultiDeviceCpu } from '../../runtime/multi-device/cpu-executor.ts';
import flat from '../../examples/lstm-moe-lm.ts';
import hierarchical from '../../examples/hierarchical-moe-lm.ts';
import balanced from '../../examples/balanced-moe-lm.ts';
import type { Model } from '../../frontend/model.ts';
import { maxRelative, oneDeviceForward, paramsWithRandomGates } from './helpers.ts';

const ctx = { seed: 3, step: 2, training: true };
const MODELS: [string, Model, Record<string, unknown>][] = [
  ['flat', flat as Model, { T: 4, B: 8, vocab: 40, width: 16, experts: 8, k: 2, expertHidden: 16 }],
  ['hierarchical', hierarchical as Model, { T: 4, B: 8, vocab: 40, width: 16, groups: 4, perGroup: 4, k1: 2, k2: 2, expertHidden: 16 }],
  ['balanced', balanced as Model, { T: 4, B: 8, vocab: 40, width: 16, experts: 8, k: 2, expertHidden: 16 }],
];

it('hierarchical: refuses a device count that would split a group of experts', () => {
  expect(() => compileMultiDevice(hierarchical as Model, { ...MODELS[1]![2], groups: 2, perGroup: 8 }, { devices: 4 })).toThrow(
    /2 groups cannot be split over 4 devices as whole groups .*use a device count that divides 2/,
  );
});

// The example models at their own default sizes (flat: T 8, B 32, 16 experts, vocab 1000), on 4 devices.
describe.each(MODELS)('%s example at its default sizes on 4 simulated devices', (_name, model) => {
  it('matches one device (≤ 1e-5 relative) with random non-zero gates', () => {
    const one = oneDeviceForward(model, {});
    const params = paramsWithRandomGates(one.graph, 11);
    const feeds = syntheticFeeds(one.graph, 13);
    one.exe.setParams(params);
    const ref = one.exe.run(feeds, ctx);
    expect(ref['moe0.cvImportance']!.data[0]).toBeGreaterThan(0);
    const exe = prepareMultiDeviceCpu(compileMultiDevice(model, {}, { devices: 4 }));
    exe.setParams(params);
    const got = exe.run(feeds, ctx);
    for (const name of Object.keys(ref)) expect(maxRelative(got[name]!.data, ref[name]!.data), name).toBeLessThanOrEqual(1e-5);
  });
});

describe.each(MODELS)('%s MoE forward on N simulated devices', (_name, model, options) => {
  const flat = model;
  const one = oneDeviceForward(flat, options);
  const params = paramsWithRandomGates(one.graph, 7);
  const feeds = syntheticFeeds(one.graph, 5);
  one.exe.setParams(params);
  const ref = one.exe.run(feeds, ctx);

  it('routes non-trivially (the comparison is not vacuous)', () => {
    const load = Array.from(ref['moe0.load']!.data);
    expect(load.filter((x) => x > 0.5).length).toBeGreaterThan(4);
    expect(ref['moe0.cvImportance']!.data[0]).toBeGreaterThan(0);
  });

  it.each([1, 2, 4])('%i devices match one device (≤ 1e-5 relative)', (devices) => {
    const program = compileMultiDevice(flat, options, { devices });
    const exe = prepareMultiDeviceCpu(program);
    exe.setParams(params);
    const got = exe.run(feeds, ctx);
    for (const name of Object.keys(ref)) {
      expect(got[name], name).toBeDefined();
      expect(got[name]!.type.shape, name).toEqual(ref[name]!.type.shape);
      expect(maxRelative(got[name]!.data, ref[name]!.data), name).toBeLessThanOrEqual(1e-5);
    }
    // Same N and seed: identical bits.
    const again = exe.run(feeds, ctx);
    for (const name of Object.keys(got)) expect(Array.from(again[name]!.data), name).toEqual(Array.from(got[name]!.data));
    // Bytes: the transport carried exactly what the schedule predicts for one forward pass (twice now).
    const predicted = predictExchangeBytes(program);
    expect(exe.transport.stats.localBytes + exe.transport.stats.crossDeviceBytes).toBe(2 * predicted.totalBytes);
  });
});
