/**
 * Flat gating with many experts on WebGPU (op `gating` lowered to two tiled GEMMs + the row-wise
 * top-(k+1) of compiler/wgsl/gating-rows.ts at n ≥ GATING_GEMM_MIN_EXPERTS) against the CPU
 * reference gatingForward, at n = 2048 and 8192 with random non-zero Wg/Wnoise, in training (drawn
 * Philox noise), evaluation and with explicit noise: clean and sigma close, identical selections
 * except in rows whose reference top-(k+1) has a gap within float error, gates and top values
 * close, routing non-trivial (many experts used). Also the kernel alone on rows with NaN and exact
 * ties: the selection equals the reference's topkRows bit for bit (NaN after every number, ties to
 * the lower index), and the lowering really takes the GEMM path.
 */
import { expect, it } from 'vitest';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { GATING_GEMM_MIN_EXPERTS, gatingRowsKernel } from '../../compiler/wgsl/gating-rows.ts';
import { GraphBuilder, type Graph } from '../../ir/graph.ts';
import { gatingForward, topkRows } from '../../ir/reference/gating.ts';
import { readF32, readI32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, expectClose, out, randArray, rng, run, up } from './gpu.ts';
import { preparePlan, tensor } from './train-plan.ts';

function gatingGraph(N: number, D: number, n: number, k: number, explicitNoise: boolean): Graph {
  const gb = new GraphBuilder();
  const x = gb.addInput('x', { dtype: 'f32', shape: [N, D] }, 'input');
  const wg = gb.addInput('wg', { dtype: 'f32', shape: [D, n] }, 'input');
  const wn = gb.addInput('wn', { dtype: 'f32', shape: [D, n] }, 'input');
  const noise = explicitNoise ? [gb.addInput('noise', { dtype: 'f32', shape: [N, n] }, 'input')] : [];
  const outs = gb.addNode('gating', { k, noisy: true, eps: 1e-2, stream: 5, rowOffset: 123, explicitNoise }, [x, wg, wn, ...noise]);
  ['indices', 'gates', 'clean', 'sigma', 'topValues'].forEach((name, i) => gb.setOutput(name, outs[i]!));
  return gb.finish();
}

/** True when the sorted noisy row has two values within float error among its first kt + 1. */
function nearTie(noisy: ArrayLike<number>, n: number, row: number, kt: number): boolean {
  const v = Array.from({ length: n }, (_, c) => noisy[row * n + c]!).sort((a, b) => b - a);
  for (let j = 0; j < Math.min(kt + 1, n) - 1; j++) if (Math.abs(v[j]! - v[j + 1]!) < 1e-4 * Math.max(1, Math.abs(v[j]!))) return true;
  return false;
}

