/**
 * The expert FFN fused over the hidden dimension (MegaBlocks' memory-optimised MLP taken to the
 * tile): no [S, H] hidden tensor is ever written. Every kernel works on a TM-row tile of one
 * expert's slots (TM = the tile map's granularity, chosen per plan from the mean rows per expert:
 * 4, 8, 16 or 32, `expertTileRows`) and walks H in chunks of 64: the chunk's hidden activations
 * relu(x·w1[:, chunk] + b1[chunk]) (and in the backward its dhidden = dy·w2[chunk, :]ᵀ and dpre =
 * dhidden·[hidden > 0]) live only in workgroup memory ([64][TM] each).
 * `expertFfnFusedKernel` (op `expertFfn`): one workgroup per tile-map entry; out = b2 + Σ_chunk
 * hidden_chunk·w2[chunk, :], accumulated chunk by chunk in the output rows the workgroup owns.
 * `expertFfnGradInputKernel` (op `expertFfnGrad`, dx half): one workgroup per tile-map entry;
 * dslot = Σ_chunk dpre_chunk·w1[:, chunk]ᵀ into a per-slot [S, D] buffer (the combine gather then
 * sums a row's k slots into dx). `expertFfnGradWeightsKernel` (weight half): one workgroup per
 * (expert, H-chunk), looping over the expert's slots TM at a time in slot order, accumulating
 * dw2[chunk, :] += hiddenᵀ·dy, dw1[:, chunk] += xᵀ·dpre, db1[chunk] += Σ dpre and (chunk 0)
 * db2 += Σ dy; an expert with no slots writes zeros. At a few rows per expert (TM = 4, one tile
 * per expert) each workgroup reads its w1/w2 chunk and writes its dw1/dw2 chunk once: the
 * traffic floor of the weight half. Every output element belongs to one thread of one workgroup
 * and is accumulated in a fixed order: no atomics, same bits every run.
 * Row-tile GEMM pieces (TM × 64) use RT × CT threads (8 × 8 of 4 or 1 rows × two vec4 columns at
 * TM ≥ 8, 4 × 16 of 1 row × one vec4 at TM = 4); the weight gradients are 64 × 64 register tiles
 * over an 8×8 thread grid reduced over the tile's rows min(16, TM) at a time; operands staged
 * through workgroup memory 16 k at a time; wide outputs are walked in 64-column blocks, each
 * block a function of its own (its register tile is declared at the function's top, so it starts
 * at zero on every call: a tile declared inside the block loop was not re-zeroed per iteration by
 * lavapipe, and zeroing it by hand made its JIT take a minute). Grids are flattened
 * (`wid.y·nwg.x + wid.x`) and return past the real count, so they can be folded or launched
 * indirectly. The forward kernel takes expert banks split over up to 4 bindings (w1_0.., w2_0..).
 */
import { maxTiles } from './dispatch.ts';
import { EXPERT_TILE_ROWS } from './expert-ffn.ts';
import { ceilDiv, grid1d, uniformBlock, type Kernel, type KernelBinding } from './kernel.ts';

/** Hidden units per chunk (the workgroup-memory slice of the hidden activations). */
export const EXPERT_H_CHUNK = 64;
/** The row tiles these kernels are generated for (the tile map's granularity; `expertTileRows` picks one per plan). */
export const FUSED_TILE_ROWS: readonly number[] = [4, 8, 16, 32];
const HC = EXPERT_H_CHUNK;
const NB = 64;
const TK = 16;
const WG = 64;

/** Shapes of the fused expert kernels. */
export interface ExpertFusedOptions {
  /** Rows of x. */
  readonly N: number;
  /** Slots per row (S = N·k). */
  readonly k: number;
  /** Number of experts. */
  readonly n: number;
  readonly D: number;
  readonly H: number;
  readonly Dout: number;
  /** Experts per weight binding for w1 and w2 (forward only; default one bank each). */
  readonly banks?: readonly number[];
  /**
   * Rows per tile, one of FUSED_TILE_ROWS (default EXPERT_TILE_ROWS = 32): the granularity of the
   * tile map the per-tile kernels read (the dispatch's DispatchShape.tileRows) and the row step of
   * the weight half's walk over an expert's slots.
   */
  readonly tileRows?: number;
}

