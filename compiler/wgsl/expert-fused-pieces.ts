/**
 * The WGSL building blocks of the fused expert kernels (compiler/wgsl/expert-fused.ts), one job:
 * generate the text. Bank accessors (`bankFn`: an expert's element across up to four bank
 * bindings), the row-tile layout (RT × CT threads over a TM-row
 * tile) and its multiply-accumulate loops, the per-chunk pieces every kernel composes (hidden
 * chunk, dpre, out / dslot accumulation, dw1 / dw2 accumulation: `pieces(TM)`), and the tile-map
 * preamble and entry point shared by the per-tile kernels. Sizes: H chunk HC = 64, column block
 * NB = 64, K step TK = 16, 64 invocations per workgroup.
 */

/** Hidden units per chunk (the workgroup-memory slice of the hidden activations). */
export const EXPERT_H_CHUNK = 64;
/** Invocations per workgroup of every fused expert kernel. */
export const FUSED_WG = 64;
const WG = FUSED_WG;
const HC = EXPERT_H_CHUNK;
const NB = 64;
const TK = 16;

/** `fn <name>(e, idx) -> f32`: element idx of expert e's matrix in bank bindings <prefix>0..; per = elements per expert. */
export function bankFn(name: string, prefix: string, B: number, per: string): string {
  const bankVars = ['', 'params.bank1', 'params.bank2', 'params.bank3'];
  const lines = [];
  for (let b = B - 1; b >= 1; b--) lines.push(`  if (e >= ${bankVars[b]}) { return ${prefix}${b}[(e - ${bankVars[b]}) * ${per} + idx]; }`);
  return `fn ${name}(e: u32, idx: u32) -> f32 {\n${lines.join('\n')}${lines.length ? '\n' : ''}  return ${prefix}0[e * ${per} + idx];\n}`;
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
export function pieces(TM: number) {
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

/** The tile-map preamble of the per-tile kernels: e, rs, nrows of workgroup g (returns past the map or on an empty entry); needs FLAT_WORKGROUP_WGSL. */
export const TILE_ENTRY = /* wgsl */ `  let g = flat_workgroup(wid, nwg);
  if (g >= params.maxTiles) { return; }
  let entry = tileMap[g];
  if (entry.x < 0) { return; }
  let e = u32(entry.x);
  let rs = u32(entry.y);
  let nrows = u32(entry.z) - rs;`;

/** The entry point of every fused expert kernel (64 invocations). */
export const MAIN = '@compute @workgroup_size(64)\nfn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32)';
