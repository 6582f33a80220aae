/**
 * WGSL kernels of the hierarchical load (paper App. B Eq. 14; op `hierLoadEstimate` and its vjp):
 * two deterministic passes of O(N·k1·b + a·b·blocks), not a·b × N·k1 — each workgroup takes a
 * block of (row, slot) pairs and, per expert (g, j), the one invocation owning that expert adds P
 * over the block's pairs routed to group g in pair order into per-(block, expert) partials (and
 * per-(block, group) counts) in scratch; then one invocation per expert sums the partials in block
 * order (no atomics). The gradient: a per-group and a per-element kernel.
 */
import { ceilDiv, grid1d, uniformBlock, type Kernel, type KernelBinding } from './kernel.ts';
import { statsBlocks } from './moe-stats.ts';
import { PHI_WGSL } from './normal-cdf.ts';
import { decls } from './hierarchical-gating.ts';

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
