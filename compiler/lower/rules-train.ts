/**
 * WebGPU lowering rules for the training ops: the split expert FFN (expertHidden / expertOutput as
 * the forward's grouped GEMMs over the dispatch tile map), every gradient op and the in-place
 * optimizers. Gradient GEMMs reuse existing pipelines wherever they can — dense matmul on tiled
 * transposes (LSTM weights), the grouped GEMM reading the expert weights transposed in place
 * (`transposeW`, no transposed copy of the bank) with a zero bias (expert input gradients), the
 * combine gather with unit gates (dx of expertHidden) — and the weight/bias gradients are
 * deterministic segment reductions over each expert's slot range (segment.ts). Per-expert work
 * costs only what exists: the grouped GEMMs launch indirectly over the dispatch's real tile count
 * (with the plan's row tile, `expertTiling`), the segment reductions over the active experts, and
 * empty experts' gradient blocks are zeroed only when some reader needs them (expert-tiles.ts). Ops whose result
 * depends on the run (Adam's bias correction t = step + 1, the train/eval mode of noiseStdGrad)
 * rebuild their uniforms per run through `uniformFor`. The expert-bank updates (expertSgdUpdate,
 * expertFactoredAdamUpdate) run over the dispatch's active-expert list with indirect grids, so
 * their cost follows the experts that got rows, not n; both factored-Adam forms lower through
 * factored-adam.ts (tiled kernels; one dispatch for small matrices).
 * Expert banks split over several bindings are supported by the forward layers only; gradients of
 * a split bank and optimizer updates of split storages are refused with an explicit error.
 */
import type { Node } from '../../ir/graph.ts';
import { numel } from '../../ir/types.ts';
import type { IndirectArgs, PartRef, RunParams } from '../plan.ts';
import { combineKernel } from '../wgsl/combine.ts';
import { copyKernel } from '../wgsl/copy.ts';
import { ERROR_WORDS } from '../wgsl/embedding.ts';
import { embeddingGradKernel, embeddingGradLevels } from '../wgsl/embedding-grad.ts';
import { expertTileRows, expertTiling, groupedGemmColBlocks, groupedGemmKernel } from '../wgsl/expert-ffn.ts';
import { gradEwKernel, gradEwUniformData, type GradEwMode } from '../wgsl/grad-elementwise.ts';
import { normalTableData } from '../wgsl/philox.ts';
import { combineGradKernel, cvSquaredGradKernel, gatingLogitsGradKernel, gatingLogitsGradUniformData, importanceGradKernel, loadEstimateGradKernel, scatterTopkKernel } from '../wgsl/grad-moe.ts';
import { padKernel, transposeKernel } from '../wgsl/grad-shape.ts';
import { crossEntropyGradKernel, softmaxGradKernel } from '../wgsl/grad-softmax.ts';
import { lstmKernels } from '../wgsl/lstm.ts';
import { lstmGradKernels } from '../wgsl/lstm-grad.ts';
import { gemm } from './gemm.ts';
import { batchChunksOf, emitChunkColSum, emitChunkGemmTn } from './batch-chunks.ts';
import { expertSgdGroups, expertSgdKernel } from '../wgsl/expert-optimizers.ts';
import { adamKernel, adamProgramFor, adamUniformValues, sgdKernel } from '../wgsl/optimizers.ts';
import { clearInactiveKernel, segmentGemmTnGroups, segmentGemmTnKernel, segmentSumGroups, segmentSumKernel } from '../wgsl/segment.ts';
import type { Kernel } from '../wgsl/kernel.ts';
import { activeExpertsOf } from './active.ts';
import { splitAdvice } from './bank-advice.ts';
import { emitFactoredAdam } from './factored-adam.ts';
import { factoredSmall } from '../wgsl/factored-adam-small.ts';
import type { LowerCtx } from './context.ts';
import type { LowerRule } from './rules-dense.ts';
import { expertBanks } from './rules-moe.ts';
import { activeGridOf, inactiveBlocksUnreadHere, planSlots, tileGridOf, tileMapOf as sharedTileMapOf } from './expert-tiles.ts';

const lastDim = (shape: readonly number[]): number => shape[shape.length - 1] ?? 1;
const where = (node: Node): string => `${node.op}${node.layer ? ` (layer ${node.layer})` : ''}`;

