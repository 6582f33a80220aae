/**
 * WebGPU lowering rules for the dense, shape and sequence ops: each rule turns one IR node into
 * kernel dispatches from compiler/wgsl/ and binds the plan's buffers. Elementwise ops become one
 * fused-elementwise kernel each (the generator can fuse chains; see elementwise.ts); reshape is a
 * view and emits nothing; the LSTM is one GEMM for the input projection of all timesteps followed
 * by one recurrence dispatch per timestep; lookups and labels that can be out of range write an
 * error flag the executor checks after the run.
 */
import type { Node } from '../../ir/graph.ts';
import type { OpName } from '../../ir/ops.ts';
import { numel } from '../../ir/types.ts';
import { copyKernel, select0Kernel, sliceLastKernel, stack0Kernels } from '../wgsl/copy.ts';
import { crossEntropyKernels } from '../wgsl/cross-entropy.ts';
import { elementwiseKernel, ew, exprForOp, isElementwiseOp, type EwExpr, type EwOpName } from '../wgsl/elementwise.ts';
import { embeddingKernel, ERROR_WORDS } from '../wgsl/embedding.ts';
import { lstmKernels } from '../wgsl/lstm.ts';
import { matmulKernel } from '../wgsl/matmul.ts';
import { sumKernels } from '../wgsl/reduce.ts';
import { softmaxKernel } from '../wgsl/softmax.ts';
import { dropoutKernel } from '../wgsl/random.ts';
import type { LowerCtx } from './context.ts';

/** A lowering rule for op O. */
export type LowerRule<O extends OpName> = (node: Node<O>, c: LowerCtx) => void;

const lastDim = (shape: readonly number[]): number => shape[shape.length - 1] ?? 1;

/**
 * True when elementwise `node` is computed inside its consumer's kernel instead of on its own:
 * its one output has exactly one reader, that reader is elementwise over the same number of
 * elements, reads it as a full-size operand (not as a biasAdd bias), and it is not a graph output.
 */
function fusedIntoConsumer(node: Node, c: LowerCtx): boolean {
  const out = node.outputs[0]!;
  if (c.plan.graph.outputs.some((o) => o.value === out)) return false;
  const readers = c.consumersOf(out);
  if (readers.length !== 1) return false;
  const r = readers[0]!;
  if (!isElementwiseOp(r.op) || (r.op === 'biasAdd' && r.inputs[1] === out)) return false;
  const size = (v: number): number => numel(c.plan.graph.values.get(v)!.type.shape);
  return size(r.outputs[0]!) === size(out) && r.inputs.filter((v) => v === out).length === 1;
}

/** The buffer holding IR value `v`, kept alive until the current step (it is read here). */
function readHere(c: LowerCtx, v: number): number {
  const b = c.plan.buffers.findIndex((x) => x.value === v);
  const s = c.plan.storages[c.plan.buffers[b]!.storage]!;
  if (s.role === 'temp') s.last = Math.max(s.last, c.step.index);
  return b;
}

/**
 * True when `matmul` is computed by the kernel of the biasAdd that reads it (the matmul kernel's
 * bias epilogue): its output's only reader is that biasAdd (as the matrix operand), the output is
 * not a graph output, and the biasAdd itself is not fused into an elementwise consumer.
 */
function matmulFusedIntoBias(node: Node, c: LowerCtx): boolean {
  const out = node.outputs[0]!;
  if (c.plan.graph.outputs.some((o) => o.value === out)) return false;
  const readers = c.consumersOf(out);
  const r = readers[0];
  return readers.length === 1 && r!.op === 'biasAdd' && r!.inputs[0] === out && r!.inputs[1] !== out && !fusedIntoConsumer(r!, c);
}

/**
 * Elementwise ops: a chain of elementwise nodes whose intermediate values feed only the next one
 * is fused into ONE kernel, emitted at the last node (the others emit nothing); the expression is
 * rebuilt from the IR, leaves de-duplicated by value.
 */
function elementwise(node: Node, c: LowerCtx): void {
  if (fusedIntoConsumer(node, c)) return;
  const producers = new Map<number, Node>();
  for (const n of c.plan.graph.nodes) for (const o of n.outputs) producers.set(o, n);
  const leaves: number[] = [];
  const leaf = (v: number): EwExpr => {
    let i = leaves.indexOf(v);
    if (i < 0) i = leaves.push(v) - 1;
    return ew.input(i);
  };
  const build = (n: Node): EwExpr =>
    exprForOp(
      n.op as EwOpName,
      n.params as { value?: number },
      n.inputs.map((v, i) => {
        const p = producers.get(v);
        const inline = p && isElementwiseOp(p.op) && !(n.op === 'biasAdd' && i === 1) && fusedIntoConsumer(p, c);
        return inline ? build(p) : leaf(v);
      }),
    );
  const expr = build(node);
  const outType = c.typeOf(c.output(0));
  const kernel = elementwiseKernel({ outputs: [expr], numInputs: leaves.length, numel: numel(outType.shape), cols: lastDim(outType.shape) });
  const bind: Record<string, number> = { out0: c.output(0) };
  // A leaf of a fused-away node is read here, later than the IR says: readHere keeps it alive.
  leaves.forEach((v, i) => (bind[`in${i}`] = readHere(c, v)));
  c.emit(kernel, bind);
}

