/**
 * Canonical batch-chunk reductions: sums over the rows of a batch whose bits do not depend on how
 * many devices share the batch. Rows are laid out (…, batch): row r = t·P + b with P the batch of
 * this program (the whole batch B on one device, B/N on each of N devices). The batch is cut into
 * column chunks of w = B/C columns (C the canonical chunk count, compiler/lower/batch-chunks.ts), so
 * this program holds Cl = P/w whole chunks; chunk cl's rows are t·P + cl·w + j (every t, j < w),
 * summed in (t, j) order — the same rows in the same order on one device as on the device that owns
 * the chunk. `chunkGemmTnKernel` writes each chunk's partial Aᵀ·B (an in-order fma chain, as the
 * matmul), `chunkColSumKernel` each chunk's partial column sums (in-order adds), and
 * `chunkTreeKernel` combines the Cl partials by a fixed pairwise tree (adjacent pairs, level by
 * level). With `groups` G < Cl the per-chunk kernels run that tree themselves: group g walks its Cl/G
 * consecutive chunks one after the other and adds them by a binary counter (as soon as chunk 2j+1's
 * partial exists it is added to chunk 2j's, carrying up the levels — the same pairwise tree, so the
 * same bits), keeping at most log2(Cl/G) pending partials per element instead of Cl: the GEMM and the
 * column sum keep them in registers (the top one in `out`), so they need no scratch at all; G = 1
 * writes the finished sum. The all-reduce over devices (ir/reference/exchange.ts) continues the same tree over the
 * devices' results, so one device and N devices add the same numbers in the same order. Each
 * output element has one writer; no atomics; bit-identical run to run. Row ranges [row0, row1)
 * let a caller feed the rows in consecutive blocks (the fused linear cross-entropy's row chunks):
 * with `accumulate` each partial continues its chain from the stored value, so blocks in row order
 * give the bits of one pass.
 */
import { ceilDiv, type Kernel } from './kernel.ts';
import { defineProgram, type BindingDecl, type UniformValues } from './program.ts';
import { vec4TileStepWgsl } from './gemm/tiled.ts';

/** Chunk geometry of a program's rows: period P (its batch), chunk width w, Cl = P/w chunks. */
export interface ChunkGeometry {
  readonly P: number;
  readonly w: number;
  readonly Cl: number;
  /** Timesteps: rows = T·P. */
  readonly T: number;
}

/** Largest chunk count a program holds (the tree kernel's register array). */
export const MAX_CHUNKS = 8;

/**
 * Pending tree levels below the sum when G groups each add their Cl/G chunks by the binary counter: log2(Cl/G)
 * (a kernel whose chunk partial lives in memory needs that many slots of one output's size besides `out`, as
 * the embedding gradient's scatter). Throws unless G divides Cl into a power of two.
 */
export function chunkLevels(Cl: number, groups: number): number {
  const L = Cl / groups;
  if (!(Number.isInteger(L) && L >= 1 && (L & (L - 1)) === 0)) throw new Error(`canonical chunks: ${groups} groups of ${Cl} chunks are not powers of two; use groups dividing Cl by a power of two`);
  return Math.log2(L);
}

/** Rows range and accumulation of one call (default: every row, a fresh sum). */
export interface ChunkRange {
  /** Rows [row0, row1) of the layout are summed (default 0 .. T·P). */
  readonly row0?: number;
  readonly row1?: number;
  /** Index of row r in the second operand (or the summed matrix) is r − bRow0 (default 0). */
  readonly bRow0?: number;
  /** Continue each partial's chain from the value in `out` (only with one chunk per group). */
  readonly accumulate?: boolean;
  /**
   * Groups G (a power-of-two divisor of Cl; default Cl): the kernel writes G outputs [G, …], group g the
   * pairwise tree of chunks g·Cl/G … (g+1)·Cl/G − 1, added by the binary counter (G = 1: the finished sum).
   */
  readonly groups?: number;
}

// The matmul's default vec4 tiling (matmul.ts): 64×128 tiles, 8×16 outputs per invocation, 64 invocations.
const TM = 64;
const TN = 128;
const TK = 16;
const RM = 8;
const RN = 16;
const CX = TN / RN;
const RY = TM / RM;
const WG = CX * RY;

