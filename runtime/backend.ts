/**
 * Backend selection for the CLI and library users: `cpu` (the plan on the reference ops),
 * `webgpu` (Dawn; an error when no adapter exists) or `auto` (WebGPU when an adapter exists, else
 * the CPU with a one-line notice). Runs a lowered plan on whichever was chosen behind one
 * interface, so callers do not care where it executes.
 */
import type { Plan, RunParams } from '../compiler/plan.ts';
import type { Tensor } from '../ir/tensor.ts';
import { prepareCpuPlan } from './cpu-executor.ts';
import { acquireDevice, type DeviceContext } from './device.ts';
import { prepareWebGpuPlan } from './webgpu-executor.ts';

/** Backend names accepted on the command line. */
export const BACKEND_NAMES = ['cpu', 'webgpu', 'auto'] as const;
/** One of BACKEND_NAMES. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** A chosen backend. */
export type Backend = { readonly kind: 'cpu' } | { readonly kind: 'webgpu'; readonly device: DeviceContext };

/** Resolves a backend name; `notice` receives the one-line message when auto falls back to the CPU. */
export async function selectBackend(name: BackendName, notice: (line: string) => void): Promise<Backend> {
  if (name === 'cpu') return { kind: 'cpu' };
  const device = await acquireDevice();
  if (device) return { kind: 'webgpu', device };
  if (name === 'webgpu') {
    throw new Error('--backend webgpu: no WebGPU adapter found (tried Vulkan, then OpenGL ES); run `npm run setup` to install Mesa lavapipe, or use --backend cpu');
  }
  notice('moec: no WebGPU adapter found; running on the CPU reference (--backend cpu)');
  return { kind: 'cpu' };
}

/** Human-readable adapter name, or null for the CPU. */
export function adapterName(b: Backend): string | null {
  if (b.kind === 'cpu') return null;
  const info = b.device.info;
  return `${info.backend}: ${info.description}`;
}

/** A plan ready to run on a backend. */
export interface Runner {
  run(dataFeeds: Readonly<Record<string, Tensor>>, run: RunParams): Promise<Record<string, Tensor>>;
  destroy(): void;
}

/** Prepares `plan` on `backend` with `params` uploaded once. */
export async function prepareRunner(backend: Backend, plan: Plan, params: Readonly<Record<string, Tensor>>): Promise<Runner> {
  if (backend.kind === 'cpu') {
    const exe = prepareCpuPlan(plan);
    exe.setParams(params);
    return {
      run: async (data, run) => exe.run(data, run),
      destroy: () => {},
    };
  }
  const exe = await prepareWebGpuPlan(backend.device, plan);
  exe.setParams(params);
  return { run: (data, run) => exe.run(data, run), destroy: () => exe.destroy() };
}
