/**
 * Grouped GEMM over expert-contiguous segments (op `expertFfn`), driven by the device-built tile
 * map of dispatch.ts: workgroup (x, y) reads tile-map entry y = (expert e, rowStart, rowEnd) and
 * computes a 64-row × 64-column tile of out[s] = act(a[src(s)]·w[e] + bias[e]) for slots s in
 * [rowStart, rowEnd), with the same 8×8-per-thread register blocking as matmul.ts. In the first
 * layer src(s) = sourceRow[s] (rows gathered straight from x, no dispatched copy); in the second
 * src(s) = s. The grid is the static worst case (maxTiles), entries with expert −1 exit at once, so
 * nothing is read back to the host. The expert weights may be split over up to 4 bindings (`w0`..
 * `w3`), each holding a contiguous range of experts (bank b starts at expert bankStart[b], given in
 * the uniform): this is how expert banks larger than one 128 MiB storage binding are handled.
 * The expert FFN is two of these: hidden = gemm(gather x, w1, b1, relu); y = gemm(hidden, w2, b2).
 */
import { ceilDiv, uniformBlock, type Kernel, type KernelBinding } from './kernel.ts';
import { maxTiles } from './dispatch.ts';

/** Rows per expert tile (also the tile-map granularity: pass it as DispatchShape.tileRows). */
export const EXPERT_TILE_ROWS = 64;

/** Options of one grouped GEMM. */
export interface GroupedGemmOptions {
  /** Total slots S = N·k. */
  readonly S: number;
  readonly N: number;
  readonly k: number;
  /** Number of experts. */
  readonly n: number;
  /** Input width (D for layer 1, H for layer 2). */
  readonly K: number;
  /** Output width (H for layer 1, Dout for layer 2). */
  readonly cols: number;
  /** Gather input rows by sourceRow (layer 1). */
  readonly gather: boolean;
  readonly relu: boolean;
  /** Experts per weight binding, in order (sum = n, at most 4 banks); default one bank. */
  readonly banks?: readonly number[];
}

const TM = EXPERT_TILE_ROWS;
const TN = 64;
const TK = 16;

/**
 * Grouped GEMM kernel. Bindings: a, [sourceRow], tileMap, w0..w{B−1}, bias [n, cols], out [S, cols],
 * params.
 */
