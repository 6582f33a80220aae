/**
 * Expert banks larger than one storage binding train on several devices (compiler/multi-device/
 * bank-fit.ts, `compileForAutoDevices`): with a forced tiny binding limit a small flat model's banks
 * (moe0.w1 and moe0.w2, [8, 16, 16] = 8 KiB each) need 2 or 4 devices, the planner picks that
 * count, and 10 factored-Adam steps of the split model give the one-device (unsplit) losses and
 * every parameter and optimizer-state element within 1e-4 relative — on the CPU backend, and on
 * WebGPU (lavapipe, N GPUDevices against the one-device WebGPU plan) where an adapter exists. The
 * one-device reference is the ordinary training pipeline and executor (no partition, no exchanges),
 * with random non-zero gate weights so rows reach every device's experts (asserted). When no split
 * fits, the refusal names the layer, the bank, its bytes, the limit and the fix; the one-device
 * lowering's refusal names the `--devices` that fits.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { bankDevices, bankSlices } from '../../compiler/multi-device/bank-fit.ts';
import { compileForAutoDevices, compileForDevices } from '../../compiler/multi-device/capacity.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { splitAdvice } from '../../compiler/lower/bank-advice.ts';
import { compileTraining, compileTrainingPlan, type TrainingOptions } from '../../compiler/train-pipeline.ts';
import { traceModel, type Model } from '../../frontend/model.ts';
import type { Tensor } from '../../ir/tensor.ts';
import type { DeviceContext } from '../../runtime/device.ts';
import { prepareMultiDeviceCpu } from '../../runtime/multi-device/cpu-executor.ts';
import { acquireMoreDevices, prepareMultiDeviceWebGpu } from '../../runtime/multi-device/webgpu-executor.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareWebGpuPlan } from '../../runtime/webgpu-executor.ts';
import flatModel from '../../examples/lstm-moe-lm.ts';
import { describeGpu, gpu } from '../backend/gpu.ts';
import { maxRelative, oneDeviceTraining, paramsWithRandomGates } from './helpers.ts';

const flat = flatModel as Model;
const OPTIONS = { T: 4, B: 8, vocab: 40, width: 16, experts: 8, k: 2, expertHidden: 16 };
const TRAIN: TrainingOptions = { optimizer: { name: 'factored-adam', lr: 0.01 }, recompute: 'experts' };
const STEPS = 10;
const BANK = 8 * 16 * 16 * 4; // moe0.w1 and moe0.w2: 8192 bytes
const ROOMY = 1 << 30; // a per-device memory budget that never binds here
const auto = (maxBindingBytes: number) => compileForAutoDevices(flat, OPTIONS, { maxBindingBytes, deviceMemory: ROOMY }, TRAIN);

/** Experts 0..7 are split over the devices in contiguous ranges: the range of every device must have been updated. */
function everyShardTrained(before: Tensor, after: Tensor, devices: number): void {
  const per = before.data.length / devices;
  for (let d = 0; d < devices; d++) {
    const a = Array.from(before.data.subarray(d * per, (d + 1) * per));
    expect(Array.from(after.data.subarray(d * per, (d + 1) * per)), `experts of device ${d} got rows`).not.toEqual(a);
  }
}

describe('expert banks past one storage binding: the device count', () => {
  it('picks the smallest power of two whose bank slices fit the binding', () => {
    expect(auto(BANK).devices).toBe(1);
    expect(auto(BANK - 4).devices).toBe(2);
    expect(auto(BANK / 2).devices).toBe(2);
    expect(auto(BANK / 4).devices).toBe(4);
    const p = auto(BANK / 4);
    const slices = bankSlices(p);
    expect(slices.map((s) => s.name)).toEqual(expect.arrayContaining(['moe0.w1', 'moe0.w2']));
    expect(slices[0]!.sliceBytes).toBe(BANK / 4);
    expect(bankDevices(slices, BANK / 8, 8)).toBe(8);
    expect(bankDevices(slices, BANK / 8, 4)).toBeNull(); // the batch has no factor 8
  });

  it('refuses, naming the layer, the bank, its bytes, the limit and the fix, when no split fits', () => {
    // One expert's w1 is 1024 bytes: no device count fits a 1000-byte binding.
    expect(() => auto(1000)).toThrow(
      /^layer moe0: expert bank moe0\.w[12] \[8, 16, 16\] takes 8\.00 KiB \(8192 bytes\) on one device, more than one storage binding \(1000 bytes, the given maximum binding size\): training binds each expert bank, its gradient and its optimizer state whole; no power-of-two device count dividing the 8 experts and the batch B = 8 brings it under 1000 bytes: use fewer or smaller experts/,
    );
    // An explicit device count that is too small says which one fits.
    expect(() => compileForDevices(flat, OPTIONS, { devices: 1, maxBindingBytes: BANK / 4, deviceMemory: ROOMY }, TRAIN)).toThrow(
      /^layer moe0: expert bank moe0\.w[12] \[8, 16, 16\] takes 8\.00 KiB \(8192 bytes\) on one device, more than one storage binding \(2\.00 KiB, the given maximum binding size\): .*; split the experts over devices with --devices 4 \(2\.00 KiB per device\)$/,
    );
    expect(() => compileForDevices(flat, OPTIONS, { devices: 4, maxBindingBytes: BANK / 4, deviceMemory: ROOMY }, TRAIN)).not.toThrow();
  });

  it('the one-device lowering refusal names the --devices that fits', () => {
    expect(splitAdvice(BANK, 8, BANK / 4)).toBe('split the experts over devices with --devices 4 (2.00 KiB per device; the batch B must be a multiple of 4)');
    expect(splitAdvice(BANK, 8, 1000)).toBe('use fewer or smaller experts');
    expect(() => compileTrainingPlan(traceModel(flat, OPTIONS), TRAIN, { maxStorageBufferBindingSize: BANK / 2 })).toThrow(
      /layer moe0.*\(8192 bytes\) exceeds one storage binding \(4096\).*split the experts over devices with --devices 2/,
    );
  });
});

