/**
 * Factored Adam (β1 = 0) over a batch of r × c matrices by tiles, shared by the dense update (every
 * matrix of a [batch, r, c] parameter) and the sparse expert update (only the experts on the
 * active-expert list [count, e0, e1, …], indirect grids, lazy catch-up of skipped steps). A
 * matrix is cut into tiles of TR rows × TC columns (`factoredTiling`: TX × TY invocations, each
 * owning V = 4 adjacent columns when c % 4 = 0 — vec4 loads — and S rows strided by TY), and every
 * pass over g is one workgroup per tile, so a large matrix fills the device. Five passes:
 * `factoredTileSumsKernel` reads g once and writes each tile's row sums and column sums of
 * g² + 1e-30 (fixed-order trees in workgroup memory, no atomics); `factoredLinesKernel` adds the
 * tiles' partial sums of each line in tile order into vr' and vc' (catching up skipped steps first
 * when sparse: x ← β2ˢ·(x − eps1) + eps1, β2ˢ = exp2(s·log2 β2), s = step − last[e]);
 * `factoredSqKernel` (only with clipping) reads g again for each tile's Σ g²/(vr'_i·vc'_j);
 * `factoredStatsKernel` (one workgroup per matrix, O(r + tiles)) forms mean(vr'), the clipping
 * divisor max(1, rms(u)/clip) from Σ u² = mean(vr')·(1 − β2ᵗ)·Σ g²/(vr'·vc') and, sparse, sets
 * last[e] = step + 1; `factoredUpdateKernel` reads g, p and writes p −= lr·u/div with
 * u = g/sqrt((vr'/mean(vr'))·vc'/(1 − β2ᵗ)) (0 where g = 0) as g times a column and a row factor. Traffic: 16 B per weight without
 * clipping, 20 with; every sum has a fixed order, so results are bit-identical run to run.
 */
import { FACTORED_STEP_UNIFORMS, factoredStepValues } from './optimizers.ts';
import { ceilDiv, FLAT_WORKGROUP_WGSL, FOLD_GRID_WGSL, grid1d, type Kernel } from './kernel.ts';
import { defineProgram, packUniformValues, type BindingDecl, type UniformValues } from './program.ts';

const WG = 256;
/** Most rows one invocation walks per tile (workgroup memory holds S·WG row partials). */
const MAX_S = 16;
/** Lines (rows or columns) per invocation of the lines kernel. */
const LINES = 4;

/** Tile geometry of a matrix r × c (see the file comment). */
export interface FactoredTiling {
  readonly V: 1 | 4;
  readonly TX: number;
  readonly TY: number;
  readonly S: number;
  readonly TR: number;
  readonly TC: number;
  readonly tilesR: number;
  readonly tilesC: number;
  /** Tiles per matrix (tilesR·tilesC). */
  readonly per: number;
  /** Workgroups per matrix of the lines kernel (one invocation per row and per column). */
  readonly perLines: number;
  /**
   * Which whole lines one tile holds: 'cols' when tilesR = 1 (a tile spans every row, so the sums
   * kernel completes its columns' vc' and the clipping partials per row), 'rows' when tilesC = 1
   * (and tilesR > 1: symmetric, vr' and per-column partials), else 'none' (lines kernel, sq pass).
   */
  readonly own: 'cols' | 'rows' | 'none';
}

const pow2ceil = (x: number) => 2 ** Math.ceil(Math.log2(Math.max(1, x)));

/** The tiles of an r × c matrix: TX column lanes (wider when r is small), TY = 256/TX row lanes, S ≤ 16 rows per lane. */
export function factoredTiling(r: number, c: number): FactoredTiling {
  const V = c % 4 === 0 ? 4 : 1;
  const TX = Math.min(pow2ceil(ceilDiv(c, V)), Math.max(64, WG / pow2ceil(r)), WG);
  const TY = WG / TX;
  const S = Math.min(MAX_S, Math.max(1, ceilDiv(r, TY)));
  const TR = TY * S;
  const TC = TX * V;
  const tilesR = Math.max(1, ceilDiv(r, TR));
  const tilesC = Math.max(1, ceilDiv(c, TC));
  const own = tilesR === 1 ? 'cols' : tilesC === 1 ? 'rows' : 'none';
  return { V, TX, TY, S, TR, TC, tilesR, tilesC, per: tilesR * tilesC, perLines: Math.max(1, ceilDiv(r + c, WG * LINES)), own };
}

