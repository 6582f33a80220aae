/**
 * The expression of a `fusedElementwise` node: a tree over the node's inputs built from the
 * elementwise ops (add, mul, addN, biasAdd, scale, relu, sigmoid, tanh, softplus), made by
 * passes/fuse-elementwise.ts from a chain of elementwise nodes whose intermediate values had no
 * other reader. It is plain JSON (it lives in the node's params, so graphs print, serialise and
 * verify with it): `{ op: 'input', index }` names the node's input `index`; every other node names
 * an elementwise op with its operand expressions in the op's input order and, for `scale`, its
 * `value`. Every operand has the node's output type, except a `biasAdd`'s second operand, which is
 * an input leaf of the last dimension's length (the bias vector). This file holds the validation
 * and the printing; the reference interpreter evaluates a tree with the ops' own rules.
 */
import { ELEMENTWISE_OPS, type ElementwiseOp } from './op-traits.ts';

/** One node of a fused elementwise expression. */
export type FusedExpr =
  | { readonly op: 'input'; readonly index: number }
  | { readonly op: ElementwiseOp; readonly args: readonly FusedExpr[]; readonly value?: number };

/** Number of operands each op takes (addN: at least one). */
const ARITY: { readonly [O in ElementwiseOp]: number | 'many' } = {
  add: 2, mul: 2, addN: 'many', biasAdd: 2, scale: 1, relu: 1, sigmoid: 1, tanh: 1, softplus: 1,
};

/**
 * Problems with `e` as the expression of a node with `numInputs` inputs (empty when valid): the
 * JSON shape, operand counts, `scale` values, input indices in range, every input used, and each
 * input used either as full-size operands or as a bias, never both.
 */
export function checkFusedExpr(e: unknown, numInputs: number): string[] {
  const problems: string[] = [];
  const use = new Map<number, 'full' | 'bias'>();
  const walk = (x: unknown, where: string, asBias: boolean): void => {
    if (typeof x !== 'object' || x === null) return void problems.push(`${where}: not an object`);
    const o = x as Record<string, unknown>;
    if (o.op === 'input') {
      const i = o.index;
      if (!Number.isInteger(i) || (i as number) < 0 || (i as number) >= numInputs) return void problems.push(`${where}: input index ${JSON.stringify(i)} outside [0, ${numInputs})`);
      const kind = asBias ? 'bias' : 'full';
      const prev = use.get(i as number);
      if (prev && prev !== kind) problems.push(`${where}: input ${i} is used both as a bias and as a full-size operand`);
      use.set(i as number, kind);
      return;
    }
    if (asBias) return void problems.push(`${where}: a biasAdd's bias must be an input leaf`);
    if (!(ELEMENTWISE_OPS as readonly unknown[]).includes(o.op)) return void problems.push(`${where}: op ${JSON.stringify(o.op)} is not elementwise (${ELEMENTWISE_OPS.join(', ')})`);
    const op = o.op as ElementwiseOp;
    const args = o.args;
    if (!Array.isArray(args)) return void problems.push(`${where}: ${op} needs an args array`);
    const want = ARITY[op];
    if (want === 'many' ? args.length < 1 : args.length !== want) problems.push(`${where}: ${op} takes ${want === 'many' ? 'at least 1' : want} operand(s), got ${args.length}`);
    if (op === 'scale' ? !Number.isFinite(o.value) : o.value !== undefined) problems.push(`${where}: ${op === 'scale' ? 'scale needs a finite value' : `${op} takes no value`}`);
    args.forEach((a, i) => walk(a, `${where}.${op}[${i}]`, op === 'biasAdd' && i === 1));
  };
  walk(e, 'expr', false);
  for (let i = 0; i < numInputs; i++) if (!use.has(i) && problems.length === 0) problems.push(`expr: input ${i} is never used`);
  return problems;
}

/** Input indices read as a `biasAdd` bias (the others are full-size operands). */
export function biasInputs(e: FusedExpr): Set<number> {
  const out = new Set<number>();
  const walk = (x: FusedExpr): void => {
    if (x.op === 'input') return;
    x.args.forEach((a, i) => (x.op === 'biasAdd' && i === 1 && a.op === 'input' ? out.add(a.index) : walk(a)));
  };
  walk(e);
  return out;
}

/** The expression as text, inputs as %in0…, e.g. `relu(biasAdd(%in0, %in1))`. */
export function formatFusedExpr(e: FusedExpr): string {
  if (e.op === 'input') return `%in${e.index}`;
  const args = e.args.map(formatFusedExpr);
  return `${e.op}(${e.op === 'scale' ? `${args[0]}, ${e.value}` : args.join(', ')})`;
}
