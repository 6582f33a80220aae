/**
 * Optimizer kernels for expert banks [n, …] that touch only the experts with rows this step: every
 * kernel reads the compact active-expert list [count, e0, e1, …] (compiler/wgsl/active-experts.ts)
 * and is launched with an indirect grid of (active experts × workgroups per expert), folded over
 * the 65535 limit; workgroups past count·per return. Gradients of inactive experts are never read
 * (their producer may leave them unwritten, ops.ts READS_ACTIVE_EXPERT_ROWS). `expertSgdKernel`:
 * p[e] −= lr·g[e]. Factored Adam (β1 = 0) per [r, c] matrix (an expert bias bank [n, c] runs
 * as r = 1) in four dispatches:
 * `expertFactoredLinesKernel` over columns, then rows (each line first catches up the
 * s = step − last[e] skipped zero-gradient steps, x ← β2ˢ·(x − eps1) + eps1 with
 * β2ˢ = exp2(s·log2 β2), then adds (1−β2)·mean(g² + eps1); the row pass also sums g²/vc' per row),
 * `expertFactoredStatsKernel` (one workgroup per active expert, O(r): mean(vr') and the clipping
 * divisor by fixed-order trees, and last[e] = step + 1) and `expertFactoredUpdateKernel`; their
 * four grids are written by one invocation of `expertFactoredGridsKernel`. Three passes over g.
 */
import { biasCorrection, U_WGSL } from './optimizers.ts';
import { ceilDiv, FOLD_GRID_WGSL, grid1d, uniformBlock, type Kernel, type KernelBinding } from './kernel.ts';
import { workgroupReduce } from './reduce-snippets.ts';

const WG = 256;
/** Elements of one matrix per workgroup of the update kernel (16 per invocation). */
const UPDATE_CHUNK = 16 * WG;
const I32 = new Set(['activeList', 'last']);
const MAIN = `@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32)`;
/** Flattened workgroup → active slot `a`, expert `e`, block `k` within the expert; returns past the count. */
const LOCATE = (per: string) => `let w = wid.y * nwg.x + wid.x;
  let a = w / ${per};
  if (a >= u32(max(activeList[0], 0))) { return; }
  let k = w - a * ${per};
  let e = u32(activeList[1u + a]);`;

function decls(bindings: readonly KernelBinding[]): string {
  return bindings
    .map((b, i) =>
      b.access === 'uniform'
        ? `@group(0) @binding(${i}) var<uniform> params: Params;`
        : `@group(0) @binding(${i}) var<storage, ${b.access}> ${b.name}: array<${I32.has(b.name) ? 'i32' : 'f32'}>;`,
    )
    .join('\n');
}
const ro = (name: string): KernelBinding => ({ name, access: 'read' });
const rw = (name: string): KernelBinding => ({ name, access: 'read_write' });
const PARAMS: KernelBinding = { name: 'params', access: 'uniform' };

/** Workgroups per expert of `expertSgdKernel` for blocks of `block` elements (UPDATE_CHUNK each). */
export function expertSgdGroups(block: number): number {
  return Math.max(1, ceilDiv(block, UPDATE_CHUNK));
}

/**
 * SGD of the active experts' blocks (`block` elements each) in place. Bindings: `p` (read_write),
 * `g`, `activeList` (i32), `params`. Launch indirectly with count·expertSgdGroups(block) groups.
 */