function params(o: ExpertFusedOptions) {
  const banks = o.banks ?? [o.n];
  if (banks.length < 1 || banks.length > 4) throw new Error(`fused expert FFN: 1..4 weight banks, got ${banks.length}`);
  if (banks.reduce((a, b) => a + b, 0) !== o.n) throw new Error(`fused expert FFN: banks ${banks.join('+')} must sum to n=${o.n}`);
  const TM = o.tileRows ?? EXPERT_TILE_ROWS;
  if (!FUSED_TILE_ROWS.includes(TM)) throw new Error(`fused expert FFN: tileRows ${TM} is not one of ${FUSED_TILE_ROWS.join(', ')}`);
  const starts = [0, 0, 0, 0];
  for (let b = 1; b < 4; b++) starts[b] = starts[b - 1]! + (banks[b - 1] ?? 0);
  const tiles = maxTiles({ N: o.N, k: o.k, n: o.n, tileRows: TM });
  const u = uniformBlock([
    ['D', 'u32', o.D],
    ['H', 'u32', o.H],
    ['Dout', 'u32', o.Dout],
    ['chunks', 'u32', ceilDiv(o.H, HC)],
    ['n', 'u32', o.n],
    ['maxTiles', 'u32', tiles],
    ['bank1', 'u32', starts[1]!],
    ['bank2', 'u32', starts[2]!],
    ['bank3', 'u32', starts[3]!],
  ]);
  return { u, tiles, B: banks.length, TM };
}

/** `fn <name>(e, idx) -> f32`: element idx of expert e's matrix in bank bindings <prefix>0..; per = elements per expert. */
function bankFn(name: string, prefix: string, B: number, per: string): string {
  const bankVars = ['', 'params.bank1', 'params.bank2', 'params.bank3'];
  const lines = [];
  for (let b = B - 1; b >= 1; b--) lines.push(`  if (e >= ${bankVars[b]}) { return ${prefix}${b}[(e - ${bankVars[b]}) * ${per} + idx]; }`);
  return `fn ${name}(e: u32, idx: u32) -> f32 {\n${lines.join('\n')}${lines.length ? '\n' : ''}  return ${prefix}0[e * ${per} + idx];\n}`;
}

/** A binding of these kernels with its WGSL element type (declared once, here, not guessed from its name). */
type TypedBinding = KernelBinding & { readonly elem?: 'f32' | 'i32' | 'vec4<i32>' };

/** Storage binding `name`: f32 unless `elem` says otherwise. */
const ro = (name: string, elem: TypedBinding['elem'] = 'f32'): TypedBinding => ({ name, access: 'read', elem });
const rw = (name: string): TypedBinding => ({ name, access: 'read_write', elem: 'f32' });
const PARAMS: TypedBinding = { name: 'params', access: 'uniform' };

function decls(bindings: readonly TypedBinding[]): string {
  return bindings
    .map((b, i) =>
      b.access === 'uniform'
        ? `@group(0) @binding(${i}) var<uniform> params: Params;`
        : `@group(0) @binding(${i}) var<storage, ${b.access}> ${b.name}: array<${b.elem ?? 'f32'}>;`,
    )
    .join('\n');
}

/**
 * The thread layout of a TM-row × 64-column tile (hidden / dpre chunks, output and dslot blocks):
 * RT row threads × CT column threads (RT·CT = 64), each holding RM rows (ry + RT·i) × CV vec4
 * columns (vec4 column rx + CT·j, i.e. scalar column 4·(rx + CT·(j/4)) + j%4 for j < 4·CV).
 * 32 rows: 8 × 8 threads of 4 rows × 2 vec4; 8 rows: 8 × 8 of 1 × 2; 4 rows: 4 × 16 of 1 × 1.
 */
interface RowLayout {
  readonly TM: number;
  readonly RT: number;
  readonly CT: number;
  readonly RM: number;
  readonly CV: number;
  /** K rows per step of the weight half's reductions over the tile's rows (min(TK, TM)). */
  readonly TKW: number;
}

