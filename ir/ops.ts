/**
 * The op set of the moec IR: every op's name, its typed parameters and its documented semantics.
 * This file is the contract between the frontend (which emits ops), the passes (which rewrite
 * them), the CPU reference interpreter (which defines what they compute, from the paper's
 * equations) and the WGSL codegen (which must agree with the interpreter). Rule tables elsewhere
 * are keyed by `OpName` with a mapped type, so adding an op here fails to compile until every
 * table (shape inference, interpretation, lowering, ...) handles it.
 *
 * Conventions: matrices are row-major; "rows" are the leading dimension(s) flattened; a value
 * `i32` tensor holds integer indices. Randomness is never implicit: ops that draw random numbers
 * name an RNG `stream` and a `rowOffset`, and the draw for element (row, col) is a pure function
 * of (seed, step, stream, rowOffset + row, col) — see `ir/rng.ts` — so CPU and GPU draw the same
 * numbers and batching rows over time does not change them.
 */

/** Parameters of each op. An op with no parameters has `{}`. */
export interface OpParams {
  // ---- dense linear algebra and elementwise ----------------------------------------------------
  /** a [M,K] · b [K,N] → [M,N]. */
  matmul: Record<string, never>;
  /** Elementwise a + b, same types. */
  add: Record<string, never>;
  /** Elementwise a · b, same types. */
  mul: Record<string, never>;
  /** Sum of any number (≥ 1) of same-typed inputs (accumulated in f64, rounded once). */
  addN: Record<string, never>;
  /** x [..., N] + b [N] (bias broadcast over the leading dims). */
  biasAdd: Record<string, never>;
  /** x · value. */
  scale: { value: number };
  /** max(x, 0). */
  relu: Record<string, never>;
  /** 1 / (1 + exp(−x)). */
  sigmoid: Record<string, never>;
  /** tanh(x). */
  tanh: Record<string, never>;
  /** log(1 + exp(x)), computed stably: max(x,0) + log1p(exp(−|x|)). */
  softplus: Record<string, never>;
  /** Softmax over the last dimension (max-subtracted). */
  softmax: Record<string, never>;
  /** Sum of all elements → scalar f32[]. */
  sum: Record<string, never>;

  // ---- shape manipulation -----------------------------------------------------------------------
  /** Same elements, new shape (element count must match). */
  reshape: { shape: number[] };
  /** x [T, ...rest] → x[index] of shape [...rest]. */
  select0: { index: number };
  /** k inputs of type [...s] → [k, ...s] (inverse of select0 over all indices). */
  stack0: Record<string, never>;
  /** x [..., n] → x[..., start:end]. Works for f32 and i32. */
  sliceLast: { start: number; end: number };

  // ---- sequence / language-model layers ----------------------------------------------------------
  /** (table [V,D], ids i32[...s]) → [...s, D]; ids outside [0,V) are an error at run time. */
  embedding: Record<string, never>;
  /**
   * LSTM over a whole sequence. Inputs: x [T,B,D], wx [D,4H], wh [H,4H], b [4H], h0 [B,H],
   * c0 [B,H]. Outputs: h [T,B,H], hT [B,H], cT [B,H]. Gate order in the 4H axis: i, f, g, o:
   * z = x_t·wx + h_{t−1}·wh + b; i = σ(z_i), f = σ(z_f), g = tanh(z_g), o = σ(z_o);
   * c_t = f·c_{t−1} + i·g; h_t = o·tanh(c_t).
   */
  lstm: Record<string, never>;
  /**
   * Inverted dropout: in training, x · mask / (1 − rate) with mask = (u ≥ rate), u the uniform
   * draw of (stream, row, col) with rows = leading dims flattened; identity in evaluation.
   */
  dropout: { rate: number; stream: number };
  /**
   * (logits [N,V], labels i32 [N]) → scalar mean over rows of −log softmax(logits)[label].
   */
  softmaxCrossEntropy: Record<string, never>;

  // ---- Mixture-of-Experts: unfused gating pieces (as the DSL traces them) ------------------------
  /**
   * Noise scale of noisy top-k gating (paper Eq. 4): training → softplus(x) + eps; evaluation →
   * exactly 0 (no noise at inference, so the load estimator becomes a step and never divides by 0).
   */
  noiseStd: { eps: number };
  /** Standard normal draws of the given shape [N, n] from (stream, rowOffset + row, col). */
  randomNormal: { shape: number[]; stream: number; rowOffset: number };
  /**
   * Top-k along the last dim of x [N,n]: values [N,k] descending, indices i32 [N,k]. Ties are
   * broken by the lower index, so the selection equals a stable sort by (−value, index).
   */
  topk: { k: number };

