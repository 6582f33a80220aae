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
import { ceilDiv, FLAT_WORKGROUP_WGSL, FOLD_GRID_WGSL, grid1d, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';

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
  const values = { n: o.n, blocks };
  const grid = grid1d(blocks);
  return [ACTIVE_COUNT.kernel(grid, values), ACTIVE_WRITE.kernel(grid, values)];
}

/** Uniforms of both compaction passes: expert count and number of blocks. */
const ACTIVE_UNIFORMS = { n: 'u32', blocks: 'u32' } as const;

/** Module-scope WGSL shared by both passes (after the generated declarations). */
const ACTIVE_HEAD = /* wgsl */ `const PER = ${PER}u;
var<workgroup> red: array<u32, ${WG}>;
// Non-empty segments among this invocation's PER consecutive experts from e0.
fn count_from(e0: u32) -> u32 {
  var c = 0u;
  for (var i = 0u; i < PER; i++) {
    let e = e0 + i;
    if (e < params.n && offsets[e + 1u] > offsets[e]) { c += 1u; }
  }
  return c;
}
${FLAT_WORKGROUP_WGSL}`;

/** Pass 1: the number of non-empty segments of each block. */
const ACTIVE_COUNT = defineProgram({
  name: 'active_experts_count',
  bindings: {
    offsets: { access: 'read', type: 'i32' },
    blockCounts: { access: 'read_write', type: 'i32' },
  },
  uniforms: ACTIVE_UNIFORMS,
  workgroupSize: WG,
  source: /* wgsl */ `${ACTIVE_HEAD}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let blk = flat_workgroup(wid, nwg);
  if (blk >= params.blocks) { return; }
  red[t] = count_from(blk * ${ACTIVE_BLOCK}u + t * PER);
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s >>= 1u) {
    if (t < s) { red[t] += red[t + s]; }
    workgroupBarrier();
  }
  if (t == 0u) { blockCounts[blk] = i32(red[0]); }
}
`,
});

/** Pass 2: each block places its experts' ids after the earlier blocks' ids; the last block writes the count. */
const ACTIVE_WRITE = defineProgram({
  name: 'active_experts_write',
  bindings: {
    offsets: { access: 'read', type: 'i32' },
    blockCounts: { access: 'read', type: 'i32' },
    activeList: { access: 'read_write', type: 'i32' },
  },
  uniforms: ACTIVE_UNIFORMS,
  workgroupSize: WG,
  source: /* wgsl */ `${ACTIVE_HEAD}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let blk = flat_workgroup(wid, nwg);
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
`,
});

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
  return INDIRECT_ARGS.kernel([1, 1, 1], { word: o.word, multiplier: o.multiplier, extra: o.extra ?? 0 });
}

/** The one-invocation program of `indirectArgsKernel`. */
const INDIRECT_ARGS = defineProgram({
  name: 'indirect_args',
  bindings: {
    counts: { access: 'read', type: 'i32' },
    args: { access: 'read_write', type: 'u32' },
  },
  uniforms: { word: 'u32', multiplier: 'u32', extra: 'u32' },
  workgroupSize: 1,
  source: /* wgsl */ `${FOLD_GRID_WGSL}
@compute @workgroup_size(1)
fn main() {
  let g = fold_grid(u32(max(counts[params.word], 0)) * params.multiplier + params.extra);
  args[0] = g.x;
  args[1] = g.y;
  args[2] = g.z;
  args[3] = 0u;
}
`,
});