/** Shape, mode and hyper-parameters of the tiled factored-Adam kernels; `step` is the 0-based step (t = step + 1). */
export interface FactoredTileOptions {
  /** Active-expert list (sparse) or every one of `batch` matrices (dense). */
  readonly sparse: boolean;
  /** Matrices (dense), or experts in the bank (sparse: sizes the worst-case grid shown in listings). */
  readonly batch: number;
  readonly r: number;
  readonly c: number;
  readonly lr: number;
  readonly beta2: number;
  readonly clip: number;
  readonly step: number;
}

/**
 * Elements of the scratch buffers of one update: per-tile column sums, row sums, clipping sums
 * (per tile; own 'cols': per tile and row, 'rows': per tile and column), and the per-matrix stats.
 */
export function factoredScratch(o: { readonly batch: number; readonly r: number; readonly c: number }): { colPart: number; rowPart: number; sqPart: number; stats: number } {
  const t = factoredTiling(o.r, o.c);
  const sq = t.own === 'cols' ? t.tilesC * o.r : t.own === 'rows' ? t.tilesR * o.c : t.per;
  return { colPart: o.batch * t.tilesR * o.c, rowPart: o.batch * t.tilesC * o.r, sqPart: o.batch * sq, stats: 2 * o.batch };
}

/** The uniform fields every tiled factored-Adam kernel binds: shape, tiling, then the step's (`FACTORED_STEP_UNIFORMS`). */
const TILE_UNIFORMS = Object.freeze({ batch: 'u32', r: 'u32', c: 'u32', tilesR: 'u32', tilesC: 'u32', per: 'u32', perLines: 'u32', ...FACTORED_STEP_UNIFORMS } as const);

function tileValues(o: FactoredTileOptions): UniformValues<typeof TILE_UNIFORMS> {
  const t = factoredTiling(o.r, o.c);
  return { batch: o.batch, r: o.r, c: o.c, tilesR: t.tilesR, tilesC: t.tilesC, per: t.per, perLines: t.perLines, ...factoredStepValues(o) };
}

/**
 * The uniform block every tiled factored-Adam kernel binds (shape, tiling, and the step's fields):
 * the lowering rebuilds only this per run, not the kernels.
 */
export function factoredUniforms(o: FactoredTileOptions): { readonly data: Uint32Array } {
  return { data: packUniformValues(TILE_UNIFORMS, tileValues(o)) };
}

/** A storage binding of the tiled kernels: element type f32 (default), i32, or 'vec' (the tiling's item, vec4<f32> or f32). */
interface Bind {
  readonly name: string;
  readonly access: 'read' | 'read_write';
  readonly ty?: 'f32' | 'i32' | 'vec';
}

