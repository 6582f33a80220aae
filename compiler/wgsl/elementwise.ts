/**
 * Fused elementwise kernel generator. An expression DAG (`EwExpr`) over N input buffers — add,
 * mul, scale, relu, sigmoid, tanh, softplus, biasAdd (a [C] vector broadcast over rows of width C)
 * and addN — becomes ONE kernel computing every output expression per element, one invocation per
 * element, so the planner can fuse chains such as `relu(biasAdd(x, b))` into a single dispatch and
 * never materialise the intermediates. Shared subexpressions (the same JS object used twice) are
 * computed once. The element count, the bias width C and every `scale` constant live in the
 * uniform, so the WGSL and the cache key depend on the expression's structure only: one pipeline
 * serves every shape and every scale value. Transcendentals are written out in forms that stay
 * accurate to a few f32 ulps for all inputs (sigmoid and softplus without overflow, tanh and
 * log1p without cancellation near 0) rather than trusting the driver's builtins.
 */
import type { FusedExpr } from '../../ir/fused-expr.ts';
import type { ElementwiseOp } from '../../ir/op-traits.ts';
import { FLAT_WORKGROUP_WGSL, grid1d, ceilDiv, type Kernel } from './kernel.ts';
import { defineProgram, type BindingDecl, type UniformType } from './program.ts';

/** A node of a fused elementwise expression. All values are f32 and have the output's shape,
 * except a `biasAdd` bias, which is an input of C elements indexed by the column (i mod C). */
export type EwExpr =
  | { readonly op: 'input'; readonly index: number }
  | { readonly op: 'add' | 'mul'; readonly a: EwExpr; readonly b: EwExpr }
  | { readonly op: 'scale'; readonly x: EwExpr; readonly value: number }
  | { readonly op: 'relu' | 'sigmoid' | 'tanh' | 'softplus'; readonly x: EwExpr }
  | { readonly op: 'biasAdd'; readonly x: EwExpr; readonly bias: number }
  | { readonly op: 'addN'; readonly xs: readonly EwExpr[] };

/** Expression builders (plain object constructors). */
export const ew = {
  input: (index: number): EwExpr => ({ op: 'input', index }),
  add: (a: EwExpr, b: EwExpr): EwExpr => ({ op: 'add', a, b }),
  mul: (a: EwExpr, b: EwExpr): EwExpr => ({ op: 'mul', a, b }),
  scale: (x: EwExpr, value: number): EwExpr => ({ op: 'scale', x, value }),
  relu: (x: EwExpr): EwExpr => ({ op: 'relu', x }),
  sigmoid: (x: EwExpr): EwExpr => ({ op: 'sigmoid', x }),
  tanh: (x: EwExpr): EwExpr => ({ op: 'tanh', x }),
  softplus: (x: EwExpr): EwExpr => ({ op: 'softplus', x }),
  /** x + bias broadcast over rows; `bias` is the index of a [C] input buffer. */
  biasAdd: (x: EwExpr, bias: number): EwExpr => ({ op: 'biasAdd', x, bias }),
  addN: (xs: readonly EwExpr[]): EwExpr => ({ op: 'addN', xs }),
};

/** IR ops the generator fuses (the IR's elementwise trait). */
export type EwOpName = ElementwiseOp;

/** The kernel expression of a fusedElementwise node's IR expression (inputs keep their indices). */
export function ewFromFused(e: FusedExpr): EwExpr {
  if (e.op === 'input') return ew.input(e.index);
  return exprForOp(e.op, e.op === 'scale' ? { value: e.value! } : {}, e.args.map(ewFromFused));
}

/**
 * The expression of one IR op applied to operand expressions (in the op's input order). For
 * `biasAdd` the second operand must be an `input` leaf (the [C] bias buffer); `scale` needs
 * `params.value`.
 */
