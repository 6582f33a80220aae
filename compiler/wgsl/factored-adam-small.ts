/**
 * Factored Adam (β1 = 0) of SMALL matrices in one dispatch: one workgroup per matrix (dense: every
 * matrix of a [batch, r, c] parameter; sparse: the experts on the active-expert list, indirect
 * grid, lazy catch-up of skipped steps through `last`) does the whole update — g copied into
 * workgroup memory once, the row and column statistics (each line summed in index order, caught up
 * first when sparse: x ← β2ˢ·(x − eps1) + eps1), mean(vr') and the clipping sum Σ g²/(vr'·vc') by
 * a two-level fixed-order sum (`factoredSmallWorkgroup` invocations: 32 … 256 by shape), then p −= lr·u/div with u as in factored-adam-tiles.ts
 * (g times a column and a row factor, 0 where g = 0), and last[e] = step + 1 when sparse. The
 * tiled kernel set takes five or six dispatches (and a grids kernel per bank when sparse) for what
 * is, for the small experts of hierarchical MoE (16 × 16 weights, 1 × 16 biases) and small dense
 * matrices, a few hundred numbers each. `factoredSmall(r, c)` picks this path from the matrix
 * shape only (r·c ≤ 4096, r + c ≤ 2048: g, vr', vc' and the reduction fit in 32 KiB of workgroup
 * memory), so a matrix's sum order never depends on how many matrices (experts on a device) the
 * update holds. Every sum has a fixed order: bit-identical run to run.
 */
import { factoredStepFields } from './optimizers.ts';
import { grid1d, uniformBlock, type Kernel, type KernelBinding } from './kernel.ts';

const WG = 256;
/** Largest r·c of the one-dispatch path (g in workgroup memory: 16 KiB). */
const SMALL_RC = 4096;
/** Largest r + c of the one-dispatch path (vr' and vc' in workgroup memory: 8 KiB). */
const SMALL_LINES = 2048;

/**
 * Invocations per workgroup for an r × c matrix: about 4 weights and one line each, 32 … 256 (a
 * 16 × 16 expert takes 64, a 1 × 16 bias 32): on lavapipe a workgroup costs per invocation and
 * barrier, so a tiny matrix should not pay for 256. A function of the shape only.
 */
export function factoredSmallWorkgroup(r: number, c: number): number {
  const want = Math.max(Math.ceil((r * c) / 4), r + c);
  return Math.min(WG, Math.max(32, 2 ** Math.ceil(Math.log2(want))));
}

/** True when an r × c matrix takes the one-dispatch path (a function of the shape only). */
export function factoredSmall(r: number, c: number): boolean {
  return r >= 1 && c >= 1 && r * c <= SMALL_RC && r + c <= SMALL_LINES;
}

/** Shape, mode and hyper-parameters of the one-dispatch kernel; `step` is the 0-based step (t = step + 1). */
export interface FactoredSmallOptions {
  /** Active-expert list (sparse) or every one of `batch` matrices (dense). */
  readonly sparse: boolean;
  /** Matrices (dense), or experts in the bank (sparse: sizes the worst-case grid shown in listings). */
  readonly batch: number;
  readonly r: number;
  readonly c: number;
  readonly lr: number;
  readonly beta2: number;
  readonly clip: number;
  readonly step: number;
}

/** The one-dispatch kernel's uniform block (matrices and the step's fields): the lowering rebuilds only this per run. */
export function factoredSmallUniforms(o: FactoredSmallOptions): { struct: string; data: Uint32Array } {
  return uniformBlock([['batch', 'u32', o.batch], ...factoredStepFields(o)]);
}

/**
 * The whole factored-Adam update of one small matrix per workgroup. Bindings: `p`, `vr`, `vc`
 * (read_write), `g`, then sparse: `last` (read_write, i32), `activeList` (i32); `params` (rebuild
 * per step). Grid: batch (dense) or the active count (sparse, indirect).
 */
