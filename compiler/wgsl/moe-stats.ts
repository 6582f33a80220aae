/**
 * Load-balancing statistics (paper Eq. 6-11) as kernels, one template per IR op:
 * `loadEstimate` (smooth load Σ_x Φ((clean − thr)/σ), a step when σ = 0, P = 1 for selected
 * experts when k = n), `importance` (Σ_x gate(x, i)) and `cvSquared` of one vector. Every
 * reduction is deterministic (no float atomics), so repeated runs give identical bits: the load
 * and CV² use one 64-thread workgroup per output element summing its rows in a fixed strided order
 * and then a fixed tree; importance, whose work would otherwise scale with experts × routing
 * pairs, is two passes of O(pairs + experts·blocks): per-(row block, expert) partial sums written
 * in (row, j) order by the invocation that owns the expert, then per-expert sums in block order.
 * All shapes live in the `params` uniform, so each template compiles to a single pipeline.
 */
import { ceilDiv, grid1d, type Kernel } from './kernel.ts';
import { defineProgram, type UniformValues } from './program.ts';
import { PHI_WGSL } from './normal-cdf.ts';
import { privatePairwiseTreeWgsl, workgroupReduce } from './reduce-snippets.ts';
import type { ChunkGeometry } from './reduce-chunks.ts';

/** Shapes of the load-estimate and importance kernels: N rows, n experts, k selected per row. */
export interface MoeStatsOptions {
  readonly N: number;
  readonly n: number;
  readonly k: number;
}

/** WGSL: 64-wide fixed-order tree sum over `red` (call from uniform control flow). */
const TREE_SUM = workgroupReduce(64);

/**
 * WGSL: `row_p(row, e)`, P(expert e selected for row) of the smooth load estimator, over the bindings
 * clean, sigma [N,n], topValues [N,kt], indices [N,k] and params (n, k, kt).
 */
export const ROW_P_WGSL = /* wgsl */ `
// P(expert e selected for row) under fresh noise (Eq. 8-9).
fn row_p(row: u32, e: u32) -> f32 {
  let n = params.n;
  let k = params.k;
  let kt = params.kt;
  var sel = false;
  for (var j = 0u; j < k; j++) {
    if (indices[row * k + j] == i32(e)) { sel = true; }
  }
  let c = clean[row * n + e];
  let sg = sigma[row * n + e];
  var p = 0.0;
  if (sel) {
    if (kt == k) { p = 1.0; }
    else {
      let thr = topValues[row * kt + k];
      if (sg > 0.0) { p = phi((c - thr) / sg); } else { p = select(0.0, 1.0, c >= thr); }
    }
  } else {
    let thr = topValues[row * kt + k - 1u];
    if (sg > 0.0) { p = phi((c - thr) / sg); } else { p = select(0.0, 1.0, c > thr); }
  }
  return p;
}
`;

/** Lanes per batch chunk of the canonical load estimate, and its largest chunk count (64 invocations). */
export const LOAD_LANES = 8;
export const LOAD_CHUNKS = 8;

/** Storage bindings of the load estimate (this file's and the serial form of moe-stats-sparse.ts). */
export const LOAD_ESTIMATE_BINDINGS = {
  clean: { access: 'read', type: 'f32' },
  sigma: { access: 'read', type: 'f32' },
  topValues: { access: 'read', type: 'f32' },
  indices: { access: 'read', type: 'i32' },
  load: { access: 'read_write', type: 'f32' },
} as const;

/** Uniforms of the load estimate over plain rows. */
export const LOAD_UNIFORMS = { N: 'u32', n: 'u32', k: 'u32', kt: 'u32' } as const;

/** Uniforms of the load estimate over canonical batch chunks (reduce-chunks.ts). */
export const LOAD_CHUNK_UNIFORMS = { ...LOAD_UNIFORMS, P: 'u32', w: 'u32', Cl: 'u32', steps: 'u32' } as const;

/** The uniform values of a load estimate, with or without canonical batch chunks. */
export type LoadEstimateValues =
  | { readonly chunked: false; readonly values: UniformValues<typeof LOAD_UNIFORMS> }
  | { readonly chunked: true; readonly values: UniformValues<typeof LOAD_CHUNK_UNIFORMS> };

