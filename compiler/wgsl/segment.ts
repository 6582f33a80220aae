/**
 * Deterministic reductions over row segments (the training-time counterparts of the grouped expert
 * GEMM): `segmentSumKernel` sums the rows of each segment offsets[e] .. offsets[e+1]−1 of x [S, C]
 * (op `sumRows` with one segment, and the expert bias gradients db[e] = Σ_{s∈e} dy[s]);
 * `segmentGemmTnKernel` computes out[e] = A[seg e]ᵀ · B[seg e] for every segment (the expert weight
 * gradients dw1[e] = Σ x[src(s)]ᵀ·dpre[s] with rows of A gathered by sourceRow, dw2[e] = Σ
 * hidden[s]ᵀ·dy[s]). Both read the segment bounds straight from the device offsets buffer (no host
 * round trip), assign every output element to exactly one workgroup, and reduce the segment's rows
 * in a fixed order (the GEMM: the GEMM generator's tiled schedule, compiler/wgsl/gemm/tiled.ts, 16
 * rows per workgroup-memory stage, 8×8 register tile per thread; the sum: four interleaved lanes
 * combined in lane order) — no atomics, bit-identical
 * from run to run, and segments with zero rows write zeros. Sizes and the gather flag live in the
 * uniform: one pipeline each. With `active` both run only over the experts that got rows: they
 * read the list [count, e0, e1, …] (compiler/wgsl/active-experts.ts) and flatten a folded grid of
 * count × (workgroups per expert), which the lowering launches indirectly (their static grid is
 * the worst case over all segments); blocks of experts with no rows are then not written, and
 * `clearInactiveKernel` zeroes exactly those when a reader needs them. All three are declared through
 * the kernel-definition API (compiler/wgsl/program.ts; the GEMM through the generator).
 */
