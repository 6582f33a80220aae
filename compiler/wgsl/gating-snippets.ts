/**
 * WGSL snippets shared by the gating kernels (flat, row-wise after the GEMM, hierarchical): the
 * noise-scale softplus in the reference's form max(v, 0) + log1p(exp(−|v|)) (log1p by its atanh
 * series, accurate for tiny arguments where WGSL's log(1 + u) loses everything), the top-k order
 * of ir/reference/gating.ts topkBefore (value descending, index ascending, −0 and +0 tie, NaN after
 * every number, NaNs among themselves by index; NaN found from the bit pattern) and a top-k
 * selection that is not bounded by workgroup memory: each invocation keeps a private sorted
 * top-KT of the columns it scans (any number of columns), then KT rounds of a fixed-order tree
 * argmax over the invocations' heads pick the row's top-KT. The order is total on (value, index)
 * pairs with distinct indices, so the selected set and its order equal the reference's whatever
 * the strides.
 */

/** WGSL `gs_softplus(v)`: max(v, 0) + log1p(exp(−|v|)), the reference's form. */
export const SOFTPLUS_WGSL = /* wgsl */ `
// log(1 + t) for t in [0, 1]: 2·atanh(s), s = t / (2 + t) ≤ 1/3, by its odd series (no cancellation).
fn gs_log1p01(t: f32) -> f32 {
  let s = t / (2.0 + t);
  let s2 = s * s;
  let p = 1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 * (1.0 / 11.0 +
    s2 * (1.0 / 13.0 + s2 * (1.0 / 15.0 + s2 * (1.0 / 17.0 + s2 / 19.0))))))));
  return 2.0 * s * p;
}
fn gs_softplus(v: f32) -> f32 { return max(v, 0.0) + gs_log1p01(exp(-abs(v))); }
fn gs_sigmoid(v: f32) -> f32 { if (v >= 0.0) { return 1.0 / (1.0 + exp(-v)); } let e = exp(v); return e / (1.0 + e); }
`;

/** WGSL `gs_before(va, ia, vb, ib)`: (va, ia) strictly before (vb, ib); index TOPK_NONE sorts last. */
export const TOPK_ORDER_WGSL = /* wgsl */ `
const TOPK_NONE = 0xffffffffu;
fn gs_is_nan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
// Monotone u32 key of the value order: NaN → 0 (below every number), −0 and +0 → the same key.
fn gs_key(v: f32) -> u32 {
  let b = bitcast<u32>(v);
  let m = b & 0x7fffffffu;
  var k = select(b | 0x80000000u, ~b, b >= 0x80000000u);
  k = select(k, 0x80000000u, m == 0u);
  return select(k, 0u, m > 0x7f800000u);
}
fn gs_before(va: f32, ia: u32, vb: f32, ib: u32) -> bool {
  let ka = gs_key(va);
  let kb = gs_key(vb);
  let wins = ka > kb || (ka == kb && ia < ib);
  return select(wins && ia != TOPK_NONE, ia != TOPK_NONE, ib == TOPK_NONE);
}
`;

/**
 * WGSL of the workgroup top-k selection for `wg` invocations split into segments of `lanes`
 * invocations (both powers of two), one segment per row, at most `kt` selected per row:
 * `topk_reset()`, `topk_offer(v, i)` (private insertion; offer columns in any order),
 * `topk_merge(t, count)` (call from uniform control flow with the same count ≤ kt everywhere, also
 * from invocations whose row does not exist; afterwards `topV[seg·kt + p]`, `topI[seg·kt + p]`,
 * p < count, seg = t / lanes, hold each segment's selection in order). Needs TOPK_ORDER_WGSL.
 * Workgroup memory: 8·(wg + kt·wg/lanes) bytes. Few lanes per row keep the merge cheap (kt rounds
 * of log2(lanes) barrier steps shared by wg/lanes rows).
 */
export function topkSelectWgsl(kt: number, wg: number, lanes: number): string {
  if (!Number.isInteger(Math.log2(wg)) || !Number.isInteger(Math.log2(lanes)) || lanes > wg) {
    throw new Error(`topkSelectWgsl: workgroup size ${wg} and lanes ${lanes} must be powers of two, lanes ≤ workgroup size`);
  }
  return /* wgsl */ `
const TOPK_KT = ${kt}u;
const TOPK_LANES = ${lanes}u;
var<private> tkV: array<f32, ${kt}>;
var<private> tkI: array<u32, ${kt}>;
var<private> tkLen: u32;
var<workgroup> redV: array<f32, ${wg}>;
var<workgroup> redI: array<u32, ${wg}>;
var<workgroup> topV: array<f32, ${kt * (wg / lanes)}>;
var<workgroup> topI: array<u32, ${kt * (wg / lanes)}>;
fn topk_reset() { tkLen = 0u; }
fn topk_offer(v: f32, i: u32) {
  if (tkLen == TOPK_KT && !gs_before(v, i, tkV[TOPK_KT - 1u], tkI[TOPK_KT - 1u])) { return; }
  var p = tkLen;
  if (tkLen < TOPK_KT) { tkLen++; } else { p = TOPK_KT - 1u; }
  loop {
    if (p == 0u) { break; }
    if (!gs_before(v, i, tkV[p - 1u], tkI[p - 1u])) { break; }
    tkV[p] = tkV[p - 1u];
    tkI[p] = tkI[p - 1u];
    p--;
  }
  tkV[p] = v;
  tkI[p] = i;
}
fn topk_merge(t: u32, count: u32) {
  let lane = t % TOPK_LANES;
  let base = t - lane;
  let seg = t / TOPK_LANES;
  var h = 0u;
  for (var p = 0u; p < count; p++) {
    var cv = 0.0;
    var ci = TOPK_NONE;
    if (h < tkLen) { cv = tkV[h]; ci = tkI[h]; }
    redV[t] = cv;
    redI[t] = ci;
    workgroupBarrier();
    for (var s = ${lanes / 2}u; s > 0u; s = s >> 1u) {
      if (lane < s && gs_before(redV[t + s], redI[t + s], redV[t], redI[t])) { redV[t] = redV[t + s]; redI[t] = redI[t + s]; }
      workgroupBarrier();
    }
    let wi = redI[base];
    if (lane == 0u) { topV[seg * TOPK_KT + p] = redV[base]; topI[seg * TOPK_KT + p] = wi; }
    if (ci != TOPK_NONE && ci == wi) { h++; }
    workgroupBarrier();
  }
}
`;
}
