/**
 * The layers of the moec DSL: embedding, (stackable) LSTM, dense, dropout, residual,
 * softmaxCrossEntropy, and the sparsely-gated MoE layer traced the way the paper applies it to a
 * sequence — once per timestep, with the gating left unfused (matmuls, noiseStd, randomNormal,
 * topk, sliceLast, softmax) so that passes can batch the timesteps and fuse the gating later.
 * Each layer validates its arguments at build time and throws a message naming the layer, the
 * shapes it got and the fix; parameters are graph inputs named `<layer>.<param>` with
 * uniform ±1/sqrt(fan_in) weights and zero biases (MoE gate and noise weights start at zero, as in
 * tensor2tensor's noisy_top_k_gating).
 */
import type { NodeTag } from '../ir/graph.ts';
import type { OpName, OpParams } from '../ir/ops.ts';
import { shapeEq } from '../ir/types.ts';
import { balancedMoe, type BalancedMoeOptions } from './balanced.ts';
import { shapeOf, type Tensor } from './builder.ts';
import { hierarchicalMoe, type HierarchicalMoeOptions } from './hierarchical.ts';
import { checkLayerCall, checkTensorArg, OTHER_SIGNATURES } from './layer-args.ts';
import { balancingLoss, checkF32, checkRank, expertBank, fail, gatingLogits, noiseAndLossWeights, sequenceShape, uniform, zeros } from './layer-helpers.ts';

// ---- validation helpers ---------------------------------------------------------------------------

/** Checks that `value` is an integer ≥ `min`. */
function checkSize(layer: string, key: string, value: unknown, min: number, context: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    fail(layer, `${key} must be an integer, got ${String(value)}${context}; pass a whole number such as ${Math.max(min, Math.round(Number(value)) || min)}`);
  }
  if (value < min) fail(layer, `${key} must be ≥ ${min}, got ${value}${context}`);
  return value;
}

/** Reshapes `x` to `shape` unless it already has it. */
function reshape(x: Tensor, shape: readonly number[], tag: NodeTag): Tensor {
  if (shapeEq(x.type.shape, shape)) return x;
  return x.ctx.op1('reshape', { shape: [...shape] }, [x], tag);
}

// ---- embedding -----------------------------------------------------------------------------------

/** Options of `embedding`. */
export interface EmbeddingOptions {
  readonly vocab: number;
  readonly width: number;
  readonly name?: string;
}

/**
 * Token embedding: ids i32 [...s] → f32 [...s, width]. Table `<name>.table` [vocab, width],
 * uniform ±1/sqrt(vocab) (the lookup is a matmul with a one-hot row, so fan_in = vocab).
 */
export function embedding(ids: Tensor, opts: EmbeddingOptions): Tensor {
  checkLayerCall('embedding', ids, opts);
  const ctx = ids.ctx;
  const name = ctx.layerName('embedding', opts.name);
  if (ids.type.dtype !== 'i32') fail(name, `expects i32 token ids, got ${ids.type.dtype}${shapeOf(ids)}`);
  const at = ` (ids ${shapeOf(ids)})`;
  const vocab = checkSize(name, 'vocab', opts.vocab, 2, at);
  const width = checkSize(name, 'width', opts.width, 1, at);
  const table = ctx.param(`${name}.table`, [vocab, width], uniform(vocab));
  return ctx.op1('embedding', {}, [table, ids], { layer: name });
}

// ---- LSTM ----------------------------------------------------------------------------------------

/** Options of `lstm`. */
export interface LstmOptions {
  readonly hidden: number;
  /** Number of stacked layers (default 1); each gets its own name `lstmN`. */
  readonly layers?: number;
  /** Name of the layer (with `layers > 1`: `<name>.<i>`). */
  readonly name?: string;
}

/**
 * LSTM over a sequence x [T,B,D] → [T,B,hidden], stacked `layers` times. Each layer declares
 * params `<l>.wx` [D,4H], `<l>.wh` [H,4H] (uniform ±1/sqrt(fan_in)), `<l>.b` [4H] (zeros),
 * state inputs `<l>.h0`, `<l>.c0` [B,H] (fed zeros by default) and outputs `<l>.hT`, `<l>.cT`.
 */