export function expertSgdKernel(o: { readonly n: number; readonly block: number; readonly lr: number }): Kernel {
  const per = expertSgdGroups(o.block);
  const u = uniformBlock([
    ['block', 'u32', o.block],
    ['per', 'u32', per],
    ['lr', 'f32', o.lr],
  ]);
  const bindings = [rw('p'), ro('g'), ro('activeList'), PARAMS];
  const wgsl = /* wgsl */ `// expert sgd (active experts only, in place)
${u.struct}
${decls(bindings)}
${MAIN} {
  ${LOCATE('params.per')}
  let base = e * params.block;
  let end = min(params.block, (k + 1u) * ${UPDATE_CHUNK}u);
  for (var q = k * ${UPDATE_CHUNK}u + lid; q < end; q += ${WG}u) {
    p[base + q] = p[base + q] - params.lr * g[base + q];
  }
}
`;
  return { name: 'expert_sgd', wgsl, bindings, workgroupSize: [WG, 1, 1], dispatch: grid1d(o.n * per), cacheKey: 'expert_sgd', uniformData: u.data };
}

/** Shape and hyper-parameters of the expert factored-Adam kernels, and the step (t = step + 1). */
export interface ExpertFactoredOptions {
  /** Experts in the bank (sizes the worst-case grid shown in plan listings). */
  readonly n: number;
  readonly r: number;
  readonly c: number;
  readonly lr: number;
  readonly beta2: number;
  readonly clip: number;
  readonly step: number;
}

/** Workgroups per expert of the row-lines, column-lines and update kernels (UPDATE_CHUNK elements each). */
export function expertFactoredGroups(o: { readonly r: number; readonly c: number }): { readonly rows: number; readonly cols: number; readonly update: number } {
  return { rows: Math.max(1, ceilDiv(o.r, WG)), cols: Math.max(1, ceilDiv(o.c, WG)), update: Math.max(1, ceilDiv(o.r * o.c, UPDATE_CHUNK)) };
}

function factoredUniform(o: ExpertFactoredOptions) {
  if (!(Number.isInteger(o.step) && o.step >= 0 && o.step < 2 ** 31 - 1)) throw new Error(`expert factored Adam: step must be an integer in [0, 2^31 − 1), got ${o.step}`);
  const gr = expertFactoredGroups(o);
  return uniformBlock([
    ['r', 'u32', o.r],
    ['c', 'u32', o.c],
    ['perRows', 'u32', gr.rows],
    ['perCols', 'u32', gr.cols],
    ['perUpdate', 'u32', gr.update],
    ['step', 'i32', o.step],
    ['clip', 'f32', o.clip],
    ['bc2', 'f32', biasCorrection(o.beta2, o.step)],
    ['lr', 'f32', o.lr],
    ['b2', 'f32', o.beta2],
    ['c2', 'f32', 1 - o.beta2],
    // log2(β2) in f64 on the host; β2 = 0 gives −∞, and exp2(−∞·s) = 0 for s > 0 (β2ˢ = 0).
    ['log2b2', 'f32', Math.log2(o.beta2)],
    // Walking a matrix by WG elements at a time: row and column steps (no division per element).
    ['stepI', 'u32', o.c > 0 ? Math.floor(WG / o.c) : 0],
    ['stepJ', 'u32', o.c > 0 ? WG % o.c : 0],
  ]);
}

/**
 * Column (`axis` 'cols') or row ('rows') statistics of the active experts, caught up then updated
 * in place; run 'cols' first: the row pass also writes rowW[a·r + i] = Σ_j g[i,j]²/vc'[j] (with
 * the new vc'), from which the stats kernel gets Σ u² without another pass over g. Bindings: `g`,
 * `vr` or `vc` (read_write), then for 'rows' `vc` (read) and `rowW` (read_write, f32 [n·r]),
 * `last` (i32, read), `activeList` (i32), `params` (rebuild per step). Launch with
 * count·expertFactoredGroups(o)[axis] groups.
 */