function groupsOf(g: ChunkGeometry, r: ChunkRange, what: string): number {
  const G = r.groups ?? g.Cl;
  chunkLevels(g.Cl, G);
  if (r.accumulate && G !== g.Cl) throw new Error(`${what}: accumulating over row ranges needs one chunk per group (groups ${G} of ${g.Cl} chunks); pass groups = Cl`);
  return G;
}

/** The row-range uniform fields every chunk kernel reads (struct order after its own fields). */
const RANGE_UNIFORMS = { P: 'u32', w: 'u32', Cl: 'u32', t0: 'u32', steps: 'u32', row0: 'u32', row1: 'u32', bRow0: 'u32', acc: 'u32', L: 'u32' } as const;

/** The values of RANGE_UNIFORMS for geometry `g`, range `r` and G groups. */
function rangeValues(g: ChunkGeometry, r: ChunkRange, G: number): UniformValues<typeof RANGE_UNIFORMS> {
  const row0 = r.row0 ?? 0;
  const row1 = r.row1 ?? g.T * g.P;
  const t0 = Math.floor(row0 / Math.max(g.P, 1));
  const t1 = row1 <= row0 ? t0 : Math.ceil(row1 / Math.max(g.P, 1));
  return { P: g.P, w: g.w, Cl: g.Cl, t0, steps: (t1 - t0) * g.w, row0, row1, bRow0: r.bRow0 ?? 0, acc: r.accumulate ? 1 : 0, L: g.Cl / G };
}

const F32_IN: BindingDecl = { access: 'read', type: 'f32' };
const F32_OUT: BindingDecl = { access: 'read_write', type: 'f32' };

const ROW_OF = /* wgsl */ `
// Row of step q of chunk cl (q = t'·w + j over the range's timesteps), or 0xffffffff when outside [row0, row1).
fn chunk_row(cl: u32, q: u32) -> u32 {
  let r = (params.t0 + q / params.w) * params.P + cl * params.w + q % params.w;
  if (r < params.row0 || r >= params.row1) { return 0xffffffffu; }
  return r;
}
`;

function check(g: ChunkGeometry, what: string): void {
  if (g.Cl < 1 || g.Cl > MAX_CHUNKS || g.Cl * g.w !== g.P) throw new Error(`${what}: chunk geometry P=${g.P}, w=${g.w}, Cl=${g.Cl} is not Cl (1..${MAX_CHUNKS}) whole chunks of the batch`);
}

/**
 * WGSL of the binary counter's storage: `load_slot(g, lv, n, e)` / `store_slot(g, lv, n, e, v)` address tree
 * level `lv` of group `g` at element `e` of an `n`-element output — levels below `slots` (a count, or a WGSL
 * expression such as `params.S`) in the `levels` scratch ([G, slots, n]), the rest in `out` at g·n + e (the
 * group's output: its top pending level, then its sum). With 0 slots no `levels` binding is read.
 */
export function counterSlotsWgsl(slots: number | string): string {
  const S = typeof slots === 'number' ? `${slots}u` : slots;
  const inLevels = (body: string): string => (slots === 0 ? '' : `if (lv < ${S}) { ${body} }\n  `);
  return /* wgsl */ `
fn load_slot(g: u32, lv: u32, n: u32, e: u32) -> f32 {
  ${inLevels(`return levels[(g * ${S} + lv) * n + e];`)}return out[g * n + e];
}
fn store_slot(g: u32, lv: u32, n: u32, e: u32, v: f32) {
  ${inLevels(`levels[(g * ${S} + lv) * n + e] = v; return;`)}out[g * n + e] = v;
}
`;
}

/**
 * The GEMM's store of element e's chain acc[i][j]: straight for one chunk per group, else the binary counter with
 * chunk k's carries (its trailing one bits) unrolled: level lv < pend in the private array pend<lv>, higher in out[e].
 * Carries ending in a private level add whole vec4s (lane by lane the same adds), the others element by element.
 */
