/**
 * Lowering helpers that size per-expert work by what the dispatch actually produced, all on the
 * device: `tileMapOf` is the dispatch's tile map (rows per entry chosen per plan), `tileCountOf` the side buffer of a dispatch's offsets value holding the real number
 * of tile-map entries (written by the dispatch's tile scan), `tileGridOf` the folded indirect grid
 * of a grouped expert GEMM over those entries (tileCount × column blocks workgroups), and
 * `activeGridOf` the folded grid over the experts that got rows (activeExpertsOf × workgroups per
 * expert); each grid is written once per offsets value and multiplier and shared by every
 * later dispatch that needs it. `inactiveBlocksUnread` decides whether a per-expert gradient may
 * leave the blocks of experts with no rows unwritten (every reader honours
 * READS_ACTIVE_EXPERT_ROWS with the same offsets, and the value is not a graph output).
 */
import type { Node } from '../../ir/graph.ts';
import { type OpName } from '../../ir/ops.ts';
import { READS_ACTIVE_EXPERT_ROWS } from '../../ir/op-traits.ts';
import type { IndirectArgs } from '../plan.ts';
import { indirectArgsKernel } from '../wgsl/active-experts.ts';
import { maxTiles } from '../wgsl/dispatch.ts';
import { expertTileRows } from '../wgsl/expert-ffn.ts';
import { activeExpertsOf } from './active.ts';
import type { LowerCtx } from './context.ts';

/**
 * The slots the expert kernel choices (row tile, GEMV form, small-row weight gradient) plan for: S, or in a device
 * program of N devices S/N — its expert ops see a receive buffer of N·S_local slots over n/N experts, N² times one
 * device's slots per expert, so planning with S/N gives one device's mean and the same kernels (and sums) as one
 * device. Buffers are still sized by the real S.
 */
export function planSlots(c: Pick<LowerCtx, 'plan'>, S: number): number {
  const part = c.plan.graph.meta.partition as { readonly devices: number } | undefined;
  return S / (part?.devices ?? 1);
}

/** The tileCount side buffer (i32 [4], word 0 = used tile-map entries) of the dispatch that produced `offsetsValue`. */
export function tileCountOf(c: LowerCtx, offsetsValue: number): number {
  return c.side(offsetsValue, 'tileCount', 'i32', 4);
}

/**
 * The tile map side buffer of the dispatch that produced `offsetsValue` (S slots over n experts)
 * and its rows per entry, `expertTileRows(S, n)`: moeDispatch builds it and every reader sizes it
 * (and its kernels' maxTiles) with this one choice.
 */
export function tileMapOf(c: LowerCtx, offsetsValue: number, S: number, n: number): { tileMap: number; tileRows: number } {
  const tileRows = expertTileRows(planSlots(c, S), n);
  return { tileMap: c.side(offsetsValue, 'tileMap', 'i32', 4 * maxTiles({ N: S, k: 1, n, tileRows })), tileRows };
}

/** A folded grid of counts[0]·multiplier workgroups, written once per (offsets value, key). */
function gridOnce(c: LowerCtx, offsetsValue: number, key: string, counts: number, multiplier: number): IndirectArgs {
  const fresh = !c.hasSide(offsetsValue, key);
  const args = c.side(offsetsValue, key, 'i32', 4);
  if (fresh) c.emit(indirectArgsKernel({ word: 0, multiplier }), { counts, args });
  return { buffer: args, offset: 0 };
}

/** Indirect grid of tileCount × `colBlocks` workgroups for a grouped GEMM over the real tiles of `offsetsValue`'s tile map. */
export function tileGridOf(c: LowerCtx, offsetsValue: number, colBlocks: number): IndirectArgs {
  if (!c.hasSide(offsetsValue, 'tileCount')) {
    throw new Error(`the expert offsets %${offsetsValue} have no device tile count: they must come from moeDispatch, lowered before their readers`);
  }
  return gridOnce(c, offsetsValue, `tileGrid×${colBlocks}`, tileCountOf(c, offsetsValue), colBlocks);
}

/**
 * The active-expert list of `offsetsValue` (plan buffer `offsets`, n experts) and an indirect grid
 * of (active experts) × `perExpert` workgroups over it.
 */
export function activeGridOf(c: LowerCtx, offsetsValue: number, offsets: number, n: number, perExpert: number): { active: number; grid: IndirectArgs } {
  const active = activeExpertsOf(c, offsetsValue, offsets, n);
  return { active, grid: gridOnce(c, offsetsValue, `activeGrid×${perExpert}`, active, perExpert) };
}

/** Readers of per-expert blocks that skip empty experts (ir/ops.ts `READS_ACTIVE_EXPERT_ROWS`, or a test's table). */
export type ActiveRowsReaders = Partial<Record<OpName, { readonly rows: number; readonly offsets: number }>>;

/**
 * True when the blocks of experts with no rows in IR value `value` ([n, …] per expert) are never
 * read, so its producer may leave them unwritten: `value` is not a graph output and every reader
 * is listed in `table` and takes `value` only as its per-expert rows input, with `offsetsValue`
 * as its offsets input. Otherwise the producer must write zeros there (the value's semantics).
 */
export function inactiveBlocksUnread(readers: readonly Node[], isGraphOutput: boolean, value: number, offsetsValue: number, table: ActiveRowsReaders = READS_ACTIVE_EXPERT_ROWS): boolean {
  if (isGraphOutput) return false;
  return readers.every((r) => {
    const t = table[r.op];
    if (!t) return false;
    if (r.inputs[t.offsets] !== offsetsValue) return false;
    return r.inputs.every((v, i) => v !== value || i === t.rows);
  });
}

/** `inactiveBlocksUnread` for the output `value` of the node being lowered. */
export function inactiveBlocksUnreadHere(c: LowerCtx, value: number, offsetsValue: number): boolean {
  return inactiveBlocksUnread(c.consumersOf(value), c.plan.graph.outputs.some((o) => o.value === value), value, offsetsValue);
}