function rowLayout(TM: number): RowLayout {
  const RT = Math.min(8, TM);
  const CT = WG / RT;
  return { TM, RT, CT, RM: TM / RT, CV: NB / 4 / CT, TKW: Math.min(TK, TM) };
}

/** acc[i][j] += Σ_kk A(kk, i)·Sb[kk][vec4 column rx + CT·j] for kk < TK over a row tile (RowLayout registers). */
function macRows(l: RowLayout, a: (i: string) => string): string {
  return `    for (var kk = 0u; kk < TK; kk++) {
      var av: array<f32, ${l.RM}>;
      var bv: array<vec4<f32>, ${l.CV}>;
      for (var i = 0u; i < ${l.RM}u; i++) { av[i] = ${a('i')}; }
      for (var j = 0u; j < ${l.CV}u; j++) { bv[j] = Sb[kk * ${NB / 4}u + rx + ${l.CT}u * j]; }
      for (var i = 0u; i < ${l.RM}u; i++) {
        for (var j = 0u; j < ${l.CV}u; j++) { acc[i][j] = fma(vec4<f32>(av[i]), bv[j], acc[i][j]); }
      }
    }`;
}

/**
 * acc[i][jj] += Σ_kk A(kk, i)·Sb[kk][4·(tx + 8·jj) .. +3] for kk < TKW (8×8 threads of 8 rows × 2
 * vec4 columns; the weight half's 64 × 64 gradient blocks reduced over the tile's rows).
 */
function mac4W(a: (i: string) => string): string {
  return `    for (var kk = 0u; kk < TKW; kk++) {
      var av: array<f32, 8>;
      var bv: array<vec4<f32>, 2>;
      for (var i = 0u; i < 8u; i++) { av[i] = ${a('i')}; }
      for (var j = 0u; j < 2u; j++) { bv[j] = Sb[kk * ${NB / 4}u + tx + 8u * j]; }
      for (var i = 0u; i < 8u; i++) {
        for (var j = 0u; j < 2u; j++) { acc[i][j] = fma(vec4<f32>(av[i]), bv[j], acc[i][j]); }
      }
    }`;
}

/** acc[i][j] += Σ_kk A(kk, i)·B(kk, j) for kk < TKW, scalar register tile 8×8 (B not in Sb). */
function macW(a: (i: string) => string, b: (j: string) => string): string {
  return `    for (var kk = 0u; kk < TKW; kk++) {
      var av: array<f32, 8>;
      var bv: array<f32, 8>;
      for (var i = 0u; i < 8u; i++) { av[i] = ${a('i')}; }
      for (var j = 0u; j < 8u; j++) { bv[j] = ${b('j')}; }
      for (var i = 0u; i < 8u; i++) {
        for (var j = 0u; j < 8u; j++) { acc[i][j] = fma(av[i], bv[j], acc[i][j]); }
      }
    }`;
}

/**
 * A 64-column-block function `<name>_block(e, rs, nrows, h0, first, t, n0)` with `body` (which
 * sees a zeroed register tile `acc` of type `accType` and the lets below: tx/ty of the 8×8 layout,
 * rx/ry of the row layout), and `<name>(e, rs, nrows, h0, first, t)` walking n0 over [0, limit) in
 * steps of NB.
 */
function blockFn(name: string, accType: string, limit: string, body: string): string {
  return `fn ${name}_block(e: u32, rs: u32, nrows: u32, h0: u32, first: bool, t: u32, n0: u32) {
  let tx = t % 8u;
  let ty = t / 8u;
  let rx = t % CT;
  let ry = t / CT;
  let D = params.D;
  let H = params.H;
  let Dout = params.Dout;
  var acc: ${accType};
${body}
}
fn ${name}(e: u32, rs: u32, nrows: u32, h0: u32, first: bool, t: u32) {
  for (var n0 = 0u; n0 < ${limit}; n0 += NB) { ${name}_block(e, rs, nrows, h0, first, t, n0); }
}
`;
}

