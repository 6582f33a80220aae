/**
 * The expert FFN for experts that get a handful of rows (many experts, N·k/n ≲ 12): batched GEMV
 * kernels, one workgroup per tile-map entry (≤ 8 slots of one expert), used instead of the
 * row-tile kernels of expert-fused.ts in that regime. The entry's R rows of x (and in the backward
 * of dy) are loaded once into workgroup memory; H is walked in slices of HS = WG·HPT hidden units,
 * two barriers per slice (HS = 256: 4 slices at H = 1024, where the row-tile kernels take ~14
 * barriers per 64 hidden units). An entry is walked R rows per pass; a pass of ≤ `small` rows
 * runs a copy of the body sized for `small` rows (at ~4 rows per expert most entries are half
 * the 8-row tile: half the padding FMAs). Phase 1 of a slice: thread t owns hidden units
 * h0 + t + WG·j (j < HPT) for all R rows, streams w1[e][d][h] (consecutive over threads) and
 * reads the rows as workgroup-uniform values, so each weight element feeds R FMAs; the slice's
 * hidden activations (forward) or dpre = (dy·w2ᵀ)·[pre > 0] (backward) go to workgroup memory
 * [R][HS]. Phase 2: thread t owns output columns t + WG·c for all R rows and accumulates over the
 * slice's hidden units in registers, streaming w2[e][h][o] (forward) or w1[e][d][h] (backward,
 * dslot = dpre·w1ᵀ), again R FMAs per weight element. No [S, H] tensor exists (the recompute
 * contract of expert-fused.ts). Every output element has one owner thread and one fixed
 * summation order (the forward: b2, then h ascending; dslot: h ascending), no atomics, so the bits
 * are the same every run. Rows beyond the entry are zero in workgroup memory and never written.
 * Shapes are WGSL constants (the loops unroll); the forward reads expert banks split over up to
 * four bindings (w1_0.., w2_0.., bank starts in the uniform), as expert-fused.ts does.
 */
import { maxTiles } from './dispatch.ts';
import { bankFn } from './expert-fused-pieces.ts';
import { grid1d, type Kernel } from './kernel.ts';
import { defineProgram, type BindingDecl } from './program.ts';

/** Thread shape of the GEMV kernels (exposed for benchmarking variants). */
export interface GemvShape {
  /** Rows per pass over the weights (an entry with more rows is walked R at a time). */
  readonly R: number;
  /** Invocations per workgroup. */
  readonly WG: number;
  /** Hidden units per thread per slice (HS = WG·HPT). */
  readonly HPT: number;
  /** A smaller pass size for passes of ≤ small rows (a second copy of the pass body), or none. */
  readonly small?: number;
}

/**
 * The shape used by the lowering: R = the tile map's rows per entry, passes of ≤ 4 rows by a
 * 4-row body, 32 invocations of 8 hidden units (HS = 256). Measured in bench/expert-gemv.ts (n =
 * 1024, 4096 slots, D = Dout = 32, H = 1024, 8-row map; medians of 3, loadavg ~31 on 2 cores, ms
 * forward / dx): row-tile kernels 17397 / 23181; R8/4 WG32 HPT8 2754 / 4107; R8/4 WG64 HPT4
 * 3111 / 4543; R8/4 WG128 HPT2 3963 / 4892; R8/4 WG32 HPT4 3308 / 3854; in an earlier run R8 WG64
 * HPT4 without the 4-row body 4008 / 6134 against R8/4 3783 / 4635; WG16 HPT8 / HPT16 slower
 * than WG32 HPT8 (2537 / 2523 vs 1745 forward), and vec4 loads of w1/w2 rows in the input half
 * slower (2427 vs 2007). Final shape, medians of 5 at loadavg ~16: row-tile 9548 / 13101, this
 * 1802 / 2462 (bench/results/expert-gemv.json).
 */
export function gemvShape(tileRows: number): GemvShape {
  return { R: tileRows, WG: 32, HPT: 8, ...(tileRows > 4 ? { small: 4 } : {}) };
}

