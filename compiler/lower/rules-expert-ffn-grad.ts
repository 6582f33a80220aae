/**
 * WebGPU lowering of `expertFfnGrad`, the backward of the unsplit expert FFN that recomputes the
 * hidden activations tile by tile (recompute policy 'experts'): no [S, H] buffer exists. Three
 * dispatches: the weight half (one workgroup per expert × 64-unit H chunk, looping over the
 * expert's slots in slot order: dw1, db1, dw2, db2; at N·k/n ≤ 8 the rank-≤8 form of
 * wgsl/expert-wgrad-small.ts instead, and at ≤ 1 row per expert or H ≤ 32 the barrier-free
 * lanes form of wgsl/expert-wgrad-lanes.ts, which at H ≤ 64 also writes dslot, replacing the
 * input half), the input half (one workgroup per dispatch
 * tile-map entry: dslot [S, D] = dpre·w1ᵀ summed over the H chunks) and the combine gather with
 * unit gates (dx[row] = Σ_j dslot[position[row, j]]). Both halves recompute hidden = relu(x·w1 +
 * b1) and dpre = (dy·w2ᵀ)·[hidden > 0] for their chunk in workgroup memory (wgsl/expert-fused.ts;
 * the input half at ≤ 8 rows per tile in the batched-GEMV form of wgsl/expert-gemv.ts).
 * Grids are the static worst case (n·chunks; the tile map's maxTiles) and the kernels flatten
 * their workgroup ids, so an indirect grid can replace them without touching the WGSL.
 */
import type { Node } from '../../ir/graph.ts';
import type { IndirectArgs } from '../plan.ts';
import { combineKernel } from '../wgsl/combine.ts';
import { EXPERT_H_CHUNK, expertFfnGradInputKernel, expertFfnGradWeightsKernel } from '../wgsl/expert-fused.ts';
import { splitAdvice } from './bank-advice.ts';
import { expertGemvGradInputKernel, useExpertGemv } from '../wgsl/expert-gemv.ts';
import { expertWgradSmallChoice, expertWgradSmallKernel, expertWgradSmallSlices, SMALL_ROWS_MAX } from '../wgsl/expert-wgrad-small.ts';
import { expertWgradLanesKernel, expertWgradLanesSlices, useExpertWgradLanes } from '../wgsl/expert-wgrad-lanes.ts';
import type { LowerCtx } from './context.ts';
import { activeGridOf, inactiveBlocksUnreadHere, planSlots, tileGridOf, tileMapOf } from './expert-tiles.ts';
import { clearInactiveKernel } from '../wgsl/segment.ts';
import type { LowerRule } from './rules-dense.ts';

const where = (node: Node): string => `${node.op}${node.layer ? ` (layer ${node.layer})` : ''}`;

/** Refuses a buffer split over several bindings (the backward kernels bind each weight bank whole). */
function whole(c: LowerCtx, buffer: number, node: Node, what: string): number {
  const s = c.plan.storages[c.plan.buffers[buffer]!.storage]!;
  if ((s.parts && s.parts.length > 1) || s.bytes > c.limits.maxStorageBufferBindingSize) {
    throw new Error(`${where(node)}: ${what} (${s.bytes} bytes) exceeds one storage binding (${c.limits.maxStorageBufferBindingSize}); the expert backward does not split it: ${splitAdvice(s.bytes, c.plan.buffers[buffer]!.type.shape[0] ?? 1, c.limits.maxStorageBufferBindingSize)}`);
  }
  return buffer;
}

/** Optional device-written grids for the two halves (wired once the dispatch scan writes tile counts). */
export interface ExpertFfnGradGrids {
  readonly weights?: IndirectArgs;
  readonly input?: IndirectArgs;
  /** Launch the weight half over the dispatch's active experts (indirect) instead of all n. */
  readonly activeWeights?: boolean;
}

