/**
 * The WebGPU executor: binds a lowered Plan to a device and runs it. At prepare time it allocates
 * one GPUBuffer per persistent storage part and one per temporary arena (temporaries are bound as
 * ranges at their planned offsets, see `gpu/plan-memory.ts`), uploads constants,
 * compiles every pipeline (cached by WGSL source), creates every uniform and bind group. A run then
 * writes the data inputs and the uniforms that depend on seed/step/mode, and encodes the whole
 * plan — error-flag clears, every dispatch in one compute pass, the copies of the requested outputs
 * and error flags into one staging buffer — into ONE command buffer with ONE submit and ONE
 * readback. Parameters are uploaded once (`setParams`) and stay on the device.
 */
import type { Dispatch, PartRef, Plan, RunParams } from '../compiler/plan.ts';
import type { Tensor } from '../ir/tensor.ts';
import { formatType, numel, typeEq } from '../ir/types.ts';
import { throwIfDeviceError, type DeviceContext } from './device-context.ts';
import { createPipelineCache, getPipeline, type PipelineCache } from './gpu/pipelines.ts';
import { allocatePlanMemory, arenaSafeKernel, bindingRange } from './gpu/plan-memory.ts';

/** A plan bound to a device. */
export interface WebGpuExecutable {
  /** Uploads every parameter (by name); call once, and again only to replace them. */
  setParams(params: Readonly<Record<string, Tensor>>): void;
  /**
   * Runs the plan on the data inputs (by name) and returns the requested outputs (default: all).
   * Throws naming the node when a kernel raised an error flag (e.g. a token id out of range).
   */
  run(feeds: Readonly<Record<string, Tensor>>, run: RunParams, want?: readonly string[]): Promise<Record<string, Tensor>>;
  /** Current values of parameters or optimizer state (one readback), e.g. for checkpoints. */
  read(names: readonly string[]): Promise<Record<string, Tensor>>;
  /**
   * Host and wait time of the last completed run (ms): `hostMs` is the time the run spent on the
   * CPU side — writing inputs and uniforms, encoding every dispatch, submitting, then slicing the
   * read-back bytes into tensors — and `waitMs` the time between the submit and the mapped
   * readback (the device's work). Undefined before the first run.
   */
  lastTiming(): RunTiming | undefined;
  /** Dispatches per run and submits per run (always 1). */
  readonly stats: { readonly dispatches: number; readonly submitsPerRun: number; readonly pipelines: number };
  /**
   * Runs the plan once with a GPU timestamp around every dispatch (each in its own compute pass,
   * so the numbers include a pass boundary each) and returns the time of every dispatch.
   * Needs the 'timestamp-query' feature. Inputs and parameters must have been set by a run.
   */
  profile(run: RunParams): Promise<DispatchTiming[]>;
  /** Frees every GPU buffer of the plan. */
  destroy(): void;
}

/** Where one run's wall time went (ms), see `WebGpuExecutable.lastTiming`. */
export interface RunTiming {
  readonly hostMs: number;
  readonly waitMs: number;
}

/**
 * Refuses, before anything is allocated, a plan with a kernel that binds more storage buffers than
 * the device allows per shader stage (browsers report 10, Dawn on lavapipe more), naming the node,
 * the kernel, the count and the limit — instead of a pipeline-layout error from the driver.
 */
export function checkStorageBindings(plan: Plan, limit: number): void {
  for (const s of plan.steps) {
    for (const d of s.dispatches) {
      const n = d.kernel.bindings.filter((b) => b.access !== 'uniform').length;
      if (n > limit) {
        const node = s.node;
        throw new Error(
          `node #${node.id} ${node.op}${node.layer ? ` (layer ${node.layer})` : ''}: kernel ${d.kernel.name} binds ${n} storage buffers, more than the ${limit} per shader stage this WebGPU device allows (maxStorageBuffersPerShaderStage); use an adapter with at least ${n}, or a plan without this kernel (for the expert backward: --recompute none)`,
        );
      }
    }
  }
}