function kernelOf(o: FactoredTileOptions, pass: string, binds: readonly Bind[], body: string, grid: number, extra = ''): Kernel {
  const t = factoredTiling(o.r, o.c);
  const vec = t.V === 4 ? 'vec4<f32>' : 'f32';
  const bindings: Record<string, BindingDecl> = Object.fromEntries(binds.map((b) => [b.name, { access: b.access, type: b.ty === 'vec' ? vec : (b.ty ?? 'f32') }]));
  // Flattened workgroup → slot a (row of the per-slot scratch), matrix e, block k within the matrix.
  const locate = (per: string) => `let w = flat_workgroup(wid, nwg);
  let a = w / ${per};
  if (a >= ${o.sparse ? 'u32(max(activeList[0], 0))' : 'params.batch'}) { return; }
  let k = w - a * ${per};
  let e = ${o.sparse ? 'u32(activeList[1u + a])' : 'a'};`;
  const source = /* wgsl */ `// factored adam (${o.sparse ? 'active experts' : 'every matrix'}, tiles ${t.TR}×${t.TC}): ${pass}
const V = ${t.V}u;
const TX = ${t.TX}u;
const TY = ${t.TY}u;
const S = ${t.S}u;
const TR = ${t.TR}u;
const TC = ${t.TC}u;
alias VF = ${vec};
// Sum of the components in a fixed order.
fn hsum(x: VF) -> f32 { ${t.V === 4 ? 'return ((x.x + x.y) + x.z) + x.w;' : 'return x;'} }
${FLAT_WORKGROUP_WGSL}
${extra}@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  ${locate(pass === 'lines' ? 'params.perLines' : pass === 'stats' ? '1u' : 'params.per')}
  let R = params.r;
  let C = params.c;
  ${body}
}
`;
  const program = defineProgram({ name: `${o.sparse ? 'expert_' : ''}factored_adam.${pass}`, bindings, uniforms: TILE_UNIFORMS, workgroupSize: WG, source });
  return program.kernel(grid1d(grid), tileValues(o));
}

const ro = (name: string, ty?: Bind['ty']): Bind => ({ name, access: 'read', ...(ty ? { ty } : {}) });
const rw = (name: string, ty?: Bind['ty']): Bind => ({ name, access: 'read_write', ...(ty ? { ty } : {}) });
const listOf = (o: FactoredTileOptions): Bind[] => (o.sparse ? [ro('activeList', 'i32')] : []);

// The invocation's tile coordinates and its first column j0 (V columns j0 … j0 + V − 1, all < C or none).
const TILE = `let tr = k / params.tilesC;
  let tc = k - tr * params.tilesC;
  let tx = lid % TX;
  let ty = lid / TX;
  let j0 = tc * TC + tx * V;
  let base = e * R * C;`;

const CATCH_UP = `// The statistic after s = step − last[e] skipped zero-gradient steps: β2ˢ·(x − eps1) + eps1.
fn caught_up(x: f32, e: u32) -> f32 {
  let s = params.step - last[e];
  if (s <= 0) { return x; }
  return exp2(f32(s) * params.log2b2) * (x - 1e-30) + 1e-30;
}
`;

/**
 * Per tile: rowPart[(a·tilesC + tc)·r + i] = Σ_{j in tile} (g² + 1e-30) for the tile's rows and
 * colPart[(a·tilesR + tr)·c + j] likewise for its columns. When the tile holds whole lines
 * (`FactoredTiling.own`) it finishes them here instead: own 'cols' writes vc'[e·c + j] (sparse:
 * caught up first) and no colPart, own 'rows' writes vr'[e·r + i] and no rowPart, with the
 * expression of the lines kernel; and with clipping it keeps the tile's g in registers and writes
 * the clipping partials that need only the finished lines — 'cols': sqPart[(a·tilesC + tc)·r + i]
 * = Σ_{j in tile} g²/vc'_j, 'rows': sqPart[(a·tilesR + tr)·c + j] = Σ_{i in tile} g²/vr'_i —
 * so the stats kernel forms Σ g²/(vr'·vc') without a second read of g (no sq pass). Bindings: `g`,
 * `colPart` / `rowPart` (read_write, sizes from `factoredScratch`; only the partials the mode
 * writes), own 'cols' `vc` / 'rows' `vr` (read_write), [`sqPart` (read_write) when owning and
 * clipping], [`last` (i32) when owning and sparse, `activeList`], `params`. Grid: per·count.
 */
