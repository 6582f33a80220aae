/**
 * Grouped GEMM over expert-contiguous segments (op `expertFfn`), driven by the device-built tile
 * map of dispatch.ts: flattened workgroup g reads tile-map entry g / colBlocks = (expert e,
 * rowStart, rowEnd) (entries cover ≤ EXPERT_TILE_ROWS = 32 slots) and computes column block
 * g % colBlocks (128 columns) of out[s] = act(a[src(s)]·w[e] + bias[e]) for slots s in [rowStart,
 * rowEnd), in row tiles of tm rows (32 by default; 16 or 8 when the plan's experts get few rows,
 * `expertTiling`), 8×16 outputs per thread in vec4 registers, both
 * tiles staged through workgroup memory as vec4 (the register layout of matmul.ts), 32 k at a time,
 * read from storage as vec4 when K and cols are multiples of 4. 32-row tiles
 * because at the usual ~N·k/n ≈ 32 slots per expert 64-row tiles are half empty. In the first
 * layer src(s) = sourceRow[s] (rows gathered straight from x, no dispatched copy); in the second
 * src(s) = s. The static grid is the worst case (maxTiles × colBlocks, folded); the lowering
 * launches it indirectly over tileCount × colBlocks workgroups (the real entries, counted by the
 * dispatch on the device), and entries with expert −1 exit at once, so nothing is read back. The expert weights may be split over up to 4 bindings (`w0`..
 * `w3`), each holding a contiguous range of experts (bank b starts at expert bankStart[b], given in
 * the uniform): this is how expert banks larger than one 128 MiB storage binding are handled.
 * The expert FFN is two of these: hidden = gemm(gather x, w1, b1, relu); y = gemm(hidden, w2, b2).
 * With `transposeW` the kernel multiplies by each expert's weight transposed (bank stored [n, cols,
 * K]), transposing the tile as it stages it: the expert input gradients dslot = dpre·w1[e]ᵀ and
 * dhidden = dy·w2[e]ᵀ read the forward's weight banks directly, with no transposed copy.
 */
import { ceilDiv, grid1d, uniformBlock, type Kernel, type KernelBinding } from './kernel.ts';
import { maxTiles } from './dispatch.ts';

/** Rows per expert tile (also the tile-map granularity: pass it as DispatchShape.tileRows). */
export const EXPERT_TILE_ROWS = 32;

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
  /**
   * Read each expert's weight as the transpose of its stored matrix: the bank is stored
   * [n, cols, K] and the logical [K, cols] element (kk, col) of expert e is w[e·cols·K + col·K + kk]
   * (the input gradient of an expert layer, x·wᵀ, without a transposed copy of the bank). The tile
   * is transposed while it is staged into workgroup memory, so the inner loop is unchanged.
   */
  readonly transposeW?: boolean;
  /** Rows per entry of the tile map this kernel reads (DispatchShape.tileRows; default EXPERT_TILE_ROWS): sizes its maxTiles. */
  readonly tileRows?: number;
}

/** Register/workgroup tiling of the grouped GEMM (exposed for benchmarking variants). */
export interface ExpertTiling {
  /** Rows per tile (≤ or ≥ the tile map's EXPERT_TILE_ROWS: a map entry is processed in chunks of tm rows). */
  readonly tm: number;
  /** Columns per workgroup. */
  readonly tn: number;
  /** K step staged through workgroup memory per barrier pair. */
  readonly tk: number;
  /** Rows per thread. */
  readonly rm: number;
  /** Columns per thread. */
  readonly rn: number;
  /** Stage W in workgroup memory as vec4 and read 4 columns per load (rn, tn multiples of 4). */
  readonly vec4: boolean;
  /** Also stage the A tile as vec4 (4 rows per load; rm multiple of 4). */
  readonly avec4?: boolean;
  /** Read W from storage as vec4<f32> (4 columns per load) when cols % 4 == 0 (needs vec4; not with transposeW). */
  readonly wload4?: boolean;
  /** Read A from storage as vec4<f32> (4 consecutive k per load) when K % 4 == 0 (needs avec4). */
  readonly aload4?: boolean;
}

