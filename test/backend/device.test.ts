/**
 * Device acquisition and error surfacing: the device carries the adapter's real limits, WGSL
 * compile errors and binding/validation errors are thrown naming the kernel, the pipeline cache
 * compiles one pipeline per distinct WGSL source, and Dawn's instance is created once per process.
 */
import { expect, it } from 'vitest';
import type { Kernel } from '../../compiler/wgsl/kernel.ts';
import { combineKernel } from '../../compiler/wgsl/combine.ts';
import { getPipeline } from '../../runtime/gpu/pipelines.ts';
import { acquireDevice, releaseDevice } from '../../runtime/device.ts';
import { cache, describeGpu, dev, out, run, up } from './gpu.ts';

describeGpu('device and error surfacing', () => {
  it('requests the adapter limits', () => {
    const c = dev();
    expect(c.device.limits.maxStorageBufferBindingSize).toBe(c.adapter.limits.maxStorageBufferBindingSize);
    expect(c.device.limits.maxComputeWorkgroupStorageSize).toBe(c.adapter.limits.maxComputeWorkgroupStorageSize);
    expect(c.device.limits.maxStorageBuffersPerShaderStage).toBe(c.adapter.limits.maxStorageBuffersPerShaderStage);
    expect(c.info.limits.maxBufferSize).toBeGreaterThan(0);
  });

  it('creates Dawn\'s instance once per process: a second device comes from the same GPU object', async () => {
    const a = await acquireDevice();
    const b = await acquireDevice();
    try {
      expect(a!.gpu).toBe(dev().gpu);
      expect(b!.gpu).toBe(a!.gpu);
      expect(b!.device).not.toBe(a!.device); // each owner still gets (and releases) its own device
    } finally {
      releaseDevice(a!);
      releaseDevice(b!);
    }
  });

  it('throws WGSL compile errors with the kernel name', async () => {
    const bad: Kernel = {
      name: 'broken_kernel',
      wgsl: '@compute @workgroup_size(1) fn main() { let x: u32 = 1.5; }',
      bindings: [],
      workgroupSize: [1, 1, 1],
      dispatch: [1, 1, 1],
      cacheKey: 'broken',
    };
    await expect(run([{ kernel: bad, buffers: {} }])).rejects.toThrow(/broken_kernel/);
  });

  it('throws binding errors with the kernel name and caches pipelines by source', async () => {
    const k = combineKernel({ N: 2, k: 1, Dout: 3 });
    await expect(run([{ kernel: k, buffers: { y: out(6), position: up(new Int32Array(2)), gates: out(2) } }])).rejects.toThrow(/combine.*'out'/);
    const before = cache!.compiled;
    await getPipeline(cache!, combineKernel({ N: 5, k: 2, Dout: 7 }));
    expect(cache!.compiled).toBe(before); // same WGSL, other shape: no new pipeline
  });
});
