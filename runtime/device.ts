/// <reference types="@webgpu/types" preserve="true" />
/**
 * WebGPU device acquisition for moec (Dawn through the `webgpu` npm package). Tries Vulkan first
 * (on this machine: Mesa lavapipe), then OpenGL ES in compatibility mode, and returns `null` when no
 * adapter exists rather than throwing, so callers (tests, the CLI) can decide to skip or fail. The
 * device is requested with the adapter's real limits (the WebGPU defaults are far smaller: 128 MiB
 * storage bindings matter for expert banks). Everything lives in the returned context object — no
 * module-level mutable state — and that object keeps the Dawn `create()` result referenced, because
 * Dawn crashes at the next dispatch if it is garbage-collected. Uncaptured device errors are
 * recorded on the context and rethrown by `throwIfDeviceError` (the kernel runner calls it, and uses
 * error scopes to name the failing kernel), so validation errors are never silently swallowed.
 * Dawn's native module (`webgpu`) is imported lazily, on the first `acquireDevice`, so importing
 * moec (the DSL, the compiler, the gating API, the CPU executor) never loads it. The context itself
 * and the device request live in device-context.ts, which the browser bundle shares.
 */

import { createCalmWaiter } from './gpu/host-wait.ts';
import { deviceFromAdapter, takeIdleDevice, type BackendPreference, type DeviceContext } from './device-context.ts';
import { quietStderr } from './quiet-stderr.ts';

export { releaseDevice, throwIfDeviceError, type BackendPreference, type DeviceContext, type DeviceInfo } from './device-context.ts';

/** Options of `acquireDevice`. */
export interface AcquireOptions {
  /** Backend tried first (default 'vulkan'); the other one is the fallback. */
  readonly prefer?: BackendPreference;
}

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
  // Dawn prints two limit warnings per adapter request (not the user's business): quietStderr
  // discards them unless MOEC_DEBUG is set.
  const adapter = await quietStderr(() => gpu.requestAdapter(backend === 'opengles' ? ({ featureLevel: 'compatibility' } as GPURequestAdapterOptions) : undefined)).catch(() => null);
  if (!adapter) return null;

  return deviceFromAdapter(gpu, adapter, backend, createCalmWaiter());
}

/**
 * One more device like `base` for expert parallelism: a fresh adapter from the same Dawn instance
 * (its adapter-request warnings kept off stderr like `acquireDevice`'s) and a device with that
 * adapter's limits and features; null when the adapter or device request fails.
 */
export async function acquireSiblingDevice(base: DeviceContext): Promise<DeviceContext | null> {
  const opts = base.info.backend === 'opengles' ? ({ featureLevel: 'compatibility' } as GPURequestAdapterOptions) : undefined;
  const adapter = await quietStderr(() => base.gpu.requestAdapter(opts)).catch(() => null);
  return adapter ? deviceFromAdapter(base.gpu, adapter, base.info.backend, createCalmWaiter()) : null;
}

/**
 * Acquires a WebGPU device: a healthy device released earlier (see `releaseDevice`) if one is idle,
 * else a new one — the preferred backend first (default Vulkan), then the other one (GL ES with
 * `featureLevel: 'compatibility'`). Returns null when neither yields a device.
 */
export async function acquireDevice(opts: AcquireOptions = {}): Promise<DeviceContext | null> {
  const { create, globals } = await loadDawn();
  installGlobals(globals);
  const order: BackendPreference[] = opts.prefer === 'opengles' ? ['opengles', 'vulkan'] : ['vulkan', 'opengles'];
  for (const b of order) {
    const idle = takeIdleDevice(b);
    if (idle) return idle;
    const ctx = await tryBackend(create, b);
    if (ctx) return ctx;
  }
  return null;
}
