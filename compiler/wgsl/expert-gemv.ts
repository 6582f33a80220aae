/**
 * The expert FFN for experts that get a handful of rows (many experts, N·k/n ≲ 12): batched GEMV
 * kernels, one workgroup per tile-map entry (≤ 8 slots of one expert), used instead of the
 * row-tile kernels of expert-fused.ts in that regime. The entry's rows of x (and in the backward
 * of dy) are loaded once into workgroup memory, four rows to a vec4; H is walked in slices of
 * HS = WG·HPT hidden units, two barriers per slice. An entry is walked R rows at a time; a pass of
 * ≤ `small` rows runs a copy of the body sized for `small` rows (at ~4 rows per expert most
 * entries are half the 8-row tile). Phase 1 of a slice: thread t owns hidden units h0 + t + WG·j
 * (j < HPT) for all the pass's rows, streams w1[e][d][h] and reads the rows as one vec4 per four
 * rows, so each weight element feeds four rows' FMAs; the slice's hidden activations (forward) or
 * dpre = (dy·w2ᵀ)·[pre > 0] (backward) go to workgroup memory [R/4][HS] as vec4s. Phase 2: thread
 * t owns output columns t + WG·c for all rows and accumulates over the slice's hidden units,
 * streaming w2[e][h][o] (forward) or w1[e][d][h] (backward, dslot = dpre·w1ᵀ). The generator
 * unrolls every per-thread loop over hidden units, row groups and output columns into named
 * registers (lavapipe keeps a private array indexed in a loop in memory), and where H and Dout are
 * multiples of 4 reads the weights as vec4s of one weight row (`gemvWeightsPerLoad`: a thread owns
 * four consecutive hidden units / output columns, or walks o and h four at a time), which keeps
 * the scalar summation order. No [S, H] tensor exists (the recompute contract of
 * expert-fused.ts). Every output element has one owner thread and one fixed summation order (the
 * forward: b1 then d ascending, b2 then h ascending; dslot: dy·w2ᵀ over o ascending, then h
 * ascending), no atomics, so the bits are the same every run. Rows beyond the entry are zero in
 * workgroup memory and never written. Shapes are WGSL constants; the forward reads expert banks
 * split over up to four bindings (w1_0.., w2_0.., bank starts in the uniform), as expert-fused.ts
 * does.
 */
import { maxTiles } from './dispatch.ts';
import { FLAT_WORKGROUP_WGSL, grid1d, type Kernel } from './kernel.ts';
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
  /** One weight per load even where vec4 loads are possible (benchmarking). */
  readonly scalar?: boolean;
}

/**
 * The shape used by the lowering: R = the tile map's rows per entry, passes of ≤ 4 rows by a
 * 4-row body, 8 invocations (one SIMD vector of lavapipe's AVX2 lanes, so a barrier switches no
 * coroutines) of 8 hidden units (HS = 64). Measured in bench/expert-gemv.ts (n = 1024, 4096 slots,
 * D = Dout = 32, H = 1024, 8-row map; medians of 5, one run, loadavg ~15 on 2 cores, commit of
 * this change, ms forward / dx, 9 alternated repetitions, loadavg ~16): vec4 weight loads WG8
 * HPT8 912 / 1460, the same with scalar loads 1186 / 1765, scalar WG32 HPT8 1721 / 2271; the
 * previous generator (private arrays indexed in loops, rows unpacked, WG32 HPT8) measured
 * ~2100 / ~2500 in runs at the same load. WG8 HPT16 was ~10% faster still but took 2–3× the JIT
 * time (51 / 112 s at loadavg 15).
 */
