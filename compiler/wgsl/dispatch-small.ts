/**
 * The dispatch's sort for few routing pairs (N·k ≤ SMALL_SORT_MAX): one workgroup ranks every pair
 * against all the others in workgroup memory and also builds the tile map and the active-expert
 * list (dispatch-index.ts TILE_SCAN_WGSL) from the sorted keys it holds, so the whole dispatch is
 * this kernel and the offsets kernel — 2 dispatches instead of the radix sort's 3 per pass + 2
 * (at 65536 experts, 2 radix passes: 8). Pair i with key k_i (its expert; −1 and out-of-range
 * experts map to n, "no expert", so they sort last) goes to slot rank_i = #{j : k_j < k_i} +
 * #{j < i : k_j = k_i}: the stable order by expert then pair index, the radix sort's order. Each
 * invocation ranks its pairs by one pass over all keys at workgroup-uniform indices (still a per-lane
 * gather on Mesa 25's lavapipe), O(N·k) per pair: fine up to SMALL_SORT_MAX pairs, where the radix sort takes
 * over. Writes the sorted keys (keysOut), sourceRow[slot] = row of the pair (real pairs only),
 * position[pair] = slot (−1 for no expert), the tile map, tileCount and activeList. Integer work
 * only, no atomics: the same result every run.
 */
import { TILE_SCAN_BINDINGS, TILE_SCAN_WGSL, SCAN_W } from './dispatch-index.ts';
import { INDEX_UNIFORMS, indexUniforms, type DispatchShape } from './dispatch-shape.ts';
import type { Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';

/** Largest N·k the one-workgroup sort serves (the radix sort of dispatch.ts above). */
export const SMALL_SORT_MAX = 1024;

/**
 * The kernel (one workgroup). Bindings: keysIn (the routing indices [N,k], i32), keysOut (i32
 * [N·k]: sorted keys), sourceRow, position, tileMap (vec4<i32> [maxTiles]), tileCount, activeList
 * (i32 [n+1]), params.
 */
export function dispatchSortSmallKernel(s: DispatchShape): Kernel {
  const S = s.N * s.k;
  if (S > SMALL_SORT_MAX) throw new Error(`dispatch (small sort): ${S} routing pairs exceed ${SMALL_SORT_MAX}; use the radix sort (dispatchSortSteps picks it)`);
  return dispatchSortSmallProgram(Math.max(1, S)).kernel([1, 1, 1], indexUniforms(s));
}

/** The one-workgroup sort for up to `words` pairs (its workgroup arrays are sized by it). */
function dispatchSortSmallProgram(words: number) {
  return defineProgram({
    name: 'dispatch_sort_small',
    bindings: {
      keysIn: { access: 'read', type: 'i32' },
      keysOut: { access: 'read_write', type: 'i32' },
      sourceRow: { access: 'read_write', type: 'i32' },
      position: { access: 'read_write', type: 'i32' },
      ...TILE_SCAN_BINDINGS,
    },
    uniforms: INDEX_UNIFORMS,
    workgroupSize: SCAN_W,
    source: /* wgsl */ `// Keys in pair order, then in sorted order.
var<workgroup> ks: array<i32, ${words}>;
var<workgroup> sk: array<i32, ${words}>;
fn sorted_key(i: u32) -> i32 { return sk[i]; }
${TILE_SCAN_WGSL}
@compute @workgroup_size(${SCAN_W})
fn main(@builtin(local_invocation_index) t: u32) {
  let S = params.total;
  let n = i32(params.n);
  for (var i = t; i < S; i += ${SCAN_W}u) {
    var kk = keysIn[i];
    if (kk < 0 || kk > n) { kk = n; }
    ks[i] = kk;
  }
  workgroupBarrier();
  for (var i = t; i < S; i += ${SCAN_W}u) {
    let ki = ks[i];
    var rank = 0u;
    for (var j = 0u; j < S; j++) {
      let kj = ks[j];
      if (kj < ki || (kj == ki && j < i)) { rank++; }
    }
    sk[rank] = ki;
    keysOut[rank] = ki;
    if (ki < n) {
      sourceRow[rank] = i32(i / params.k);
      position[i] = i32(rank);
    } else {
      position[i] = -1;
    }
  }
  workgroupBarrier();
  tile_scan(t);
}
`,
  });
}