export function groupedGemmKernel(o: GroupedGemmOptions): Kernel {
  const banks = o.banks ?? [o.n];
  if (banks.length < 1 || banks.length > 4) throw new Error(`expert FFN: 1..4 weight banks, got ${banks.length}`);
  if (banks.reduce((a, b) => a + b, 0) !== o.n) throw new Error(`expert FFN: banks ${banks.join('+')} must sum to n=${o.n}`);
  const starts = [0, 0, 0, 0];
  for (let b = 1; b < 4; b++) starts[b] = starts[b - 1]! + (banks[b - 1] ?? 0);
  const tiles = maxTiles({ N: o.N, k: o.k, n: o.n, tileRows: TM });
  const u = uniformBlock([
    ['K', 'u32', o.K],
    ['cols', 'u32', o.cols],
    ['maxTiles', 'u32', tiles],
    ['_r', 'u32', 0],
    ['bank1', 'u32', starts[1]!],
    ['bank2', 'u32', starts[2]!],
    ['bank3', 'u32', starts[3]!],
  ]);
  const B = banks.length;
  const bindings: KernelBinding[] = [
    { name: 'a', access: 'read' },
    ...(o.gather ? [{ name: 'sourceRow', access: 'read' } as const] : []),
    { name: 'tileMap', access: 'read' },
    ...Array.from({ length: B }, (_, b) => ({ name: `w${b}`, access: 'read' }) as const),
    { name: 'bias', access: 'read' },
    { name: 'out', access: 'read_write' },
    { name: 'params', access: 'uniform' },
  ];
  const decls = bindings
    .map((b, i) => {
      if (b.access === 'uniform') return `@group(0) @binding(${i}) var<uniform> params: Params;`;
      const t = b.name === 'sourceRow' ? 'i32' : b.name === 'tileMap' ? 'vec4<i32>' : 'f32';
      return `@group(0) @binding(${i}) var<storage, ${b.access}> ${b.name}: array<${t}>;`;
    })
    .join('\n');
  const bankVars = ['', 'params.bank1', 'params.bank2', 'params.bank3'];
  // Weight element `idx` (within an expert's K×cols matrix) of expert e, picking the bank.
  const wFn =
    B === 1
      ? `fn w_at(e: u32, idx: u32) -> f32 { return w0[e * params.K * params.cols + idx]; }`
      : `fn w_at(e: u32, idx: u32) -> f32 {\n${Array.from({ length: B - 1 }, (_, i) => B - 1 - i)
          .map((b) => `  if (e >= ${bankVars[b]}) { return w${b}[(e - ${bankVars[b]}) * params.K * params.cols + idx]; }`)
          .join('\n')}\n  return w0[e * params.K * params.cols + idx];\n}`;
  const wgsl = /* wgsl */ `// grouped_gemm gather=${o.gather} relu=${o.relu} banks=${B}
${u.struct}
${decls}
${wFn}
const TM = ${TM}u;
const TN = ${TN}u;
const TK = ${TK}u;
var<workgroup> As: array<f32, ${TK * TM}>;
var<workgroup> Bs: array<f32, ${TK * TN}>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let entry = tileMap[wid.y];
  if (entry.x < 0) { return; }
  let e = u32(entry.x);
  let rowStart = u32(entry.y);
  let rowEnd = u32(entry.z);
  let K = params.K;
  let N = params.cols;
  let n0 = wid.x * TN;
  if (n0 >= N) { return; }
  let tx = t % 8u;
  let ty = t / 8u;
  var acc: array<array<f32, 8>, 8>;
  for (var i = 0u; i < 8u; i++) { for (var j = 0u; j < 8u; j++) { acc[i][j] = 0.0; } }
  for (var k0 = 0u; k0 < K; k0 += TK) {
    for (var r = 0u; r < ${(TM * TK) / 64}u; r++) {
      let q = t + 64u * r;
      let row = q / TK;
      let kk = q % TK;
      let s = rowStart + row;
      let gk = k0 + kk;
      var v = 0.0;
      if (s < rowEnd && gk < K) {
        ${o.gather ? 'let src = u32(sourceRow[s]);' : 'let src = s;'}
        v = a[src * K + gk];
      }
      As[kk * TM + row] = v;
    }
    for (var r = 0u; r < ${(TN * TK) / 64}u; r++) {
      let q = t + 64u * r;
      let kr = q / TN;
      let col = q % TN;
      let gk = k0 + kr;
      let gn = n0 + col;
      var v = 0.0;
      if (gk < K && gn < N) { v = w_at(e, gk * N + gn); }
      Bs[kr * TN + col] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      var av: array<f32, 8>;
      var bv: array<f32, 8>;
      for (var i = 0u; i < 8u; i++) { av[i] = As[kk * TM + ty + 8u * i]; }
      for (var j = 0u; j < 8u; j++) { bv[j] = Bs[kk * TN + tx + 8u * j]; }
      for (var i = 0u; i < 8u; i++) {
        for (var j = 0u; j < 8u; j++) { acc[i][j] = fma(av[i], bv[j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 8u; i++) {
    let s = rowStart + ty + 8u * i;
    if (s >= rowEnd) { continue; }
    for (var j = 0u; j < 8u; j++) {
      let gn = n0 + tx + 8u * j;
      if (gn >= N) { continue; }
      var v = acc[i][j] + bias[e * N + gn];
      ${o.relu ? 'v = max(v, 0.0);' : ''}
      out[s * N + gn] = v;
    }
  }
}
`;
  return {
    name: `expert_gemm${o.gather ? '_gather' : ''}${o.relu ? '_relu' : ''}`,
    wgsl,
    bindings,
    workgroupSize: [64, 1, 1],
    dispatch: [ceilDiv(o.cols, TN), tiles, 1],
    cacheKey: `expert_gemm:gather=${o.gather}:relu=${o.relu}:banks=${B}`,
    uniformData: u.data,
  };
}

/** Shapes of the whole expert FFN (op `expertFfn`). */
export interface ExpertFfnOptions {
  readonly N: number;
  readonly k: number;
  readonly n: number;
  readonly D: number;
  readonly H: number;
  readonly Dout: number;
  /** Experts per weight binding for w1 and w2 (default: one bank each). */
  readonly banks?: readonly number[];
}

/**
 * The two grouped GEMMs of the expert FFN. Layer 1 bindings: a = x, sourceRow, tileMap, w0.. = w1
 * bank(s), bias = b1, out = hidden [S,H]. Layer 2: a = hidden, tileMap, w0.. = w2 bank(s),
 * bias = b2, out = y [S,Dout].
 */
export function expertFfnKernels(o: ExpertFfnOptions): [Kernel, Kernel] {
  const S = o.N * o.k;
  const common = { S, N: o.N, k: o.k, n: o.n, banks: o.banks };
  return [
    groupedGemmKernel({ ...common, K: o.D, cols: o.H, gather: true, relu: true }),
    groupedGemmKernel({ ...common, K: o.H, cols: o.Dout, gather: false, relu: false }),
  ];
}