/** The uniform values of a load estimate; throws when the chunk geometry does not cover the N rows in ≤ LOAD_CHUNKS chunks. */
export function loadEstimateValues(o: MoeStatsOptions & { readonly chunks?: ChunkGeometry }): LoadEstimateValues {
  const g = o.chunks;
  if (g && (g.Cl < 1 || g.Cl > LOAD_CHUNKS || g.Cl * g.w !== g.P || g.T * g.P !== o.N)) throw new Error(`load estimate: chunk geometry P=${g.P}, w=${g.w}, Cl=${g.Cl}, T=${g.T} does not cover ${o.N} rows in at most ${LOAD_CHUNKS} chunks`);
  const values = { N: o.N, n: o.n, k: o.k, kt: Math.min(o.k + 1, o.n) };
  return g ? { chunked: true, values: { ...values, P: g.P, w: g.w, Cl: g.Cl, steps: g.T * g.w } } : { chunked: false, values };
}

/** The workgroup-per-expert load estimate's module after the declarations, around the summation `body`. */
const loadEstimateSource = (comment: string, body: string): string => /* wgsl */ `${comment}${PHI_WGSL}
${TREE_SUM}
${ROW_P_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let e = wid.x + wid.y * 65535u;
${body}
}
`;

/** The load estimate over plain rows: slot t of 64 sums rows t, t+64, …, then the 64-wide tree. */
const LOAD_ESTIMATE = defineProgram({
  name: 'load_estimate',
  bindings: LOAD_ESTIMATE_BINDINGS,
  uniforms: LOAD_UNIFORMS,
  workgroupSize: 64,
  source: loadEstimateSource('', /* wgsl */ `  var s = 0.0;
  if (e < params.n) {
    for (var row = t; row < params.N; row += 64u) { s += row_p(row, e); }
  }
  let total = tree_sum(s, t);
  if (t == 0u && e < params.n) { load[e] = total; }`),
});

/** The load estimate over canonical batch chunks. */
const LOAD_ESTIMATE_CHUNKS = defineProgram({
  name: 'load_estimate',
  bindings: LOAD_ESTIMATE_BINDINGS,
  uniforms: LOAD_CHUNK_UNIFORMS,
  workgroupSize: 64,
  source: loadEstimateSource('// canonical batch chunks\n', /* wgsl */ `  // Canonical batch chunks (reduce-chunks.ts): invocation t sums steps q ≡ t (mod ${LOAD_LANES}) of chunk t / ${LOAD_LANES} in order,
  // then invocation 0 combines each chunk's lanes and the chunks by pairwise trees.
  let cl = t / ${LOAD_LANES}u;
  let lane = t % ${LOAD_LANES}u;
  var s = 0.0;
  if (e < params.n && cl < params.Cl) {
    for (var q = lane; q < params.steps; q += ${LOAD_LANES}u) {
      s += row_p((q / params.w) * params.P + cl * params.w + q % params.w, e);
    }
  }
  red[t] = s;
  workgroupBarrier();
  if (t == 0u && e < params.n) {
    var c: array<f32, ${LOAD_CHUNKS}>;
    for (var j = 0u; j < params.Cl; j++) {
      var v: array<f32, ${LOAD_LANES}>;
      for (var l = 0u; l < ${LOAD_LANES}u; l++) { v[l] = red[j * ${LOAD_LANES}u + l]; }
      for (var len = ${LOAD_LANES / 2}u; len > 0u; len >>= 1u) {
        for (var i = 0u; i < len; i++) { v[i] = v[2u * i] + v[2u * i + 1u]; }
      }
      c[j] = v[0];
    }
${privatePairwiseTreeWgsl('c', 'params.Cl', '    ')}
    load[e] = c[0];
  }`),
});

/**
 * Smooth load estimator (op `loadEstimate`). Bindings: clean f32 [N,n], sigma f32 [N,n],
 * topValues f32 [N,min(k+1,n)], indices i32 [N,k], load f32 [n] (written), params.
 * Dispatch: one workgroup per expert.
 */
export function loadEstimateKernel(o: MoeStatsOptions & { readonly chunks?: ChunkGeometry }): Kernel {
  const u = loadEstimateValues(o);
  const grid: [number, number, number] = o.n === 0 ? [0, 1, 1] : grid1d(o.n);
  return u.chunked ? LOAD_ESTIMATE_CHUNKS.kernel(grid, u.values) : LOAD_ESTIMATE.kernel(grid, u.values);
}