/** The measured time of one dispatch. */
export interface DispatchTiming {
  readonly step: number;
  readonly op: string;
  readonly layer?: string;
  readonly kernel: string;
  readonly ms: number;
}

// INDIRECT: any storage may hold the grid of an indirect dispatch written by an earlier kernel.
const USAGE_STORAGE = (): number => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | GPUBufferUsage.INDIRECT;
const align4 = (n: number): number => Math.max(4, Math.ceil(n / 4) * 4);

interface Bound {
  readonly step: number;
  readonly dispatch: Dispatch;
  readonly pipeline: GPUComputePipeline;
  readonly group: GPUBindGroup;
  readonly uniform: GPUBuffer | null;
}

/** Allocates, compiles and binds everything the plan needs on `dev`. */
export async function prepareWebGpuPlan(dev: DeviceContext, plan: Plan, cache: PipelineCache = (dev.pipelines ??= createPipelineCache(dev))): Promise<WebGpuExecutable> {
  if (!plan.memory) throw new Error('plan has no memory layout; lower it with lowerToWebGpu first');
  checkStorageBindings(plan, dev.device.limits.maxStorageBuffersPerShaderStage);
  const { device } = dev;
  const maxBinding = dev.device.limits.maxStorageBufferBindingSize;
  const owned: GPUBuffer[] = [];
  const make = (bytes: number, label: string, usage = USAGE_STORAGE()): GPUBuffer => {
    const b = device.createBuffer({ size: align4(bytes), usage, label });
    owned.push(b);
    return b;
  };
  const mem = allocatePlanMemory(plan, (bytes, label) => make(bytes, label), dev.device.limits.maxBufferSize);
  const storageParts = mem.parts;
  /** Byte offset of plan buffer `id` in its (first) GPUBuffer. */
  const baseOf = (id: number): number => mem.base[plan.buffers[id]!.storage]!;
  for (const s of plan.storages) {
    if (s.role === 'const' && s.constData) device.queue.writeBuffer(storageParts[s.id]![0]!, 0, s.constData.buffer, s.constData.byteOffset, s.constData.byteLength);
  }
  const resource = (ref: number | PartRef, what: string): GPUBufferBinding => {
    const id = typeof ref === 'number' ? ref : ref.buffer;
    const part = typeof ref === 'number' ? 0 : ref.part;
    const b = plan.buffers[id]!;
    const s = plan.storages[b.storage]!;
    const parts = storageParts[s.id]!;
    if (typeof ref === 'number' && parts.length > 1) throw new Error(`${what}: buffer ${b.name} is split over ${parts.length} parts; bind a part`);
    const range = bindingRange(plan, mem, typeof ref === 'number' ? ref : { buffer: id, part });
    const size = range.size;
    if (size > maxBinding) {
      throw new Error(
        `${what}: buffer ${b.name} (${formatType(b.type)}, ${size} bytes) exceeds one storage binding (${maxBinding} bytes); ` +
          'only expert banks are split over several bindings automatically — make this tensor smaller (e.g. a smaller vocab or width) or run with --backend cpu',
      );
    }
    return range;
  };

  /** Launches a bound dispatch: its static grid, or the grid the device wrote (indirect). */
  const launch = (pass: GPUComputePassEncoder, b: Bound): void => {
    pass.setPipeline(b.pipeline);
    pass.setBindGroup(0, b.group);
    const ind = b.dispatch.indirect;
    if (ind) {
      const buf = plan.buffers[ind.buffer]!;
      pass.dispatchWorkgroupsIndirect(storageParts[buf.storage]![0]!, baseOf(ind.buffer) + ind.offset);
    } else {
      const [x, y, z] = b.dispatch.kernel.dispatch;
      pass.dispatchWorkgroups(x, y, z);
    }
  };
  const bound: Bound[] = [];
  for (const step of plan.steps) {
    for (const d of step.dispatches) {
      const k = arenaSafeKernel(plan, mem, d);
      const what = `node #${step.node.id} ${step.node.op}${step.node.layer ? ` (layer ${step.node.layer})` : ''}, kernel ${k.name}`;
      const compiled = await getPipeline(cache, k);
      let uniform: GPUBuffer | null = null;
      const entries: GPUBindGroupEntry[] = k.bindings.map((b, i) => {
        if (b.access === 'uniform') {
          if (!k.uniformData) throw new Error(`${what}: binding '${b.name}' is a uniform but the kernel has no uniform data`);
          uniform = make(k.uniformData.byteLength, `${k.name}.params`, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
          device.queue.writeBuffer(uniform, 0, k.uniformData.buffer, k.uniformData.byteOffset, k.uniformData.byteLength);
          return { binding: i, resource: { buffer: uniform } };
        }
        const ref = d.bind[b.name];
        if (ref === undefined) throw new Error(`${what}: binding '${b.name}' is not bound`);
        return { binding: i, resource: resource(ref, what) };
      });
      device.pushErrorScope('validation');
      const group = device.createBindGroup({ label: k.name, layout: compiled.layout, entries });
      const err = await device.popErrorScope();
      if (err) throw new Error(`${what}: bind group rejected: ${err.message}`);
      bound.push({ step: step.index, dispatch: d, pipeline: compiled.pipeline, group, uniform });
    }
  }
  throwIfDeviceError(dev, 'preparing the plan');

  const bufferByName = new Map(plan.inputs.map((i) => [i.name, i]));
  const outputByName = new Map(plan.outputs.map((o) => [o.name, o]));
  const upload = (name: string, t: Tensor, role: 'input' | 'param'): void => {
    const inp = bufferByName.get(name);
    if (!inp || (inp.role === 'input') !== (role === 'input')) {
      const names = plan.inputs.filter((i) => i.role === role).map((i) => i.name);
      throw new Error(`unknown ${role} '${name}'; the plan's ${role}s are ${names.join(', ')}`);
    }
    const b = plan.buffers[inp.buffer]!;
    if (!typeEq(b.type, t.type)) throw new Error(`${role} '${name}' has type ${formatType(t.type)}, expected ${formatType(b.type)}`);
    const data = t.type.dtype === 'i32' ? Int32Array.from(t.data) : t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
    const s = plan.storages[b.storage]!;
    const parts = storageParts[s.id]!;
    let offset = 0;
    (s.parts ?? [s.bytes]).forEach((bytes, p) => {
      if (bytes > 0) device.queue.writeBuffer(parts[p]!, p === 0 ? mem.base[s.id]! : 0, data.buffer, data.byteOffset + offset, bytes);
      offset += bytes;
    });
  };
  // One readback buffer per size, reused by every run (a training step reads the same outputs
  // each time), instead of creating and destroying one per run.
  const stagingBySize = new Map<number, GPUBuffer>();
  const stagingFor = (size: number): GPUBuffer => {
    let b = stagingBySize.get(size);
    if (!b) {
      b = make(size, `readback${size}`, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
      stagingBySize.set(size, b);
    }
    return b;
  };
  let paramsSet = false;
  let running = false;
  let lastRun: RunParams | null = null;
  let timing: RunTiming | undefined;
  const dispatches = bound.length;

  return {
    stats: { dispatches, submitsPerRun: 1, pipelines: new Set(bound.map((b) => b.pipeline)).size },
    setParams(params) {
      const missing = plan.inputs.filter((i) => i.role !== 'input' && !(i.name in params)).map((i) => i.name);
      if (missing.length > 0) throw new Error(`missing parameters or optimizer state: ${missing.join(', ')}`);
      for (const [name, t] of Object.entries(params)) upload(name, t, 'param');
      paramsSet = true;
    },
    lastTiming: () => timing,
    async run(feeds, run, want) {
      const t0 = performance.now();
      if (!paramsSet) throw new Error('call setParams before run');
      if (running) throw new Error('run() called while a previous run of this plan is still in flight; await it first');
      const missing = plan.inputs.filter((i) => i.role === 'input' && !(i.name in feeds)).map((i) => i.name);
      if (missing.length > 0) throw new Error(`missing inputs: ${missing.join(', ')}`);
      for (const [name, t] of Object.entries(feeds)) upload(name, t, 'input');
      if (!lastRun || lastRun.seed !== run.seed || lastRun.step !== run.step || lastRun.training !== run.training) {
        for (const b of bound) {
          if (b.dispatch.uniformFor && b.uniform) {
            const words = b.dispatch.uniformFor(run);
            device.queue.writeBuffer(b.uniform, 0, words.buffer, words.byteOffset, words.byteLength);
          }
        }
        lastRun = { ...run };
      }
      const names = want ?? plan.outputs.map((o) => o.name);
      const reads = names.map((name) => {
        const o = outputByName.get(name);
        if (!o) throw new Error(`unknown output '${name}'; the plan's outputs are ${plan.outputs.map((x) => x.name).join(', ')}`);
        return { name, buffer: o.buffer };
      });
      const errorReads = plan.errorChecks.map((e) => ({ ...e }));
      const all = [...reads.map((r) => r.buffer), ...errorReads.map((e) => e.buffer)];
      const offsets: number[] = [];
      let total = 0;
      for (const id of all) {
        offsets.push(total);
        total += align4(numel(plan.buffers[id]!.type.shape) * 4);
      }
      const staging = stagingFor(Math.max(4, total));
      running = true;
      const enc = device.createCommandEncoder();
      for (const e of errorReads) enc.clearBuffer(storageParts[plan.buffers[e.buffer]!.storage]![0]!, baseOf(e.buffer), align4(numel(plan.buffers[e.buffer]!.type.shape) * 4));
      const pass = enc.beginComputePass();
      for (const b of bound) {
        const [x, y, z] = b.dispatch.kernel.dispatch;
        if (x * y * z === 0) continue;
        launch(pass, b);
      }
      pass.end();
      all.forEach((id, i) => {
        const bytes = numel(plan.buffers[id]!.type.shape) * 4;
        if (bytes > 0) enc.copyBufferToBuffer(storageParts[plan.buffers[id]!.storage]![0]!, baseOf(id), staging, offsets[i]!, align4(bytes));
      });
      let bytes: ArrayBuffer;
      let tSubmit: number;
      let tMapped: number;
      try {
        device.queue.submit([enc.finish()]);
        tSubmit = performance.now();
        await dev.wait(staging.mapAsync(GPUMapMode.READ));
        tMapped = performance.now();
        bytes = staging.getMappedRange().slice(0, total);
        staging.unmap();
      } finally {
        running = false;
      }
      throwIfDeviceError(dev, 'running the plan');
      errorReads.forEach((e, i) => {
        const words = new Uint32Array(bytes, offsets[reads.length + i]!, 2);
        if (words[0] !== 0) {
          const step = plan.steps[e.step]!;
          const n = step.node;
          throw new Error(`node #${n.id} ${n.op}${n.layer ? ` (layer ${n.layer})` : ''}: ${e.what}: ${words[0]} bad value(s), first at position ${0xffffffff - words[1]!}`);
        }
      });
      const out: Record<string, Tensor> = {};
      reads.forEach((r, i) => {
        const b = plan.buffers[r.buffer]!;
        const n = numel(b.type.shape);
        const data = b.type.dtype === 'i32' ? new Int32Array(bytes, offsets[i]!, n).slice() : new Float32Array(bytes, offsets[i]!, n).slice();
        out[r.name] = { type: b.type, data };
      });
      timing = { hostMs: tSubmit - t0 + (performance.now() - tMapped), waitMs: tMapped - tSubmit };
      return out;
    },
    async read(names) {
      const items = names.map((name) => {
        const inp = bufferByName.get(name);
        if (!inp) throw new Error(`unknown input '${name}'`);
        return plan.buffers[inp.buffer]!;
      });
      const sizes = items.map((b) => align4(numel(b.type.shape) * 4));
      const staging = device.createBuffer({ size: Math.max(4, sizes.reduce((a, x) => a + x, 0)), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      const enc = device.createCommandEncoder();
      let at = 0;
      items.forEach((b, i) => {
        const s = plan.storages[b.storage]!;
        let off = 0;
        (s.parts ?? [s.bytes]).forEach((bytes, p) => {
          if (bytes > 0) enc.copyBufferToBuffer(storageParts[s.id]![p]!, p === 0 ? mem.base[s.id]! : 0, staging, at + off, align4(bytes));
          off += bytes;
        });
        at += sizes[i]!;
      });
      device.queue.submit([enc.finish()]);
      await dev.wait(staging.mapAsync(GPUMapMode.READ));
      const bytes = staging.getMappedRange().slice(0);
      staging.unmap();
      staging.destroy();
      const out: Record<string, Tensor> = {};
      at = 0;
      items.forEach((b, i) => {
        const n = numel(b.type.shape);
        out[names[i]!] = { type: b.type, data: b.type.dtype === 'i32' ? new Int32Array(bytes, at, n).slice() : new Float32Array(bytes, at, n).slice() };
        at += sizes[i]!;
      });
      return out;
    },
    async profile(run) {
      if (!device.features.has('timestamp-query')) throw new Error('profiling needs the timestamp-query feature, which this adapter does not offer');
      if (!paramsSet) throw new Error('call setParams and run once before profile');
      for (const b of bound) {
        if (b.dispatch.uniformFor && b.uniform) {
          const words = b.dispatch.uniformFor(run);
          device.queue.writeBuffer(b.uniform, 0, words.buffer, words.byteOffset, words.byteLength);
        }
      }
      lastRun = { ...run };
      const live = bound.filter((b) => b.dispatch.kernel.dispatch.every((x) => x > 0));
      const count = Math.max(2, 2 * live.length);
      const querySet = device.createQuerySet({ type: 'timestamp', count });
      const resolve = device.createBuffer({ size: 8 * count, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
      const staging = device.createBuffer({ size: 8 * count, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      const enc = device.createCommandEncoder();
      for (const e of plan.errorChecks) enc.clearBuffer(storageParts[plan.buffers[e.buffer]!.storage]![0]!, baseOf(e.buffer), align4(numel(plan.buffers[e.buffer]!.type.shape) * 4));
      live.forEach((b, i) => {
        const pass = enc.beginComputePass({ timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } });
        launch(pass, b);
        pass.end();
      });
      enc.resolveQuerySet(querySet, 0, count, resolve, 0);
      enc.copyBufferToBuffer(resolve, 0, staging, 0, 8 * count);
      device.queue.submit([enc.finish()]);
      await dev.wait(staging.mapAsync(GPUMapMode.READ));
      const ticks = new BigUint64Array(staging.getMappedRange().slice(0));
      staging.unmap();
      for (const b of [staging, resolve]) b.destroy();
      querySet.destroy();
      throwIfDeviceError(dev, 'profiling the plan');
      return live.map((b, i) => {
        const node = plan.steps[b.step]!.node;
        const ms = Number(ticks[2 * i + 1]! - ticks[2 * i]!) / 1e6;
        return { step: b.step, op: node.op, ...(node.layer ? { layer: node.layer } : {}), kernel: b.dispatch.kernel.name, ms };
      });
    },
    destroy() {
      for (const b of owned) b.destroy();
    },
  };
}
