/**
 * MoE dispatch on the device (op `moeDispatch`): a stable counting sort of the N·k routing pairs
 * by expert in three dispatches, no atomics and no host round trip. (1) `dispatch_count`: the flat
 * pairs are cut into blocks of 256; each workgroup ranks every pair of its block among the earlier
 * pairs of the same expert (O(256²) compares in workgroup memory) and writes per-(expert, block)
 * counts. (2) `dispatch_scan`: one workgroup scans the counts in (expert, block) order into
 * per-(expert, block) base slots and offsets[n+1], then scans ceil(count_e / tileRows) into the
 * expert-FFN tile map: entries (expert, rowStart, rowEnd, 0), unused tail entries get expert −1.
 * (3) `dispatch_scatter`: each pair goes to slot = base[e, block] + rank, giving sourceRow[slot] =
 * row and position[row, j] = slot — ordered by (row, j) within an expert by construction.
 * Expert −1 means "no expert" (strictly balanced gating pads its routing lists with it): such a
 * pair is counted nowhere, gets position −1, and offsets[n] is the number of real pairs (the
 * scan's total), so the slots from offsets[n] on are unused (their sourceRow is not written).
 */
import { ceilDiv, uniformBlock, type Kernel } from './kernel.ts';

/** Pairs per block of the count/scatter kernels. */
export const DISPATCH_BLOCK = 256;

/** Shapes of the dispatch kernels. */
export interface DispatchShape {
  readonly N: number;
  readonly k: number;
  /** Number of experts. */
  readonly n: number;
  /** Rows per expert-FFN tile (the tile map granularity). */
  readonly tileRows: number;
}

/** Static worst-case number of tile-map entries: Σ_e ceil(count_e / T) ≤ floor(N·k / T) + n. */
export function maxTiles(s: DispatchShape): number {
  return Math.floor((s.N * s.k) / s.tileRows) + s.n;
}

/** Number of 256-pair blocks. */
export function dispatchBlocks(s: DispatchShape): number {
  return Math.max(1, ceilDiv(s.N * s.k, DISPATCH_BLOCK));
}

function params(s: DispatchShape) {
  return uniformBlock([
    ['total', 'u32', s.N * s.k],
    ['k', 'u32', s.k],
    ['n', 'u32', s.n],
    ['blocks', 'u32', dispatchBlocks(s)],
    ['tileRows', 'u32', s.tileRows],
    ['maxTiles', 'u32', maxTiles(s)],
  ]);
}

const RANK_WGSL = /* wgsl */ `
var<workgroup> ex: array<i32, ${DISPATCH_BLOCK}>;
// Loads the block's experts; returns (expert, rank among earlier same-expert pairs, is last of its expert).
fn rank_in_block(b: u32, t: u32) -> vec3<i32> {
  let i = b * ${DISPATCH_BLOCK}u + t;
  var e = -1;
  if (i < params.total) { e = indices[i]; }
  ex[t] = e;
  workgroupBarrier();
  var rank = 0;
  var last = 1;
  if (e >= 0) {
    for (var q = 0u; q < ${DISPATCH_BLOCK}u; q++) {
      if (ex[q] == e) {
        if (q < t) { rank++; } else if (q > t) { last = 0; }
      }
    }
  }
  return vec3<i32>(e, rank, last);
}
`;

/** Kernel 1: per-(expert, block) counts. Bindings: indices, blockCounts [n·blocks], params. */
export function dispatchCountKernel(s: DispatchShape): Kernel {
  const u = params(s);
  const wgsl = /* wgsl */ `// dispatch_count
${u.struct}
@group(0) @binding(0) var<storage, read> indices: array<i32>;
@group(0) @binding(1) var<storage, read_write> blockCounts: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;
${RANK_WGSL}
@compute @workgroup_size(${DISPATCH_BLOCK})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let b = wid.x;
  for (var e = t; e < params.n; e += ${DISPATCH_BLOCK}u) { blockCounts[e * params.blocks + b] = 0u; }
  storageBarrier();
  let r = rank_in_block(b, t);
  // The last pair of each expert in the block writes the count (after the zeroing above).
  if (r.x >= 0 && r.z == 1) { blockCounts[u32(r.x) * params.blocks + b] = u32(r.y + 1); }
}
`;
  return {
    name: 'dispatch_count',
    wgsl,
    bindings: [
      { name: 'indices', access: 'read' },
      { name: 'blockCounts', access: 'read_write' },
      { name: 'params', access: 'uniform' },
    ],
    workgroupSize: [DISPATCH_BLOCK, 1, 1],
    dispatch: [dispatchBlocks(s), 1, 1],
    cacheKey: 'dispatch_count',
    uniformData: u.data,
  };
}

/**
 * Kernel 2 (one workgroup): scan of blockCounts (in place → base slots), offsets [n+1], tile map
 * [maxTiles] of vec4<i32>(expert, rowStart, rowEnd, 0). Bindings: blockCounts, offsets, tileMap, params.
 */
