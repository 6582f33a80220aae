/**
 * Public gating API: one call that runs noisy top-k gating on plain arrays and returns everything a
 * user (or a kernel test) wants to inspect — the routing (indices, sparse and dense gates), the
 * balancing statistics (importance, smooth load) and the auxiliary losses of the paper
 * (w_importance·CV²(importance) + w_load·CV²(load)). Inputs are validated up front with messages
 * that name the shapes and say how to fix them. Built on ir/reference/gating.ts.
 */
import type { FloatArray, Precision } from '../tensor.ts';
import { cvSquared, gatingForward, importance as importanceOf, loadEstimate, type GatingArgs } from './gating.ts';

/** Options of `evaluateGating`. Matrices are flat row-major arrays. */
export interface GatingOptions {
  /** Input rows x, [rows, width]. */
  x: ArrayLike<number>;
  /** Gate weights Wg, [width, experts]. */
  wGate: ArrayLike<number>;
  /** Noise weights Wnoise, [width, experts]. Present → noisy gating (noise only in training). */
  wNoise?: ArrayLike<number>;
  /** Explicit standard-normal noise [rows, experts] instead of the RNG draw (needs wNoise). */
  noise?: ArrayLike<number>;
  /** Number of rows N (batch positions). */
  rows: number;
  /** Input width D. */
  width: number;
  /** Number of experts n. */
  experts: number;
  /** Experts per row k, 1 ≤ k ≤ experts. */
  k: number;
  /** Training mode (noise on, smooth load estimator). Default false: evaluation, no noise, load = hard count. */
  training?: boolean;
  /** RNG seed (u32), default 0. */
  seed?: number;
  /** RNG step (u32), default 0. */
  step?: number;
  /** RNG stream of the gating noise, default 0. */
  stream?: number;
  /** Row offset of the draws, default 0. */
  rowOffset?: number;
  /** ε added to softplus in the noise scale, default 1e-2 (as tensor2tensor's noise_epsilon). */
  eps?: number;
  /** Weight of the importance loss, default 0.1. */
  wImportance?: number;
  /** Weight of the load loss, default 0.1. */
  wLoad?: number;
  /** Storage precision of float results, default 'f32'. */
  precision?: Precision;
}

/** Result of `evaluateGating`. */
export interface GatingReport {
  /** i32 [rows, k]: selected experts per row, by descending noisy logit (ties → lower index). */
  indices: Int32Array;
  /** [rows, k]: gate of each selected expert (softmax over the k selected noisy logits). */
  gates: FloatArray;
  /** [rows, experts]: the same gates scattered densely, zeros for unselected experts. */
  denseGates: FloatArray;
  /** [rows, experts]: clean logits x·Wg. */
  clean: FloatArray;
  /** [rows, experts]: noise scale (0 in evaluation or without wNoise). */
  sigma: FloatArray;
  /** [rows, min(k+1, experts)]: top noisy logits, descending. */
  topValues: FloatArray;
  /** [experts]: Σ over rows of each expert's gate (paper Eq. 6). */
  importance: FloatArray;
  /** [experts]: smooth load Σ_x P(x, i) (paper Eq. 10); the hard count of selections in evaluation. */
  load: FloatArray;
  /** CV² (squared coefficient of variation, var/(mean² + 1e-10)) of importance. */
  cvImportance: number;
  /** CV² of load. */
  cvLoad: number;
  /** wImportance · CV²(importance) (paper Eq. 7). */
  importanceLoss: number;
  /** wLoad · CV²(load) (paper Eq. 11). */
  loadLoss: number;
  /** importanceLoss + loadLoss. */
  loss: number;
}

function fail(msg: string): never {
  throw new Error(`evaluateGating: ${msg}`);
}

function posInt(v: number, name: string, min: number): void {
  if (!Number.isInteger(v) || v < min) fail(`${name} must be an integer ≥ ${min}, got ${v}`);
}

function u32(v: number, name: string): void {
  if (!(Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) fail(`${name} must be an integer in [0, 2³²), got ${v}`);
}

function len(a: ArrayLike<number> | undefined, name: string, shape: string, want: number, fix: string): void {
  if (a && a.length !== want) fail(`${name} has ${a.length} elements but ${shape} needs ${want}; ${fix}`);
}

/**
 * Runs noisy top-k gating and the balancing losses on plain arrays. Throws an `evaluateGating: …`
 * error naming the offending argument, the shapes involved and the fix, e.g. for k > experts, k < 1,
 * or arrays whose length does not match rows/width/experts.
 */
export function evaluateGating(o: GatingOptions): GatingReport {
  const { x, wGate, wNoise, noise, rows: N, width: D, experts: n, k } = o;
  posInt(N, 'rows', 0);
  posInt(D, 'width', 1);
  posInt(n, 'experts', 1);
  if (!Number.isInteger(k)) fail(`k must be an integer, got ${k}`);
  if (k < 1) fail(`k = ${k}: each row must use at least one expert; pass k ≥ 1`);
  if (k > n) fail(`k = ${k} exceeds the number of experts (${n}); pass k ≤ ${n} or add experts`);
  len(x, 'x', `[rows=${N}, width=${D}]`, N * D, 'x is row-major [rows, width]');
  len(wGate, 'wGate', `[width=${D}, experts=${n}]`, D * n, 'wGate is row-major [width, experts]');
  len(wNoise, 'wNoise', `[width=${D}, experts=${n}]`, D * n, 'wNoise is row-major [width, experts], like wGate');
  len(noise, 'noise', `[rows=${N}, experts=${n}]`, N * n, 'noise is row-major [rows, experts]');
  if (noise && !wNoise) fail('noise was given without wNoise; explicit noise scales by softplus(x·wNoise), so pass wNoise too');
  const seed = o.seed ?? 0;
  const step = o.step ?? 0;
  const stream = o.stream ?? 0;
  const rowOffset = o.rowOffset ?? 0;
  u32(seed, 'seed');
  u32(step, 'step');
  u32(stream, 'stream');
  u32(rowOffset, 'rowOffset');
  const eps = o.eps ?? 1e-2;
  if (!(eps >= 0)) fail(`eps must be ≥ 0, got ${eps}`);
  const wImportance = o.wImportance ?? 0.1;
  const wLoad = o.wLoad ?? 0.1;
  const precision = o.precision ?? 'f32';

  const args: GatingArgs = {
    x, wg: wGate, N, D, n, k, eps, noisy: wNoise !== undefined, training: o.training ?? false, seed, step, stream, rowOffset,
  };
  if (wNoise) args.wn = wNoise;
  if (noise) args.noise = noise;
  const g = gatingForward(args, precision);
  const denseGates = new (precision === 'f64' ? Float64Array : Float32Array)(N * n);
  for (let r = 0; r < N; r++) for (let j = 0; j < k; j++) denseGates[r * n + g.indices[r * k + j]!] = g.gates[r * k + j]!;
  const importance = importanceOf(g.gates, g.indices, N, k, n, precision);
  const load = loadEstimate({ clean: g.clean, sigma: g.sigma, topValues: g.topValues, indices: g.indices, N, n, k }, precision);
  const cvImportance = cvSquared(importance);
  const cvLoad = cvSquared(load);
  const importanceLoss = wImportance * cvImportance;
  const loadLoss = wLoad * cvLoad;
  return {
    indices: g.indices, gates: g.gates, denseGates, clean: g.clean, sigma: g.sigma, topValues: g.topValues,
    importance, load, cvImportance, cvLoad, importanceLoss, loadLoss, loss: importanceLoss + loadLoss,
  };
}
