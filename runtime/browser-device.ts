/// <reference types="@webgpu/types" preserve="true" />
/**
 * WebGPU device acquisition in a browser: the page's `navigator.gpu` instead of Dawn. Returns the
 * same DeviceContext the executors take (runtime/device-context.ts), or throws an error that says
 * what is missing — no `navigator.gpu` at all (WebGPU unsupported or disabled, or the page is not a
 * secure context), or no adapter (blocklisted GPU, no software fallback) — so the page can show it.
 * Imports nothing from Node.
 */
import { deviceFromAdapter, type DeviceContext } from './device-context.ts';

/** Acquires a device from `gpu` (pass `navigator.gpu`); throws naming what is missing. */
export async function acquireBrowserDevice(gpu: GPU | undefined): Promise<DeviceContext> {
  if (!gpu) {
    throw new Error('this browser has no WebGPU (navigator.gpu is undefined): use a browser with WebGPU enabled (Chrome/Edge ≥ 113, Firefox ≥ 141, Safari ≥ 26), and open the page over http://localhost or https (WebGPU needs a secure context)');
  }
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) throw new Error('navigator.gpu.requestAdapter() returned no adapter: WebGPU is present but no GPU (or software fallback) is available to it; in Chromium try --enable-unsafe-webgpu');
  const ctx = await deviceFromAdapter(gpu, adapter, 'browser');
  if (!ctx) throw new Error('the WebGPU adapter refused a device with its own limits and features (adapter.requestDevice failed)');
  return ctx;
}