/** The WGSL pieces of the fused kernels for row tile `TM`. */
function pieces(TM: number) {
  const l = rowLayout(TM);
  const rowAcc = `array<array<vec4<f32>, ${l.CV}>, ${l.RM}>`;
  /** Loop over the thread's register cells of a row tile: binds `row`, `c4` (scalar column within the 64-block). */
  const eachCell = (inner: string, indent = '  ') => `${indent}for (var i = 0u; i < ${l.RM}u; i++) {
${indent}  let row = ry + ${l.RT}u * i;
${indent}  for (var j = 0u; j < ${4 * l.CV}u; j++) {
${indent}    let c4 = 4u * (rx + ${l.CT}u * (j / 4u)) + j % 4u;
${inner.split('\n').map((x) => `${indent}    ${x}`).join('\n')}
${indent}  }
${indent}}`;

  const COMMON = /* wgsl */ `
const TM = ${TM}u;
const HC = ${HC}u;
const NB = ${NB}u;
const TK = ${TK}u;
const TKW = ${l.TKW}u;
const CT = ${l.CT}u;
var<workgroup> Sa: array<f32, ${Math.max(TK * TM, TK * NB)}>;
var<workgroup> Sb: array<vec4<f32>, ${(TK * Math.max(HC, NB)) / 4}>; // [TK][64 / 4]
var<workgroup> Hs: array<f32, ${HC * TM}>; // [HC][TM]: hidden chunk, zero outside the tile's rows and H

// Hs[h][row] = relu(x[sourceRow[rs + row]]·w1[e][:, h0 + h] + b1[e][h0 + h]) (0 outside the rows / H).
fn hidden_chunk(e: u32, rs: u32, nrows: u32, h0: u32, t: u32) {
  let rx = t % CT;
  let ry = t / CT;
  let D = params.D;
  let H = params.H;
  var acc: ${rowAcc};
  for (var k0 = 0u; k0 < D; k0 += TK) {
    for (var r = 0u; r < ${(TK * TM) / WG}u; r++) {
      let q = t + ${WG}u * r;
      let row = q / TK;
      let kk = q % TK;
      var v = 0.0;
      if (row < nrows && k0 + kk < D) { v = x[u32(sourceRow[rs + row]) * D + k0 + kk]; }
      Sa[kk * TM + row] = v;
    }
    for (var r = 0u; r < ${(TK * HC) / WG}u; r++) {
      let q = t + ${WG}u * r;
      let kk = q / HC;
      let j = q % HC;
      var v = 0.0;
      if (k0 + kk < D && h0 + j < H) { v = w1_at(e, (k0 + kk) * H + h0 + j); }
      Sb[(kk * HC + j) / 4u][j % 4u] = v;
    }
    workgroupBarrier();
${macRows(l, (i) => `Sa[kk * TM + ry + ${l.RT}u * ${i}]`)}
    workgroupBarrier();
  }
${eachCell(`var v = 0.0;
if (row < nrows && h0 + c4 < H) { v = max(acc[i][j / 4u][j % 4u] + b1[e * H + h0 + c4], 0.0); }
Hs[c4 * TM + row] = v;`)}
}
`;

  const DPRE = /* wgsl */ `
var<workgroup> Ps: array<f32, ${HC * TM}>; // [HC][TM]: dpre chunk

// Ps[h][row] = (dy[rs + row]·w2[e][h0 + h, :]ᵀ)·[Hs[h][row] > 0] (Hs from hidden_chunk).
fn dpre_chunk(e: u32, rs: u32, nrows: u32, h0: u32, t: u32) {
  let rx = t % CT;
  let ry = t / CT;
  let H = params.H;
  let Dout = params.Dout;
  var acc: ${rowAcc};
  for (var k0 = 0u; k0 < Dout; k0 += TK) {
    for (var r = 0u; r < ${(TK * TM) / WG}u; r++) {
      let q = t + ${WG}u * r;
      let row = q / TK;
      let kk = q % TK;
      var v = 0.0;
      if (row < nrows && k0 + kk < Dout) { v = dy[(rs + row) * Dout + k0 + kk]; }
      Sa[kk * TM + row] = v;
    }
    for (var r = 0u; r < ${(TK * HC) / WG}u; r++) {
      let q = t + ${WG}u * r;
      let j = q / TK;
      let kk = q % TK;
      var v = 0.0;
      if (k0 + kk < Dout && h0 + j < H) { v = w2_at(e, (h0 + j) * Dout + k0 + kk); }
      Sb[(kk * HC + j) / 4u][j % 4u] = v;
    }
    workgroupBarrier();
${macRows(l, (i) => `Sa[kk * TM + ry + ${l.RT}u * ${i}]`)}
    workgroupBarrier();
  }
${eachCell(`Ps[c4 * TM + row] = select(0.0, acc[i][j / 4u][j % 4u], Hs[c4 * TM + row] > 0.0);`)}
}
`;

  // out[rs + row][n0..] = b2[e] (first chunk) or its running value, + Hs·w2[e][h0.., n0..].
  const OUT_ACCUMULATE = blockFn(
    'out_accumulate',
    rowAcc,
    'params.Dout',
    `${eachCell(`let col = n0 + c4;
if (row < nrows && col < Dout) {
  if (first) { acc[i][j / 4u][j % 4u] = b2[e * Dout + col]; } else { acc[i][j / 4u][j % 4u] = out[(rs + row) * Dout + col]; }
}`)}
  for (var k0 = 0u; k0 < HC; k0 += TK) {
    for (var r = 0u; r < ${(TK * NB) / WG}u; r++) {
      let q = t + ${WG}u * r;
      let kk = q / NB;
      let j = q % NB;
      var v = 0.0;
      if (h0 + k0 + kk < H && n0 + j < Dout) { v = w2_at(e, (h0 + k0 + kk) * Dout + n0 + j); }
      Sb[(kk * NB + j) / 4u][j % 4u] = v;
    }
    workgroupBarrier();
${macRows(l, (i) => `Hs[(k0 + kk) * TM + ry + ${l.RT}u * ${i}]`)}
    workgroupBarrier();
  }
${eachCell(`let col = n0 + c4;
if (row < nrows && col < Dout) { out[(rs + row) * Dout + col] = acc[i][j / 4u][j % 4u]; }`)}`,
  );

  // dslot[rs + row][n0..] (starting from 0 at the first chunk) += Ps·w1[e][n0.., h0..]ᵀ.
  const DSLOT_ACCUMULATE = blockFn(
    'dslot_accumulate',
    rowAcc,
    'params.D',
    `  if (!first) {
${eachCell(`let col = n0 + c4;
if (row < nrows && col < D) { acc[i][j / 4u][j % 4u] = dslot[(rs + row) * D + col]; }`, '    ')}
  }
  for (var k0 = 0u; k0 < HC; k0 += TK) {
    for (var r = 0u; r < ${(TK * NB) / WG}u; r++) {
      let q = t + ${WG}u * r;
      let j = q / TK;
      let kk = q % TK;
      var v = 0.0;
      if (h0 + k0 + kk < H && n0 + j < D) { v = w1_at(e, (n0 + j) * H + h0 + k0 + kk); }
      Sb[(kk * NB + j) / 4u][j % 4u] = v;
    }
    workgroupBarrier();
${macRows(l, (i) => `Ps[(k0 + kk) * TM + ry + ${l.RT}u * ${i}]`)}
    workgroupBarrier();
  }
${eachCell(`let col = n0 + c4;
if (row < nrows && col < D) { dslot[(rs + row) * D + col] = acc[i][j / 4u][j % 4u]; }`)}`,
  );

  // dw2[e][h0 + m][n0..] (starting from 0 at the first row tile) += Σ_row Hs[m][row]·dy[rs + row][n0..].
  const DW2_ACCUMULATE = blockFn(
    'dw2_accumulate',
    'array<array<vec4<f32>, 2>, 8>',
    'params.Dout',
    `  if (!first) {
    for (var i = 0u; i < 8u; i++) {
      let h = h0 + ty + 8u * i;
      for (var j = 0u; j < 8u; j++) {
        let col = n0 + 4u * (tx + 8u * (j / 4u)) + j % 4u;
        if (h < H && col < Dout) { acc[i][j / 4u][j % 4u] = dw2[(e * H + h) * Dout + col]; }
      }
    }
  }
  for (var k0 = 0u; k0 < TM; k0 += TKW) {
    for (var r = 0u; r < ${(l.TKW * NB) / WG}u; r++) {
      let q = t + ${WG}u * r;
      let kk = q / NB;
      let j = q % NB;
      var v = 0.0;
      if (k0 + kk < nrows && n0 + j < Dout) { v = dy[(rs + k0 + kk) * Dout + n0 + j]; }
      Sb[(kk * NB + j) / 4u][j % 4u] = v;
    }
    workgroupBarrier();
${mac4W((i) => `Hs[(ty + 8u * ${i}) * TM + k0 + kk]`)}
    workgroupBarrier();
  }
  for (var i = 0u; i < 8u; i++) {
    let h = h0 + ty + 8u * i;
    for (var j = 0u; j < 8u; j++) {
      let col = n0 + 4u * (tx + 8u * (j / 4u)) + j % 4u;
      if (h < H && col < Dout) { dw2[(e * H + h) * Dout + col] = acc[i][j / 4u][j % 4u]; }
    }
  }`,
  );

  // dw1[e][n0 + m][h0..] (starting from 0 at the first row tile) += Σ_row x[sourceRow[rs + row]][n0 + m]·Ps[..][row].
  const DW1_ACCUMULATE = blockFn(
    'dw1_accumulate',
    'array<array<f32, 8>, 8>',
    'params.D',
    `  if (!first) {
    for (var i = 0u; i < 8u; i++) {
      let d = n0 + ty + 8u * i;
      for (var j = 0u; j < 8u; j++) {
        let h = h0 + tx + 8u * j;
        if (d < D && h < H) { acc[i][j] = dw1[(e * D + d) * H + h]; }
      }
    }
  }
  for (var k0 = 0u; k0 < TM; k0 += TKW) {
    for (var r = 0u; r < ${(l.TKW * NB) / WG}u; r++) {
      let q = t + ${WG}u * r;
      let kk = q / NB;
      let m = q % NB;
      var v = 0.0;
      if (k0 + kk < nrows && n0 + m < D) { v = x[u32(sourceRow[rs + k0 + kk]) * D + n0 + m]; }
      Sa[kk * NB + m] = v;
    }
    workgroupBarrier();
${macW((i) => `Sa[kk * NB + ty + 8u * ${i}]`, (j) => `Ps[(tx + 8u * ${j}) * TM + k0 + kk]`)}
    workgroupBarrier();
  }
  for (var i = 0u; i < 8u; i++) {
    let d = n0 + ty + 8u * i;
    for (var j = 0u; j < 8u; j++) {
      let h = h0 + tx + 8u * j;
      if (d < D && h < H) { dw1[(e * D + d) * H + h] = acc[i][j]; }
    }
  }`,
  );
  return { COMMON, DPRE, OUT_ACCUMULATE, DSLOT_ACCUMULATE, DW2_ACCUMULATE, DW1_ACCUMULATE };
}

