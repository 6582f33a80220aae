/**
 * Compute pipeline cache keyed by WGSL source. Each pipeline gets an explicit bind group layout
 * derived from the kernel's declared bindings (binding i = `bindings[i]`), so declared-but-unused
 * bindings are still valid and one layout describes the kernel exactly. The cache is an object the
 * caller owns (one per device), never module state. Shader compilation errors are reported with
 * the kernel name and the compiler messages.
 */
import type { DeviceContext } from '../device-context.ts';
import type { Kernel, BindingAccess } from '../../compiler/wgsl/kernel.ts';

/** A compiled kernel: pipeline plus the layout its bind groups must use. */
export interface CompiledKernel {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

/** Pipelines of one device, keyed by WGSL source. */
export interface PipelineCache {
  readonly ctx: DeviceContext;
  readonly entries: Map<string, Promise<CompiledKernel>>;
  /** Number of pipelines actually compiled (for tests that bound JIT cost). */
  compiled: number;
}

/** A new, empty cache for `ctx`. */
export function createPipelineCache(ctx: DeviceContext): PipelineCache {
  return { ctx, entries: new Map(), compiled: 0 };
}

function bufferType(access: BindingAccess): GPUBufferBindingType {
  return access === 'uniform' ? 'uniform' : access === 'read' ? 'read-only-storage' : 'storage';
}

async function compile(cache: PipelineCache, k: Kernel): Promise<CompiledKernel> {
  const { device } = cache.ctx;
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ code: k.wgsl, label: k.name });
  const layout = device.createBindGroupLayout({
    label: k.name,
    entries: k.bindings.map((b, i) => ({ binding: i, visibility: GPUShaderStage.COMPUTE, buffer: { type: bufferType(b.access) } })),
  });
  const info = await module.getCompilationInfo();
  const errs = info.messages.filter((m) => m.type === 'error');
  const scopeErr = await device.popErrorScope();
  if (errs.length > 0 || scopeErr) {
    const text = errs.map((m) => `  line ${m.lineNum}:${m.linePos} ${m.message}`).join('\n');
    throw new Error(`kernel ${k.name}: WGSL compilation failed\n${text}${scopeErr ? `\n  ${scopeErr.message}` : ''}`);
  }
  try {
    const pipeline = await cache.ctx.wait(device.createComputePipelineAsync({
      label: k.name,
      layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main' },
    }));
    cache.compiled++;
    return { pipeline, layout };
  } catch (e) {
    throw new Error(`kernel ${k.name}: pipeline creation failed: ${(e as Error).message}`);
  }
}

/** The compiled pipeline for `k`, compiling it on first use (concurrent callers share one compile). */
export function getPipeline(cache: PipelineCache, k: Kernel): Promise<CompiledKernel> {
  let p = cache.entries.get(k.wgsl);
  if (!p) {
    p = compile(cache, k);
    cache.entries.set(k.wgsl, p);
    p.catch(() => cache.entries.delete(k.wgsl));
  }
  return p;
}
