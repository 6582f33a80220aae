/**
 * The workgroup-memory tiled GEMM schedule. A workgroup of (tm/rm)·(tn/rn) invocations owns a
 * tm × tn tile of C — a dense row block × column block, a chunk of tm rows of a tile-map entry's
 * slots × a column block, or a row block × column block of one segment's product — and walks k in
 * steps of tk: every step stages A's tm × tk and B's tk × tn tiles through workgroup memory (zero
 * past the edges; A transposed, [tk][tm]), then each invocation adds the step into its rm × rn
 * register tile. The vector options are parameters: `avec4` stages A as vec4s of 4 rows (the
 * invocation's rows are then 4(ty + RY·i') + r), `vec4` stages B as vec4s of 4 columns (columns
 * 4(tx + CX·j') + c, so neighbouring invocations read neighbouring quads, what lavapipe's SIMD
 * across invocations wants; accumulators are vec4s), and `aload4` / `bload4` read A / B from
 * storage as vec4s where the layout and shape allow (A row-major with K % 4 = 0; B [K, N] with
 * N % 4 = 0, or B stored transposed [N, K] with K % 4 = 0, whose 4 × 4 blocks are transposed in
 * registers as they are staged). A tile-map workgroup skips the fma of row quads past its chunk.
 * Each output is one in-order fma chain over k from 0 (or from C when accumulating; a segment's k
 * runs over its own rows only), then bias, then relu — the bits of every other tiling and schedule.
 * The vec4 register-tile step (`vec4TileStepWgsl`) is also the inner loop of the batch-chunk GEMM
 * (compiler/wgsl/reduce-chunks.ts), whose k runs through a per-stage row table.
 */
import { ceilDiv, FLAT_WORKGROUP_WGSL, grid1d } from '../kernel.ts';
import type { GemmParts } from './gemm.ts';
import { aLoad, aRowBase, biasLoad, bLoad, bLoad4, cIndex, cName, tileMapPrologueWgsl, type GemmProblem, type GemmSizes, type GemmVectors } from './problem.ts';

/** The tiled schedule's parameters: tile sizes and vector options. */
export interface TiledSchedule {
  readonly kind: 'tiled';
  /** Rows and columns of C per workgroup, k per workgroup-memory stage. */
  readonly tm: number;
  readonly tn: number;
  readonly tk: number;
  /** Rows and columns of C per invocation (the register tile). */
  readonly rm: number;
  readonly rn: number;
  /** Stage B as vec4s of 4 columns; accumulators are vec4s (rn, tn multiples of 4). */
  readonly vec4: boolean;
  /** Stage A as vec4s of 4 rows (rm, tm multiples of 4). */
  readonly avec4: boolean;
  /** Read A from storage as vec4s of 4 consecutive k where possible (with avec4; A 'mk', no offset, K % 4 = 0, tk % 4 = 0). */
  readonly aload4: boolean;
  /** Read B from storage as vec4s where possible (with vec4; 'kn' with N % 4 = 0, 'nk' with K % 4 = 0 and tk % 4 = 0). */
  readonly bload4: boolean;
}

const ints = (s: TiledSchedule): number[] => [s.tm, s.tn, s.tk, s.rm, s.rn];

/** Bytes of workgroup memory `s` declares (the A and B tiles). */
function tiledWorkgroupBytes(s: TiledSchedule): number {
  return 4 * s.tk * (s.tm + s.tn);
}

