/**
 * Device-side counting sort of the hierarchical MoE's (row, slot) pairs q = r·k1 + s by the group
 * the primary gating chose, so per-group work (the hierarchical load, the secondary weight
 * gradients) walks only the pairs routed to each group and costs O(pairs + groups), never
 * groups × pairs nor a per-(block, expert) table. Three deterministic dispatches (no atomics):
 * `hier_groups_count` (one workgroup per block of GROUP_SORT_BLOCK pairs; the invocation owning
 * group g ≡ t mod 64 counts the block's pairs of g into blockCounts [blocks, a]),
 * `hier_groups_scan` (one workgroup: per group the exclusive prefix over blocks in place, then the
 * exclusive prefix over groups into offsets [a+1]), `hier_groups_scatter` (one workgroup per block:
 * the owner of g writes the block's pairs of g, in q order, at offsets[g] + prefix, counting
 * the prefix up in place). Result: pairs
 * [N·k1] (i32 q values) with group g's pairs at [offsets[g], offsets[g+1]) in increasing q; pairs
 * whose group is outside [0, a) are left out (offsets[a] counts only valid pairs).
 */
import { ceilDiv, FLAT_WORKGROUP_WGSL, grid1d, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';

/** Pairs per block of the group sort. */
export const GROUP_SORT_BLOCK = 256;

/** Shape of the group sort: N rows, k1 groups per row, a groups. */
export interface GroupSortOptions {
  readonly N: number;
  readonly k1: number;
  readonly a: number;
}

/** Words of the blockCounts scratch (i32) of the group sort. */
export function groupSortScratch(o: GroupSortOptions): number {
  return Math.max(1, ceilDiv(o.N * o.k1, GROUP_SORT_BLOCK)) * o.a;
}

const SCAN_WG = 256;

/**
 * The three kernels of the group sort. Bindings: count — primaryIndices, blockCounts, params;
 * scan — blockCounts, offsets (i32 [a+1]), params; scatter — primaryIndices, blockCounts,
 * offsets, pairs (i32 [N·k1]), params.
 */
export function groupSortKernels(o: GroupSortOptions): [Kernel, Kernel, Kernel] {
  const P = o.N * o.k1;
  const blocks = Math.max(1, ceilDiv(P, GROUP_SORT_BLOCK));
  const uniforms = { P: 'u32', a: 'u32', blocks: 'u32', block: 'u32' } as const;
  const values = { P, a: o.a, blocks, block: GROUP_SORT_BLOCK };
  const ro = { access: 'read', type: 'i32' } as const;
  const rw = { access: 'read_write', type: 'i32' } as const;
  const count = defineProgram({
    name: 'hier_groups_count',
    bindings: { primaryIndices: ro, blockCounts: rw },
    uniforms,
    workgroupSize: 64,
    source: /* wgsl */ `${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let blk = flat_workgroup(wid, nwg);
  if (blk >= params.blocks) { return; }
  let a = params.a;
  // Invocation t owns the groups g = t (mod 64): it alone clears and counts them.
  for (var g = t; g < a; g += 64u) { blockCounts[blk * a + g] = 0; }
  let q0 = blk * params.block;
  let q1 = min(q0 + params.block, params.P);
  for (var q = q0; q < q1; q++) {
    let g = primaryIndices[q];
    if (g >= 0 && u32(g) < a && (u32(g) & 63u) == t) { blockCounts[blk * a + u32(g)] += 1; }
  }
}
`,
  });
  const scan = defineProgram({
    name: 'hier_groups_scan',
    bindings: { blockCounts: rw, offsets: rw },
    uniforms,
    workgroupSize: SCAN_WG,
    source: /* wgsl */ `
var<workgroup> sums: array<i32, ${SCAN_WG}>;
@compute @workgroup_size(${SCAN_WG})
fn main(@builtin(local_invocation_index) t: u32) {
  let a = params.a;
  let blocks = params.blocks;
  // Invocation t takes the contiguous groups [g0, g1).
  let per = (a + ${SCAN_WG - 1}u) / ${SCAN_WG}u;
  let g0 = min(t * per, a);
  let g1 = min(g0 + per, a);
  var chunk = 0;
  for (var g = g0; g < g1; g++) {
    var run = 0;
    for (var b = 0u; b < blocks; b++) {
      let c = blockCounts[b * a + g];
      blockCounts[b * a + g] = run;
      run += c;
    }
    offsets[g] = run; // the group's total for now
    chunk += run;
  }
  sums[t] = chunk;
  workgroupBarrier();
  // Exclusive prefix of the chunk totals (Hillis-Steele over ${SCAN_WG} values, fixed order).
  for (var s = 1u; s < ${SCAN_WG}u; s = s << 1u) {
    var v = sums[t];
    if (t >= s) { v += sums[t - s]; }
    workgroupBarrier();
    sums[t] = v;
    workgroupBarrier();
  }
  var base = 0;
  if (t > 0u) { base = sums[t - 1u]; }
  for (var g = g0; g < g1; g++) {
    let c = offsets[g];
    offsets[g] = base;
    base += c;
  }
  if (t == ${SCAN_WG - 1}u) { offsets[a] = sums[t]; }
}
`,
  });
  const scatter = defineProgram({
    name: 'hier_groups_scatter',
    bindings: { primaryIndices: ro, blockCounts: rw, offsets: ro, pairs: rw },
    uniforms,
    workgroupSize: 64,
    source: /* wgsl */ `${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let blk = flat_workgroup(wid, nwg);
  if (blk >= params.blocks) { return; }
  let a = params.a;
  let q0 = blk * params.block;
  let q1 = min(q0 + params.block, params.P);
  // The owner of group g (g = t mod 64) places the block's pairs of g in q order; its word of
  // blockCounts (the block's prefix within g) serves as the running position.
  for (var q = q0; q < q1; q++) {
    let g = primaryIndices[q];
    if (g < 0 || u32(g) >= a || (u32(g) & 63u) != t) { continue; }
    let w = blk * a + u32(g);
    pairs[u32(offsets[u32(g)] + blockCounts[w])] = i32(q);
    blockCounts[w] += 1;
  }
}
`,
  });
  const grid = P === 0 || o.a === 0 ? ([0, 1, 1] as [number, number, number]) : grid1d(blocks);
  return [count.kernel(grid, values), scan.kernel(o.a === 0 ? [0, 1, 1] : [1, 1, 1], values), scatter.kernel(grid, values)];
}