export function lstm(x: Tensor, opts: LstmOptions): Tensor {
  checkLayerCall('lstm', x, opts);
  const ctx = x.ctx;
  const layers = checkSize(opts.name ?? 'lstm', 'layers', opts.layers ?? 1, 1, '');
  let h = x;
  for (let i = 0; i < layers; i++) {
    const name = ctx.layerName('lstm', opts.name === undefined ? undefined : layers === 1 ? opts.name : `${opts.name}.${i}`);
    checkRank(name, h, 3, 'a sequence [T,B,D]');
    checkF32(name, h);
    const [, B, D] = h.type.shape as [number, number, number];
    const H = checkSize(name, 'hidden', opts.hidden, 1, ` (input ${shapeOf(h)})`);
    const tag = { layer: name };
    const wx = ctx.param(`${name}.wx`, [D, 4 * H], uniform(D));
    const wh = ctx.param(`${name}.wh`, [H, 4 * H], uniform(H));
    const b = ctx.param(`${name}.b`, [4 * H], zeros);
    const h0 = ctx.input(`${name}.h0`, 'f32', [B, H]);
    const c0 = ctx.input(`${name}.c0`, 'f32', [B, H]);
    const [seq, hT, cT] = ctx.op('lstm', {}, [h, wx, wh, b, h0, c0], tag) as [Tensor, Tensor, Tensor];
    ctx.output(`${name}.hT`, hT);
    ctx.output(`${name}.cT`, cT);
    ctx.lstmLayers.push({ name, hidden: H, stateInputs: [`${name}.h0`, `${name}.c0`] });
    h = seq;
  }
  return h;
}

// ---- dense ---------------------------------------------------------------------------------------

/** Options of `dense`. */
export interface DenseOptions {
  readonly units: number;
  /** Add a bias (default true). */
  readonly bias?: boolean;
  readonly name?: string;
}

/**
 * Affine map of the last dimension: x [..., D] → [..., units]. Params `<name>.w` [D, units]
 * (uniform ±1/sqrt(D)) and `<name>.b` [units] (zeros). Leading dims are flattened for the matmul.
 */
export function dense(x: Tensor, opts: DenseOptions): Tensor {
  checkLayerCall('dense', x, opts);
  const ctx = x.ctx;
  const name = ctx.layerName('dense', opts.name);
  checkF32(name, x);
  if (x.type.shape.length < 1) fail(name, `expects at least one dimension, got a scalar`);
  const shape = x.type.shape;
  const D = shape[shape.length - 1]!;
  const units = checkSize(name, 'units', opts.units, 1, ` (input ${shapeOf(x)})`);
  const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const tag = { layer: name };
  const w = ctx.param(`${name}.w`, [D, units], uniform(D));
  let y = ctx.op1('matmul', {}, [reshape(x, [rows, D], tag), w], tag);
  if (opts.bias ?? true) y = ctx.op1('biasAdd', {}, [y, ctx.param(`${name}.b`, [units], zeros)], tag);
  return reshape(y, [...shape.slice(0, -1), units], tag);
}

// ---- dropout and residual -------------------------------------------------------------------------

/** Options of `dropout`. */
export interface DropoutOptions {
  readonly rate: number;
  readonly name?: string;
}

/** Inverted dropout with its own RNG stream; identity in evaluation. Rate 0 emits nothing. */
export function dropout(x: Tensor, opts: DropoutOptions): Tensor {
  checkLayerCall('dropout', x, opts);
  const ctx = x.ctx;
  const name = ctx.layerName('dropout', opts.name);
  const rate = opts.rate;
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
    fail(name, `rate must be in [0, 1), got ${String(rate)} (input ${shapeOf(x)}); use 0 to disable dropout`);
  }
  checkF32(name, x);
  if (rate === 0) return x;
  return ctx.op1('dropout', { rate, stream: ctx.newStream() }, [x], { layer: name });
}

