/**
 * WGSL kernels of the hierarchical load (paper App. B Eq. 14; op `hierLoadEstimate` and its vjp):
 * one invocation per expert (g, j) sums P over the pairs of group g, read from the group-sorted
 * pair list of compiler/wgsl/hierarchical-groups.ts in increasing pair order — O(N·k1·b + a·b),
 * deterministic, no per-(block, expert) table, grids folded over 65535; only the groups with pairs
 * are visited (indirect grid over their list; the forward zeroes the rest of the load first). The
 * gradient: the same sums, then a per-group and a per-element kernel, both taking a group's pair
 * count from the group offsets.
 */
import { ceilDiv, FLAT_WORKGROUP_WGSL, grid1d, type Kernel } from './kernel.ts';
import { PHI_WGSL } from './normal-cdf.ts';
import { readOnly, readWrite } from './hierarchical-gating.ts';
import { defineProgram, type BindingDecl, type ElementType, type UniformValues } from './program.ts';

/** Shape of the hierarchical load kernels. */
export interface HierLoadKernelOptions {
  readonly N: number;
  readonly a: number;
  readonly b: number;
  readonly k1: number;
  readonly k2: number;
  /** The scalar (one expert per invocation) kernels even when b is a multiple of 4 (tests compare the two forms' bits). */
  readonly scalar?: boolean;
}

/** The uniform fields of every load kernel. */
const LOAD_UNIFORMS = Object.freeze({ N: 'u32', a: 'u32', b: 'u32', k1: 'u32', k2: 'u32', kt: 'u32' } as const);

function loadValues(o: HierLoadKernelOptions): UniformValues<typeof LOAD_UNIFORMS> {
  const { N, a, b, k1, k2 } = o;
  return { N, a, b, k1, k2, kt: Math.min(k2 + 1, b) };
}

/** The kernel of one load program: `name`, `bindings`, 64 invocations, the load uniforms. */
function loadKernel(o: HierLoadKernelOptions, name: string, bindings: Readonly<Record<string, BindingDecl>>, source: string, dispatch: readonly [number, number, number]): Kernel {
  return defineProgram({ name, bindings, uniforms: LOAD_UNIFORMS, workgroupSize: 64, source: `${FLAT_WORKGROUP_WGSL}${source}` }).kernel(dispatch, loadValues(o));
}

/**
 * Whether the load kernels take experts four at a time (vec4 loads and stores of clean, sigma,
 * load, dout and the row gradients): b a multiple of 4. Each element is computed by the same
 * operations in the same order as in the scalar form, so the bits are equal.
 */
export function hierLoadVec4(o: Pick<HierLoadKernelOptions, 'b' | 'scalar'>): boolean {
  return o.b % 4 === 0 && !o.scalar;
}

/** Workgroups (of 64) per listed group of `hierLoadKernel`: ⌈b / 64⌉, or ⌈b / 256⌉ in the vec4 form. */
export function hierLoadGroupsPer(o: Pick<HierLoadKernelOptions, 'b' | 'scalar'>): number {
  return Math.max(1, ceilDiv(hierLoadVec4(o) ? o.b / 4 : o.b, 64));
}

/** WGSL: whether j is among the pair's selected experts, and the pair's threshold (from topValues). */
const THRESHOLD_WGSL = /* wgsl */ `
fn selected_in(q: u32, j: u32) -> bool {
  var sel = false;
  for (var t = 0u; t < params.k2; t++) { if (localIndices[q * params.k2 + t] == i32(j)) { sel = true; } }
  return sel;
}
// z-score threshold of (q, j): returns vec2(thr, 1) or vec2(0, 0) when P is the constant 1.
fn threshold(q: u32, sel: bool) -> vec2<f32> {
  let kt = params.kt;
  let k2 = params.k2;
  if (sel) {
    if (kt == k2) { return vec2<f32>(0.0, 0.0); }
    return vec2<f32>(topValues[q * kt + k2], 1.0);
  }
  return vec2<f32>(topValues[q * kt + k2 - 1u], 1.0);
}
`;

