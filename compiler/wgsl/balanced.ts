/**
 * WGSL kernels of strictly balanced gating (paper App. F; ops `balancedGating`,
 * `balancedThresholdLoss`, `balancedGatingGrad`, `balancedThresholdLossGrad`). The gating is three
 * dispatches: `balanced_logits` (one invocation per element of L = x·Wg, f32 accumulation in d
 * order, also writing the logit's order-preserving u32 key transposed per expert),
 * `balanced_select` (one 256-invocation workgroup per expert: in training a radix select over
 * the expert's keys — three histogram passes and, only when the m-th key is tied across the cut,
 * one pass counting its ties in row order — gives the expert's cut (K*, cutEnd): it takes the m
 * rows first in the order (value desc, row asc, NaN last), O(N) per expert instead of the O(N²)
 * pairwise ranking it replaces; in evaluation it counts L > T_i for the load) and
 * `balanced_route` (one invocation per row: its used experts in increasing id — below the cut in
 * training, L > T_i in evaluation — padded with −1 and gate 0, gates = max-subtracted softmax
 * over the used logits). The training/evaluation switch is a uniform rebuilt per run, so one
 * pipeline serves both. The threshold loss is a per-row pass (O(n + kmax) per row for ascending
 * routing lists) and a fixed-order sum; its gradient counts M_t per expert column and M per expert
 * from the lists (exact integers); the gating gradient is one invocation per row (it owns its
 * dlogits row). All are deterministic: every output element has one writer and every float sum a
 * fixed order (the select's histogram and the gradient's list counts use integer atomics, whose
 * sums do not depend on order).
 */
