/**
 * Shared setup of the WebGPU kernel tests: acquires one device per test file (Vulkan/lavapipe,
 * else GL ES, else none) and a pipeline cache, exposes `describeGpu` which skips when there is no
 * adapter — except when CI is truthy (test/env.ts: true/1/yes/on), where a missing adapter fails
 * the suite by throwing here — and
 * small helpers: seeded random arrays, upload/readback shorthands and a tolerance check relative to
 * the magnitude of the expected values.
 */
import { describe, expect } from 'vitest';
import { acquireDevice, type DeviceContext } from '../../runtime/device.ts';
import { createPipelineCache, type PipelineCache } from '../../runtime/gpu/pipelines.ts';
import { runKernels, type KernelStep } from '../../runtime/gpu/run.ts';
import { createBuffer, uploadBuffer, type HostArray } from '../../runtime/gpu/buffers.ts';
import { hardwareRequired } from '../env.ts';

/** The device of this test file, or null when no adapter exists (never null when CI is truthy). */
export const gpu: DeviceContext | null = await acquireDevice();
if (!gpu && hardwareRequired()) {
  throw new Error(`CI=${process.env.CI} but no WebGPU adapter was found (Vulkan and GL ES both failed): backend tests cannot be skipped in CI; run scripts/setup.sh or unset CI`);
}

/** Pipeline cache of this test file's device. */
export const cache: PipelineCache | null = gpu ? createPipelineCache(gpu) : null;

/** `describe` that skips when no adapter was found. */
export const describeGpu = describe.skipIf(!gpu);

/** The device (only call inside `describeGpu`). */
export function dev(): DeviceContext {
  if (!gpu) throw new Error('no GPU device');
  return gpu;
}

/** Runs steps as one command buffer on this file's device. */
export function run(steps: readonly KernelStep[]): Promise<void> {
  if (!cache) throw new Error('no GPU device');
  return runKernels(cache, steps);
}

/** Uploads a typed array. */
export function up(data: HostArray): GPUBuffer {
  return uploadBuffer(dev(), data);
}

/** A zeroed storage buffer of `count` 32-bit elements. */
export function out(count: number): GPUBuffer {
  return createBuffer(dev(), count * 4);
}

/** Deterministic PRNG (mulberry32) for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Float32Array of `n` uniform values in [lo, hi). */
export function randArray(r: () => number, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}

/**
 * Asserts |actual − expected| ≤ rtol·max(|expected|, rms(expected)) elementwise (the rms floor
 * keeps sums that cancel to near zero from demanding more than f32 accumulation can give).
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-4, what = 'value'): void {
  expect(actual.length).toBe(expected.length);
  let ss = 0;
  for (let i = 0; i < expected.length; i++) ss += expected[i]! * expected[i]!;
  const rms = Math.sqrt(ss / Math.max(1, expected.length)) || 1e-30;
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const err = Math.abs(actual[i]! - e) / Math.max(Math.abs(e), rms);
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  if (!(worst <= rtol)) {
    throw new Error(`${what}: relative error ${worst} > ${rtol} at ${at}: got ${actual[at]}, want ${expected[at]}`);
  }
}
