/**
 * What the dispatch derives from the routing pairs once they are sorted by expert (keys = the
 * expert of each sorted slot, n for "no expert", so those sort last): `dispatchOffsetsKernel`
 * writes offsets[e] = the first sorted slot with key ≥ e for e = 0..n (offsets[n] = real pairs),
 * and `TILE_SCAN_WGSL` — run by one workgroup, in `dispatchIndexKernel` after the radix sort or
 * inside the one-workgroup sort of dispatch-small.ts — writes the expert-FFN tile map, its real
 * entry count and the list of experts that got rows, all in O(N·k): the slots are walked in
 * contiguous chunks, one per invocation (a binary search for the run start at the chunk's first
 * slot); each invocation counts tile starts (slot i of expert e starts a tile when i − (start of
 * e's run) is a multiple of tileRows) and run starts, and one workgroup scan of both counts gives
 * each tile its entry vec4<i32>(expert, rowStart, min(rowStart + tileRows, end of e's run), 0) in
 * expert order and each run its place in activeList = [count, e0, e1, …] (ascending).
 * tileCount[0] = the number of tiles; unused entries up to maxTiles (≤ N·k) get expert −1 (only
 * their .x is written; every reader tests .x). The offsets kernel has no barrier and no workgroup
 * memory (on lavapipe a 256-invocation workgroup with barriers costs ~10 µs however little it
 * does, so its workgroups are few and large): workgroup w serves experts [w·8192, (w+1)·8192),
 * finds the slots of that range by two binary searches at workgroup-uniform addresses (a per-lane
 * gather per step on Mesa 25's lavapipe, bench/gallivm-asm.ts), and each invocation searches only inside that range — empty at many
 * experts — so the cost per expert is about one store.
 */