/** Why `s` cannot run `p` at `sizes` (undefined when it can). */
export function tiledScheduleError(p: GemmProblem, s: TiledSchedule, sizes: GemmSizes): string | undefined {
  if (!ints(s).every((v) => Number.isInteger(v) && v > 0)) return `tiled schedule sizes must be positive integers, got ${JSON.stringify(s)}`;
  const CX = s.tn / s.rn;
  const RY = s.tm / s.rm;
  if (!Number.isInteger(CX) || !Number.isInteger(RY)) return `tm must be a multiple of rm and tn of rn (${JSON.stringify(s)})`;
  const WG = CX * RY;
  if (WG > 256) return `${WG} invocations per workgroup exceed 256 (${JSON.stringify(s)})`;
  if ((s.tm * s.tk) % WG !== 0) return `the ${WG} invocations do not divide the A tile's ${s.tm}×${s.tk} loads (${JSON.stringify(s)})`;
  if (!s.vec4 && (s.tn * s.tk) % WG !== 0) return `the ${WG} invocations do not divide the B tile's ${s.tk}×${s.tn} loads (${JSON.stringify(s)})`;
  if (s.vec4 && (s.rn % 4 !== 0 || s.tn % 4 !== 0)) return `vec4 B staging needs rn and tn multiples of 4 (${JSON.stringify(s)})`;
  if (s.avec4 && (s.rm % 4 !== 0 || s.tm % 4 !== 0)) return `vec4 A staging needs rm and tm multiples of 4 (${JSON.stringify(s)})`;
  if (tiledWorkgroupBytes(s) > 32768) return `${tiledWorkgroupBytes(s)} bytes of workgroup memory exceed 32768 (${JSON.stringify(s)})`;
  if (p.batch.kind === 'tileMap' && sizes.colBlocks !== undefined && sizes.colBlocks !== Math.max(1, ceilDiv(sizes.N, s.tn))) {
    return `colBlocks ${sizes.colBlocks} is not the ${Math.max(1, ceilDiv(sizes.N, s.tn))} column blocks of ${s.tn} in N=${sizes.N}`;
  }
  if (p.batch.kind === 'segments' && (sizes.gx !== Math.max(1, ceilDiv(sizes.N, s.tn)) || sizes.gy !== Math.max(1, ceilDiv(sizes.M, s.tm)))) {
    return `segment blocks gx=${sizes.gx}, gy=${sizes.gy} are not the tile's ${ceilDiv(sizes.N, s.tn)}×${ceilDiv(sizes.M, s.tm)} (N=${sizes.N}, M=${sizes.M})`;
  }
  return undefined;
}

/** The workgroups per product of `s` for `sizes`: [column blocks, row blocks]. */
export function tiledBlocks(s: TiledSchedule, sizes: Pick<GemmSizes, 'M' | 'N'>): [number, number] {
  return [Math.max(1, ceilDiv(sizes.N, s.tn)), Math.max(1, ceilDiv(sizes.M, s.tm))];
}

