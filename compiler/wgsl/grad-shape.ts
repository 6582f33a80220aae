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
import { grid1d, ceilDiv, uniformBlock, type Kernel } from './kernel.ts';

const WG = 256;

/** Geometry of a padding copy: dst [rows, n], dst[r, c] = src[r, c − start] for start ≤ c < end, else 0. */
export interface PadOptions {
  readonly rows: number;
  readonly n: number;
  readonly start: number;
  readonly end: number;
}

/** Padding copy. Bindings: `src` (read, u32 [rows, end − start]), `dst` (read_write), `params`. */
export function padKernel(o: PadOptions): Kernel {
  if (!(0 <= o.start && o.start <= o.end && o.end <= o.n)) throw new Error(`pad: bad range [${o.start}, ${o.end}) of ${o.n}`);
  const count = o.rows * o.n;
  const u = uniformBlock([
    ['count', 'u32', count],
    ['n', 'u32', Math.max(1, o.n)],
    ['start', 'u32', o.start],
    ['end', 'u32', o.end],
  ]);
  const wgsl = /* wgsl */ `// zero-padding copy (u32 words)
${u.struct}
@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * ${WG}u + lid;
  if (i >= params.count) { return; }
  let r = i / params.n;
  let c = i - r * params.n;
  var v = 0u;
  if (c >= params.start && c < params.end) { v = src[r * (params.end - params.start) + c - params.start]; }
  dst[i] = v;
}
`;
  return {
    name: 'pad',
    wgsl,
    bindings: [
      { name: 'src', access: 'read' },
      { name: 'dst', access: 'read_write' },
      { name: 'params', access: 'uniform' },
    ],
    workgroupSize: [WG, 1, 1],
    dispatch: grid1d(ceilDiv(count, WG)),
    cacheKey: 'pad',
    uniformData: u.data,
  };
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

/** Tiled transpose. Bindings: `src` (read, u32), `dst` (read_write, u32), `params`. */
export function transposeKernel(o: TransposeOptions): Kernel {
  const batch = o.batch ?? 1;
  const stride = o.dstStride ?? o.R;
  const gx = ceilDiv(o.C, T);
  const gy = ceilDiv(o.R, T);
  if (gx > 65535 || gy > 65535 || batch > 65535) throw new Error(`transpose: ${batch}×${o.R}×${o.C} exceeds the dispatch grid`);
  const u = uniformBlock([
    ['R', 'u32', o.R],
    ['C', 'u32', o.C],
    ['dstStride', 'u32', stride],
    ['dstOffset', 'u32', o.dstOffset ?? 0],
    ['dstBatch', 'u32', o.dstBatchStride ?? o.C * stride],
  ]);
  const wgsl = /* wgsl */ `// tiled batched transpose (u32 words)
${u.struct}
@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;
var<workgroup> tile: array<u32, ${T * (T + 1)}>;

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
`;
  return {
    name: 'transpose',
    wgsl,
    bindings: [
      { name: 'src', access: 'read' },
      { name: 'dst', access: 'read_write' },
      { name: 'params', access: 'uniform' },
    ],
    workgroupSize: [T, T, 1],
    dispatch: [Math.max(1, gx), Math.max(1, gy), Math.max(1, batch)],
    cacheKey: 'transpose',
    uniformData: u.data,
  };
}
