/**
 * The balance statistics of compiler/wgsl/moe-stats.ts in the regime of few rows and many experts
 * (the hierarchical MoE's 65536 experts over 64 rows), where the workgroup-per-expert load estimate
 * and the per-(block, expert) importance partials cost O(n) workgroups and O(blocks·n) words for
 * O(N·k) useful work. Same numbers, same bits: each kernel here adds the same values in the same
 * order as its dense counterpart (block or canonical-chunk partials, then the same fixed trees),
 * only the invocation that does it changes. `loadEstimateSerialKernel`: one invocation per expert
 * runs the 8-lane / 64-lane sums and trees of `loadEstimateKernel` in registers (no workgroup memory,
 * no barrier). `importanceSparseKernels`: a zero-fill of the n outputs, then one invocation per
 * routing slot; the first slot (in slot order) of each expert sums that expert's gates exactly as
 * `importanceKernel` does and writes it — O(n/16 + (N·k)²) instead of O(blocks·n + N·k·n/4096).
 */
import { ceilDiv, FLAT_WORKGROUP_WGSL, grid1d, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';
import { PHI_WGSL } from './normal-cdf.ts';
import {
  IMPORTANCE_MAX_CHUNKS,
  importanceBlocks,
  LOAD_CHUNK_UNIFORMS,
  LOAD_CHUNKS,
  LOAD_ESTIMATE_BINDINGS,
  LOAD_LANES,
  LOAD_UNIFORMS,
  loadEstimateValues,
  ROW_P_WGSL,
  type MoeStatsOptions,
} from './moe-stats.ts';
import type { ChunkGeometry } from './reduce-chunks.ts';
import { privatePairwiseTreeWgsl } from './reduce-snippets.ts';

/** Largest row count of the serial load estimate (each invocation sums all N rows of its expert). */
export const LOAD_SERIAL_MAX_ROWS = 256;

/** Whether `loadEstimateSerialKernel` is the better form: few rows, many experts. */
export function loadEstimateSerialApplies(o: Pick<MoeStatsOptions, 'N' | 'n'>): boolean {
  return o.N <= LOAD_SERIAL_MAX_ROWS && o.n >= 64;
}

/**
 * Smooth load estimator (op `loadEstimate`), one invocation per expert, the same sums and trees
 * as `loadEstimateKernel` (canonical chunks: lane l of chunk c sums steps q ≡ l (mod 8) in order, the
 * 8 lanes by a pairwise tree, then the chunks by the pairwise tree; plain: slot t of 64 sums rows
 * t, t+64, …, then the 64-wide tree), so the bits are equal. Bindings as `loadEstimateKernel`:
 * clean, sigma, topValues, indices, load (written), params. N ≤ LOAD_SERIAL_MAX_ROWS.
 */
export function loadEstimateSerialKernel(o: MoeStatsOptions & { readonly chunks?: ChunkGeometry }): Kernel {
  if (o.N > LOAD_SERIAL_MAX_ROWS) throw new Error(`load estimate (serial): ${o.N} rows exceed ${LOAD_SERIAL_MAX_ROWS}; use loadEstimateKernel`);
  const u = loadEstimateValues(o);
  const grid: [number, number, number] = o.n === 0 ? [0, 1, 1] : grid1d(ceilDiv(o.n, 64));
  return u.chunked ? LOAD_SERIAL_CHUNKS.kernel(grid, u.values) : LOAD_SERIAL.kernel(grid, u.values);
}

/** The serial load estimate's module after the declarations, around the per-expert summation `body`. */
const loadSerialSource = (comment: string, body: string): string => /* wgsl */ `${comment}${PHI_WGSL}
${ROW_P_WGSL}
${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let e = flat_workgroup(wid, nwg) * 64u + lt;
  if (e >= params.n) { return; }
${body}
}
`;

/** The serial load estimate over plain rows. */
const LOAD_SERIAL = defineProgram({
  name: 'load_estimate_serial',
  bindings: LOAD_ESTIMATE_BINDINGS,
  uniforms: LOAD_UNIFORMS,
  workgroupSize: 64,
  source: loadSerialSource('', /* wgsl */ `  // The 64 strided partial sums of the workgroup form, then its tree: red[t] += red[t + s], s = 32 … 1.
  var v: array<f32, 64>;
  for (var t = 0u; t < 64u; t++) {
    var s = 0.0;
    for (var row = t; row < params.N; row += 64u) { s += row_p(row, e); }
    v[t] = s;
  }
  for (var s = 32u; s > 0u; s >>= 1u) {
    for (var t = 0u; t < s; t++) { v[t] = v[t] + v[t + s]; }
  }
  load[e] = v[0];`),
});

/** The serial load estimate over canonical batch chunks. */
const LOAD_SERIAL_CHUNKS = defineProgram({
  name: 'load_estimate_serial',
  bindings: LOAD_ESTIMATE_BINDINGS,
  uniforms: LOAD_CHUNK_UNIFORMS,
  workgroupSize: 64,
  source: loadSerialSource('// canonical batch chunks\n', /* wgsl */ `  var c: array<f32, ${LOAD_CHUNKS}>;
  for (var cl = 0u; cl < params.Cl; cl++) {
    var v: array<f32, ${LOAD_LANES}>;
    for (var lane = 0u; lane < ${LOAD_LANES}u; lane++) {
      var s = 0.0;
      for (var q = lane; q < params.steps; q += ${LOAD_LANES}u) {
        s += row_p((q / params.w) * params.P + cl * params.w + q % params.w, e);
      }
      v[lane] = s;
    }
    for (var len = ${LOAD_LANES / 2}u; len > 0u; len >>= 1u) {
      for (var i = 0u; i < len; i++) { v[i] = v[2u * i] + v[2u * i + 1u]; }
    }
    c[cl] = v[0];
  }
${privatePairwiseTreeWgsl('c', 'params.Cl', '  ')}
  load[e] = c[0];`),
});

/** Largest routing-slot count N·k of the sparse importance (its slots scan each other: O((N·k)²)). */
export const IMPORTANCE_SPARSE_MAX_SLOTS = 512;

/** Whether `importanceSparseKernels` is the better form: few slots, many experts. */
export function importanceSparseApplies(o: MoeStatsOptions): boolean {
  return o.N * o.k <= IMPORTANCE_SPARSE_MAX_SLOTS && o.n >= 4 * o.N * o.k;
}

/** Outputs each invocation of the importance zero-fill clears. */
const ZERO_PER = 16;

/**
 * Importance (op `importance`) for few slots and many experts, the same bits as `importanceKernel`
 * (its blocks of `importanceBlocks`, or its canonical chunks, each summed in slot order from +0,
 * then the blocks in order from +0, or the chunks by the pairwise tree). `importance_zero`: every
 * output = 0, ZERO_PER per invocation. `importance_sparse`: one invocation per slot i; a valid
 * expert e = indices[i] whose first slot is i computes importance[e]; the others return. Bindings:
 * pass 1 importance (written), params; pass 2 gates f32 [N,k], indices i32 [N,k], importance,
 * params. No scratch.
 */
export function importanceSparseKernels(o: MoeStatsOptions & { readonly chunks?: ChunkGeometry }): [Kernel, Kernel] {
  const { blocks, rowsPerBlock } = importanceBlocks(o);
  const g = o.chunks;
  const values = { N: o.N, n: o.n, k: o.k, blocks, rows: rowsPerBlock, Cl: g?.Cl ?? 0, P: g?.P ?? 0, w: g?.w ?? 0, T: g?.T ?? 0 };
  return [
    IMPORTANCE_ZERO.kernel(o.n === 0 ? [0, 1, 1] : grid1d(ceilDiv(o.n, 64 * ZERO_PER)), values),
    IMPORTANCE_SPARSE.kernel(o.N * o.k === 0 ? [0, 1, 1] : grid1d(ceilDiv(o.N * o.k, 64)), values),
  ];
}

/** Uniforms of both sparse-importance passes (Cl = 0: plain row blocks; else canonical batch chunks P, w, Cl, T). */
const IMPORTANCE_SPARSE_UNIFORMS = { N: 'u32', n: 'u32', k: 'u32', blocks: 'u32', rows: 'u32', Cl: 'u32', P: 'u32', w: 'u32', T: 'u32' } as const;

/** Pass 1: every output = 0. */
const IMPORTANCE_ZERO = defineProgram({
  name: 'importance_zero',
  bindings: { importance: { access: 'read_write', type: 'f32' } },
  uniforms: IMPORTANCE_SPARSE_UNIFORMS,
  workgroupSize: 64,
  source: /* wgsl */ `${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let e0 = (flat_workgroup(wid, nwg) * 64u + lt) * ${ZERO_PER}u;
  let e1 = min(e0 + ${ZERO_PER}u, params.n);
  for (var e = e0; e < e1; e++) { importance[e] = 0.0; }
}
`,
});

/** Pass 2: one invocation per routing slot; an expert's first slot writes its importance. */
const IMPORTANCE_SPARSE = defineProgram({
  name: 'importance_sparse',
  bindings: {
    gates: { access: 'read', type: 'f32' },
    indices: { access: 'read', type: 'i32' },
    importance: { access: 'read_write', type: 'f32' },
  },
  uniforms: IMPORTANCE_SPARSE_UNIFORMS,
  workgroupSize: 64,
  source: /* wgsl */ `${FLAT_WORKGROUP_WGSL}
/** Sum of the gates of expert e over slots [i0, i1), in order, from +0 (one block's partial). */
fn part(e: i32, i0: u32, i1: u32) -> f32 {
  var p = 0.0;
  for (var i = i0; i < i1; i++) { if (indices[i] == e) { p += gates[i]; } }
  return p;
}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let i = flat_workgroup(wid, nwg) * 64u + lt;
  let k = params.k;
  if (i >= params.N * k) { return; }
  let e = indices[i];
  if (e < 0 || u32(e) >= params.n) { return; }
  for (var j = 0u; j < i; j++) { if (indices[j] == e) { return; } }
  let Cl = params.Cl;
  if (Cl == 0u) {
    var s = 0.0;
    for (var b = 0u; b < params.blocks; b++) {
      let r0 = b * params.rows;
      s += part(e, r0 * k, min(r0 + params.rows, params.N) * k);
    }
    importance[u32(e)] = s;
    return;
  }
  // Canonical batch chunks: chunk j = its w columns of every timestep, timestep by timestep; then the pairwise tree.
  var c: array<f32, ${IMPORTANCE_MAX_CHUNKS}>;
  for (var j = 0u; j < Cl; j++) {
    var p = 0.0;
    for (var ts = 0u; ts < params.T; ts++) {
      let r0 = ts * params.P + j * params.w;
      for (var q = r0 * k; q < (r0 + params.w) * k; q++) { if (indices[q] == e) { p += gates[q]; } }
    }
    c[j] = p;
  }
${privatePairwiseTreeWgsl('c', 'Cl', '  ')}
  importance[u32(e)] = c[0];
}
`,
});