/** The tiled kernel's parts for problem `p` (compiler/wgsl/gemm/gemm.ts assembles them). */
export function tiledGemm(p: GemmProblem, s: TiledSchedule, sizes: GemmSizes): GemmParts {
  const bad = tiledScheduleError(p, s, sizes);
  if (bad !== undefined) throw new Error(`${p.name} (tiled GEMM): ${bad}`);
  const { tm: TM, tn: TN, tk: TK, rm: RM, rn: RN } = s;
  const CX = TN / RN; // invocations across columns
  const RY = TM / RM; // invocations across rows
  const WG = CX * RY;
  const batch = p.batch.kind;
  const map = batch === 'tileMap';
  const seg = batch === 'segments';
  const V4 = s.vec4;
  const AV4 = s.avec4;
  const BT = p.b.layout === 'nk';
  const v: GemmVectors = {
    a4: AV4 && s.aload4 && p.a.layout === 'mk' && !p.a.offset && sizes.K % 4 === 0 && TK % 4 === 0 && ((TM * TK) / 4) % WG === 0,
    b4: V4 && s.bload4 && (BT ? TK % 4 === 0 && sizes.K % 4 === 0 : sizes.N % 4 === 0),
    c4: false,
  };
  // Names in scope in `main`: M (dense, segments), N, K (dense, tile map); kHi bounds k (K, or a segment's end).
  const kHi = seg ? 'kEnd' : 'K';
  // The invocation's register row i (a WGSL u32 expression of i) and column j within the tile.
  const rowOf = (i: string): string => (AV4 ? `4u * (ty + ${RY}u * (${i} / 4u)) + ${i} % 4u` : `ty + ${RY}u * ${i}`);
  const colOf = (j: string): string => (V4 ? `4u * (tx + ${CX}u * (${j} / 4u)) + ${j} % 4u` : `tx + ${CX}u * ${j}`);
  const accAt = (i: string, j: string): string => (V4 ? `acc[${i}][${j} / 4u][${j} % 4u]` : `acc[${i}][${j}]`);
  // Row m of the tile (0 ≤ m < TM) → C's row and whether it exists: dense and segments m0 + m < M; tile-map slots rowStart + m < rowEnd.
  const outRow = (m: string): string => (map ? `rowStart + ${m}` : `m0 + ${m}`);
  const rowOk = (r: string): string => (map ? `${r} < rowEnd` : `${r} < M`);
  const rowPast = (r: string): string => (map ? `${r} >= rowEnd` : `${r} >= M`);
  const cn = cName(p);

  const RNV = V4 ? RN / 4 : RN;
  const accDecl = `var acc: ${V4 ? `array<array<vec4<f32>, ${RNV}>, ${RM}>` : `array<array<f32, ${RN}>, ${RM}>`};`;
  const accInit = p.accumulate
    ? `  for (var i = 0u; i < ${RM}u; i++) {
    let gm = ${outRow(rowOf('i'))};
    if (${rowPast('gm')}) { continue; }
    for (var j = 0u; j < ${RN}u; j++) {
      let gn = n0 + ${colOf('j')};
      if (gn < N) { ${accAt('i', 'j')} = ${cn}[${cIndex(p, v, 'gm', 'gn')}]; }
    }
  }`
    : // A dense tile's accumulators start as the zero the declaration gives; a tile-map chunk's and a segment's are cleared explicitly.
      batch === 'dense'
      ? ''
      : `  for (var i = 0u; i < ${RM}u; i++) { for (var j = 0u; j < ${RNV}u; j++) { acc[i][j] = ${V4 ? 'vec4<f32>(0.0)' : '0.0'}; } }`;

  // ---- A tile: As[kk][m] (AV4: As[kk][m / 4][m % 4]).
  const asStore = (kk: string, m: string, val: string): string => (AV4 ? `As[${kk} * ${TM / 4}u + ${m} / 4u][${m} % 4u] = ${val};` : `As[${kk} * ${TM}u + ${m}] = ${val};`);
  const aRow = (r: string): string => (map ? `rowStart + ${r}` : `m0 + ${r}`);
  const aValid = (gm: string, gk: string): string => `${rowOk(gm)} && ${gk} < ${kHi}`;
  let aStage: string;
  if (v.a4) {
    aStage = `    for (var r = 0u; r < ${(TM * TK) / 4 / WG}u; r++) {
      let q = t + ${WG}u * r;
      let row = q / ${TK / 4}u;
      let k4 = q % ${TK / 4}u;
      let gm = ${aRow('row')};
      let gk = k0 + 4u * k4;
      var v = vec4<f32>(0.0);
      if (${aValid('gm', 'gk')}) {
        v = ${aLoad(p, aRowBase(p, v, 'gm'), 'gk / 4u')};
      }
      for (var c = 0u; c < 4u; c++) { ${asStore('(4u * k4 + c)', 'row', 'v[c]')} }
    }`;
  } else {
    // Row-major A: consecutive invocations read consecutive k of a row; A stored [K, M]: consecutive m of a k row.
    const km = p.a.layout === 'km';
    aStage = `    for (var r = 0u; r < ${(TM * TK) / WG}u; r++) {
      let q = t + ${WG}u * r;
      ${km ? `let kk = q / ${TM}u;\n      let row = q % ${TM}u;` : `let row = q / ${TK}u;\n      let kk = q % ${TK}u;`}
      let gm = ${aRow('row')};
      let gk = k0 + kk;
      var v = 0.0;
      if (${aValid('gm', 'gk')}) { v = ${aLoad(p, aRowBase(p, v, 'gm'), 'gk')}; }
      ${asStore('kk', 'row', 'v')}
    }`;
  }

  // ---- B tile: Bs[kk][n] (V4: Bs[kk][n / 4] as vec4s).
  const bStage = stageB(p, s, v, { WG, kHi });

  // ---- One k step of the register tile.
  const skip = map && V4 && AV4;
  const avLoad = AV4
    ? `      var av4: array<vec4<f32>, ${RM / 4}>;
      for (var i = 0u; i < ${RM / 4}u; i++) { av4[i] = As[kk * ${TM / 4}u + ty + ${RY}u * i]; }`
    : `      var av: array<f32, ${RM}>;
      for (var i = 0u; i < ${RM}u; i++) { av[i] = As[kk * ${TM}u + ty + ${RY}u * i]; }`;
  const avUnpack = `      var av: array<f32, ${RM}>;
      for (var i = 0u; i < ${RM}u; i++) { av[i] = av4[i / 4u][i % 4u]; }`;
  const bvLoad = V4
    ? `      var bv: array<vec4<f32>, ${RNV}>;
      for (var j = 0u; j < ${RNV}u; j++) { bv[j] = Bs[kk * ${TN / 4}u + tx + ${CX}u * j]; }`
    : `      var bv: array<f32, ${RN}>;
      for (var j = 0u; j < ${RN}u; j++) { bv[j] = Bs[kk * ${TN}u + tx + ${CX}u * j]; }`;
  let step: string;
  if (skip) {
    // Row quads past the chunk's rows are not computed (their outputs are not stored).
    step = `${avLoad}
${avUnpack}
${bvLoad}
      for (var i4 = 0u; i4 < ${RM / 4}u; i4++) {
        if (4u * (ty + ${RY}u * i4) < nrows) {
          for (var ii = 0u; ii < 4u; ii++) {
            for (var j = 0u; j < ${RNV}u; j++) { acc[4u * i4 + ii][j] = fma(vec4<f32>(av[4u * i4 + ii]), bv[j], acc[4u * i4 + ii][j]); }
          }
        }
      }`;
  } else if (V4 && AV4) {
    step = vec4TileStepWgsl({ TM, TN, RM, RN, RY, CX });
  } else if (V4) {
    step = `${avLoad}
${bvLoad}
      for (var i = 0u; i < ${RM}u; i++) {
        for (var j = 0u; j < ${RNV}u; j++) { acc[i][j] = fma(vec4<f32>(av[i]), bv[j], acc[i][j]); }
      }`;
  } else {
    step = `${AV4 ? `${avLoad}\n${avUnpack}` : avLoad}
${bvLoad}
      for (var i = 0u; i < ${RM}u; i++) {
        for (var j = 0u; j < ${RN}u; j++) { acc[i][j] = fma(av[i], bv[j], acc[i][j]); }
      }`;
  }
  // A segment's last stage holds fewer than TK rows: only those are stepped (the others are zero anyway).
  const kkLoop = seg
    ? `    let kSteps = min(${TK}u, kEnd - k0);
    for (var kk = 0u; kk < kSteps; kk++) {`
    : `    for (var kk = 0u; kk < ${TK}u; kk++) {`;
  const kLoop = `  for (var k0 = ${seg ? 'kBegin' : '0u'}; k0 < ${kHi}; k0 += ${TK}u) {
${aStage}
${bStage}
    workgroupBarrier();
    ${skip ? 'if (4u * ty < nrows) {' : '{'}
${kkLoop}
${step}
    }
    }
    workgroupBarrier();
  }`;

  const bias = p.bias !== 'none';
  const store = `  for (var i = 0u; i < ${RM}u; i++) {
    let gm = ${outRow(rowOf('i'))};
    if (${rowPast('gm')}) { continue; }
    for (var j = 0u; j < ${RN}u; j++) {
      let gn = n0 + ${colOf('j')};
      if (gn >= N) { continue; }
      var v = ${accAt('i', 'j')}${bias ? ` + ${biasLoad(p, v, 'gn')}` : ''};
      ${p.relu ? 'v = max(v, 0.0);' : ''}
      ${cn}[${cIndex(p, v, 'gm', 'gn')}] = v;
    }
  }`;

  const [colBlocks, rowBlocks] = tiledBlocks(s, sizes);
  let head: string;
  let body: string;
  let grid: [number, number, number];
  if (p.batch.kind === 'tileMap') {
    head = `${tileMapPrologueWgsl()}
  let n0 = (g % params.colBlocks) * ${TN}u;
  if (n0 >= N) { return; }
  let tx = t % ${CX}u;
  let ty = t / ${CX}u;`;
    body = `  // The entry's rows in chunks of ${TM} (an entry may hold more rows than the row tile).
  for (var rowStart = u32(entry.y); rowStart < u32(entry.z); rowStart += ${TM}u) {
  let rowEnd = min(rowStart + ${TM}u, u32(entry.z));
  let nrows = rowEnd - rowStart;
  ${accDecl}
${accInit}
${kLoop}
${store}
  }`;
    grid = grid1d(colBlocks * p.batch.maxTiles);
  } else if (p.batch.kind === 'segments') {
    const per = 'params.gx * params.gy';
    head = `  let M = params.M;
  let N = params.N;
${
  p.batch.active
    ? `  let g = flat_workgroup(wid, nwg);
  let per = ${per};
  let ai = g / per;
  if (ai >= u32(activeList[0])) { return; }
  let e = u32(activeList[1u + ai]);
  let m0 = ((g % per) / params.gx) * ${TM}u;
  let n0 = ((g % per) % params.gx) * ${TN}u;`
    : `  let e = wid.z;
  let m0 = wid.y * ${TM}u;
  let n0 = wid.x * ${TN}u;`
}
  // k runs over segment e's rows.
  let kBegin = u32(offsets[e]);
  let kEnd = u32(offsets[e + 1u]);
  let tx = t % ${CX}u;
  let ty = t / ${CX}u;`;
    body = `  ${accDecl}
${accInit}
${kLoop}
${store}`;
    const segs = Math.max(1, p.batch.segments);
    if (!p.batch.active && (colBlocks > 65535 || rowBlocks > 65535 || segs > 65535)) {
      throw new Error(`${p.name} (tiled GEMM): grid ${colBlocks}×${rowBlocks}×${segs} exceeds 65535 workgroups per dimension; use the active-expert variant (folded grid)`);
    }
    grid = p.batch.active ? grid1d(colBlocks * rowBlocks * segs) : [colBlocks, rowBlocks, segs];
  } else {
    head = `  let M = params.M;
  let N = params.N;
  let K = params.K;
  let m0 = wid.y * ${TM}u;
  let n0 = wid.x * ${TN}u;
  let tx = t % ${CX}u;
  let ty = t / ${CX}u;`;
    body = `  // Invocation rows ${AV4 ? `4(ty + ${RY}i') + r` : `ty + ${RY}i`}, columns ${V4 ? `4(tx + ${CX}j') + c` : `tx + ${CX}j`}.
  ${accDecl}
${accInit}
${kLoop}
${store}`;
    grid = [colBlocks, rowBlocks, 1];
  }
  const folded = p.batch.kind === 'tileMap' || (p.batch.kind === 'segments' && p.batch.active);
  const label = `tile=${TM}x${TN}x${TK} reg=${RM}x${RN}${V4 ? ' vec4' : ''}${AV4 ? ' avec4' : ''}${v.a4 ? ' A-load4' : ''}${v.b4 ? ' B-load4' : ''}${skip ? ' skip' : ''}`;
  const source = /* wgsl */ `// ${label}
${folded ? FLAT_WORKGROUP_WGSL : ''}var<workgroup> As: array<${AV4 ? `vec4<f32>, ${(TK * TM) / 4}` : `f32, ${TK * TM}`}>; // [${TK}][${TM}], A tile transposed
var<workgroup> Bs: array<${V4 ? `vec4<f32>, ${(TK * TN) / 4}` : `f32, ${TK * TN}`}>; // [${TK}][${TN}]

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>${folded ? ', @builtin(num_workgroups) nwg: vec3<u32>' : ''}, @builtin(local_invocation_index) t: u32) {
${head}
${body}
}
`;
  return { source, vectors: v, workgroupSize: WG, grid };
}

