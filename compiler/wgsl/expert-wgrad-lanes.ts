/**
 * The weight half of the fused expert backward (op `expertFfnGrad`, recompute 'experts') where
 * experts get about one row each or are narrow (H ≤ 64): a form with no workgroup memory and no
 * barrier, one SIMD vector of lanes per workgroup. Workgroup g serves one (expert, slice of HS
 * hidden units); lane t owns hidden units h = slice·HS + t + WG·j. The expert's slots are walked one
 * at a time in slot order, and the slot's row of x and of dy are read at workgroup-uniform
 * addresses straight from the storage buffers (on Mesa 25's lavapipe still a per-lane gather —
 * only constant addresses load once, bench/gallivm-asm.ts — but nothing is staged and no barrier is paid): for each slot lane h recomputes
 * hidden = relu(x·w1[:, h] + b1[h]) and dpre = (dy·w2[h, :])·[hidden > 0] and adds x[d]·dpre to
 * dw1[d, h], dpre to db1[h], hidden·dy[c] to dw2[h, c] (slice 0 also adds dy to db2), the first
 * slot writing instead of adding. Each output element has one owner and is summed in slot order,
 * left to right, so the bits equal those of the staged kernel (wgsl/expert-wgrad-small.ts, which
 * adds the rows of a group left to right onto the earlier groups' sum) and are the same every run;
 * no atomics. The staged kernel stays the choice for wide experts with several rows each (its
 * staged rows feed 128 hidden units per workgroup and its 8-row groups read each weight once per
 * group). D, H and Dout are uniforms, not constants: with constants LLVM unrolls every loop and
 * lavapipe's JIT takes 10× longer. Measured (.tmp harness like bench/expert-wgrad.ts, alternated,
 * medians, loadavg ~14 on 2 cores, so absolute times are inflated): n = 65536, 256 slots, D = H =
 * Dout = 16: staged 7.7 ms, this 0.96; n = 64, same slots (4 rows per expert): 2.4 vs 0.97;
 * n = 1024, 1024 slots, D = Dout = 32, H = 256: 455 vs 270; but 4096 slots there: 825 vs 970–1240,
 * and D = H = Dout = 64 at 4 rows: 95 vs 98–123. With `dslot` (one slice per expert) it also
 * writes the input half's dslot from the dpre it has, so the plan runs no input-half kernel.
 */