/** WGSL: P(q, j) of the smooth estimator for one (row-slot, expert) pair (thresholds from topValues). */
const PROB_WGSL = /* wgsl */ `${THRESHOLD_WGSL}
fn prob(q: u32, j: u32) -> f32 {
  let sel = selected_in(q, j);
  let th = threshold(q, sel);
  if (th.y == 0.0) { return 1.0; }
  let c = clean[q * params.b + j];
  let sg = sigma[q * params.b + j];
  if (sg > 0.0) { return phi((c - th.x) / sg); }
  if (sel) { return select(0.0, 1.0, c >= th.x); }
  return select(0.0, 1.0, c > th.x);
}
`;

/**
 * WGSL: P(q, j) for the four experts 4·j4 … 4·j4 + 3 (`prob` of each, the same operations), with
 * clean and sigma bound as array<vec4<f32>>.
 */
const PROB4_WGSL = /* wgsl */ `
fn prob4(q: u32, j4: u32) -> vec4<f32> {
  var mask = 0u;
  for (var t = 0u; t < params.k2; t++) {
    let li = localIndices[q * params.k2 + t];
    if (li >= 0 && u32(li) / 4u == j4) { mask |= 1u << (u32(li) % 4u); }
  }
  let c4 = clean[q * (params.b / 4u) + j4];
  let s4 = sigma[q * (params.b / 4u) + j4];
  var p = vec4<f32>(0.0);
  for (var u = 0u; u < 4u; u++) {
    let sel = ((mask >> u) & 1u) != 0u;
    let th = threshold(q, sel);
    let c = c4[u];
    let sg = s4[u];
    if (th.y == 0.0) { p[u] = 1.0; }
    else if (sg > 0.0) { p[u] = phi((c - th.x) / sg); }
    else if (sel) { p[u] = select(0.0, 1.0, c >= th.x); }
    else { p[u] = select(0.0, 1.0, c > th.x); }
  }
  return p;
}
`;

/** The secondary gating's per-pair outputs the load kernels read (clean and sigma as `vt` items). */
const pairInputs = (vt: ElementType) => ({ clean: readOnly(vt), sigma: readOnly(vt), topValues: readOnly(), localIndices: readOnly('i32') });

/**
 * Per-group sums over the group-sorted pairs (compiler/wgsl/hierarchical-groups.ts) of the groups
 * with pairs only — activeList [count, g0, g1, …] of groupOffsets, launched indirectly with
 * `hierLoadGroupsPer(b)` workgroups per listed group, one invocation per expert e = g·b + j, so
 * O(N·k1·b) whatever a: L_gj = Σ P(q, j) over the pairs q of group g (pairs[offsets[g] ..
 * offsets[g+1]), increasing q) and c_g = their count. With `finalize` (the forward), `load` [a·b]
 * = primaryLoad[g]·L_gj / c_g (the other groups' zeros: `hierLoadZeroKernel`, dispatched first);
 * without (the gradient), `groupLoad` [a·b] = L_gj, the other groups' blocks left unwritten (their
 * readers take c_g from groupOffsets and read L only where c_g > 0). Bindings: [primaryLoad],
 * groupOffsets, groupPairs, activeList, clean, sigma, topValues, localIndices, then load
 * (finalize) or groupLoad, params. Grid folded over 65535.
 */
