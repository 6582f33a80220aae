/**
 * MoE dispatch on the device (op `moeDispatch`): a stable sort of the N·k routing pairs by expert,
 * no atomic decides a position and no host round trip, in O(N·k + n) work at any expert count.
 * The lowering runs `dispatchSortSteps`. Up to SMALL_SORT_MAX pairs, one workgroup ranks the pairs
 * in workgroup memory and builds the tile map and active-expert list too (dispatch-small.ts);
 * above, a least-significant-digit radix sort of the pairs (key = expert, expert −1 mapped to n so
 * "no expert" sorts last; ≤ 11-bit digits, so 1 pass up to 2047 experts, 2 up to 2^22): per pass
 * (1) `dispatch_radix_count` writes per-(digit, block) counts of 256-pair blocks (a
 * workgroup-memory histogram), (2) `dispatch_radix_scan` scans them in (digit, block) order in one
 * workgroup, (3) `dispatch_radix_scatter` ranks each pair among the block's earlier pairs with the
 * same digit (≤ 255 compares in workgroup memory, no atomics) and moves it to base[digit, block] +
 * rank — stable, so after the last pass the pairs are ordered by expert and, within one, by (row,
 * slot); the last pass writes sourceRow[slot] = row and position[row, j] = slot (−1 for expert
 * −1); then `dispatch_index` (one workgroup) writes the expert-FFN tile map — entries (expert,
 * rowStart, rowEnd, 0) in expert order, unused tail entries expert −1 — the real number of
 * entries into tileCount[0], from which indirect grids are sized, and the list of experts that got
 * rows (dispatch-index.ts). Both paths end with `dispatch_offsets`: offsets[e] by a search of the
 * sorted keys (offsets[n] = the number of real pairs; slots from there on are unused and their
 * sourceRow is not written). 2 dispatches for few pairs, else 3·passes + 2. (The earlier
 * three-kernel counting sort, O(n·N·k/256), is gone; bench/dispatch-scale.ts reads it from git as
 * its baseline.)
 */
import { ceilDiv, FLAT_WORKGROUP_WGSL, grid1d, type Kernel } from './kernel.ts';
import { defineProgram, type UniformValues } from './program.ts';
import { workgroupInclusiveScanWgsl } from './reduce-snippets.ts';
import type { DispatchShape } from './dispatch-shape.ts';
import { dispatchIndexKernel, dispatchOffsetsKernel } from './dispatch-index.ts';
import { dispatchSortSmallKernel, SMALL_SORT_MAX } from './dispatch-small.ts';

export { maxTiles, type DispatchShape } from './dispatch-shape.ts';

/** Pairs per block of the count/scatter kernels. */
export const DISPATCH_BLOCK = 256;

/** Number of 256-pair blocks. */
export function dispatchBlocks(s: DispatchShape): number {
  return Math.max(1, ceilDiv(s.N * s.k, DISPATCH_BLOCK));
}

/** Digits of the radix sort of expert keys 0..n (n = "no expert"). */
export interface DispatchRadix {
  readonly passes: number;
  readonly digitBits: number;
  readonly radix: number;
}

const MAX_DIGIT_BITS = 11;

/** The radix plan for n experts: ceil(bits / 11) passes of equal digit width, bits = ceil(log2(n + 1)). */
export function dispatchRadix(n: number): DispatchRadix {
  const bits = Math.max(1, Math.ceil(Math.log2(n + 1)));
  const passes = Math.ceil(bits / MAX_DIGIT_BITS);
  const digitBits = Math.ceil(bits / passes);
  return { passes, digitBits, radix: 1 << digitBits };
}

/** Element counts of the scratch buffers of `dispatchSortSteps` (keys/vals ping-pong and the digit table). */
export function dispatchSortScratch(s: DispatchShape): { keys: number; vals: number; digitCounts: number } {
  const S = Math.max(1, s.N * s.k);
  return { keys: S, vals: S, digitCounts: dispatchRadix(s.n).radix * dispatchBlocks(s) };
}

/** Uniform fields of the radix count and scatter kernels. */
const SORT_UNIFORMS = { total: 'u32', k: 'u32', n: 'u32', blocks: 'u32', shift: 'u32', mask: 'u32', first: 'u32' } as const;

/** Values of `SORT_UNIFORMS` for the radix pass that sorts by the digit at bit `shift`. */
function sortUniforms(s: DispatchShape, shift: number, first: boolean): UniformValues<typeof SORT_UNIFORMS> {
  const r = dispatchRadix(s.n);
  return { total: s.N * s.k, k: s.k, n: s.n, blocks: dispatchBlocks(s), shift, mask: r.radix - 1, first: first ? 1 : 0 };
}

const FLAT_WID = 'let b = flat_workgroup(wid, nwg);\n  if (b >= params.blocks) { return; }';

const KEY_OF_WGSL = /* wgsl */ `
fn key_of(i: u32) -> u32 {
  var kk = keysIn[i];
  if (kk < 0 || kk > i32(params.n)) { kk = i32(params.n); }
  return u32(kk);
}
`;