import { FLAT_WORKGROUP_WGSL, ceilDiv, grid1d, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';
import { expertWgradBindings } from './expert-wgrad-small.ts';

/** Lanes per workgroup: one SIMD vector of lavapipe's 256-bit lanes. */
export const WGRAD_LANES_WG = 8;

/** Shapes of the lanes form of the expert weight gradients. */
export interface ExpertWgradLanesOptions {
  readonly n: number;
  readonly D: number;
  readonly H: number;
  readonly Dout: number;
  /** Hidden units per workgroup (default min(H, 64)). */
  readonly slice?: number;
  /** Launch over the active-expert list (binding `activeList`) instead of all n experts. */
  readonly active?: boolean;
  /**
   * Also write the input half's dslot [S, D] = dpre·w1ᵀ (binding `dslot`), from the dpre this
   * kernel computes anyway; needs one slice per expert (H ≤ slice).
   */
  readonly dslot?: boolean;
}

/**
 * Largest mean rows per expert (N·k/n) at which the lanes form is chosen whatever H is. In
 * isolation (uniform routing) it was still faster at 2 rows (flat quick shape, D 32, H 64: 3.0 vs
 * 3.9 ms), but in the training step at that mean (routing skewed, experts with many rows walked
 * one slot at a time) the profiles were no better than the staged kernel, so 1.
 */
export const LANES_ROWS_MAX = 1;
/** Largest expert hidden width at which the lanes form is chosen up to SMALL_ROWS_MAX rows per expert. */
export const LANES_NARROW_H = 32;

/**
 * The plan's choice for S slots over n experts of hidden width H: the lanes form where it measured
 * faster than the staged kernel — at most LANES_ROWS_MAX row per expert on average, or narrow
 * experts (H ≤ LANES_NARROW_H) at up to `smallRowsMax` rows (the staged kernel's regime).
 */
export function useExpertWgradLanes(S: number, n: number, H: number, smallRowsMax: number): boolean {
  const mean = S / Math.max(1, n);
  return mean <= LANES_ROWS_MAX || (H <= LANES_NARROW_H && mean <= smallRowsMax);
}

/** Hidden units per workgroup used by default: min(H, 64). */
export function expertWgradLanesSlice(H: number): number {
  return Math.max(1, Math.min(H, 64));
}

/** Workgroups per expert (hidden-unit slices). */
export function expertWgradLanesSlices(o: { readonly H: number; readonly slice?: number }): number {
  return ceilDiv(o.H, o.slice ?? expertWgradLanesSlice(o.H));
}

/**
 * The kernel. Bindings (those of the staged kernel, so one binding table serves both): x [N,D],
 * sourceRow i32 [S], offsets i32 [n+1], w1_0 [n,D,H], b1 [n,H], w2_0 [n,H,Dout], dy [S,Dout], dw1
 * [n,D,H], db1 [n,H], dw2 [n,H,Dout], db2 [n,Dout] (read_write), [activeList i32], params; w2_0
 * and dw2 as vec4 arrays when Dout is a multiple of 4. Grid: flattened workgroup ids; with
 * `active`, workgroup g serves expert activeList[1 + g / slices] on an indirect grid of (active
 * experts) × slices, otherwise expert g / slices over all n (an expert with no slots writes zeros).
 */
export function expertWgradLanesKernel(o: ExpertWgradLanesOptions): Kernel {
  const { D, H, Dout } = o;
  const HS = o.slice ?? expertWgradLanesSlice(H);
  for (const [name, v] of [['D', D], ['H', H], ['Dout', Dout], ['slice', HS]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`expert weight gradients (lanes): ${name} must be a positive integer, got ${v}`);
  }
  const WG = WGRAD_LANES_WG;
  const slices = expertWgradLanesSlices({ H, slice: HS });
  if (o.dslot && slices !== 1) throw new Error(`expert weight gradients (lanes): dslot needs one slice per expert, but H ${H} > slice ${HS}`);
  const W4 = Dout % 4 === 0;
  const program = defineProgram({
    name: o.active ? 'expert_wgrad_lanes_active' : 'expert_wgrad_lanes',
    bindings: {
      ...expertWgradBindings(W4, !!o.active),
      ...(o.dslot ? { dslot: { access: 'read_write', type: 'f32' } as const } : {}),
    },
    uniforms: { n: 'u32', slices: 'u32', D: 'u32', H: 'u32', Dout: 'u32', HS: 'u32' },
    workgroupSize: WG,
    source: /* wgsl */ `// W4=${W4}
const WG = ${WG}u;
${o.dslot ? `// The slot's dpre (all H units), for dslot.\nvar<workgroup> Ps: array<f32, ${H}>;\n` : ''}
// Lane h's gradients from slot s of expert e (x row xr), added to what earlier slots wrote unless first.
fn slot_grads(e: u32, s: u32, xr: u32, h: u32, first: bool) {
  let D = params.D;
  let H = params.H;
  let DOUT = params.Dout;
  var p = b1[e * H + h];
  for (var d = 0u; d < D; d++) { p = fma(x[xr + d], w1_0[(e * D + d) * H + h], p); }
  p = max(p, 0.0);
  var g = 0.0;
${W4
  ? `  for (var c4 = 0u; c4 < DOUT / 4u; c4++) {
    let w = w2_0[(e * H + h) * (DOUT / 4u) + c4];
    let y = s * DOUT + 4u * c4;
    g = fma(dy[y], w.x, g);
    g = fma(dy[y + 1u], w.y, g);
    g = fma(dy[y + 2u], w.z, g);
    g = fma(dy[y + 3u], w.w, g);
  }`
  : `  for (var c = 0u; c < DOUT; c++) { g = fma(dy[s * DOUT + c], w2_0[(e * H + h) * DOUT + c], g); }`}
  g = select(0.0, g, p > 0.0);
${o.dslot ? '  Ps[h] = g;\n' : ''}  var b = 0.0;
  if (!first) { b = db1[e * H + h]; }
  db1[e * H + h] = b + g;
  for (var d = 0u; d < D; d++) {
    let at = (e * D + d) * H + h;
    var acc = 0.0;
    if (!first) { acc = dw1[at]; }
    dw1[at] = acc + x[xr + d] * g;
  }
${W4
  ? `  for (var c4 = 0u; c4 < DOUT / 4u; c4++) {
    let at = (e * H + h) * (DOUT / 4u) + c4;
    var acc = vec4<f32>(0.0);
    if (!first) { acc = dw2[at]; }
    let y = s * DOUT + 4u * c4;
    dw2[at] = acc + p * vec4<f32>(dy[y], dy[y + 1u], dy[y + 2u], dy[y + 3u]);
  }`
  : `  for (var c = 0u; c < DOUT; c++) {
    let at = (e * H + h) * DOUT + c;
    var acc = 0.0;
    if (!first) { acc = dw2[at]; }
    dw2[at] = acc + p * dy[s * DOUT + c];
  }`}
}

// Zeros of lane h's share of an expert with no slots (all-experts form only).
fn zero_grads(e: u32, h: u32) {
  let D = params.D;
  let H = params.H;
  let DOUT = params.Dout;
  db1[e * H + h] = 0.0;
  for (var d = 0u; d < D; d++) { dw1[(e * D + d) * H + h] = 0.0; }
${W4 ? '  for (var c4 = 0u; c4 < DOUT / 4u; c4++) { dw2[(e * H + h) * (DOUT / 4u) + c4] = vec4<f32>(0.0); }' : '  for (var c = 0u; c < DOUT; c++) { dw2[(e * H + h) * DOUT + c] = 0.0; }'}
}

${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let g = flat_workgroup(wid, nwg);
${o.active
  ? `  if (g >= u32(max(activeList[0], 0)) * params.slices) { return; }
  let e = u32(activeList[1u + g / params.slices]);`
  : `  if (g >= params.n * params.slices) { return; }
  let e = g / params.slices;`}
  let slice = g % params.slices;
  let s0 = u32(offsets[e]);
  let s1 = u32(offsets[e + 1u]);
  let DOUT = params.Dout;
  if (slice == 0u) {
    for (var c = t; c < DOUT; c += WG) {
      var b = 0.0;
      for (var s = s0; s < s1; s++) { b = b + dy[s * DOUT + c]; }
      db2[e * DOUT + c] = b;
    }
  }
  let hEnd = min(params.H, (slice + 1u) * params.HS);
  for (var s = s0; s < s1; s++) {
    let xr = u32(sourceRow[s]) * params.D;
    for (var h = slice * params.HS + t; h < hEnd; h += WG) { slot_grads(e, s, xr, h, s == s0); }${o.dslot ? `
    // dslot[s] = dpre·w1ᵀ, h ascending (the order of the input half's kernels).
    workgroupBarrier();
    for (var d = t; d < params.D; d += WG) {
      var acc = 0.0;
      for (var h = 0u; h < params.H; h++) { acc = fma(Ps[h], w1_0[(e * params.D + d) * params.H + h], acc); }
      dslot[s * params.D + d] = acc;
    }
    workgroupBarrier();` : ''}
  }
  if (s1 <= s0) {
    for (var h = slice * params.HS + t; h < hEnd; h += WG) { zero_grads(e, h); }
  }
}
`,
  });
  return program.kernel(grid1d(o.n * slices), { n: o.n, slices, D, H, Dout, HS });
}
