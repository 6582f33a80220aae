/**
 * Floating-point work of the ops whose cost is dominated by matrix products, as a rule table keyed
 * by op name (next to ir/op-traits.ts): each rule takes the node's input and output shapes (and
 * params) and returns the FLOPs one execution performs, a multiply-add counting 2. Used by
 * `moec profile` to report GFLOP/s per kernel. Ops without a rule (elementwise, reductions, data
 * movement) are memory-bound; no FLOP rate is claimed for them. Expert ops count every slot of the
 * compiled capacity S (the kernels' upper bound; fewer rows may be routed at run time), and the
 * gradients count the products they compute, including the forward they recompute.
 */
import type { OpName, OpParams } from './ops.ts';

type Shape = readonly number[];
/** FLOPs of one execution from the input and output shapes. */
export type FlopRule<O extends OpName> = (ins: readonly Shape[], outs: readonly Shape[], p: OpParams[O]) => number;

const prod = (s: Shape | undefined): number => (s ?? []).reduce((a, b) => a * b, 1);
/** Rows of a [..., K] operand (every leading dimension). */
const rows = (s: Shape | undefined): number => prod((s ?? []).slice(0, -1));
const last = (s: Shape | undefined): number => (s ?? [])[(s ?? []).length - 1] ?? 0;

/** The FLOP rules (absent: no FLOP count; see the file comment). */
export const OP_FLOPS: { readonly [O in OpName]?: FlopRule<O> } = {
  matmul: (i) => 2 * rows(i[0]) * last(i[0]) * last(i[1]),
  matmulBias: (i) => 2 * rows(i[0]) * last(i[0]) * last(i[1]) + rows(i[0]) * last(i[1]),
  // x [T,B,D], wx [D,4H], wh [H,4H]: the two gate products per step.
  lstm: (i) => 2 * rows(i[0]) * (last(i[0]) + (i[2]?.[0] ?? 0)) * last(i[1]),
  // Recomputed forward, then dx, dwx, dwh and dh: four products of the forward's size.
  lstmGrad: (i) => 8 * rows(i[0]) * (last(i[0]) + (i[2]?.[0] ?? 0)) * last(i[1]),
  // h [N,D], w [D,V].
  linearCrossEntropy: (i) => 2 * rows(i[0]) * last(i[0]) * last(i[1]),
  linearCrossEntropyGrad: (i) => 6 * rows(i[0]) * last(i[0]) * last(i[1]),
  // x [N,D], wg [D,n] (and wn when noisy).
  gating: (i, _o, p) => 2 * rows(i[0]) * last(i[0]) * last(i[1]) * (p.noisy ? 2 : 1),
  // x [N,D], wg2 [a,D,b]: k1 groups of b logits per row.
  secondaryGating: (i, _o, p) => 2 * rows(i[0]) * p.k1 * last(i[0]) * p.b * (p.noisy ? 2 : 1),
  // w1 [n,D,H], w2 [n,H,Dout], output y [S,Dout].
  expertFfn: (i, o) => 2 * rows(o[0]) * ((i[3]?.[1] ?? 0) * last(i[3]) + last(i[3]) * last(o[0])),
  expertHidden: (i, o) => 2 * rows(o[0]) * (i[3]?.[1] ?? 0) * last(i[3]),
  expertOutput: (i, o) => 2 * rows(o[0]) * last(i[0]) * last(o[0]),
  // dslot and dw1 over the S slots.
  expertHiddenGrad: (i) => 4 * rows(i[5]) * (i[4]?.[1] ?? 0) * last(i[4]),
  // dhidden and dw2 over the S slots.
  expertOutputGrad: (i) => 4 * rows(i[0]) * last(i[0]) * last(i[3]),
  // x [N,D], ..., w1 [n,D,H] (4), w2 [n,H,Dout] (6), dy [S,Dout] (7): recomputed hidden, dhidden,
  // dw2, dw1 and dx.
  expertFfnGrad: (i) => 2 * rows(i[7]) * (3 * (i[4]?.[1] ?? 0) * last(i[4]) + 2 * last(i[4]) * last(i[7])),
};

/** FLOPs of one execution of `op` with these shapes, or undefined when the op has no rule. */
export function opFlops<O extends OpName>(op: O, ins: readonly Shape[], outs: readonly Shape[], params: OpParams[O]): number | undefined {
  const rule = OP_FLOPS[op] as FlopRule<O> | undefined;
  return rule ? rule(ins, outs, params) : undefined;
}