export function expertFactoredLinesKernel(o: ExpertFactoredOptions & { readonly axis: 'rows' | 'cols' }): Kernel {
  const u = factoredUniform(o);
  const rows = o.axis === 'rows';
  const bindings = rows ? [ro('g'), rw('vr'), ro('vc'), rw('rowW'), ro('last'), ro('activeList'), PARAMS] : [ro('g'), rw('vc'), ro('last'), ro('activeList'), PARAMS];
  const body = rows
    ? `let i = k * ${WG}u + lid;
  if (i >= R) { return; }
  var acc = 0.0;
  var wsum = 0.0;
  for (var j = 0u; j < C; j++) {
    let gv = g[base + i * C + j];
    let g2 = gv * gv;
    acc += g2 + 1e-30;
    wsum += g2 / vc[e * C + j];
  }
  let at = e * R + i;
  vr[at] = params.b2 * caught_up(vr[at], e) + params.c2 * (acc / f32(C));
  rowW[a * R + i] = wsum;`
    : `let j = k * ${WG}u + lid;
  if (j >= C) { return; }
  var acc = 0.0;
  for (var i = 0u; i < R; i++) {
    let gv = g[base + i * C + j];
    acc += gv * gv + 1e-30;
  }
  let at = e * C + j;
  vc[at] = params.b2 * caught_up(vc[at], e) + params.c2 * (acc / f32(R));`;
  const wgsl = /* wgsl */ `// expert factored adam: catch up and update ${rows ? 'row' : 'column'} statistics (active experts, in place)
${u.struct}
${decls(bindings)}
// The statistic after s = step − last[e] skipped zero-gradient steps: β2ˢ·(x − eps1) + eps1.
fn caught_up(x: f32, e: u32) -> f32 {
  let s = params.step - last[e];
  if (s <= 0) { return x; }
  return exp2(f32(s) * params.log2b2) * (x - 1e-30) + 1e-30;
}
${MAIN} {
  ${LOCATE(rows ? 'params.perRows' : 'params.perCols')}
  let R = params.r;
  let C = params.c;
  let base = e * R * C;
  ${body}
}
`;
  const per = expertFactoredGroups(o)[o.axis];
  return { name: `expert_factored_adam.${o.axis}`, wgsl, bindings, workgroupSize: [WG, 1, 1], dispatch: grid1d(o.n * per), cacheKey: `expert_factored_adam.${o.axis}`, uniformData: u.data };
}

/**
 * Per active expert (slot a): stats[2a] = mean(vr'), stats[2a+1] = max(1, rms(u)/clip) (1 when
 * clip ≤ 0), and last[e] = step + 1. Σ u² = mean(vr')·(1 − β2ᵗ)·Σ_i rowW_i / vr'_i (u² =
 * g²/v̂ with v̂ = vr'·vc'/mean(vr')/(1 − β2ᵗ); a zero row of g has rowW = 0): O(r) per expert.
 * Bindings: `vr`, `rowW`, `stats` (read_write, f32 [2n]), `last` (read_write, i32), `activeList`,
 * `params`. Launch with count groups.
 */
export function expertFactoredStatsKernel(o: ExpertFactoredOptions): Kernel {
  const u = factoredUniform(o);
  const bindings = [ro('vr'), ro('rowW'), rw('stats'), rw('last'), ro('activeList'), PARAMS];
  const wgsl = /* wgsl */ `// expert factored adam: per-matrix mean(vr') and update-clipping divisor (active experts)
${u.struct}
${decls(bindings)}
${workgroupReduce(WG)}@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let a = wid.y * nwg.x + wid.x;
  if (a >= u32(max(activeList[0], 0))) { return; }
  let b = u32(activeList[1u + a]);
  let R = params.r;
  let C = params.c;
  var acc = 0.0;
  for (var i = t; i < R; i += ${WG}u) { acc += vr[b * R + i]; }
  let vrMean = tree_sum(acc, t) / f32(R);
  var div = 1.0;
  if (params.clip > 0.0) {
    var sq = 0.0;
    for (var i = t; i < R; i += ${WG}u) { sq += rowW[a * R + i] / vr[b * R + i]; }
    let rms = sqrt(tree_sum(sq, t) * vrMean * params.bc2 / f32(R * C));
    div = max(1.0, rms / params.clip);
  }
  if (t == 0u) {
    stats[2u * a] = vrMean;
    stats[2u * a + 1u] = div;
    last[b] = params.step + 1;
  }
}
`;
  return { name: 'expert_factored_adam.stats', wgsl, bindings, workgroupSize: [WG, 1, 1], dispatch: grid1d(o.n), cacheKey: 'expert_factored_adam.stats', uniformData: u.data };
}