export function exprForOp(op: EwOpName, params: { readonly value?: number }, args: readonly EwExpr[]): EwExpr {
  const need = (n: number): void => {
    if (args.length !== n) throw new Error(`elementwise ${op}: expected ${n} operands, got ${args.length}`);
  };
  switch (op) {
    case 'add':
    case 'mul':
      need(2);
      return { op, a: args[0]!, b: args[1]! };
    case 'addN':
      if (args.length < 1) throw new Error('elementwise addN: needs at least one operand');
      return { op, xs: args };
    case 'biasAdd': {
      need(2);
      const b = args[1]!;
      if (b.op !== 'input') throw new Error('elementwise biasAdd: the bias operand must be an input buffer');
      return { op, x: args[0]!, bias: b.index };
    }
    case 'scale':
      need(1);
      if (typeof params.value !== 'number') throw new Error('elementwise scale: params.value missing');
      return { op, x: args[0]!, value: params.value };
    default:
      need(1);
      return { op, x: args[0]! };
  }
}

/** Options of `elementwiseKernel`. */
export interface ElementwiseOptions {
  /** One expression per output (binding `out{j}` for output j). */
  readonly outputs: readonly EwExpr[];
  /** Number of input buffers (bindings `in0 .. in{N-1}`); default: 1 + the largest index used. */
  readonly numInputs?: number;
  /** Elements of each output (and of each full-size input). */
  readonly numel: number;
  /** Width C of the last dimension (needed only when a biasAdd occurs; default 1). */
  readonly cols?: number;
}

const WG = 256;

/** Walks the DAG once in post-order; `visit` sees each distinct node once. */
function postOrder(roots: readonly EwExpr[], visit: (e: EwExpr) => void): void {
  const seen = new Set<EwExpr>();
  const go = (e: EwExpr): void => {
    if (seen.has(e)) return;
    seen.add(e);
    switch (e.op) {
      case 'input':
        break;
      case 'add':
      case 'mul':
        go(e.a);
        go(e.b);
        break;
      case 'addN':
        e.xs.forEach(go);
        break;
      default:
        go(e.x);
    }
    visit(e);
  };
  roots.forEach(go);
}

/**
 * WGSL helpers `ew_sigmoid`, `ew_softplus`, `ew_tanh` (accurate, overflow-free forms), also used by
 * lstm.ts.
 */
export const EW_HELPERS_WGSL = /* wgsl */ `
fn ew_sigmoid(x: f32) -> f32 {
  let e = exp(-abs(x));
  let r = 1.0 / (1.0 + e);
  return select(e * r, r, x >= 0.0);
}
// log(1 + u) for u in [0, 1]: atanh series in s = u / (2 + u) for small u (no cancellation).
fn ew_log1p01(u: f32) -> f32 {
  let s = u / (2.0 + u);
  let s2 = s * s;
  let series = 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0)))));
  return select(series, log(1.0 + u), u > 0.1);
}
fn ew_softplus(x: f32) -> f32 {
  return max(x, 0.0) + ew_log1p01(exp(-abs(x)));
}
// tanh: Lambert continued fraction near 0, 1 - 2/(e^{2|x|} + 1) elsewhere (saturates, no NaN).
fn ew_tanh(x: f32) -> f32 {
  let a = abs(x);
  let x2 = x * x;
  var d = 15.0;
  d = 13.0 + x2 / d;
  d = 11.0 + x2 / d;
  d = 9.0 + x2 / d;
  d = 7.0 + x2 / d;
  d = 5.0 + x2 / d;
  d = 3.0 + x2 / d;
  d = 1.0 + x2 / d;
  let small = x / d;
  let big = 1.0 - 2.0 / (exp(2.0 * min(a, 20.0)) + 1.0);
  return select(sign(x) * big, small, a < 0.55);
}
`;

/** Stable text of the expression structure (shared nodes numbered), without scale values. */
function exprKey(outputs: readonly EwExpr[]): string {
  const ids = new Map<EwExpr, number>();
  const parts: string[] = [];
  postOrder(outputs, (e) => {
    const r = (x: EwExpr): string => `%${ids.get(x)!}`;
    let s: string;
    switch (e.op) {
      case 'input':
        s = `in${e.index}`;
        break;
      case 'add':
      case 'mul':
        s = `${e.op}(${r(e.a)},${r(e.b)})`;
        break;
      case 'addN':
        s = `addN(${e.xs.map(r).join(',')})`;
        break;
      case 'biasAdd':
        s = `biasAdd(${r(e.x)},in${e.bias})`;
        break;
      default:
        s = `${e.op}(${r(e.x)})`;
    }
    ids.set(e, ids.size);
    parts.push(s);
  });
  return `${parts.join(';')}->${outputs.map((o) => `%${ids.get(o)!}`).join(',')}`;
}

