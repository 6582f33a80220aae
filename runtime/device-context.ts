/// <reference types="@webgpu/types" preserve="true" />
/**
 * The WebGPU device context every executor works with, independent of where the adapter came
 * from: Dawn in Node (runtime/device.ts) or a browser's `navigator.gpu` (runtime/browser-device.ts).
 * `deviceFromAdapter` requests a device with the adapter's real limits (the WebGPU defaults are far
 * smaller: 128 MiB storage bindings matter for expert banks) and the optional features moec uses,
 * and records uncaptured errors and loss on the context; `throwIfDeviceError` rethrows them (the
 * kernel runner calls it, and uses error scopes to name the failing kernel), so validation errors
 * are never silently swallowed. Released healthy devices are kept for reuse (`releaseDevice`,
 * `takeIdleDevice`). This file imports nothing from Node: the browser bundle uses it.
 */
import type { PipelineCache } from './gpu/pipelines.ts';
import { plainWait, type HostWait } from './gpu/host-wait.ts';

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
  /** How the host awaits this device's promises (runtime/gpu/host-wait.ts: Node sleeps instead of spinning on Dawn's poll). */
  readonly wait: HostWait;
  /**
   * The pipelines compiled on this device, shared by the executors that are not given a cache of
   * their own, so a device handed out again (see `releaseDevice`) does not compile them again.
   */
  pipelines?: PipelineCache;
}

/**
 * Devices their owners released in a healthy state, by backend, handed out again by
 * `acquireDevice` (runtime/device.ts) — process-wide like Dawn's instances: every fresh device
 * made lavapipe JIT-compile every pipeline again, and the native heap (glibc's per-thread arenas)
 * kept the freed memory, so 30 `run` calls in one process grew the resident set from 246 to 592 MiB
 * (measured: 20-40 MiB a call for the first ten calls), most of which reusing the device avoids
 * (issue 11 item 10). An idle device holds no buffers: its owner destroyed them (executors'
 * `destroy`). A device that reported errors or was lost is destroyed instead.
 */
const idleDevices = new Map<DeviceBackend, DeviceContext[]>();

/** A healthy device of `backend` released earlier, if any (it leaves the idle list). */
export function takeIdleDevice(backend: DeviceBackend): DeviceContext | undefined {
  return idleDevices.get(backend)?.pop();
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
 * (shader-f16, subgroups, timestamp-query when offered), awaited with `wait` (plain by default; Node
 * passes a calm waiter, runtime/gpu/host-wait.ts); null when the request fails.
 */
export async function deviceFromAdapter(gpu: GPU, adapter: GPUAdapter, backend: DeviceBackend, wait: HostWait = plainWait): Promise<DeviceContext | null> {
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
    wait,
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

/**
 * Gives the device back: the caller must have destroyed its buffers and must not use the context
 * afterwards. A healthy device goes back to the process's idle list (the next acquisition gets it,
 * with no new adapter, device or pipeline compilation); one that was lost or reported errors is
 * destroyed. `destroy: true` destroys it in any case.
 */
export function releaseDevice(ctx: DeviceContext, opts: { readonly destroy?: boolean } = {}): void {
  if (opts.destroy || ctx.lost !== null || ctx.errors.length > 0) {
    ctx.device.destroy();
    return;
  }
  let idle = idleDevices.get(ctx.info.backend);
  if (!idle) idleDevices.set(ctx.info.backend, (idle = []));
  if (!idle.includes(ctx)) idle.push(ctx);
}