// Loads the block's digits; returns (key, digit, rank among earlier same-digit pairs, 0); key −1 past the end.
// Only the earlier pairs are compared (t compares for pair t: the stable rank, no atomics).
const DIGIT_RANK_WGSL = /* wgsl */ `
var<workgroup> dg: array<u32, ${DISPATCH_BLOCK}>;
${KEY_OF_WGSL}
fn digit_rank(b: u32, t: u32) -> vec4<i32> {
  let i = b * ${DISPATCH_BLOCK}u + t;
  var key = -1;
  var d = 0xffffffffu;
  if (i < params.total) {
    key = i32(key_of(i));
    d = (u32(key) >> params.shift) & params.mask;
  }
  dg[t] = d;
  workgroupBarrier();
  var rank = 0;
  if (key >= 0) {
    for (var q = 0u; q < t; q++) {
      if (dg[q] == d) { rank++; }
    }
  }
  return vec4<i32>(key, i32(d), rank, 0);
}
`;

/**
 * Radix pass, kernel 1: per-(digit, block) counts, a histogram in workgroup memory (integer atomic
 * increments: the counts do not depend on their order, and no position is decided here). Bindings: keysIn (i32), digitCounts (u32 [radix·blocks]), params. */
export function dispatchRadixCountKernel(s: DispatchShape, pass: number): Kernel {
  const r = dispatchRadix(s.n);
  return radixCountProgram(r.radix).kernel(grid1d(dispatchBlocks(s)), sortUniforms(s, pass * r.digitBits, pass === 0));
}

/** The count program for `radix` digits (its histogram is sized by it). */
function radixCountProgram(radix: number) {
  return defineProgram({
    name: 'dispatch_radix_count',
    bindings: {
      keysIn: { access: 'read', type: 'i32' },
      digitCounts: { access: 'read_write', type: 'u32' },
    },
    uniforms: SORT_UNIFORMS,
    workgroupSize: DISPATCH_BLOCK,
    source: /* wgsl */ `// radix=${radix}
var<workgroup> hist: array<atomic<u32>, ${radix}>;
${KEY_OF_WGSL}
${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(${DISPATCH_BLOCK})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  ${FLAT_WID}
  for (var d = t; d < ${radix}u; d += ${DISPATCH_BLOCK}u) { atomicStore(&hist[d], 0u); }
  workgroupBarrier();
  let i = b * ${DISPATCH_BLOCK}u + t;
  if (i < params.total) { atomicAdd(&hist[(key_of(i) >> params.shift) & params.mask], 1u); }
  workgroupBarrier();
  for (var d = t; d < ${radix}u; d += ${DISPATCH_BLOCK}u) { digitCounts[d * params.blocks + b] = atomicLoad(&hist[d]); }
}
`,
  });
}

const SCAN_W = 256;

/** The scan program (one workgroup, one module for every shape). */
const RADIX_SCAN = defineProgram({
  name: 'dispatch_radix_scan',
  bindings: { digitCounts: { access: 'read_write', type: 'u32' } },
  uniforms: { L: 'u32' },
  workgroupSize: SCAN_W,
  source: /* wgsl */ `var<workgroup> part: array<u32, ${SCAN_W}>;
@compute @workgroup_size(${SCAN_W})
fn main(@builtin(local_invocation_index) t: u32) {
  let L = params.L;
  let chunk = (L + ${SCAN_W - 1}u) / ${SCAN_W}u;
  let lo = min(t * chunk, L);
  let hi = min(lo + chunk, L);
  var sum = 0u;
  for (var i = lo; i < hi; i++) { sum += digitCounts[i]; }
  part[t] = sum;
${workgroupInclusiveScanWgsl('part', SCAN_W)}
  var run = 0u;
  if (t > 0u) { run = part[t - 1u]; }
  for (var i = lo; i < hi; i++) {
    let c = digitCounts[i];
    digitCounts[i] = run;
    run += c;
  }
}
`,
});

/** Radix pass, kernel 2 (one workgroup): exclusive scan of digitCounts [radix·blocks] in place. Bindings: digitCounts, params. */
export function dispatchRadixScanKernel(s: DispatchShape): Kernel {
  return RADIX_SCAN.kernel([1, 1, 1], { L: dispatchRadix(s.n).radix * dispatchBlocks(s) });
}

/**
 * Radix pass, kernel 3: stable scatter of (key, value) to base[digit, block] + rank. In the first
 * pass the value is the pair index itself (valsIn is bound but unread). The last pass writes the
 * sorted keys and, instead of the values, the results: sourceRow[slot] = row of the pair and
 * position[pair] = slot (−1 for expert −1). Bindings: keysIn, valsIn (i32), digitCounts (u32,
 * scanned), keysOut, then valsOut (i32) — or, in the last pass, sourceRow and position — params.
 */
export function dispatchRadixScatterKernel(s: DispatchShape, pass: number): Kernel {
  const r = dispatchRadix(s.n);
  const program = pass === r.passes - 1 ? RADIX_SCATTER_LAST : RADIX_SCATTER;
  return program.kernel(grid1d(dispatchBlocks(s)), sortUniforms(s, pass * r.digitBits, pass === 0));
}