/** The B-tile staging loop of `s` (see `tiledGemm`). */
function stageB(p: GemmProblem, s: TiledSchedule, v: GemmVectors, o: { readonly WG: number; readonly kHi: string }): string {
  const { tn: TN, tk: TK } = s;
  const { WG, kHi } = o;
  const zero = p.batch.kind === 'tileMap' ? ' + params.zero' : '';
  if (p.b.layout === 'nk') {
    // B stored transposed: element (k, n) at n·K + k.
    if (!s.vec4) {
      return `    for (var r = 0u; r < ${(TN * TK) / WG}u; r++) {
      let q = t + ${WG}u * r;
      let kk = q % ${TK}u;
      let col = q / ${TK}u;
      let gk = k0 + kk;
      let gn = n0 + col;
      var v = 0.0;
      if (gk < ${kHi} && gn < N) { v = ${bLoad(p, 'gk', 'gn')}; }
      Bs[kk * ${TN}u + col] = v;
    }`;
    }
    if (TK % 4 !== 0) {
      return `    for (var r = 0u; r < ${ceilDiv(TN * TK, WG)}u; r++) {
      let q = t + ${WG}u * r;
      if (q < ${TN * TK}u) {
        let kk = q % ${TK}u;
        let col = q / ${TK}u;
        let gk = k0 + kk;
        let gn = n0 + col;
        var v = 0.0;
        if (gk < ${kHi} && gn < N) { v = ${bLoad(p, 'gk', 'gn')}; }
        Bs[kk * ${TN / 4}u + col / 4u][col % 4u] = v;
      }
    }`;
    }
    // A 4-column × 4-k block per unit: 4 loads of 4 consecutive k (one per column, along B's stored rows),
    // transposed in registers into 4 vec4 rows of Bs.
    const load = v.b4
      ? `v = ${bLoad4(p, 'gk', 'gn + i')};`
      : `if (gk + 3u < ${kHi}) {
              v = vec4<f32>(${[0, 1, 2, 3].map((c) => bLoad(p, `gk + ${c}u`, 'gn + i')).join(', ')});
            } else {
              for (var c = 0u; c < 4u; c++) { if (gk + c < ${kHi}) { v[c] = ${bLoad(p, 'gk + c', 'gn + i')}; } }
            }`;
    return `    for (var r = 0u; r < ${ceilDiv((TN * TK) / 16, WG)}u; r++) {
      let q = t + ${WG}u * r;
      if (q < ${(TN * TK) / 16}u) {
        let k4 = q % ${TK / 4}u;
        let c4 = q / ${TK / 4}u;
        let gk = k0 + 4u * k4;
        let gn = n0 + 4u * c4;
        var m: array<vec4<f32>, 4>;
        for (var i = 0u; i < 4u; i++) {
          var v = vec4<f32>(0.0);
          if (gn + i < N && gk < ${kHi}) {
            ${load}
          }
          m[i] = v;
        }
        for (var j = 0u; j < 4u; j++) {
          Bs[(4u * k4 + j) * ${TN / 4}u + c4] = vec4<f32>(m[0][j], m[1][j], m[2][j], m[3][j]);
        }
      }
    }`;
  }
  if (!s.vec4) {
    return `    for (var r = 0u; r < ${(TN * TK) / WG}u; r++) {
      let q = t + ${WG}u * r;
      let kk = q / ${TN}u;
      let col = q % ${TN}u;
      let gk = k0 + kk;
      let gn = n0 + col;
      var v = 0.0;
      if (gk < ${kHi} && gn < N) { v = ${bLoad(p, 'gk', 'gn')}; }
      Bs[kk * ${TN}u + col] = v;
    }`;
  }
  // Column quads of B [K, N]: one vec4 load (b4), else 4 scalar loads (fewer at N's edge).
  const load = v.b4
    ? `if (gn < N) { v = ${bLoad4(p, 'gk', 'gn / 4u')}; }`
    : `if (gn + 3u < N) {
          v = vec4<f32>(${[0, 1, 2, 3].map((c) => bLoad(p, 'gk', `gn + ${c}u`)).join(', ')});
        } else {
          for (var c = 0u; c < 4u; c++) { if (gn + c < N) { v[c] = ${bLoad(p, 'gk', 'gn + c')}; } }
        }`;
  // With vec4 loads from a tile map the trip count is kept non-constant (+ params.zero): lavapipe
  // unrolls a constant one fully, which made the one-bank grouped GEMM ~15% slower (expert-ffn.ts).
  // The units past the tile are skipped unless the trip count is exactly the constant TN·TK/4/WG.
  const trip = v.b4 ? zero : '';
  const units = (TN * TK) / 4;
  const guard = units % WG !== 0 || trip !== '';
  const unit = `let kk = q / ${TN / 4}u;
        let gk = k0 + kk;
        let gn = n0 + 4u * (q % ${TN / 4}u);
        var v = vec4<f32>(0.0);
        if (gk < ${kHi}) {
        ${load}
        }
        Bs[q] = v;`;
  return `    for (var r = 0u; r < ${ceilDiv(units, WG)}u${trip}; r++) {
      let q = t + ${WG}u * r;
      ${guard ? `if (q < ${units}u) {
        ${unit}
      }` : unit}
    }`;
}

