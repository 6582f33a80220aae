/**
 * GPU buffer helpers: create storage buffers, upload typed arrays, read buffers back. Sizes are
 * rounded up to 4 bytes (and at least 4, since zero-size bindings are invalid), so tensors with a
 * zero dimension (e.g. no rows for an expert) still get a bindable buffer.
 */
import type { DeviceContext } from '../device-context.ts';

/** Typed arrays moec moves to and from the GPU (f32, i32 and u32 tensors). */
export type HostArray = Float32Array | Int32Array | Uint32Array;

/** Default usage of moec tensor buffers: storage, copy source and destination. */
function storageUsage(): number {
  return GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | GPUBufferUsage.INDIRECT;
}

/** Creates an uninitialised (zeroed by WebGPU) buffer of at least `bytes` bytes. */
export function createBuffer(ctx: DeviceContext, bytes: number, usage: number = storageUsage(), label?: string): GPUBuffer {
  const size = Math.max(4, Math.ceil(bytes / 4) * 4);
  return ctx.device.createBuffer({ size, usage, ...(label !== undefined ? { label } : {}) });
}

/** Creates a storage buffer holding a copy of `data`. */
export function uploadBuffer(ctx: DeviceContext, data: HostArray, label?: string, usage: number = storageUsage()): GPUBuffer {
  const buf = createBuffer(ctx, data.byteLength, usage, label);
  if (data.byteLength > 0) ctx.device.queue.writeBuffer(buf, 0, data.buffer, data.byteOffset, data.byteLength);
  return buf;
}

/** Creates a uniform buffer holding `words`. */
export function uploadUniform(ctx: DeviceContext, words: Uint32Array, label?: string): GPUBuffer {
  return uploadBuffer(ctx, words, label, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
}

/** Copies `bytes` bytes of `buf` back to the host (one round trip). */
async function readBytes(ctx: DeviceContext, buf: GPUBuffer, bytes: number = buf.size): Promise<ArrayBuffer> {
  const size = Math.max(4, Math.ceil(bytes / 4) * 4);
  const staging = ctx.device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = ctx.device.createCommandEncoder();
  enc.copyBufferToBuffer(buf, 0, staging, 0, size);
  ctx.device.queue.submit([enc.finish()]);
  await ctx.wait(staging.mapAsync(GPUMapMode.READ));
  const out = staging.getMappedRange().slice(0, bytes);
  staging.unmap();
  staging.destroy();
  return out;
}

/** Reads `count` f32 values. */
export async function readF32(ctx: DeviceContext, buf: GPUBuffer, count: number): Promise<Float32Array> {
  return new Float32Array(await readBytes(ctx, buf, count * 4));
}

/** Reads `count` i32 values. */
export async function readI32(ctx: DeviceContext, buf: GPUBuffer, count: number): Promise<Int32Array> {
  return new Int32Array(await readBytes(ctx, buf, count * 4));
}

/** Reads `count` u32 values. */
export async function readU32(ctx: DeviceContext, buf: GPUBuffer, count: number): Promise<Uint32Array> {
  return new Uint32Array(await readBytes(ctx, buf, count * 4));
}