import { ceilDiv, FLAT_WORKGROUP_WGSL, grid1d, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';

const INDEX = `let i = flat_workgroup(wid, nwg) * 64u + lid;`;
/** The entry point of the 64-wide flat-index kernels (`INDEX` gives the element), with the flat_workgroup helper. */
const MAIN64 = `${FLAT_WORKGROUP_WGSL}@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32)`;

/** Shapes of the balanced gating kernels. */
export interface BalancedShape {
  readonly N: number;
  readonly D: number;
  /** Experts. */
  readonly n: number;
  /** Rows per expert in training (k·N/n). */
  readonly m: number;
}

/**
 * WGSL `sort_key(v)`: the u32 key of an f32 logit in the order of the reference's `topkBefore`,
 * smaller key first: larger values first, −0 and +0 one key (they compare equal), NaN (any sign
 * or payload) last as 0xFFFFFFFF, which no number reaches (−∞ maps to 0xFF800000). Built from
 * the bits only, so no float comparison (and no NaN or denormal flushing) is involved. Ties of
 * (key) are broken by the lower row, so (key, row) is the reference's total order.
 */
const SORT_KEY_WGSL = /* wgsl */ `
fn sort_key(v: f32) -> u32 {
  var b = bitcast<u32>(v);
  if ((b & 0x7f800000u) == 0x7f800000u && (b & 0x007fffffu) != 0u) { return 0xffffffffu; }
  if ((b & 0x7fffffffu) == 0u) { b = 0u; }
  let ascending = select(b ^ 0x80000000u, ~b, (b & 0x80000000u) != 0u);
  return ~ascending;
}
`;

/** The order-preserving key of `sort_key` on the host (for tests): smaller key first. */
export function sortKeyHost(v: number): number {
  const f = new Float32Array([v]);
  let b = new Uint32Array(f.buffer)[0]!;
  if ((b & 0x7f800000) >>> 0 === 0x7f800000 && (b & 0x007fffff) !== 0) return 0xffffffff;
  if ((b & 0x7fffffff) === 0) b = 0;
  const ascending = b & 0x80000000 ? ~b >>> 0 : (b ^ 0x80000000) >>> 0;
  return ~ascending >>> 0;
}

const LOGITS = defineProgram({
  name: 'balanced_logits',
  bindings: {
    x: { access: 'read', type: 'f32' },
    wg: { access: 'read', type: 'f32' },
    logits: { access: 'read_write', type: 'f32' },
    keys: { access: 'read_write', type: 'u32' },
  },
  uniforms: { N: 'u32', D: 'u32', n: 'u32' },
  workgroupSize: 64,
  source: /* wgsl */ `// balanced_logits
${SORT_KEY_WGSL}
${MAIN64} {
  ${INDEX}
  if (i >= params.N * params.n) { return; }
  let r = i / params.n;
  let e = i % params.n;
  var acc = 0.0;
  for (var d = 0u; d < params.D; d++) { acc = fma(x[r * params.D + d], wg[d * params.n + e], acc); }
  logits[i] = acc;
  keys[e * params.N + r] = sort_key(acc);
}
`,
});

/**
 * balanced_logits: logits [N,n] = x [N,D] · wg [D,n], and each logit's `sort_key` into keys u32
 * [n,N] (transposed: an expert's column contiguous for balanced_select). Bindings x, wg, logits,
 * keys, params.
 */
export function balancedLogitsKernel(s: BalancedShape): Kernel {
  return LOGITS.kernel(grid1d(ceilDiv(s.N * s.n, 64)), { N: s.N, D: s.D, n: s.n });
}

const WS = 256;
/** Radix digits of the select, most significant first: [shift, bits]. 11 + 11 + 10 = 32. */
const DIGITS: readonly (readonly [number, number])[] = [
  [21, 11],
  [10, 11],
  [0, 10],
];
const BINS = 2048;

const PER = BINS / WS;
/** The three radix-digit passes of balanced_select (WGSL, unrolled at module load). */
const SELECT_PASSES = DIGITS.map(([shift, bits]) => {
  const hi = shift + bits >= 32 ? 0 : (~((1 << (shift + bits)) - 1)) >>> 0;
  return /* wgsl */ `
  { // digit bits [${shift}, ${shift + bits})
  for (var b = t; b < ${BINS}u; b += ${WS}u) { atomicStore(&hist[b], 0u); }
  workgroupBarrier();
  for (var r = t; r < N; r += ${WS}u) {
    let key = keys[base + r];
    if ((key & 0x${hi.toString(16)}u) == prefix) { atomicAdd(&hist[(key >> ${shift}u) & 0x${((1 << bits) - 1).toString(16)}u], 1u); }
  }
  workgroupBarrier();
  var ps = 0u;
  for (var b = t * ${PER}u; b < (t + 1u) * ${PER}u; b++) { ps += atomicLoad(&hist[b]); }
  part[t] = ps;
  workgroupBarrier();
  if (t == 0u) {
    // the bin holding the rem-th remaining row: whole chunks of ${PER} bins first, then bins
    var cum = 0u;
    var c = 0u;
    while (c < ${WS - 1}u && cum + part[c] < rem) { cum += part[c]; c++; }
    var bin = c * ${PER}u;
    var h = atomicLoad(&hist[bin]);
    while (bin < c * ${PER}u + ${PER - 1}u && cum + h < rem) { cum += h; bin++; h = atomicLoad(&hist[bin]); }
    sh = vec3<u32>(prefix | (bin << ${shift}u), rem - cum, h);
  }
  let found = workgroupUniformLoad(&sh);
  prefix = found.x;
  rem = found.y;
  ties = found.z;
  }
`;
}).join('');

const SELECT = defineProgram({
  name: 'balanced_select',
  bindings: {
    keys: { access: 'read', type: 'u32' },
    logits: { access: 'read', type: 'f32' },
    thresholds: { access: 'read', type: 'f32' },
    cut: { access: 'read_write', type: 'u32' },
    load: { access: 'read_write', type: 'f32' },
  },
  uniforms: { N: 'u32', n: 'u32', m: 'u32', train: 'u32' },
  workgroupSize: WS,
  source: /* wgsl */ `// balanced_select (one workgroup per expert: radix select of the top m)
var<workgroup> hist: array<atomic<u32>, ${BINS}>;
var<workgroup> part: array<u32, ${WS}>;
// (prefix, rem, ties) found by invocation 0 in each pass
var<workgroup> sh: vec3<u32>;
var<workgroup> shCut: u32;
@compute @workgroup_size(${WS})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let e = wid.x + wid.y * 65535u;
  if (e >= params.n) { return; }
  let N = params.N;
  let n = params.n;
  if (params.train == 0u) {
    let thr = thresholds[e];
    var count = 0u;
    for (var r = t; r < N; r += ${WS}u) {
      if (logits[r * n + e] > thr) { count++; }
    }
    part[t] = count;
    workgroupBarrier();
    for (var h = ${WS / 2}u; h > 0u; h >>= 1u) {
      if (t < h) { part[t] = part[t] + part[t + h]; }
      workgroupBarrier();
    }
    if (t == 0u) {
      load[e] = f32(part[0]);
      cut[2u * e] = 0u;
      cut[2u * e + 1u] = 0u;
    }
    return;
  }
  let mm = min(params.m, N);
  if (mm == 0u) {
    // key 0 is no number's key and rows < 0 do not exist: nothing is taken
    if (t == 0u) { cut[2u * e] = 0u; cut[2u * e + 1u] = 0u; load[e] = 0.0; }
    return;
  }
  let base = e * N;
  var prefix = 0u;
  var rem = mm;
  var ties = 0u;
${SELECT_PASSES}
  // prefix = K*, rem = rows with key K* to take (1 ≤ rem ≤ ties)
  var cutEnd = N;
  if (rem < ties) {
    let chunk = (N + ${WS - 1}u) / ${WS}u;
    let lo = min(N, t * chunk);
    let hi = min(N, lo + chunk);
    var c = 0u;
    for (var r = lo; r < hi; r++) { if (keys[base + r] == prefix) { c++; } }
    part[t] = c;
    workgroupBarrier();
    if (t == 0u) {
      var cum = 0u;
      var q = 0u;
      while (q < ${WS - 1}u && cum + part[q] < rem) { cum += part[q]; q++; }
      var r = q * chunk;
      loop {
        if (keys[base + r] == prefix) { cum++; if (cum == rem) { break; } }
        r++;
      }
      shCut = r + 1u;
    }
    cutEnd = workgroupUniformLoad(&shCut);
  }
  if (t == 0u) {
    cut[2u * e] = prefix;
    cut[2u * e + 1u] = cutEnd;
    load[e] = f32(mm);
  }
}
`,
});

/**
 * balanced_select: one 256-invocation workgroup per expert (grid folded over 65535). Training:
 * the per-expert top-m by a radix select on the expert's column of `keys` ([n,N], contiguous per
 * expert, written by balanced_logits): three histogram passes (11, 11, 10 bits of the key,
 * counted in 2048 workgroup bins over the rows whose higher bits match the prefix found so far)
 * find the key K* of the m-th row in the order (key, row) and how many rows with key K* are
 * taken (`rem`); when fewer than all of K*'s rows are taken, one more pass counts K*-rows in 256
 * contiguous row ranges and the rem-th one in row order gives `cutEnd` (ties to the lower row).
 * The expert takes the rows with key < K*, and the rows with key = K* and row < cutEnd — exactly
 * the m first in the reference's order. Output cut [2n] = (K*, cutEnd) per expert and load[e] = m
 * (the m selected by construction: the keys < K* number m − rem and rem ties are taken). The
 * histogram uses workgroup integer atomics (counts only: sums of ones, order-independent, so the
 * result is the same bits every run; no position is decided by an atomic). O(N) work per expert,
 * O(N·n) in all, 9 KiB of workgroup memory at any N. Evaluation: load[e] = #{rows: L > T_e} and
 * cut unused. Bindings keys u32 [n,N], logits [N,n], thresholds [n], cut u32 [2n] (written), load
 * [n] (written), params (N, n, m, train).
 */
export function balancedSelectKernel(s: BalancedShape & { readonly train: boolean }): Kernel {
  if (s.N * s.n > 0xffffffff) throw new Error(`balanced gating: N·n = ${s.N}·${s.n} exceeds the u32 index range; use fewer rows or experts`);
  return SELECT.kernel(grid1d(s.n), balancedSelectUniforms(s));
}

const ROUTE = defineProgram({
  name: 'balanced_route',
  bindings: {
    logits: { access: 'read', type: 'f32' },
    thresholds: { access: 'read', type: 'f32' },
    cut: { access: 'read', type: 'u32' },
    indices: { access: 'read_write', type: 'i32' },
    gates: { access: 'read_write', type: 'f32' },
  },
  uniforms: { N: 'u32', n: 'u32', train: 'u32' },
  workgroupSize: 64,
  source: /* wgsl */ `// balanced_route (one invocation per row)
${SORT_KEY_WGSL}
fn used(r: u32, e: u32, v: f32) -> bool {
  if (params.train == 0u) { return v > thresholds[e]; }
  let key = sort_key(v);
  let ks = cut[2u * e];
  return key < ks || (key == ks && r < cut[2u * e + 1u]);
}
${MAIN64} {
  ${INDEX}
  if (i >= params.N) { return; }
  let n = params.n;
  let o = i * n;
  var mx = 0.0;
  var c = 0u;
  for (var e = 0u; e < n; e++) {
    let v = logits[o + e];
    if (used(i, e, v)) {
      if (c == 0u || v > mx) { mx = v; }
      c++;
    }
  }
  var s = 0.0;
  for (var e = 0u; e < n; e++) {
    let v = logits[o + e];
    if (used(i, e, v)) { s += exp(v - mx); }
  }
  var j = 0u;
  for (var e = 0u; e < n; e++) {
    let v = logits[o + e];
    if (used(i, e, v)) {
      indices[o + j] = i32(e);
      gates[o + j] = exp(v - mx) / s;
      j++;
    }
  }
  for (; j < n; j++) {
    indices[o + j] = -1;
    gates[o + j] = 0.0;
  }
}
`,
});

/**
 * balanced_route: one invocation per row. Row r uses expert e when, in training, (sort_key(L), r)
 * comes before the expert's cut (key < K*, or key = K* and r < cutEnd); in evaluation when
 * L > T_e. Bindings logits [N,n], thresholds [n], cut u32 [2n], indices (i32 [N,n], written),
 * gates [N,n] (written), params (N, n, train).
 */
export function balancedRouteKernel(s: BalancedShape & { readonly train: boolean }): Kernel {
  return ROUTE.kernel(grid1d(ceilDiv(s.N, 64)), balancedRouteUniforms(s));
}

/** Shapes of the threshold-loss kernels: logits [N,n], indices [N,kmax]. */
export interface ThresholdShape {
  readonly N: number;
  readonly n: number;
  readonly kmax: number;
}

function thresholdUniforms(o: ThresholdShape): { N: number; n: number; kmax: number } {
  return { N: o.N, n: o.n, kmax: o.kmax };
}

const THRESHOLD_ROWS = defineProgram({
  name: 'balanced_threshold_rows',
  bindings: {
    logits: { access: 'read', type: 'f32' },
    thresholds: { access: 'read', type: 'f32' },
    indices: { access: 'read', type: 'i32' },
    partial: { access: 'read_write', type: 'f32' },
  },
  uniforms: { N: 'u32', n: 'u32', kmax: 'u32' },
  workgroupSize: 64,
  source: /* wgsl */ `// balanced_threshold_rows (one invocation per row)
${MAIN64} {
  ${INDEX}
  if (i >= params.N) { return; }
  let n = params.n;
  let kmax = params.kmax;
  let o = i * kmax;
  // ascending valid ids, then only −1: membership by one merge walk
  var sorted = true;
  var last = -1;
  var pad = false;
  for (var j = 0u; j < kmax; j++) {
    let v = indices[o + j];
    if (v == -1) { pad = true; } else {
      if (pad || v <= last || v >= i32(n)) { sorted = false; }
      last = v;
    }
  }
  var s = 0.0;
  var p = 0u;
  for (var e = 0u; e < n; e++) {
    var mb = false;
    if (sorted) {
      if (p < kmax && indices[o + p] == i32(e)) { mb = true; p++; }
    } else {
      for (var q = 0u; q < kmax; q++) { if (indices[o + q] == i32(e)) { mb = true; } }
    }
    let v = logits[i * n + e];
    let thr = thresholds[e];
    let mt = v > thr;
    if (mt != mb) { s += select(-1.0, 1.0, mt) * (v - thr); }
  }
  partial[i] = s;
}
`,
});

const THRESHOLD_SUM = defineProgram({
  name: 'balanced_threshold_sum',
  bindings: {
    partial: { access: 'read', type: 'f32' },
    out: { access: 'read_write', type: 'f32' },
  },
  uniforms: { N: 'u32', n: 'u32', kmax: 'u32' },
  workgroupSize: 256,
  source: /* wgsl */ `// balanced_threshold_sum (fixed-order sum of the row partials)
var<workgroup> red: array<f32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) t: u32) {
  var acc = 0.0;
  for (var r = t; r < params.N; r += 256u) { acc += partial[r]; }
  red[t] = acc;
  workgroupBarrier();
  for (var h = 128u; h > 0u; h >>= 1u) {
    if (t < h) { red[t] = red[t] + red[t + h]; }
    workgroupBarrier();
  }
  if (t == 0u) { out[0] = red[0]; }
}
`,
});

/**
 * The threshold loss (paper Eq. 20) in two dispatches: `balanced_threshold_rows`, one invocation
 * per row (grid folded), writes the row's Σ_i (M_t − M)(L − T) over the experts in order into
 * partial [N]; M(x,i) = [i ∈ indices[x,·]] is read by one merge walk when the row's list is
 * ascending with −1 padding at the end (every list balancedGating writes), O(n + kmax) per row,
 * else by scanning the list for each expert (any other list, O(n·kmax)); `balanced_threshold_sum`,
 * one 256-invocation workgroup, sums partial in a fixed order (row strides, then a tree) into out
 * [1]. Bindings rows: logits [N,n], thresholds [n], indices i32 [N,kmax], partial [N] (written),
 * params; sum: partial, out, params.
 */
export function balancedThresholdLossKernels(o: ThresholdShape): [Kernel, Kernel] {
  const u = thresholdUniforms(o);
  return [THRESHOLD_ROWS.kernel(grid1d(ceilDiv(o.N, 64)), u), THRESHOLD_SUM.kernel([1, 1, 1], u)];
}

const THRESHOLD_ZERO = defineProgram({
  name: 'balanced_threshold_zero',
  bindings: {
    counts: { access: 'read_write', type: 'i32' },
  },
  uniforms: { N: 'u32', n: 'u32', kmax: 'u32' },
  workgroupSize: 64,
  source: /* wgsl */ `// balanced_threshold_zero
${MAIN64} {
  ${INDEX}
  if (i < params.n) { counts[i] = 0; }
}
`,
});

const THRESHOLD_COUNT = defineProgram({
  name: 'balanced_threshold_count',
  bindings: {
    indices: { access: 'read', type: 'i32' },
    counts: { access: 'read_write', type: 'atomic<i32>' },
  },
  uniforms: { N: 'u32', n: 'u32', kmax: 'u32' },
  workgroupSize: 64,
  source: /* wgsl */ `// balanced_threshold_count (one invocation per row: its distinct experts)
${MAIN64} {
  ${INDEX}
  if (i >= params.N) { return; }
  let n = params.n;
  let kmax = params.kmax;
  let o = i * kmax;
  var ascending = true;
  var last = -1;
  for (var j = 0u; j < kmax; j++) {
    let v = indices[o + j];
    if (v < 0 || v >= i32(n)) { continue; }
    var first = true;
    if (ascending && v > last) { last = v; } else {
      ascending = false;
      for (var q = 0u; q < j; q++) { if (indices[o + q] == v) { first = false; } }
    }
    if (first) { atomicAdd(&counts[u32(v)], 1); }
  }
}
`,
});

const THRESHOLD_GRAD = defineProgram({
  name: 'balanced_threshold_grad',
  bindings: {
    logits: { access: 'read', type: 'f32' },
    thresholds: { access: 'read', type: 'f32' },
    counts: { access: 'read', type: 'i32' },
    dloss: { access: 'read', type: 'f32' },
    out: { access: 'read_write', type: 'f32' },
  },
  uniforms: { N: 'u32', n: 'u32', kmax: 'u32' },
  workgroupSize: 256,
  source: /* wgsl */ `// balanced_threshold_grad (one workgroup per expert)
var<workgroup> red: array<u32, 256>;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let e = wid.x + wid.y * 65535u;
  if (e >= params.n) { return; }
  let n = params.n;
  let thr = thresholds[e];
  var c = 0u;
  for (var r = t; r < params.N; r += 256u) { if (logits[r * n + e] > thr) { c++; } }
  red[t] = c;
  workgroupBarrier();
  for (var h = 128u; h > 0u; h >>= 1u) {
    if (t < h) { red[t] = red[t] + red[t + h]; }
    workgroupBarrier();
  }
  if (t == 0u) { out[e] = -dloss[0] * f32(i32(red[0]) - counts[e]); }
}
`,
});

/**
 * The threshold loss's vjp into T, dT_i = −dloss·(Σ_x M_t(x,i) − Σ_x M(x,i)), both sums exact
 * integer counts, in three dispatches: `balanced_threshold_zero` clears counts [n];
 * `balanced_threshold_count` (one invocation per row, grid folded) adds 1 to counts[i] for each
 * distinct expert i of the row's list (a repeat is recognised in O(1) while the list ascends, by
 * scanning the earlier entries otherwise; −1 and ids outside [0, n) count nothing) with integer
 * atomics — sums of ones, the same total in any order, so the result is deterministic;
 * `balanced_threshold_grad` (one 256-invocation workgroup per expert, grid folded) counts L > T_i
 * down the column with a fixed-order tree and writes out[i] = −dloss·(count − counts[i]).
 * Bindings zero: counts, params; count: indices, counts (atomic), params; grad: logits,
 * thresholds, counts, dloss [1], out [n], params.
 */
export function balancedThresholdGradKernels(o: ThresholdShape): [Kernel, Kernel, Kernel] {
  const u = thresholdUniforms(o);
  return [THRESHOLD_ZERO.kernel(grid1d(ceilDiv(o.n, 64)), u), THRESHOLD_COUNT.kernel(grid1d(ceilDiv(o.N, 64)), u), THRESHOLD_GRAD.kernel(grid1d(o.n), u)];
}

const GATING_GRAD = defineProgram({
  name: 'balanced_gating_grad',
  bindings: {
    gates: { access: 'read', type: 'f32' },
    indices: { access: 'read', type: 'i32' },
    dgates: { access: 'read', type: 'f32' },
    out: { access: 'read_write', type: 'f32' },
  },
  uniforms: { N: 'u32', n: 'u32', kmax: 'u32' },
  workgroupSize: 64,
  source: /* wgsl */ `// balanced gating gradient (softmax over the used experts, scattered)
${MAIN64} {
  ${INDEX}
  if (i >= params.N) { return; }
  let n = params.n;
  let kmax = params.kmax;
  var dot = 0.0;
  for (var j = 0u; j < kmax; j++) {
    if (indices[i * kmax + j] >= 0) { dot = fma(gates[i * kmax + j], dgates[i * kmax + j], dot); }
  }
  for (var e = 0u; e < n; e++) { out[i * n + e] = 0.0; }
  for (var j = 0u; j < kmax; j++) {
    let e = indices[i * kmax + j];
    if (e >= 0) { out[i * n + u32(e)] += gates[i * kmax + j] * (dgates[i * kmax + j] - dot); }
  }
}
`,
});

/**
 * balancedGatingGrad, one invocation per row (it owns its dlogits row). Bindings gates [N,kmax],
 * indices i32 [N,kmax], dgates [N,kmax], out [N,n] (written), params.
 */
export function balancedGatingGradKernel(o: { readonly N: number; readonly n: number; readonly kmax: number }): Kernel {
  return GATING_GRAD.kernel(grid1d(ceilDiv(o.N, 64)), { N: o.N, n: o.n, kmax: o.kmax });
}

function balancedSelectUniforms(s: BalancedShape & { readonly train: boolean }): { N: number; n: number; m: number; train: number } {
  return { N: s.N, n: s.n, m: s.m, train: s.train ? 1 : 0 };
}

function balancedRouteUniforms(s: BalancedShape & { readonly train: boolean }): { N: number; n: number; train: number } {
  return { N: s.N, n: s.n, train: s.train ? 1 : 0 };
}

/** The uniform block of `balancedSelectKernel(s)` (a per-run train/eval rewrite packs only this). */
export function balancedSelectUniformData(s: BalancedShape & { readonly train: boolean }): Uint32Array {
  return SELECT.uniformData(balancedSelectUniforms(s))!;
}

/** The uniform block of `balancedRouteKernel(s)` (a per-run train/eval rewrite packs only this). */
export function balancedRouteUniformData(s: BalancedShape & { readonly train: boolean }): Uint32Array {
  return ROUTE.uniformData(balancedRouteUniforms(s))!;
}
