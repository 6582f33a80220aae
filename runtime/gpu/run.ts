/**
 * `runKernels`: encodes a list of kernel dispatches into ONE command buffer (one compute pass;
 * WebGPU orders storage writes between dispatches) and submits it, for tests and benchmarks. Each
 * step binds named GPU buffers to the kernel's declared bindings; the `params` uniform is created
 * from the kernel's `uniformData` unless the caller supplies one. Validation errors are caught
 * with error scopes and rethrown naming the kernel(s) involved.
 */
import { throwIfDeviceError, type DeviceContext } from '../device-context.ts';
import type { Kernel } from '../../compiler/wgsl/kernel.ts';
import { getPipeline, type PipelineCache } from './pipelines.ts';
import { uploadUniform } from './buffers.ts';

/** One dispatch: a kernel and the buffers for its bindings, by binding name. */
export interface KernelStep {
  readonly kernel: Kernel;
  readonly buffers: Readonly<Record<string, GPUBuffer>>;
  /** Launch with the grid (three u32) at byte `offset` of `buffer` (needs INDIRECT usage). */
  readonly indirect?: { readonly buffer: GPUBuffer; readonly offset: number };
}

/** A prepared batch: command-buffer encoder for the steps, reusable for repeated submission. */
export interface PreparedBatch {
  /** Encodes and submits the batch `times` times (one command buffer each). */
  submit(times?: number): void;
  /** Temporary uniform buffers created for the batch (destroyed by `release`). */
  release(): void;
}

async function popScopes(ctx: DeviceContext, what: string): Promise<void> {
  const errs: string[] = [];
  for (let i = 0; i < 2; i++) {
    const e = await ctx.device.popErrorScope();
    if (e) errs.push(e.message);
  }
  if (errs.length) throw new Error(`${what}: ${errs.join('\n')}`);
}

/** Compiles (cached) and binds every step; returns a batch that can be submitted repeatedly. */
export async function prepareKernels(cache: PipelineCache, steps: readonly KernelStep[]): Promise<PreparedBatch> {
  const { ctx } = cache;
  const { device } = ctx;
  const temps: GPUBuffer[] = [];
  const bound: { pipeline: GPUComputePipeline; group: GPUBindGroup; dispatch: readonly [number, number, number]; indirect: KernelStep['indirect'] }[] = [];
  for (const step of steps) {
    const k = step.kernel;
    const compiled = await getPipeline(cache, k);
    for (const b of k.bindings) {
      if (!step.buffers[b.name] && !(b.access === 'uniform' && b.name === 'params' && k.uniformData)) {
        throw new Error(`kernel ${k.name}: no buffer bound to '${b.name}'`);
      }
    }
    device.pushErrorScope('validation');
    device.pushErrorScope('out-of-memory');
    const entries: GPUBindGroupEntry[] = k.bindings.map((b, i) => {
      let buf = step.buffers[b.name];
      if (!buf) {
        buf = uploadUniform(ctx, k.uniformData!, `${k.name}.params`);
        temps.push(buf);
      }
      return { binding: i, resource: { buffer: buf } };
    });
    const group = device.createBindGroup({ label: k.name, layout: compiled.layout, entries });
    await popScopes(ctx, `kernel ${k.name}: binding failed`);
    bound.push({ pipeline: compiled.pipeline, group, dispatch: k.dispatch, indirect: step.indirect });
  }
  const names = [...new Set(steps.map((s) => s.kernel.name))].join(', ');
  return {
    submit(times = 1) {
      for (let t = 0; t < times; t++) {
        const enc = device.createCommandEncoder();
        const pass = enc.beginComputePass();
        for (const b of bound) {
          if (b.dispatch[0] * b.dispatch[1] * b.dispatch[2] === 0) continue;
          pass.setPipeline(b.pipeline);
          pass.setBindGroup(0, b.group);
          if (b.indirect) pass.dispatchWorkgroupsIndirect(b.indirect.buffer, b.indirect.offset);
          else pass.dispatchWorkgroups(b.dispatch[0], b.dispatch[1], b.dispatch[2]);
        }
        pass.end();
        device.queue.submit([enc.finish()]);
      }
      throwIfDeviceError(ctx, `kernels ${names}`);
    },
    release() {
      for (const t of temps) t.destroy();
    },
  };
}

/** Runs the steps once as one command buffer and waits for completion; throws on any GPU error. */
export async function runKernels(cache: PipelineCache, steps: readonly KernelStep[]): Promise<void> {
  const { ctx } = cache;
  const batch = await prepareKernels(cache, steps);
  const names = [...new Set(steps.map((s) => s.kernel.name))].join(', ');
  ctx.device.pushErrorScope('validation');
  ctx.device.pushErrorScope('out-of-memory');
  batch.submit();
  await ctx.wait(ctx.device.queue.onSubmittedWorkDone());
  await popScopes(ctx, `kernels ${names}`);
  throwIfDeviceError(ctx, `kernels ${names}`);
  batch.release();
}