import { ceilDiv, FLAT_WORKGROUP_WGSL, grid1d, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';
import { workgroupInclusiveScanWgsl } from './reduce-snippets.ts';
import { INDEX_UNIFORMS, indexUniforms, type DispatchShape } from './dispatch-shape.ts';

/** Invocations of the tile scan (and of the one-workgroup kernels that run it). */
export const SCAN_W = 256;

/** Experts per workgroup of the offsets kernel (32 per invocation). */
const OFFSETS_EXPERTS = 32 * SCAN_W;

/** The storage bindings `TILE_SCAN_WGSL` writes (after the includer's own, in this order). */
export const TILE_SCAN_BINDINGS = {
  tileMap: { access: 'read_write', type: 'vec4<i32>' },
  tileCount: { access: 'read_write', type: 'i32' },
  activeList: { access: 'read_write', type: 'i32' },
} as const;

/**
 * WGSL of the tile scan: `fn tile_scan(t: u32)`, run by all SCAN_W invocations of one workgroup
 * (it has barriers). The includer declares the uniforms INDEX_UNIFORMS, the storage bindings
 * TILE_SCAN_BINDINGS, and `fn sorted_key(i: u32) -> i32`.
 */
export const TILE_SCAN_WGSL = /* wgsl */ `
// Inclusive scan of (tiles, runs) per invocation.
var<workgroup> part: array<vec2<u32>, ${SCAN_W}>;

// First sorted slot in [lo0, hi0) with key >= e (hi0 if none).
fn sorted_lower_bound(e: i32, lo0: u32, hi0: u32) -> u32 {
  var lo = lo0;
  var hi = hi0;
  while (lo < hi) {
    let mid = (lo + hi) / 2u;
    if (sorted_key(mid) < e) { lo = mid + 1u; } else { hi = mid; }
  }
  return lo;
}

fn tile_scan(t: u32) {
  let real = sorted_lower_bound(i32(params.n), 0u, params.total);
  let T = params.tileRows;
  let chunk = (real + ${SCAN_W - 1}u) / ${SCAN_W}u;
  let lo = min(t * chunk, real);
  let hi = min(lo + chunk, real);
  var cur = -1;
  var runStart = 0u;
  if (lo < hi) {
    cur = sorted_key(lo);
    runStart = sorted_lower_bound(cur, 0u, lo);
  }
  var cnt = vec2<u32>(0u);
  for (var i = lo; i < hi; i++) {
    let e = sorted_key(i);
    if (e != cur) { cur = e; runStart = i; }
    if ((i - runStart) % T == 0u) { cnt.x++; }
    if (i == runStart) { cnt.y++; }
  }
  part[t] = cnt;
${workgroupInclusiveScanWgsl('part', SCAN_W)}
  let total = part[${SCAN_W - 1}u];
  var before = vec2<u32>(0u);
  if (t > 0u) { before = part[t - 1u]; }
  var tb = before.x;
  var ab = before.y;
  if (lo < hi) {
    cur = sorted_key(lo);
    runStart = sorted_lower_bound(cur, 0u, lo);
  }
  var runEnd = 0u;
  for (var i = lo; i < hi; i++) {
    let e = sorted_key(i);
    if (e != cur) { cur = e; runStart = i; }
    if (i == runStart) {
      activeList[1u + ab] = e;
      ab++;
    }
    if ((i - runStart) % T == 0u) {
      if (runEnd <= i) { runEnd = sorted_lower_bound(e + 1, i, real); }
      tileMap[tb] = vec4<i32>(e, i32(i), i32(min(i + T, runEnd)), 0);
      tb++;
    }
  }
  for (var i = total.x + t; i < params.maxTiles; i += ${SCAN_W}u) { tileMap[i].x = -1; }
  if (t == 0u) {
    tileCount[0] = i32(total.x);
    activeList[0] = i32(total.y);
  }
}
`;

/** The index program (one module for every shape). */
const DISPATCH_INDEX = defineProgram({
  name: 'dispatch_index',
  bindings: {
    keys: { access: 'read', type: 'i32' },
    ...TILE_SCAN_BINDINGS,
  },
  uniforms: INDEX_UNIFORMS,
  workgroupSize: SCAN_W,
  source: /* wgsl */ `fn sorted_key(i: u32) -> i32 { return keys[i]; }
${TILE_SCAN_WGSL}
@compute @workgroup_size(${SCAN_W})
fn main(@builtin(local_invocation_index) t: u32) {
  tile_scan(t);
}
`,
});

/**
 * After the radix sort, one workgroup: the tile map, tileCount and the active-expert list
 * (TILE_SCAN_WGSL). Bindings: keys (sorted, i32), tileMap, tileCount, activeList (i32 [n+1]), params.
 */
export function dispatchIndexKernel(s: DispatchShape): Kernel {
  return DISPATCH_INDEX.kernel([1, 1, 1], indexUniforms(s));
}

/** The offsets program (one module for every shape). */
const DISPATCH_OFFSETS = defineProgram({
  name: 'dispatch_offsets',
  bindings: {
    keys: { access: 'read', type: 'i32' },
    offsets: { access: 'read_write', type: 'i32' },
  },
  uniforms: INDEX_UNIFORMS,
  workgroupSize: SCAN_W,
  source: /* wgsl */ `
// First sorted slot in [lo0, hi0) with key >= e (hi0 if none).
fn lower_bound(e: i32, lo0: u32, hi0: u32) -> u32 {
  var lo = lo0;
  var hi = hi0;
  while (lo < hi) {
    let mid = (lo + hi) / 2u;
    if (keys[mid] < e) { lo = mid + 1u; } else { hi = mid; }
  }
  return lo;
}
${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(${SCAN_W})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let e0 = flat_workgroup(wid, nwg) * ${OFFSETS_EXPERTS}u;
  let e1 = min(e0 + ${OFFSETS_EXPERTS}u, params.n + 1u);
  // The slots of experts e0..e1-1 (workgroup-uniform searches), then one short search per expert.
  let lo = lower_bound(i32(e0), 0u, params.total);
  let hi = lower_bound(i32(e1), lo, params.total);
  for (var e = e0 + t; e < e1; e += ${SCAN_W}u) { offsets[e] = i32(lower_bound(i32(e), lo, hi)); }
}
`,
});

/** offsets[e] for e = 0..n from the sorted keys (see the file comment). Bindings: keys (sorted, i32), offsets, params. */
export function dispatchOffsetsKernel(s: DispatchShape): Kernel {
  return DISPATCH_OFFSETS.kernel(grid1d(ceilDiv(s.n + 1, OFFSETS_EXPERTS)), indexUniforms(s));
}
