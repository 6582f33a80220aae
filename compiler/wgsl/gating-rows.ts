/**
 * Row-wise noisy top-(k+1) of the flat gating for many experts (op `gating` when n is above
 * GATING_GEMM_MIN_EXPERTS): the logits come from the tiled GEMM (compiler/wgsl/matmul.ts) —
 * clean = x·Wg straight into the `clean` output and raw = x·Wnoise into the `sigma` output — and
 * this kernel, 64-invocation workgroups of 64/L rows with L lanes per row (`gatingRowsLanes`), turns raw into sigma = softplus(raw) + eps in
 * place (0 in evaluation or without noise), forms noisy = clean + z·sigma with z the Philox draw of
 * (seed, stream, step, rowOffset + row, col) — the same coordinates as the fused kernel and the
 * reference, so the noise is bit-equal — or read from an explicit noise buffer, and selects the
 * top min(k+1, n) noisy values with the private-top-k + fixed-order merge of gating-snippets.ts,
 * which holds no per-row array in workgroup memory, so n is unbounded. Writes indices, gates
 * (softmax over the top k), topValues. Shapes and the RNG site are uniforms; KT = min(k+1, n) is
 * compiled in.
 */
import { ceilDiv, FLAT_WORKGROUP_WGSL, grid1d, type Kernel } from './kernel.ts';
import { defineProgram, type Program, type UniformValues } from './program.ts';
import { philoxWgsl } from './philox.ts';
import { SOFTPLUS_WGSL, TOPK_ORDER_WGSL, topkSelectWgsl } from './gating-snippets.ts';

/** Options of the row-wise gating kernel (the logits are already in `clean` and `sigma`). */
export interface GatingRowsKernelOptions {
  readonly N: number;
  readonly n: number;
  readonly k: number;
  /** `sigma` holds raw = x·Wnoise on entry (else it is only written). */
  readonly noisy: boolean;
  /** Reads noise [N,n] from binding 'noise' instead of drawing it. */
  readonly explicitNoise: boolean;
  /** Training (sigma = softplus + eps) or evaluation (sigma = 0). Default true. */
  readonly train?: boolean;
  readonly eps: number;
  readonly seed: number;
  readonly stream: number;
  readonly step: number;
  readonly rowOffset: number;
  /** Invocations per row (a power of two ≤ 64); default `gatingRowsLanes(n)`. */
  readonly lanes?: number;
}

const WG = 64;

/**
 * Invocations per row of the row-wise top-k. Measured on lavapipe (kernel alone, ms for lanes
 * 8/16/32/64): 1024 rows × 1024 experts 163/246/342/364, 1024 × 8192 1319/1448/1851/2221,
 * 128 × 8192 89/129/173/257, 16 × 65536 98/112/142/146 — 8 lanes (one SIMD vector of the
 * adapter) win everywhere, more only lengthen the merge.
 */
export function gatingRowsLanes(_n: number): number {
  return 8;
}

/** Largest k + 1 the row-wise kernel selects (private arrays of that length per invocation). */
export const GATING_ROWS_TOP_MAX = 64;

/** The row-wise gating kernel's uniform fields (shapes, RNG site and step, mode). */
const ROWS_UNIFORMS = Object.freeze({ N: 'u32', n: 'u32', k: 'u32', kt: 'u32', seed: 'u32', stream: 'u32', step: 'u32', rowOffset: 'u32', train: 'u32', eps: 'f32' } as const);

/**
 * The row-wise gating program of `o`'s variant (noise mode, KT = min(k+1, n), lanes; the other
 * options are uniforms): build it once and pack each run's `gatingRowsUniformValues` with its
 * `uniformData`. Bindings: clean (read), sigma (read_write: raw in, sigma out), [noise],
 * [normTables], indices (i32), gates, topValues, params.
 */