/**
 * One k step of the vec4 register tile with vec4 staging of both tiles: from workgroup tiles
 * As [TK][TM/4] and Bs [TK][TN/4] at row `kk`, invocation (tx, ty) adds a[4(ty + RY·i') + r] ·
 * b[4(tx + CX·j') + c] into acc [RM][RN/4] (vec4), one fma per output in k order. The caller
 * declares As, Bs, acc, tx, ty and kk.
 */
export function vec4TileStepWgsl(t: { readonly TM: number; readonly TN: number; readonly RM: number; readonly RN: number; readonly RY: number; readonly CX: number }): string {
  const { TM, TN, RM, RN, RY, CX } = t;
  return `      var av4: array<vec4<f32>, ${RM / 4}>;
      for (var i = 0u; i < ${RM / 4}u; i++) { av4[i] = As[kk * ${TM / 4}u + ty + ${RY}u * i]; }
      var bv: array<vec4<f32>, ${RN / 4}>;
      for (var j = 0u; j < ${RN / 4}u; j++) { bv[j] = Bs[kk * ${TN / 4}u + tx + ${CX}u * j]; }
      for (var i = 0u; i < ${RM}u; i++) {
        let ai = vec4<f32>(av4[i / 4u][i % 4u]);
        for (var j = 0u; j < ${RN / 4}u; j++) { acc[i][j] = fma(ai, bv[j], acc[i][j]); }
      }`;
}
