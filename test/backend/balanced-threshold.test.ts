/**
 * The threshold loss of strictly balanced gating (paper Eq. 20) and its vjp into the thresholds on
 * WebGPU (balancedThresholdLossKernels, balancedThresholdGradKernels) against the CPU reference
 * (`thresholdLoss`, `thresholdLossGrad` of ir/reference/balanced.ts): at 16384 rows × 256 experts
 * with ascending routing lists padded with −1 over kmax = n slots (what balancedGating writes: the
 * merge-walk path), and with arbitrary lists (repeats, −1 between ids, descending: the scanning
 * path); logits include values equal to the thresholds (M_t = 0 there). The loss must agree within
 * 1e-5 relative (f32 vs f64 sums), the gradient exactly; also 70000 experts (grids folded over 65535) (it is −dloss times an integer count).
 */
import { expect, it } from 'vitest';
import { thresholdLoss, thresholdLossGrad } from '../../ir/reference/balanced.ts';
import { balancedThresholdGradKernels, balancedThresholdLossKernels } from '../../compiler/wgsl/balanced.ts';
import { readF32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, out, randArray, rng, run, up } from './gpu.ts';

async function check(N: number, n: number, kmax: number, indices: Int32Array, r: () => number): Promise<void> {
  const thr = randArray(r, n, -0.5, 0.5);
  const logits = randArray(r, N * n);
  for (let i = 0; i < N * n; i += 17) logits[i] = thr[i % n]!; // L = T: not above the threshold
  const s = { N, n, kmax };
  const bl = up(logits);
  const bt = up(thr);
  const bi = up(indices);
  const dloss = up(new Float32Array([0.75]));
  const partial = out(N);
  const loss = out(1);
  const counts = out(n);
  const dT = out(n);
  const [rows, sum] = balancedThresholdLossKernels(s);
  const [zero, count, grad] = balancedThresholdGradKernels(s);
  await run([
    { kernel: rows, buffers: { logits: bl, thresholds: bt, indices: bi, partial } },
    { kernel: sum, buffers: { partial, out: loss } },
    { kernel: zero, buffers: { counts } },
    { kernel: count, buffers: { indices: bi, counts } },
    { kernel: grad, buffers: { logits: bl, thresholds: bt, counts, dloss, out: dT } },
  ]);
  const want = thresholdLoss(logits, thr, indices, N, n, kmax);
  const got = (await readF32(dev(), loss, 1))[0]!;
  expect(Math.abs(want)).toBeGreaterThan(1);
  expect(Math.abs(got - want) / Math.abs(want)).toBeLessThan(1e-5);
  const wantGrad = thresholdLossGrad(logits, thr, indices, 0.75, N, n, kmax);
  expect(Array.from(wantGrad).some((v) => v !== 0)).toBe(true);
  expect(Array.from(await readF32(dev(), dT, n))).toEqual(Array.from(wantGrad));
  // run again: the counts are cleared, not accumulated
  await run([
    { kernel: zero, buffers: { counts } },
    { kernel: count, buffers: { indices: bi, counts } },
    { kernel: grad, buffers: { logits: bl, thresholds: bt, counts, dloss, out: dT } },
  ]);
  expect(Array.from(await readF32(dev(), dT, n))).toEqual(Array.from(wantGrad));
}

describeGpu('balanced threshold loss and its gradient', () => {
  it('16384 rows × 256 experts, ascending lists padded with −1 (kmax = n)', async () => {
    const [N, n] = [16384, 256];
    const r = rng(11);
    const indices = new Int32Array(N * n).fill(-1);
    for (let row = 0; row < N; row++) {
      let c = 0;
      for (let e = 0; e < n; e++) if (r() < 4 / n) indices[row * n + c++] = e;
    }
    await check(N, n, n, indices, r);
  }, 120_000);

  it('70000 experts: per-expert grid folded over 65535 workgroups', async () => {
    const [N, n, kmax] = [16, 70000, 8];
    const r = rng(13);
    const indices = new Int32Array(N * kmax).fill(-1);
    for (let row = 0; row < N; row++) {
      const ids = new Set<number>();
      while (ids.size < 5) ids.add(r() < 0.5 ? Math.floor(r() * 20) : 65530 + Math.floor(r() * 4470));
      [...ids].sort((a, b) => a - b).forEach((e, j) => (indices[row * kmax + j] = e));
    }
    await check(N, n, kmax, indices, r);
  }, 120_000);

  it('arbitrary lists: repeats, −1 between ids, any order', async () => {
    const [N, n, kmax] = [1000, 13, 5];
    const r = rng(12);
    const indices = Int32Array.from({ length: N * kmax }, () => Math.floor(r() * (n + 1)) - 1);
    let repeats = 0;
    for (let row = 0; row < N; row++) {
      const seen = new Set<number>();
      for (let j = 0; j < kmax; j++) {
        const e = indices[row * kmax + j]!;
        if (e >= 0 && seen.has(e)) repeats++;
        seen.add(e);
      }
    }
    expect(repeats).toBeGreaterThan(0);
    await check(N, n, kmax, indices, r);
  });
});
