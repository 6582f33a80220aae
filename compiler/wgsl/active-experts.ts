/**
 * The experts that received rows this run, found on the device, and grids sized by them. Sparse
 * per-expert work (expert GEMMs, weight gradients, per-expert reductions, optimizer updates) must
 * cost what the routed rows cost, never a grid of n: `activeExpertsKernels` compacts the experts e
 * with offsets[e+1] > offsets[e] (the dispatch's segment offsets) into `active` = [count, e0, e1,
 * …] in ascending order with two multi-workgroup passes over blocks of ACTIVE_BLOCK experts (a
 * per-block count, then each block's exclusive prefix over the earlier blocks' counts and a
 * fixed-order scan inside the block that places its ids): O(n) work spread over n / ACTIVE_BLOCK
 * workgroups, integer sums only, so the list is the same bits every run. `indirectArgsKernel`
 * turns one count word of any i32 buffer (times a multiplier, plus a constant) into a folded grid
 * (x ≤ 65535) for `dispatchWorkgroupsIndirect`. Kernels launched that way flatten their workgroup
 * id and return past the real count.
 */
import { ceilDiv, FOLD_GRID_WGSL, grid1d, uniformBlock, type Kernel } from './kernel.ts';

const WG = 256;
/** Experts each invocation of the compaction walks serially. */
const PER = 16;
/** Experts per workgroup (block) of the compaction. */
export const ACTIVE_BLOCK = WG * PER;

/** Words of the `active` buffer for n experts: the count, then up to n expert ids. */
export function activeExpertsWords(n: number): number {
  return n + 1;
}

/** Words of the per-block count scratch (i32) of the compaction for n experts. */
export function activeExpertsBlocks(n: number): number {
  return Math.max(1, ceilDiv(n, ACTIVE_BLOCK));
}

/**
 * The two passes compacting the non-empty segments of `offsets` [n+1] into `active` [n+1]
 * (count, then ids in ascending order), one workgroup per block of ACTIVE_BLOCK experts.
 * Bindings: count — offsets (read, i32), blockCounts (read_write, i32 [activeExpertsBlocks(n)]),
 * params; write — offsets, blockCounts (read), activeList (read_write, i32; `active` is a WGSL
 * reserved word), params.
 */
export function activeExpertsKernels(o: { readonly n: number }): [Kernel, Kernel] {
  const blocks = activeExpertsBlocks(o.n);
  const u = uniformBlock([
    ['n', 'u32', o.n],
    ['blocks', 'u32', blocks],
  ]);
  const head = `${u.struct}
const PER = ${PER}u;
var<workgroup> red: array<u32, ${WG}>;
// Non-empty segments among this invocation's PER consecutive experts from e0.
fn count_from(e0: u32) -> u32 {
  var c = 0u;
  for (var i = 0u; i < PER; i++) {
    let e = e0 + i;
    if (e < params.n && offsets[e + 1u] > offsets[e]) { c += 1u; }
  }
  return c;
}`;
  const count = /* wgsl */ `// active_experts_count
@group(0) @binding(0) var<storage, read> offsets: array<i32>;
@group(0) @binding(1) var<storage, read_write> blockCounts: array<i32>;
@group(0) @binding(2) var<uniform> params: Params;
${head}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let blk = wid.y * nwg.x + wid.x;
  if (blk >= params.blocks) { return; }
  red[t] = count_from(blk * ${ACTIVE_BLOCK}u + t * PER);
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s >>= 1u) {
    if (t < s) { red[t] += red[t + s]; }
    workgroupBarrier();
  }
  if (t == 0u) { blockCounts[blk] = i32(red[0]); }
}
`;
  const write = /* wgsl */ `// active_experts_write
@group(0) @binding(0) var<storage, read> offsets: array<i32>;
@group(0) @binding(1) var<storage, read> blockCounts: array<i32>;
@group(0) @binding(2) var<storage, read_write> activeList: array<i32>;
@group(0) @binding(3) var<uniform> params: Params;
${head}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let blk = wid.y * nwg.x + wid.x;
  if (blk >= params.blocks) { return; }
  // This block's first slot: the active experts of every earlier block.
  var pre = 0u;
  for (var b = t; b < blk; b += ${WG}u) { pre += u32(blockCounts[b]); }
  red[t] = pre;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s >>= 1u) {
    if (t < s) { red[t] += red[t + s]; }
    workgroupBarrier();
  }
  let base = red[0];
  workgroupBarrier();
  // Inclusive scan of the invocations' counts (Hillis-Steele, fixed order).
  let e0 = blk * ${ACTIVE_BLOCK}u + t * PER;
  let mine = count_from(e0);
  red[t] = mine;
  workgroupBarrier();
  for (var s = 1u; s < ${WG}u; s <<= 1u) {
    var v = red[t];
    if (t >= s) { v += red[t - s]; }
    workgroupBarrier();
    red[t] = v;
    workgroupBarrier();
  }
  var pos = 1u + base + red[t] - mine;
  for (var i = 0u; i < PER; i++) {
    let e = e0 + i;
    if (e < params.n && offsets[e + 1u] > offsets[e]) {
      activeList[pos] = i32(e);
      pos += 1u;
    }
  }
  if (blk + 1u == params.blocks && t == ${WG - 1}u) { activeList[0] = i32(base + red[t]); }
}
`;
  const grid = grid1d(blocks);
  return [
    { name: 'active_experts_count', wgsl: count, bindings: [{ name: 'offsets', access: 'read' }, { name: 'blockCounts', access: 'read_write' }, { name: 'params', access: 'uniform' }], workgroupSize: [WG, 1, 1], dispatch: grid, cacheKey: 'active_experts_count', uniformData: u.data },
    { name: 'active_experts_write', wgsl: write, bindings: [{ name: 'offsets', access: 'read' }, { name: 'blockCounts', access: 'read' }, { name: 'activeList', access: 'read_write' }, { name: 'params', access: 'uniform' }], workgroupSize: [WG, 1, 1], dispatch: grid, cacheKey: 'active_experts_write', uniformData: u.data },
  ];
}

/** How an indirect grid is sized from a device-side count: groups = max(counts[word], 0)·multiplier + extra. */
export interface IndirectArgsOptions {
  readonly word: number;
  readonly multiplier: number;
  readonly extra?: number;
}

/**
 * Writes the folded grid (x, y, 1) for `counts[word]·multiplier + extra` workgroups into
 * `args` [4] (u32). One invocation. Bindings: counts (read, i32), args (read_write, u32), params.
 */
export function indirectArgsKernel(o: IndirectArgsOptions): Kernel {
  const u = uniformBlock([
    ['word', 'u32', o.word],
    ['multiplier', 'u32', o.multiplier],
    ['extra', 'u32', o.extra ?? 0],
  ]);
  const wgsl = /* wgsl */ `// indirect_args
${u.struct}
@group(0) @binding(0) var<storage, read> counts: array<i32>;
@group(0) @binding(1) var<storage, read_write> args: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;
${FOLD_GRID_WGSL}
@compute @workgroup_size(1)
fn main() {
  let g = fold_grid(u32(max(counts[params.word], 0)) * params.multiplier + params.extra);
  args[0] = g.x;
  args[1] = g.y;
  args[2] = g.z;
  args[3] = 0u;
}
`;
  return { name: 'indirect_args', wgsl, bindings: [{ name: 'counts', access: 'read' }, { name: 'args', access: 'read_write' }, { name: 'params', access: 'uniform' }], workgroupSize: [1, 1, 1], dispatch: [1, 1, 1], cacheKey: 'indirect_args', uniformData: u.data };
}