function counterWgsl(L: number, pend: number, RM: number, RN: number): { vec4: string; scalar: string } {
  const cur = 'acc[i][j / 4u][j % 4u]';
  if (L === 1) return { vec4: '', scalar: `        out[e] = ${cur};` };
  const expr = (c: number, at: (lv: number) => string, acc: string): string => {
    let p = acc;
    for (let lv = 0; lv < c; lv++) p = `(${at(lv)} + ${p})`;
    return p;
  };
  const vecCases: string[] = [];
  const scalarCases: string[] = [];
  for (let c = 0; c <= Math.log2(L); c++) {
    if (c < pend) vecCases.push(`if (carries == ${c}u) { pend${c}[i][j4] = ${expr(c, (lv) => `pend${lv}[i][j4]`, 'acc[i][j4]')}; }`);
    else scalarCases.push(`if (carries == ${c}u) { out[e] = ${expr(c, (lv) => (lv < pend ? `pend${lv}[i][j / 4u][j % 4u]` : 'out[e]'), cur)}; }`);
  }
  return {
    vec4: vecCases.length === 0 ? '' : `    if (carries < ${pend}u) {
      for (var i = 0u; i < ${RM}u; i++) {
        for (var j4 = 0u; j4 < ${RN / 4}u; j4++) {
          ${vecCases.join('\n          else ')}
        }
      }
      continue;
    }
`,
    scalar: `        ${scalarCases.join('\n        else ')}`,
  };
}

/**
 * Per-chunk TN GEMM: out[cl][i][j] (+)= Σ_{rows r of chunk cl in range} a[r·Ka + i] · b[(r − bRow0)·Nb + j],
 * an in-order fma chain over the chunk's rows (t, j); with `aTransposed` a is stored [Ka, rows] (a transposed
 * copy: a[i·rows + r]). With `r.groups` G < Cl, workgroup (tile, g) computes its group's chunks one after
 * the other, each chain in registers, and adds them by the binary counter into out[g] (the pending levels in
 * registers, the top one in out[g]). Bindings: `a` (read), `b` (read), `out` (read_write, [G, Ka, Nb]), `params`.
 */