/** Workgroup memory budget of these kernels (f32 words; the device's 32 KiB). */
const WORKGROUP_WORDS = 8192;

/** Largest rows per tile-map entry served by the GEMV kernels (`expertTileRows` ≤ 8: ≤ 12 rows per expert on average). */
export const GEMV_MAX_TILE_ROWS = 8;

/**
 * True when a plan with this tile-map granularity and widths takes the GEMV kernels: few rows per
 * entry (≤ GEMV_MAX_TILE_ROWS) and the rows of x, dy and one hidden slice fit workgroup memory.
 */
export function useExpertGemv(o: { readonly tileRows: number; readonly D: number; readonly Dout: number }): boolean {
  if (o.tileRows > GEMV_MAX_TILE_ROWS) return false;
  const s = gemvShape(o.tileRows);
  return s.R * (o.D + o.Dout + s.WG * s.HPT) <= WORKGROUP_WORDS;
}

/** Shapes of the GEMV expert kernels. */
export interface ExpertGemvOptions {
  /** Rows of x. */
  readonly N: number;
  /** Slots per row (S = N·k). */
  readonly k: number;
  /** Number of experts. */
  readonly n: number;
  readonly D: number;
  readonly H: number;
  readonly Dout: number;
  /** Rows per tile-map entry (the dispatch's DispatchShape.tileRows): sizes maxTiles. */
  readonly tileRows: number;
  /** Experts per weight binding for w1 and w2 (forward only; default one bank). */
  readonly banks?: readonly number[];
  /** Thread shape (default `gemvShape(tileRows)`). */
  readonly shape?: GemvShape;
}

const ro = (type: BindingDecl['type'] = 'f32'): BindingDecl => ({ access: 'read', type });
const rw: BindingDecl = { access: 'read_write', type: 'f32' };
const UNIFORMS = { maxTiles: 'u32', bank1: 'u32', bank2: 'u32', bank3: 'u32' } as const;