export function gemvShape(tileRows: number): GemvShape {
  return { R: tileRows, WG: 8, HPT: 8, ...(tileRows > 4 ? { small: 4 } : {}) };
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
  return stagedWords(s.R, o, s.WG * s.HPT, true) <= WORKGROUP_WORDS;
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

function check(o: ExpertGemvOptions, where: string, withDy: boolean) {
  const s = o.shape ?? gemvShape(o.tileRows);
  const banks = o.banks ?? [o.n];
  if (banks.length < 1 || banks.length > 4) throw new Error(`${where}: 1..4 weight banks, got ${banks.length}`);
  if (banks.reduce((a, b) => a + b, 0) !== o.n) throw new Error(`${where}: banks ${banks.join('+')} must sum to n=${o.n}`);
  for (const [name, v] of [['R', s.R], ['WG', s.WG], ['HPT', s.HPT], ['D', o.D], ['H', o.H], ['Dout', o.Dout]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${where}: ${name} must be a positive integer, got ${v}`);
  }
  if (s.small !== undefined && !(Number.isInteger(s.small) && s.small >= 1 && s.small <= s.R)) throw new Error(`${where}: small pass size ${s.small} must be an integer in 1..R=${s.R}`);
  if (s.WG > 256) throw new Error(`${where}: workgroup of ${s.WG} invocations exceeds 256`);
  const words = stagedWords(s.R, o, s.WG * s.HPT, withDy);
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
  return `${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(${s.WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let g = flat_workgroup(wid, nwg);
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
const range = (n: number) => [...Array(n).keys()];
const lines = (xs: readonly string[]) => xs.join('\n');

/**
 * Rows of a pass packed G to a vector (G = 4, or P when P < 4: f32 / vec2 / vec3): `ty` the WGSL
 * type of one group, `sw` the swizzle that reads it from a vec4 of workgroup memory, `V` groups.
 */
function packing(P: number): { G: number; V: number; ty: string; sw: string; splat: (x: string) => string } {
  const G = Math.min(4, P);
  const ty = G === 1 ? 'f32' : `vec${G}<f32>`;
  return { G, V: Math.ceil(P / G), ty, sw: G === 4 ? '' : `.${'xyzw'.slice(0, G)}`, splat: (x) => (G === 1 ? x : `${ty}(${x})`) };
}

/** A group value widened to the vec4 of workgroup memory (zeros in the unused components). */
const widen = (G: number, v: string) => (G === 4 ? v : `vec4<f32>(${v}${', 0.0'.repeat(4 - G)})`);

/** Component i of a value of W lanes (the scalar itself when W = 1). */
const lane = (W: number, v: string, i: number) => (W === 1 ? v : `${v}[${i}]`);

/**
 * Weights per load: 4 (vec4 bindings of w1 and w2) when H and Dout are multiples of 4 and every
 * thread owns whole vec4s of hidden units (HPT % 4 = 0), else 1. Every vector load covers
 * consecutive elements of one weight row, so the summation order is the scalar one.
 */
export function gemvWeightsPerLoad(o: { readonly H: number; readonly Dout: number }, s: GemvShape): 1 | 4 {
  return o.H % 4 === 0 && o.Dout % 4 === 0 && s.HPT % 4 === 0 && !s.scalar ? 4 : 1;
}

/** `fn <name>(e, idx)`: element (W = 1) or vec4 (W = 4) idx of expert e's block of `per` floats, over B bank bindings. */
function bankAt(name: string, prefix: string, B: number, per: number, W: 1 | 4): string {
  const bankVars = ['', 'params.bank1', 'params.bank2', 'params.bank3'];
  const body = [];
  for (let b = B - 1; b >= 1; b--) body.push(`  if (e >= ${bankVars[b]}) { return ${prefix}${b}[(e - ${bankVars[b]}) * ${per / W}u + idx]; }`);
  return `fn ${name}(e: u32, idx: u32) -> ${W === 4 ? 'vec4<f32>' : 'f32'} {\n${lines(body)}${body.length ? '\n' : ''}  return ${prefix}0[e * ${per / W}u + idx];\n}`;
}

/** Loads the pass's P rows of `src` (row r at `rowAt(r)` + column) into `dst` [ceil(P/4)][cols] as vec4s (0 past nrows). */
const loadRows = (dst: string, cols: string, P: number, rowAt: (r: string) => string) => `  for (var q = t; q < ${Math.ceil(P / 4)}u * ${cols}; q += WG) {
    let r = 4u * (q / ${cols});
    let col = q % ${cols};
    var v = vec4<f32>(0.0);
    for (var i = 0u; i < ${Math.min(4, P)}u; i++) {
      if (r + i < nrows) { v[i] = ${rowAt('r + i')}; }
    }
    ${dst}[q] = v;
  }`;

/** The generator's view of one kernel: shape, rows per load group, weights per load, full slices. */
interface Gen {
  readonly s: GemvShape;
  readonly W: 1 | 4;
  /** H is a multiple of the slice HS (no hidden-unit guards). */
  readonly full: boolean;
}

/** Hidden unit (j, i) of thread t within the slice: W·(t + WG·j) + i (thread t owns W consecutive units per j). */
const unit = (g: Gen, j: number, i: number) => (g.W === 1 ? `t + ${j * g.s.WG}u` : `${g.W}u * (t + ${j * g.s.WG}u) + ${i}u`);

/**
 * Phase 1's pre-activations of the thread's hidden units as named registers p<j>_<i>_<v> (one
 * group of rows each): b1 + Σ_d x[rows][d]·w1[e][d][h], d ascending; w1 read W units per load.
 */
function preActivations(P: number, g: Gen): string {
  const { V, ty, sw, splat } = packing(P);
  const J = range(g.s.HPT / g.W);
  const I = range(g.W);
  return lines([
    ...J.flatMap((j) => I.map((i) => `    var hb${j}_${i} = 0.0;\n    ${guard(g.full, `h0 + ${unit(g, j, 0)} < H`, `hb${j}_${i} = b1[e * H + h0 + ${unit(g, j, i)}];`)}\n${lines(range(V).map((v) => `    var p${j}_${i}_${v} = ${splat(`hb${j}_${i}`)};`))}`)),
    `    for (var d = 0u; d < D; d++) {`,
    ...range(V).map((v) => `      let x${v}: ${ty} = Xs[${v}u * D + d]${sw};`),
    ...J.map((j) => {
      const zero = g.W === 4 ? 'vec4<f32>(0.0)' : '0.0';
      const at = g.W === 4 ? `(d * H + h0) / 4u + t + ${j * g.s.WG}u` : `d * H + h0 + t + ${j * g.s.WG}u`;
      return `      var w${j} = ${zero};\n      ${guard(g.full, `h0 + ${unit(g, j, 0)} < H`, `w${j} = w1_at(e, ${at});`)}\n${lines(I.flatMap((i) => range(V).map((v) => `      p${j}_${i}_${v} = fma(x${v}, ${splat(lane(g.W, `w${j}`, i))}, p${j}_${i}_${v});`)))}`;
    }),
    `    }`,
  ]);
}

/** Stores f(p<j>_<i>_<v>) of every hidden unit of the thread into `dst` [R/4][HS] (vec4 per four rows). */
function storeSlice(P: number, g: Gen, dst: string, value: (j: number, i: number, v: number) => string): string {
  const { V, G } = packing(P);
  return lines(range(g.s.HPT / g.W).flatMap((j) => range(g.W).flatMap((i) => range(V).map((v) => `    ${dst}[${v}u * HS + ${unit(g, j, i)}] = ${widen(G, value(j, i, v))};`))));
}

/** Slice length: HS, or what is left of H in the last, partial slice. */
const sliceLen = (g: Gen) => (g.full ? 'HS' : 'min(HS, H - h0)');

/** Writes a<c>_<i>_<v> to `dst`[(rs + r)·COLS + col(c, i)] for rows r < nrows and columns < COLS. */
function writeRows(P: number, OC: number, W: number, colsFull: boolean, col: (c: number, i: number) => string, dst: string): string {
  const { G, V } = packing(P);
  return lines(
    range(OC).flatMap((c) =>
      range(W).flatMap((i) =>
        range(V).flatMap((v) =>
          range(G)
            .filter((q) => v * G + q < P)
            .map((q) => `  if (${colsFull ? '' : `${col(c, i)} < COLS && `}${v * G + q}u < nrows) { ${dst}[(rs + ${v * G + q}u) * COLS + ${col(c, i)}] = ${G === 1 ? `a${c}_${i}_${v}` : `a${c}_${i}_${v}[${q}]`}; }`),
        ),
      ),
    ),
  );
}

/** Workgroup words of the kernels' staging: rows of x (and dy) and one hidden slice, four rows to a vec4. */
function stagedWords(R: number, o: { readonly D: number; readonly Dout: number }, HS: number, withDy: boolean): number {
  return 4 * Math.ceil(R / 4) * (o.D + (withDy ? o.Dout : 0) + HS);
}

/**
 * Forward (op `expertFfn`): out[s] = relu(x[sourceRow[s]]·w1[e] + b1[e])·w2[e] + b2[e] for the
 * slots of every tile-map entry. Bindings: x [N,D], sourceRow i32 [S], tileMap vec4<i32>
 * [maxTiles], w1_0.. (w1 banks), b1 [n,H], w2_0.. (w2 banks), b2 [n,Dout], out [S,Dout], params
 * (w1/w2 bound as vec4<f32> arrays when `gemvWeightsPerLoad` is 4). Launch: one workgroup per
 * entry (static grid maxTiles; the lowering's indirect grid over the real tile count), flattened
 * and returning past the map. Phase 2: thread t owns output columns W·(t + WG·c) + i.
 */
export function expertGemvForwardKernel(o: ExpertGemvOptions): Kernel {
  const { s, B, tiles, values, HS } = check(o, 'expert GEMV forward', false);
  const W = gemvWeightsPerLoad(o, s);
  const g: Gen = { s, W, full: o.H % HS === 0 };
  const colsFull = o.Dout % (W * s.WG) === 0;
  const OC = Math.ceil(o.Dout / (W * s.WG));
  const wty = W === 4 ? 'vec4<f32>' : 'f32';
  const bindings: Record<string, BindingDecl> = {
    x: ro(),
    sourceRow: ro('i32'),
    tileMap: ro('vec4<i32>'),
    ...Object.fromEntries(Array.from({ length: B }, (_, b) => [`w1_${b}`, ro(wty)])),
    b1: ro(),
    ...Object.fromEntries(Array.from({ length: B }, (_, b) => [`w2_${b}`, ro(wty)])),
    b2: ro(),
    out: rw,
  };
  const col = (c: number, i: number) => (W === 1 ? `t + ${c * s.WG}u` : `${W}u * (t + ${c * s.WG}u) + ${i}u`);
  const C = range(OC);
  const I = range(W);
  const pass = (P: number) => {
    const { V, ty, sw, splat } = packing(P);
    const zero = W === 4 ? 'vec4<f32>(0.0)' : '0.0';
    return `fn pass_${P}(e: u32, rs: u32, nrows: u32, t: u32) {
  workgroupBarrier(); // the previous pass is done with Xs and Hs
${loadRows('Xs', 'D', P, (r) => `x[u32(sourceRow[rs + ${r}]) * D + col]`)}
${lines(C.flatMap((c) => I.map((i) => `  var ob${c}_${i} = 0.0;\n  ${guard(colsFull, `${col(c, 0)} < COLS`, `ob${c}_${i} = b2[e * DOUT + ${col(c, i)}];`)}\n${lines(range(V).map((v) => `  var a${c}_${i}_${v} = ${splat(`ob${c}_${i}`)};`))}`)))}
  for (var h0 = 0u; h0 < H; h0 += HS) {
    workgroupBarrier(); // Xs loaded / the previous slice's Hs consumed
${preActivations(P, g)}
${storeSlice(P, g, 'Hs', (j, i, v) => `max(p${j}_${i}_${v}, ${splat('0.0')})`)}
    workgroupBarrier();
    for (var h = 0u; h < ${sliceLen(g)}; h++) {
${lines(range(V).map((v) => `      let s${v}: ${ty} = Hs[${v}u * HS + h]${sw};`))}
${lines(C.map((c) => `      var w${c} = ${zero};\n      ${guard(colsFull, `${col(c, 0)} < COLS`, `w${c} = w2_at(e, (h0 + h) * ${o.Dout / W}u + t + ${c * s.WG}u);`)}\n${lines(I.flatMap((i) => range(V).map((v) => `      a${c}_${i}_${v} = fma(s${v}, ${splat(lane(W, `w${c}`, i))}, a${c}_${i}_${v});`)))}`))}
    }
  }
${writeRows(P, OC, W, colsFull, col, 'out')}
}`;
  };
  const VR = Math.ceil(s.R / 4);
  const source = `// banks=${B} R=${s.R}${s.small ? `/${s.small}` : ''} WG=${s.WG} HPT=${s.HPT} W=${W}
${head(o, s, o.Dout)}const COLS = DOUT;
var<workgroup> Xs: array<vec4<f32>, ${VR * o.D}>; // [R/4][D]: the pass's rows of x, four to a vec4 (0 past the entry)
var<workgroup> Hs: array<vec4<f32>, ${VR * HS}>; // [R/4][HS]: the slice's hidden activations
${bankAt('w1_at', 'w1_', B, o.D * o.H, W)}
${bankAt('w2_at', 'w2_', B, o.H * o.Dout, W)}
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
 * expert-fused.ts `expertFfnGradInputKernel`, so the lowering binds either (w1_0/w2_0 as vec4<f32>
 * arrays when `gemvWeightsPerLoad` is 4: dy·w2ᵀ reads W outputs o of a row of w2 per load, the
 * second phase W hidden units of a row of w1, both in ascending order).
 */
export function expertGemvGradInputKernel(o: ExpertGemvOptions): Kernel {
  const { banks: _banks, ...whole } = o;
  const { s, tiles, values, HS } = check(whole, 'expert GEMV grad input', true);
  const W = gemvWeightsPerLoad(o, s);
  const g: Gen = { s, W, full: o.H % HS === 0 };
  const colsFull = o.D % s.WG === 0;
  const OC = Math.ceil(o.D / s.WG);
  const wty = W === 4 ? 'vec4<f32>' : 'f32';
  const bindings = { x: ro(), sourceRow: ro('i32'), tileMap: ro('vec4<i32>'), w1_0: ro(wty), b1: ro(), w2_0: ro(wty), dy: ro(), dslot: rw };
  const J = range(s.HPT / W);
  const I = range(W);
  const pass = (P: number) => {
    const { V, ty, sw, splat } = packing(P);
    const zero = W === 4 ? 'vec4<f32>(0.0)' : '0.0';
    return `fn pass_${P}(e: u32, rs: u32, nrows: u32, t: u32) {
  workgroupBarrier(); // the previous pass is done with Xs, Ys and Ps
${loadRows('Xs', 'D', P, (r) => `x[u32(sourceRow[rs + ${r}]) * D + col]`)}
${loadRows('Ys', 'DOUT', P, (r) => `dy[(rs + ${r}) * DOUT + col]`)}
${lines(range(OC).flatMap((c) => range(V).map((v) => `  var a${c}_0_${v} = ${splat('0.0')};`)))}
  for (var h0 = 0u; h0 < H; h0 += HS) {
    workgroupBarrier(); // Xs, Ys loaded / the previous slice's Ps consumed
${preActivations(P, g)}
${lines(J.flatMap((j) => I.flatMap((i) => range(V).map((v) => `    var g${j}_${i}_${v} = ${splat('0.0')};`))))}
    for (var o = 0u; o < DOUT; o += ${W}u) {
${lines(range(V).flatMap((v) => I.map((q) => `      let y${v}_${q}: ${ty} = Ys[${v}u * DOUT + o + ${q}u]${sw};`)))}
${lines(J.flatMap((j) => I.map((i) => `      var u${j}_${i} = ${zero};\n      ${guard(g.full, `h0 + ${unit(g, j, 0)} < H`, `u${j}_${i} = w2_0[(e * H + h0 + ${unit(g, j, i)}) * ${o.Dout / W}u + o / ${W}u];`)}\n${lines(I.flatMap((q) => range(V).map((v) => `      g${j}_${i}_${v} = fma(y${v}_${q}, ${splat(lane(W, `u${j}_${i}`, q))}, g${j}_${i}_${v});`)))}`)))}
    }
${storeSlice(P, g, 'Ps', (j, i, v) => `select(${splat('0.0')}, g${j}_${i}_${v}, p${j}_${i}_${v} > ${splat('0.0')})`)}
    workgroupBarrier();
    for (var h = 0u; h < ${sliceLen(g)}; h += ${W}u) {
${lines(range(V).flatMap((v) => I.map((q) => `      let s${v}_${q}: ${ty} = Ps[${v}u * HS + h + ${q}u]${sw};`)))}
${lines(range(OC).map((c) => `      var w${c} = ${zero};\n      ${guard(colsFull, `t + ${c * s.WG}u < COLS`, `w${c} = w1_at(e, ((t + ${c * s.WG}u) * H + h0 + h) / ${W}u);`)}\n${lines(I.flatMap((q) => range(V).map((v) => `      a${c}_0_${v} = fma(s${v}_${q}, ${splat(lane(W, `w${c}`, q))}, a${c}_0_${v});`)))}`))}
    }
  }
${writeRows(P, OC, 1, colsFull, (c) => `t + ${c * s.WG}u`, 'dslot')}
}`;
  };
  const VR = Math.ceil(s.R / 4);
  const source = `// R=${s.R}${s.small ? `/${s.small}` : ''} WG=${s.WG} HPT=${s.HPT} W=${W}
${head(o, s, o.D)}const COLS = D;
var<workgroup> Xs: array<vec4<f32>, ${VR * o.D}>; // [R/4][D]: the pass's rows of x, four to a vec4 (0 past the entry)
var<workgroup> Ys: array<vec4<f32>, ${VR * o.Dout}>; // [R/4][DOUT]: their dy
var<workgroup> Ps: array<vec4<f32>, ${VR * HS}>; // [R/4][HS]: the slice's dpre
${bankAt('w1_at', 'w1_', 1, o.D * o.H, W)}
${passSizes(s).map(pass).join('\n')}
${main(s)}`;
  const program = defineProgram({ name: 'expert_gemv_grad_input', bindings, uniforms: UNIFORMS, workgroupSize: s.WG, source });
  return program.kernel(grid1d(tiles), values);
}

