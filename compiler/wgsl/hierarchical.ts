/**
 * WGSL kernels of the hierarchical MoE (paper App. B; ops `secondaryGating`, `hierLoadEstimate`
 * and their vjps in ir/ops.ts, reference in ir/reference/hierarchical.ts). Secondary gating: one
 * 64-thread workgroup per (row, slot) computes the slot's group logits x·wg2[g] (and x·wn2[g]),
 * sigma, the Philox noise of column s·b + j and the noisy logits into workgroup memory; thread 0
 * then selects the top min(k2+1, b) (value desc, index asc) and writes the softmax-weighted gates
 * times the primary gate. Hierarchical load: two deterministic passes of O(N·k1·b + a·b·blocks),
 * not a·b × N·k1: each workgroup takes a block of (row, slot) pairs and, per expert (g, j), the
 * one invocation owning that expert adds P over the block's pairs routed to group g in pair order
 * into per-(block, expert) partials (and per-(block, group) counts) in scratch; then one
 * invocation per expert sums the partials in block order (no atomics). The gradients: a
 * per-(row, slot) kernel (softmax/noise/primary-gate part), a per-weight kernel summing rows in
 * order (dwg2, dwn2), a per-(row, d) kernel for dx, and for the load a per-group and a
 * per-element kernel. Shapes are uniforms; only b's bound is compiled in.
 */
import { ceilDiv, grid1d, uniformBlock, type Kernel, type KernelBinding } from './kernel.ts';
import { statsBlocks } from './moe-stats.ts';
import { PHI_WGSL } from './normal-cdf.ts';
import { philoxWgsl } from './philox.ts';

/** Shape and RNG site of the secondary gating kernels. */
export interface SecondaryGatingKernelOptions {
  readonly N: number;
  readonly D: number;
  readonly a: number;
  readonly b: number;
  readonly k1: number;
  readonly k2: number;
  readonly noisy: boolean;
  readonly eps: number;
  readonly stream: number;
  readonly rowOffset: number;
  readonly seed: number;
  readonly step: number;
  /** Training (default true): sigma = softplus + eps; evaluation: 0. */
  readonly train?: boolean;
}

/** Largest k2 + 1 the gating kernels keep in workgroup memory. */
export const HIER_TOP_MAX = 64;

function gatingUniforms(o: SecondaryGatingKernelOptions) {
  return uniformBlock([
    ['N', 'u32', o.N],
    ['D', 'u32', o.D],
    ['a', 'u32', o.a],
    ['b', 'u32', o.b],
    ['k1', 'u32', o.k1],
    ['k2', 'u32', o.k2],
    ['kt', 'u32', Math.min(o.k2 + 1, o.b)],
    ['seed', 'u32', o.seed],
    ['stream', 'u32', o.stream],
    ['step', 'u32', o.step],
    ['rowOffset', 'u32', o.rowOffset],
    ['train', 'u32', o.train === false ? 0 : 1],
    ['eps', 'f32', o.eps],
  ]);
}

function decls(bindings: readonly KernelBinding[], ints: readonly string[]): string {
  return bindings
    .map((b, i) => {
      if (b.access === 'uniform') return `@group(0) @binding(${i}) var<uniform> params: Params;`;
      return `@group(0) @binding(${i}) var<storage, ${b.access}> ${b.name}: array<${ints.includes(b.name) ? 'i32' : 'f32'}>;`;
    })
    .join('\n');
}

function bMaxOf(b: number): number {
  return Math.max(64, Math.ceil(b / 64) * 64);
}

const SOFTPLUS = /* wgsl */ `
fn softplus(v: f32) -> f32 { return max(v, 0.0) + log(1.0 + exp(-abs(v))); }
fn sigmoid(v: f32) -> f32 { if (v >= 0.0) { return 1.0 / (1.0 + exp(-v)); } let e = exp(v); return e / (1.0 + e); }
`;

