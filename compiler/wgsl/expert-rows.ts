/**
 * The grouped expert GEMM in a "row-uniform" layout (op `expertFfn`'s two GEMMs when K and cols
 * are multiples of 4): every invocation of a workgroup computes ALL rows of the tile (the
 * tile-map entry's rows in chunks of ≤ `tm`) for its own `cv` vec4 columns, so row indices and the
 * gathered source rows are resolved once per chunk row, not per FMA, and each weight vec4 is read
 * from storage once per chunk and applied to every row of it. There is no workgroup memory and no
 * barrier: the tiled kernel (wgsl/expert-ffn.ts) stages both tiles through workgroup memory, and on
 * lavapipe (a workgroup's invocations run as 8-wide SIMD lanes of LLVM-JITed CPU code) every
 * staging store, workgroup-memory read and barrier is paid per lane. Measured with
 * bench/expert-forward.ts at `npm run bench`'s shape (2048 slots, D 512, H 1024, 64 experts):
 * ~2.2× the tiled kernel for both GEMMs (load ~3.6; 12.8 / 11.9 GFLOP/s). The generated code
 * still reads and writes the per-row accumulator arrays per lane (once per K step), the next
 * thing to remove. Same bindings, tile map, indirect grid
 * and semantics as `groupedGemmKernel`: out[s] = act(a[src(s)]·w[e] + bias[e]) for the slots s of
 * each entry (expert e), src(s) = sourceRow[s] with `gather`, else s; the weights may be split over
 * up to 4 banks. Entries with expert −1 and grid slots past maxTiles exit at once.
 * With `subgroup` (adapters with WGSL `subgroups`; `SUBGROUP_ROWS_TILING`) a chunk is 8 rows and
 * the 8 invocations do not each gather the chunk rows' A values: lane l loads row l's vec4 of A
 * and `subgroupBroadcast` hands it to the others (as compiler/wgsl/matmul-subgroup.ts does for the
 * dense GEMM; on Mesa 25 a load at a lane-uniform but non-constant address is still a per-lane
 * gather), the accumulators are named registers, and each output is the same fma chain over k
 * (same bits as the default form). On a subgroup smaller than 8 every lane loads its rows itself.
 */
import { ceilDiv, grid1d, type Kernel } from './kernel.ts';
import { maxTiles } from './dispatch.ts';
import { defineProgram, type BindingDecl } from './program.ts';
import { EXPERT_TILE_ROWS, type GroupedGemmOptions } from './expert-ffn.ts';

/** Tiling of the row-uniform grouped GEMM. */
export interface RowsTiling {
  /** Rows per chunk (every invocation accumulates all of them). */
  readonly tm: number;
  /** vec4 columns per invocation. */
  readonly cv: number;
  /** Invocations per workgroup (columns per workgroup = 4·cv·wg). */
  readonly wg: number;
  /** vec4s of K per step of the K loop (each row's accumulators read and written once per step); used when it divides K/4, else 1. */
  readonly ks?: number;
}

/**
 * Default row-uniform tiling: 32-row chunks, 8 vec4 columns per invocation, 8 invocations (one
 * lavapipe SIMD group; 256 columns per workgroup), 2 vec4s of K per step. bench/expert-forward.ts
 * at the bench shape (5 alternating reps): at load ~15, cv 1 / 2 / 4 / 8 (256 columns per
 * workgroup, 1 vec4 of K per step) gave ~1.0 / 1.3 / 1.6 / 1.6× the tiled kernel; at load ~7,
 * 2 vec4s of K per step took cv 8 from 435 / 447 to 308 / 365 ms (layer 1 / layer 2); at load
 * ~3.6, 4 per step was no faster than 2 (170 / 179 vs 168 / 181 ms; tiled 372 / 396 ms).
 */
export const DEFAULT_ROWS_TILING: RowsTiling = { tm: 32, cv: 8, wg: 8, ks: 2 };