export function dispatchScanKernel(s: DispatchShape): Kernel {
  const u = params(s);
  const W = 256;
  const wgsl = /* wgsl */ `// dispatch_scan
${u.struct}
@group(0) @binding(0) var<storage, read_write> blockCounts: array<u32>;
@group(0) @binding(1) var<storage, read_write> offsets: array<i32>;
@group(0) @binding(2) var<storage, read_write> tileMap: array<vec4<i32>>;
@group(0) @binding(3) var<uniform> params: Params;
var<workgroup> part: array<u32, ${W}>;
var<workgroup> tileBase: array<u32, ${W}>;

// Exclusive scan of the per-thread partial sums in part[] (Hillis-Steele); leaves the inclusive
// scan in part[] (so part[W-1] is the total) and returns this thread's exclusive prefix.
fn scan_parts(t: u32) -> u32 {
  for (var d = 1u; d < ${W}u; d = d * 2u) {
    workgroupBarrier();
    var v = part[t];
    if (t >= d) { v = v + part[t - d]; }
    workgroupBarrier();
    part[t] = v;
  }
  workgroupBarrier();
  var ex = 0u;
  if (t > 0u) { ex = part[t - 1u]; }
  workgroupBarrier();
  return ex;
}

@compute @workgroup_size(${W})
fn main(@builtin(local_invocation_index) t: u32) {
  let n = params.n;
  let L = n * params.blocks;
  // ---- scan of counts in (expert, block) order ----
  let chunk = (L + ${W - 1}u) / ${W}u;
  let lo = min(t * chunk, L);
  let hi = min(lo + chunk, L);
  var s = 0u;
  for (var i = lo; i < hi; i++) { s += blockCounts[i]; }
  part[t] = s;
  var run = scan_parts(t);
  let realTotal = part[${W - 1}u]; // pairs with an expert (−1 pairs are counted nowhere)
  for (var i = lo; i < hi; i++) {
    let c = blockCounts[i];
    blockCounts[i] = run;
    if (i % params.blocks == 0u) { offsets[i / params.blocks] = i32(run); }
    run += c;
  }
  if (t == 0u) { offsets[n] = i32(realTotal); }
  storageBarrier();
  workgroupBarrier();
  // ---- tile map: scan of ceil(count_e / tileRows) over experts ----
  let T = params.tileRows;
  let echunk = (n + ${W - 1}u) / ${W}u;
  let elo = min(t * echunk, n);
  let ehi = min(elo + echunk, n);
  var ts = 0u;
  for (var e = elo; e < ehi; e++) { ts += (u32(offsets[e + 1u] - offsets[e]) + T - 1u) / T; }
  part[t] = ts;
  var tb = scan_parts(t);
  let totalTiles = part[${W - 1}u];
  for (var e = elo; e < ehi; e++) {
    let start = u32(offsets[e]);
    let end = u32(offsets[e + 1u]);
    for (var r = start; r < end; r += T) {
      tileMap[tb] = vec4<i32>(i32(e), i32(r), i32(min(r + T, end)), 0);
      tb++;
    }
  }
  for (var i = totalTiles + t; i < params.maxTiles; i += ${W}u) { tileMap[i] = vec4<i32>(-1, 0, 0, 0); }
}
`;
  return {
    name: 'dispatch_scan',
    wgsl,
    bindings: [
      { name: 'blockCounts', access: 'read_write' },
      { name: 'offsets', access: 'read_write' },
      { name: 'tileMap', access: 'read_write' },
      { name: 'params', access: 'uniform' },
    ],
    workgroupSize: [W, 1, 1],
    dispatch: [1, 1, 1],
    cacheKey: 'dispatch_scan',
    uniformData: u.data,
  };
}

/** Kernel 3: scatter. Bindings: indices, blockCounts (base slots after the scan), sourceRow, position, params. */
export function dispatchScatterKernel(s: DispatchShape): Kernel {
  const u = params(s);
  const wgsl = /* wgsl */ `// dispatch_scatter
${u.struct}
@group(0) @binding(0) var<storage, read> indices: array<i32>;
@group(0) @binding(1) var<storage, read> blockCounts: array<u32>;
@group(0) @binding(2) var<storage, read_write> sourceRow: array<i32>;
@group(0) @binding(3) var<storage, read_write> position: array<i32>;
@group(0) @binding(4) var<uniform> params: Params;
${RANK_WGSL}
@compute @workgroup_size(${DISPATCH_BLOCK})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let b = wid.x;
  let r = rank_in_block(b, t);
  let i = b * ${DISPATCH_BLOCK}u + t;
  if (r.x < 0) {
    if (i < params.total) { position[i] = -1; } // expert −1: no slot
    return;
  }
  let slot = blockCounts[u32(r.x) * params.blocks + b] + u32(r.y);
  sourceRow[slot] = i32(i / params.k);
  position[i] = i32(slot);
}
`;
  return {
    name: 'dispatch_scatter',
    wgsl,
    bindings: [
      { name: 'indices', access: 'read' },
      { name: 'blockCounts', access: 'read' },
      { name: 'sourceRow', access: 'read_write' },
      { name: 'position', access: 'read_write' },
      { name: 'params', access: 'uniform' },
    ],
    workgroupSize: [DISPATCH_BLOCK, 1, 1],
    dispatch: [dispatchBlocks(s), 1, 1],
    cacheKey: 'dispatch_scatter',
    uniformData: u.data,
  };
}

/** The three dispatch kernels in order (bind blockCounts [n·blocks] as scratch between them). */
export function dispatchKernels(s: DispatchShape): [Kernel, Kernel, Kernel] {
  return [dispatchCountKernel(s), dispatchScanKernel(s), dispatchScatterKernel(s)];
}