export function factoredTileSumsKernel(o: FactoredTileOptions): Kernel {
  const t = factoredTiling(o.r, o.c);
  const own = t.own;
  const sq = own !== 'none' && o.clip > 0;
  const cu = (x: string) => (o.sparse ? `caught_up(${x}, e)` : x);
  const extra = `var<workgroup> rowsh: array<f32, ${t.TR * t.TX}>;
var<workgroup> colsh: array<f32, ${t.TY * t.TC}>;
${own !== 'none' && o.sparse ? CATCH_UP : ''}`;
  // Own 'rows': the row reduction finishes vr'_i and leaves it in rowsh[l·TX] (only this invocation read row l's entries).
  const rowsDone =
    own === 'rows'
      ? `let at = e * R + i;
      let v = params.b2 * ${cu('vr[at]')} + params.c2 * (acc / f32(C));
      vr[at] = v;
      rowsh[l * TX] = v;`
      : `rowPart[(a * params.tilesC + tc) * R + i] = acc;`;
  // Own 'cols': the column reduction finishes vc'_j and leaves it in colsh[l] (only this invocation read column l's entries).
  const colsDone =
    own === 'cols'
      ? `let at = e * C + j;
      let v = params.b2 * ${cu('vc[at]')} + params.c2 * (acc / f32(R));
      vc[at] = v;
      colsh[l] = v;`
      : `colPart[(a * params.tilesR + tr) * C + j] = acc;`;
  const vecOf = (f: (v: number) => string) => (t.V === 4 ? `VF(${[0, 1, 2, 3].map(f).join(', ')})` : f(0));
  // The clipping partials from the finished lines, g from registers; rows / columns past the matrix hold g = 0 and are skipped.
  const sqBody = !sq
    ? ''
    : own === 'cols'
      ? `workgroupBarrier();
  if (colOk) {
    let ivc = VF(1.0) / ${vecOf((v) => `colsh[tx * V + ${v}u]`)};
    for (var s = 0u; s < S; s++) { rowsh[(s * TY + ty) * TX + tx] = hsum((gs[s] * gs[s]) * ivc); }
  } else {
    for (var s = 0u; s < S; s++) { rowsh[(s * TY + ty) * TX + tx] = 0.0; }
  }
  workgroupBarrier();
  for (var l = lid; l < TR; l += ${WG}u) {
    let i = tr * TR + l;
    if (i < R) {
      var acc = 0.0;
      for (var x = 0u; x < TX; x++) { acc += rowsh[l * TX + x]; }
      sqPart[(a * params.tilesC + tc) * R + i] = acc;
    }
  }`
      : own === 'rows'
        ? `workgroupBarrier();
  var cq = VF(0.0);
  for (var s = 0u; s < S; s++) {
    let il = s * TY + ty;
    if (tr * TR + il < R) { cq += (gs[s] * gs[s]) * (1.0 / rowsh[il * TX]); }
  }
  ${t.V === 4 ? 'for (var v = 0u; v < 4u; v++) { colsh[ty * TC + tx * 4u + v] = cq[v]; }' : 'colsh[ty * TC + tx] = cq;'}
  workgroupBarrier();
  for (var l = lid; l < TC; l += ${WG}u) {
    let j = tc * TC + l;
    if (j < C) {
      var acc = 0.0;
      for (var y = 0u; y < TY; y++) { acc += colsh[y * TC + l]; }
      sqPart[(a * params.tilesR + tr) * C + j] = acc;
    }
  }`
        : '';
  const body = `${TILE}
  let colOk = j0 < C;
  var cacc = VF(0.0);
  ${sq ? 'var gs: array<VF, S>;' : ''}
  for (var s = 0u; s < S; s++) {
    let il = s * TY + ty;
    let i = tr * TR + il;
    var rp = 0.0;
    ${sq ? 'gs[s] = VF(0.0);' : ''}
    if (colOk && i < R) {
      let gv = g[(base + i * C + j0) / V];
      ${sq ? 'gs[s] = gv;' : ''}
      let q = gv * gv + VF(1e-30);
      cacc += q;
      rp = hsum(q);
    }
    rowsh[il * TX + tx] = rp;
  }
  ${t.V === 4 ? 'for (var v = 0u; v < 4u; v++) { colsh[ty * TC + tx * 4u + v] = cacc[v]; }' : 'colsh[ty * TC + tx] = cacc;'}
  workgroupBarrier();
  for (var l = lid; l < TR; l += ${WG}u) {
    let i = tr * TR + l;
    if (i < R) {
      var acc = 0.0;
      for (var x = 0u; x < TX; x++) { acc += rowsh[l * TX + x]; }
      ${rowsDone}
    }
  }
  for (var l = lid; l < TC; l += ${WG}u) {
    let j = tc * TC + l;
    if (j < C) {
      var acc = 0.0;
      for (var y = 0u; y < TY; y++) { acc += colsh[y * TC + l]; }
      ${colsDone}
    }
  }
  ${sqBody}`;
  const binds: Bind[] = [
    ro('g', 'vec'),
    ...(own === 'cols' ? [rw('vc')] : [rw('colPart')]),
    ...(own === 'rows' ? [rw('vr')] : [rw('rowPart')]),
    ...(sq ? [rw('sqPart')] : []),
    ...(own !== 'none' && o.sparse ? [ro('last', 'i32')] : []),
    ...listOf(o),
  ];
  return kernelOf(o, 'sums', binds, body, o.batch * t.per, extra);
}

