/**
 * Expert parallelism on WebGPU (lavapipe): N GPUDevices (one per adapter of the same GPU instance)
 * run the device programs — their ordinary kernels, the sharded random draws compiled with each
 * device's row map — with the collectives on the host through the transport. On 1, 2 and 4 devices
 * the example models give the one-device WebGPU forward loss, loads and outputs (≤ 1e-5 relative)
 * with random non-zero gate weights, identical bits run to run, and the schedule's bytes; 10 Adam
 * and 10 factored-Adam steps (the default optimizer) of each model match one-device WebGPU training
 * (losses ≤ 1e-4; every parameter the one-device bits for the flat and balanced models, ≤ 1e-4 for the hierarchical
 * one, see `tolFor`), and one SGD step gives the one-device expert banks bit for bit;
 * submitting the dispatches independent of a host step before it runs (the overlap) gives the bits of strict plan
 * order. Skipped without an
 * adapter (CI=true makes a missing adapter fail, as the other backend suites).
 */
import { afterAll, expect, it } from 'vitest';
import { compileMultiDevice } from '../../compiler/multi-device/compile.ts';
import { predictExchangeBytes } from '../../compiler/multi-device/schedule.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { compileGraph } from '../../compiler/pipeline.ts';
import { compileTraining, type TrainingOptions } from '../../compiler/train-pipeline.ts';
import { traceModel, type Model } from '../../frontend/model.ts';
import type { DeviceContext } from '../../runtime/device.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareWebGpuPlan } from '../../runtime/webgpu-executor.ts';
import { acquireMoreDevices, prepareMultiDeviceWebGpu } from '../../runtime/multi-device/webgpu-executor.ts';
import flat from '../../examples/lstm-moe-lm.ts';
import hierarchical from '../../examples/hierarchical-moe-lm.ts';
import balanced from '../../examples/balanced-moe-lm.ts';
import { describeGpu, gpu } from '../backend/gpu.ts';
import { maxRelative, paramsWithRandomGates } from './helpers.ts';

const ctx = { seed: 3, step: 2, training: true };
const MODELS: [string, Model, Record<string, unknown>][] = [
  ['flat', flat as Model, { T: 4, B: 8, vocab: 40, width: 16, experts: 8, k: 2, expertHidden: 16 }],
  ['hierarchical', hierarchical as Model, { T: 4, B: 8, vocab: 40, width: 16, groups: 4, perGroup: 4, k1: 2, k2: 2, expertHidden: 16 }],
  ['balanced', balanced as Model, { T: 4, B: 8, vocab: 40, width: 16, experts: 8, k: 2, expertHidden: 16 }],
];

let extra: DeviceContext[] = [];
const devicesFor = async (n: number): Promise<DeviceContext[]> => {
  if (extra.length < n - 1) extra = [...extra, ...(await acquireMoreDevices(gpu!, n - 1 - extra.length))];
  return [gpu!, ...extra.slice(0, n - 1)];
};
afterAll(() => {
  for (const d of extra) d.device.destroy();
});