export function gatingRowsProgram(o: GatingRowsKernelOptions): Program<typeof ROWS_UNIFORMS> {
  const kt = Math.min(o.k + 1, o.n);
  if (!Number.isInteger(o.k) || o.k < 1 || o.k > o.n) throw new Error(`gating: k = ${o.k} must be an integer in [1, ${o.n}]`);
  if (kt > GATING_ROWS_TOP_MAX) throw new Error(`gating: k + 1 = ${kt} exceeds ${GATING_ROWS_TOP_MAX} (the row-wise top-k keeps k + 1 values per invocation); use k ≤ ${GATING_ROWS_TOP_MAX - 1}`);
  const lanes = o.lanes ?? gatingRowsLanes(o.n);
  const rows = WG / lanes;
  const drawn = o.noisy && !o.explicitNoise;
  const explicit = o.noisy && o.explicitNoise;
  const f32r = { access: 'read', type: 'f32' } as const;
  const f32w = { access: 'read_write', type: 'f32' } as const;
  const bindings = {
    clean: f32r,
    sigma: f32w,
    ...(explicit ? { noise: f32r } : {}),
    ...(drawn ? { normTables: f32r } : {}),
    indices: { access: 'read_write', type: 'i32' } as const,
    gates: f32w,
    topValues: f32w,
  };
  const noiseExpr = drawn ? 'normal_from_word(philox_word(params.seed, params.stream, params.step, row + params.rowOffset, col))' : 'noise[i]';
  const source = /* wgsl */ `// noisy=${o.noisy} explicit=${o.explicitNoise} kt=${kt} lanes=${lanes}
${FLAT_WORKGROUP_WGSL}
${drawn ? philoxWgsl() : ''}
${SOFTPLUS_WGSL}
${TOPK_ORDER_WGSL}
${topkSelectWgsl(kt, WG, lanes)}
const R = ${rows}u; // rows per workgroup, ${lanes} lanes each
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let seg = t / ${lanes}u;
  let lane = t % ${lanes}u;
  let row = flat_workgroup(wid, nwg) * R + seg;
  let live = row < params.N; // rows past N still join the merge's barriers
  let n = params.n;
  topk_reset();
  if (live) {
    for (var col = lane; col < n; col += ${lanes}u) {
      let i = row * n + col;
      let cl = clean[i];
      var sg = 0.0;
      ${o.noisy ? 'if (params.train != 0u) { sg = gs_softplus(sigma[i]) + params.eps; }' : ''}
      sigma[i] = sg;
      var nz = cl;
      ${o.noisy ? `if (sg != 0.0) { nz = cl + ${noiseExpr} * sg; }` : ''}
      topk_offer(nz, col);
    }
  }
  let kt = params.kt;
  topk_merge(t, kt);
  if (!live) { return; }
  let k = params.k;
  let tb = seg * TOPK_KT;
  for (var j = lane; j < kt; j += ${lanes}u) { topValues[row * kt + j] = topV[tb + j]; }
  let m = topV[tb];
  var s = 0.0;
  for (var j = 0u; j < k; j++) { s += exp(topV[tb + j] - m); }
  for (var j = lane; j < k; j += ${lanes}u) {
    indices[row * k + j] = i32(topI[tb + j]);
    gates[row * k + j] = exp(topV[tb + j] - m) / s;
  }
}
`;
  return defineProgram({ name: 'gating_rows', bindings, uniforms: ROWS_UNIFORMS, workgroupSize: WG, source });
}

/** The row-wise gating kernel's uniform values for `o` (kt = min(k + 1, n); train 1 unless `train` is false). */
export function gatingRowsUniformValues(o: GatingRowsKernelOptions): UniformValues<typeof ROWS_UNIFORMS> {
  const { N, n, k, seed, stream, step, rowOffset, eps } = o;
  return { N, n, k, kt: Math.min(k + 1, n), seed, stream, step, rowOffset, train: o.train === false ? 0 : 1, eps };
}

/** Row-wise gating kernel (`gatingRowsProgram`'s bindings): 64/L rows per workgroup (grid folded). */
export function gatingRowsKernel(o: GatingRowsKernelOptions): Kernel {
  const rows = WG / (o.lanes ?? gatingRowsLanes(o.n));
  return gatingRowsProgram(o).kernel(o.N === 0 ? [0, 1, 1] : grid1d(ceilDiv(o.N, rows)), gatingRowsUniformValues(o));
}

/**
 * From this many experts on, the `gating` op lowers to the tiled GEMM + `gatingRowsKernel` instead
 * of the fused kernel of gating.ts (which must stay below ~700 experts: it holds a row block's
 * logits in workgroup memory). Chosen by bench/gating.ts (N = 1024, D = 64, k = 4, lavapipe, host
 * loadavg ≈ 15, GPU ms fused / GEMM path): 13.6 / — at 16, 39.6 / 37.8 at 64, 119 / 33 at 128,
 * 206 / 97 at 256, 656 / 306 at 704 — a tie at 64, so the fused kernel keeps n < 128.
 */
export const GATING_GEMM_MIN_EXPERTS = 128;