function check(o: ExpertGemvOptions, where: string) {
  const s = o.shape ?? gemvShape(o.tileRows);
  const banks = o.banks ?? [o.n];
  if (banks.length < 1 || banks.length > 4) throw new Error(`${where}: 1..4 weight banks, got ${banks.length}`);
  if (banks.reduce((a, b) => a + b, 0) !== o.n) throw new Error(`${where}: banks ${banks.join('+')} must sum to n=${o.n}`);
  for (const [name, v] of [['R', s.R], ['WG', s.WG], ['HPT', s.HPT], ['D', o.D], ['H', o.H], ['Dout', o.Dout]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${where}: ${name} must be a positive integer, got ${v}`);
  }
  if (s.small !== undefined && !(Number.isInteger(s.small) && s.small >= 1 && s.small <= s.R)) throw new Error(`${where}: small pass size ${s.small} must be an integer in 1..R=${s.R}`);
  if (s.WG > 256) throw new Error(`${where}: workgroup of ${s.WG} invocations exceeds 256`);
  const words = s.R * (o.D + o.Dout + s.WG * s.HPT);
  if (words > WORKGROUP_WORDS) {
    throw new Error(`${where}: R=${s.R} rows of D=${o.D} + Dout=${o.Dout} and a ${s.WG * s.HPT}-unit hidden slice need ${4 * words} bytes of workgroup memory (> 32 KiB); use the row-tile kernels (useExpertGemv)`);
  }
  const starts = [0, 0, 0, 0];
  for (let b = 1; b < 4; b++) starts[b] = starts[b - 1]! + (banks[b - 1] ?? 0);
  const tiles = maxTiles({ N: o.N, k: o.k, n: o.n, tileRows: o.tileRows });
  const values = { maxTiles: tiles, bank1: starts[1]!, bank2: starts[2]!, bank3: starts[3]! };
  return { s, B: banks.length, tiles, values, HS: s.WG * s.HPT };
}

/** WGSL constants shared by both kernels. */
function head(o: ExpertGemvOptions, s: GemvShape, cols: number): string {
  return `const D = ${o.D}u;
const H = ${o.H}u;
const DOUT = ${o.Dout}u;
const WG = ${s.WG}u;
const HPT = ${s.HPT}u;
const HS = ${s.WG * s.HPT}u;
const OC = ${Math.ceil(cols / s.WG)}u; // output columns per thread
`;
}

/**
 * The entry point: the workgroup's tile-map entry walked R rows at a time, each pass by
 * `pass_<P>` with P the smallest of the shape's pass sizes that holds the pass's rows (a uniform
 * branch: fewer padding rows computed for small entries).
 */
function main(s: GemvShape): string {
  const sizes = passSizes(s);
  const call = sizes
    .map((P, i) => (i === sizes.length - 1 ? `{ pass_${P}(e, rs, nrows, t); }` : `if (nrows <= ${P}u) { pass_${P}(e, rs, nrows, t); }`))
    .join(' else ');
  return `@compute @workgroup_size(${s.WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let g = wid.y * nwg.x + wid.x;
  if (g >= params.maxTiles) { return; }
  let entry = tileMap[g];
  if (entry.x < 0) { return; }
  let e = u32(entry.x);
  let s0 = u32(entry.y);
  let s1 = u32(entry.z);
  for (var rs = s0; rs < s1; rs += ${s.R}u) {
    let nrows = min(${s.R}u, s1 - rs);
    ${call}
  }
}
`;
}

/** Pass sizes of a shape, ascending (R, and `small` below it). */
function passSizes(s: GemvShape): number[] {
  return s.small !== undefined && s.small < s.R ? [s.small, s.R] : [s.R];
}

/** `stmt` under `if (cond)` unless `always` (a guard the shape makes redundant is not emitted). */
const guard = (always: boolean, cond: string, stmt: string) => (always ? stmt : `if (${cond}) { ${stmt} }`);

/** Loads the pass's P rows of x (0 past nrows) into Xs [P][D]. */
const loadX = (P: number) => `  for (var q = t; q < ${P}u * D; q += WG) {
    let r = q / D;
    var v = 0.0;
    if (r < nrows) { v = x[u32(sourceRow[rs + r]) * D + q % D]; }
    Xs[q] = v;
  }`;

/** Phase 1's pre-activations pre[j][r] = b1 + Σ_d Xs[r][d]·w1[e][d][h] for the thread's hidden units h = h0 + t + WG·j. */
const pre = (P: number, full: boolean) => `    var pre: array<array<f32, ${P}>, HPT>;
    for (var j = 0u; j < HPT; j++) {
      let h = h0 + t + WG * j;
      var bias = 0.0;
      ${guard(full, 'h < H', 'bias = b1[e * H + h];')}
      for (var r = 0u; r < ${P}u; r++) { pre[j][r] = bias; }
    }
    for (var d = 0u; d < D; d++) {
      var xv: array<f32, ${P}>;
      for (var r = 0u; r < ${P}u; r++) { xv[r] = Xs[r * D + d]; }
      for (var j = 0u; j < HPT; j++) {
        let h = h0 + t + WG * j;
        var w = 0.0;
        ${guard(full, 'h < H', 'w = w1_at(e, d * H + h);')}
        for (var r = 0u; r < ${P}u; r++) { pre[j][r] = fma(xv[r], w, pre[j][r]); }
      }
    }`;

/**
 * Forward (op `expertFfn`): out[s] = relu(x[sourceRow[s]]·w1[e] + b1[e])·w2[e] + b2[e] for the
 * slots of every tile-map entry. Bindings: x [N,D], sourceRow i32 [S], tileMap vec4<i32>
 * [maxTiles], w1_0.. (w1 banks), b1 [n,H], w2_0.. (w2 banks), b2 [n,Dout], out [S,Dout], params.
 * Launch: one workgroup per entry (static grid maxTiles; the lowering's indirect grid over the
 * real tile count), flattened and returning past the map.
 */
export function expertGemvForwardKernel(o: ExpertGemvOptions): Kernel {
  const { s, B, tiles, values, HS } = check(o, 'expert GEMV forward');
  const full = o.H % HS === 0;
  const colsFull = o.Dout % s.WG === 0;
  const bindings: Record<string, BindingDecl> = {
    x: ro(),
    sourceRow: ro('i32'),
    tileMap: ro('vec4<i32>'),
    ...Object.fromEntries(Array.from({ length: B }, (_, b) => [`w1_${b}`, ro()])),
    b1: ro(),
    ...Object.fromEntries(Array.from({ length: B }, (_, b) => [`w2_${b}`, ro()])),
    b2: ro(),
    out: rw,
  };
  const pass = (P: number) => `fn pass_${P}(e: u32, rs: u32, nrows: u32, t: u32) {
  workgroupBarrier(); // the previous pass is done with Xs and Hs
${loadX(P)}
  var acc: array<array<f32, ${P}>, OC>;
  for (var c = 0u; c < OC; c++) {
    let col = t + WG * c;
    var bias = 0.0;
    ${guard(colsFull, 'col < DOUT', 'bias = b2[e * DOUT + col];')}
    for (var r = 0u; r < ${P}u; r++) { acc[c][r] = bias; }
  }
  for (var h0 = 0u; h0 < H; h0 += HS) {
    workgroupBarrier(); // Xs loaded / the previous slice's Hs consumed
${pre(P, full)}
    for (var j = 0u; j < HPT; j++) {
      for (var r = 0u; r < ${P}u; r++) { Hs[r * HS + t + WG * j] = max(pre[j][r], 0.0); }
    }
    workgroupBarrier();
    for (var c = 0u; c < OC; c++) {
      let col = t + WG * c;
      if (${colsFull ? 'true' : 'col < DOUT'}) {
        for (var h = 0u; h < ${full ? 'HS' : 'min(HS, H - h0)'}; h++) {
          let w = w2_at(e, (h0 + h) * DOUT + col);
          for (var r = 0u; r < ${P}u; r++) { acc[c][r] = fma(Hs[r * HS + h], w, acc[c][r]); }
        }
      }
    }
  }
  for (var c = 0u; c < OC; c++) {
    let col = t + WG * c;
    for (var r = 0u; r < ${P}u; r++) {
      if (${colsFull ? '' : 'col < DOUT && '}r < nrows) { out[(rs + r) * DOUT + col] = acc[c][r]; }
    }
  }
}`;
  const source = `// banks=${B} R=${s.R}${s.small ? `/${s.small}` : ''} WG=${s.WG} HPT=${s.HPT}
${head(o, s, o.Dout)}
var<workgroup> Xs: array<f32, ${s.R * o.D}>; // [P][D]: the pass's rows of x (0 past the entry)
var<workgroup> Hs: array<f32, ${s.R * HS}>; // [P][HS]: the slice's hidden activations
${bankFn('w1_at', 'w1_', B, `${o.D * o.H}u`)}
${bankFn('w2_at', 'w2_', B, `${o.H * o.Dout}u`)}
${passSizes(s).map(pass).join('\n')}
${main(s)}`;
  const program = defineProgram({ name: 'expert_gemv_fused', bindings, uniforms: UNIFORMS, workgroupSize: s.WG, source });
  return program.kernel(grid1d(tiles), values);
}

/**
 * dx half of the expert backward (op `expertFfnGrad`): dslot[s] = dpre[s]·w1[e]ᵀ with dpre =
 * (dy[s]·w2[e]ᵀ)·[x[sourceRow[s]]·w1[e] + b1[e] > 0], for the slots of every tile-map entry (the
 * combine gather then sums a row's k slots into dx). Bindings: x, sourceRow, tileMap, w1_0
 * [n,D,H], b1, w2_0 [n,H,Dout], dy [S,Dout], dslot [S,D] (read_write), params — those of
 * expert-fused.ts `expertFfnGradInputKernel`, so the lowering binds either.
 */
export function expertGemvGradInputKernel(o: ExpertGemvOptions): Kernel {
  const { banks: _banks, ...whole } = o;
  const { s, tiles, values, HS } = check(whole, 'expert GEMV grad input');
  const full = o.H % HS === 0;
  const colsFull = o.D % s.WG === 0;
  const bindings = { x: ro(), sourceRow: ro('i32'), tileMap: ro('vec4<i32>'), w1_0: ro(), b1: ro(), w2_0: ro(), dy: ro(), dslot: rw };
  // Register tiles are zeroed by hand: lavapipe did not re-zero one declared inside a loop (expert-fused.ts).
  const pass = (P: number) => `fn pass_${P}(e: u32, rs: u32, nrows: u32, t: u32) {
  workgroupBarrier(); // the previous pass is done with Xs, Ys and Ps
${loadX(P)}
  for (var q = t; q < ${P}u * DOUT; q += WG) {
    let r = q / DOUT;
    var v = 0.0;
    if (r < nrows) { v = dy[(rs + r) * DOUT + q % DOUT]; }
    Ys[q] = v;
  }
  var acc: array<array<f32, ${P}>, OC>;
  for (var c = 0u; c < OC; c++) {
    for (var r = 0u; r < ${P}u; r++) { acc[c][r] = 0.0; }
  }
  for (var h0 = 0u; h0 < H; h0 += HS) {
    workgroupBarrier(); // Xs, Ys loaded / the previous slice's Ps consumed
${pre(P, full)}
    var dh: array<array<f32, ${P}>, HPT>;
    for (var j = 0u; j < HPT; j++) {
      for (var r = 0u; r < ${P}u; r++) { dh[j][r] = 0.0; }
    }
    for (var o = 0u; o < DOUT; o++) {
      var yv: array<f32, ${P}>;
      for (var r = 0u; r < ${P}u; r++) { yv[r] = Ys[r * DOUT + o]; }
      for (var j = 0u; j < HPT; j++) {
        let h = h0 + t + WG * j;
        var w = 0.0;
        ${guard(full, 'h < H', `w = w2_0[e * ${o.H * o.Dout}u + h * DOUT + o];`)}
        for (var r = 0u; r < ${P}u; r++) { dh[j][r] = fma(yv[r], w, dh[j][r]); }
      }
    }
    for (var j = 0u; j < HPT; j++) {
      for (var r = 0u; r < ${P}u; r++) { Ps[r * HS + t + WG * j] = select(0.0, dh[j][r], pre[j][r] > 0.0); }
    }
    workgroupBarrier();
    for (var c = 0u; c < OC; c++) {
      let col = t + WG * c;
      if (${colsFull ? 'true' : 'col < D'}) {
        for (var h = 0u; h < ${full ? 'HS' : 'min(HS, H - h0)'}; h++) {
          let w = w1_at(e, col * H + h0 + h);
          for (var r = 0u; r < ${P}u; r++) { acc[c][r] = fma(Ps[r * HS + h], w, acc[c][r]); }
        }
      }
    }
  }
  for (var c = 0u; c < OC; c++) {
    let col = t + WG * c;
    for (var r = 0u; r < ${P}u; r++) {
      if (${colsFull ? '' : 'col < D && '}r < nrows) { dslot[(rs + r) * D + col] = acc[c][r]; }
    }
  }
}`;
  const source = `// R=${s.R}${s.small ? `/${s.small}` : ''} WG=${s.WG} HPT=${s.HPT}
${head(o, s, o.D)}
var<workgroup> Xs: array<f32, ${s.R * o.D}>; // [P][D]: the pass's rows of x (0 past the entry)
var<workgroup> Ys: array<f32, ${s.R * o.Dout}>; // [P][DOUT]: their dy
var<workgroup> Ps: array<f32, ${s.R * HS}>; // [P][HS]: the slice's dpre
fn w1_at(e: u32, idx: u32) -> f32 { return w1_0[e * ${o.D * o.H}u + idx]; }
${passSizes(s).map(pass).join('\n')}
${main(s)}`;
  const program = defineProgram({ name: 'expert_gemv_grad_input', bindings, uniforms: UNIFORMS, workgroupSize: s.WG, source });
  return program.kernel(grid1d(tiles), values);
}
