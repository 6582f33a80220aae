/**
 * GPU memory of a lowered plan, shared by the single- and multi-device WebGPU executors: one
 * GPUBuffer per persistent storage part and one per temporary arena, each temporary bound as a
 * range `{ arena, offset, size }`. WebGPU forbids a buffer to be used writable and in any other way
 * in one dispatch, so when a dispatch writes a temporary of an arena, every other binding of that
 * arena in the dispatch is bound writable too: `arenaSafeKernel` returns the kernel with those
 * bindings' WGSL access (and layout) promoted from `read` to `read_write` — the ranges never
 * overlap (the planner guarantees it, and gives temporaries bound twice or read as an indirect
 * grid whole-buffer arenas of their own), so this is valid and changes no numbers.
 */
import type { Dispatch, PartRef, Plan } from '../../compiler/plan.ts';
import type { Kernel } from '../../compiler/wgsl/kernel.ts';

/** Where each storage lives on the device. */
export interface PlanMemory {
  /** Per storage: its GPUBuffers (the parts of a split persistent storage; a temporary's arena). */
  readonly parts: readonly (readonly GPUBuffer[])[];
  /** Per storage: its byte offset in its first GPUBuffer (non-zero only for temporaries). */
  readonly base: readonly number[];
}

const align4 = (n: number): number => Math.max(4, Math.ceil(n / 4) * 4);

/**
 * Allocates the plan's storages with `make(bytes, label)`. Throws naming the arena when one is
 * larger than the device's maxBufferSize.
 */
export function allocatePlanMemory(plan: Plan, make: (bytes: number, label: string) => GPUBuffer, maxBufferSize: number): PlanMemory {
  const m = plan.memory;
  if (!m) throw new Error('plan has no memory layout; lower it with lowerToWebGpu first');
  const arenas = m.arenaBytes.map((bytes, i) => {
    if (bytes > maxBufferSize) {
      throw new Error(`temporary arena ${i} needs ${bytes} bytes but this device allows buffers of at most ${maxBufferSize} bytes; use a smaller batch or run with --backend cpu`);
    }
    return make(bytes, `arena${i}`);
  });
  const parts = plan.storages.map((s) => {
    if (s.role === 'temp') return [arenas[s.arena!]!];
    const sizes = s.parts ?? [s.bytes];
    return sizes.map((bytes, p) => make(bytes, `storage${s.id}.${s.role}${sizes.length > 1 ? `.part${p}` : ''}`));
  });
  const base = plan.storages.map((s) => (s.role === 'temp' ? s.offset! : 0));
  return { parts, base };
}

/** The buffer range a binding of `ref` covers (size rounded up to 4 bytes, at least 4). */
export function bindingRange(plan: Plan, mem: PlanMemory, ref: number | PartRef): { buffer: GPUBuffer; offset: number; size: number } {
  const id = typeof ref === 'number' ? ref : ref.buffer;
  const part = typeof ref === 'number' ? 0 : ref.part;
  const b = plan.buffers[id]!;
  const s = plan.storages[b.storage]!;
  const elems = b.type.shape.reduce((a, x) => a * x, 1);
  const size = s.parts ? align4(s.parts[part]!) : align4(elems * 4);
  return { buffer: mem.parts[s.id]![part]!, offset: part === 0 ? mem.base[s.id]! : 0, size };
}

/**
 * `d.kernel`, or a variant of it whose `read` storage bindings are `read_write` where another
 * binding of the same dispatch writes the same GPUBuffer (an arena).
 */
export function arenaSafeKernel(plan: Plan, mem: PlanMemory, d: Dispatch): Kernel {
  const k = d.kernel;
  const bufferOf = (name: string): GPUBuffer | undefined => {
    const ref = d.bind[name];
    return ref === undefined ? undefined : bindingRange(plan, mem, ref).buffer;
  };
  const written = new Set<GPUBuffer>();
  for (const b of k.bindings) if (b.access === 'read_write') written.add(bufferOf(b.name)!);
  const promote = k.bindings.map((b) => b.access === 'read' && written.has(bufferOf(b.name)!));
  if (!promote.some((p) => p)) return k;
  let wgsl = k.wgsl;
  promote.forEach((p, i) => {
    if (!p) return;
    const from = `@group(0) @binding(${i}) var<storage, read>`;
    if (!wgsl.includes(from)) throw new Error(`kernel ${k.name}: cannot find the declaration of binding ${i} ('${k.bindings[i]!.name}') to bind it writable`);
    wgsl = wgsl.replace(from, `@group(0) @binding(${i}) var<storage, read_write>`);
  });
  return {
    ...k,
    wgsl,
    bindings: k.bindings.map((b, i) => (promote[i] ? { ...b, access: 'read_write' as const } : b)),
    cacheKey: `${k.cacheKey}|rw${promote.map((p) => (p ? 1 : 0)).join('')}`,
  };
}
