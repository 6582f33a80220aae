/**
 * Lowering helpers for work sized by the experts that got rows: `activeExpertsOf` gives the
 * compact active-expert list of a dispatch's offsets value (computed once per value, on the
 * device, at the first step that asks; a side buffer that lives as long as the offsets), and
 * `indirectGrid` emits the one-invocation kernel that sizes a following dispatch from a count on
 * the device, returning the `IndirectArgs` to pass to `LowerCtx.emit`. No host readback anywhere.
 */
import type { IndirectArgs } from '../plan.ts';
import { activeExpertsKernel, activeExpertsWords, indirectArgsKernel, type IndirectArgsOptions } from '../wgsl/active-experts.ts';
import type { LowerCtx } from './context.ts';

/**
 * The active-expert list [count, e0, e1, …] (i32, ascending) of the dispatch whose offsets [n+1]
 * are IR value `offsetsValue` held in plan buffer `offsets`.
 */
export function activeExpertsOf(c: LowerCtx, offsetsValue: number, offsets: number, n: number): number {
  const fresh = !c.hasSide(offsetsValue, 'activeExperts');
  const active = c.side(offsetsValue, 'activeExperts', 'i32', activeExpertsWords(n));
  if (fresh) c.emit(activeExpertsKernel({ n }), { offsets, activeList: active });
  return active;
}

/** Emits the kernel that writes a grid of counts[word]·multiplier + extra workgroups; returns its args. */
export function indirectGrid(c: LowerCtx, counts: number, o: IndirectArgsOptions): IndirectArgs {
  const args = c.scratch('indirect.args', 'i32', 4);
  c.emit(indirectArgsKernel(o), { counts, args });
  return { buffer: args, offset: 0 };
}