export function factoredSmallKernel(o: FactoredSmallOptions): Kernel {
  if (!factoredSmall(o.r, o.c)) throw new Error(`factored Adam (one dispatch): a ${o.r} × ${o.c} matrix exceeds r·c ≤ ${SMALL_RC}, r + c ≤ ${SMALL_LINES}; use the tiled kernels (factored-adam-tiles.ts)`);
  const { r: R, c: C } = o;
  const clip = o.clip > 0;
  const W = factoredSmallWorkgroup(R, C);
  // The two-level sum: A partial sums of B invocations each (16 × 16 at 256, 8 × 8 at 64, 4 × 8 at 32).
  const A = 2 ** Math.floor(Math.log2(W) / 2);
  const B = W / A;
  const u = factoredSmallUniforms(o);
  const bindings: KernelBinding[] = [
    { name: 'p', access: 'read_write' },
    { name: 'vr', access: 'read_write' },
    { name: 'vc', access: 'read_write' },
    { name: 'g', access: 'read' },
    ...(o.sparse ? ([{ name: 'last', access: 'read_write' }, { name: 'activeList', access: 'read' }] as const) : []),
    { name: 'params', access: 'uniform' },
  ];
  const decl = bindings
    .map((b, i) =>
      b.access === 'uniform'
        ? `@group(0) @binding(${i}) var<uniform> params: Params;`
        : `@group(0) @binding(${i}) var<storage, ${b.access}> ${b.name}: array<${b.name === 'last' || b.name === 'activeList' ? 'i32' : 'f32'}>;`,
    )
    .join('\n');
  const cu = (x: string) => (o.sparse ? `caught_up(${x}, e)` : x);
  const wgsl = /* wgsl */ `// factored adam (${o.sparse ? 'active experts' : 'every matrix'}, one dispatch, ${R}×${C} per workgroup)
${u.struct}
${decl}
const R = ${R}u;
const C = ${C}u;
var<workgroup> gs: array<f32, ${R * C}>;
var<workgroup> vrs: array<f32, ${R}>;
var<workgroup> vcs: array<f32, ${C}>;
var<workgroup> red: array<vec2<f32>, ${W}>;
var<workgroup> red16: array<vec2<f32>, ${A}>;
var<workgroup> stat: vec2<f32>;
${
  o.sparse
    ? `// The statistic after s = step − last[e] skipped zero-gradient steps: β2ˢ·(x − eps1) + eps1.
fn caught_up(x: f32, e: u32) -> f32 {
  let s = params.step - last[e];
  if (s <= 0) { return x; }
  return exp2(f32(s) * params.log2b2) * (x - 1e-30) + 1e-30;
}
`
    : ''
}@compute @workgroup_size(${W})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let a = wid.y * nwg.x + wid.x;
  if (a >= ${o.sparse ? 'u32(max(activeList[0], 0))' : 'params.batch'}) { return; }
  let e = ${o.sparse ? 'u32(activeList[1u + a])' : 'a'};
  let base = e * R * C;
  for (var q = lid; q < R * C; q += ${W}u) { gs[q] = g[base + q]; }
  workgroupBarrier();
  // Row and column statistics: one invocation per line, summed in index order.
  for (var l = lid; l < C + R; l += ${W}u) {
    if (l < C) {
      var acc = 0.0;
      for (var i = 0u; i < R; i++) { let gv = gs[i * C + l]; acc += gv * gv + 1e-30; }
      let at = e * C + l;
      let nv = params.b2 * ${cu('vc[at]')} + params.c2 * (acc / f32(R));
      vc[at] = nv;
      vcs[l] = nv;
    } else {
      let i = l - C;
      var acc = 0.0;
      for (var j = 0u; j < C; j++) { let gv = gs[i * C + j]; acc += gv * gv + 1e-30; }
      let at = e * R + i;
      let nv = params.b2 * ${cu('vr[at]')} + params.c2 * (acc / f32(C));
      vr[at] = nv;
      vrs[i] = nv;
    }
  }
  workgroupBarrier();
  // Σ vr' and (clipping) Σ g²/(vr'·vc'): per invocation in index order, then 16 × 16.
  var acc = vec2<f32>(0.0);
  for (var i = lid; i < R; i += ${W}u) { acc.x += vrs[i]; }
  ${
    clip
      ? `for (var q = lid; q < R * C; q += ${W}u) {
    let i = q / C;
    let gv = gs[q];
    acc.y += ((gv * gv) * (1.0 / vcs[q - i * C])) * (1.0 / vrs[i]);
  }`
      : ''
  }
  red[lid] = acc;
  workgroupBarrier();
  if (lid < ${A}u) {
    var s16 = vec2<f32>(0.0);
    for (var t = 0u; t < ${B}u; t++) { s16 += red[lid * ${B}u + t]; }
    red16[lid] = s16;
  }
  workgroupBarrier();
  if (lid == 0u) {
    var tot = vec2<f32>(0.0);
    for (var t = 0u; t < ${A}u; t++) { tot += red16[t]; }
    let vrMean = tot.x / f32(R);
    var div = 1.0;
    ${clip ? 'div = max(1.0, sqrt(tot.y * vrMean * params.bc2 / f32(R * C)) / params.clip);' : ''}
    stat = vec2<f32>(vrMean, params.lr / div);
    ${o.sparse ? 'last[e] = params.step + 1;' : ''}
  }
  workgroupBarrier();
  let st = stat;
  // lr·u/div = g · (1/sqrt(vc')) · (sqrt(mean(vr')·(1 − β2ᵗ)/vr') · lr/div).
  for (var q = lid; q < R * C; q += ${W}u) {
    let i = q / C;
    let gv = gs[q];
    let colF = 1.0 / sqrt(vcs[q - i * C]);
    let rowF = sqrt(st.x * params.bc2 / vrs[i]) * st.y;
    p[base + q] = p[base + q] - select(gv * (colF * rowF), 0.0, gv == 0.0);
  }
}
`;
  const name = `${o.sparse ? 'expert_' : ''}factored_adam.small`;
  return { name, wgsl, bindings, workgroupSize: [W, 1, 1], dispatch: grid1d(o.batch), cacheKey: `factored_adam_small:${o.sparse ? 'sparse' : 'dense'}:${R}x${C}:clip${clip ? 1 : 0}`, uniformData: u.data };
}