/**
 * vc'[e·c + j] = β2·vc + (1−β2)·(Σ_tiles colPart)/r and vr'[e·r + i] likewise from rowPart / c,
 * the tiles' partial sums added in tile order (sparse: vc, vr caught up first); the lines a tile
 * holds whole (`FactoredTiling.own`) were finished by the sums kernel and are skipped. Bindings:
 * `colPart` and `vc` (unless own 'cols'), `rowPart` and `vr` (unless own 'rows') (read_write),
 * [`last` (i32), `activeList`], `params`. Grid: perLines·count.
 */
export function factoredLinesKernel(o: FactoredTileOptions): Kernel {
  const t = factoredTiling(o.r, o.c);
  const cu = (x: string) => (o.sparse ? `caught_up(${x}, e)` : x);
  const cols = t.own !== 'cols';
  const rows = t.own !== 'rows';
  const body = `for (var m = 0u; m < ${LINES}u; m++) {
  let l = (k * ${LINES}u + m) * ${WG}u + lid;
  if (l < C) {
    ${cols ? `var acc = 0.0;
    for (var q = 0u; q < params.tilesR; q++) { acc += colPart[(a * params.tilesR + q) * C + l]; }
    let at = e * C + l;
    vc[at] = params.b2 * ${cu('vc[at]')} + params.c2 * (acc / f32(R));` : '// finished by the sums kernel'}
  } else if (l < C + R) {
    ${rows ? `let i = l - C;
    var acc = 0.0;
    for (var q = 0u; q < params.tilesC; q++) { acc += rowPart[(a * params.tilesC + q) * R + i]; }
    let at = e * R + i;
    vr[at] = params.b2 * ${cu('vr[at]')} + params.c2 * (acc / f32(C));` : '// finished by the sums kernel'}
  }
  }`;
  const binds = [...(cols ? [ro('colPart')] : []), ...(rows ? [ro('rowPart'), rw('vr')] : []), ...(cols ? [rw('vc')] : []), ...(o.sparse ? [ro('last', 'i32')] : []), ...listOf(o)];
  return kernelOf(o, 'lines', binds, body, o.batch * t.perLines, o.sparse ? CATCH_UP : '');
}

/**
 * Per tile (clipping, own 'none' only): sqPart[a·per + k] = the tile's Σ g²/(vr'_i·vc'_j), its 256 invocations'
 * sums added by a two-level fixed-order sum (16 × 16). One code path whatever the batch: the sum
 * order of a matrix depends on (r, c) only, never on how many matrices (experts on this device)
 * are updated. Bindings: `g`, `vr`, `vc`, `sqPart` (read_write), [`activeList`], `params`.
 * Grid: per·count.
 */