/**
 * One fused kernel computing `outputs` elementwise. Bindings (in order): `in0 .. in{N-1}` (read),
 * `out0 .. out{M-1}` (read_write), `params` (uniform: numel, cols, then one f32 per `scale` node
 * in post-order). Full-size inputs are indexed by the element index i, biasAdd biases by i mod
 * cols. Workgroup 256, one element per invocation, grid folded into y past 65535 groups. The
 * output buffers must not alias any input (WebGPU forbids a writable binding aliasing another).
 */
export function elementwiseKernel(o: ElementwiseOptions): Kernel {
  if (o.outputs.length === 0) throw new Error('elementwiseKernel: no outputs');
  let maxIndex = -1;
  const scales: EwExpr[] = [];
  let usesBias = false;
  postOrder(o.outputs, (e) => {
    if (e.op === 'input') maxIndex = Math.max(maxIndex, e.index);
    if (e.op === 'biasAdd') {
      maxIndex = Math.max(maxIndex, e.bias);
      usesBias = true;
    }
    if (e.op === 'scale') scales.push(e);
  });
  const numInputs = o.numInputs ?? maxIndex + 1;
  if (maxIndex >= numInputs) throw new Error(`elementwiseKernel: input ${maxIndex} used but only ${numInputs} inputs declared`);
  const cols = o.cols ?? 1;
  if (usesBias && !(cols >= 1 && o.numel % cols === 0)) throw new Error(`elementwiseKernel: ${o.numel} elements are not rows of ${cols}`);

  // Expression body: one `let` per distinct node.
  const names = new Map<EwExpr, string>();
  const lines: string[] = [];
  let scaleNo = 0;
  postOrder(o.outputs, (e) => {
    const v = `v${names.size}`;
    const r = (x: EwExpr): string => names.get(x)!;
    let rhs: string;
    switch (e.op) {
      case 'input':
        rhs = `in${e.index}[i]`;
        break;
      case 'add':
        rhs = `${r(e.a)} + ${r(e.b)}`;
        break;
      case 'mul':
        rhs = `${r(e.a)} * ${r(e.b)}`;
        break;
      case 'addN':
        rhs = e.xs.map(r).join(' + ');
        break;
      case 'biasAdd':
        rhs = `${r(e.x)} + in${e.bias}[i % params.cols]`;
        break;
      case 'scale':
        rhs = `${r(e.x)} * params.s${scaleNo++}`;
        break;
      case 'relu':
        rhs = `max(${r(e.x)}, 0.0)`;
        break;
      default:
        rhs = `ew_${e.op}(${r(e.x)})`;
    }
    names.set(e, v);
    lines.push(`  let ${v} = ${rhs};`);
  });

  const key = exprKey(o.outputs);
  const uniforms: Record<string, UniformType> = { numel: 'u32', cols: 'u32' };
  const values: Record<string, number> = { numel: o.numel, cols };
  scales.forEach((e, j) => {
    uniforms[`s${j}`] = 'f32';
    values[`s${j}`] = (e as { value: number }).value;
  });
  const bindings: Record<string, BindingDecl> = {};
  for (let k = 0; k < numInputs; k++) bindings[`in${k}`] = { access: 'read', type: 'f32' };
  o.outputs.forEach((_, j) => (bindings[`out${j}`] = { access: 'read_write', type: 'f32' }));
  const program = defineProgram({
    name: `elementwise[${o.outputs.map((e) => e.op).join(',')}]`,
    bindings,
    uniforms,
    workgroupSize: WG,
    source: /* wgsl */ `// ${key}
${EW_HELPERS_WGSL}
${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_workgroup(wid, nwg) * ${WG}u + lid;
  if (i >= params.numel) { return; }
${lines.join('\n')}
${o.outputs.map((e, j) => `  out${j}[i] = ${names.get(e)!};`).join('\n')}
}
`,
  });
  return program.kernel(grid1d(ceilDiv(o.numel, WG)), values);
}