export function hierLoadKernel(o: HierLoadKernelOptions, finalize: boolean): Kernel {
  const per = hierLoadGroupsPer(o);
  const v4 = hierLoadVec4(o);
  const vt: ElementType = v4 ? 'vec4<f32>' : 'f32';
  const bindings = {
    ...(finalize ? { primaryLoad: readOnly() } : {}),
    groupOffsets: readOnly('i32'),
    groupPairs: readOnly('i32'),
    activeList: readOnly('i32'),
    ...pairInputs(vt),
    ...(finalize ? { load: readWrite(vt) } : { groupLoad: readWrite(vt) }),
  };
  const source = v4
    ? /* wgsl */ `// finalize=${finalize} vec4=true
${PHI_WGSL}
${THRESHOLD_WGSL}
${PROB4_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let b4 = params.b / 4u;
  let w = flat_workgroup(wid, nwg);
  let slot = w / ${per}u;
  if (slot >= u32(activeList[0])) { return; }
  let j4 = (w % ${per}u) * 64u + lt;
  if (j4 >= b4) { return; }
  let g = u32(activeList[1u + slot]);
  let e4 = g * b4 + j4;
  let p0 = u32(groupOffsets[g]);
  let p1 = u32(groupOffsets[g + 1u]);
  var L = vec4<f32>(0.0);
  for (var p = p0; p < p1; p++) { L += prob4(u32(groupPairs[p]), j4); }
  let C = f32(p1 - p0);
  ${finalize
    ? 'if (C > 0.0) { load[e4] = (primaryLoad[g] * L) / C; } else { load[e4] = vec4<f32>(0.0); }'
    : 'groupLoad[e4] = L;'}
}
`
    : /* wgsl */ `// finalize=${finalize}
${PHI_WGSL}
${PROB_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let b = params.b;
  let w = flat_workgroup(wid, nwg);
  let slot = w / ${per}u;
  if (slot >= u32(activeList[0])) { return; }
  let j = (w % ${per}u) * 64u + lt;
  if (j >= b) { return; }
  let g = u32(activeList[1u + slot]);
  let e = g * b + j;
  let p0 = u32(groupOffsets[g]);
  let p1 = u32(groupOffsets[g + 1u]);
  var L = 0.0;
  for (var p = p0; p < p1; p++) { L += prob(u32(groupPairs[p]), j); }
  let C = f32(p1 - p0);
  ${finalize
    ? 'if (C > 0.0) { load[e] = (primaryLoad[g] * L) / C; } else { load[e] = 0.0; }'
    : 'groupLoad[e] = L;'}
}
`;
  return loadKernel(o, finalize ? 'hier_load' : 'hier_group_load', bindings, source, o.a * o.b === 0 ? [0, 1, 1] : grid1d(o.a * per));
}

/** Elements of `load` each invocation of `hierLoadZeroKernel` zeroes. */
const ZERO_PER = 16;

/**
 * The forward load's zeros, written before `hierLoadKernel` fills the groups with pairs: load
 * [a·b] = 0, ZERO_PER (16) consecutive elements per invocation (a 65536-expert load is 64 workgroups).
 * Bindings: load, params.
 */
export function hierLoadZeroKernel(o: HierLoadKernelOptions): Kernel {
  const source = /* wgsl */ `
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let e0 = (flat_workgroup(wid, nwg) * 64u + lt) * ${ZERO_PER}u;
  let end = min(e0 + ${ZERO_PER}u, params.a * params.b);
  for (var e = e0; e < end; e++) { load[e] = 0.0; }
}
`;
  const ab = o.a * o.b;
  return loadKernel(o, 'hier_load_zero', { load: readWrite() }, source, ab === 0 ? [0, 1, 1] : grid1d(ceilDiv(ab, 64 * ZERO_PER)));
}

/**
 * Gradient of the hierarchical load into the primary load (one thread per group):
 * dprimaryLoad[g] = Σ_j dout·groupLoad / count (0 when count = 0; count = the group's pairs,
 * from groupOffsets). Bindings: dout, groupLoad, groupOffsets, dprimaryLoad, params.
 */
export function hierLoadGradPrimaryKernel(o: HierLoadKernelOptions): Kernel {
  const v4 = hierLoadVec4(o);
  const vt: ElementType = v4 ? 'vec4<f32>' : 'f32';
  const bindings = { dout: readOnly(vt), groupLoad: readOnly(vt), groupOffsets: readOnly('i32'), dprimaryLoad: readWrite() };
  const source = /* wgsl */ `// vec4=${v4}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let g = flat_workgroup(wid, nwg) * 64u + lt;
  if (g >= params.a) { return; }
  let c = f32(u32(groupOffsets[g + 1u]) - u32(groupOffsets[g]));
  var acc = 0.0;
  if (c > 0.0) {
    ${v4 ? `// Four experts per load, the chain still in j order.
    let b4 = params.b / 4u;
    for (var j4 = 0u; j4 < b4; j4++) {
      let d = dout[g * b4 + j4];
      let l = groupLoad[g * b4 + j4];
      acc += d.x * l.x;
      acc += d.y * l.y;
      acc += d.z * l.z;
      acc += d.w * l.w;
    }` : 'for (var j = 0u; j < params.b; j++) { acc += dout[g * params.b + j] * groupLoad[g * params.b + j]; }'}
    acc = acc / c;
  }
  dprimaryLoad[g] = acc;
}
`;
  return loadKernel(o, 'hier_load_grad_primary', bindings, source, grid1d(ceilDiv(o.a, 64)));
}

