/**
 * Factored Adam (β1 = 0) of SMALL matrices in one dispatch (dense: every matrix of a [batch, r, c]
 * parameter; sparse: the experts on the active-expert list, indirect grid, lazy catch-up of skipped
 * steps through `last`: x ← β2ˢ·(x − eps1) + eps1 before the update, last[e] = step + 1 after):
 * the row and column statistics, mean(vr'), the clipping sum Σ g²/(vr'·vc') and p −= lr·u/div with
 * u as in factored-adam-tiles.ts (g times a column and a row factor, 0 where g = 0). Two forms,
 * picked from the shape only (so a matrix's sum order never depends on how many matrices the
 * update holds; every sum has a fixed order: bit-identical run to run):
 * - lane per column (`factoredColumns`: r ≤ 16, c ≤ 256 — the hierarchical MoE's 16 × 16 experts,
 *   1 × 16 biases and 16 × 256 gating matrices): an invocation owns V = 4 columns (1 when c % 4 ≠ 0)
 *   of all r rows in named registers, several matrices per workgroup, no loops; sums: vc' over rows
 *   in index order; vr' = each invocation's V columns added ((x + y) + z) + w, those parts added in
 *   column order (in segments of T invocations, then the segments in order, when c / V > 16);
 *   Σ vr' in row order; clipping Σ_i (Σ_j g²·(1/vc'_j))·(1/vr'_i), inner sums as vr', outer in row
 *   order. On lavapipe every load or store whose address differs across invocations is a scalar
 *   loop over the 8 SIMD lanes, so this form is built to issue few of them (vec4 columns, row
 *   parts summed in registers before they are exchanged, row statistics read two rows per load).
 * - otherwise (r·c ≤ 4096, r + c ≤ 2048): one workgroup per matrix (`factoredSmallWorkgroup`
 *   invocations: 32 … 256 by shape), g copied into workgroup memory once, each line summed in
 *   index order by one invocation, Σ vr' and the clipping sum by a two-level fixed-order sum.
 * The tiled kernel set takes five or six dispatches (and a grids kernel per bank when sparse) for
 * what is here a few hundred numbers per matrix.
 */
import { FACTORED_STEP_UNIFORMS, factoredStepValues } from './optimizers.ts';
import { FLAT_WORKGROUP_WGSL, grid1d, type Kernel } from './kernel.ts';
import { defineProgram, packUniformValues, type BindingDecl, type ElementType, type UniformValues } from './program.ts';

const WG = 256;
/** Largest r·c of the one-dispatch path (g in workgroup memory: 16 KiB). */
const SMALL_RC = 4096;
/** Largest r + c of the one-dispatch path (vr' and vc' in workgroup memory: 8 KiB). */
const SMALL_LINES = 2048;

/** Largest r of the lane-per-column form (a column's r gradients held in named registers). */
const COL_R = 16;
/** Largest c of the lane-per-column form (one invocation per column, one matrix at least per workgroup). */
const COL_C = 256;
/** Invocations the lane-per-column form aims at per workgroup (whole matrices: ⌊64 / lanes⌋ of them). */
const COL_TARGET = 64;

/** True when an r × c matrix takes the lane-per-column form (r ≤ 16, c ≤ 256; a function of the shape only). */
export function factoredColumns(r: number, c: number): boolean {
  return factoredSmall(r, c) && r <= COL_R && c <= COL_C;
}

/**
 * Layout of the lane-per-column form of an r × c matrix: V columns per invocation (4 when c % 4 = 0:
 * vec4 loads), L = c / V invocations per matrix, M matrices per workgroup (⌊64 / L⌋, at least 1,
 * the row-sum parts of all M in ≤ 8 KiB of workgroup memory), row segments of T invocations (NS per
 * row: whole rows when L ≤ 16, else about one (row pair, segment) per invocation, NS ≤ 16).
 */
export function factoredColumnsLayout(r: number, c: number): { V: number; L: number; M: number; T: number; NS: number } {
  const V = c % 4 === 0 ? 4 : 1;
  const L = c / V;
  const RP = Math.ceil(r / 2);
  const M = Math.max(1, Math.min(Math.floor(COL_TARGET / L), Math.floor(512 / (RP * L))));
  // About one (row pair, segment) partial per invocation, at most 16 segments a row.
  const T = L <= 16 ? L : Math.ceil(L / Math.min(16, Math.max(1, Math.round(L / RP))));
  return { V, L, M, T, NS: Math.ceil(L / T) };
}

