/**
 * The weight half of the fused expert backward (op `expertFfnGrad`, recompute 'experts') in the
 * regime of few rows per expert (many experts: N·k/n ≤ SMALL_ROWS_MAX): there the 64 × 64 register
 * tiles of `expertFfnGradWeightsKernel` (wgsl/expert-fused.ts) do a handful of FMAs per weight
 * element between barriers, and the kernel is tile and barrier overhead. Here every gradient is a
 * rank-≤R update computed by one thread per hidden unit h, with no barrier after the rows are
 * staged: one workgroup per (expert, slice of hidden units) copies up to R of the expert's slots —
 * x[sourceRow[s]] and dy[s], zero past the expert's rows, packed four rows to a vec4 — into
 * workgroup memory, then thread h recomputes hidden[r] = relu(x[r]·w1[:, h] + b1[h]) and dpre[r] =
 * (dy[r]·w2[h, :])·[hidden[r] > 0] in registers and writes dw1[:, h] = Σ_r x[r]ᵀ·dpre[r],
 * db1[h] = Σ_r dpre[r], dw2[h, :] = Σ_r hidden[r]·dy[r] (and slice 0: db2 = Σ_r dy[r]). Only the
 * vec4s that hold rows of the group are computed (a workgroup-uniform branch); an expert with more
 * than R slots is walked R slots at a time in slot order, each group added to what the earlier ones
 * wrote. Padding rows are zero in x and dy, so they add exact zeros. Every output element belongs
 * to one thread and is summed in a fixed order (rows in slot order, left to right): no atomics,
 * the same bits every run. D and Dout are compile-time constants. Grid: flattened workgroup ids;
 * with `active`, workgroup g serves expert activeList[1 + g / slices] on an indirect grid of
 * (active experts) × slices, otherwise expert g / slices over all n (an expert with no slots
 * writes zeros). When Dout is a multiple of 4, w2 and dw2 are bound as vec4 arrays and thread h
 * reads and writes its rows four elements per access (each element's sum in the same order):
 * 733 → 608 ms at n = 1024, D = Dout = 32, H = 1024, 4 rows per expert (bench/expert-wgrad.ts, r8
 * s128, one run each side back to back at loadavg ~3, the tiled control 1821 / 1851 ms). Measured in
 * isolation by bench/expert-wgrad.ts.
 */