export function factoredSqKernel(o: FactoredTileOptions): Kernel {
  const t = factoredTiling(o.r, o.c);
  const body = `${TILE}
  var acc = VF(0.0);
  if (j0 < C) {
    let ivc = VF(1.0) / vc[(e * C + j0) / V];
    for (var s = 0u; s < S; s++) {
      let i = tr * TR + s * TY + ty;
      if (i >= R) { break; }
      let gv = g[(base + i * C + j0) / V];
      // (g²·(1/vc'))·(1/vr'): a zero row and a zero column (vr', vc' ≈ eps1) never meet as 1/vr'·1/vc' = ∞.
      acc += ((gv * gv) * ivc) * (1.0 / vr[e * R + i]);
    }
  }
  // Two-level fixed-order sum over the workgroup (16 × 16).
  red[lid] = hsum(acc);
  workgroupBarrier();
  if (lid < 16u) {
    var s16 = 0.0;
    for (var u = 0u; u < 16u; u++) { s16 += red[lid * 16u + u]; }
    red16[lid] = s16;
  }
  workgroupBarrier();
  if (lid == 0u) {
    var tot = 0.0;
    for (var u = 0u; u < 16u; u++) { tot += red16[u]; }
    sqPart[a * params.per + k] = tot;
  }`;
  const extra = `var<workgroup> red: array<f32, ${WG}>;\nvar<workgroup> red16: array<f32, 16>;\n`;
  return kernelOf(o, 'sq', [ro('g', 'vec'), ro('vr'), ro('vc', 'vec'), rw('sqPart'), ...listOf(o)], body, o.batch * t.per, extra);
}

/**
 * Per matrix (one workgroup, O(r + c + tiles)): stats[2a] = mean(vr'), stats[2a+1] = max(1,
 * rms(u)/clip) (1 when clip ≤ 0); sparse: last[e] = step + 1. Σ g²/(vr'·vc') is the sum of the
 * tiles' sqPart (own 'none'), Σ_i (1/vr'_i)·Σ_tiles sqPart (own 'cols') or Σ_j (1/vc'_j)·Σ_tiles
 * sqPart (own 'rows'). Bindings: `vr`, [`sqPart`, and `vc` for own 'rows', when clip > 0],
 * `stats` (read_write), [`last` (read_write, i32), `activeList`], `params`. Grid: count.
 */
export function factoredStatsKernel(o: FactoredTileOptions): Kernel {
  const clip = o.clip > 0;
  const own = factoredTiling(o.r, o.c).own;
  // (Σ of the line's tile partials)·(1/v'): a zero line (partials 0) stays 0 even where v' ≈ eps1.
  const sqSum =
    own === 'cols'
      ? `for (var i = lid; i < R; i += ${WG}u) {
    var p = 0.0;
    for (var q = 0u; q < params.tilesC; q++) { p += sqPart[(a * params.tilesC + q) * R + i]; }
    acc.y += p * (1.0 / vr[e * R + i]);
  }`
      : own === 'rows'
        ? `for (var j = lid; j < C; j += ${WG}u) {
    var p = 0.0;
    for (var q = 0u; q < params.tilesR; q++) { p += sqPart[(a * params.tilesR + q) * C + j]; }
    acc.y += p * (1.0 / vc[e * C + j]);
  }`
        : `for (var q = lid; q < params.per; q += ${WG}u) { acc.y += sqPart[a * params.per + q]; }`;
  const body = `var acc = vec2<f32>(0.0);
  for (var i = lid; i < R; i += ${WG}u) { acc.x += vr[e * R + i]; }
  ${clip ? sqSum : ''}
  // Two-level fixed-order sum over the workgroup (16 × 16): two barriers instead of a log-depth tree.
  red[lid] = acc;
  workgroupBarrier();
  if (lid < 16u) {
    var s16 = vec2<f32>(0.0);
    for (var u = 0u; u < 16u; u++) { s16 += red[lid * 16u + u]; }
    red16[lid] = s16;
  }
  workgroupBarrier();
  if (lid == 0u) {
    var tot = vec2<f32>(0.0);
    for (var u = 0u; u < 16u; u++) { tot += red16[u]; }
    let vrMean = tot.x / f32(R);
    var div = 1.0;
    ${clip ? 'div = max(1.0, sqrt(tot.y * vrMean * params.bc2 / f32(R * C)) / params.clip);' : ''}
    stats[2u * a] = vrMean;
    stats[2u * a + 1u] = div;
    ${o.sparse ? 'last[e] = params.step + 1;' : ''}
  }`;
  const binds = [ro('vr'), ...(clip ? [ro('sqPart')] : []), ...(clip && own === 'rows' ? [ro('vc')] : []), rw('stats'), ...(o.sparse ? [rw('last', 'i32')] : []), ...listOf(o)];
  return kernelOf(o, 'stats', binds, body, o.batch, `var<workgroup> red: array<vec2<f32>, ${WG}>;
var<workgroup> red16: array<vec2<f32>, 16>;
`);
}

