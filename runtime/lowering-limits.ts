/**
 * What the compiler's lowering may assume of one WebGPU device (`LoweringLimits`), read from the
 * device: its storage-binding and buffer limits and whether it was created with the `subgroups`
 * feature (then untuned GEMMs may use the subgroup matmul kernel, `defaultMatmulTiling`). The
 * compiler knows no device; every path that lowers a plan for a real device asks this, so they
 * all make the same untuned kernel choices.
 */
import type { LoweringLimits } from '../compiler/lower/context.ts';
import type { DeviceContext } from './device-context.ts';

/** The lowering limits of `dev` (no tuning: callers add the adapter's `KernelTuning` where they use one). */
export function deviceLoweringLimits(dev: DeviceContext): LoweringLimits {
  const l = dev.device.limits;
  return { maxStorageBufferBindingSize: l.maxStorageBufferBindingSize, maxBufferSize: l.maxBufferSize, subgroups: dev.device.features.has('subgroups') };
}
