/**
 * Shape rules of the fused ops the passes make (fusedElementwise from the elementwise fusion, the
 * gating logits gradient from the gating vjp), kept apart from ir/infer.ts, whose rule table
 * spreads this one in. Every error names the node (through `fail`), the shapes it got and what
 * would fit.
 */
import type { OpParams } from './ops.ts';
import { formatType, shapeEq, typeEq, type TensorType } from './types.ts';
import { arity, dtype, f32, rank, sameAll } from './infer-checks.ts';
import { biasInputs, checkFusedExpr } from './fused-expr.ts';

type Fail = (msg: string) => never;
type Rule<O extends keyof OpParams> = (p: OpParams[O], ins: readonly TensorType[], fail: Fail) => TensorType[];

/** Rules for the fused ops. */
export const FUSED_SHAPE_RULES: { [O in 'fusedElementwise' | 'gatingLogitsGrad']: Rule<O> } = {
  fusedElementwise: (p, ins, fail) => {
    const problems = checkFusedExpr(p.expr, ins.length);
    if (problems.length > 0) fail(`invalid fused expression: ${problems.join('; ')}`);
    const bias = biasInputs(p.expr);
    const full = ins.filter((_, i) => !bias.has(i));
    if (full.length === 0) fail('a fused expression needs at least one full-size operand');
    const out = sameAll(full, fail);
    dtype(out, 'f32', 'operand', fail);
    const last = out.shape[out.shape.length - 1];
    for (const i of bias) {
      const b = ins[i]!;
      rank(b, 1, `bias input ${i}`, fail);
      if (out.shape.length === 0 || b.shape[0] !== last) fail(`bias input ${i} ${formatType(b)} does not match the last dimension of ${formatType(out)}`);
    }
    return [out];
  },
  gatingLogitsGrad: (p, ins, fail) => {
    arity(ins, 5, 5, fail);
    const [dv, idx, ...dense] = ins as [TensorType, TensorType, TensorType, TensorType, TensorType];
    rank(dv, 2, 'dvals [N,k]', fail);
    dtype(idx, 'i32', 'indices', fail);
    if (!shapeEq(dv.shape, idx.shape)) fail(`dvals ${formatType(dv)} and indices ${formatType(idx)} must have equal shapes`);
    if (!Number.isInteger(p.n) || p.n < dv.shape[1]!) fail(`n = ${p.n} must be an integer ≥ k = ${dv.shape[1]}`);
    const out = f32([dv.shape[0]!, p.n]);
    ['dclean', 'dsigma', 'raw'].forEach((name, i) => {
      if (!typeEq(dense[i]!, out)) fail(`${name} must be ${formatType(out)}, got ${formatType(dense[i]!)}`);
    });
    return [out, out];
  },
};