/** Emits the fused expert backward for `node` (grids: optional indirect launches). */
export function lowerExpertFfnGrad(node: Node<'expertFfnGrad'>, c: LowerCtx, grids: ExpertFfnGradGrids = {}): void {
  const [N, D] = c.typeOf(c.input(0)).shape as [number, number];
  const S = c.typeOf(c.input(1)).shape[0]!;
  const k = c.typeOf(c.input(3)).shape[1]!;
  const [n, , H] = c.typeOf(c.input(4)).shape as [number, number, number];
  const Dout = c.typeOf(c.input(6)).shape[2]!;
  if (S !== N * k) throw new Error(`${where(node)}: ${S} slots but ${N}×${k} positions; the kernel needs every slot covered once`);
  const [x, sourceRow, offsets, position] = [0, 1, 2, 3].map((i) => c.input(i)) as [number, number, number, number];
  const w1 = whole(c, c.input(4), node, 'w1');
  const w2 = whole(c, c.input(6), node, 'w2');
  const [b1, dy] = [c.input(5), c.input(7)];
  const [dx, dw1, db1, dw2, db2] = [0, 1, 2, 3, 4].map((i) => c.output(i)) as [number, number, number, number, number];
  const { tileMap, tileRows } = tileMapOf(c, node.inputs[2]!, S, n);
  const shape = { N, k, n, D, H, Dout, tileRows };
  const weightBind = { x, sourceRow, offsets, w1_0: w1, b1, w2_0: w2, dy, dw1, db1, dw2, db2 };
  const dslot = c.scratch('expertFfnGrad.dslot', 'f32', S * D);
  // The lanes form with one slice per expert also writes dslot from its dpre: no input-half kernel.
  let dslotDone = false;
  if (grids.activeWeights) {
    // Only the experts that got rows are visited; the blocks of the others are zeroed only where
    // some reader looks at them (every reader honouring READS_ACTIVE_EXPERT_ROWS skips them).
    // At few rows per expert (N·k/n ≤ 8) the rank-≤R form (wgrad-small) replaces the tiled one.
    // At ≤ 1 row per expert, or narrow experts, the barrier-free lanes form (wgrad-lanes).
    const small = expertWgradSmallChoice(planSlots(c, S), n, D, Dout);
    const lanes = useExpertWgradLanes(planSlots(c, S), n, H, SMALL_ROWS_MAX);
    const perExpert = lanes ? expertWgradLanesSlices({ H }) : small ? expertWgradSmallSlices({ H, slice: small.slice }) : Math.ceil(H / EXPERT_H_CHUNK);
    const { active, grid } = activeGridOf(c, node.inputs[2]!, offsets, n, perExpert);
    dslotDone = lanes && expertWgradLanesSlices({ H }) === 1;
    const kernel = lanes
      ? expertWgradLanesKernel({ n, D, H, Dout, active: true, dslot: dslotDone })
      : small
        ? expertWgradSmallKernel({ n, D, H, Dout, ...small, active: true })
        : expertFfnGradWeightsKernel({ ...shape, active: true });
    c.emit(kernel, { ...weightBind, activeList: active, ...(dslotDone ? { dslot } : {}) }, undefined, grid);
    const blocks: [number, number, number][] = [[dw1, node.outputs[1]!, D * H], [db1, node.outputs[2]!, H], [dw2, node.outputs[3]!, H * Dout], [db2, node.outputs[4]!, Dout]];
    for (const [out, value, block] of blocks) {
      if (!inactiveBlocksUnreadHere(c, value, node.inputs[2]!)) c.emit(clearInactiveKernel({ segments: n, block }), { offsets, out });
    }
  } else {
    c.emit(expertFfnGradWeightsKernel(shape), weightBind, undefined, grids.weights);
  }
  if (!dslotDone) {
    // A few rows per expert (tile map of ≤ 8 rows): the batched-GEMV form of the input half (wgsl/expert-gemv.ts).
    const inputKernel = useExpertGemv({ tileRows, D, Dout }) ? expertGemvGradInputKernel(shape) : expertFfnGradInputKernel(shape);
    c.emit(inputKernel, { x, sourceRow, tileMap, w1_0: w1, b1, w2_0: w2, dy, dslot }, undefined, grids.input);
  }
  const ones = c.constant(`ones.f32[${N * k}]`, new Float32Array(Math.max(1, N * k)).fill(1));
  c.emit(combineKernel({ N, k, Dout: D }), { y: dslot, position, gates: ones, out: dx });
}

/** The rule table entry. */
export const EXPERT_FFN_GRAD_RULES = {
  // The input half runs over the dispatch's real tiles (device-side tile count), the weight half
  // over the active experts × H chunks; neither grid is sized by n.
  expertFfnGrad: (node, c) => lowerExpertFfnGrad(node, c, { input: tileGridOf(c, node.inputs[2]!, 1), activeWeights: true }),
} satisfies { [O in 'expertFfnGrad']: LowerRule<O> };