import { ceilDiv, FLAT_WORKGROUP_WGSL, grid1d, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';
import { gemmKernel } from './gemm/gemm.ts';
import type { GemmProblem } from './gemm/problem.ts';
import { tiledBlocks, type TiledSchedule } from './gemm/tiled.ts';

/** Segment-sum geometry: x [S, C] → out [segments, C]. */
export interface SegmentSumOptions {
  readonly C: number;
  readonly segments: number;
  /** Only the segments listed in `activeList` [count, ids…] (an extra binding), folded grid. */
  readonly active?: boolean;
}

const SUM_COLS = 64;
const SUM_LANES = 4;

/**
 * Segment sum. Bindings: `x` (read, f32 [S, C]), `offsets` (read, i32 [segments + 1]), `out`
 * (read_write, f32 [segments, C]), `params`.
 */
export function segmentSumKernel(o: SegmentSumOptions): Kernel {
  const gx = Math.max(1, ceilDiv(o.C, SUM_COLS));
  const A = !!o.active;
  if (!A && o.segments > 65535) throw new Error(`segment sum: ${o.segments} segments exceed the dispatch grid; use the active-expert variant`);
  const program = defineProgram({
    name: A ? 'segment_sum_active' : 'segment_sum',
    bindings: {
      x: { access: 'read', type: 'f32' },
      offsets: { access: 'read', type: 'i32' },
      ...(A ? { activeList: { access: 'read', type: 'i32' } as const } : {}),
      out: { access: 'read_write', type: 'f32' },
    },
    uniforms: { C: 'u32', colBlocks: 'u32' },
    workgroupSize: SUM_COLS * SUM_LANES,
    source: /* wgsl */ `// segment row sum (${SUM_COLS} columns x ${SUM_LANES} lanes per workgroup)
${A ? FLAT_WORKGROUP_WGSL : ''}var<workgroup> part: array<f32, ${SUM_COLS * SUM_LANES}>;

@compute @workgroup_size(${SUM_COLS * SUM_LANES})
fn main(@builtin(workgroup_id) wid: vec3<u32>${A ? ', @builtin(num_workgroups) nwg: vec3<u32>' : ''}, @builtin(local_invocation_index) t: u32) {
  let C = params.C;
${A ? `  let g = flat_workgroup(wid, nwg);
  let ai = g / params.colBlocks;
  if (ai >= u32(activeList[0])) { return; }
  let e = u32(activeList[1u + ai]);
  let cb = g % params.colBlocks;` : `  let e = wid.y;
  let cb = wid.x;`}
  let col = cb * ${SUM_COLS}u + t % ${SUM_COLS}u;
  let lane = t / ${SUM_COLS}u;
  let s0 = u32(offsets[e]);
  let s1 = u32(offsets[e + 1u]);
  var acc = 0.0;
  if (col < C) {
    for (var s = s0 + lane; s < s1; s += ${SUM_LANES}u) { acc += x[s * C + col]; }
  }
  part[t] = acc;
  workgroupBarrier();
  if (lane == 0u && col < C) {
    var total = part[t];
    for (var l = 1u; l < ${SUM_LANES}u; l++) { total += part[t + l * ${SUM_COLS}u]; }
    out[e * C + col] = total;
  }
}
`,
  });
  return program.kernel(A ? grid1d(gx * Math.max(1, o.segments)) : [gx, Math.max(1, o.segments), 1], { C: o.C, colBlocks: gx });
}

/** Segment TN GEMM geometry: A [·, Ka] (rows gathered by sourceRow when `gather`), B [S, Nb] → out [segments, Ka, Nb]. */
export interface SegmentGemmOptions {
  readonly Ka: number;
  readonly Nb: number;
  readonly segments: number;
  readonly gather: boolean;
  /** Only the segments listed in `activeList` [count, ids…] (an extra binding), folded grid. */
  readonly active?: boolean;
}

/** The segment GEMM's tiling: 64×64 output tiles, 16 slots per workgroup-memory stage, 8×8 outputs per invocation (scalar tiles). */
const SEGMENT_SCHEDULE: TiledSchedule = { kind: 'tiled', tm: 64, tn: 64, tk: 16, rm: 8, rn: 8, vec4: false, avec4: false, aload4: false, bload4: false };

/**
 * The segment TN GEMM as a problem of the GEMM generator (compiler/wgsl/gemm/): a segment batch
 * (k over segment e's slots), A stored [slots, Ka] ('km') with its rows gathered by sourceRow under
 * the uniform flag (one pipeline for both uses), B [slots, Nb], no epilogue.
 */
function segmentGemmTnProblem(o: Pick<SegmentGemmOptions, 'segments' | 'active'>): GemmProblem {
  const active = !!o.active;
  return {
    name: `segment_gemm_tn${active ? '_active' : ''}`,
    batch: { kind: 'segments', segments: o.segments, active },
    a: { layout: 'km', gather: 'uniform', offset: false },
    b: { layout: 'kn' },
    bias: 'none',
    relu: false,
    accumulate: false,
    cOffset: false,
  };
}

/**
 * Segment TN GEMM: out[e][i][j] = Σ_{s = offsets[e]}^{offsets[e+1]−1} A[src(s)][i] · B[s][j], src(s) =
 * sourceRow[s] when gathering, else s — the tiled schedule of the GEMM generator on
 * `segmentGemmTnProblem`. Bindings: `a`, `sourceRow` (read, i32; bound but unread when not
 * gathering), `b`, `offsets` (read, i32 [segments + 1]), [`activeList`], `out` (read_write), `params`.
 */
export function segmentGemmTnKernel(o: SegmentGemmOptions): Kernel {
  const [gx, gy] = tiledBlocks(SEGMENT_SCHEDULE, { M: o.Ka, N: o.Nb });
  const A = !!o.active;
  if (!A && (gx > 65535 || gy > 65535 || o.segments > 65535)) throw new Error(`segment GEMM: grid ${gx}×${gy}×${o.segments} too large; use the active-expert variant`);
  const kernel = gemmKernel(segmentGemmTnProblem(o), SEGMENT_SCHEDULE, { M: o.Ka, N: o.Nb, K: 0, gx, gy, gather: o.gather });
  // The gathering and the plain use share one pipeline (the flag is a uniform); only the dispatch name differs.
  return { ...kernel, name: `segment_gemm_tn${o.gather ? '_gather' : ''}${A ? '_active' : ''}` };
}

/** Workgroups per expert of the active segment GEMM (its indirect grid is active count × this). */
export function segmentGemmTnGroups(o: { readonly Ka: number; readonly Nb: number }): number {
  const [gx, gy] = tiledBlocks(SEGMENT_SCHEDULE, { M: o.Ka, N: o.Nb });
  return gx * gy;
}

/** Workgroups per expert of the active segment sum. */
export function segmentSumGroups(C: number): number {
  return Math.max(1, ceilDiv(C, SUM_COLS));
}

/**
 * Zeroes the blocks of out [segments, block] whose segment offsets[e] .. offsets[e+1] is empty,
 * leaving the others untouched (the complement of an active-expert kernel's writes, so the two may
 * run in either order). Bindings: offsets (read, i32 [segments + 1]), out (read_write), params.
 */
export function clearInactiveKernel(o: { readonly segments: number; readonly block: number }): Kernel {
  const total = o.segments * o.block;
  if (total >= 2 ** 32) throw new Error(`clear inactive experts: ${total} elements exceed 32-bit indexing`);
  const program = defineProgram({
    name: 'clear_inactive',
    bindings: { offsets: { access: 'read', type: 'i32' }, out: { access: 'read_write', type: 'f32' } },
    uniforms: { total: 'u32', block: 'u32' },
    workgroupSize: 256,
    source: /* wgsl */ `@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.y * nwg.x * 256u + gid.x;
  if (i >= params.total) { return; }
  let e = i / params.block;
  if (offsets[e + 1u] == offsets[e]) { out[i] = 0.0; }
}
`,
  });
  return program.kernel(grid1d(Math.max(1, ceilDiv(total, 256))), { total, block: o.block });
}