/** The tile map of the dispatch that produced `offsetsValue` (a side buffer, shared with moeDispatch). */
function tileMapOf(c: LowerCtx, offsetsValue: number, S: number, n: number): number {
  return sharedTileMapOf(c, offsetsValue, S, n).tileMap;
}

/**
 * Per-expert gradient `out` ([n, block], IR value `value`) over the active experts only: the
 * segment GEMM / sum `kernel` (active variant, bound with `bind` plus the active list) launched on
 * an indirect grid of active × `perExpert` workgroups; the blocks of experts with no rows are
 * zeroed unless every reader skips them (inactiveBlocksUnread).
 */
function perActiveExpert(c: LowerCtx, offsetsValue: number, offsets: number, n: number, kernel: Kernel, bind: Record<string, number>, perExpert: number, value: number, block: number): void {
  const { active, grid } = activeGridOf(c, offsetsValue, offsets, n, perExpert);
  c.emit(kernel, { ...bind, activeList: active }, undefined, grid);
  if (!inactiveBlocksUnreadHere(c, value, offsetsValue)) c.emit(clearInactiveKernel({ segments: n, block }), { offsets, out: bind.out! });
}

/** Binds a (possibly split) expert weight buffer as w0..w{B-1} (as rules-moe.ts does for expertFfn). */
function bindBanks(c: LowerCtx, buffer: number, banks: readonly number[], bytesPerExpert: number): Record<string, number | PartRef> {
  if (banks.length === 1) return { w0: buffer };
  const storage = c.plan.storages[c.plan.buffers[buffer]!.storage]!;
  if (storage.role !== 'param' && storage.role !== 'input' && storage.role !== 'state') {
    throw new Error(`expert weights split over ${banks.length} bindings must be a parameter, not a computed value`);
  }
  storage.parts = banks.map((e) => e * bytesPerExpert);
  return Object.fromEntries(banks.map((_, b) => [`w${b}`, { buffer, part: b }]));
}

/** Refuses a buffer that is (or must be) split over several bindings: the gradient kernels bind it whole. */
function whole(c: LowerCtx, buffer: number, node: Node, what: string): number {
  const s = c.plan.storages[c.plan.buffers[buffer]!.storage]!;
  if ((s.parts && s.parts.length > 1) || s.bytes > c.limits.maxStorageBufferBindingSize) {
    throw new Error(`${where(node)}: ${what} (${s.bytes} bytes) exceeds one storage binding (${c.limits.maxStorageBufferBindingSize}); training kernels do not split it: ${splitAdvice(s.bytes, c.plan.buffers[buffer]!.type.shape[0] ?? 1, c.limits.maxStorageBufferBindingSize)}`);
  }
  return buffer;
}

/** A zero f32 constant of `count` elements (shared per size). */
const zerosConst = (c: LowerCtx, count: number): number => c.constant(`zeros.f32[${count}]`, new Float32Array(Math.max(1, count)));
/** A ones f32 constant of `count` elements (shared per size). */
const onesConst = (c: LowerCtx, count: number): number => c.constant(`ones.f32[${count}]`, new Float32Array(Math.max(1, count)).fill(1));
/** The offsets [0, rows] of one segment covering every row (shared per size). */
const allRows = (c: LowerCtx, rows: number): number => c.constant(`segment.i32[0,${rows}]`, new Int32Array([0, rows]));

function gradEw(mode: GradEwMode) {
  return (_n: Node, c: LowerCtx): void => {
    const count = numel(c.typeOf(c.output(0)).shape);
    c.emit(gradEwKernel({ numel: count, mode }), { a: c.input(0), dy: c.input(1), out: c.output(0) });
  };
}