/**
 * Invocations per workgroup for an r × c matrix. Lane-per-column form (`factoredColumns`): c / V per
 * matrix, ⌊64 / (c / V)⌋ matrices (a 16 × 16 expert: 16 × 4, a 1 × 16 bias 16 × 4, a 16 × 256
 * gating matrix 1 × 64). Otherwise about 4 weights and one line each, 32 … 256: on lavapipe a workgroup
 * costs per invocation and barrier, so a tiny matrix should not pay for 256. A function of the shape only.
 */
export function factoredSmallWorkgroup(r: number, c: number): number {
  if (factoredColumns(r, c)) {
    const { L, M } = factoredColumnsLayout(r, c);
    return L * M;
  }
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

/** The one-dispatch kernel's uniform fields: the matrices, then the step's (`FACTORED_STEP_UNIFORMS`). */
const SMALL_UNIFORMS = Object.freeze({ batch: 'u32', ...FACTORED_STEP_UNIFORMS } as const);

function smallValues(o: FactoredSmallOptions): UniformValues<typeof SMALL_UNIFORMS> {
  return { batch: o.batch, ...factoredStepValues(o) };
}

/** The one-dispatch kernel's uniform block (matrices and the step's fields): the lowering rebuilds only this per run. */
export function factoredSmallUniforms(o: FactoredSmallOptions): { readonly data: Uint32Array } {
  return { data: packUniformValues(SMALL_UNIFORMS, smallValues(o)) };
}

/**
 * The whole factored-Adam update of small matrices (lane-per-column form when `factoredColumns`,
 * else one matrix per workgroup). Bindings: `p`, `vr`, `vc` (read_write), `g`, then sparse: `last`
 * (read_write, i32), `activeList` (i32); `params` (rebuild per step). Grid: the matrices' workgroups
 * (dense) or one workgroup per active expert (sparse, indirect; the lane-per-column form's surplus
 * workgroups return at once).
 */
export function factoredSmallKernel(o: FactoredSmallOptions): Kernel {
  if (!factoredSmall(o.r, o.c)) throw new Error(`factored Adam (one dispatch): a ${o.r} × ${o.c} matrix exceeds r·c ≤ ${SMALL_RC}, r + c ≤ ${SMALL_LINES}; use the tiled kernels (factored-adam-tiles.ts)`);
  if (factoredColumns(o.r, o.c)) return factoredColumnsKernel(o);
  const { r: R, c: C } = o;
  const clip = o.clip > 0;
  const W = factoredSmallWorkgroup(R, C);
  // The two-level sum: A partial sums of B invocations each (16 × 16 at 256, 8 × 8 at 64, 4 × 8 at 32).
  const A = 2 ** Math.floor(Math.log2(W) / 2);
  const B = W / A;
  const cu = (x: string) => (o.sparse ? `caught_up(${x}, e)` : x);
  const source = /* wgsl */ `// factored adam (${o.sparse ? 'active experts' : 'every matrix'}, one dispatch, ${R}×${C} per workgroup)
${FLAT_WORKGROUP_WGSL}
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
  let a = flat_workgroup(wid, nwg);
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
  return smallKernel(o, 'f32', W, source, grid1d(o.batch));
}

/**
 * The program of either form and its kernel for `o`. Bindings: `p`, `vr` (f32), `vc`, `g`
 * (`vecTy`; read_write but g), sparse: `last` (read_write, i32), `activeList` (i32); `params`.
 */
function smallKernel(o: FactoredSmallOptions, vecTy: ElementType, W: number, source: string, dispatch: readonly [number, number, number]): Kernel {
  const rw = { access: 'read_write', type: vecTy } as const;
  const bindings: Record<string, BindingDecl> = {
    p: rw,
    vr: { access: 'read_write', type: 'f32' },
    vc: rw,
    g: { access: 'read', type: vecTy },
    ...(o.sparse ? { last: { access: 'read_write', type: 'i32' }, activeList: { access: 'read', type: 'i32' } } : {}),
  };
  const program = defineProgram({ name: `${o.sparse ? 'expert_' : ''}factored_adam.small`, bindings, uniforms: SMALL_UNIFORMS, workgroupSize: W, source });
  return program.kernel(dispatch, smallValues(o));
}

/**
 * The lane-per-column form (`factoredColumns`: r ≤ 16, c ≤ 256; layout `factoredColumnsLayout`):
 * invocation l of a matrix holds columns V·l … V·l + V − 1 (V = 4: vec4 loads and stores) of all r
 * rows in named registers until its update; M matrices per workgroup (the sparse grid stays one
 * workgroup per active expert: the surplus workgroups return at once). Phase 1: vc' of its
 * columns (Σ_i g² + eps1 in row order) and, per row, its part of the row sums (Σ g² + eps1 and
 * Σ g²·(1/vc') over its V columns, added ((x + y) + z) + w) into workgroup memory, two rows per
 * vec4. Phase 2: each row pair's parts summed in invocation order over segments of T invocations,
 * then vr'; when a row has NS > 1 segments, phase 3 adds the segment sums in order first. Last
 * phase: every invocation reads the r rows' (vr', row clipping sum), two rows per load, in row order (Σ vr'
 * → mean, Σ_i rowclip_i·(1/vr'_i) → the clipping divisor) and updates its columns. Two or three
 * barriers, no loops, no divergent branches but the masked writes.
 */
function factoredColumnsKernel(o: FactoredSmallOptions): Kernel {
  const { r: R, c: C } = o;
  const clip = o.clip > 0;
  const { V, L, M, T, NS } = factoredColumnsLayout(R, C);
  const W = M * L;
  // Rows travel in pairs (2h, 2h + 1) through workgroup memory: vec4 (Σ g² + eps1, Σ g²/vc') of both.
  const RP = Math.ceil(R / 2);
  const P = RP * NS;
  const K = Math.ceil(P / L);
  const ty = V === 4 ? 'vec4<f32>' : 'f32';
  const hsum = (x: string) => (V === 4 ? `(((${x}.x + ${x}.y) + ${x}.z) + ${x}.w)` : x);
  const zero = V === 4 ? 'vec4<f32>(0.0)' : '0.0';
  const rows = [...Array(R).keys()];
  const pairs = [...Array(RP).keys()];
  const cu = (x: string) => (o.sparse ? `select(${x}, dec * (${x} - 1e-30) + 1e-30, skipped > 0)` : x);
  const count = o.sparse ? 'u32(max(activeList[0], 0))' : 'params.batch';
  // New vr' of the pair h's rows from their sums s (vec4), written when `ok`; rowst[mo·RP + h] = (vr'_2h, rowclip_2h, vr'_2h+1, rowclip_2h+1).
  const finishPair = (h: string, sv: string, ok: string, tag: string): string[] => {
    const odd = R % 2 === 1;
    const i1 = odd ? `min(2u * ${h} + 1u, ${R - 1}u)` : `2u * ${h} + 1u`;
    return [
      `    let va${tag} = vr[e * R + 2u * ${h}];`,
      `    let vb${tag} = vr[e * R + ${i1}];`,
      `    let na${tag} = params.b2 * ${cu(`va${tag}`)} + params.c2 * (${sv}.x / f32(C));`,
      `    let nb${tag} = params.b2 * ${cu(`vb${tag}`)} + params.c2 * (${sv}.z / f32(C));`,
      `    if (${ok}) {`,
      `      if (valid) {`,
      `        vr[e * R + 2u * ${h}] = na${tag};`,
      odd ? `        if (2u * ${h} + 1u < R) { vr[e * R + 2u * ${h} + 1u] = nb${tag}; }` : `        vr[e * R + 2u * ${h} + 1u] = nb${tag};`,
      `      }`,
      `      rowst[mo * ${RP}u + ${h}] = vec4<f32>(na${tag}, ${sv}.y, nb${tag}, ${sv}.w);`,
      `    }`,
    ];
  };
  // Phase 2: partial q = l + k·L of the matrix (row pair q / NS, segment q % NS), the parts of T invocations.
  const partial = (k: number): string => {
    const ragged = (k + 1) * L > P;
    const q = `l + ${k * L}u`;
    const cut = NS * T > L;
    const lines = [`    let q${k} = ${ragged ? `min(${q}, ${P - 1}u)` : q};`, `    let h${k} = q${k} / ${NS}u;`, `    let j${k} = (q${k} % ${NS}u) * ${T}u;`, `    var s${k} = vec4<f32>(0.0);`];
    for (let t = 0; t < T; t++) {
      const jc = cut ? `min(j${k} + ${t}u, ${L - 1}u)` : `j${k} + ${t}u`;
      const v = `part[mo * ${RP * L}u + h${k} * ${L}u + ${jc}]`;
      lines.push(cut ? `    s${k} += select(vec4<f32>(0.0), ${v}, j${k} + ${t}u < ${L}u);` : `    s${k} += ${v};`);
    }
    const ok = ragged ? `${q} < ${P}u` : 'true';
    // With one segment a row the partial is the whole row pair.
    if (NS === 1) lines.push(...finishPair(`h${k}`, `s${k}`, ok, `${k}`));
    else lines.push(`    if (${ok}) { seg[mo * ${P}u + q${k}] = s${k}; }`);
    return `  {\n${lines.join('\n')}\n  }`;
  };
  const phase3 =
    NS === 1
      ? ''
      : `  {
    // Phase 3: row pair l % RP from its ${NS} segment sums in order (every invocation; invocations l < RP write).
    let h = l % ${RP}u;
    var tot = vec4<f32>(0.0);
${[...Array(NS).keys()].map((s) => `    tot += seg[mo * ${P}u + h * ${NS}u + ${s}u];`).join('\n')}
${finishPair('h', 'tot', `l < ${RP}u`, '').join('\n')}
  }
  workgroupBarrier();
`;
  const rw = (i: number) => `rp${i >> 1}.${i % 2 === 0 ? 'x' : 'z'}`;
  const rc = (i: number) => `rp${i >> 1}.${i % 2 === 0 ? 'y' : 'w'}`;
  const pairPart = (h: number) => {
    const a = `h${2 * h}`;
    const b = 2 * h + 1 < R ? `h${2 * h + 1}` : undefined;
    const one = (x: string | undefined) => (x === undefined ? '0.0, 0.0' : `${hsum(`(${x} + 1e-30)`)}, ${clip ? hsum(`(${x} * rvc)`) : '0.0'}`);
    return `  part[mo * ${RP * L}u + ${h * L}u + l] = vec4<f32>(${one(a)}, ${one(b)});`;
  };
  const source = /* wgsl */ `// factored adam (${o.sparse ? 'active experts' : 'every matrix'}, one dispatch, ${V} columns per invocation, ${M} × ${R}×${C} per workgroup)
${FLAT_WORKGROUP_WGSL}
const R = ${R}u;
const C = ${C}u;
var<workgroup> part: array<vec4<f32>, ${M * RP * L}>;
${NS > 1 ? `var<workgroup> seg: array<vec4<f32>, ${M * P}>;\n` : ''}var<workgroup> rowst: array<vec4<f32>, ${M * RP}>;
@compute @workgroup_size(${W})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let first = flat_workgroup(wid, nwg) * ${M}u;
  let count = ${count};
  if (first >= count) { return; }
  let mo = ${M === 1 ? '0u' : `lid / ${L}u`};
  let l = lid - mo * ${L}u;
  let a = first + mo;
  let valid = a < count;
  let e = ${o.sparse ? 'u32(activeList[1u + min(a, count - 1u)])' : 'min(a, count - 1u)'};
  let base = e * ${R * L}u + l;
${o.sparse ? '  let skipped = params.step - last[e];\n  let dec = exp2(f32(skipped) * params.log2b2);\n' : ''}  // Phase 1: columns of lane l in registers, vc' (Σ_i g² + eps1 in row order), this lane's parts of the row sums.
${rows.map((i) => `  let g${i} = g[base + ${i * L}u];`).join('\n')}
${rows.map((i) => `  let h${i} = g${i} * g${i};`).join('\n')}
  var acc = ${zero};
${rows.map((i) => `  acc += h${i} + 1e-30;`).join('\n')}
  let vco = vc[e * ${L}u + l];
  let vcn = params.b2 * ${cu('vco')} + params.c2 * (acc / f32(R));
  if (valid) { vc[e * ${L}u + l] = vcn; }
  let rvc = 1.0 / vcn;
${pairs.map(pairPart).join('\n')}
  workgroupBarrier();
  // Phase 2: row sums over segments of ${T} lanes, lane order.
${[...Array(K).keys()].map(partial).join('\n')}
  workgroupBarrier();
${phase3}  // Last phase: Σ vr' and Σ rowclip/vr' in row order, then the update of lane l's columns.
${pairs.map((h) => `  let rp${h} = rowst[mo * ${RP}u + ${h}u];`).join('\n')}
  var vrSum = 0.0;
${rows.map((i) => `  vrSum += ${rw(i)};`).join('\n')}
  let vrMean = vrSum / f32(R);
  var div = 1.0;
${clip ? `  var sq = 0.0;\n${rows.map((i) => `  sq += ${rc(i)} * (1.0 / ${rw(i)});`).join('\n')}\n  div = max(1.0, sqrt(sq * vrMean * params.bc2 / f32(R * C)) / params.clip);\n` : ''}  let lrd = params.lr / div;
  let colF = 1.0 / sqrt(vcn);
  if (valid) {
${rows.map((i) => `    p[base + ${i * L}u] = p[base + ${i * L}u] - select(g${i} * (colF * (sqrt(vrMean * params.bc2 / ${rw(i)}) * lrd)), ${zero}, g${i} == ${zero});`).join('\n')}
${o.sparse ? '    if (l == 0u) { last[e] = params.step + 1; }\n' : ''}  }
}
`;
  const dispatch = o.sparse ? grid1d(o.batch) : grid1d(Math.ceil(o.batch / M));
  return smallKernel(o, ty, W, source, dispatch);
}
