/**
 * Lowering of factored Adam (β1 = 0): small matrices (`factoredSmall`: r·c ≤ 4096) to the one-dispatch
 * kernel of compiler/wgsl/factored-adam-small.ts, the others to the tiled kernels of compiler/wgsl/factored-adam-tiles.ts,
 * shared by `factoredAdamUpdate` (dense: every matrix of a [batch, r, c] parameter, static grids)
 * and `expertFactoredAdamUpdate` (sparse: the experts on the dispatch's active-expert list, grids
 * written on the device by one invocation, lazy catch-up through `last`). Emits the tile sums,
 * lines, (clipping sums, only when no tile holds whole rows or columns), stats and update passes; the step-dependent uniforms (bias correction,
 * step) are rebuilt per run.
 */
import type { IndirectArgs, RunParams } from '../plan.ts';
import { factoredSmall, factoredSmallKernel, factoredSmallUniforms, type FactoredSmallOptions } from '../wgsl/factored-adam-small.ts';
import { factoredGridsKernel, factoredLinesKernel, factoredScratch, factoredSqKernel, factoredStatsKernel, factoredTileSumsKernel, factoredTiling, factoredUniforms, factoredUpdateKernel, type FactoredTileOptions } from '../wgsl/factored-adam-tiles.ts';
import type { Kernel } from '../wgsl/kernel.ts';
import type { LowerCtx } from './context.ts';

/** Buffers of one factored-Adam update: parameter (in place), gradient, statistics, and for the sparse form `last` and the active list. */
export interface FactoredBuffers {
  readonly p: number;
  readonly g: number;
  readonly vr: number;
  readonly vc: number;
  /** Sparse form: `grid` (count workgroups over the active list) is needed when `factoredSmall(r, c)`. */
  readonly sparse?: { readonly last: number; readonly activeList: number; readonly grid?: IndirectArgs };
}

/** Emits one factored-Adam update of `batch` r × c matrices (the sparse form: `batch` = experts in the bank). */
export function emitFactoredAdam(c: LowerCtx, shape: { readonly batch: number; readonly r: number; readonly c: number }, hp: { readonly lr: number; readonly beta2: number; readonly clip: number }, b: FactoredBuffers): void {
  const sparse = b.sparse !== undefined;
  const o = (run: RunParams): FactoredTileOptions => ({ sparse, ...shape, ...hp, step: run.step });
  if (factoredSmall(shape.r, shape.c)) {
    // One dispatch does the whole update (factored-adam-small.ts; sparse: a grid of one workgroup per active expert).
    const so = (run: RunParams): FactoredSmallOptions => ({ sparse, ...shape, ...hp, step: run.step });
    if (sparse && b.sparse.grid === undefined) throw new Error(`factored Adam: the one-dispatch sparse update of ${shape.r} × ${shape.c} experts needs the active-expert grid`);
    const bind = { p: b.p, vr: b.vr, vc: b.vc, g: b.g, ...(sparse ? { last: b.sparse.last, activeList: b.sparse.activeList } : {}) };
    c.emit(factoredSmallKernel(so(c.run0)), bind, (run) => factoredSmallUniforms(so(run)).data, sparse ? b.sparse.grid : undefined);
    return;
  }
  const prefix = sparse ? 'expertFactoredAdam' : 'factoredAdam';
  const size = factoredScratch(shape);
  const colPart = c.scratch(`${prefix}.colPart`, 'f32', size.colPart);
  const rowPart = c.scratch(`${prefix}.rowPart`, 'f32', size.rowPart);
  const stats = c.scratch(`${prefix}.stats`, 'f32', size.stats);
  const list: Record<string, number> = sparse ? { activeList: b.sparse.activeList } : {};
  const args = sparse ? c.scratch(`${prefix}.grids`, 'i32', 12) : undefined;
  if (args !== undefined) c.emit(factoredGridsKernel(shape), { activeList: b.sparse!.activeList, args });
  const at = (offset: number) => (args === undefined ? undefined : { buffer: args, offset });
  const emit = (make: (o: FactoredTileOptions) => Kernel, bind: Record<string, number>, offset: number) =>
    c.emit(make(o(c.run0)), { ...bind, ...list }, (run) => factoredUniforms(o(run)).data, at(offset));
  const sqPart = hp.clip > 0 ? c.scratch(`${prefix}.sqPart`, 'f32', size.sqPart) : undefined;
  const sq = sqPart !== undefined ? { sqPart } : {};
  const last = sparse ? { last: b.sparse.last } : {};
  // A tile that holds whole rows or columns finishes them and the clipping partials in the sums pass (no sq pass).
  const own = factoredTiling(shape.r, shape.c).own !== 'none';
  emit(factoredTileSumsKernel, { g: b.g, colPart, rowPart, vr: b.vr, vc: b.vc, ...sq, ...last }, 0);
  emit(factoredLinesKernel, { colPart, rowPart, vr: b.vr, vc: b.vc, ...last }, 16);
  if (sqPart !== undefined && !own) emit(factoredSqKernel, { g: b.g, vr: b.vr, vc: b.vc, sqPart }, 0);
  emit(factoredStatsKernel, { vr: b.vr, vc: b.vc, ...sq, stats, ...last }, 32);
  emit(factoredUpdateKernel, { p: b.p, g: b.g, vr: b.vr, vc: b.vc, stats }, 0);
}