/** Rules for the dense, shape and sequence ops. */
export const DENSE_RULES = {
  matmul: (n, c) => {
    if (matmulFusedIntoBias(n, c)) return; // computed by the biasAdd's kernel
    const [M, K] = c.typeOf(c.input(0)).shape as [number, number];
    const N = c.typeOf(c.input(1)).shape[1]!;
    c.emit(matmulKernel({ M, N, K }), { a: c.input(0), b: c.input(1), c: c.output(0) });
  },
  add: elementwise,
  mul: elementwise,
  addN: elementwise,
  biasAdd: (n, c) => {
    const p = c.plan.graph.nodes.find((m) => m.outputs.includes(n.inputs[0]!));
    if (!p || p.op !== 'matmul' || !matmulFusedIntoBias(p, c)) return elementwise(n, c);
    const [M, K] = c.plan.graph.values.get(p.inputs[0]!)!.type.shape as [number, number];
    const N = c.plan.graph.values.get(p.inputs[1]!)!.type.shape[1]!;
    c.emit(matmulKernel({ M, N, K, bias: true }), { a: readHere(c, p.inputs[0]!), b: readHere(c, p.inputs[1]!), bias: c.input(1), c: c.output(0) });
  },
  scale: elementwise,
  relu: elementwise,
  sigmoid: elementwise,
  tanh: elementwise,
  softplus: elementwise,
  softmax: (_n, c) => {
    const shape = c.typeOf(c.input(0)).shape;
    const cols = lastDim(shape);
    c.emit(softmaxKernel({ rows: numel(shape) / Math.max(cols, 1), cols }), { x: c.input(0), out: c.output(0) });
  },
  sum: (_n, c) => {
    const n = numel(c.typeOf(c.input(0)).shape);
    const plan = sumKernels(n);
    const bind: Record<string, number> = { x: c.input(0), out: c.output(0) };
    if (plan.partials > 0) bind.partials = c.scratch('sum.partials', 'f32', plan.partials);
    for (const k of plan.kernels) c.emit(k, bind);
  },
  reshape: () => {
    // A view: the output buffer shares the input's storage (compiler/plan.ts).
  },
  select0: (n, c) => {
    const inner = numel(c.typeOf(c.output(0)).shape);
    c.emit(select0Kernel(inner, n.params.index), { src: c.input(0), dst: c.output(0) });
  },
  stack0: (n, c) => {
    const inner = numel(c.typeOf(c.input(0)).shape);
    stack0Kernels(n.inputs.length, inner).forEach((k, j) => c.emit(k, { src: c.input(j), dst: c.output(0) }));
  },
  sliceLast: (n, c) => {
    const shape = c.typeOf(c.input(0)).shape;
    const cols = lastDim(shape);
    c.emit(sliceLastKernel(numel(shape) / cols, cols, n.params.start, n.params.end), { src: c.input(0), dst: c.output(0) });
  },
  embedding: (_n, c) => {
    const [V, D] = c.typeOf(c.input(0)).shape as [number, number];
    const M = numel(c.typeOf(c.input(1)).shape);
    const err = c.errorFlag(ERROR_WORDS, `token id out of range [0, ${V})`);
    c.emit(embeddingKernel({ V, D, M }), { table: c.input(0), ids: c.input(1), out: c.output(0), err });
  },
  lstm: (_n, c) => {
    const [T, B, D] = c.typeOf(c.input(0)).shape as [number, number, number];
    const H = c.typeOf(c.input(2)).shape[0]!;
    const [x, wx, wh, b, h0, c0] = [0, 1, 2, 3, 4, 5].map((i) => c.input(i)) as [number, number, number, number, number, number];
    const [h, hT, cT] = [c.output(0), c.output(1), c.output(2)];
    if (T === 0) {
      c.emit(copyKernel({ rows: 1, width: B * H }), { src: h0, dst: hT });
      c.emit(copyKernel({ rows: 1, width: B * H }), { src: c0, dst: cT });
      return;
    }
    const xw = c.scratch('lstm.xw', 'f32', T * B * 4 * H);
    c.emit(matmulKernel({ M: T * B, N: 4 * H, K: D }), { a: x, b: wx, c: xw });
    for (const k of lstmKernels({ T, B, H })) c.emit(k, { xw, wh, b, h0, c0, h, hT, cT });
  },
  dropout: (n, c) => {
    const shape = c.typeOf(c.input(0)).shape;
    const opts = { numel: numel(shape), cols: lastDim(shape), rate: n.params.rate, stream: n.params.stream };
    const kernelFor = (run: { seed: number; step: number; training: boolean }) => dropoutKernel({ ...opts, seed: run.seed, step: run.step, train: run.training });
    c.emit(kernelFor(c.run0), { x: c.input(0), out: c.output(0) }, (run) => kernelFor(run).uniformData!);
  },
  softmaxCrossEntropy: (_n, c) => {
    const [N, V] = c.typeOf(c.input(0)).shape as [number, number];
    const plan = crossEntropyKernels({ N, V });
    const err = c.errorFlag(ERROR_WORDS, `label out of range [0, ${V})`);
    const bind: Record<string, number> = { x: c.input(0), labels: c.input(1), out: c.output(0), err, losses: c.scratch('ce.losses', 'f32', plan.losses) };
    if (plan.partials > 0) bind.partials = c.scratch('ce.partials', 'f32', plan.partials);
    for (const k of plan.kernels) c.emit(k, bind);
  },
} satisfies { [O in 'matmul' | 'add' | 'mul' | 'addN' | 'biasAdd' | 'scale' | 'relu' | 'sigmoid' | 'tanh' | 'softplus' | 'softmax' | 'sum' | 'reshape' | 'select0' | 'stack0' | 'sliceLast' | 'embedding' | 'lstm' | 'dropout' | 'softmaxCrossEntropy']: LowerRule<O> };
