/**
 * Shape-op gradients as 32-bit word copies (exact for f32 and i32): a zero-padding copy that serves
 * `zeros` (nothing copied), `scatter0` (one contiguous block at index·inner of a zeroed [size, ...])
 * and `padLast` (columns start..end−1 of each row, zeros elsewhere) — one pipeline for all three,
 * every element of the output written exactly once, so no separate clear — and a tiled batched
 * transpose (`transpose`, and the transposed weights/activations the training GEMMs need): a
 * 16×16 tile of each matrix is staged through workgroup memory so both the reads and the writes of
 * neighbouring invocations are contiguous. The transpose writes at a destination offset and row
 * stride, so it can also place a matrix's transpose as a column block of a wider matrix (the LSTM
 * gradient builds [h0; h_0..h_{T−2}]ᵀ this way). All sizes live in the uniform.
 */
import { FLAT_WORKGROUP_WGSL, grid1d, ceilDiv, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';

const WG = 256;

/** Geometry of a padding copy: dst [rows, n], dst[r, c] = src[r, c − start] for start ≤ c < end, else 0. */
export interface PadOptions {
  readonly rows: number;
  readonly n: number;
  readonly start: number;
  readonly end: number;
}

const PAD = defineProgram({
  name: 'pad',
  bindings: { src: { access: 'read', type: 'u32' }, dst: { access: 'read_write', type: 'u32' } },
  uniforms: { count: 'u32', n: 'u32', start: 'u32', end: 'u32' },
  workgroupSize: WG,
  source: /* wgsl */ `
${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_workgroup(wid, nwg) * ${WG}u + lid;
  if (i >= params.count) { return; }
  let r = i / params.n;
  let c = i - r * params.n;
  var v = 0u;
  if (c >= params.start && c < params.end) { v = src[r * (params.end - params.start) + c - params.start]; }
  dst[i] = v;
}
`,
});

/** Padding copy. Bindings: `src` (read, u32 [rows, end − start]), `dst` (read_write), `params`. */
export function padKernel(o: PadOptions): Kernel {
  if (!(0 <= o.start && o.start <= o.end && o.end <= o.n)) throw new Error(`pad: bad range [${o.start}, ${o.end}) of ${o.n}`);
  const count = o.rows * o.n;
  return PAD.kernel(grid1d(ceilDiv(count, WG)), { count, n: Math.max(1, o.n), start: o.start, end: o.end });
}

/** Geometry of a batched transpose: src [batch, R, C] → dst[b·dstBatchStride + dstOffset + c·dstStride + r]. */
export interface TransposeOptions {
  readonly batch?: number;
  readonly R: number;
  readonly C: number;
  /** Row stride of the destination (default R). */
  readonly dstStride?: number;
  /** Offset of element (0, 0) of the first transposed matrix (default 0). */
  readonly dstOffset?: number;
  /** Distance between consecutive transposed matrices (default C·dstStride). */
  readonly dstBatchStride?: number;
}

const T = 16;

const TRANSPOSE = defineProgram({
  name: 'transpose',
  bindings: { src: { access: 'read', type: 'u32' }, dst: { access: 'read_write', type: 'u32' } },
  uniforms: { R: 'u32', C: 'u32', dstStride: 'u32', dstOffset: 'u32', dstBatch: 'u32' },
  workgroupSize: [T, T, 1],
  source: /* wgsl */ `var<workgroup> tile: array<u32, ${T * (T + 1)}>;

@compute @workgroup_size(${T}, ${T})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let R = params.R;
  let C = params.C;
  let b = wid.z;
  let r = wid.y * ${T}u + lid.y;
  let c = wid.x * ${T}u + lid.x;
  if (r < R && c < C) { tile[lid.y * ${T + 1}u + lid.x] = src[(b * R + r) * C + c]; }
  workgroupBarrier();
  let oc = wid.x * ${T}u + lid.y; // destination row (a source column)
  let orow = wid.y * ${T}u + lid.x; // destination column (a source row)
  if (oc < C && orow < R) {
    dst[b * params.dstBatch + params.dstOffset + oc * params.dstStride + orow] = tile[lid.x * ${T + 1}u + lid.y];
  }
}
`,
});

/** Tiled transpose. Bindings: `src` (read, u32), `dst` (read_write, u32), `params`. */
export function transposeKernel(o: TransposeOptions): Kernel {
  const batch = o.batch ?? 1;
  const stride = o.dstStride ?? o.R;
  const gx = ceilDiv(o.C, T);
  const gy = ceilDiv(o.R, T);
  if (gx > 65535 || gy > 65535 || batch > 65535) throw new Error(`transpose: ${batch}×${o.R}×${o.C} exceeds the dispatch grid`);
  return TRANSPOSE.kernel([Math.max(1, gx), Math.max(1, gy), Math.max(1, batch)], {
    R: o.R,
    C: o.C,
    dstStride: stride,
    dstOffset: o.dstOffset ?? 0,
    dstBatch: o.dstBatchStride ?? o.C * stride,
  });
}