/**
 * Forward secondary gating. Bindings: x, wg2, [wn2], primaryIndices, primaryGates, [normTables],
 * indices, gates, clean, sigma, topValues, localIndices, params. One workgroup per (row, slot).
 */
export function secondaryGatingKernel(o: SecondaryGatingKernelOptions): Kernel {
  const kt = Math.min(o.k2 + 1, o.b);
  if (kt > HIER_TOP_MAX) throw new Error(`secondaryGating: k2+1 = ${kt} exceeds ${HIER_TOP_MAX}`);
  const bMax = bMaxOf(o.b);
  if (bMax > 4096) throw new Error(`secondaryGating: b = ${o.b} experts per group exceeds 4096`);
  const u = gatingUniforms(o);
  const bindings: KernelBinding[] = [
    { name: 'x', access: 'read' },
    { name: 'wg2', access: 'read' },
    ...(o.noisy ? [{ name: 'wn2', access: 'read' } as const, { name: 'normTables', access: 'read' } as const] : []),
    { name: 'primaryIndices', access: 'read' },
    { name: 'primaryGates', access: 'read' },
    { name: 'indices', access: 'read_write' },
    { name: 'gates', access: 'read_write' },
    { name: 'clean', access: 'read_write' },
    { name: 'sigma', access: 'read_write' },
    { name: 'topValues', access: 'read_write' },
    { name: 'localIndices', access: 'read_write' },
    { name: 'params', access: 'uniform' },
  ];
  const wgsl = /* wgsl */ `// secondary_gating noisy=${o.noisy} bMax=${bMax}
${u.struct}
${decls(bindings, ['primaryIndices', 'indices', 'localIndices'])}
${o.noisy ? philoxWgsl() : ''}
${SOFTPLUS}
const NONE = 0xffffffffu;
var<workgroup> noisyS: array<f32, ${bMax}>;
var<workgroup> topV: array<f32, ${HIER_TOP_MAX}>;
var<workgroup> topI: array<u32, ${HIER_TOP_MAX}>;

fn before(v: f32, i: u32, w: f32, j: u32) -> bool {
  return j == NONE || v > w || (v == w && i < j);
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let q = wid.x + wid.y * 65535u;
  let k1 = params.k1;
  if (q >= params.N * k1) { return; }
  let r = q / k1;
  let s = q % k1;
  let D = params.D;
  let b = params.b;
  let g = u32(primaryIndices[q]);
  for (var j = t; j < b; j += 64u) {
    var accC = 0.0;
    var accR = 0.0;
    for (var d = 0u; d < D; d++) {
      let xv = x[r * D + d];
      accC = fma(xv, wg2[(g * D + d) * b + j], accC);
      ${o.noisy ? 'accR = fma(xv, wn2[(g * D + d) * b + j], accR);' : ''}
    }
    var sg = 0.0;
    var nz = accC;
    ${o.noisy ? `if (params.train != 0u) {
      sg = softplus(accR) + params.eps;
      nz = accC + normal_from_word(philox_word(params.seed, params.stream, params.step, r + params.rowOffset, s * b + j)) * sg;
    }` : ''}
    clean[q * b + j] = accC;
    sigma[q * b + j] = sg;
    noisyS[j] = nz;
  }
  workgroupBarrier();
  if (t != 0u) { return; }
  let kt = params.kt;
  let k2 = params.k2;
  for (var p = 0u; p < kt; p++) {
    var bestV = 0.0;
    var bestI = NONE;
    for (var c = 0u; c < b; c++) {
      let v = noisyS[c];
      let eligible = v == v && (p == 0u || before(topV[p - 1u], topI[p - 1u], v, c));
      if (eligible && before(v, c, bestV, bestI)) { bestV = v; bestI = c; }
    }
    topV[p] = bestV;
    topI[p] = bestI;
    topValues[q * kt + p] = bestV;
  }
  let m = topV[0];
  var sum = 0.0;
  for (var j = 0u; j < k2; j++) { sum += exp(topV[j] - m); }
  let pg = primaryGates[q];
  for (var j = 0u; j < k2; j++) {
    localIndices[q * k2 + j] = i32(topI[j]);
    indices[q * k2 + j] = i32(g * b + topI[j]);
    gates[q * k2 + j] = pg * (exp(topV[j] - m) / sum);
  }
}
`;
  return {
    name: 'secondary_gating',
    wgsl,
    bindings,
    workgroupSize: [64, 1, 1],
    dispatch: grid1d(o.N * o.k1),
    cacheKey: `secondary_gating:noisy=${o.noisy}:bMax=${bMax}`,
    uniformData: u.data,
  };
}

