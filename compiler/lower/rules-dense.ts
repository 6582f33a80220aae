/**
 * WebGPU lowering rules for the dense, shape and sequence ops: each rule turns one IR node into
 * kernel dispatches from compiler/wgsl/ and binds the plan's buffers. Each elementwise op and each
 * fusedElementwise node (made by passes/fuse-elementwise.ts) becomes one elementwise kernel, a
 * matmulBias one matmul with the bias epilogue; rules never look past their own node; reshape is a
 * view and emits nothing; the LSTM is one GEMM for the input projection of all timesteps followed
 * by one recurrence dispatch per timestep; lookups and labels that can be out of range write an
 * error flag the executor checks after the run.
 */
import type { Node } from '../../ir/graph.ts';
import type { OpName } from '../../ir/ops.ts';
import { numel } from '../../ir/types.ts';
import { copyKernel, select0Kernel, sliceLastKernel, stack0Kernels } from '../wgsl/copy.ts';
import { crossEntropyKernels } from '../wgsl/cross-entropy.ts';
import { elementwiseKernel, ew, ewFromFused, exprForOp, type EwExpr, type EwOpName } from '../wgsl/elementwise.ts';
import { embeddingKernel, ERROR_WORDS } from '../wgsl/embedding.ts';
import { lstmKernels } from '../wgsl/lstm.ts';
import { gemm } from './gemm.ts';
import { batchChunksOf, emitChunkGemmTn } from './batch-chunks.ts';
import { sumKernels } from '../wgsl/reduce.ts';
import { softmaxKernel } from '../wgsl/softmax.ts';
import { dropoutKernel, dropoutUniformData } from '../wgsl/random.ts';
import type { LowerCtx } from './context.ts';

/** A lowering rule for op O. */
export type LowerRule<O extends OpName> = (node: Node<O>, c: LowerCtx) => void;

const lastDim = (shape: readonly number[]): number => shape[shape.length - 1] ?? 1;

/** One elementwise op on its own: a kernel over its operands (fused chains arrive as fusedElementwise). */
function elementwise(node: Node, c: LowerCtx): void {
  // A value read twice (add(x, x)) is one leaf, bound once.
  const first = node.inputs.map((v) => node.inputs.indexOf(v));
  const leaves = [...new Set(first)];
  const args = first.map((i) => ew.input(leaves.indexOf(i)));
  const expr = exprForOp(node.op as EwOpName, node.params as { value?: number }, args);
  emitElementwise(c, expr, leaves);
}

/** Emits the elementwise kernel computing `expr` whose leaf j is the node's input leaves[j]. */
function emitElementwise(c: LowerCtx, expr: EwExpr, leaves: readonly number[]): void {
  const outType = c.typeOf(c.output(0));
  const kernel = elementwiseKernel({ outputs: [expr], numInputs: leaves.length, numel: numel(outType.shape), cols: lastDim(outType.shape) });
  const bind: Record<string, number> = { out0: c.output(0) };
  leaves.forEach((input, j) => (bind[`in${j}`] = c.input(input)));
  c.emit(kernel, bind);
}

/** Rules for the dense, shape and sequence ops. */
export const DENSE_RULES = {
  matmul: (n, c) => {
    const [M, K] = c.typeOf(c.input(0)).shape as [number, number];
    const N = c.typeOf(c.input(1)).shape[1]!;
    // xᵀ·dy over the rows of the batch (a weight gradient: A is a transpose of [rows, M]) sums over the canonical
    // batch chunks (batch-chunks.ts), so it has the same bits on one device and on N; any other matmul is one GEMM.
    const chunks = c.plan.graph.nodes.find((p) => p.outputs.includes(n.inputs[0]!))?.op === 'transpose' ? batchChunksOf(c.plan.graph, K) : undefined;
    if (chunks) emitChunkGemmTn(c, chunks, { Ka: M, Nb: N, aTransposed: true }, { a: c.input(0), b: c.input(1), out: c.output(0) }, 'matmul');
    else c.emit(gemm(c, { M, N, K }), { a: c.input(0), b: c.input(1), c: c.output(0) });
  },
  add: elementwise,
  mul: elementwise,
  addN: elementwise,
  biasAdd: elementwise,
  fusedElementwise: (n, c) => emitElementwise(c, ewFromFused(n.params.expr), n.inputs.map((_, i) => i)),
  matmulBias: (_n, c) => {
    const [M, K] = c.typeOf(c.input(0)).shape as [number, number];
    const N = c.typeOf(c.input(1)).shape[1]!;
    c.emit(gemm(c, { M, N, K, bias: true }), { a: c.input(0), b: c.input(1), bias: c.input(2), c: c.output(0) });
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
    c.emit(gemm(c, { M: T * B, N: 4 * H, K: D }), { a: x, b: wx, c: xw });
    for (const k of lstmKernels({ T, B, H })) c.emit(k, { xw, wh, b, h0, c0, h, hT, cT });
  },
  dropout: (n, c) => {
    const shape = c.typeOf(c.input(0)).shape;
    const opts = { numel: numel(shape), cols: lastDim(shape), rate: n.params.rate, stream: n.params.stream };
    const at = (run: { seed: number; step: number; training: boolean }) => ({ ...opts, seed: run.seed, step: run.step, train: run.training });
    c.emit(dropoutKernel(at(c.run0)), { x: c.input(0), out: c.output(0) }, (run) => dropoutUniformData(at(run)));
  },
  softmaxCrossEntropy: (_n, c) => {
    const [N, V] = c.typeOf(c.input(0)).shape as [number, number];
    const plan = crossEntropyKernels({ N, V });
    const err = c.errorFlag(ERROR_WORDS, `label out of range [0, ${V})`);
    const bind: Record<string, number> = { x: c.input(0), labels: c.input(1), out: c.output(0), err, losses: c.scratch('ce.losses', 'f32', plan.losses) };
    if (plan.partials > 0) bind.partials = c.scratch('ce.partials', 'f32', plan.partials);
    for (const k of plan.kernels) c.emit(k, bind);
  },
} satisfies { [O in 'matmul' | 'matmulBias' | 'fusedElementwise' | 'add' | 'mul' | 'addN' | 'biasAdd' | 'scale' | 'relu' | 'sigmoid' | 'tanh' | 'softplus' | 'softmax' | 'sum' | 'reshape' | 'select0' | 'stack0' | 'sliceLast' | 'embedding' | 'lstm' | 'dropout' | 'softmaxCrossEntropy']: LowerRule<O> };
