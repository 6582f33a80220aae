/**
 * The one way lowering rules make a GEMM dispatch: `gemm(c, o)` builds the matmul kernel for
 * options `o` with the tiling this adapter's tuning chose for that shape (`LoweringLimits.tuning`,
 * measured by `moec tune`), or the untuned choice for the shape on this device (`defaultMatmulTiling`:
 * the subgroup kernel when `LoweringLimits.subgroups`, else `matmulTilingFor`). Tilings differ only in speed — the numbers are
 * the same in-order fma chain over k — so rules never need to know which one was picked.
 */
import { tunedMatmulTiling } from '../kernel-tuning.ts';
import type { Kernel } from '../wgsl/kernel.ts';
import { matmulKernel, type MatmulOptions } from '../wgsl/matmul.ts';
import type { LowerCtx } from './context.ts';

/** The matmul kernel for `o` (plus the uniform offsets, if any) under this plan's tuning. */
export function gemm(c: Pick<LowerCtx, 'limits'>, o: MatmulOptions & { readonly aOff?: number; readonly cOff?: number }): Kernel {
  return matmulKernel({ ...o, tiling: tunedMatmulTiling(c.limits.tuning, o, { subgroups: c.limits.subgroups === true }) });
}