/** Shape of the hierarchical load kernels. */
export interface HierLoadKernelOptions {
  readonly N: number;
  readonly a: number;
  readonly b: number;
  readonly k1: number;
  readonly k2: number;
}

function loadUniforms(o: HierLoadKernelOptions) {
  return uniformBlock([
    ['N', 'u32', o.N],
    ['a', 'u32', o.a],
    ['b', 'u32', o.b],
    ['k1', 'u32', o.k1],
    ['k2', 'u32', o.k2],
    ['kt', 'u32', Math.min(o.k2 + 1, o.b)],
  ]);
}

/** WGSL: P(q, j) of the smooth estimator for one (row-slot, expert) pair (thresholds from topValues). */
const PROB_WGSL = /* wgsl */ `
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

const LOAD_INPUTS: KernelBinding[] = [
  { name: 'primaryIndices', access: 'read' },
  { name: 'clean', access: 'read' },
  { name: 'sigma', access: 'read' },
  { name: 'topValues', access: 'read' },
  { name: 'localIndices', access: 'read' },
];

/** Word counts of the scratch of `hierLoadKernel`: partials [blocks, a·b] and counts [blocks, a]. */
export interface HierLoadScratch {
  readonly groupPartials: number;
  readonly countPartials: number;
}

/** Scratch sizes (f32 words) of `hierLoadKernel` for a shape (blocks of (row, slot) pairs, see `statsBlocks`). */
export function hierLoadScratch(o: HierLoadKernelOptions): HierLoadScratch {
  const { blocks } = statsBlocks(o.N * o.k1, o.a * o.b);
  return { groupPartials: blocks * o.a * o.b, countPartials: blocks * o.a };
}

/**
 * Per-group sums in two deterministic passes, O(N·k1·b + a·b·blocks) (blocks of (row, slot)
 * pairs q as `statsBlocks(N·k1, a·b)`). `hier_load_partials` (one 64-thread workgroup per block):
 * clears the block's rows of `groupPartials` [blocks, a·b] and `countPartials` [blocks, a], then
 * for each q of the block in order, with g = primaryIndices[q], the invocation owning expert
 * e = g·b + j (e ≡ t mod 64) adds P(q, j), and the owner of g·b adds 1 to the count (q with a
 * group outside [0, a) are skipped). `hier_load` / `hier_group_load` (one invocation per expert,
 * sums in block order): with `finalize`, `load` [a·b] = primaryLoad[g]·L_gj / c_g (0 when c_g = 0);
 * else `groupLoad` [a·b] = L_gj and `count` [a] = c_g (written for j = 0). Bindings: pass 1
 * primaryIndices, clean, sigma, topValues, localIndices, groupPartials, countPartials (scratch of
 * `hierLoadScratch` words, read_write), params; pass 2 [primaryLoad], groupPartials,
 * countPartials, then load (finalize) or groupLoad + count, params.
 */
export function hierLoadKernel(o: HierLoadKernelOptions, finalize: boolean): [Kernel, Kernel] {
  const { blocks, rowsPerBlock } = statsBlocks(o.N * o.k1, o.a * o.b);
  const u = uniformBlock([
    ['N', 'u32', o.N],
    ['a', 'u32', o.a],
    ['b', 'u32', o.b],
    ['k1', 'u32', o.k1],
    ['k2', 'u32', o.k2],
    ['kt', 'u32', Math.min(o.k2 + 1, o.b)],
    ['blocks', 'u32', blocks],
    ['rows', 'u32', rowsPerBlock],
  ]);
  const partialBindings: KernelBinding[] = [
    ...LOAD_INPUTS,
    { name: 'groupPartials', access: 'read_write' },
    { name: 'countPartials', access: 'read_write' },
    { name: 'params', access: 'uniform' },
  ];
  const partials = /* wgsl */ `// hier_load_partials