/**
 * Default: 32-row × 128-column tiles, 32 threads of 8 rows × 16 columns, K step 32, both tiles
 * staged as vec4, W (cols % 4 = 0) and A (K % 4 = 0) read from storage as vec4.
 * At ~32 slots per expert (N·k/n at the benchmark shape) 64-row tiles were half empty; vec4
 * workgroup-memory reads cut lavapipe's per-lane gathers ~4×. Measured on lavapipe (2 cores):
 * 64×64 8×8 scalar 1.8 GFLOP/s → K step 16, scalar storage reads ~4.0 GFLOP/s (bench/kernels.ts
 * shape). K step 32 + vec4 storage reads: faster again, but only if the W staging loop (32
 * iterations) is not fully unrolled: with one weight bank (the real plan at N=512 D=512 n=64
 * H=1024, 128 MiB) lavapipe unrolls it and the kernel got ~15% SLOWER than K step 16, while with
 * ≥ 2 banks (bench/kernels.ts) the bank branch kept the loop rolled and it was ~1.2× faster. Its
 * trip count is therefore made non-constant (+ params.zero); in-plan `moec profile` then gives
 * ~1.2–1.3× for both GEMMs.
 */
export const DEFAULT_EXPERT_TILING: ExpertTiling = { tm: EXPERT_TILE_ROWS, tn: 128, tk: 32, rm: 8, rn: 16, vec4: true, avec4: true, wload4: true, aload4: true };

/** 8-row tiles for experts with a handful of rows: 32 threads of 4 rows × 8 columns, 128 columns per workgroup. */
export const EXPERT_TILING_8: ExpertTiling = { tm: 8, tn: 128, tk: 32, rm: 4, rn: 8, vec4: true, avec4: true, wload4: true, aload4: true };
/** 16-row tiles: 32 threads of 4 rows × 16 columns, 128 columns per workgroup. */
export const EXPERT_TILING_16: ExpertTiling = { tm: 16, tn: 128, tk: 32, rm: 4, rn: 16, vec4: true, avec4: true, wload4: true, aload4: true };

/** 4-row tiles for experts with one to a few rows: 32 threads of 4 rows × 4 columns, 128 columns per workgroup. */
export const EXPERT_TILING_4: ExpertTiling = { tm: 4, tn: 128, tk: 32, rm: 4, rn: 4, vec4: true, avec4: true, wload4: true, aload4: true };

/**
 * The tile-map granularity of a plan's expert dispatch (DispatchShape.tileRows), chosen from the
 * mean rows per expert S/n (S = N·k slots, n experts): ≤ 2 → 4-row entries, ≤ 12 → 8, ≤ 24 →
 * 16, else EXPERT_TILE_ROWS (32). Every consumer of the map (the fused expert kernels, whose row
 * tile is the entry, and the grouped GEMMs) sizes it with this, so an entry holds about one
 * expert's rows and a tile's padding rows (computed and discarded) stay few; at ~4 rows per
 * expert a 32-row tile did ~8× the useful FMAs. Measured on lavapipe (fused kernels alone, 1024
 * experts, 4096 slots, D 32, H 1024; wall ms per dispatch, load ~8, last of 3 alternating reps):
 * forward 4569 / 3287 / 4027, input half 6197 / 4597 / 7220, weight half 7984 / 3879 / 4592 at
 * 32 / 8 / 4 rows: at a mean of 4 the 4-row map has 1.4× the entries (experts with 5–8 rows
 * split in two, each reading the expert's weights again), so 8 rows win; 4-row tiles are for
 * ≲ 2 rows per expert, where the entries are the active experts either way.
 */
export function expertTileRows(S: number, n: number): number {
  const mean = S / Math.max(1, n);
  if (mean <= 2) return 4;
  if (mean <= 12) return 8;
  if (mean <= 24) return 16;
  return EXPERT_TILE_ROWS;
}

