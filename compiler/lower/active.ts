/**
 * Lowering helper for work sized by the experts that got rows: `activeExpertsOf` gives the compact
 * active-expert list of an offsets value — a side buffer that lives as long as the offsets. The
 * dispatch (moeDispatch) writes it from the sorted pairs in O(N·k) (`dispatchActiveList`); for
 * offsets from elsewhere it is computed once per value, on the device, at the first step that
 * asks, by two multi-workgroup passes over the n segments (the per-block counts of the compaction
 * a second side buffer). Indirect grids sized
 * from it, or from the dispatch's tile count, are written once per offsets value by
 * compiler/lower/expert-tiles.ts (`activeGridOf`, `tileGridOf`). No host readback anywhere.
 */
import { activeExpertsBlocks, activeExpertsKernels, activeExpertsWords } from '../wgsl/active-experts.ts';
import type { LowerCtx } from './context.ts';

/**
 * The active-expert list side buffer of the moeDispatch producing `offsetsValue` (n experts), which
 * its index kernel writes: later `activeExpertsOf` calls find it and emit nothing.
 */
export function dispatchActiveList(c: LowerCtx, offsetsValue: number, n: number): number {
  return c.side(offsetsValue, 'activeExperts', 'i32', activeExpertsWords(n));
}

/**
 * The active-expert list [count, e0, e1, …] (i32, ascending) of the dispatch whose offsets [n+1]
 * are IR value `offsetsValue` held in plan buffer `offsets`.
 */
export function activeExpertsOf(c: LowerCtx, offsetsValue: number, offsets: number, n: number): number {
  const fresh = !c.hasSide(offsetsValue, 'activeExperts');
  const active = c.side(offsetsValue, 'activeExperts', 'i32', activeExpertsWords(n));
  if (fresh) {
    const blockCounts = c.side(offsetsValue, 'activeExpertBlocks', 'i32', activeExpertsBlocks(n));
    const [count, write] = activeExpertsKernels({ n });
    c.emit(count, { offsets, blockCounts });
    c.emit(write, { offsets, blockCounts, activeList: active });
  }
  return active;
}