${u.struct}
${decls(partialBindings, ['primaryIndices', 'localIndices'])}
${PHI_WGSL}
${PROB_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let blk = wid.x + wid.y * 65535u;
  if (blk >= params.blocks) { return; }
  let a = params.a;
  let b = params.b;
  let ab = a * b;
  let base = blk * ab;
  for (var e = t; e < ab; e += 64u) { groupPartials[base + e] = 0.0; }
  for (var g = t; g < a; g += 64u) { countPartials[blk * a + g] = 0.0; }
  storageBarrier();
  let q0 = blk * params.rows;
  let q1 = min(q0 + params.rows, params.N * params.k1);
  for (var q = q0; q < q1; q++) {
    let gi = primaryIndices[q];
    if (gi < 0 || u32(gi) >= a) { continue; }
    let g = u32(gi);
    let gb = g * b;
    // This invocation owns the experts gb + j with gb + j = t (mod 64).
    let j0 = (t + 64u - (gb & 63u)) & 63u;
    for (var j = j0; j < b; j += 64u) { groupPartials[base + gb + j] += prob(q, j); }
    if (j0 == 0u) { countPartials[blk * a + g] += 1.0; }
  }
}
`;
  const sumBindings: KernelBinding[] = [
    ...(finalize ? [{ name: 'primaryLoad', access: 'read' } as const] : []),
    { name: 'groupPartials', access: 'read' },
    { name: 'countPartials', access: 'read' },
    ...(finalize ? [{ name: 'load', access: 'read_write' } as const] : [{ name: 'groupLoad', access: 'read_write' } as const, { name: 'count', access: 'read_write' } as const]),
    { name: 'params', access: 'uniform' },
  ];
  const sum = /* wgsl */ `// hier_load finalize=${finalize}
${u.struct}
${decls(sumBindings, [])}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let e = (wid.x + wid.y * 65535u) * 64u + lt;
  let a = params.a;
  let b = params.b;
  if (e >= a * b) { return; }
  let g = e / b;
  let j = e % b;
  var L = 0.0;
  var C = 0.0;
  for (var blk = 0u; blk < params.blocks; blk++) {
    L += groupPartials[blk * a * b + e];
    C += countPartials[blk * a + g];
  }
  ${finalize
    ? 'if (C > 0.0) { load[e] = (primaryLoad[g] * L) / C; } else { load[e] = 0.0; }'
    : 'groupLoad[e] = L;\n  if (j == 0u) { count[g] = C; }'}
}
`;
  const ab = o.a * o.b;
  return [
    {
      name: 'hier_load_partials',
      wgsl: partials,
      bindings: partialBindings,
      workgroupSize: [64, 1, 1],
      dispatch: ab === 0 ? [0, 1, 1] : grid1d(blocks),
      cacheKey: 'hier_load_partials',
      uniformData: u.data,
    },
    {
      name: finalize ? 'hier_load' : 'hier_group_load',
      wgsl: sum,
      bindings: sumBindings,
      workgroupSize: [64, 1, 1],
      dispatch: ab === 0 ? [0, 1, 1] : grid1d(ceilDiv(ab, 64)),
      cacheKey: `hier_load:${finalize}`,
      uniformData: u.data,
    },
  ];
}

/**
 * Gradient of the hierarchical load into the primary load (one thread per group):
 * dprimaryLoad[g] = Σ_j dout·groupLoad / count (0 when count = 0). Bindings: dout, groupLoad,
 * count, dprimaryLoad, params.
 */
export function hierLoadGradPrimaryKernel(o: HierLoadKernelOptions): Kernel {
  const u = loadUniforms(o);
  const bindings: KernelBinding[] = [
    { name: 'dout', access: 'read' },
    { name: 'groupLoad', access: 'read' },
    { name: 'count', access: 'read' },
    { name: 'dprimaryLoad', access: 'read_write' },
    { name: 'params', access: 'uniform' },
  ];
  const wgsl = /* wgsl */ `// hier_load_grad_primary