/** x + f(x); f must keep the shape of x. */
export function residual(x: Tensor, f: (x: Tensor) => Tensor, name = 'residual'): Tensor {
  checkTensorArg(name, 'the first argument', x, OTHER_SIGNATURES.residual);
  if (typeof f !== 'function') {
    const got = (f as unknown) !== null && typeof f === 'object' && 'ctx' in (f as object) ? 'a tensor: the branch was already applied' : `${typeof f}`;
    throw new Error(`${name}: the second argument must be a function x => branch(x), got ${got}; write residual(h, (x) => moe(x, {...})), not residual(h, moe(h, {...})); the signature is ${OTHER_SIGNATURES.residual}`);
  }
  const y = f(x);
  checkTensorArg(name, 'the branch f(x)', y, OTHER_SIGNATURES.residual);
  if (!shapeEq(x.type.shape, y.type.shape) || x.type.dtype !== y.type.dtype) {
    fail(name, `the branch maps ${x.type.dtype}${shapeOf(x)} to ${y.type.dtype}${shapeOf(y)}, but a residual connection needs equal widths; make the branch output ${shapeOf(x)}`);
  }
  return x.ctx.op1('add', {}, [x, y], { layer: name });
}

// ---- softmax cross-entropy ------------------------------------------------------------------------

/**
 * Mean cross-entropy of logits [..., V] against i32 targets [...] (same leading shape) → f32[].
 */
export function softmaxCrossEntropy(logits: Tensor, targets: Tensor, name = 'softmaxCrossEntropy'): Tensor {
  checkTensorArg(name, 'logits (the first argument)', logits, OTHER_SIGNATURES.softmaxCrossEntropy);
  checkTensorArg(name, 'targets (the second argument)', targets, OTHER_SIGNATURES.softmaxCrossEntropy);
  const ctx = logits.ctx;
  const ls = logits.type.shape;
  checkF32(name, logits);
  if (targets.type.dtype !== 'i32') fail(name, `targets must be i32 class ids, got ${targets.type.dtype}${shapeOf(targets)}`);
  if (ls.length < 1 || !shapeEq(ls.slice(0, -1), targets.type.shape)) {
    fail(name, `logits ${shapeOf(logits)} and targets ${shapeOf(targets)} do not match: targets must have the logits' shape without the last (class) dimension`);
  }
  const V = ls[ls.length - 1]!;
  if (V < 2) fail(name, `needs at least 2 classes, logits are ${shapeOf(logits)}`);
  const N = ls.slice(0, -1).reduce((a, b) => a * b, 1);
  const tag = { layer: name };
  return ctx.op1('softmaxCrossEntropy', {}, [reshape(logits, [N, V], tag), reshape(targets, [N], tag)], tag);
}

// ---- mixture of experts ---------------------------------------------------------------------------

/** Options of `moe`. */
export interface MoeOptions {
  /** Number of experts n. */
  readonly experts: number;
  /** Experts per row k (1 ≤ k ≤ n). */
  readonly k: number;
  /** Hidden width H of each expert's ReLU FFN. */
  readonly hidden: number;
  /** Noisy top-k gating (default true). */
  readonly noisy?: boolean;
  /** Noise floor added to softplus (default 1e-2). */
  readonly eps?: number;
  /** Weight of CV²(importance) in the loss (default 0.1). */
  readonly wImportance?: number;
  /** Weight of CV²(load) in the loss (default 0.1). */
  readonly wLoad?: number;
  /** Output x + moe(x) instead of moe(x) (default false). */
  readonly residual?: boolean;
  /**
   * Strictly balanced gating (paper App. F; frontend/balanced.ts): each expert takes k·N/n of the
   * N = T·B rows in training, learned thresholds at inference. No noise (noisy must not be true).
   */
  readonly balanced?: boolean;
  /** Balanced only: weight of the threshold loss (Eq. 20 averaged over rows; default 1). */
  readonly wThreshold?: number;
  readonly name?: string;
}