/** The tile-map preamble of the per-tile kernels: e, rs, nrows of workgroup g (returns past the map or on an empty entry). */
const TILE_ENTRY = /* wgsl */ `  let g = wid.y * nwg.x + wid.x;
  if (g >= params.maxTiles) { return; }
  let entry = tileMap[g];
  if (entry.x < 0) { return; }
  let e = u32(entry.x);
  let rs = u32(entry.y);
  let nrows = u32(entry.z) - rs;`;

const MAIN = '@compute @workgroup_size(64)\nfn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32)';

/**
 * Fused forward. Bindings: x [N,D], sourceRow i32 [S], tileMap vec4<i32> [maxTiles], w1_0.. (w1
 * banks), b1 [n,H], w2_0.. (w2 banks), b2 [n,Dout], out [S,Dout], params.
 */
export function expertFfnFusedKernel(o: ExpertFusedOptions): Kernel {
  const { u, tiles, B, TM } = params(o);
  const { COMMON, OUT_ACCUMULATE } = pieces(TM);
  const bindings: TypedBinding[] = [
    ro('x'),
    ro('sourceRow', 'i32'),
    ro('tileMap', 'vec4<i32>'),
    ...Array.from({ length: B }, (_, b) => ro(`w1_${b}`)),
    ro('b1'),
    ...Array.from({ length: B }, (_, b) => ro(`w2_${b}`)),
    ro('b2'),
    rw('out'),
    PARAMS,
  ];
  const wgsl = /* wgsl */ `// expert_ffn_fused banks=${B} tile=${TM} rows, H chunk ${HC}
${u.struct}
${decls(bindings)}
${bankFn('w1_at', 'w1_', B, 'params.D * params.H')}
${bankFn('w2_at', 'w2_', B, 'params.H * params.Dout')}
${COMMON}
${OUT_ACCUMULATE}
${MAIN} {
${TILE_ENTRY}
  for (var c = 0u; c < params.chunks; c++) {
    hidden_chunk(e, rs, nrows, c * HC, t);
    workgroupBarrier();
    out_accumulate(e, rs, nrows, c * HC, c == 0u, t);
    workgroupBarrier();
  }
}
`;
  return {
    name: 'expert_ffn_fused',
    wgsl,
    bindings,
    workgroupSize: [WG, 1, 1],
    dispatch: grid1d(tiles),
    cacheKey: `expert_ffn_fused:banks=${B}:tm=${TM}`,
    uniformData: u.data,
  };
}