describeGpu('expert parallelism on WebGPU devices', () => {
  it.each(MODELS.flatMap(([name, model, options]) => [1, 2, 4].map((n) => [name, n, model, options] as const)))('%s forward on %i devices matches one device', async (_name, devices, model, options) => {
    const graph = compileGraph(traceModel(model, options)).graph;
    const params = paramsWithRandomGates(graph, 7);
    const feeds = syntheticFeeds(graph, 5);
    const one = await prepareWebGpuPlan(gpu!, lowerToWebGpu(graph, gpu!.device.limits));
    one.setParams(params);
    const ref = await one.run(feeds, ctx);
    one.destroy();
    expect(Array.from(ref['moe0.importance']!.data).filter((x) => x > 0.05).length).toBeGreaterThan(4);
    const program = compileMultiDevice(model, options, { devices });
    const exe = await prepareMultiDeviceWebGpu(program, await devicesFor(devices));
    try {
      exe.setParams(params);
      const got = await exe.run(feeds, ctx);
      for (const name of Object.keys(ref)) expect(maxRelative(got[name]!.data, ref[name]!.data), name).toBeLessThanOrEqual(1e-5);
      const again = await exe.run(feeds, ctx);
      for (const name of Object.keys(got)) expect(Array.from(again[name]!.data), name).toEqual(Array.from(got[name]!.data));
      expect(exe.transport.stats.localBytes + exe.transport.stats.crossDeviceBytes).toBe(2 * predictExchangeBytes(program).totalBytes);
    } finally {
      exe.destroy();
    }
  });

  // Both optimizers (factored Adam splits exactly since each expert's bias is its own 1×H matrix) and both expert
  // backward paths: 'none' (split expertHidden/expertOutput grads) and 'experts' (the fused tile-by-tile
  // expertFfnGrad). Each expert's rows arrive in global-row order and the device pipeline is the one-device one, so
  // the expert gradients are the one-device bits (the SGD test below); every batch sum of a replicated parameter's
  // gradient (LSTM, gating and logits weight/bias gradients, the embedding scatter) and the importance / load sums are
  // computed over the canonical batch chunks (compiler/wgsl/reduce-chunks.ts: fixed column chunks of the whole batch,
  // a pairwise tree whose top levels are the all-reduce), so one device and N devices add the same numbers in the same
  // order. Until 2026-11-30 those sums were split per device and all-reduced in device order, and two balanced cases on
  // 2 devices were held to 2e-4 (1.02e-4 Adam, lstm1.wh; 1.25e-4 factored Adam, moe0.w2).
  const POLICIES = ['none', 'experts'] as const;
  // The parameters after 10 steps: flat and balanced give the one-device bits at 1, 2 and 4 devices (0 = the same
  // bits; measured 2026-11-30). Until then flat under 'experts' on 2 and 4 devices differed from the second step on
  // (≤ 1.7e-5): the device program chose its expert kernels (row tile, GEMV form, small-row weight gradient) for its
  // receive buffer of N·S slots over n/N experts, other kernels than one device; they now plan with S/N
  // (compiler/lower/expert-tiles.ts planSlots). The hierarchical MoE keeps 1e-4: its load is rewritten as group sums
  // and a host-side combine whose arithmetic differs from the one-device kernel's, and its secondary gating runs once
  // per timestep block on a device (docs/expert-parallelism.md), so it differs even at N = 1. The losses are held to
  // 1e-4 and to the same bits on one device (the task loss's mean is scaled and all-reduced per device, a reported
  // value that no gradient reads).
  const tolFor = (model: string, _optimizer: string, _policy: string, _devices: number): number => (model === 'hierarchical' ? 1e-4 : 0);
  const OPTIMIZERS = [{ name: 'adam', lr: 0.01 }, { name: 'factored-adam', lr: 0.01 }] as const;
  const training = MODELS.flatMap(([name, model, options]) => OPTIMIZERS.flatMap((optimizer) => POLICIES.map((policy) => [name, optimizer.name, policy, model, options, { optimizer, recompute: policy } as TrainingOptions] as const)));
  it.each(training.flatMap(([name, optimizer, policy, model, options, opts]) => [1, 2, 4].map((n) => [name, optimizer, n, policy, tolFor(name, optimizer, policy, n), model, options, opts] as const)))('%s (%s): 10 training steps on %i devices match one device (recompute %s, ≤ %d; 0: the same bits)', async (_name, _optimizer, devices, _policy, tol, model, options, opts) => {
    // Multi-device programs update group banks (the secondary gating weights) densely (their
    // all-reduced gradients hold every device's groups); the one-device reference does the same.
    const graph = compileTraining(traceModel(model, options), { ...opts, sparseGroups: false }).graph;
    const params = paramsWithRandomGates(graph, 7);
    const names = Object.keys(params);
    const feeds = syntheticFeeds(graph, 5);
    const one = await prepareWebGpuPlan(gpu!, lowerToWebGpu(graph, gpu!.device.limits));
    one.setParams(params);
    const refLoss: number[] = [];
    for (let s = 0; s < 10; s++) refLoss.push((await one.run(feeds, { seed: 3, step: s, training: true }, ['loss']))['loss']!.data[0]!);
    const ref = await one.read(names);
    one.destroy();
    const exe = await prepareMultiDeviceWebGpu(compileMultiDevice(model, options, { devices, training: opts }), await devicesFor(devices));
    try {
      exe.setParams(params);
      const losses: number[] = [];
      for (let s = 0; s < 10; s++) losses.push((await exe.run(feeds, { seed: 3, step: s, training: true }, ['loss']))['loss']!.data[0]!);
      expect(maxRelative(losses, refLoss)).toBeLessThanOrEqual(1e-4);
      const got = await exe.read(names);
      if (tol === 0 && devices === 1) expect(losses).toEqual(refLoss);
      if (tol === 0) for (const name of names) expect(Array.from(got[name]!.data), name).toEqual(Array.from(ref[name]!.data));
      for (const name of names) expect(maxRelative(got[name]!.data, ref[name]!.data), name).toBeLessThanOrEqual(tol);
    } finally {
      exe.destroy();
    }
  });
  // Overlap (dispatches independent of a host step submitted before it runs) reorders work across host steps only
  // where the byte ranges allow it, so it must give the bits of strict plan order: three training steps (forward,
  // backward, exchanges, Adam) with overlap on and off on the same devices, every output and parameter bit for bit.
  it.each(MODELS.flatMap(([name, model, options]) => [2, 4].map((n) => [name, n, model, options] as const)))('%s on %i devices: overlapped submission gives the bits of plan order', async (_name, devices, model, options) => {
    const opts: TrainingOptions = { optimizer: { name: 'adam', lr: 0.01 }, recompute: 'experts' };
    const program = compileMultiDevice(model, options, { devices, training: opts });
    const graph = compileTraining(traceModel(model, options), { ...opts, sparseGroups: false }).graph;
    const params = paramsWithRandomGates(graph, 7);
    const names = Object.keys(params);
    const feeds = syntheticFeeds(graph, 5);
    const devs = await devicesFor(devices);
    const [ahead, inOrder] = [await prepareMultiDeviceWebGpu(program, devs), await prepareMultiDeviceWebGpu(program, devs, undefined, { overlap: false })];
    try {
      expect(ahead.timing.rounds!.earlyDispatches, 'dispatches submitted ahead of their host step').toBeGreaterThan(0);
      expect(inOrder.timing.rounds!.earlyDispatches).toBe(0);
      ahead.setParams(params);
      inOrder.setParams(params);
      for (let s = 0; s < 3; s++) {
        const a = await ahead.run(feeds, { seed: 3, step: s, training: true });
        const b = await inOrder.run(feeds, { seed: 3, step: s, training: true });
        for (const name of Object.keys(b)) expect(Array.from(a[name]!.data), `${name}, step ${s}`).toEqual(Array.from(b[name]!.data));
      }
      const [pa, pb] = [await ahead.read(names), await inOrder.read(names)];
      for (const name of names) expect(Array.from(pa[name]!.data), name).toEqual(Array.from(pb[name]!.data));
    } finally {
      ahead.destroy();
      inOrder.destroy();
    }
  });

  /**
   * One training step of `name` under `opts` on one device and on 2 and 4 devices (random gate weights, the same
   * batch and seed): every listed bank must have changed and equal the one-device bank bit for bit; `check` adds
   * assertions on each multi-device executable.
   */
  const oneStepBanksMatch = async (name: string, opts: TrainingOptions, sparseGroups: boolean | undefined, banks: readonly string[], check?: (exe: Awaited<ReturnType<typeof prepareMultiDeviceWebGpu>>) => void) => {
    const [, model, options] = MODELS.find(([n]) => n === name)!;
    const graph = compileTraining(traceModel(model, options), sparseGroups === undefined ? opts : { ...opts, sparseGroups }).graph;
    const params = paramsWithRandomGates(graph, 7);
    const feeds = syntheticFeeds(graph, 5);
    const one = await prepareWebGpuPlan(gpu!, lowerToWebGpu(graph, gpu!.device.limits));
    one.setParams(params);
    await one.run(feeds, { seed: 3, step: 0, training: true }, ['loss']);
    const ref = await one.read(banks);
    one.destroy();
    for (const devices of [2, 4]) {
      const exe = await prepareMultiDeviceWebGpu(compileMultiDevice(model, options, { devices, training: opts }), await devicesFor(devices));
      try {
        exe.setParams(params);
        await exe.run(feeds, { seed: 3, step: 0, training: true }, ['loss']);
        const got = await exe.read(banks);
        check?.(exe);
        for (const b of banks) {
          expect(Array.from(ref[b]!.data), b).not.toEqual(Array.from(params[b]!.data));
          expect(Array.from(got[b]!.data), `${b} on ${devices} devices`).toEqual(Array.from(ref[b]!.data));
        }
      } finally {
        exe.destroy();
      }
    }
  };

  // Factored Adam's per-expert statistics and clipping (compiler/wgsl/factored-adam-tiles.ts) are sums whose order depends
  // on the expert matrix's shape only, never on how many experts a device holds or which slot of the active list an expert
  // takes: given the one-device expert gradients (above), one factored-Adam step gives the one-device expert banks AND
  // their optimizer state bit for bit. (An earlier version switched the clipping sum's order with the bank size.)
  it.each([['flat', 'experts'], ['hierarchical', 'experts'], ['hierarchical', 'none'], ['balanced', 'none']] as const)('%s (recompute %s): one factored-Adam step gives the one-device expert banks and state bit for bit on 2 and 4 devices', async (name, policy) => {
    const banks = ['moe0.w1', 'moe0.b1', 'moe0.w2', 'moe0.b2'].flatMap((b) => [b, `opt.vr:${b}`, `opt.vc:${b}`, `opt.last:${b}`]);
    await oneStepBanksMatch(name, { optimizer: { name: 'factored-adam', lr: 0.05 }, recompute: policy }, false, banks);
  });
  // The expert exchange orders each expert's rows by GLOBAL row (row block, source device, slot), the one-device
  // dispatch order, so the f32 sums over an expert's rows (its weight and bias gradients) run in the same order at
  // every device count: after one SGD step (a large rate, so the parameters show the gradients' last bits) every
  // expert bank is the one-device bank bit for bit, on both expert backward paths. Measured before the ordering (rows
  // grouped by source device): 106–231 elements of moe0.w1 differed from one device.
  it.each([['flat', 'none'], ['flat', 'experts'], ['hierarchical', 'none'], ['balanced', 'experts']] as const)('%s (recompute %s): one SGD step gives the one-device expert banks bit for bit on 2 and 4 devices', async (name, policy) => {
    await oneStepBanksMatch(name, { optimizer: { name: 'sgd', lr: 1e4 }, recompute: policy }, undefined, ['moe0.w1', 'moe0.b1', 'moe0.w2', 'moe0.b2'], (exe) => {
      // The replicated gradients' all-reduces (each followed by its parameter's update) run in fewer round trips.
      expect(exe.timing.rounds!.groups, 'host round trips').toBeLessThan(exe.timing.rounds!.hostSteps);
    });
  });
});