/**
 * Sparsely-gated MoE (paper §2) applied to a sequence x [T,B,D] → [T,B,D], traced per timestep:
 * for each t the unfused noisy top-k gating, load estimator, importance, dispatch, expert FFN
 * and combine of x_t = select0(x, t); then y = stack0(y_t), importance/load = addN over t, and
 * the aux loss wImportance·CV²(importance) + wLoad·CV²(load) is added to the model's loss.
 * Params: `<name>.wg`, `<name>.wn` [D,n] (zeros), `<name>.w1` [n,D,H], `<name>.b1` [n,H],
 * `<name>.w2` [n,H,D], `<name>.b2` [n,D]. Outputs `<name>.importance`, `.load`, `.cvImportance`,
 * `.cvLoad`. Every node is tagged `{layer: name, instance: t}` (no instance after the loop).
 * With `noisy: false` there is no noise branch and the load estimator's sigma is
 * `scale{value: 0}(clean)` (an all-zero tensor, which makes the estimator the hard count).
 */
export function moe(x: Tensor, options: MoeOptions | HierarchicalMoeOptions): Tensor {
  checkLayerCall('moe', x, options);
  // experts: [a, b], k: [k1, k2] → the hierarchical MoE of paper App. B (frontend/hierarchical.ts).
  if (Array.isArray(options.experts) || Array.isArray(options.k)) return hierarchicalMoe(x, options as HierarchicalMoeOptions);
  const opts = options as MoeOptions;
  if (opts.balanced) return balancedMoe(x, opts as MoeOptions & BalancedMoeOptions);
  const ctx = x.ctx;
  const name = ctx.layerName('moe', opts.name);
  const [T, B, D] = sequenceShape(name, x);
  const at = ` (input ${shapeOf(x)})`;
  const n = checkSize(name, 'experts', opts.experts, 1, at);
  const H = checkSize(name, 'hidden', opts.hidden, 1, at);
  if (typeof opts.k !== 'number' || !Number.isInteger(opts.k)) fail(name, `k must be an integer, got ${String(opts.k)}${at}`);
  const k = opts.k;
  if (k < 1) fail(name, `k = ${k} must be at least 1 (each row needs an expert)${at}; use 1 ≤ k ≤ experts = ${n}`);
  if (k > n) fail(name, `k = ${k} is larger than the number of experts n = ${n}${at}; use k ≤ ${n} or add experts`);
  const { noisy, eps, wImp, wLoad } = noiseAndLossWeights(name, opts);
  const stream = ctx.newStream();
  const kk = Math.min(k + 1, n);

  const wg = ctx.param(`${name}.wg`, [D, n], zeros);
  const wn = noisy ? ctx.param(`${name}.wn`, [D, n], zeros) : undefined;
  const { w1, b1, w2, b2 } = expertBank(ctx, name, n, D, H);

  const ys: Tensor[] = [];
  const imps: Tensor[] = [];
  const loads: Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const tag = { layer: name, instance: t };
    const op1 = <O extends OpName>(op: O, p: OpParams[O], ins: Tensor[]): Tensor => ctx.op1(op, p, ins, tag);
    const xt = op1('select0', { index: t }, [x]);
    const { clean, sigma, logits } = gatingLogits(op1, xt, wg, wn, eps, stream, t * B);
    const [vals, idx] = ctx.op('topk', { k: kk }, [logits], tag) as [Tensor, Tensor];
    const gi = op1('sliceLast', { start: 0, end: k }, [idx]);
    const gv = op1('sliceLast', { start: 0, end: k }, [vals]);
    const gates = op1('softmax', {}, [gv]);
    loads.push(op1('loadEstimate', { k }, [clean, sigma, vals, gi]));
    imps.push(op1('importance', { n }, [gates, gi]));
    const [src, pos, off] = ctx.op('moeDispatch', { n }, [gi], tag) as [Tensor, Tensor, Tensor];
    const ye = op1('expertFfn', {}, [xt, src, off, w1, b1, w2, b2]);
    ys.push(op1('moeCombine', {}, [ye, pos, gates]));
  }
  const tag = { layer: name };
  let y = ctx.op1('stack0', {}, ys, tag);
  const importance = imps.length === 1 ? imps[0]! : ctx.op1('addN', {}, imps, tag);
  const load = loads.length === 1 ? loads[0]! : ctx.op1('addN', {}, loads, tag);
  balancingLoss(ctx, name, importance, load, wImp, wLoad, tag);
  ctx.moeLayers.push({ name, experts: n, k, hidden: H, width: D, noisy, stream, steps: T });
  if (opts.residual) y = ctx.op1('add', {}, [x, y], tag);
  return y;
}