/** The scatter program of a middle pass (`last` false: writes valsOut) or the last pass (writes sourceRow, position). */
function radixScatterProgram(last: boolean) {
  const outs = last ? ['sourceRow', 'position'] : ['valsOut'];
  return defineProgram({
    name: 'dispatch_radix_scatter',
    bindings: {
      keysIn: { access: 'read', type: 'i32' },
      valsIn: { access: 'read', type: 'i32' },
      digitCounts: { access: 'read', type: 'u32' },
      keysOut: { access: 'read_write', type: 'i32' },
      ...Object.fromEntries(outs.map((o) => [o, { access: 'read_write', type: 'i32' } as const])),
    },
    uniforms: SORT_UNIFORMS,
    workgroupSize: DISPATCH_BLOCK,
    source: /* wgsl */ `${last ? '// last pass\n' : ''}${DIGIT_RANK_WGSL}
${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(${DISPATCH_BLOCK})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  ${FLAT_WID}
  let x = digit_rank(b, t);
  if (x.x < 0) { return; }
  let i = b * ${DISPATCH_BLOCK}u + t;
  var v = i32(i);
  if (params.first == 0u) { v = valsIn[i]; }
  let dest = digitCounts[u32(x.y) * params.blocks + b] + u32(x.z);
  keysOut[dest] = x.x;
${
    last
      ? `  if (u32(x.x) < params.n) {
    sourceRow[dest] = v / i32(params.k);
    position[v] = i32(dest);
  } else {
    position[v] = -1;
  }`
      : '  valsOut[dest] = v;'
  }
}
`,
  });
}

const RADIX_SCATTER = radixScatterProgram(false);
const RADIX_SCATTER_LAST = radixScatterProgram(true);

/** Names of the buffers the sort dispatch binds (inputs, outputs and scratch). */
export type DispatchBufferName =
  | 'indices' | 'keysA' | 'valsA' | 'keysB' | 'valsB' | 'digitCounts' | 'sourceRow' | 'position' | 'offsets' | 'tileMap' | 'tileCount' | 'activeList';

/** One dispatch of the sort: the kernel and, per binding, which named buffer it takes. */
export interface DispatchSortStep {
  readonly kernel: Kernel;
  readonly bind: Readonly<Record<string, DispatchBufferName>>;
}

/**
 * The whole sort dispatch in order. N·k ≤ SMALL_SORT_MAX: the one-workgroup sort (indices → keysA,
 * sourceRow, position, tile map, tileCount, activeList), then offsets: 2 dispatches. Otherwise per
 * radix pass count, scan, scatter (indices → A → B → A …; the last scatter writes sourceRow and
 * position), then index (tile map, tileCount, activeList) and offsets: 3·passes + 2 dispatches.
 * Scratch sizes: `dispatchSortScratch`; tileMap holds 4·maxTiles i32, tileCount 1 (or more) i32,
 * activeList n + 1 i32.
 */
export function dispatchSortSteps(s: DispatchShape): DispatchSortStep[] {
  const outs = { tileMap: 'tileMap', tileCount: 'tileCount', activeList: 'activeList' } as const;
  if (s.N * s.k <= SMALL_SORT_MAX) {
    return [
      { kernel: dispatchSortSmallKernel(s), bind: { keysIn: 'indices', keysOut: 'keysA', sourceRow: 'sourceRow', position: 'position', ...outs } },
      { kernel: dispatchOffsetsKernel(s), bind: { keys: 'keysA', offsets: 'offsets' } },
    ];
  }
  const { passes } = dispatchRadix(s.n);
  const steps: DispatchSortStep[] = [];
  const scan = dispatchRadixScanKernel(s);
  let keysIn: DispatchBufferName = 'indices';
  let valsIn: DispatchBufferName = 'indices';
  for (let p = 0; p < passes; p++) {
    const [keysOut, valsOut]: [DispatchBufferName, DispatchBufferName] = p % 2 === 0 ? ['keysA', 'valsA'] : ['keysB', 'valsB'];
    steps.push({ kernel: dispatchRadixCountKernel(s, p), bind: { keysIn, digitCounts: 'digitCounts' } });
    steps.push({ kernel: scan, bind: { digitCounts: 'digitCounts' } });
    const last: Record<string, DispatchBufferName> = p === passes - 1 ? { sourceRow: 'sourceRow', position: 'position' } : { valsOut };
    steps.push({ kernel: dispatchRadixScatterKernel(s, p), bind: { keysIn, valsIn, digitCounts: 'digitCounts', keysOut, ...last } });
    [keysIn, valsIn] = [keysOut, valsOut];
  }
  steps.push({ kernel: dispatchIndexKernel(s), bind: { keys: keysIn, ...outs } });
  steps.push({ kernel: dispatchOffsetsKernel(s), bind: { keys: keysIn, offsets: 'offsets' } });
  return steps;
}
