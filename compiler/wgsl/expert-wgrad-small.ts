/**
 * The weight half of the fused expert backward (op `expertFfnGrad`, recompute 'experts') in the
 * regime of few rows per expert (many experts: N·k/n ≤ SMALL_ROWS_MAX): there the 64 × 64 register
 * tiles of `expertFfnGradWeightsKernel` (wgsl/expert-fused.ts) do a handful of FMAs per weight
 * element between barriers, and the kernel is tile and barrier overhead. Here every gradient is a
 * rank-≤R update computed by one thread per hidden unit h, with no barrier after the rows are
 * staged: one workgroup per (expert, slice of WG hidden units) copies up to R of the expert's
 * slots — x[sourceRow[s]] and dy[s], zero past the expert's rows — into workgroup memory, then
 * thread h recomputes hidden[r] = relu(x[r]·w1[:, h] + b1[h]) and dpre[r] = (dy[r]·w2[h, :])·
 * [hidden[r] > 0] for the R rows in registers and writes dw1[:, h] = Σ_r x[r]ᵀ·dpre[r],
 * db1[h] = Σ_r dpre[r], dw2[h, :] = Σ_r hidden[r]·dy[r] (and slice 0: db2 = Σ_r dy[r]). An
 * expert with more than R slots is walked R slots at a time in slot order, each group added to
 * what the earlier ones wrote; padding rows are zero in x and dy, so they add exact zeros. Every
 * output element belongs to one thread and is summed in a fixed order (rows in slot order): no
 * atomics, the same bits every run. D and Dout are compile-time constants (the loops over them
 * unroll); the rows are unrolled in the generated text. Grid: flattened workgroup ids; with
 * `active`, workgroup g serves expert activeList[1 + g / slices] on an indirect grid of
 * (active experts) × slices, otherwise expert g / slices over all n (an expert with no slots
 * writes zeros).
 */
import { ceilDiv, grid1d, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';

/** Largest mean rows per expert (N·k/n) for which the lowering picks this kernel. */
export const SMALL_ROWS_MAX = 8;
/** Workgroup memory this kernel may use for the staged rows (bytes). */
const STAGE_BYTES = 16384;

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
  if (!Number.isInteger(R) || R < 1 || R > 16) throw new Error(`expert weight gradients (small rows): rows ${R} must be an integer in 1..16`);
  if (WG < 1 || WG > 256) throw new Error(`expert weight gradients (small rows): slice ${WG} must be in 1..256 (invocations per workgroup)`);
  if (!expertWgradSmallFits({ D, Dout, rows: R })) {
    throw new Error(`expert weight gradients (small rows): ${R} rows × (D ${D} + Dout ${Dout}) floats exceed ${STAGE_BYTES} bytes of workgroup memory; use the tiled weight half (expertFfnGradWeightsKernel) for this width`);
  }
  const slices = expertWgradSmallSlices({ H, slice: WG });
  const rs = [...Array(R).keys()];
  const program = defineProgram({
    name: o.active ? 'expert_wgrad_small_active' : 'expert_wgrad_small',
    bindings: {
      x: { access: 'read', type: 'f32' },
      sourceRow: { access: 'read', type: 'i32' },
      offsets: { access: 'read', type: 'i32' },
      w1_0: { access: 'read', type: 'f32' },
      b1: { access: 'read', type: 'f32' },
      w2_0: { access: 'read', type: 'f32' },
      dy: { access: 'read', type: 'f32' },
      dw1: { access: 'read_write', type: 'f32' },
      db1: { access: 'read_write', type: 'f32' },
      dw2: { access: 'read_write', type: 'f32' },
      db2: { access: 'read_write', type: 'f32' },
      ...(o.active ? { activeList: { access: 'read', type: 'i32' } as const } : {}),
    },
    uniforms: { n: 'u32', H: 'u32', slices: 'u32' },
    workgroupSize: WG,
    source: /* wgsl */ `// rows=${R} slice=${WG}
const R = ${R}u;
const D = ${D}u;
const DOUT = ${Dout}u;
var<workgroup> xs: array<f32, ${R * D}>; // [R][D]
var<workgroup> dys: array<f32, ${R * Dout}>; // [R][Dout]

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let g = wid.y * nwg.x + wid.x;
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
      for (var c = 0u; c < DOUT; c++) { dw2[(e * H + h) * DOUT + c] = 0.0; }
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
    for (var q = t; q < R * D; q += ${WG}u) {
      let r = q / D;
      var v = 0.0;
      if (r < nrows) { v = x[u32(sourceRow[r0 + r]) * D + q % D]; }
      xs[q] = v;
    }
    for (var q = t; q < R * DOUT; q += ${WG}u) {
      let r = q / DOUT;
      var v = 0.0;
      if (r < nrows) { v = dy[(r0 + r) * DOUT + q % DOUT]; }
      dys[q] = v;
    }
    workgroupBarrier();
    if (slice == 0u) {
      for (var c = t; c < DOUT; c += ${WG}u) {
        var b = 0.0;
        if (!first) { b = db2[e * DOUT + c]; }
        ${rs.map((r) => `b += dys[${r}u * DOUT + c];`).join(' ')}
        db2[e * DOUT + c] = b;
      }
    }
    if (live) { accumulate(e, h, first); }
  }
}

// Thread h's gradients from the staged rows, added to what earlier row groups wrote unless first.
fn accumulate(e: u32, h: u32, first: bool) {
    let H = params.H;
    // hidden[r] = relu(x[r]·w1[:, h] + b1[h]); dpre[r] = (dy[r]·w2[h, :])·[hidden[r] > 0].
    let bias = b1[e * H + h];
    ${rs.map((r) => `var h${r} = bias;`).join(' ')}
    for (var d = 0u; d < D; d++) {
      let w = w1_0[(e * D + d) * H + h];
      ${rs.map((r) => `h${r} = fma(xs[${r}u * D + d], w, h${r});`).join(' ')}
    }
    ${rs.map((r) => `h${r} = max(h${r}, 0.0);`).join(' ')}
    ${rs.map((r) => `var p${r} = 0.0;`).join(' ')}
    for (var c = 0u; c < DOUT; c++) {
      let w = w2_0[(e * H + h) * DOUT + c];
      ${rs.map((r) => `p${r} = fma(dys[${r}u * DOUT + c], w, p${r});`).join(' ')}
    }
    ${rs.map((r) => `p${r} = select(0.0, p${r}, h${r} > 0.0);`).join(' ')}
    var b = 0.0;
    if (!first) { b = db1[e * H + h]; }
    ${rs.map((r) => `b += p${r};`).join(' ')}
    db1[e * H + h] = b;
    for (var d = 0u; d < D; d++) {
      let at = (e * D + d) * H + h;
      var v = 0.0;
      if (!first) { v = dw1[at]; }
      dw1[at] = ${sum(['v', ...rs.map((r) => `xs[${r}u * D + d] * p${r}`)])};
    }
    for (var c = 0u; c < DOUT; c++) {
      let at = (e * H + h) * DOUT + c;
      var v = 0.0;
      if (!first) { v = dw2[at]; }
      dw2[at] = ${sum(['v', ...rs.map((r) => `h${r} * dys[${r}u * DOUT + c]`)])};
    }
}
`,
  });
  return program.kernel(grid1d(o.n * slices), { n: o.n, H, slices });
}
