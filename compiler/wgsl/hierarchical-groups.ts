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
import { ceilDiv, grid1d, uniformBlock, type Kernel, type KernelBinding } from './kernel.ts';

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

function decl(bindings: readonly KernelBinding[]): string {
  return bindings
    .map((b, i) => (b.access === 'uniform' ? `@group(0) @binding(${i}) var<uniform> params: Params;` : `@group(0) @binding(${i}) var<storage, ${b.access}> ${b.name}: array<i32>;`))
    .join('\n');
}

/**
 * The three kernels of the group sort. Bindings: count — primaryIndices, blockCounts, params;
 * scan — blockCounts, offsets (i32 [a+1]), params; scatter — primaryIndices, blockCounts,
 * offsets, pairs (i32 [N·k1]), params.
 */
export function groupSortKernels(o: GroupSortOptions): [Kernel, Kernel, Kernel] {
  const P = o.N * o.k1;
  const blocks = Math.max(1, ceilDiv(P, GROUP_SORT_BLOCK));
  const u = uniformBlock([
    ['P', 'u32', P],
    ['a', 'u32', o.a],
    ['blocks', 'u32', blocks],
    ['block', 'u32', GROUP_SORT_BLOCK],
  ]);
  const ro = (name: string): KernelBinding => ({ name, access: 'read' });
  const rw = (name: string): KernelBinding => ({ name, access: 'read_write' });
  const PARAMS: KernelBinding = { name: 'params', access: 'uniform' };
  const countB = [ro('primaryIndices'), rw('blockCounts'), PARAMS];
  const count = /* wgsl */ `// hier_groups_count
${u.struct}
${decl(countB)}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let blk = wid.y * nwg.x + wid.x;
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
`;
  const scanB = [rw('blockCounts'), rw('offsets'), PARAMS];
  const scan = /* wgsl */ `// hier_groups_scan
${u.struct}
${decl(scanB)}
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
`;
  const scatterB = [ro('primaryIndices'), rw('blockCounts'), ro('offsets'), rw('pairs'), PARAMS];
  const scatter = /* wgsl */ `// hier_groups_scatter
${u.struct}
${decl(scatterB)}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let blk = wid.y * nwg.x + wid.x;
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
`;
  const grid = P === 0 || o.a === 0 ? ([0, 1, 1] as [number, number, number]) : grid1d(blocks);
  return [
    { name: 'hier_groups_count', wgsl: count, bindings: countB, workgroupSize: [64, 1, 1], dispatch: grid, cacheKey: 'hier_groups_count', uniformData: u.data },
    { name: 'hier_groups_scan', wgsl: scan, bindings: scanB, workgroupSize: [SCAN_WG, 1, 1], dispatch: o.a === 0 ? [0, 1, 1] : [1, 1, 1], cacheKey: 'hier_groups_scan', uniformData: u.data },
    { name: 'hier_groups_scatter', wgsl: scatter, bindings: scatterB, workgroupSize: [64, 1, 1], dispatch: grid, cacheKey: 'hier_groups_scatter', uniformData: u.data },
  ];
}