${u.struct}
${decls(bindings, [])}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let g = gid.x;
  if (g >= params.a) { return; }
  let c = count[g];
  var acc = 0.0;
  if (c > 0.0) {
    for (var j = 0u; j < params.b; j++) { acc += dout[g * params.b + j] * groupLoad[g * params.b + j]; }
    acc = acc / c;
  }
  dprimaryLoad[g] = acc;
}
`;
  return { name: 'hier_load_grad_primary', wgsl, bindings, workgroupSize: [64, 1, 1], dispatch: [Math.max(1, Math.ceil(o.a / 64)), 1, 1], cacheKey: 'hier_load_grad_primary', uniformData: u.data };
}

/**
 * Gradient of the hierarchical load into clean2 and sigma2 (one thread per (row-slot, j)).
 * Bindings: primaryLoad, primaryIndices, clean, sigma, topValues, localIndices, dout, count,
 * dclean, dsigma, params.
 */
export function hierLoadGradRowsKernel(o: HierLoadKernelOptions): Kernel {
  const u = loadUniforms(o);
  const bindings: KernelBinding[] = [
    { name: 'primaryLoad', access: 'read' },
    ...LOAD_INPUTS,
    { name: 'dout', access: 'read' },
    { name: 'count', access: 'read' },
    { name: 'dclean', access: 'read_write' },
    { name: 'dsigma', access: 'read_write' },
    { name: 'params', access: 'uniform' },
  ];
  const total = o.N * o.k1 * o.b;
  const wgsl = /* wgsl */ `// hier_load_grad_rows
${u.struct}
${decls(bindings, ['primaryIndices', 'localIndices'])}
${PHI_WGSL}
${PROB_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let i = (wid.x + wid.y * 65535u) * 64u + lt;
  let b = params.b;
  if (i >= params.N * params.k1 * b) { return; }
  let q = i / b;
  let j = i % b;
  let g = u32(primaryIndices[q]);
  let sel = selected_in(q, j);
  let th = threshold(q, sel);
  let sg = sigma[i];
  let c = count[g];
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
  return { name: 'hier_load_grad_rows', wgsl, bindings, workgroupSize: [64, 1, 1], dispatch: grid1d(Math.ceil(total / 64)), cacheKey: 'hier_load_grad_rows', uniformData: u.data };
}

/**
 * Gradient of the secondary gating, per (row, slot) (one workgroup each; thread 0 does the k2-wide
 * softmax part): dprimaryGates, and the logit gradients dC = dnoisy + dclean2 and (noisy)
 * dR = (dnoisy·z + dsigma2)·sigmoid(x·wn2[g]) in training (0 in evaluation) into scratch [N,k1,b].
 * Bindings: x, [wn2, normTables], primaryIndices, primaryGates, topValues, localIndices, dgates,
 * dclean, dsigma, dprimaryGates, dC, [dR], params.
 */