/**
 * Gradient of the hierarchical load into clean2 and sigma2 (one thread per (row-slot, j)).
 * Bindings: primaryLoad, primaryIndices, clean, sigma, topValues, localIndices, dout,
 * groupOffsets (the group's pair count), dclean, dsigma, params.
 */
export function hierLoadGradRowsKernel(o: HierLoadKernelOptions): Kernel {
  const v4 = hierLoadVec4(o);
  const vt: ElementType = v4 ? 'vec4<f32>' : 'f32';
  const bindings = {
    primaryLoad: readOnly(),
    primaryIndices: readOnly('i32'),
    ...pairInputs(vt),
    dout: readOnly(vt),
    groupOffsets: readOnly('i32'),
    dclean: readWrite(vt),
    dsigma: readWrite(vt),
  };
  const total = o.N * o.k1 * (v4 ? o.b / 4 : o.b);
  const source = v4
    ? /* wgsl */ `// vec4=true
${THRESHOLD_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let i = flat_workgroup(wid, nwg) * 64u + lt;
  let b4 = params.b / 4u;
  if (i >= params.N * params.k1 * b4) { return; }
  let q = i / b4;
  let j4 = i % b4;
  let g = u32(primaryIndices[q]);
  var mask = 0u;
  for (var t = 0u; t < params.k2; t++) {
    let li = localIndices[q * params.k2 + t];
    if (li >= 0 && u32(li) / 4u == j4) { mask |= 1u << (u32(li) % 4u); }
  }
  let s4 = sigma[i];
  let c4 = clean[i];
  let d4 = dout[g * b4 + j4];
  let pl = primaryLoad[g];
  let c = f32(u32(groupOffsets[g + 1u]) - u32(groupOffsets[g]));
  var dc = vec4<f32>(0.0);
  var ds = vec4<f32>(0.0);
  for (var u = 0u; u < 4u; u++) {
    let th = threshold(q, ((mask >> u) & 1u) != 0u);
    let sg = s4[u];
    if (sg > 0.0 && th.y != 0.0 && c > 0.0) {
      let w = (d4[u] * pl) / c;
      let z = (c4[u] - th.x) / sg;
      let pd = 0.3989422804014327 * exp(-0.5 * z * z);
      dc[u] = w * pd / sg;
      ds[u] = -w * pd * z / sg;
    }
  }
  dclean[i] = dc;
  dsigma[i] = ds;
}
`
    : /* wgsl */ `
${PHI_WGSL}
${PROB_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let i = flat_workgroup(wid, nwg) * 64u + lt;
  let b = params.b;
  if (i >= params.N * params.k1 * b) { return; }
  let q = i / b;
  let j = i % b;
  let g = u32(primaryIndices[q]);
  let sel = selected_in(q, j);
  let th = threshold(q, sel);
  let sg = sigma[i];
  let c = f32(u32(groupOffsets[g + 1u]) - u32(groupOffsets[g]));
  var dc = 0.0;
  var ds = 0.0;
  if (sg > 0.0 && th.y != 0.0 && c > 0.0) {
    let w = (dout[g * b + j] * primaryLoad[g]) / c;
    let z = (clean[i] - th.x) / sg;
    let pd = 0.3989422804014327 * exp(-0.5 * z * z);
    dc = w * pd / sg;
    ds = -w * pd * z / sg;
  }
  dclean[i] = dc;
  dsigma[i] = ds;
}
`;
  return loadKernel(o, 'hier_load_grad_rows', bindings, source, grid1d(Math.ceil(total / 64)));
}
