/**
 * The hierarchical MoE layer of the DSL (paper App. B): `moe(x, { experts: [a, b], k: [k1, k2],
 * hidden })` routes each row to k1 of a groups with a primary noisy top-k1 gating (traced unfused,
 * per timestep, exactly like the flat layer, so fuseGatingTopk turns it into one `gating` node),
 * then to k2 of the b experts of each chosen group with one fused `secondaryGating` node; the a·b
 * experts are dispatched, run and combined with the flat ops (n = a·b, k = k1·k2). Balance
 * losses (Eq. 13-14): Importance_H = importance of the product gates over a·b experts (a row sum,
 * summed over timesteps), Load_H = `hierLoadEstimate` of the primary smooth load (summed over
 * timesteps) and the per-row secondary statistics of ALL T·B rows — Load_H is a ratio of batch
 * sums, not a sum over rows, so it is computed once after the per-timestep loop on the stacked
 * rows (batching over time then turns those stacks into reshapes and changes no number).
 */
import type { OpName, OpParams } from '../ir/ops.ts';
import { shapeOf, type Tensor } from './builder.ts';
import { balancingLoss, expertBank, fail, gatingLogits, noiseAndLossWeights, positiveInt, sequenceShape, zeros } from './layer-helpers.ts';

/** Options of the hierarchical MoE (the `moe` layer with two-element `experts` and `k`). */
export interface HierarchicalMoeOptions {
  /** [a groups, b experts per group]. */
  readonly experts: readonly [number, number];
  /** [k1 groups per row, k2 experts per chosen group]. */
  readonly k: readonly [number, number];
  readonly hidden: number;
  readonly noisy?: boolean;
  readonly eps?: number;
  readonly wImportance?: number;
  readonly wLoad?: number;
  readonly residual?: boolean;
  readonly name?: string;
}

/**
 * Hierarchical MoE over a sequence x [T,B,D] → [T,B,D]. Params `<name>.wg`, `.wn` [D,a] (primary,
 * zeros), `.wg2`, `.wn2` [a,D,b] (secondary, zeros), `.w1` [a·b,D,H], `.b1`, `.w2` [a·b,H,D],
 * `.b2`; expert g·b + j is expert j of group g. Outputs `<name>.importance`, `.load` [a·b],
 * `.cvImportance`, `.cvLoad`. Per-timestep nodes are tagged `{layer, instance: t}`.
 */
export function hierarchicalMoe(x: Tensor, opts: HierarchicalMoeOptions): Tensor {
  const ctx = x.ctx;
  const name = ctx.layerName('moe', opts.name);
  const [T, B, D] = sequenceShape(name, x);
  const at = ` (input ${shapeOf(x)})`;
  if (!Array.isArray(opts.experts) || opts.experts.length !== 2) fail(name, `hierarchical experts must be [groups, expertsPerGroup], got ${JSON.stringify(opts.experts)}${at}`);
  if (!Array.isArray(opts.k) || opts.k.length !== 2) fail(name, `with experts: [a, b], k must be [k1, k2] (groups per row, experts per group), got ${JSON.stringify(opts.k)}${at}`);
  const a = positiveInt(name, 'experts[0] (groups a)', opts.experts[0], at);
  const b = positiveInt(name, 'experts[1] (experts per group b)', opts.experts[1], at);
  const k1 = positiveInt(name, 'k[0] (k1)', opts.k[0], at);
  const k2 = positiveInt(name, 'k[1] (k2)', opts.k[1], at);
  if (k1 > a) fail(name, `k1 = ${k1} is larger than the number of groups a = ${a}${at}; use k1 ≤ ${a}`);
  if (k2 > b) fail(name, `k2 = ${k2} is larger than the experts per group b = ${b}${at}; use k2 ≤ ${b}`);
  const H = positiveInt(name, 'hidden', opts.hidden, at);
  const { noisy, eps, wImp, wLoad } = noiseAndLossWeights(name, opts);
  const n = a * b;
  const stream = ctx.newStream();
  const stream2 = ctx.newStream();
  const kk = Math.min(k1 + 1, a);
  const wg = ctx.param(`${name}.wg`, [D, a], zeros);
  const wn = noisy ? ctx.param(`${name}.wn`, [D, a], zeros) : undefined;
  const wg2 = ctx.param(`${name}.wg2`, [a, D, b], zeros);
  const wn2 = noisy ? ctx.param(`${name}.wn2`, [a, D, b], zeros) : undefined;
  const { w1, b1, w2, b2 } = expertBank(ctx, name, n, D, H);

  const ys: Tensor[] = [];
  const imps: Tensor[] = [];
  const loadsP: Tensor[] = [];
  const rowStats: Tensor[][] = [[], [], [], [], []]; // primaryIndices, clean2, sigma2, topValues2, localIndices
  for (let t = 0; t < T; t++) {
    const tag = { layer: name, instance: t };
    const op1 = <O extends OpName>(op: O, p: OpParams[O], ins: Tensor[]): Tensor => ctx.op1(op, p, ins, tag);
    const xt = op1('select0', { index: t }, [x]);
    const { clean, sigma, logits } = gatingLogits(op1, xt, wg, wn, eps, stream, t * B);
    const [vals, idx] = ctx.op('topk', { k: kk }, [logits], tag) as [Tensor, Tensor];
    const gi = op1('sliceLast', { start: 0, end: k1 }, [idx]);
    const pgates = op1('softmax', {}, [op1('sliceLast', { start: 0, end: k1 }, [vals])]);
    loadsP.push(op1('loadEstimate', { k: k1 }, [clean, sigma, vals, gi]));
    const p2: OpParams['secondaryGating'] = { a, b, k1, k2, noisy, eps, stream: stream2, rowOffset: t * B };
    const [idx2, gates2, clean2, sigma2, top2, local2] = ctx.op('secondaryGating', p2, [xt, wg2, ...(wn2 ? [wn2] : []), gi, pgates], tag) as Tensor[];
    [gi, clean2!, sigma2!, top2!, local2!].forEach((v, i) => rowStats[i]!.push(v));
    imps.push(op1('importance', { n }, [gates2!, idx2!]));
    const [src, pos, off] = ctx.op('moeDispatch', { n }, [idx2!], tag) as [Tensor, Tensor, Tensor];
    const ye = op1('expertFfn', {}, [xt, src, off, w1, b1, w2, b2]);
    ys.push(op1('moeCombine', {}, [ye, pos, gates2!]));
  }
  const tag = { layer: name };
  /** The T per-timestep [B, ...] values as one [T·B, ...] tensor. */
  const rows = (vs: Tensor[]): Tensor => {
    if (vs.length === 1) return vs[0]!;
    const s = vs[0]!.type.shape;
    return ctx.op1('reshape', { shape: [T * B, ...s.slice(1)] }, [ctx.op1('stack0', {}, vs, tag)], tag);
  };
  const sumT = (vs: Tensor[]): Tensor => (vs.length === 1 ? vs[0]! : ctx.op1('addN', {}, vs, tag));
  let y = ctx.op1('stack0', {}, ys, tag);
  const importance = sumT(imps);
  const primaryLoad = sumT(loadsP);
  const load = ctx.op1('hierLoadEstimate', { a, b, k1, k2 }, [primaryLoad, ...rowStats.map(rows)], tag);
  balancingLoss(ctx, name, importance, load, wImp, wLoad, tag);
  ctx.moeLayers.push({ name, experts: n, k: k1 * k2, hidden: H, width: D, noisy, stream, steps: T });
  if (opts.residual) y = ctx.op1('add', {}, [x, y], tag);
  return y;
}