describe.each([2, 4])('CPU backend: banks split over %i devices train as one device', (devices) => {
  it(`10 factored-Adam steps give the one-device losses, parameters and optimizer state (≤ 1e-4 relative)`, () => {
    const one = oneDeviceTraining(flat, OPTIONS, TRAIN);
    const params = paramsWithRandomGates(one.graph, 7);
    const names = Object.keys(params);
    const feeds = syntheticFeeds(one.graph, 5);
    one.exe.setParams(params);
    const refLoss: number[] = [];
    for (let s = 0; s < STEPS; s++) refLoss.push(one.exe.run(feeds, { seed: 3, step: s, training: true }, ['loss'])['loss']!.data[0]!);
    const ref = one.exe.read(names);
    expect(refLoss[STEPS - 1]!).toBeLessThan(refLoss[0]!);

    const program = auto(BANK / devices);
    expect(program.devices).toBe(devices);
    const exe = prepareMultiDeviceCpu(program);
    exe.setParams(params);
    const losses: number[] = [];
    for (let s = 0; s < STEPS; s++) losses.push(exe.run(feeds, { seed: 3, step: s, training: true }, ['loss'])['loss']!.data[0]!);
    const got = exe.read(names);
    expect(maxRelative(losses, refLoss)).toBeLessThanOrEqual(1e-4);
    for (const name of names) {
      expect(got[name]!.type.shape, name).toEqual(ref[name]!.type.shape);
      expect(maxRelative(got[name]!.data, ref[name]!.data), name).toBeLessThanOrEqual(1e-4);
    }
    everyShardTrained(params['moe0.w1']!, got['moe0.w1']!, devices);
  });
});

let extra: DeviceContext[] = [];
afterAll(() => {
  for (const d of extra) d.device.destroy();
});

describeGpu('WebGPU: banks split over GPUDevices train as one device', () => {
  it.each([2, 4])('%i devices: 10 factored-Adam steps give the one-device WebGPU losses and parameters (≤ 1e-4 relative)', async (devices) => {
    const graph = compileTraining(traceModel(flat, OPTIONS), TRAIN).graph;
    const params = paramsWithRandomGates(graph, 7);
    const names = Object.keys(params);
    const feeds = syntheticFeeds(graph, 5);
    const one = await prepareWebGpuPlan(gpu!, lowerToWebGpu(graph, gpu!.device.limits));
    one.setParams(params);
    const refLoss: number[] = [];
    for (let s = 0; s < STEPS; s++) refLoss.push((await one.run(feeds, { seed: 3, step: s, training: true }, ['loss']))['loss']!.data[0]!);
    const ref = await one.read(names);
    one.destroy();

    const program = auto(BANK / devices);
    expect(program.devices).toBe(devices);
    if (extra.length < devices - 1) extra = [...extra, ...(await acquireMoreDevices(gpu!, devices - 1 - extra.length))];
    const exe = await prepareMultiDeviceWebGpu(program, [gpu!, ...extra.slice(0, devices - 1)]);
    try {
      exe.setParams(params);
      const losses: number[] = [];
      for (let s = 0; s < STEPS; s++) losses.push((await exe.run(feeds, { seed: 3, step: s, training: true }, ['loss']))['loss']!.data[0]!);
      expect(maxRelative(losses, refLoss)).toBeLessThanOrEqual(1e-4);
      const got = await exe.read(names);
      for (const name of names) expect(maxRelative(got[name]!.data, ref[name]!.data), name).toBeLessThanOrEqual(1e-4);
      everyShardTrained(params['moe0.w1']!, got['moe0.w1']!, devices);
    } finally {
      exe.destroy();
    }
  });
});