describeGpu('flat gating with many experts (GEMM logits + row-wise top-k)', () => {
  for (const [n, N, mode] of [[2048, 96, 'drawn'], [2048, 64, 'eval'], [2048, 48, 'explicit'], [8192, 64, 'drawn'], [8192, 32, 'eval']] as const) {
    it(`n = ${n}, ${N} rows, ${mode} matches gatingForward`, async () => {
      const D = 40, k = 4;
      expect(n).toBeGreaterThanOrEqual(GATING_GEMM_MIN_EXPERTS);
      const g = gatingGraph(N, D, n, k, mode === 'explicit');
      const plan = lowerToWebGpu(g, dev().device.limits);
      const names = plan.steps.flatMap((s) => s.dispatches.map((d) => d.kernel.name));
      expect(names).toEqual(['matmul', 'matmul', 'gating_rows']);
      const r = rng(n + N);
      const feeds = {
        x: tensor('f32', [N, D], randArray(r, N * D)),
        wg: tensor('f32', [D, n], randArray(r, D * n, -0.5, 0.5)),
        wn: tensor('f32', [D, n], randArray(r, D * n, -0.5, 0.5)),
        ...(mode === 'explicit' ? { noise: tensor('f32', [N, n], randArray(r, N * n, -2, 2)) } : {}),
      };
      const training = mode !== 'eval';
      const ctx = { seed: 77, step: 4, training };
      const exe = await preparePlan(g);
      const got = await exe.run(feeds, ctx);
      exe.destroy();
      const ref = gatingForward({
        x: feeds.x.data, wg: feeds.wg.data, wn: feeds.wn.data, ...(mode === 'explicit' ? { noise: feeds.noise!.data } : {}),
        N, D, n, k, eps: 1e-2, noisy: true, training, seed: 77, step: 4, stream: 5, rowOffset: 123,
      });
      expectClose(got.clean!.data, ref.clean, 1e-4, 'clean');
      expectClose(got.sigma!.data, ref.sigma, 1e-4, 'sigma');
      if (!training) expect(Array.from(got.sigma!.data).every((v) => v === 0)).toBe(true);
      const kt = k + 1;
      let checked = 0;
      for (let row = 0; row < N; row++) {
        if (nearTie(ref.noisy, n, row, kt)) continue;
        checked++;
        expect(Array.from(got.indices!.data.subarray(row * k, row * k + k)), `row ${row}`).toEqual(Array.from(ref.indices.subarray(row * k, row * k + k)));
        expectClose(got.gates!.data.subarray(row * k, row * k + k), ref.gates.subarray(row * k, row * k + k), 1e-4, `gates row ${row}`);
        expectClose(got.topValues!.data.subarray(row * kt, row * kt + kt), ref.topValues.subarray(row * kt, row * kt + kt), 1e-4, `top row ${row}`);
      }
      expect(checked).toBeGreaterThan(0.9 * N);
      // Non-trivial routing: most of the N·k selections are distinct experts.
      expect(new Set(Array.from(got.indices!.data)).size).toBeGreaterThan(0.8 * N * k);
    });
  }

  it.each([8, 16, 64])('row-wise top-k (%i lanes per row): NaN (either sign) after every number, ±∞, exact ties to the lower index, equal to topkRows', async (lanes) => {
    const N = 7, n = 1000, k = 6;
    const r = rng(5);
    // Values on a coarse grid (many exact ties, −0 and +0 included), some NaN, one all-NaN row.
    const clean = randArray(r, N * n).map((v) => Math.round(v * 4) / 4);
    for (let i = 0; i < N * n; i += 13) clean[i] = NaN;
    for (let c = 0; c < n; c++) clean[3 * n + c] = NaN;
    for (let c = 0; c < n; c += 2) clean[5 * n + c] = c % 4 === 0 ? -0 : 0;
    // ±∞ and NaNs with the sign bit set (bit pattern 0xffc00000) among the numbers.
    const bits = new Uint32Array(clean.buffer);
    for (let i = 5; i < N * n; i += 17) bits[i] = 0xffc00000;
    for (let i = 7; i < N * n; i += 29) clean[i] = i % 2 ? Infinity : -Infinity;
    const kt = k + 1;
    const bufs = { clean: up(clean), sigma: out(N * n), indices: out(N * k), gates: out(N * k), topValues: out(N * kt) };
    await run([{ kernel: gatingRowsKernel({ N, n, k, noisy: false, explicitNoise: false, eps: 0, seed: 0, stream: 0, step: 0, rowOffset: 0, lanes }), buffers: bufs }]);
    const want = topkRows(clean, N, n, kt);
    const idx = await readI32(dev(), bufs.indices, N * k);
    const top = await readF32(dev(), bufs.topValues, N * kt);
    expect(Array.from(idx)).toEqual(Array.from({ length: N * k }, (_, i) => want.indices[Math.floor(i / k) * kt + (i % k)]!));
    expect(Array.from(top).map(String)).toEqual(Array.from(want.values).map(String));
    expect(Array.from(await readF32(dev(), bufs.sigma, N * n)).every((v) => v === 0)).toBe(true);
  });
});