/**
 * p[e] −= lr·u/div for the active experts. Bindings: `p` (read_write), `g`, `vr`, `vc`, `stats`,
 * `activeList`, `params`. Launch with count·expertFactoredGroups(o).update groups.
 */
export function expertFactoredUpdateKernel(o: ExpertFactoredOptions): Kernel {
  const u = factoredUniform(o);
  const bindings = [rw('p'), ro('g'), ro('vr'), ro('vc'), ro('stats'), ro('activeList'), PARAMS];
  const wgsl = /* wgsl */ `// expert factored adam: parameter update (active experts, in place)
${u.struct}
${decls(bindings)}
${U_WGSL}
${MAIN} {
  ${LOCATE('params.perUpdate')}
  let C = params.c;
  let rc = params.r * C;
  let end = min(rc, (k + 1u) * ${UPDATE_CHUNK}u);
  let vrMean = stats[2u * a];
  let div = stats[2u * a + 1u];
  var q = k * ${UPDATE_CHUNK}u + lid;
  var row = q / C;
  var col = q - row * C;
  for (; q < end; q += ${WG}u) {
    let i = e * rc + q;
    let uv = u_at(e, row, col, g[i], vrMean);
    p[i] = p[i] - params.lr * (uv / div);
    row += params.stepI;
    col += params.stepJ;
    if (col >= C) { col -= C; row += 1u; }
  }
}
`;
  return { name: 'expert_factored_adam.update', wgsl, bindings, workgroupSize: [WG, 1, 1], dispatch: grid1d(o.n * expertFactoredGroups(o).update), cacheKey: 'expert_factored_adam.update', uniformData: u.data };
}

/**
 * Writes the four folded grids of the factored-Adam kernels for count = activeList[0] active
 * experts into `args` [16] (u32): columns (count·groups.cols) at word 0, rows (count·groups.rows)
 * at word 4, stats (count) at word 8, update (count·groups.update) at word 12. One invocation. Bindings: `activeList` (i32), `args`
 * (read_write, u32), `params`.
 */
export function expertFactoredGridsKernel(o: { readonly r: number; readonly c: number }): Kernel {
  const gr = expertFactoredGroups(o);
  const u = uniformBlock([
    ['perCols', 'u32', gr.cols],
    ['perRows', 'u32', gr.rows],
    ['perUpdate', 'u32', gr.update],
  ]);
  const wgsl = /* wgsl */ `// expert factored adam: indirect grids (columns, rows, stats, update)
${u.struct}
@group(0) @binding(0) var<storage, read> activeList: array<i32>;
@group(0) @binding(1) var<storage, read_write> args: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;
${FOLD_GRID_WGSL}
fn put(at: u32, groups: u32) {
  let g = fold_grid(groups);
  args[at] = g.x;
  args[at + 1u] = g.y;
  args[at + 2u] = g.z;
  args[at + 3u] = 0u;
}
@compute @workgroup_size(1)
fn main() {
  let count = u32(max(activeList[0], 0));
  put(0u, count * params.perCols);
  put(4u, count * params.perRows);
  put(8u, count);
  put(12u, count * params.perUpdate);
}
`;
  return {
    name: 'expert_factored_adam.grids',
    wgsl,
    bindings: [{ name: 'activeList', access: 'read' }, { name: 'args', access: 'read_write' }, PARAMS],
    workgroupSize: [1, 1, 1],
    dispatch: [1, 1, 1],
    cacheKey: 'expert_factored_adam.grids',
    uniformData: u.data,
  };
}