/**
 * Per tile: p −= lr·u/div, u = g/sqrt((vr'/mean(vr'))·vc'/(1 − β2ᵗ)), 0 where g = 0, formed as
 * g·(1/sqrt(vc'_j))·(sqrt(mean(vr')·(1 − β2ᵗ)/vr'_i)·lr/div) (a column and a row factor). Bindings:
 * `p` (read_write), `g`, `vr`, `vc`, `stats`, [`activeList`], `params`. Grid: per·count.
 */
export function factoredUpdateKernel(o: FactoredTileOptions): Kernel {
  const t = factoredTiling(o.r, o.c);
  const body = `${TILE}
  if (j0 >= C) { return; }
  let vrMean = stats[2u * a];
  let scale = params.lr / stats[2u * a + 1u];
  // lr·u/div = g · (1/sqrt(vc')) · (sqrt(mean(vr')·(1 − β2ᵗ)/vr') · lr/div): one multiply per weight.
  let colF = VF(1.0) / sqrt(vc[(e * C + j0) / V]);
  for (var s = 0u; s < S; s++) {
    let i = tr * TR + s * TY + ty;
    if (i >= R) { break; }
    let at = (base + i * C + j0) / V;
    let gv = g[at];
    let rowF = sqrt(vrMean * params.bc2 / vr[e * R + i]) * scale;
    p[at] = p[at] - select(gv * (colF * rowF), VF(0.0), gv == VF(0.0));
  }`;
  return kernelOf(o, 'update', [rw('p', 'vec'), ro('g', 'vec'), ro('vr'), ro('vc', 'vec'), ro('stats'), ...listOf(o)], body, o.batch * t.per);
}

/**
 * Sparse only: the folded grids for count = activeList[0] active experts into `args` [12] (u32):
 * tiles (count·per: sums, sq, update) at word 0, lines (count·perLines) at word 4, stats (count)
 * at word 8. One invocation. Bindings: `activeList` (i32), `args` (read_write, u32), `params`.
 */
export function factoredGridsKernel(o: { readonly r: number; readonly c: number }): Kernel {
  const t = factoredTiling(o.r, o.c);
  const program = defineProgram({
    name: 'expert_factored_adam.grids',
    bindings: { activeList: { access: 'read', type: 'i32' }, args: { access: 'read_write', type: 'u32' } },
    uniforms: { per: 'u32', perLines: 'u32' },
    workgroupSize: 1,
    source: /* wgsl */ `// indirect grids (tiles, lines, stats)
${FOLD_GRID_WGSL}
fn put(at: u32, groups: u32) {
  let g = fold_grid(groups);
  args[at] = g.x;
  args[at + 1u] = g.y;
  args[at + 2u] = g.z;
  args[at + 3u] = 0u;
}
@compute @workgroup_size(1)
fn main() {
  let count = u32(max(activeList[0], 0));
  put(0u, count * params.per);
  put(4u, count * params.perLines);
  put(8u, count);
}
`,
  });
  return program.kernel([1, 1, 1], { per: t.per, perLines: t.perLines });
}