export function secondaryGatingGradRowsKernel(o: SecondaryGatingKernelOptions): Kernel {
  const bMax = bMaxOf(o.b);
  const u = gatingUniforms(o);
  const bindings: KernelBinding[] = [
    { name: 'x', access: 'read' },
    ...(o.noisy ? [{ name: 'wn2', access: 'read' } as const, { name: 'normTables', access: 'read' } as const] : []),
    { name: 'primaryIndices', access: 'read' },
    { name: 'primaryGates', access: 'read' },
    { name: 'topValues', access: 'read' },
    { name: 'localIndices', access: 'read' },
    { name: 'dgates', access: 'read' },
    { name: 'dclean', access: 'read' },
    { name: 'dsigma', access: 'read' },
    { name: 'dprimaryGates', access: 'read_write' },
    { name: 'dC', access: 'read_write' },
    ...(o.noisy ? [{ name: 'dR', access: 'read_write' } as const] : []),
    { name: 'params', access: 'uniform' },
  ];
  const wgsl = /* wgsl */ `// secondary_gating_grad_rows noisy=${o.noisy} bMax=${bMax}
${u.struct}
${decls(bindings, ['primaryIndices', 'localIndices'])}
${o.noisy ? philoxWgsl() : ''}
${SOFTPLUS}
var<workgroup> dn: array<f32, ${bMax}>;
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let q = wid.x + wid.y * 65535u;
  let k1 = params.k1;
  if (q >= params.N * k1) { return; }
  let r = q / k1;
  let s = q % k1;
  let b = params.b;
  let D = params.D;
  let g = u32(primaryIndices[q]);
  for (var j = t; j < b; j += 64u) { dn[j] = 0.0; }
  workgroupBarrier();
  if (t == 0u) {
    let kt = params.kt;
    let k2 = params.k2;
    let m = topValues[q * kt];
    var sum = 0.0;
    for (var u = 0u; u < k2; u++) { sum += exp(topValues[q * kt + u] - m); }
    let pg = primaryGates[q];
    var dp = 0.0;
    var dot = 0.0;
    for (var u = 0u; u < k2; u++) {
      let sgu = exp(topValues[q * kt + u] - m) / sum;
      let dgu = dgates[q * k2 + u];
      dp += dgu * sgu;
      dot += sgu * dgu * pg;
    }
    dprimaryGates[q] = dp;
    for (var u = 0u; u < k2; u++) {
      let sgu = exp(topValues[q * kt + u] - m) / sum;
      let j = u32(localIndices[q * k2 + u]);
      dn[j] = dn[j] + sgu * (dgates[q * k2 + u] * pg - dot);
    }
  }
  workgroupBarrier();
  for (var j = t; j < b; j += 64u) {
    dC[q * b + j] = dn[j] + dclean[q * b + j];
    ${o.noisy ? `var drv = 0.0;
    if (params.train != 0u) {
      var acc = 0.0;
      for (var d = 0u; d < D; d++) { acc = fma(x[r * D + d], wn2[(g * D + d) * b + j], acc); }
      let z = normal_from_word(philox_word(params.seed, params.stream, params.step, r + params.rowOffset, s * b + j));
      drv = (dn[j] * z + dsigma[q * b + j]) * sigmoid(acc);
    }
    dR[q * b + j] = drv;` : ''}
  }
}
`;
  return {
    name: 'secondary_gating_grad_rows',
    wgsl,
    bindings,
    workgroupSize: [64, 1, 1],
    dispatch: grid1d(o.N * o.k1),
    cacheKey: `secondary_gating_grad_rows:noisy=${o.noisy}:bMax=${bMax}`,
    uniformData: u.data,
  };
}

/**
 * Weight gradients of the secondary gating (one thread per (g, d, j)): dwg2 = Σ_{(r,s): group g}
 * x[r,d]·dC[r,s,j] and (noisy) dwn2 with dR, rows summed in (r, s) order. Bindings: x,
 * primaryIndices, dC, [dR], dwg2, [dwn2], params.
 */
