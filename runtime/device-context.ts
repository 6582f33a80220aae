/// <reference types="@webgpu/types" preserve="true" />
/**
 * The WebGPU device context every executor works with, independent of where the adapter came
 * from: Dawn in Node (runtime/device.ts) or a browser's `navigator.gpu` (runtime/browser-device.ts).
 * `deviceFromAdapter` requests a device with the adapter's real limits (the WebGPU defaults are far
 * smaller: 128 MiB storage bindings matter for expert banks) and the optional features moec uses,
 * and records uncaptured errors and loss on the context; `throwIfDeviceError` rethrows them (the
 * kernel runner calls it, and uses error scopes to name the failing kernel), so validation errors
 * are never silently swallowed. This file imports nothing from Node: the browser bundle uses it.
 */

/** Where the adapter came from: Dawn's Vulkan or GL ES backend, or a browser's `navigator.gpu`. */
export type BackendPreference = 'vulkan' | 'opengles';
/** Backend label recorded on a context. */
export type DeviceBackend = BackendPreference | 'browser';

/** What the device is and what it can do. */
export interface DeviceInfo {
  readonly backend: DeviceBackend;
  readonly description: string;
  readonly features: readonly string[];
  readonly limits: Readonly<Record<string, number>>;
}

/** A live WebGPU device plus everything that must stay alive with it. */
export interface DeviceContext {
  /** The `GPU` object the adapter came from; must stay referenced for the life of the device (Dawn). */
  readonly gpu: GPU;
  readonly adapter: GPUAdapter;
  readonly device: GPUDevice;
  readonly info: DeviceInfo;
  /** Uncaptured errors reported by the device since the last `throwIfDeviceError`. */
  readonly errors: string[];
  /** Set when the device is lost. */
  lost: string | null;
}

/** Limits copied from the adapter into the device request (only those the adapter reports). */
const LIMIT_NAMES = [
  'maxStorageBufferBindingSize',
  'maxUniformBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxStorageBuffersPerShaderStage',
  'maxUniformBuffersPerShaderStage',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
  'maxBindingsPerBindGroup',
  'maxBindGroups',
  'minStorageBufferOffsetAlignment',
  'minUniformBufferOffsetAlignment',
] as const;

/**
 * Requests a device from `adapter` with the adapter's limits and the optional features moec uses
 * (shader-f16, subgroups, timestamp-query when offered); null when the request fails.
 */
export async function deviceFromAdapter(gpu: GPU, adapter: GPUAdapter, backend: DeviceBackend): Promise<DeviceContext | null> {
  const requiredLimits: Record<string, number> = {};
  const limits: Record<string, number> = {};
  for (const name of LIMIT_NAMES) {
    const v = (adapter.limits as unknown as Record<string, number | undefined>)[name];
    if (typeof v === 'number') {
      requiredLimits[name] = v;
      limits[name] = v;
    }
  }
  const wanted: GPUFeatureName[] = (['shader-f16', 'subgroups', 'timestamp-query'] as GPUFeatureName[]).filter((f) => adapter.features.has(f));
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, requiredFeatures: wanted });
  } catch {
    return null;
  }
  const info = adapter.info;
  const description = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s).join(' ') || backend;
  const ctx: DeviceContext = {
    gpu,
    adapter,
    device,
    info: { backend, description, features: [...device.features].map(String).sort(), limits },
    errors: [],
    lost: null,
  };
  device.addEventListener('uncapturederror', (ev) => {
    const e = (ev as GPUUncapturedErrorEvent).error;
    ctx.errors.push(e.message);
  });
  void device.lost.then((l) => {
    ctx.lost = `${l.reason}: ${l.message}`;
  });
  return ctx;
}

/** Throws (naming `what`) if the device reported uncaptured errors or was lost; clears them. */
export function throwIfDeviceError(ctx: DeviceContext, what: string): void {
  if (ctx.lost) throw new Error(`${what}: device lost (${ctx.lost})`);
  if (ctx.errors.length > 0) {
    const msgs = ctx.errors.splice(0, ctx.errors.length);
    throw new Error(`${what}: WebGPU error: ${msgs.join('\n')}`);
  }
}

/** Destroys the device (the context must not be used afterwards). */
export function releaseDevice(ctx: DeviceContext): void {
  ctx.device.destroy();
}
