/**
 * Shared by the sparse-update tests (expert banks, secondary-gating group banks): train the sparse
 * and the dense training graph of one model side by side on the CPU backend from the same
 * parameters and batch, and compare every parameter (exactly, or to a relative tolerance), so each
 * test keeps only what is particular to its banks (which updates, the caught-up statistics).
 */
import { expect } from 'vitest';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import type { Graph } from '../../ir/graph.ts';
import type { Tensor } from '../../ir/tensor.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareTrainer } from '../../runtime/trainer.ts';
import { expectNear } from '../ir/expert-schedule.ts';

/** Runs `steps` steps of both graphs; returns the final persistent tensors of each. */
export async function trainSparseAndDense(
  sparseG: Graph,
  denseG: Graph,
  init: (g: Graph) => Record<string, Tensor>,
  steps: number,
): Promise<{ sp: Record<string, Tensor>; dp: Record<string, Tensor> }> {
  const batch = syntheticFeeds(sparseG, 3);
  const sparse = await prepareTrainer({ kind: 'cpu' }, lowerToWebGpu(sparseG), init(sparseG), { seed: 3 });
  const dense = await prepareTrainer({ kind: 'cpu' }, lowerToWebGpu(denseG), init(denseG), { seed: 3 });
  for (let s = 0; s < steps; s++) {
    await sparse.step(batch, s);
    await dense.step(batch, s);
  }
  const out = { sp: await sparse.read(), dp: await dense.read() };
  sparse.destroy();
  dense.destroy();
  return out;
}

/** Every parameter of `dp` (optimizer state excluded) equals `sp`'s: bit for bit at rtol 0. */
export function expectSameParams(sp: Record<string, Tensor>, dp: Record<string, Tensor>, rtol: number): void {
  for (const name of Object.keys(dp)) {
    if (name.startsWith('opt.')) continue;
    if (rtol === 0) expect(Array.from(sp[name]!.data), name).toEqual(Array.from(dp[name]!.data));
    else expectNear(sp[name]!.data, dp[name]!.data, rtol, name);
  }
}