import { FLAT_WORKGROUP_WGSL, ceilDiv, grid1d, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';

/** Largest mean rows per expert (N·k/n) for which the lowering picks this kernel. */
export const SMALL_ROWS_MAX = 8;
/** Workgroup memory this kernel may use for the staged rows (bytes). */
const STAGE_BYTES = 16384;

/** Workgroup size (hidden units per workgroup) the lowering uses. */
export const SMALL_ROWS_SLICE = 128;

/**
 * The plan's choice for S slots over n experts: the small-row kernel with 8-row groups (a group
 * of ≤ 4 rows runs the one-vec4 path) when S/n ≤ SMALL_ROWS_MAX and the rows fit workgroup
 * memory, else null (the tiled weight half of wgsl/expert-fused.ts).
 */
/**
 * The bindings of an expert weight-gradient kernel (this file's and expert-wgrad-lanes.ts'): x,
 * sourceRow, offsets, w1/b1, w2 (vec4 rows when `w4`), dy, the four gradients, and the
 * active-expert list when the grid runs over it.
 */
export function expertWgradBindings(w4: boolean, active: boolean) {
  return {
    x: { access: 'read', type: 'f32' },
    sourceRow: { access: 'read', type: 'i32' },
    offsets: { access: 'read', type: 'i32' },
    w1_0: { access: 'read', type: 'f32' },
    b1: { access: 'read', type: 'f32' },
    w2_0: { access: 'read', type: w4 ? 'vec4<f32>' : 'f32' },
    dy: { access: 'read', type: 'f32' },
    dw1: { access: 'read_write', type: 'f32' },
    db1: { access: 'read_write', type: 'f32' },
    dw2: { access: 'read_write', type: w4 ? 'vec4<f32>' : 'f32' },
    db2: { access: 'read_write', type: 'f32' },
    ...(active ? { activeList: { access: 'read', type: 'i32' } as const } : {}),
  } as const;
}

export function expertWgradSmallChoice(S: number, n: number, D: number, Dout: number): { rows: number; slice: number } | null {
  const mean = S / Math.max(1, n);
  if (mean > SMALL_ROWS_MAX) return null;
  const rows = 8;
  return expertWgradSmallFits({ D, Dout, rows }) ? { rows, slice: SMALL_ROWS_SLICE } : null;
}

/** Shapes of the small-row weight-gradient kernel. */
export interface ExpertWgradSmallOptions {
  readonly n: number;
  readonly D: number;
  readonly H: number;
  readonly Dout: number;
  /** Rows staged per group (default 8). */
  readonly rows?: number;
  /** Hidden units per workgroup = invocations (default 64). */
  readonly slice?: number;
  /** Launch over the active-expert list (binding `activeList`) instead of all n experts. */
  readonly active?: boolean;
}

/** True when the staged rows of this shape fit the kernel's workgroup memory budget. */
export function expertWgradSmallFits(o: { readonly D: number; readonly Dout: number; readonly rows?: number }): boolean {
  return (o.rows ?? 8) * (o.D + o.Dout) * 4 <= STAGE_BYTES;
}

/** Workgroups per expert (hidden-unit slices) of the small-row kernel. */
export function expertWgradSmallSlices(o: { readonly H: number; readonly slice?: number }): number {
  return ceilDiv(o.H, o.slice ?? 64);
}

/** `((a + b) + c) + …`: a left-to-right sum (the fixed order every run). */
const sum = (terms: string[]): string => terms.reduce((a, x) => `(${a} + ${x})`);

/**
 * The kernel. Bindings (the names of the fused weight half, so one binding table serves both):
 * x [N,D], sourceRow i32 [S], offsets i32 [n+1], w1_0 [n,D,H], b1 [n,H], w2_0 [n,H,Dout],
 * dy [S,Dout], dw1 [n,D,H], db1 [n,H], dw2 [n,H,Dout], db2 [n,Dout] (read_write), [activeList
 * i32], params.
 */
export function expertWgradSmallKernel(o: ExpertWgradSmallOptions): Kernel {
  const R = o.rows ?? 8;
  const WG = o.slice ?? 64;
  const { D, H, Dout } = o;
  if (![4, 8, 12, 16].includes(R)) throw new Error(`expert weight gradients (small rows): rows ${R} must be 4, 8, 12 or 16 (rows are packed four to a vec4)`);
  if (WG < 1 || WG > 256) throw new Error(`expert weight gradients (small rows): slice ${WG} must be in 1..256 (invocations per workgroup)`);
  if (!expertWgradSmallFits({ D, Dout, rows: R })) {
    throw new Error(`expert weight gradients (small rows): ${R} rows × (D ${D} + Dout ${Dout}) floats exceed ${STAGE_BYTES} bytes of workgroup memory; use the tiled weight half (expertFfnGradWeightsKernel) for this width`);
  }
  const slices = expertWgradSmallSlices({ H, slice: WG });
  // Rows of w2 and dw2 as vec4s when Dout is a multiple of 4 (a per-lane load or store is a loop over
  // the lanes on lavapipe: a quarter of them); each element keeps its scalar sum order.
  const W4 = Dout % 4 === 0;
  const V = R / 4;
  const vs = [...Array(V).keys()];
  const comps = ['x', 'y', 'z', 'w'];
  /** Left-to-right sum of `init` and the components of the vec4 terms, in row order. */
  const rowSum = (init: string, terms: string[]): string => sum([init, ...terms.flatMap((m) => comps.map((c) => `${m}.${c}`))]);
  /** Thread h's accumulation over the first U vec4 row groups (rows past nrows are zero there). */
  const accumulateFn = (U: number): string => {
    const vs = [...Array(U).keys()];
    return `// Thread h's gradients from the staged rows, added to what earlier row groups wrote unless first.
fn accumulate_${U}(e: u32, h: u32, first: bool) {
  let H = params.H;
  // hidden[r] = relu(x[r]·w1[:, h] + b1[h]); dpre[r] = (dy[r]·w2[h, :])·[hidden[r] > 0].
  let bias = vec4<f32>(b1[e * H + h]);
  ${vs.map((v) => `var h${v} = bias;`).join(' ')}
  for (var d = 0u; d < D; d++) {
    let w = vec4<f32>(w1_0[(e * D + d) * H + h]);
    ${vs.map((v) => `h${v} = fma(xs[${v}u * D + d], w, h${v});`).join(' ')}
  }
  ${vs.map((v) => `h${v} = max(h${v}, vec4<f32>(0.0));`).join(' ')}
  ${vs.map((v) => `var p${v} = vec4<f32>(0.0);`).join(' ')}
  ${W4
    ? `for (var c4 = 0u; c4 < DOUT / 4u; c4++) {
    let w4 = w2_0[(e * H + h) * (DOUT / 4u) + c4];
    ${[0, 1, 2, 3].map((q) => `{ let w = vec4<f32>(w4[${q}]); ${vs.map((v) => `p${v} = fma(dys[${v}u * DOUT + 4u * c4 + ${q}u], w, p${v});`).join(' ')} }`).join('\n    ')}
  }`
    : `for (var c = 0u; c < DOUT; c++) {
    let w = vec4<f32>(w2_0[(e * H + h) * DOUT + c]);
    ${vs.map((v) => `p${v} = fma(dys[${v}u * DOUT + c], w, p${v});`).join(' ')}
  }`}
  ${vs.map((v) => `p${v} = select(vec4<f32>(0.0), p${v}, h${v} > vec4<f32>(0.0));`).join(' ')}
  var b = 0.0;
  if (!first) { b = db1[e * H + h]; }
  db1[e * H + h] = ${rowSum('b', vs.map((v) => `p${v}`))};
  for (var d = 0u; d < D; d++) {
    let at = (e * D + d) * H + h;
    var acc = 0.0;
    if (!first) { acc = dw1[at]; }
    ${vs.map((v) => `let m${v} = xs[${v}u * D + d] * p${v};`).join(' ')}
    dw1[at] = ${rowSum('acc', vs.map((v) => `m${v}`))};
  }
  ${W4
    ? `for (var c4 = 0u; c4 < DOUT / 4u; c4++) {
    let at = (e * H + h) * (DOUT / 4u) + c4;
    var acc4 = vec4<f32>(0.0);
    if (!first) { acc4 = dw2[at]; }
    ${[0, 1, 2, 3].map((q) => `{ ${vs.map((v) => `let m${v} = h${v} * dys[${v}u * DOUT + 4u * c4 + ${q}u];`).join(' ')} acc4[${q}] = ${rowSum(`acc4[${q}]`, vs.map((v) => `m${v}`))}; }`).join('\n    ')}
    dw2[at] = acc4;
  }`
    : `for (var c = 0u; c < DOUT; c++) {
    let at = (e * H + h) * DOUT + c;
    var acc = 0.0;
    if (!first) { acc = dw2[at]; }
    ${vs.map((v) => `let m${v} = h${v} * dys[${v}u * DOUT + c];`).join(' ')}
    dw2[at] = ${rowSum('acc', vs.map((v) => `m${v}`))};
  }`}
}
`;
  };
  const program = defineProgram({
    name: o.active ? 'expert_wgrad_small_active' : 'expert_wgrad_small',
    bindings: {
      ...expertWgradBindings(W4, !!o.active),
    },
    uniforms: { n: 'u32', H: 'u32', slices: 'u32' },
    workgroupSize: WG,
    source: /* wgsl */ `// rows=${R} slice=${WG}
const R = ${R}u;
const D = ${D}u;
const DOUT = ${Dout}u;
// Rows 4v..4v+3 of the group packed in one vec4: xs[v * D + d] = x[rows, d], dys[v * DOUT + c] = dy[rows, c].
var<workgroup> xs: array<vec4<f32>, ${V * D}>;
var<workgroup> dys: array<vec4<f32>, ${V * Dout}>;

${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let g = flat_workgroup(wid, nwg);
  let H = params.H;
${o.active
  ? `  if (g >= u32(max(activeList[0], 0)) * params.slices) { return; }
  let e = u32(activeList[1u + g / params.slices]);`
  : `  if (g >= params.n * params.slices) { return; }
  let e = g / params.slices;`}
  let slice = g % params.slices;
  let h = slice * ${WG}u + t;
  let live = h < H;
  let s0 = u32(offsets[e]);
  let s1 = u32(offsets[e + 1u]);
  if (s1 <= s0) {
    // No slots: this workgroup's share of the gradients is zero.
    if (live) {
      for (var d = 0u; d < D; d++) { dw1[(e * D + d) * H + h] = 0.0; }
      ${W4 ? 'for (var c4 = 0u; c4 < DOUT / 4u; c4++) { dw2[(e * H + h) * (DOUT / 4u) + c4] = vec4<f32>(0.0); }' : 'for (var c = 0u; c < DOUT; c++) { dw2[(e * H + h) * DOUT + c] = 0.0; }'}
      db1[e * H + h] = 0.0;
    }
    if (slice == 0u) {
      for (var c = t; c < DOUT; c += ${WG}u) { db2[e * DOUT + c] = 0.0; }
    }
    return;
  }
  for (var r0 = s0; r0 < s1; r0 += R) {
    let nrows = min(R, s1 - r0);
    let first = r0 == s0;
    workgroupBarrier();
    for (var q = t; q < ${V}u * D; q += ${WG}u) {
      let r = 4u * (q / D);
      let d = q % D;
      var v = vec4<f32>(0.0);
      for (var j = 0u; j < 4u; j++) {
        if (r + j < nrows) { v[j] = x[u32(sourceRow[r0 + r + j]) * D + d]; }
      }
      xs[q] = v;
    }
    for (var q = t; q < ${V}u * DOUT; q += ${WG}u) {
      let r = 4u * (q / DOUT);
      let c = q % DOUT;
      var v = vec4<f32>(0.0);
      for (var j = 0u; j < 4u; j++) {
        if (r + j < nrows) { v[j] = dy[(r0 + r + j) * DOUT + c]; }
      }
      dys[q] = v;
    }
    workgroupBarrier();
    if (slice == 0u) {
      for (var c = t; c < DOUT; c += ${WG}u) {
        var b = 0.0;
        if (!first) { b = db2[e * DOUT + c]; }
        ${vs.map((v) => `let y${v} = dys[${v}u * DOUT + c];`).join(' ')}
        db2[e * DOUT + c] = ${rowSum('b', vs.map((v) => `y${v}`))};
      }
    }
    if (live) {
      // Only the vec4 row groups that hold rows of this group (workgroup-uniform choice).
      let used = (nrows + 3u) / 4u;
${vs.map((v) => `      ${v ? 'else ' : ''}if (used == ${v + 1}u) { accumulate_${v + 1}(e, h, first); }`).join('\n')}
    }
  }
}

${vs.map((v) => accumulateFn(v + 1)).join('\n')}`,
  });
  return program.kernel(grid1d(o.n * slices), { n: o.n, H, slices });
}