export function secondaryGatingGradWeightsKernel(o: SecondaryGatingKernelOptions): Kernel {
  const u = gatingUniforms(o);
  const bindings: KernelBinding[] = [
    { name: 'x', access: 'read' },
    { name: 'primaryIndices', access: 'read' },
    { name: 'dC', access: 'read' },
    ...(o.noisy ? [{ name: 'dR', access: 'read' } as const] : []),
    { name: 'dwg2', access: 'read_write' },
    ...(o.noisy ? [{ name: 'dwn2', access: 'read_write' } as const] : []),
    { name: 'params', access: 'uniform' },
  ];
  const wgsl = /* wgsl */ `// secondary_gating_grad_weights noisy=${o.noisy}
${u.struct}
${decls(bindings, ['primaryIndices'])}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let i = (wid.x + wid.y * 65535u) * 64u + lt;
  let D = params.D;
  let b = params.b;
  if (i >= params.a * D * b) { return; }
  let g = i / (D * b);
  let d = (i / b) % D;
  let j = i % b;
  var accG = 0.0;
  var accN = 0.0;
  for (var q = 0u; q < params.N * params.k1; q++) {
    if (primaryIndices[q] != i32(g)) { continue; }
    let xv = x[(q / params.k1) * D + d];
    accG = fma(xv, dC[q * b + j], accG);
    ${o.noisy ? 'accN = fma(xv, dR[q * b + j], accN);' : ''}
  }
  dwg2[i] = accG;
  ${o.noisy ? 'dwn2[i] = accN;' : ''}
}
`;
  return {
    name: 'secondary_gating_grad_weights',
    wgsl,
    bindings,
    workgroupSize: [64, 1, 1],
    dispatch: grid1d(Math.ceil((o.a * o.D * o.b) / 64)),
    cacheKey: `secondary_gating_grad_weights:noisy=${o.noisy}`,
    uniformData: u.data,
  };
}

/**
 * Input gradient of the secondary gating (one thread per (r, d)): dx = Σ_s Σ_j dC·wg2[g,d,j]
 * (+ dR·wn2[g,d,j]). Bindings: wg2, [wn2], primaryIndices, dC, [dR], dx, params.
 */
export function secondaryGatingGradInputKernel(o: SecondaryGatingKernelOptions): Kernel {
  const u = gatingUniforms(o);
  const bindings: KernelBinding[] = [
    { name: 'wg2', access: 'read' },
    ...(o.noisy ? [{ name: 'wn2', access: 'read' } as const] : []),
    { name: 'primaryIndices', access: 'read' },
    { name: 'dC', access: 'read' },
    ...(o.noisy ? [{ name: 'dR', access: 'read' } as const] : []),
    { name: 'dx', access: 'read_write' },
    { name: 'params', access: 'uniform' },
  ];
  const wgsl = /* wgsl */ `// secondary_gating_grad_input noisy=${o.noisy}
${u.struct}
${decls(bindings, ['primaryIndices'])}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let i = (wid.x + wid.y * 65535u) * 64u + lt;
  let D = params.D;
  let b = params.b;
  let k1 = params.k1;
  if (i >= params.N * D) { return; }
  let r = i / D;
  let d = i % D;
  var acc = 0.0;
  for (var s = 0u; s < k1; s++) {
    let q = r * k1 + s;
    let g = u32(primaryIndices[q]);
    for (var j = 0u; j < b; j++) {
      acc = fma(dC[q * b + j], wg2[(g * D + d) * b + j], acc);
      ${o.noisy ? 'acc = fma(dR[q * b + j], wn2[(g * D + d) * b + j], acc);' : ''}
    }
  }
  dx[i] = acc;
}
`;
  return {
    name: 'secondary_gating_grad_input',
    wgsl,
    bindings,
    workgroupSize: [64, 1, 1],
    dispatch: grid1d(Math.ceil((o.N * o.D) / 64)),
    cacheKey: `secondary_gating_grad_input:noisy=${o.noisy}`,
    uniformData: u.data,
  };
}