/** The subgroup form's tiling: 8-row chunks, one subgroup of 8 invocations, 2 vec4 columns each (bench/expert-forward.ts at the bench shape, loadavg 1.1, 5 reps: cv 2 141 / 125 ms, cv 1 158 / 130, the 32-row default form 196 / 162 ms for the two GEMMs). */
export const SUBGROUP_ROWS_TILING: RowsTiling = { tm: 8, cv: 2, wg: 8, ks: 1 };

/** True when the row-uniform kernel applies: untransposed weights, K and cols multiples of 4. */
export function rowsGemmApplies(o: { readonly K: number; readonly cols: number; readonly transposeW?: boolean }): boolean {
  return !o.transposeW && o.K % 4 === 0 && o.cols % 4 === 0 && o.K > 0 && o.cols > 0;
}

/** Column blocks (workgroups per tile-map entry) of the row-uniform GEMM. */
export function rowsGemmColBlocks(cols: number, tiling: RowsTiling = DEFAULT_ROWS_TILING): number {
  return Math.max(1, ceilDiv(cols, 4 * tiling.cv * tiling.wg));
}

/**
 * Row-uniform grouped GEMM. Bindings (as `groupedGemmKernel`): a, [sourceRow], tileMap,
 * w0..w{B−1}, bias, out, params; a, w*, bias and out are bound as vec4 arrays (same bytes).
 */
