/**
 * Helpers shared by the DSL layers (layers.ts) and the MoE variants (balanced.ts,
 * hierarchical.ts): argument checks that throw `<layer>: <message>`, the parameter initialisers,
 * the expert bank's parameters and the flat/hierarchical MoE's balancing loss and outputs.
 * Internal: not exported from index.ts.
 */
import { shapeOf, type Tensor, type TraceContext } from './builder.ts';
import type { NodeTag } from '../ir/graph.ts';
import type { OpName, OpParams } from '../ir/ops.ts';

/** Throws `<layer>: <msg>`. */
export function fail(layer: string, msg: string): never {
  throw new Error(`${layer}: ${msg}`);
}

/** Checks that `v` is an integer ≥ 1 (`at` is appended to the message, e.g. the input shape). */
export function positiveInt(layer: string, key: string, v: unknown, at: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(layer, `${key} must be a positive integer, got ${String(v)}${at}`);
  return v;
}

export function checkRank(layer: string, x: Tensor, rank: number, what: string): void {
  if (x.type.shape.length !== rank) fail(layer, `expects ${what} (rank ${rank}), got ${x.type.dtype}${shapeOf(x)}`);
}

export function checkF32(layer: string, x: Tensor): void {
  if (x.type.dtype !== 'f32') fail(layer, `expects an f32 input, got ${x.type.dtype}${shapeOf(x)}`);
}

/** An f32 sequence x [T,B,D] (the input of every MoE layer); returns [T, B, D]. */
export function sequenceShape(layer: string, x: Tensor): [number, number, number] {
  checkRank(layer, x, 3, 'a sequence [T,B,D]');
  checkF32(layer, x);
  return x.type.shape as [number, number, number];
}

export const uniform = (fanIn: number) => ({ kind: 'uniform', scale: 1 / Math.sqrt(fanIn) }) as const;
export const zeros = { kind: 'zeros' } as const;

/** The noise and balancing-loss options of the noisy MoE layers with their defaults, checked. */
export function noiseAndLossWeights(
  layer: string,
  opts: { readonly noisy?: boolean; readonly eps?: number; readonly wImportance?: number; readonly wLoad?: number },
): { noisy: boolean; eps: number; wImp: number; wLoad: number } {
  const noisy = opts.noisy ?? true;
  const eps = opts.eps ?? 1e-2;
  if (!(eps >= 0)) fail(layer, `eps must be ≥ 0, got ${eps}`);
  const wImp = opts.wImportance ?? 0.1;
  const wLoad = opts.wLoad ?? 0.1;
  for (const [key, v] of [['wImportance', wImp], ['wLoad', wLoad]] as const) {
    if (!Number.isFinite(v) || v < 0) fail(layer, `${key} must be a finite number ≥ 0, got ${v}`);
  }
  return { noisy, eps, wImp, wLoad };
}

/**
 * The parameters of a bank of n ReLU FFN experts D → H → D, declared in this order:
 * `<name>.w1` [n,D,H] (uniform ±1/sqrt(D)), `.b1` [n,H] (zeros), `.w2` [n,H,D] (uniform
 * ±1/sqrt(H)), `.b2` [n,D] (zeros).
 */
export function expertBank(ctx: TraceContext, name: string, n: number, D: number, H: number): { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor } {
  const w1 = ctx.param(`${name}.w1`, [n, D, H], uniform(D));
  const b1 = ctx.param(`${name}.b1`, [n, H], zeros);
  const w2 = ctx.param(`${name}.w2`, [n, H, D], uniform(H));
  const b2 = ctx.param(`${name}.b2`, [n, D], zeros);
  return { w1, b1, w2, b2 };
}

/**
 * Adds the aux loss wImp·CV²(importance) + wLoad·CV²(load) and the outputs `<name>.importance`,
 * `.load`, `.cvImportance`, `.cvLoad`.
 */
export function balancingLoss(ctx: TraceContext, name: string, importance: Tensor, load: Tensor, wImp: number, wLoad: number, tag: NodeTag): void {
  const cvImp = ctx.op1('cvSquared', {}, [importance], tag);
  const cvLoad = ctx.op1('cvSquared', {}, [load], tag);
  const aux = ctx.op1('add', {}, [ctx.op1('scale', { value: wImp }, [cvImp], tag), ctx.op1('scale', { value: wLoad }, [cvLoad], tag)], tag);
  ctx.addAuxLoss(aux);
  ctx.output(`${name}.importance`, importance);
  ctx.output(`${name}.load`, load);
  ctx.output(`${name}.cvImportance`, cvImp);
  ctx.output(`${name}.cvLoad`, cvLoad);
}

/** `ctx.op1` with a fixed tag. */
export type Op1 = <O extends OpName>(op: O, p: OpParams[O], ins: Tensor[]) => Tensor;

/**
 * The unfused (noisy) gating logits of one timestep xt [B,D] with gate weights wg [D,c] (paper
 * Eq. 3-5): clean = xt·wg; with wn, sigma = noiseStd(xt·wn) and logits = clean + z·sigma for
 * z = randomNormal [B,c] of `stream` at `rowOffset`; without, sigma = scale{0}(clean) (all zeros)
 * and logits = clean.
 */
export function gatingLogits(op1: Op1, xt: Tensor, wg: Tensor, wn: Tensor | undefined, eps: number, stream: number, rowOffset: number): { clean: Tensor; sigma: Tensor; logits: Tensor } {
  const clean = op1('matmul', {}, [xt, wg]);
  if (!wn) return { clean, sigma: op1('scale', { value: 0 }, [clean]), logits: clean };
  const sigma = op1('noiseStd', { eps }, [op1('matmul', {}, [xt, wn])]);
  const z = op1('randomNormal', { shape: [xt.type.shape[0]!, wg.type.shape[1]!], stream, rowOffset }, []);
  return { clean, sigma, logits: op1('add', {}, [clean, op1('mul', {}, [z, sigma])]) };
}