/** Largest number of row blocks of the two-pass statistics (bounds the block-order sums of pass 2). */
export const STATS_MAX_BLOCKS = 1024;

/**
 * Block layout of a two-pass statistic over `rows` items that scatter into `n` outputs: at least
 * 64 items per block, at most 16·rows/n blocks (so the per-(block, output) partials cost at most
 * 16 words per item to clear and re-read), at most STATS_MAX_BLOCKS blocks, and partials of at
 * most 2^24 words unless one block. Always ≥ 1 block; `blocks`·`rowsPerBlock` ≥ rows.
 */
export function statsBlocks(rows: number, n: number): { blocks: number; rowsPerBlock: number } {
  const cap = Math.min(Math.ceil(rows / 64), Math.floor((16 * rows) / Math.max(n, 1)), STATS_MAX_BLOCKS, Math.floor(2 ** 24 / Math.max(n, 1)));
  const want = Math.max(1, cap);
  const rowsPerBlock = Math.max(1, Math.ceil(rows / want));
  return { blocks: Math.max(1, Math.ceil(rows / rowsPerBlock)), rowsPerBlock };
}

/** Experts per workgroup of `importance_partials` (a multiple of 64). */
export const IMPORTANCE_CHUNK = 4096;

/** Number of f32 words of the `partials` scratch of the importance kernels: blocks × n. */
export function importancePartials(o: MoeStatsOptions & { readonly chunks?: ChunkGeometry }): number {
  return importanceBlocks(o).blocks * o.n;
}

/**
 * The importance's row blocks: `statsBlocks`, or with canonical batch chunks (reduce-chunks.ts) one block per
 * chunk (block cl = chunk cl's w columns of every timestep, visited timestep by timestep), so the second pass
 * only combines the Cl chunk sums by the pairwise tree: Cl·n words of partials, not T·Cl·n (at 65536
 * hierarchical experts the per-timestep blocks cost 16 MiB of partials and ~22 ms a step).
 */
export function importanceBlocks(o: MoeStatsOptions & { readonly chunks?: ChunkGeometry }): { blocks: number; rowsPerBlock: number } {
  const g = o.chunks;
  if (!g) return statsBlocks(o.N, o.n);
  if (g.Cl < 1 || g.Cl > IMPORTANCE_MAX_CHUNKS || g.Cl * g.w !== g.P || g.T * g.P !== o.N) throw new Error(`importance: chunk geometry P=${g.P}, w=${g.w}, Cl=${g.Cl}, T=${g.T} does not cover ${o.N} rows in at most ${IMPORTANCE_MAX_CHUNKS} chunks`);
  return { blocks: g.Cl, rowsPerBlock: g.T * g.w };
}

/** Largest chunk count of the canonical importance (the second pass's register array). */
export const IMPORTANCE_MAX_CHUNKS = 8;

/**
 * Importance (op `importance`): importance[i] = Σ_x Σ_j gates[x,j]·[indices[x,j] = i], in two
 * deterministic passes, O(N·k·⌈n/IMPORTANCE_CHUNK⌉ + n·blocks) (see `statsBlocks`).
 * `importance_partials` (one 64-thread workgroup per (block of rows, chunk of IMPORTANCE_CHUNK
 * experts), so a large n spreads over many workgroups): invocation t owns the chunk's experts
 * e ≡ t (mod 64), clears its words of the block's row of `partials` [blocks, n] and adds the
 * block's gates of its experts in (row, j) order. `importance_sum` (one invocation per expert): importance[e] = Σ_b
 * partials[b, e] in block order. Indices outside [0, n) (−1 = no expert) are skipped; experts never
 * selected get exactly +0. Bindings: pass 1 gates f32 [N,k], indices i32 [N,k], partials f32
 * (scratch, `importancePartials` words, read_write), params; pass 2 partials (read), importance
 * f32 [n] (written), params.
 */
export function importanceKernel(o: MoeStatsOptions & { readonly chunks?: ChunkGeometry }): [Kernel, Kernel] {
  const { blocks, rowsPerBlock } = importanceBlocks(o);
  const chunks = Math.max(1, ceilDiv(o.n, IMPORTANCE_CHUNK));
  const g = o.chunks;
  const values = { N: o.N, n: o.n, k: o.k, blocks, rows: rowsPerBlock, chunks, Cl: g?.Cl ?? 0, P: g?.P ?? 0, w: g?.w ?? 0, T: g?.T ?? 0 };
  return [
    IMPORTANCE_PARTIALS.kernel(o.n === 0 ? [0, 1, 1] : grid1d(blocks * chunks), values),
    IMPORTANCE_SUM.kernel(o.n === 0 ? [0, 1, 1] : grid1d(ceilDiv(o.n, 64)), values),
  ];
}