export function rowsGemmKernel(o: GroupedGemmOptions & { readonly rowsTiling?: RowsTiling; readonly subgroup?: boolean }): Kernel {
  if (!rowsGemmApplies(o)) {
    throw new Error(`expert FFN (row-uniform GEMM): needs untransposed weights and K, cols multiples of 4, got K=${o.K} cols=${o.cols}${o.transposeW ? ' transposeW' : ''}; use groupedGemmKernel`);
  }
  const sg = o.subgroup === true;
  const { tm: TM, cv: CV, wg: WG } = o.rowsTiling ?? (sg ? SUBGROUP_ROWS_TILING : DEFAULT_ROWS_TILING);
  if (!(TM >= 1 && CV >= 1 && WG >= 1 && WG <= 256)) throw new Error(`expert FFN (row-uniform GEMM): bad tiling tm=${TM} cv=${CV} wg=${WG}`);
  if (sg && (TM !== 8 || WG !== 8)) throw new Error(`expert FFN (row-uniform GEMM, subgroup form): needs tm = wg = 8 (one row per lane of an 8-lane subgroup), got tm=${TM} wg=${WG}`);
  const banks = o.banks ?? [o.n];
  if (banks.length < 1 || banks.length > 4) throw new Error(`expert FFN: 1..4 weight banks, got ${banks.length}`);
  if (banks.reduce((x, y) => x + y, 0) !== o.n) throw new Error(`expert FFN: banks ${banks.join('+')} must sum to n=${o.n}`);
  const starts = [0, 0, 0, 0];
  for (let b = 1; b < 4; b++) starts[b] = starts[b - 1]! + (banks[b - 1] ?? 0);
  const B = banks.length;
  const tiles = maxTiles({ N: o.N, k: o.k, n: o.n, tileRows: o.tileRows ?? EXPERT_TILE_ROWS });
  const colBlocks = rowsGemmColBlocks(o.cols, { tm: TM, cv: CV, wg: WG });
  const v4: BindingDecl = { access: 'read', type: 'vec4<f32>' };
  const bindings = {
    a: v4,
    ...(o.gather ? { sourceRow: { access: 'read', type: 'i32' } as const } : {}),
    tileMap: { access: 'read', type: 'vec4<i32>' } as const,
    ...Object.fromEntries(Array.from({ length: B }, (_, b) => [`w${b}`, v4])),
    bias: v4,
    out: { access: 'read_write', type: 'vec4<f32>' } as const,
  } as Record<string, BindingDecl>;
  const bankVars = ['', 'params.bank1', 'params.bank2', 'params.bank3'];
  // The weight vec4 at index idx (vec4 units within expert e's K×cols/4 block), picking the bank
  // (e is workgroup-uniform, so the branch is too).
  const wFn =
    B === 1
      ? 'fn w_at(e: u32, idx: u32) -> vec4<f32> { return w0[e * params.wPer + idx]; }'
      : `fn w_at(e: u32, idx: u32) -> vec4<f32> {\n${Array.from({ length: B - 1 }, (_, i) => B - 1 - i)
          .map((b) => `  if (e >= ${bankVars[b]}) { return w${b}[(e - ${bankVars[b]}) * params.wPer + idx]; }`)
          .join('\n')}\n  return w0[e * params.wPer + idx];\n}`;
  // Per invocation: cv vec4 columns c4 + j·WG (j < cv) of the block; lanes past cols are clamped
  // to the last column for loading and skip the store.
  const cols = range(CV);
  // k vec4s per step: the tiling's ks when it divides K/4, else 1.
  const ksWant = (o.rowsTiling ?? DEFAULT_ROWS_TILING).ks ?? 1;
  const KS = ksWant > 1 && (o.K / 4) % ksWant === 0 ? ksWant : 1;
  const body = sg ? subgroupBody(CV, o.gather, o.relu) : loopBody(CV, KS, o.gather, o.relu);
  const source = /* wgsl */ `// row-uniform grouped GEMM gather=${o.gather} relu=${o.relu} banks=${B} tm=${TM} cv=${CV} wg=${WG} ks=${KS}${sg ? ' subgroup' : ''}
${wFn}
const TM = ${TM}u;

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32${sg ? ', @builtin(subgroup_invocation_id) sl: u32, @builtin(subgroup_size) ss: u32' : ''}) {
  let g = wid.y * nwg.x + wid.x;
  let tile = g / params.colBlocks;
  if (tile >= params.maxTiles) { return; }
  let entry = tileMap[tile];
  if (entry.x < 0) { return; }
  let e = u32(entry.x);
  let K4 = params.K4;
  let C4 = params.C4;
  let cb = (g % params.colBlocks) * ${4 * CV * WG}u / 4u;
  if (cb >= C4) { return; }
${cols.map((j) => `  let c${j} = cb + t + ${j * WG}u;\n  let l${j} = min(c${j}, C4 - 1u);`).join('\n')}
  for (var rowStart = u32(entry.y); rowStart < u32(entry.z); rowStart += TM) {
    let nrows = min(TM, u32(entry.z) - rowStart);
${body}
  }
}
`;
  const program = defineProgram({
    name: `expert_gemm_rows${sg ? '_subgroup' : ''}${o.gather ? '_gather' : ''}${o.relu ? '_relu' : ''}`,
    bindings,
    uniforms: { K4: 'u32', C4: 'u32', wPer: 'u32', maxTiles: 'u32', colBlocks: 'u32', bank1: 'u32', bank2: 'u32', bank3: 'u32' },
    workgroupSize: WG,
    source,
  });
  const kernel = program.kernel(grid1d(colBlocks * tiles), {
    K4: o.K / 4,
    C4: o.cols / 4,
    wPer: (o.K * o.cols) / 4,
    maxTiles: tiles,
    colBlocks,
    bank1: starts[1]!,
    bank2: starts[2]!,
    bank3: starts[3]!,
  });
  // The enable directive must precede every declaration.
  return sg ? { ...kernel, wgsl: `enable subgroups;\n${kernel.wgsl}`, cacheKey: `${kernel.cacheKey}:subgroups` } : kernel;
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * The body of one row chunk: the chunk's source rows, then per 4 k the invocation's 4·cv weight
 * vec4s (loaded once) applied to every row of the chunk (a row loop over accumulator arrays; rows
 * past the chunk are neither computed nor stored), then bias, relu and the stores.
 */
function loopBody(CV: number, KS: number, gather: boolean, relu: boolean): string {
  const cols = range(CV);
  const qs = range(KS);
  return `    // Each tile row's source row (vec4 index of its first element), resolved once per chunk.
    var src: array<u32, TM>;
    for (var i = 0u; i < TM; i++) {
      let s = rowStart + min(i, nrows - 1u);
      src[i] = ${gather ? 'u32(sourceRow[s])' : 's'} * K4;
    }
    var acc: array<array<vec4<f32>, ${CV}>, TM>;
    for (var i = 0u; i < TM; i++) { for (var j = 0u; j < ${CV}u; j++) { acc[i][j] = vec4<f32>(0.0); } }
    for (var k4 = 0u; k4 < K4; k4 += ${KS}u) {
${qs.map((q) => `      let wr${q} = 4u * (k4 + ${q}u) * C4;\n${cols.map((j) => range(4).map((c) => `      let w${j}_${q}${c} = w_at(e, wr${q} + ${c === 0 ? '' : `${c}u * C4 + `}l${j});`).join('\n')).join('\n')}`).join('\n')}
      for (var i = 0u; i < nrows; i++) {
${qs.map((q) => `        let av${q} = a[src[i] + k4 + ${q}u];`).join('\n')}
${cols.map((j) => `        var s${j} = acc[i][${j}];\n${qs.map((q) => range(4).map((c) => `        s${j} = fma(vec4<f32>(av${q}.${'xyzw'[c]}), w${j}_${q}${c}, s${j});`).join('\n')).join('\n')}\n        acc[i][${j}] = s${j};`).join('\n')}
      }
    }
${cols
  .map(
    (j) => `    if (c${j} < C4) {
      let bv = bias[e * C4 + c${j}];
      for (var i = 0u; i < nrows; i++) {
        var v = acc[i][${j}] + bv;
        ${relu ? 'v = max(v, vec4<f32>(0.0));' : ''}
        out[(rowStart + i) * C4 + c${j}] = v;
      }
    }`,
  )
  .join('\n')}`;
}

/**
 * The subgroup form's chunk body (8 rows, one per lane): lane l gathers chunk row l's vec4 of A per
 * step of 4 k and broadcasts its components; weights per lane as vec4s of its column(s); named
 * accumulators; each output's chain is fma over k ascending from 0, then + bias (as `loopBody`).
 */
function subgroupBody(CV: number, gather: boolean, relu: boolean): string {
  const cols = range(CV);
  const rows = range(8);
  const srcOf = (r: string): string => `${gather ? `u32(sourceRow[${r}])` : `(${r})`} * K4`;
  const wLoads = (u: number): string => cols.map((j) => `        let w${j}_${u} = w_at(e, (4u * k4 + ${u}u) * C4 + l${j});`).join('\n');
  const fmas = (av: (i: number, u: number) => string): string =>
    range(4)
      .map((u) => `${wLoads(u)}\n${rows.map((i) => `        let av${i}_${u} = vec4<f32>(${av(i, u)});\n${cols.map((j) => `        acc${i}_${j} = fma(av${i}_${u}, w${j}_${u}, acc${i}_${j});`).join('\n')}`).join('\n')}`)
      .join('\n');
  return `${rows.flatMap((i) => cols.map((j) => `    var acc${i}_${j} = vec4<f32>(0.0);`)).join('\n')}
    if (ss >= 8u) {
      // Lane l's row of the chunk (the last row again past the chunk's end).
      let lsrc = ${srcOf('rowStart + min(sl, nrows - 1u)')};
      for (var k4 = 0u; k4 < K4; k4++) {
        let al = a[lsrc + k4];
${fmas((i, u) => `subgroupBroadcast(al.${'xyzw'[u]}, ${i}u)`)}
      }
    } else {
${rows.map((i) => `      let src${i} = ${srcOf(`rowStart + min(${i}u, nrows - 1u)`)};`).join('\n')}
      for (var k4 = 0u; k4 < K4; k4++) {
${rows.map((i) => `        let al${i} = a[src${i} + k4];`).join('\n')}
${fmas((i, u) => `al${i}.${'xyzw'[u]}`)}
      }
    }
${cols
  .map(
    (j) => `    if (c${j} < C4) {
      let bv = bias[e * C4 + c${j}];
${rows.map((i) => `      if (${i}u < nrows) { out[(rowStart + ${i}u) * C4 + c${j}] = ${relu ? `max(acc${i}_${j} + bv, vec4<f32>(0.0))` : `acc${i}_${j} + bv`}; }`).join('\n')}
    }`,
  )
  .join('\n')}`;
}
