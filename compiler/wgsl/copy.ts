/**
 * Copy kernels for the shape ops select0, stack0 and sliceLast. All three are instances of ONE
 * strided 2-D copy, dst[dstOffset + r·dstStride + c] = src[srcOffset + r·srcStride + c] for
 * r < rows, c < width, on u32 words (bit copies, so f32 and i32 tensors alike, exactly), with
 * every size and offset in the uniform: a single pipeline serves every copy in a plan. select0 is
 * one contiguous row at an offset, stack0 is one dispatch per input writing at k·inner, and
 * sliceLast is `rows` rows of width end − start taken at column `start`. (reshape needs no kernel:
 * it is the same buffer.) A contiguous copy could also be a `copyBufferToBuffer` outside the
 * compute pass; these kernels exist so a plan can stay in one compute pass.
 */
import { FLAT_WORKGROUP_WGSL, grid1d, ceilDiv, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';

/** Geometry of a strided copy (all in 32-bit elements). */
export interface CopyOptions {
  readonly rows: number;
  readonly width: number;
  readonly srcOffset?: number;
  readonly srcStride?: number;
  readonly dstOffset?: number;
  readonly dstStride?: number;
}

const WG = 256;

/**
 * Strided copy kernel; bindings: `src` (read), `dst` (read_write), `params`. Strides default to
 * `width`, offsets to 0. Exact for any 32-bit dtype.
 */
export function copyKernel(o: CopyOptions): Kernel {
  const count = o.rows * o.width;
  return COPY.kernel(grid1d(ceilDiv(count, WG)), {
    count,
    width: Math.max(1, o.width),
    srcOffset: o.srcOffset ?? 0,
    srcStride: o.srcStride ?? o.width,
    dstOffset: o.dstOffset ?? 0,
    dstStride: o.dstStride ?? o.width,
  });
}

const COPY = defineProgram({
  name: 'copy',
  bindings: { src: { access: 'read', type: 'u32' }, dst: { access: 'read_write', type: 'u32' } },
  uniforms: { count: 'u32', width: 'u32', srcOffset: 'u32', srcStride: 'u32', dstOffset: 'u32', dstStride: 'u32' },
  workgroupSize: WG,
  source: /* wgsl */ `
${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_workgroup(wid, nwg) * ${WG}u + lid;
  if (i >= params.count) { return; }
  let r = i / params.width;
  let c = i - r * params.width;
  dst[params.dstOffset + r * params.dstStride + c] = src[params.srcOffset + r * params.srcStride + c];
}
`,
});

/** select0: x [T, ...rest] → x[index]; `inner` = numel(rest). Bindings src = x, dst = out. */
export function select0Kernel(inner: number, index: number): Kernel {
  return { ...copyKernel({ rows: 1, width: inner, srcOffset: index * inner }), name: 'select0' };
}

/**
 * stack0 of k inputs of `inner` elements each: k kernels, kernel j copies input j (bound as
 * `src`) into `dst` = out at offset j·inner. All share one pipeline.
 */
export function stack0Kernels(k: number, inner: number): Kernel[] {
  return Array.from({ length: k }, (_, j) => ({ ...copyKernel({ rows: 1, width: inner, dstOffset: j * inner }), name: `stack0[${j}]` }));
}

/** sliceLast: x viewed as [rows, n] → x[:, start:end] as [rows, end − start]. Bindings src, dst. */
export function sliceLastKernel(rows: number, n: number, start: number, end: number): Kernel {
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start < end && end <= n)) {
    throw new Error(`sliceLast [${start}:${end}] out of range for last dimension ${n}`);
  }
  const w = end - start;
  return { ...copyKernel({ rows, width: w, srcOffset: start, srcStride: n, dstStride: w }), name: 'sliceLast' };
}