/**
 * The row tile of a plan's grouped expert GEMMs, the tiling whose tm is the plan's tile-map
 * granularity `expertTileRows(S, n)` (4, 8, 16 or 32 rows). A tile's rows beyond its expert's
 * segment are computed and discarded, so at ~1.5 rows per expert a 32-row tile does ~20× the
 * useful FMAs and an 8-row one ~5× (the weights are read once per tile either way). Any tiling is
 * correct on any map (a kernel with a smaller row tile walks an entry's rows in chunks).
 * Measured in bench/expert-tiles.ts (8 and 16 rows) and the scale bench (4 rows).
 */
export function expertTiling(S: number, n: number): ExpertTiling {
  const rows = expertTileRows(S, n);
  if (rows === 4) return EXPERT_TILING_4;
  if (rows === 8) return EXPERT_TILING_8;
  if (rows === 16) return EXPERT_TILING_16;
  return DEFAULT_EXPERT_TILING;
}

/** Column blocks of a grouped GEMM (workgroups per tile-map entry). */
export function groupedGemmColBlocks(cols: number, tiling: ExpertTiling = DEFAULT_EXPERT_TILING): number {
  return Math.max(1, ceilDiv(cols, tiling.tn));
}

/**
 * Grouped GEMM kernel. Bindings: a, [sourceRow], tileMap, w0..w{B−1}, bias [n, cols], out [S, cols],
 * params. With transposeW and K % 4 == 0 (and a vec4 tiling) the weight bindings are declared
 * array<vec4<f32>> (same bytes; each bank's size is a multiple of 16).
 */