  // ---- Mixture-of-Experts: fused and layer-level ops ----------------------------------------------
  /**
   * Fused noisy top-k gating (paper Eq. 3-5). Inputs: x [N,D], wg [D,n], then wn [D,n] when
   * `noisy`, then noise [N,n] when `explicitNoise` (otherwise drawn as randomNormal(stream,
   * rowOffset)). clean = x·wg; sigma = noiseStd(x·wn) (0 when not noisy or in evaluation);
   * noisy = clean + noise·sigma; top-(k+1) of noisy (ties → lower index). Outputs:
   * indices i32 [N,k] (the top k), gates [N,k] = softmax over the top-k noisy values,
   * clean [N,n], sigma [N,n], topValues [N,min(k+1,n)] (the top k+1 noisy values, descending;
   * only n of them when k = n).
   */
  gating: { k: number; noisy: boolean; eps: number; stream: number; rowOffset: number; explicitNoise: boolean };
  /**
   * Smooth load estimator (paper Eq. 8-10). Inputs clean [N,n], sigma [N,n], topValues [N,k+1],
   * indices i32 [N,k]. For each row x and expert i: thr = topValues[k] (the (k+1)-th) when i is
   * among the row's indices, else topValues[k−1] (the k-th); P = Φ((clean_i − thr)/sigma_i) when
   * sigma_i > 0, else the step (clean_i ≥ thr for selected experts, clean_i > thr otherwise), so
   * the load equals the hard count at sigma = 0. When k = n every expert is selected and P = 1
   * (there is no (k+1)-th value). topValues is [N, min(k+1, n)]. Output: load [n] = Σ_x P(x, i).
   */
  loadEstimate: { k: number };
  /** Importance (paper Eq. 6): (gates [N,k], indices i32 [N,k]) → [n], Σ_x gate(x, i). */
  importance: { n: number };
  /** CV² of a vector [n] (paper Eq. 7, 11): var/(mean² + 1e-10), population variance. → f32[]. */
  cvSquared: Record<string, never>;
  /**
   * Dispatch (counting sort by expert): indices i32 [N,k] → sourceRow i32 [N·k] (the row of x
   * that fills each expert-ordered slot), position i32 [N,k] (the slot that (row, j) went to) and
   * offsets i32 [n+1] (expert e owns slots offsets[e] .. offsets[e+1]−1). Stable: within an expert,
   * slots are ordered by (row, j). Deterministic, no atomics.
   */
  moeDispatch: { n: number };
  /**
   * Grouped expert FFN over expert-contiguous segments. Inputs: x [N,D], sourceRow i32 [S],
   * offsets i32 [n+1], w1 [n,D,H], b1 [n,H], w2 [n,H,D], b2 [n,Dout]. For slot s of expert e:
   * y[s] = relu(x[sourceRow[s]]·w1[e] + b1[e])·w2[e] + b2[e]. Output y [S, Dout].
   */
  expertFfn: Record<string, never>;
  /**
   * Combine by gather: (y [S,D], position i32 [N,k], gates [N,k]) → [N,D], out[x] = Σ_j
   * gates[x,j] · y[position[x,j]] summed in j order (deterministic).
   */
  moeCombine: Record<string, never>;
}

/** Every op name. */
export type OpName = keyof OpParams;

/** All op names, in declaration order (kept in sync with OpParams by the `satisfies` check). */
export const OP_NAMES = [
  'matmul', 'add', 'mul', 'addN', 'biasAdd', 'scale', 'relu', 'sigmoid', 'tanh', 'softplus', 'softmax', 'sum',
  'reshape', 'select0', 'stack0', 'sliceLast',
  'embedding', 'lstm', 'dropout', 'softmaxCrossEntropy',
  'noiseStd', 'randomNormal', 'topk',
  'gating', 'loadEstimate', 'importance', 'cvSquared', 'moeDispatch', 'expertFfn', 'moeCombine',
] as const satisfies readonly OpName[];

// Compile-time check that OP_NAMES lists every op exactly (fails to compile if one is missing).
type MissingOps = Exclude<OpName, (typeof OP_NAMES)[number]>;
const _allOpsListed: MissingOps extends never ? true : MissingOps = true;
void _allOpsListed;

/** True when `s` names an op. */
export function isOpName(s: string): s is OpName {
  return (OP_NAMES as readonly string[]).includes(s);
}

/** The JSON kind of one op parameter, for validating graphs read from files. */
export type ParamKind = 'number' | 'integer' | 'boolean' | 'integer[]';

/** Every op's parameter names and kinds (a mapped type: a new op or param must be listed here). */
export const PARAM_SCHEMA: { [O in OpName]: { [K in keyof OpParams[O]]-?: ParamKind } } = {
  matmul: {}, add: {}, mul: {}, addN: {}, biasAdd: {}, scale: { value: 'number' },
  relu: {}, sigmoid: {}, tanh: {}, softplus: {}, softmax: {}, sum: {},
  reshape: { shape: 'integer[]' }, select0: { index: 'integer' }, stack0: {}, sliceLast: { start: 'integer', end: 'integer' },
  embedding: {}, lstm: {}, dropout: { rate: 'number', stream: 'integer' }, softmaxCrossEntropy: {},
  noiseStd: { eps: 'number' }, randomNormal: { shape: 'integer[]', stream: 'integer', rowOffset: 'integer' }, topk: { k: 'integer' },
  gating: { k: 'integer', noisy: 'boolean', eps: 'number', stream: 'integer', rowOffset: 'integer', explicitNoise: 'boolean' },
  loadEstimate: { k: 'integer' }, importance: { n: 'integer' }, cvSquared: {}, moeDispatch: { n: 'integer' },
  expertFfn: {}, moeCombine: {},
};

/** Returns a list of problems with `params` for `op` (unknown, missing or mistyped keys). */
export function checkParams(op: OpName, params: Record<string, unknown>): string[] {
  const schema = PARAM_SCHEMA[op] as Record<string, ParamKind>;
  const problems: string[] = [];
  for (const key of Object.keys(params)) {
    if (!(key in schema)) problems.push(`unknown param '${key}' (${op} takes ${Object.keys(schema).join(', ') || 'none'})`);
  }
  for (const [key, kind] of Object.entries(schema)) {
    const v = params[key];
    const ok =
      kind === 'number' ? typeof v === 'number' && Number.isFinite(v)
      : kind === 'integer' ? Number.isInteger(v)
      : kind === 'boolean' ? typeof v === 'boolean'
      : Array.isArray(v) && v.every((d) => Number.isInteger(d));
    if (!ok) problems.push(`param '${key}' must be ${kind === 'integer[]' ? 'an array of integers' : `a ${kind}`}, got ${JSON.stringify(v)}`);
  }
  return problems;
}