/** Uniforms of both importance passes (Cl = 0: plain row blocks; else canonical batch chunks P, w, Cl, T). */
const IMPORTANCE_UNIFORMS = { N: 'u32', n: 'u32', k: 'u32', blocks: 'u32', rows: 'u32', chunks: 'u32', Cl: 'u32', P: 'u32', w: 'u32', T: 'u32' } as const;

/** Importance pass 1: per-(block, expert) partial sums. */
const IMPORTANCE_PARTIALS = defineProgram({
  name: 'importance_partials',
  bindings: {
    gates: { access: 'read', type: 'f32' },
    indices: { access: 'read', type: 'i32' },
    partials: { access: 'read_write', type: 'f32' },
  },
  uniforms: IMPORTANCE_UNIFORMS,
  workgroupSize: 64,
  source: /* wgsl */ `@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let w = wid.x + wid.y * 65535u;
  let blk = w / params.chunks;
  if (blk >= params.blocks) { return; }
  let n = params.n;
  let k = params.k;
  let base = blk * n;
  let e0 = (w % params.chunks) * ${IMPORTANCE_CHUNK}u;
  let e1 = min(e0 + ${IMPORTANCE_CHUNK}u, n);
  // Invocation t owns the chunk's experts e = t (mod 64): it alone clears and accumulates them, so no barrier.
  for (var e = e0 + t; e < e1; e += 64u) { partials[base + e] = 0.0; }
  if (params.Cl == 0u) {
    let r0 = blk * params.rows;
    let r1 = min(r0 + params.rows, params.N);
    for (var i = r0 * k; i < r1 * k; i++) { add(i, e0, e1, base, t); }
    return;
  }
  // Chunk blk: its w columns of each timestep, timestep by timestep (rows t·P + blk·w + j).
  for (var ts = 0u; ts < params.T; ts++) {
    let r0 = ts * params.P + blk * params.w;
    for (var i = r0 * k; i < (r0 + params.w) * k; i++) { add(i, e0, e1, base, t); }
  }
}

/** Adds slot i's gate to its expert's word of this block when the expert is in [e0, e1) and owned by invocation t. */
fn add(i: u32, e0: u32, e1: u32, base: u32, t: u32) {
  let idx = indices[i];
  if (idx >= 0 && u32(idx) >= e0 && u32(idx) < e1 && (u32(idx) & 63u) == t) {
    partials[base + u32(idx)] += gates[i];
  }
}
`,
});

/** Importance pass 2: per-expert sums of the partials in block order (or the chunks' pairwise tree). */
const IMPORTANCE_SUM = defineProgram({
  name: 'importance_sum',
  bindings: {
    partials: { access: 'read', type: 'f32' },
    importance: { access: 'read_write', type: 'f32' },
  },
  uniforms: IMPORTANCE_UNIFORMS,
  workgroupSize: 64,
  source: /* wgsl */ `@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let e = (wid.x + wid.y * 65535u) * 64u + lt;
  let n = params.n;
  if (e >= n) { return; }
  let Cl = params.Cl;
  if (Cl == 0u) {
    var s = 0.0;
    for (var b = 0u; b < params.blocks; b++) { s += partials[b * n + e]; }
    importance[e] = s;
    return;
  }
  // Canonical batch chunks: block j holds chunk j's sum; combine them by the pairwise tree.
  var c: array<f32, ${IMPORTANCE_MAX_CHUNKS}>;
  for (var j = 0u; j < Cl; j++) { c[j] = partials[j * n + e]; }
${privatePairwiseTreeWgsl('c', 'Cl', '  ')}
  importance[e] = c[0];
}
`,
});

/** Smallest vector (a multiple of 4) the CV² kernel reads with 256 invocations and vec4 loads. */
const CV_WIDE_MIN = 4096;

