/**
 * moeCombineGrad on WebGPU (compiler/wgsl/grad-moe.ts `combineGradKernel`) in both of its forms —
 * one invocation per pair for rows of ≤ COMBINE_GRAD_LANE_MAX_D columns, one workgroup with a tree
 * sum per pair above — against the CPU reference written from the vjp (ir/reference/grad-moe.ts):
 * dy [S, D] and dgates [N, k], with a permuted position table (as a dispatch produces) and some
 * pairs with no expert (position −1: dgates 0, no slot written). A second run gives the same bits.
 */
import { expect, it } from 'vitest';
import { COMBINE_GRAD_LANE_MAX_D, combineGradKernel } from '../../compiler/wgsl/grad-moe.ts';
import { moeCombineGrad } from '../../ir/reference/grad-moe.ts';
import { readF32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, expectClose, out, randArray, rng, run, up } from './gpu.ts';

describeGpu('combine gradient', () => {
  it.each([16, COMBINE_GRAD_LANE_MAX_D, 100])('matches the reference at D = %i (pairs with no expert included)', async (D) => {
    const r = rng(70 + D);
    const [N, k] = [37, 3];
    const S = N * k;
    // A random permutation of the slots; every fifth pair has no expert.
    const slots = [...Array(S).keys()].sort(() => r() - 0.5);
    const position = Int32Array.from(slots, (s, p) => (p % 5 === 4 ? -1 : s));
    const dout = randArray(r, N * D);
    const y = randArray(r, S * D);
    const gates = randArray(r, N * k, 0, 1);
    const want = moeCombineGrad(dout, y, S, D, position, gates, N, k);
    const bind = { dout: up(dout), y: up(y), position: up(position), gates: up(gates) };
    const [dy, dg, dy2, dg2] = [out(S * D), out(N * k), out(S * D), out(N * k)];
    const kernel = combineGradKernel({ N, k, Dout: D });
    await run([{ kernel, buffers: { ...bind, dy, dgates: dg } }, { kernel, buffers: { ...bind, dy: dy2, dgates: dg2 } }]);
    const gotDy = await readF32(dev(), dy, S * D);
    const gotDg = await readF32(dev(), dg, N * k);
    expectClose(gotDg, want.dgates, 1e-5, `dgates (D ${D})`);
    expect(Array.from(gotDg).filter((_, p) => position[p] === -1).every((v) => v === 0), 'no-expert pairs: dgates 0').toBe(true);
    // Slots no pair points at are never written (they stay 0 in a fresh buffer, as in the reference).
    expectClose(gotDy, want.dy, 1e-6, `dy (D ${D})`);
    expect(Array.from(await readF32(dev(), dg2, N * k)), 'same bits on a second run').toEqual(Array.from(gotDg));
    expect(Array.from(await readF32(dev(), dy2, S * D)), 'same bits on a second run').toEqual(Array.from(gotDy));
  });
});
