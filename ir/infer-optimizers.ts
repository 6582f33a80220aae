/**
 * Shape rules of the optimizer update ops (SGD, Adam, factored Adam and their expert-bank forms),
 * kept apart from ir/infer.ts, whose rule table spreads this one in. Every error names the node
 * (through `fail`), the shapes it got and what would fit.
 */
import type { OpParams } from './ops.ts';
import { formatType, shapeEq, type TensorType } from './types.ts';
import { arity, expertOffsets, sameAll } from './infer-checks.ts';

type Fail = (msg: string) => never;
type Rule<O extends keyof OpParams> = (p: OpParams[O], ins: readonly TensorType[], fail: Fail) => TensorType[];

/** Rules for the update ops. */
export const OPTIMIZER_SHAPE_RULES: { [O in 'sgdUpdate' | 'adamUpdate' | 'factoredAdamUpdate' | 'expertSgdUpdate' | 'expertFactoredAdamUpdate']: Rule<O> } = {
  sgdUpdate: (p, ins, fail) => {
    arity(ins, 2, 2, fail);
    if (!Number.isFinite(p.lr)) fail(`lr must be finite, got ${p.lr}`);
    return [sameAll(ins, fail)];
  },
  adamUpdate: (p, ins, fail) => {
    arity(ins, 4, 4, fail);
    if (!(p.beta1 >= 0 && p.beta1 < 1 && p.beta2 >= 0 && p.beta2 < 1)) fail(`betas must be in [0, 1), got ${p.beta1}, ${p.beta2}`);
    if (!(p.eps > 0) || !Number.isFinite(p.lr)) fail(`eps must be > 0 and lr finite, got eps ${p.eps}, lr ${p.lr}`);
    const t = sameAll(ins, fail);
    return [t, t, t];
  },
  factoredAdamUpdate: (p, ins, fail) => {
    arity(ins, 4, 4, fail);
    const [w, g, vr, vc] = ins as [TensorType, TensorType, TensorType, TensorType];
    if (w.shape.length < 2) fail(`factored Adam needs a matrix (or a batch of matrices), got ${formatType(w)}`);
    if (!shapeEq(w.shape, g.shape)) fail(`gradient ${formatType(g)} must match parameter ${formatType(w)}`);
    const lead = w.shape.slice(0, -2);
    const [r, c] = w.shape.slice(-2) as [number, number];
    if (!shapeEq(vr.shape, [...lead, r])) fail(`row statistics ${formatType(vr)} must be [${[...lead, r].join(',')}]`);
    if (!shapeEq(vc.shape, [...lead, c])) fail(`column statistics ${formatType(vc)} must be [${[...lead, c].join(',')}]`);
    if (!(p.beta2 >= 0 && p.beta2 < 1) || !Number.isFinite(p.lr) || !(p.clip >= 0)) fail(`need beta2 in [0,1), finite lr, clip ≥ 0; got ${p.beta2}, ${p.lr}, ${p.clip}`);
    return [w, vr, vc];
  },
  expertSgdUpdate: (p, ins, fail) => {
    arity(ins, 3, 3, fail);
    const [w, g, off] = ins as [TensorType, TensorType, TensorType];
    if (w.shape.length < 1) fail(`the expert bank must be [n, …], got ${formatType(w)}`);
    if (!shapeEq(w.shape, g.shape)) fail(`gradient ${formatType(g)} must match parameter ${formatType(w)}`);
    expertOffsets(off, w.shape[0]!, fail);
    if (!Number.isFinite(p.lr)) fail(`lr must be finite, got ${p.lr}`);
    return [w];
  },
  expertFactoredAdamUpdate: (p, ins, fail) => {
    arity(ins, 6, 6, fail);
    const [w, g, vr, vc, last, off] = ins as [TensorType, TensorType, TensorType, TensorType, TensorType, TensorType];
    if (w.shape.length !== 3 && w.shape.length !== 2) fail(`the expert bank must be [n, r, c] or [n, c] (as [n, 1, c]), got ${formatType(w)}`);
    const [n, r, c] = (w.shape.length === 2 ? [w.shape[0], 1, w.shape[1]] : w.shape) as [number, number, number];
    if (!shapeEq(w.shape, g.shape)) fail(`gradient ${formatType(g)} must match parameter ${formatType(w)}`);
    if (vr.dtype !== 'f32' || !shapeEq(vr.shape, [n, r])) fail(`row statistics ${formatType(vr)} must be f32[${n},${r}]`);
    if (vc.dtype !== 'f32' || !shapeEq(vc.shape, [n, c])) fail(`column statistics ${formatType(vc)} must be f32[${n},${c}]`);
    if (last.dtype !== 'i32' || !shapeEq(last.shape, [n])) fail(`last-touched steps ${formatType(last)} must be i32[${n}]`);
    expertOffsets(off, n, fail);
    if (!(p.beta2 >= 0 && p.beta2 < 1) || !Number.isFinite(p.lr) || !(p.clip >= 0)) fail(`need beta2 in [0,1), finite lr, clip ≥ 0; got ${p.beta2}, ${p.lr}, ${p.clip}`);
    return [w, vr, vc, last];
  },
};