/** Rules for the training ops. */
export const TRAIN_RULES = {
  expertHidden: (node, c) => {
    const [N, D] = c.typeOf(c.input(0)).shape as [number, number];
    const S = c.typeOf(c.input(1)).shape[0]!;
    const [n, , H] = c.typeOf(c.input(3)).shape as [number, number, number];
    const banks = expertBanks(n, 4 * D * H, c.limits.maxStorageBufferBindingSize, where(node));
    const tileMap = tileMapOf(c, node.inputs[2]!, S, n);
    const tiling = expertTiling(planSlots(c, S), n);
    const k = groupedGemmKernel({ S, N: S, k: 1, n, tileRows: expertTileRows(planSlots(c, S), n), K: D, cols: H, gather: true, relu: true, tiling, ...(banks.length > 1 ? { banks } : {}) });
    void N;
    const grid = tileGridOf(c, node.inputs[2]!, groupedGemmColBlocks(H, tiling));
    c.emit(k, { a: c.input(0), sourceRow: c.input(1), tileMap, ...bindBanks(c, c.input(3), banks, 4 * D * H), bias: c.input(4), out: c.output(0) }, undefined, grid);
  },
  expertOutput: (node, c) => {
    const [S, H] = c.typeOf(c.input(0)).shape as [number, number];
    const [n, , Dout] = c.typeOf(c.input(2)).shape as [number, number, number];
    const banks = expertBanks(n, 4 * H * Dout, c.limits.maxStorageBufferBindingSize, where(node));
    const tileMap = tileMapOf(c, node.inputs[1]!, S, n);
    const tiling = expertTiling(planSlots(c, S), n);
    const k = groupedGemmKernel({ S, N: S, k: 1, n, tileRows: expertTileRows(planSlots(c, S), n), K: H, cols: Dout, gather: false, relu: false, tiling, ...(banks.length > 1 ? { banks } : {}) });
    const grid = tileGridOf(c, node.inputs[1]!, groupedGemmColBlocks(Dout, tiling));
    c.emit(k, { a: c.input(0), tileMap, ...bindBanks(c, c.input(2), banks, 4 * H * Dout), bias: c.input(3), out: c.output(0) }, undefined, grid);
  },
  zeros: (_n, c) => {
    const count = numel(c.typeOf(c.output(0)).shape);
    c.emit({ ...padKernel({ rows: 1, n: count, start: 0, end: 0 }), name: 'zeros' }, { src: zerosConst(c, 1), dst: c.output(0) });
  },
  // fill and broadcast are strided copies with source stride 0 (the copy pipeline every plan has).
  fill: (n, c) => {
    const count = numel(c.typeOf(c.output(0)).shape);
    const value = c.constant(`fill.f32(${n.params.value})`, Float32Array.of(n.params.value));
    c.emit({ ...copyKernel({ rows: count, width: 1, srcStride: 0 }), name: 'fill' }, { src: value, dst: c.output(0) });
  },
  broadcast: (_n, c) => {
    const count = numel(c.typeOf(c.output(0)).shape);
    c.emit({ ...copyKernel({ rows: count, width: 1, srcStride: 0 }), name: 'broadcast' }, { src: c.input(0), dst: c.output(0) });
  },
  transpose: (_n, c) => {
    const [M, N] = c.typeOf(c.input(0)).shape as [number, number];
    c.emit(transposeKernel({ R: M, C: N }), { src: c.input(0), dst: c.output(0) });
  },
  sumRows: (_n, c) => {
    const shape = c.typeOf(c.input(0)).shape;
    const C = lastDim(shape);
    const rows = C === 0 ? 0 : numel(shape) / C;
    c.emit(segmentSumKernel({ C, segments: 1 }), { x: c.input(0), offsets: allRows(c, rows), out: c.output(0) });
  },
  reluGrad: gradEw('relu'),
  sigmoidGrad: gradEw('sigmoid'),
  tanhGrad: gradEw('tanh'),
  softmaxGrad: (_n, c) => {
    const shape = c.typeOf(c.input(0)).shape;
    const cols = lastDim(shape);
    c.emit(softmaxGradKernel({ rows: cols === 0 ? 0 : numel(shape) / cols, cols }), { y: c.input(0), dy: c.input(1), out: c.output(0) });
  },
  scatter0: (n, c) => {
    const inner = numel(c.typeOf(c.input(0)).shape);
    const { index, size } = n.params;
    c.emit({ ...padKernel({ rows: 1, n: size * inner, start: index * inner, end: (index + 1) * inner }), name: 'scatter0' }, { src: c.input(0), dst: c.output(0) });
  },
  padLast: (n, c) => {
    const shape = c.typeOf(c.output(0)).shape;
    const { start, end, n: width } = n.params;
    const rows = width === 0 ? 0 : numel(shape) / width;
    c.emit({ ...padKernel({ rows, n: width, start, end }), name: 'padLast' }, { src: c.input(0), dst: c.output(0) });
  },
  embeddingGrad: (n, c) => {
    const M = numel(c.typeOf(c.input(0)).shape);
    const D = lastDim(c.typeOf(c.input(1)).shape);
    const V = n.params.vocab;
    const err = c.errorFlag(ERROR_WORDS, `token id out of range [0, ${V})`);
    // Over the canonical batch chunks (batch-chunks.ts) when the program has them: the chunks' tables added by the
    // kernel's binary counter (log2 Cl tables of scratch, not Cl).
    const chunks = batchChunksOf(c.plan.graph, M);
    if (chunks && chunks.Cl > 1) {
      const levels = c.scratch('embeddingGrad.levels', 'f32', embeddingGradLevels(chunks.Cl) * V * D);
      c.emit(embeddingGradKernel({ V, D, M, chunks, tree: true }), { ids: c.input(0), dy: c.input(1), out: c.output(0), err, levels });
      return;
    }
    c.emit(embeddingGradKernel({ V, D, M, ...(chunks ? { chunks } : {}) }), { ids: c.input(0), dy: c.input(1), out: c.output(0), err });
  },
  lstmGrad: (_n, c) => {
    const [T, B, D] = c.typeOf(c.input(0)).shape as [number, number, number];
    const H = c.typeOf(c.input(2)).shape[0]!;
    const [x, wx, wh, b, h0, c0, dh, dhT, dcT] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => c.input(i)) as number[] as [number, number, number, number, number, number, number, number, number];
    const [dx, dwx, dwh, db, dh0, dc0] = [0, 1, 2, 3, 4, 5].map((i) => c.output(i)) as [number, number, number, number, number, number];
    const BH = B * H;
    const TB = T * B;
    const copy = (src: number, dst: number, width: number, srcOffset = 0, dstOffset = 0): void => {
      if (width > 0) c.emit(copyKernel({ rows: 1, width, srcOffset, dstOffset }), { src, dst });
    };
    if (T === 0) {
      // No timesteps: hT = h0 and cT = c0, so the gradients pass straight through; weights get 0.
      copy(dhT, dh0, BH);
      copy(dcT, dc0, BH);
      const zero = zerosConst(c, 1);
      for (const [out, count] of [[dwx, D * 4 * H], [dwh, H * 4 * H], [db, 4 * H], [dx, 0]] as const) {
        if (count > 0) c.emit({ ...padKernel({ rows: 1, n: count, start: 0, end: 0 }), name: 'zeros' }, { src: zero, dst: out });
      }
      return;
    }
    // Forward recompute: XW, h (all steps) after h0 in one buffer, so its first T·B rows are the
    // h_{t−1} of every step (no separate hprev), and c (all steps, copied out of the running cT).
    const xw = c.scratch('lstmGrad.xw', 'f32', TB * 4 * H);
    const hprev = c.scratch('lstmGrad.hprev', 'f32', (T + 1) * BH);
    const hT = c.scratch('lstmGrad.hT', 'f32', BH);
    const cT = c.scratch('lstmGrad.cT', 'f32', BH);
    const cs = c.scratch('lstmGrad.cs', 'f32', (T + 1) * BH);
    c.emit(gemm(c, { M: TB, N: 4 * H, K: D }), { a: x, b: wx, c: xw });
    copy(c0, cs, BH);
    copy(h0, hprev, BH);
    lstmKernels({ T, B, H, hOffset: BH }).forEach((k, t) => {
      c.emit(k, { xw, wh, b, h0, c0, h: hprev, hT, cT });
      copy(cT, cs, BH, 0, (t + 1) * BH);
    });
    // Backward through time.
    const dz = c.scratch('lstmGrad.dz', 'f32', TB * 4 * H);
    const state = c.scratch('lstmGrad.state', 'f32', 2 * BH);
    copy(dcT, state, BH);
    copy(dhT, state, BH, 0, BH);
    for (const k of lstmGradKernels({ T, B, H })) c.emit(k, { xw, wh, b, hprev, cs, dh, dz, state });
    copy(state, dc0, BH);
    copy(state, dh0, BH, BH, 0);
    // Weight and input gradients; xᵀ·dz and hprevᵀ·dz read A transposed (no transposed copies).
    const wxT = c.scratch('lstmGrad.wxT', 'f32', 4 * H * D);
    c.emit(transposeKernel({ R: D, C: 4 * H }), { src: wx, dst: wxT });
    c.emit(gemm(c, { M: TB, N: D, K: 4 * H }), { a: dz, b: wxT, c: dx });
    // The weight and bias gradients are batch sums: over the canonical batch chunks when the program has them
    // (batch-chunks.ts: the same bits on one device and on N), else one GEMM / column sum in row order.
    const chunks = batchChunksOf(c.plan.graph, TB);
    if (chunks) {
      emitChunkGemmTn(c, chunks, { Ka: D, Nb: 4 * H }, { a: x, b: dz, out: dwx }, 'lstmGrad.dwx');
      emitChunkGemmTn(c, chunks, { Ka: H, Nb: 4 * H }, { a: hprev, b: dz, out: dwh }, 'lstmGrad.dwh');
      emitChunkColSum(c, chunks, 4 * H, { x: dz, out: db }, 'lstmGrad.db');
      return;
    }
    c.emit(gemm(c, { M: D, N: 4 * H, K: TB, transA: true }), { a: x, b: dz, c: dwx });
    c.emit(gemm(c, { M: H, N: 4 * H, K: TB, transA: true }), { a: hprev, b: dz, c: dwh });
    c.emit(segmentSumKernel({ C: 4 * H, segments: 1 }), { x: dz, offsets: allRows(c, TB), out: db });
  },
  softmaxCrossEntropyGrad: (_n, c) => {
    const [N, V] = c.typeOf(c.input(0)).shape as [number, number];
    const err = c.errorFlag(ERROR_WORDS, `label out of range [0, ${V})`);
    c.emit(crossEntropyGradKernel({ N, V }), { x: c.input(0), labels: c.input(1), dloss: c.input(2), out: c.output(0), err });
  },
  noiseStdGrad: (_n, c) => {
    const count = numel(c.typeOf(c.output(0)).shape);
    const at = (run: RunParams) => ({ numel: count, mode: run.training ? ('noiseStdTrain' as const) : ('zero' as const) });
    c.emit(gradEwKernel(at(c.run0)), { a: c.input(0), dy: c.input(1), out: c.output(0) }, (run) => gradEwUniformData(at(run)));
  },
  scatterTopk: (n, c) => {
    const [N, k] = c.typeOf(c.input(0)).shape as [number, number];
    c.emit(scatterTopkKernel({ N, k, n: n.params.n }), { dvals: c.input(0), indices: c.input(1), out: c.output(0) });
  },
  gatingLogitsGrad: (n, c) => {
    const [N, k] = c.typeOf(c.input(0)).shape as [number, number];
    const { n: experts, stream, rowOffset } = n.params;
    const at = (run: RunParams) => ({ N, k, n: experts, stream, rowOffset, seed: run.seed, step: run.step, train: run.training });
    const bind = { dvals: c.input(0), indices: c.input(1), dclean: c.input(2), dsigma: c.input(3), raw: c.input(4), normTables: c.constant('normTables', normalTableData()), dcleanOut: c.output(0), drawOut: c.output(1) };
    c.emit(gatingLogitsGradKernel(at(c.run0)), bind, (run) => gatingLogitsGradUniformData(at(run)));
  },
  cvSquaredGrad: (_n, c) => {
    c.emit(cvSquaredGradKernel({ n: c.typeOf(c.input(0)).shape[0]! }), { v: c.input(0), dcv: c.input(1), out: c.output(0) });
  },
  importanceGrad: (_n, c) => {
    const [N, k] = c.typeOf(c.input(1)).shape as [number, number];
    c.emit(importanceGradKernel({ N, k }), { dimportance: c.input(0), indices: c.input(1), out: c.output(0) });
  },
  loadEstimateGrad: (n, c) => {
    const [N, e] = c.typeOf(c.input(0)).shape as [number, number];
    const bind = { clean: c.input(0), sigma: c.input(1), topValues: c.input(2), indices: c.input(3), dload: c.input(4), dclean: c.output(0), dsigma: c.output(1) };
    c.emit(loadEstimateGradKernel({ N, n: e, k: n.params.k }), bind);
  },
  moeCombineGrad: (_n, c) => {
    const [N, k] = c.typeOf(c.input(2)).shape as [number, number];
    const [S, Dout] = c.typeOf(c.input(1)).shape as [number, number];
    if (S !== N * k) throw new Error(`moeCombineGrad: ${S} slots but ${N}×${k} positions; the kernel needs every slot covered once`);
    const bind = { dout: c.input(0), y: c.input(1), position: c.input(2), gates: c.input(3), dy: c.output(0), dgates: c.output(1) };
    c.emit(combineGradKernel({ N, k, Dout }), bind);
  },
  expertHiddenGrad: (node, c) => {
    const [N, D] = c.typeOf(c.input(0)).shape as [number, number];
    const S = c.typeOf(c.input(1)).shape[0]!;
    const k = c.typeOf(c.input(3)).shape[1]!;
    const [n, , H] = c.typeOf(c.input(4)).shape as [number, number, number];
    const [x, sourceRow, offsets, position] = [0, 1, 2, 3].map((i) => c.input(i)) as [number, number, number, number];
    const w1 = whole(c, c.input(4), node, 'w1');
    const [hidden, dhidden] = [c.input(5), c.input(6)];
    const [dx, dw1, db1] = [c.output(0), c.output(1), c.output(2)];
    // dpre = dhidden·[hidden > 0]
    const dpre = c.scratch('expertHiddenGrad.dpre', 'f32', S * H);
    c.emit(gradEwKernel({ numel: S * H, mode: 'relu' }), { a: hidden, dy: dhidden, out: dpre });
    // dw1[e] = Σ_{s∈e} x[src(s)]ᵀ·dpre[s]; db1[e] = Σ_{s∈e} dpre[s]
    // (over the experts that got rows; empty experts' blocks zeroed unless no reader looks at them)
    const ov = node.inputs[2]!;
    perActiveExpert(c, ov, offsets, n, segmentGemmTnKernel({ Ka: D, Nb: H, segments: n, gather: true, active: true }), { a: x, sourceRow, b: dpre, offsets, out: dw1 }, segmentGemmTnGroups({ Ka: D, Nb: H }), node.outputs[1]!, D * H);
    perActiveExpert(c, ov, offsets, n, segmentSumKernel({ C: H, segments: n, active: true }), { x: dpre, offsets, out: db1 }, segmentSumGroups(H), node.outputs[2]!, H);
    // dslot[s] = dpre[s]·w1[e]ᵀ (grouped GEMM reading w1 [n,D,H] transposed, zero bias), dx = Σ_j dslot[position].
    const dslot = c.scratch('expertHiddenGrad.dslot', 'f32', S * D);
    const tileMap = tileMapOf(c, ov, S, n);
    const tiling = expertTiling(planSlots(c, S), n);
    const grid = tileGridOf(c, ov, groupedGemmColBlocks(D, tiling));
    c.emit(groupedGemmKernel({ S, N: S, k: 1, n, tileRows: expertTileRows(planSlots(c, S), n), K: H, cols: D, gather: false, relu: false, transposeW: true, tiling }), { a: dpre, tileMap, w0: w1, bias: zerosConst(c, n * D), out: dslot }, undefined, grid);
    c.emit(combineKernel({ N, k, Dout: D }), { y: dslot, position, gates: onesConst(c, N * k), out: dx });
  },
  expertOutputGrad: (node, c) => {
    const [S, H] = c.typeOf(c.input(0)).shape as [number, number];
    const [n, , Dout] = c.typeOf(c.input(2)).shape as [number, number, number];
    const [hidden, offsets] = [c.input(0), c.input(1)];
    const w2 = whole(c, c.input(2), node, 'w2');
    const dy = c.input(3);
    const [dhidden, dw2, db2] = [c.output(0), c.output(1), c.output(2)];
    // dhidden[s] = dy[s]·w2[e]ᵀ (grouped GEMM reading w2 [n,H,Dout] transposed, zero bias).
    const ov = node.inputs[1]!;
    const tileMap = tileMapOf(c, ov, S, n);
    const tiling = expertTiling(planSlots(c, S), n);
    const grid = tileGridOf(c, ov, groupedGemmColBlocks(H, tiling));
    c.emit(groupedGemmKernel({ S, N: S, k: 1, n, tileRows: expertTileRows(planSlots(c, S), n), K: Dout, cols: H, gather: false, relu: false, transposeW: true, tiling }), { a: dy, tileMap, w0: w2, bias: zerosConst(c, n * H), out: dhidden }, undefined, grid);
    // dw2[e] = Σ_{s∈e} hidden[s]ᵀ·dy[s], db2[e] = Σ_{s∈e} dy[s], over the experts that got rows.
    perActiveExpert(c, ov, offsets, n, segmentGemmTnKernel({ Ka: H, Nb: Dout, segments: n, gather: false, active: true }), { a: hidden, sourceRow: offsets, b: dy, offsets, out: dw2 }, segmentGemmTnGroups({ Ka: H, Nb: Dout }), node.outputs[1]!, H * Dout);
    perActiveExpert(c, ov, offsets, n, segmentSumKernel({ C: Dout, segments: n, active: true }), { x: dy, offsets, out: db2 }, segmentSumGroups(Dout), node.outputs[2]!, Dout);
  },
  sgdUpdate: (node, c) => {
    const count = numel(c.typeOf(c.output(0)).shape);
    c.emit(sgdKernel({ numel: count, lr: node.params.lr }), { p: whole(c, c.output(0), node, 'the parameter'), g: c.input(1) });
  },
  adamUpdate: (node, c) => {
    const count = numel(c.typeOf(c.output(0)).shape);
    const optionsFor = (run: RunParams) => ({ numel: count, ...node.params, step: run.step });
    const bind = { p: whole(c, c.output(0), node, 'the parameter'), g: c.input(1), m: c.output(1), v: c.output(2) };
    // Per step only the uniform block is packed (the bias corrections change, the program does not).
    const program = adamProgramFor(count);
    c.emit(adamKernel(optionsFor(c.run0)), bind, (run) => program.uniformData(adamUniformValues(optionsFor(run)))!);
  },
  factoredAdamUpdate: (node, c) => {
    const shape = c.typeOf(c.output(0)).shape;
    if (shape.length < 2) throw new Error(`${where(node)}: the parameter must have at least 2 dimensions, got [${shape.join(',')}]`);
    const [r, cc] = shape.slice(-2) as [number, number];
    const batch = numel(shape.slice(0, -2));
    const p = whole(c, c.output(0), node, 'the parameter');
    const [g, vr, vc] = [c.input(1), c.output(1), c.output(2)];
    const { lr, beta2, clip } = node.params;
    emitFactoredAdam(c, { batch, r, c: cc }, { lr, beta2, clip }, { p, g, vr, vc });
  },
  expertSgdUpdate: (node, c) => {
    const shape = c.typeOf(c.output(0)).shape;
    const n = shape[0]!;
    const block = numel(shape.slice(1));
    if (n === 0 || block === 0) return;
    const { active, grid } = activeGridOf(c, node.inputs[2]!, c.input(2), n, expertSgdGroups(block));
    c.emit(expertSgdKernel({ n, block, lr: node.params.lr }), { p: whole(c, c.output(0), node, 'the parameter'), g: c.input(1), activeList: active }, undefined, grid);
  },
  expertFactoredAdamUpdate: (node, c) => {
    const sh = c.typeOf(c.output(0)).shape;
    const [n, r, cc] = (sh.length === 2 ? [sh[0], 1, sh[1]] : sh) as [number, number, number]; // [n, c] is [n, 1, c]
    if (n * r * cc === 0) return;
    const p = whole(c, c.output(0), node, 'the parameter');
    const [g, vr, vc, last] = [c.input(1), c.output(1), c.output(2), c.output(3)];
    const { lr, beta2, clip } = node.params;
    // The one-dispatch path of small experts launches one workgroup per active expert.
    let sparse: { last: number; activeList: number; grid?: IndirectArgs } = { last, activeList: activeExpertsOf(c, node.inputs[5]!, c.input(5), n) };
    if (factoredSmall(r, cc)) {
      const { active, grid } = activeGridOf(c, node.inputs[5]!, c.input(5), n, 1);
      sparse = { last, activeList: active, grid };
    }
    emitFactoredAdam(c, { batch: n, r, c: cc }, { lr, beta2, clip }, { p, g, vr, vc, sparse });
  },
} satisfies {
  [O in
    | 'expertHidden' | 'expertOutput' | 'zeros' | 'fill' | 'broadcast' | 'transpose' | 'sumRows' | 'reluGrad' | 'sigmoidGrad' | 'tanhGrad' | 'softmaxGrad'
    | 'scatter0' | 'padLast' | 'embeddingGrad' | 'lstmGrad' | 'softmaxCrossEntropyGrad' | 'noiseStdGrad' | 'scatterTopk' | 'gatingLogitsGrad'
    | 'cvSquaredGrad' | 'importanceGrad' | 'loadEstimateGrad' | 'moeCombineGrad' | 'expertHiddenGrad' | 'expertOutputGrad'
    | 'sgdUpdate' | 'adamUpdate' | 'factoredAdamUpdate' | 'expertSgdUpdate' | 'expertFactoredAdamUpdate']: LowerRule<O>;
};