/**
 * CV² of a long vector (n ≥ CV_WIDE_MIN, a multiple of 4): as `cvSquaredVectorKernel`'s small form
 * with 256 invocations, each summing its vec4s t, t + 256, … in order (components x, y, z, w),
 * then the 256-wide fixed tree — a different fixed order than the 64-lane form (the hierarchical
 * MoE's 65536-expert importance and load vectors, one workgroup, 4× fewer loads and 4× the lanes).
 */
const CV_SQUARED_WIDE = defineProgram({
  name: 'cv_squared_vector',
  bindings: {
    x: { access: 'read', type: 'vec4<f32>' },
    out: { access: 'read_write', type: 'f32' },
  },
  uniforms: { n: 'u32' },
  workgroupSize: 256,
  source: /* wgsl */ `// 256 invocations, vec4 loads
${workgroupReduce(256)}
var<workgroup> diff: array<u32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32) {
  let n = params.n;
  let n4 = n / 4u;
  let x0 = x[0].x;
  var s = 0.0;
  var differs = 0u;
  for (var i = t; i < n4; i += 256u) {
    let v = x[i];
    s += v.x;
    s += v.y;
    s += v.z;
    s += v.w;
    if (any(v != vec4<f32>(x0))) { differs = 1u; }
  }
  diff[t] = differs;
  for (var d = 128u; d > 0u; d = d / 2u) {
    workgroupBarrier();
    if (t < d) { diff[t] = max(diff[t], diff[t + d]); }
  }
  workgroupBarrier();
  let anyDiff = diff[0];
  let mean = tree_sum(s, t) / f32(n);
  var ss = 0.0;
  for (var i = t; i < n4; i += 256u) {
    let dv = x[i] - vec4<f32>(mean);
    ss += dv.x * dv.x;
    ss += dv.y * dv.y;
    ss += dv.z * dv.z;
    ss += dv.w * dv.w;
  }
  let v = tree_sum(ss, t) / f32(n);
  if (t == 0u) {
    if (anyDiff == 0u) { out[0] = 0.0; }
    else { out[0] = v / (mean * mean + 1e-10); }
  }
}
`,
});

/** CV² of any vector: one 64-invocation workgroup. */
const CV_SQUARED = defineProgram({
  name: 'cv_squared_vector',
  bindings: {
    x: { access: 'read', type: 'f32' },
    out: { access: 'read_write', type: 'f32' },
  },
  uniforms: { n: 'u32' },
  workgroupSize: 64,
  source: /* wgsl */ `${TREE_SUM}
var<workgroup> diff: array<u32, 64>;
@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) t: u32) {
  let n = params.n;
  var x0 = 0.0;
  if (n > 0u) { x0 = x[0]; }
  var s = 0.0;
  var differs = 0u;
  for (var i = t; i < n; i += 64u) {
    let v = x[i];
    s += v;
    if (!(v == x0)) { differs = 1u; }
  }
  diff[t] = differs;
  for (var d = 32u; d > 0u; d = d / 2u) {
    workgroupBarrier();
    if (t < d) { diff[t] = max(diff[t], diff[t + d]); }
  }
  workgroupBarrier();
  let anyDiff = diff[0];
  let mean = tree_sum(s, t) / f32(max(n, 1u));
  var ss = 0.0;
  for (var i = t; i < n; i += 64u) { let dv = x[i] - mean; ss += dv * dv; }
  let v = tree_sum(ss, t) / f32(max(n, 1u));
  if (t == 0u) {
    if (n < 2u || anyDiff == 0u) { out[0] = 0.0; }
    else { out[0] = v / (mean * mean + 1e-10); }
  }
}
`,
});

/** Options of the single-vector CV² kernel. */
export interface CvSquaredVectorOptions {
  readonly n: number;
}

/**
 * CV² of one vector (op `cvSquared`): population variance / (mean² + 1e-10), two-pass in f32 with
 * fixed-order sums. Exactly 0 when n < 2 or when every element equals x[0] (as the reference).
 * Bindings: x f32 [n], out f32 [1] (written), params. Dispatch: one workgroup (of 256 with vec4
 * loads when n ≥ CV_WIDE_MIN is a multiple of 4, `CV_SQUARED_WIDE`).
 */
export function cvSquaredVectorKernel(o: CvSquaredVectorOptions): Kernel {
  const wide = o.n >= CV_WIDE_MIN && o.n % 4 === 0;
  return (wide ? CV_SQUARED_WIDE : CV_SQUARED).kernel([1, 1, 1], { n: o.n });
}