/**
 * dx half of the fused backward: dslot[s] = Σ_chunk dpre_chunk[s]·w1[e][:, chunk]ᵀ for the slots
 * of every tile. Bindings: x, sourceRow, tileMap, w1_0 [n,D,H], b1, w2_0 [n,H,Dout], dy [S,Dout],
 * dslot [S,D] (read_write), params.
 */
/** The options without weight banks (the backward kernels bind each bank whole). */
function withoutBanks(o: ExpertFusedOptions): ExpertFusedOptions {
  const { banks: _banks, ...rest } = o;
  return rest;
}

export function expertFfnGradInputKernel(o: ExpertFusedOptions): Kernel {
  const { u, tiles, TM } = params(withoutBanks(o));
  const { COMMON, DPRE, DSLOT_ACCUMULATE } = pieces(TM);
  const bindings: TypedBinding[] = [
    ro('x'),
    ro('sourceRow', 'i32'),
    ro('tileMap', 'vec4<i32>'),
    ro('w1_0'),
    ro('b1'),
    ro('w2_0'),
    ro('dy'),
    rw('dslot'),
    PARAMS,
  ];
  const wgsl = /* wgsl */ `// expert_ffn_grad_input tile=${TM} rows, H chunk ${HC}
${u.struct}
${decls(bindings)}
${bankFn('w1_at', 'w1_', 1, 'params.D * params.H')}
${bankFn('w2_at', 'w2_', 1, 'params.H * params.Dout')}
${COMMON}
${DPRE}
${DSLOT_ACCUMULATE}
${MAIN} {
${TILE_ENTRY}
  for (var c = 0u; c < params.chunks; c++) {
    hidden_chunk(e, rs, nrows, c * HC, t);
    workgroupBarrier();
    dpre_chunk(e, rs, nrows, c * HC, t);
    workgroupBarrier();
    dslot_accumulate(e, rs, nrows, c * HC, c == 0u, t);
    workgroupBarrier();
  }
}
`;
  return {
    name: 'expert_ffn_grad_input',
    wgsl,
    bindings,
    workgroupSize: [WG, 1, 1],
    dispatch: grid1d(tiles),
    cacheKey: `expert_ffn_grad_input:tm=${TM}`,
    uniformData: u.data,
  };
}