export function chunkGemmTnKernel(o: { readonly Ka: number; readonly Nb: number; readonly aTransposed?: boolean }, g: ChunkGeometry, r: ChunkRange = {}): Kernel {
  check(g, 'chunk GEMM');
  const G = groupsOf(g, r, 'chunk GEMM');
  // The WGSL is specialised to the chunks per group L: one chunk is the straight per-chunk kernel (no loop, no
  // counter); more keep pend = log2 L − 1 pending levels in registers below the top one (in out).
  const L = g.Cl / G;
  const pend = Math.max(0, Math.log2(L) - 1);
  const counter = counterWgsl(L, pend, RM, RN);
  const gx = Math.max(1, ceilDiv(o.Nb, TN));
  const gy = Math.max(1, ceilDiv(o.Ka, TM));
  if (gx > 65535 || gy > 65535) throw new Error(`chunk GEMM: grid ${gx}×${gy} exceeds the dispatch limit 65535`);
  const source = /* wgsl */ `// chunk TN GEMM (tile ${TM}x${TN}, ${TK} rows per stage, ${RM}x${RN} per thread, vec4), chunk groups by a binary counter
var<workgroup> As: array<vec4<f32>, ${(TK * TM) / 4}>; // [TK][TM/4], rows 4r..4r+3
var<workgroup> Bs: array<vec4<f32>, ${(TK * TN) / 4}>; // [TK][TN/4], columns 4c..4c+3
var<workgroup> Rows: array<u32, ${TK}>; // the stage's rows (0xffffffff: none)
${ROW_OF}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let Ka = params.Ka;
  let Nb = params.Nb;
  let grp = wid.z;
  let m0 = wid.y * ${TM}u;
  let n0 = wid.x * ${TN}u;
  let tx = t % ${CX}u;
  let ty = t / ${CX}u;
  // Thread rows 4(ty + ${RY}(i / 4)) + i % 4, columns 4(tx + ${CX}(j / 4)) + j % 4 (as matmul.ts's vec4 tiling).
  var acc: array<array<vec4<f32>, ${RN / 4}>, ${RM}>;
${Array.from({ length: pend }, (_, lv) => `  var pend${lv}: array<array<vec4<f32>, ${RN / 4}>, ${RM}>; // pending level ${lv}: the sum of ${2 ** lv} chunk(s)
`).join('')}  // The group's chunks in order; chunk k's partial joins the pending ones by the binary counter.
  ${L === 1 ? '{ let k = 0u;' : `for (var k = 0u; k < ${L}u; k++) {`}
    let cl = grp * ${L}u + k;
    for (var i = 0u; i < ${RM}u; i++) {
      for (var j = 0u; j < ${RN}u; j++) {
        var v = 0.0;
        let gm = m0 + 4u * (ty + ${RY}u * (i / 4u)) + i % 4u;
        let gn = n0 + 4u * (tx + ${CX}u * (j / 4u)) + j % 4u;
        if (params.acc != 0u && gm < Ka && gn < Nb) { v = out[(cl * Ka + gm) * Nb + gn]; }
        acc[i][j / 4u][j % 4u] = v;
      }
    }
    for (var sb = 0u; sb < params.steps; sb += ${TK}u) {
      if (t < ${TK}u) {
        var row = 0xffffffffu;
        if (sb + t < params.steps) { row = chunk_row(cl, sb + t); }
        Rows[t] = row;
      }
      workgroupBarrier();
      for (var e = 0u; e < ${(TK * TM) / WG}u; e++) {
        let q = t + ${WG}u * e;
        let m = q / ${TK}u;
        let kk = q % ${TK}u;
        let gm = m0 + m;
        var v = 0.0;
        let row = Rows[kk];
        if (row != 0xffffffffu && gm < Ka) {
          if (params.aT != 0u) { v = a[gm * params.rows + row]; } else { v = a[row * Ka + gm]; }
        }
        As[kk * ${TM / 4}u + m / 4u][m % 4u] = v;
      }
      for (var e = 0u; e < ${(TK * TN) / 4 / WG}u; e++) {
        let q = t + ${WG}u * e;
        let kk = q / ${TN / 4}u;
        let gn = n0 + 4u * (q % ${TN / 4}u);
        var v = vec4<f32>(0.0);
        let row = Rows[kk];
        if (row != 0xffffffffu) {
          let base = (row - params.bRow0) * Nb + gn;
          if (gn + 3u < Nb) {
            v = vec4<f32>(b[base], b[base + 1u], b[base + 2u], b[base + 3u]);
          } else {
            for (var c = 0u; c < 4u; c++) { if (gn + c < Nb) { v[c] = b[base + c]; } }
          }
        }
        Bs[q] = v;
      }
      workgroupBarrier();
      for (var kk = 0u; kk < ${TK}u; kk++) {
        if (Rows[kk] == 0xffffffffu) { continue; }
${vec4TileStepWgsl({ TM, TN, RM, RN, RY, CX })}
      }
      workgroupBarrier();
    }
    // Chunk k closes as many tree levels as k has trailing one bits: p = pending[lv] + p for each, then stores p
    // at the level it reached (levels from pend on live in out[grp]: the top pending one, then the sum).
${L === 1 ? '' : '    let carries = countTrailingZeros(~k);\n'}${counter.vec4}    for (var i = 0u; i < ${RM}u; i++) {
      let gm = m0 + 4u * (ty + ${RY}u * (i / 4u)) + i % 4u;
      if (gm >= Ka) { continue; }
      for (var j = 0u; j < ${RN}u; j++) {
        let gn = n0 + 4u * (tx + ${CX}u * (j / 4u)) + j % 4u;
        if (gn >= Nb) { continue; }
        let e = (grp * Ka + gm) * Nb + gn;
${counter.scalar}
      }
    }
  }
}
`;
  const program = defineProgram({
    name: 'chunk_gemm_tn',
    bindings: { a: F32_IN, b: F32_IN, out: F32_OUT },
    uniforms: { Ka: 'u32', Nb: 'u32', aT: 'u32', rows: 'u32', ...RANGE_UNIFORMS },
    workgroupSize: WG,
    source,
  });
  return program.kernel([gx, gy, G], { Ka: o.Ka, Nb: o.Nb, aT: o.aTransposed ? 1 : 0, rows: g.T * g.P, ...rangeValues(g, r, G) });
}

const SUM_WG = 64;

/**
 * Per-chunk column sums: out[cl][col] (+)= Σ_{rows r of chunk cl in range} x[(r − bRow0)·C + col], in-order
 * adds over the chunk's rows (t, j). With `r.groups` G < Cl, invocation (col, g) sums its group's chunks one
 * after the other and adds them by the binary counter in registers into out[g][col]. Bindings: `x` (read),
 * `out` (read_write, [G, C]), `params`.
 */
export function chunkColSumKernel(o: { readonly C: number }, g: ChunkGeometry, r: ChunkRange = {}): Kernel {
  check(g, 'chunk column sum');
  const G = groupsOf(g, r, 'chunk column sum');
  const gx = Math.max(1, ceilDiv(o.C, SUM_WG));
  if (gx > 65535) throw new Error(`chunk column sum: ${o.C} columns exceed the dispatch limit`);
  const source = /* wgsl */ `// chunk column sum (${SUM_WG} columns per workgroup, one group of chunks per grid row)
${ROW_OF}
@compute @workgroup_size(${SUM_WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let C = params.C;
  let grp = wid.y;
  let col = wid.x * ${SUM_WG}u + t;
  if (col >= C) { return; }
  // The binary counter's pending levels (level lv: the sum of 2^lv chunks), chunk k closing its trailing one bits.
  var pending: array<f32, ${Math.log2(MAX_CHUNKS) + 1}>;
  for (var k = 0u; k < params.L; k++) {
    let cl = grp * params.L + k;
    var s = 0.0;
    if (params.acc != 0u) { s = out[cl * C + col]; }
    let tEnd = params.t0 + params.steps / params.w;
    for (var tt = params.t0; tt < tEnd; tt++) {
      let base = tt * params.P + cl * params.w;
      for (var j = 0u; j < params.w; j++) {
        let row = base + j;
        if (row >= params.row0 && row < params.row1) { s += x[(row - params.bRow0) * C + col]; }
      }
    }
    let carries = countTrailingZeros(~k);
    for (var lv = 0u; lv < carries; lv++) { s = pending[lv] + s; }
    pending[carries] = s;
  }
  out[grp * C + col] = pending[countTrailingZeros(params.L)];
}
`;
  const program = defineProgram({ name: 'chunk_col_sum', bindings: { x: F32_IN, out: F32_OUT }, uniforms: { C: 'u32', ...RANGE_UNIFORMS }, workgroupSize: SUM_WG, source });
  return program.kernel([gx, G, 1], { C: o.C, ...rangeValues(g, r, G) });
}

/**
 * The fixed pairwise tree over the Cl chunk partials of `n` elements: out[e] = tree(partials[0·n + e], …,
 * partials[(Cl−1)·n + e]), combining adjacent pairs level by level (an odd last one is carried up), the
 * tree the all-reduce continues over devices (`pairwiseTree` in ir/reference/exchange.ts). Bindings:
 * `partials` (read, [Cl, n]), `out` (read_write, [n]), `params`.
 */
export function chunkTreeKernel(o: { readonly n: number; readonly Cl: number }): Kernel {
  if (!(Number.isInteger(o.Cl) && o.Cl >= 1 && o.Cl <= MAX_CHUNKS)) throw new Error(`chunk tree: ${o.Cl} partials, expected 1..${MAX_CHUNKS}`);
  const groups = Math.max(1, ceilDiv(o.n, SUM_WG));
  const gx = Math.min(groups, 65535);
  const gy = ceilDiv(groups, gx);
  const leaves = Array.from({ length: o.Cl }, (_, i) => `partials[${i}u * n + e]`);
  const source = /* wgsl */ `// ${o.Cl} chunk partials, pairwise tree
@compute @workgroup_size(${SUM_WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let e = (wid.y * params.gx + wid.x) * ${SUM_WG}u + t;
  let n = params.n;
  if (e >= n) { return; }
  out[e] = ${pairwiseTreeWgsl(leaves)};
}
`;
  const program = defineProgram({ name: 'chunk_tree', bindings: { partials: F32_IN, out: F32_OUT }, uniforms: { n: 'u32', gx: 'u32' }, workgroupSize: SUM_WG, source });
  return program.kernel([gx, gy, 1], { n: o.n, gx });
}

/**
 * WGSL expression adding `terms` by the pairwise tree (adjacent pairs level by level, an odd last one carried up):
 * 4 terms give ((a + b) + (c + d)), 3 give ((a + b) + c).
 */
export function pairwiseTreeWgsl(terms: readonly string[]): string {
  let level = [...terms];
  while (level.length > 1) {
    const next: string[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(`(${level[i]} + ${level[i + 1]})`);
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0] ?? '0.0';
}
