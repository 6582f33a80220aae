/**
 * The strictly balanced MoE layer of the DSL (paper App. F): `moe(x, { experts, k, hidden,
 * balanced: true })`. In training each expert takes exactly m = k·N/n of the batch's N = T·B rows
 * (its m largest gate logits), so a row may get more or fewer than k experts; at inference a row
 * uses expert i when its logit exceeds a learned threshold T_i, trained with the threshold loss of
 * Eq. 20. The batchwise top-m is not row-separable — a per-timestep top-m over B rows would pick
 * different rows than one over all T·B — so this layer is NOT traced per timestep for the
 * batch-experts-over-time pass to merge: it is emitted once over the flattened [T·B, D] sequence
 * (one `balancedGating` node, then the flat layer's dispatch → expert FFN → combine with
 * kmax = n routing slots per row padded with expert −1). No noise, and none of the flat layer's
 * importance/load losses (balance is exact in training); importance and load are still reported.
 */
import { shapeOf, type Tensor } from './builder.ts';
import { expertBank, fail, positiveInt, sequenceShape, uniform, zeros } from './layer-helpers.ts';

/** Options of the balanced MoE (the `moe` layer with `balanced: true`). */
export interface BalancedMoeOptions {
  readonly experts: number;
  /** Average experts per row k: each expert takes k·N/n rows of the N = T·B in a batch. */
  readonly k: number;
  readonly hidden: number;
  readonly balanced: true;
  /** Must be false or absent: balanced gating has no noise. */
  readonly noisy?: boolean;
  /** Weight of the threshold loss, Eq. 20 averaged over the N rows (default 1). */
  readonly wThreshold?: number;
  readonly residual?: boolean;
  readonly name?: string;
}

/**
 * Strictly balanced MoE over x [T,B,D] → [T,B,D]. Params `<name>.wg` [D,n] (uniform ±1/sqrt(D):
 * with all-zero logits every column ties and the first m rows would go to every expert),
 * `<name>.thresholds` [n] (zeros), `.w1` [n,D,H], `.b1`, `.w2` [n,H,D], `.b2`. Adds
 * wThreshold·L_thr/N to the loss. Outputs `<name>.importance`, `.load` (rows per expert: m each in
 * training), `.cvImportance`, `.cvLoad`, `.thresholdLoss` (Eq. 20, unweighted sum). Nodes are
 * tagged `{layer}` with no instance (the layer is already over all T·B rows).
 */
export function balancedMoe(x: Tensor, opts: BalancedMoeOptions): Tensor {
  const ctx = x.ctx;
  const name = ctx.layerName('moe', opts.name);
  const [T, B, D] = sequenceShape(name, x);
  const N = T * B;
  const at = ` (input ${shapeOf(x)})`;
  const n = positiveInt(name, 'experts', opts.experts, at);
  const k = positiveInt(name, 'k', opts.k, at);
  const H = positiveInt(name, 'hidden', opts.hidden, at);
  if (k > n) fail(name, `k = ${k} is larger than the number of experts n = ${n}${at}; use k ≤ ${n} or add experts`);
  if (opts.noisy) fail(name, `balanced gating has no noise (the batchwise top-m balances exactly)${at}; drop noisy: true or use balanced: false`);
  if ((k * N) % n !== 0) {
    const g = gcd(n, k);
    const step = n / g;
    fail(
      name,
      `balanced gating gives each expert m = k·N/n rows, but k·N = ${k}·${N} (N = T·B = ${T}·${B}${at}) is not divisible by n = ${n} experts; ` +
        `make T·B a multiple of n/gcd(n,k) = ${step} (e.g. B = ${Math.ceil(B / step) * step}), or change k or the number of experts`,
    );
  }
  const m = (k * N) / n;
  const wThr = opts.wThreshold ?? 1;
  if (!Number.isFinite(wThr) || wThr < 0) fail(name, `wThreshold must be a finite number ≥ 0, got ${wThr}`);
  const tag = { layer: name };
  const wg = ctx.param(`${name}.wg`, [D, n], uniform(D));
  const thresholds = ctx.param(`${name}.thresholds`, [n], zeros);
  const { w1, b1, w2, b2 } = expertBank(ctx, name, n, D, H);

  const xf = ctx.op1('reshape', { shape: [N, D] }, [x], tag);
  const [idx, gates, logits, load] = ctx.op('balancedGating', { n, k, m }, [xf, wg, thresholds], tag) as [Tensor, Tensor, Tensor, Tensor];
  const thrLoss = ctx.op1('balancedThresholdLoss', {}, [logits, thresholds, idx], tag);
  if (wThr > 0) ctx.addAuxLoss(ctx.op1('scale', { value: wThr / N }, [thrLoss], tag));
  const importance = ctx.op1('importance', { n }, [gates, idx], tag);
  const [src, pos, off] = ctx.op('moeDispatch', { n }, [idx], tag) as [Tensor, Tensor, Tensor];
  const ye = ctx.op1('expertFfn', {}, [xf, src, off, w1, b1, w2, b2], tag);
  let y = ctx.op1('reshape', { shape: [T, B, D] }, [ctx.op1('moeCombine', {}, [ye, pos, gates], tag)], tag);
  ctx.output(`${name}.importance`, importance);
  ctx.output(`${name}.load`, load);
  ctx.output(`${name}.cvImportance`, ctx.op1('cvSquared', {}, [importance], tag));
  ctx.output(`${name}.cvLoad`, ctx.op1('cvSquared', {}, [load], tag));
  ctx.output(`${name}.thresholdLoss`, thrLoss);
  ctx.moeLayers.push({ name, experts: n, k, hidden: H, width: D, noisy: false, stream: ctx.newStream(), steps: T });
  if (opts.residual) y = ctx.op1('add', {}, [x, y], tag);
  return y;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
