/// <reference types="@webgpu/types" preserve="true" />
/**
 * WebGPU device acquisition for moec (Dawn through the `webgpu` npm package). Tries Vulkan first
 * (on this machine: Mesa lavapipe), then OpenGL ES in compatibility mode, and returns `null` when no
 * adapter exists rather than throwing, so callers (tests, the CLI) can decide to skip or fail. The
 * device is requested with the adapter's real limits (the WebGPU defaults are far smaller: 128 MiB
 * storage bindings matter for expert banks). Everything about a device lives in the returned
 * context object (the process keeps only Dawn's instances and the released, idle devices: see
 * `releaseDevice`), and that object keeps the Dawn `create()` result referenced, because
 * Dawn crashes at the next dispatch if it is garbage-collected. Uncaptured device errors are
 * recorded on the context and rethrown by `throwIfDeviceError` (the kernel runner calls it, and uses
 * error scopes to name the failing kernel), so validation errors are never silently swallowed.
 * Dawn's native module (`webgpu`) is imported lazily, on the first `acquireDevice`, so importing
 * moec (the DSL, the compiler, the gating API, the CPU executor) never loads it.
 */
import type { PipelineCache } from './gpu/pipelines.ts';

/** Backend to try first. */
export type BackendPreference = 'vulkan' | 'opengles';

/** What the device is and what it can do. */
export interface DeviceInfo {
  readonly backend: BackendPreference;
  readonly description: string;
  readonly features: readonly string[];
  readonly limits: Readonly<Record<string, number>>;
}

/** A live WebGPU device plus everything that must stay alive with it. */
export interface DeviceContext {
  /** The `create()` result; must stay referenced for the life of the device. */
  readonly gpu: GPU;
  readonly adapter: GPUAdapter;
  readonly device: GPUDevice;
  readonly info: DeviceInfo;
  /** Uncaptured errors reported by the device since the last `throwIfDeviceError`. */
  readonly errors: string[];
  /** Set when the device is lost. */
  lost: string | null;
  /**
   * The pipelines compiled on this device, shared by the executors that are not given a cache of
   * their own, so a device handed out again (see `releaseDevice`) does not compile them again.
   */
  pipelines?: PipelineCache;
}

/** Options of `acquireDevice`. */
export interface AcquireOptions {
  /** Backend tried first (default 'vulkan'); the other one is the fallback. */
  readonly prefer?: BackendPreference;
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

/** The part of the `webgpu` package moec uses. */
type Dawn = typeof import('webgpu');

async function loadDawn(): Promise<Dawn> {
  try {
    return await import('webgpu');
  } catch (e) {
    throw new Error(`cannot load Dawn (the 'webgpu' package): ${(e as Error).message}; use --backend cpu, or install the system libraries (scripts/install-system.sh)`);
  }
}

function installGlobals(globals: Dawn['globals']): void {
  // The GPU* enums (GPUBufferUsage, GPUShaderStage, ...) must exist as globals for callers; the
  // copy is idempotent (same values each time), so it carries no state of its own.
  Object.assign(globalThis, globals);
}

/**
 * Dawn's instance per backend, created once per process. The one deliberate piece of process-wide
 * state: the object `create()` returns must stay alive for the whole process (Dawn tears its
 * devices down with it), and creating one per device acquisition grew the resident set by tens of
 * MiB a call in long-lived library use (issue 11 item 10); every device is still released by its
 * owner (`releaseDevice`).
 */
const dawnInstances = new Map<BackendPreference, GPU>();

/**
 * Devices their owners released in a healthy state, by backend, handed out again by
 * `acquireDevice` — process-wide for the same reason as the instances: every fresh device made
 * lavapipe JIT-compile every pipeline again, and the native heap (glibc's per-thread arenas) kept
 * the freed memory, so 30 `run` calls in one process grew the resident set from 246 to 592 MiB
 * (measured: 20-40 MiB a call for the first ten calls), most of which reusing the device avoids
 * (issue 11 item 10). An idle device holds no buffers: its owner destroyed them (executors'
 * `destroy`). A device that reported errors or was lost is destroyed instead.
 */
const idleDevices = new Map<BackendPreference, DeviceContext[]>();

async function tryBackend(create: Dawn['create'], backend: BackendPreference): Promise<DeviceContext | null> {
  let gpu = dawnInstances.get(backend);
  if (!gpu) {
    try {
      if (backend === 'opengles') {
        process.env.EGL_PLATFORM ??= 'surfaceless';
        gpu = create(['backend=opengles']);
      } else {
        gpu = create(['backend=vulkan']);
      }
    } catch {
      return null;
    }
    dawnInstances.set(backend, gpu);
  }
  const adapter = await gpu
    .requestAdapter(backend === 'opengles' ? ({ featureLevel: 'compatibility' } as GPURequestAdapterOptions) : undefined)
    .catch(() => null);
  if (!adapter) return null;

  const requiredLimits: Record<string, number> = {};
  const limits: Record<string, number> = {};
  for (const name of LIMIT_NAMES) {
    const v = (adapter.limits as unknown as Record<string, number | undefined>)[name];
    if (typeof v === 'number') {
      requiredLimits[name] = v;
      limits[name] = v;
    }
  }
  const wanted: GPUFeatureName[] = (['shader-f16', 'subgroups', 'timestamp-query'] as GPUFeatureName[]).filter((f) =>
    adapter.features.has(f),
  );
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

/**
 * Acquires a WebGPU device: the preferred backend first (default Vulkan), then the other one
 * (GL ES with `featureLevel: 'compatibility'`). Returns null when neither yields a device.
 */
export async function acquireDevice(opts: AcquireOptions = {}): Promise<DeviceContext | null> {
  const { create, globals } = await loadDawn();
  installGlobals(globals);
  const order: BackendPreference[] = opts.prefer === 'opengles' ? ['opengles', 'vulkan'] : ['vulkan', 'opengles'];
  for (const b of order) {
    const idle = idleDevices.get(b)?.pop();
    if (idle) return idle;
    const ctx = await tryBackend(create, b);
    if (ctx) return ctx;
  }
  return null;
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
 * afterwards. A healthy device goes back to the process's idle list (the next `acquireDevice`
 * gets it, with no new adapter, device or pipeline compilation); one that was lost or reported
 * errors is destroyed. `destroy: true` destroys it in any case.
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
