/**
 * Test helper: the MoE dispatch as the lowering runs it (the radix sort, compiler/wgsl/dispatch.ts
 * `dispatchSortSteps`) as kernel steps over fresh buffers, for kernel tests that need a device-side
 * dispatch (sourceRow, position, offsets, tile map, tile count) of a given routing.
 */
import { dispatchSortScratch, dispatchSortSteps, maxTiles, type DispatchBufferName, type DispatchShape } from '../../compiler/wgsl/dispatch.ts';
import type { KernelStep } from '../../runtime/gpu/run.ts';
import { out } from './gpu.ts';

/** Runs the sort dispatch on `indices`; returns the named buffers. */
export function sortDispatchSteps(s: DispatchShape, indices: GPUBuffer): { steps: KernelStep[]; bufs: Record<DispatchBufferName, GPUBuffer> } {
  const sc = dispatchSortScratch(s);
  const S = Math.max(1, s.N * s.k);
  const bufs: Record<DispatchBufferName, GPUBuffer> = {
    indices,
    keysA: out(sc.keys),
    valsA: out(sc.vals),
    keysB: out(sc.keys),
    valsB: out(sc.vals),
    digitCounts: out(sc.digitCounts),
    sourceRow: out(S),
    position: out(S),
    offsets: out(s.n + 1),
    tileMap: out(4 * maxTiles(s)),
    tileCount: out(4),
    activeList: out(s.n + 1),
  };
  const steps = dispatchSortSteps(s).map(({ kernel, bind }) => ({ kernel, buffers: Object.fromEntries(Object.entries(bind).map(([k, v]) => [k, bufs[v]])) }));
  return { steps, bufs };
}

/** The tile map the device dispatch builds, on the host: (expert, rowStart, rowEnd, 0) per entry of ≤ tm rows, then expert −1. */
export function tileMapOf(offsets: Int32Array, n: number, tiles: number, tm: number): Int32Array {
  const map = new Int32Array(4 * tiles).fill(-1);
  let t = 0;
  for (let e = 0; e < n; e++) {
    for (let a = offsets[e]!; a < offsets[e + 1]!; a += tm) map.set([e, a, Math.min(a + tm, offsets[e + 1]!), 0], 4 * t++);
  }
  return map;
}