export function groupedGemmKernel(o: GroupedGemmOptions & { readonly tiling?: ExpertTiling }): Kernel {
  const tl = o.tiling ?? expertTiling(o.S, o.n);
  const { tm: TM, tn: TN, tk: TK, rm: RM, rn: RN, vec4: V4 } = tl;
  const AV4 = !!tl.avec4;
  if (AV4 && (RM % 4 !== 0 || TM % 4 !== 0)) throw new Error('expert FFN: avec4 tiling needs rm, tm multiples of 4');
  const CX = TN / RN; // threads across columns
  const RY = TM / RM; // threads across rows
  const WG = CX * RY;
  if (!Number.isInteger(CX) || !Number.isInteger(RY) || (TM * TK) % WG !== 0 || (TN * TK) % WG !== 0) {
    throw new Error(`expert FFN: bad tiling ${JSON.stringify(tl)}`);
  }
  if (V4 && (RN % 4 !== 0 || TN % 4 !== 0)) throw new Error('expert FFN: vec4 tiling needs rn, tn multiples of 4');
  const banks = o.banks ?? [o.n];
  if (banks.length < 1 || banks.length > 4) throw new Error(`expert FFN: 1..4 weight banks, got ${banks.length}`);
  if (banks.reduce((a, b) => a + b, 0) !== o.n) throw new Error(`expert FFN: banks ${banks.join('+')} must sum to n=${o.n}`);
  const starts = [0, 0, 0, 0];
  for (let b = 1; b < 4; b++) starts[b] = starts[b - 1]! + (banks[b - 1] ?? 0);
  const tiles = maxTiles({ N: o.N, k: o.k, n: o.n, tileRows: o.tileRows ?? EXPERT_TILE_ROWS });
  const u = uniformBlock([
    ['K', 'u32', o.K],
    ['cols', 'u32', o.cols],
    ['maxTiles', 'u32', tiles],
    // Always 0: added to a constant trip count so that lavapipe does not fully unroll the loop.
    ['zero', 'u32', 0],
    ['colBlocks', 'u32', ceilDiv(o.cols, TN)],
    ['bank1', 'u32', starts[1]!],
    ['bank2', 'u32', starts[2]!],
    ['bank3', 'u32', starts[3]!],
  ]);
  const B = banks.length;
  const TW = !!o.transposeW;
  // Transposed weights with K % 4 == 0: every 4-run along K of a stored row is 16-byte aligned, so
  // the weight banks are bound as vec4 arrays and the tile is fetched with real vec4 loads.
  const WV4 = TW && V4 && TK % 4 === 0 && o.K % 4 === 0;
  // Untransposed weights with cols % 4 == 0: every 4-column run of a row is 16-byte aligned.
  const WL4 = !TW && !!tl.wload4 && V4 && o.cols % 4 === 0;
  const AL4 = !!tl.aload4 && AV4 && o.K % 4 === 0 && TK % 4 === 0 && ((TM * TK) / 4) % WG === 0;
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
      const t = b.name === 'sourceRow' ? 'i32' : b.name === 'tileMap' ? 'vec4<i32>' : ((WV4 || WL4) && /^w\d$/.test(b.name)) || (AL4 && b.name === 'a') ? 'vec4<f32>' : 'f32';
      return `@group(0) @binding(${i}) var<storage, ${b.access}> ${b.name}: array<${t}>;`;
    })
    .join('\n');
  const bankVars = ['', 'params.bank1', 'params.bank2', 'params.bank3'];
  // Weight element `idx` (within an expert's K×cols matrix) of expert e, picking the bank.
  // With WV4 the name is w_at4 and idx is a multiple of 4 (a vec4 index is idx / 4).
  const wAt = (name: string, ret: string, at: (i: string) => string) =>
    B === 1
      ? `fn ${name}(e: u32, idx: u32) -> ${ret} { return w0[${at('e * params.K * params.cols + idx')}]; }`
      : `fn ${name}(e: u32, idx: u32) -> ${ret} {\n${Array.from({ length: B - 1 }, (_, i) => B - 1 - i)
          .map((b) => `  if (e >= ${bankVars[b]}) { return w${b}[${at(`(e - ${bankVars[b]}) * params.K * params.cols + idx`)}]; }`)
          .join('\n')}\n  return w0[${at('e * params.K * params.cols + idx')}];\n}`;
  const wFn = WV4 || WL4
    ? wAt('w_at4', 'vec4<f32>', (i) => `(${i}) / 4u`)
    : `${wAt('w_at', 'f32', (i) => i)}${TW && V4 ? '\nfn w_at4(e: u32, idx: u32) -> vec4<f32> { return vec4<f32>(w_at(e, idx), w_at(e, idx + 1u), w_at(e, idx + 2u), w_at(e, idx + 3u)); }' : ''}`;
  const RNV = V4 ? RN / 4 : RN; // B loads per thread per k
  const bsDecl = V4 ? `var<workgroup> Bs: array<vec4<f32>, ${(TK * TN) / 4}>;` : `var<workgroup> Bs: array<f32, ${TK * TN}>;`;
  // Thread column of register column j: scalar layout tx + CX·j; vec4 layout 4·(tx + CX·(j/4)) + j%4.
  const colOf = (j: string) => (V4 ? `4u * (tx + ${CX}u * (${j} / 4u)) + ${j} % 4u` : `tx + ${CX}u * ${j}`);
  // With vec4 A staging (rows of a thread in groups of 4: 4·(ty + RY·i4) + 0..3), a thread skips the
  // FMAs of row groups past the entry's last row; all its groups are past it → it skips the kk loop.
  const SKIP = V4 && AV4;
  const compute = SKIP
    ? `      var bv: array<vec4<f32>, ${RNV}>;
      for (var j = 0u; j < ${RNV}u; j++) { bv[j] = Bs[kk * ${TN / 4}u + tx + ${CX}u * j]; }
      for (var i4 = 0u; i4 < ${RM / 4}u; i4++) {
        if (4u * (ty + ${RY}u * i4) < nrows) {
          for (var ii = 0u; ii < 4u; ii++) {
            for (var j = 0u; j < ${RNV}u; j++) { acc[4u * i4 + ii][j] = fma(vec4<f32>(av[4u * i4 + ii]), bv[j], acc[4u * i4 + ii][j]); }
          }
        }
      }`
    : V4
    ? `      var bv: array<vec4<f32>, ${RNV}>;
      for (var j = 0u; j < ${RNV}u; j++) { bv[j] = Bs[kk * ${TN / 4}u + tx + ${CX}u * j]; }
      for (var i = 0u; i < ${RM}u; i++) {
        for (var j = 0u; j < ${RNV}u; j++) { acc[i][j] = fma(vec4<f32>(av[i]), bv[j], acc[i][j]); }
      }`
    : `      var bv: array<f32, ${RN}>;
      for (var j = 0u; j < ${RN}u; j++) { bv[j] = Bs[kk * TN + tx + ${CX}u * j]; }
      for (var i = 0u; i < ${RM}u; i++) {
        for (var j = 0u; j < ${RN}u; j++) { acc[i][j] = fma(av[i], bv[j], acc[i][j]); }
      }`;
  const accT = V4 ? `array<array<vec4<f32>, ${RNV}>, ${RM}>` : `array<array<f32, ${RN}>, ${RM}>`;
  // Transposed weights (TW): the tile's logical element (kr, col) is stored at w[e][gn·K + gk]. With a
  // vec4 tile and TK % 4 == 0 each thread unit is a 4-column × 4-k block: 4 loads of 4 consecutive k
  // (one per column, along the stored rows) transposed in registers into 4 vec4 rows of Bs.
  const bLoadT = !V4
    ? `    for (var r = 0u; r < ${(TN * TK) / WG}u; r++) {
      let q = t + ${WG}u * r;
      let kr = q % TK;
      let col = q / TK;
      let gk = k0 + kr;
      let gn = n0 + col;
      var v = 0.0;
      if (gk < K && gn < N) { v = w_at(e, gn * K + gk); }
      Bs[kr * TN + col] = v;
    }`
    : TK % 4 !== 0
      ? `    for (var r = 0u; r < ${Math.ceil((TN * TK) / WG)}u; r++) {
      let q = t + ${WG}u * r;
      if (q < ${TN * TK}u) {
        let kr = q % TK;
        let col = q / TK;
        let gk = k0 + kr;
        let gn = n0 + col;
        var v = 0.0;
        if (gk < K && gn < N) { v = w_at(e, gn * K + gk); }
        Bs[kr * ${TN / 4}u + col / 4u][col % 4u] = v;
      }
    }`
      : `    for (var r = 0u; r < ${Math.ceil((TN * TK) / 16 / WG)}u; r++) {
      let q = t + ${WG}u * r;
      if (q < ${(TN * TK) / 16}u) {
        let k4 = q % ${TK / 4}u;
        let c4 = q / ${TK / 4}u;
        let gk = k0 + 4u * k4;
        let gn = n0 + 4u * c4;
        var m: array<vec4<f32>, 4>;
        for (var i = 0u; i < 4u; i++) {
          var v = vec4<f32>(0.0);
          if (gn + i < N && gk < K) {
            let base = (gn + i) * K + gk;
            ${
              WV4
                ? 'v = w_at4(e, base);'
                : `if (gk + 3u < K) {
              v = w_at4(e, base);
            } else {
              for (var c = 0u; c < 4u; c++) { if (gk + c < K) { v[c] = w_at(e, base + c); } }
            }`
            }
          }
          m[i] = v;
        }
        for (var j = 0u; j < 4u; j++) {
          Bs[(4u * k4 + j) * ${TN / 4}u + c4] = vec4<f32>(m[0][j], m[1][j], m[2][j], m[3][j]);
        }
      }
    }`;
  const bLoad = TW
    ? bLoadT
    : V4
    ? `    for (var r = 0u; r < ${(TN * TK) / 4 / WG > 0 ? Math.ceil((TN * TK) / 4 / WG) : 1}u${WL4 ? ' + params.zero' : ''}; r++) {
      let q = t + ${WG}u * r;
      if (q < ${(TN * TK) / 4}u) {
        let kr = q / ${TN / 4}u;
        let c4 = q % ${TN / 4}u;
        let gk = k0 + kr;
        let gn = n0 + 4u * c4;
        var v = vec4<f32>(0.0);
        if (gk < K) {
          let base = gk * N + gn;
          ${WL4 ? 'if (gn < N) { v = w_at4(e, base); }' : `if (gn + 3u < N) {
            v = vec4<f32>(w_at(e, base), w_at(e, base + 1u), w_at(e, base + 2u), w_at(e, base + 3u));
          } else {
            for (var c = 0u; c < 4u; c++) { if (gn + c < N) { v[c] = w_at(e, base + c); } }
          }`}
        }
        Bs[q] = v;
      }
    }`
    : `    for (var r = 0u; r < ${(TN * TK) / WG}u; r++) {
      let q = t + ${WG}u * r;
      let kr = q / TN;
      let col = q % TN;
      let gk = k0 + kr;
      let gn = n0 + col;
      var v = 0.0;
      if (gk < K && gn < N) { v = w_at(e, gk * N + gn); }
      Bs[kr * TN + col] = v;
    }`;
  const aLoad = AL4
    ? `    for (var r = 0u; r < ${(TM * TK) / 4 / WG}u; r++) {
      let q = t + ${WG}u * r;
      let row = q / ${TK / 4}u;
      let k4 = q % ${TK / 4}u;
      let s = rowStart + row;
      let gk = k0 + 4u * k4;
      var v = vec4<f32>(0.0);
      if (s < rowEnd && gk < K) {
        ${o.gather ? 'let src = u32(sourceRow[s]);' : 'let src = s;'}
        v = a[(src * K + gk) / 4u];
      }
      for (var c = 0u; c < 4u; c++) { As[(4u * k4 + c) * ${TM / 4}u + row / 4u][row % 4u] = v[c]; }
    }`
    : `    for (var r = 0u; r < ${(TM * TK) / WG}u; r++) {
      let q = t + ${WG}u * r;
      let row = q / TK;
      let kk = q % TK;
      let s = rowStart + row;
      let gk = k0 + kk;
      var v = 0.0;
      if (s < rowEnd && gk < K) {
        ${o.gather ? 'let src = u32(sourceRow[s]);' : 'let src = s;'}
        v = a[src * K + gk];
      }
      ${AV4 ? 'As[kk * (TM / 4u) + row / 4u][row % 4u] = v;' : 'As[kk * TM + row] = v;'}
    }`;
  const accRead = V4 ? `acc[i][j / 4u][j % 4u]` : `acc[i][j]`;
  const wgsl = /* wgsl */ `// grouped_gemm gather=${o.gather} relu=${o.relu} banks=${B}${TW ? ` transposeW${WV4 ? ' vec4W' : ''}` : ''} tile=${TM}x${TN}x${TK} reg=${RM}x${RN}${V4 ? ' vec4' : ''}
${u.struct}
${decls}
${wFn}
const TM = ${TM}u;
const TN = ${TN}u;
const TK = ${TK}u;
${AV4 ? `var<workgroup> As: array<vec4<f32>, ${(TK * TM) / 4}>;` : `var<workgroup> As: array<f32, ${TK * TM}>;`}
${bsDecl}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  // Flattened (folded) grid: workgroup g = tile-map entry g / colBlocks, column block g % colBlocks.
  let g = wid.y * nwg.x + wid.x;
  let tile = g / params.colBlocks;
  if (tile >= params.maxTiles) { return; }
  let entry = tileMap[tile];
  if (entry.x < 0) { return; }
  let e = u32(entry.x);
  let K = params.K;
  let N = params.cols;
  let n0 = (g % params.colBlocks) * TN;
  if (n0 >= N) { return; }
  let tx = t % ${CX}u;
  let ty = t / ${CX}u;
  // The entry's rows in chunks of TM (an entry may hold more rows than this kernel's row tile).
  for (var rowStart = u32(entry.y); rowStart < u32(entry.z); rowStart += TM) {
  let rowEnd = min(rowStart + TM, u32(entry.z));
  let nrows = rowEnd - rowStart;
  var acc: ${accT};
  for (var i = 0u; i < ${RM}u; i++) { for (var j = 0u; j < ${V4 ? RN / 4 : RN}u; j++) { acc[i][j] = ${V4 ? 'vec4<f32>(0.0)' : '0.0'}; } }
  for (var k0 = 0u; k0 < K; k0 += TK) {
${aLoad}
${bLoad}
    workgroupBarrier();
    ${SKIP ? 'if (4u * ty < nrows) {' : '{'}
    for (var kk = 0u; kk < TK; kk++) {
${
        AV4
          ? `      var av4: array<vec4<f32>, ${RM / 4}>;
      for (var i = 0u; i < ${RM / 4}u; i++) { av4[i] = As[kk * ${TM / 4}u + ty + ${RY}u * i]; }
      var av: array<f32, ${RM}>;
      for (var i = 0u; i < ${RM}u; i++) { av[i] = av4[i / 4u][i % 4u]; }`
          : `      var av: array<f32, ${RM}>;
      for (var i = 0u; i < ${RM}u; i++) { av[i] = As[kk * TM + ty + ${RY}u * i]; }`
      }
${compute}
    }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < ${RM}u; i++) {
    let s = rowStart + ${AV4 ? `4u * (ty + ${RY}u * (i / 4u)) + i % 4u` : `ty + ${RY}u * i`};
    if (s >= rowEnd) { continue; }
    for (var j = 0u; j < ${RN}u; j++) {
      let gn = n0 + ${colOf('j')};
      if (gn >= N) { continue; }
      var v = ${accRead} + bias[e * N + gn];
      ${o.relu ? 'v = max(v, 0.0);' : ''}
      out[s * N + gn] = v;
    }
  }
  }
}
`;
  const tag = `${TM}x${TN}x${TK}:${RM}x${RN}${SKIP ? ':skip' : ''}${V4 ? ':v4' : ''}${AV4 ? ':av4' : ''}${WL4 ? ':wl4' : ''}${AL4 ? ':al4' : ''}`;
  return {
    name: `expert_gemm${TW ? '_wt' : ''}${o.gather ? '_gather' : ''}${o.relu ? '_relu' : ''}`,
    wgsl,
    bindings,
    workgroupSize: [WG, 1, 1],
    dispatch: grid1d(ceilDiv(o.cols, TN) * tiles),
    cacheKey: `expert_gemm:gather=${o.gather}:relu=${o.relu}:banks=${B}:${tag}${TW ? `:transposeW${WV4 ? ':vec4W' : ''}` : ''}`,
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
  /** Rows per tile-map entry (default EXPERT_TILE_ROWS). */
  readonly tileRows?: number;
}

/**
 * The two grouped GEMMs of the expert FFN. Layer 1 bindings: a = x, sourceRow, tileMap, w0.. = w1
 * bank(s), bias = b1, out = hidden [S,H]. Layer 2: a = hidden, tileMap, w0.. = w2 bank(s),
 * bias = b2, out = y [S,Dout].
 */
export function expertFfnKernels(o: ExpertFfnOptions & { readonly tiling?: ExpertTiling }): [Kernel, Kernel] {
  const S = o.N * o.k;
  const common = { S, N: o.N, k: o.k, n: o.n, ...(o.banks ? { banks: o.banks } : {}), ...(o.tiling ? { tiling: o.tiling } : {}), ...(o.tileRows ? { tileRows: o.tileRows } : {}) };
  return [
    groupedGemmKernel({ ...common, K: o.D, cols: o.H, gather: true, relu: true }),
    groupedGemmKernel({ ...common, K: o.H, cols: o.Dout, gather: false, relu: false }),
  ];
}