/**
 * Weight half of the fused backward, one workgroup per (expert, H-chunk), workgroup g → expert
 * g / chunks, chunk g % chunks (grid n·chunks, folded). Bindings: x, sourceRow, offsets i32 [n+1],
 * w1_0, b1, w2_0, dy, dw1 [n,D,H], db1 [n,H], dw2 [n,H,Dout], db2 [n,Dout] (read_write), params.
 * With `active`, workgroup g serves the (g / chunks)-th expert of the extra binding `activeList`
 * ([count, e0, e1, …], compiler/wgsl/active-experts.ts) and is launched on an indirect grid of
 * count·chunks workgroups: experts with no rows are not visited and their blocks not written.
 */
export function expertFfnGradWeightsKernel(o: ExpertFusedOptions & { readonly active?: boolean }): Kernel {
  const { u, TM } = params(withoutBanks(o));
  const { COMMON, DPRE, DW2_ACCUMULATE, DW1_ACCUMULATE } = pieces(TM);
  const chunks = ceilDiv(o.H, HC);
  const bindings: TypedBinding[] = [
    ro('x'),
    ro('sourceRow', 'i32'),
    ro('offsets', 'i32'),
    ro('w1_0'),
    ro('b1'),
    ro('w2_0'),
    ro('dy'),
    rw('dw1'),
    rw('db1'),
    rw('dw2'),
    rw('db2'),
    ...(o.active ? [ro('activeList', 'i32')] : []),
    PARAMS,
  ];
  const wgsl = /* wgsl */ `// expert_ffn_grad_weights${o.active ? '_active' : ''} tile=${TM} rows, H chunk ${HC}
${u.struct}
${decls(bindings)}
${bankFn('w1_at', 'w1_', 1, 'params.D * params.H')}
${bankFn('w2_at', 'w2_', 1, 'params.H * params.Dout')}
${COMMON}
${DPRE}
${DW2_ACCUMULATE}
${DW1_ACCUMULATE}
${MAIN} {
  let g = wid.y * nwg.x + wid.x;
${o.active
  ? `  if (g >= u32(max(activeList[0], 0)) * params.chunks) { return; }
  let e = u32(activeList[1u + g / params.chunks]);`
  : `  if (g >= params.n * params.chunks) { return; }
  let e = g / params.chunks;`}
  let c = g % params.chunks;
  let h0 = c * HC;
  let D = params.D;
  let H = params.H;
  let Dout = params.Dout;
  let s0 = u32(offsets[e]);
  let s1 = u32(offsets[e + 1u]);
  if (s1 <= s0) {
    // No slots: this workgroup's share of the gradients is zero.
    for (var q = t; q < HC * Dout; q += ${WG}u) {
      let h = h0 + q / Dout;
      if (h < H) { dw2[(e * H + h) * Dout + q % Dout] = 0.0; }
    }
    for (var q = t; q < D * HC; q += ${WG}u) {
      let h = h0 + q % HC;
      if (h < H) { dw1[(e * D + q / HC) * H + h] = 0.0; }
    }
    if (t < HC && h0 + t < H) { db1[e * H + h0 + t] = 0.0; }
    if (c == 0u) {
      for (var q = t; q < Dout; q += ${WG}u) { db2[e * Dout + q] = 0.0; }
    }
    return;
  }
  for (var rs = s0; rs < s1; rs += TM) {
    let nrows = min(TM, s1 - rs);
    let first = rs == s0;
    hidden_chunk(e, rs, nrows, h0, t);
    workgroupBarrier();
    dpre_chunk(e, rs, nrows, h0, t);
    workgroupBarrier();
    if (t < HC && h0 + t < H) {
      var b = 0.0;
      if (!first) { b = db1[e * H + h0 + t]; }
      for (var row = 0u; row < nrows; row++) { b += Ps[t * TM + row]; }
      db1[e * H + h0 + t] = b;
    }
    if (c == 0u) {
      for (var col = t; col < Dout; col += ${WG}u) {
        var b = 0.0;
        if (!first) { b = db2[e * Dout + col]; }
        for (var row = 0u; row < nrows; row++) { b += dy[(rs + row) * Dout + col]; }
        db2[e * Dout + col] = b;
      }
    }
    dw2_accumulate(e, rs, nrows, h0, first, t);
    dw1_accumulate(e, rs, nrows, h0, first, t);
    workgroupBarrier();
  }
}
`;
  return {
    name: o.active ? 'expert_ffn_grad_weights_active' : 'expert_ffn_grad_weights',
    wgsl,
    bindings,
    workgroupSize: [WG, 1, 1],
    dispatch: grid1d(o.n * chunks),
    cacheKey: `${o.active ? 'expert_ffn_grad_weights_active' : 'expert_ffn_grad_weights'}:tm=${TM}`,
    uniformData: u.data,
  };
}
