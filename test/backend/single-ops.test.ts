/**
 * Standalone single-op kernels (compiler/wgsl/moe-stats.ts, random.ts, topk.ts) vs the CPU
 * reference: loadEstimate (noisy, sigma = 0 step, k = n, experts never selected, N not a multiple
 * of 64), importance (also 4096 experts over many row blocks, −1 indices, bit-identical reruns),
 * CV² (random, constant, n < 2), dropout (mask bit-exact, train and eval),
 * noiseStd (train and eval), randomNormal (bit-exact) and topk (ties, ±0, ±inf, NaN, k = 1 and
 * k = n; bit-exact). Each template is one pipeline; the cases only change buffers and uniforms.
 */
import { expect, it } from 'vitest';
import { cvSquared, importance, loadEstimate, noiseStd, randomNormal, topkRows } from '../../ir/reference/gating.ts';
import { dropout } from '../../ir/reference/sequence.ts';
import { normalTableData } from '../../compiler/wgsl/philox.ts';
import {
  cvSquaredVectorKernel,
  dropoutKernel,
  importanceKernel,
  loadEstimateKernel,
  noiseStdKernel,
  randomNormalKernel,
  topkKernel,
} from '../../compiler/wgsl/single-ops.ts';
import { importancePartials, statsBlocks } from '../../compiler/wgsl/moe-stats.ts';
import { readF32, readI32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, expectClose, out, randArray, rng, run, up } from './gpu.ts';

/** Gating-like inputs: clean/sigma/topValues/indices with the top-(k+1) of clean + z·sigma. */
function gatingData(seed: number, N: number, n: number, k: number, sigmaMode: 'noisy' | 'zero' | 'mixed', dead: number[] = []) {
  const r = rng(seed);
  const clean = randArray(r, N * n, -2, 2);
  for (let row = 0; row < N; row++) for (const e of dead) clean[row * n + e] = -50 - r();
  const sigma = sigmaMode === 'zero' ? new Float32Array(N * n) : randArray(r, N * n, 0.05, 1);
  if (sigmaMode === 'mixed') for (let i = 0; i < N * n; i += 3) sigma[i] = 0;
  const noisy = new Float32Array(N * n);
  for (let i = 0; i < N * n; i++) noisy[i] = clean[i]! + (sigma[i]! === 0 ? 0 : (r() * 2 - 1) * sigma[i]!);
  const kt = Math.min(k + 1, n);
  const top = topkRows(noisy, N, n, kt);
  const indices = new Int32Array(N * k);
  for (let row = 0; row < N; row++) for (let j = 0; j < k; j++) indices[row * k + j] = top.indices[row * kt + j]!;
  return { clean, sigma, topValues: Float32Array.from(top.values), indices, kt };
}

describeGpu('moe statistics kernels', () => {
  const cases = [
    { name: 'noisy, N=131, dead experts', N: 131, n: 9, k: 2, mode: 'noisy', dead: [0, 5] },
    { name: 'sigma = 0 (eval) step', N: 70, n: 7, k: 3, mode: 'zero', dead: [6] },
    { name: 'mixed sigma, k = 1', N: 200, n: 5, k: 1, mode: 'mixed', dead: [] },
    { name: 'k = n', N: 65, n: 4, k: 4, mode: 'noisy', dead: [] },
  ] as const;
  for (const c of cases) {
    it(`loadEstimate and importance match the reference (${c.name})`, async () => {
      const { N, n, k } = c;
      const d = gatingData(N * 7 + k, N, n, k, c.mode, [...c.dead]);
      const gates = randArray(rng(N), N * k, 0, 1);
      const bufs = {
        clean: up(d.clean),
        sigma: up(d.sigma),
        topValues: up(d.topValues),
        indices: up(d.indices),
        gates: up(gates),
        load: out(n),
        importance: out(n),
        partials: out(importancePartials({ N, n, k })),
      };
      await run([
        { kernel: loadEstimateKernel({ N, n, k }), buffers: bufs },
        ...importanceKernel({ N, n, k }).map((kernel) => ({ kernel, buffers: bufs })),
      ]);
      const load = await readF32(dev(), bufs.load, n);
      const imp = await readF32(dev(), bufs.importance, n);
      const wantLoad = loadEstimate({ ...d, N, n, k });
      const wantImp = importance(gates, d.indices, N, k, n);
      expectClose(load, wantLoad, 1e-5, 'load');
      expectClose(imp, wantImp, 1e-5, 'importance');
      for (const e of c.dead) {
        expect(imp[e]).toBe(0);
        expect(wantImp[e]).toBe(0);
      }
      if (c.mode === 'zero') expect(Array.from(load)).toEqual(Array.from(wantLoad)); // hard counts
      if (k === n) expect(Array.from(load)).toEqual(new Array(n).fill(N));
    });
  }

  it('importance with thousands of experts: many row blocks, skipped −1 / out-of-range indices, bit-identical reruns', async () => {
    const [N, n, k] = [3001, 4096, 4];
    expect(statsBlocks(N, n).blocks).toBeGreaterThan(1);
    const r = rng(21);
    const indices = new Int32Array(N * k);
    for (let i = 0; i < N * k; i++) indices[i] = Math.floor(r() * r() * n); // skewed: some experts hot, many unused
    for (let i = 0; i < N * k; i += 37) indices[i] = -1;
    indices[5] = n; // out of range: skipped like −1
    const gates = randArray(r, N * k, 0, 1);
    const want = importance(gates, Int32Array.from(indices, (v) => (v >= n ? -1 : v)), N, k, n);
    const bufs = { gates: up(gates), indices: up(indices), partials: out(importancePartials({ N, n, k })), importance: out(n) };
    const runs: Float32Array[] = [];
    for (let rep = 0; rep < 2; rep++) {
      await run(importanceKernel({ N, n, k }).map((kernel) => ({ kernel, buffers: bufs })));
      runs.push(await readF32(dev(), bufs.importance, n));
    }
    expectClose(runs[0]!, want, 1e-5, 'importance');
    expect(Buffer.from(runs[1]!.buffer).equals(Buffer.from(runs[0]!.buffer))).toBe(true);
    for (let e = 0; e < n; e++) if (want[e] === 0) expect(Object.is(runs[0]![e], 0), `expert ${e}`).toBe(true);
  });

  it('cvSquared matches the reference (random, constant, n < 2, n = 0)', async () => {
    const r = rng(5);
    const vectors = [randArray(r, 200, 0, 3), new Float32Array(100).fill(0.1), new Float32Array(77).fill(3.7), Float32Array.of(2.5), new Float32Array(0), Float32Array.of(1, 1, 1, 2)];
    for (const v of vectors) {
      const o = out(1);
      await run([{ kernel: cvSquaredVectorKernel({ n: v.length }), buffers: { x: up(v.length ? v : new Float32Array(1)), out: o } }]);
      const got = (await readF32(dev(), o, 1))[0]!;
      const want = cvSquared(v);
      if (want === 0) expect(got).toBe(0);
      else expect(Math.abs(got - want) / want).toBeLessThan(1e-5);
    }
  });
});

describeGpu('RNG and noise kernels', () => {
  it('dropout reproduces f32(x · f64 scale) bit-for-bit over all magnitudes (subnormal .. overflow)', async () => {
    const r = rng(17);
    const cols = 64;
    const x = new Float32Array(64 * cols);
    const bits = new Uint32Array(x.buffer);
    for (let i = 0; i < x.length; i++) bits[i] = Math.floor(r() * 2 ** 32) >>> 0; // every exponent and sign
    for (let i = 0; i < x.length; i += 97) bits[i] = Math.floor(r() * 2 ** 23); // subnormals
    x[1] = 3.4e38; // overflows for every rate > 0
    x[2] = -0;
    x[3] = Infinity;
    x[4] = NaN;
    const site = { seed: 5, stream: 1, step: 0 };
    for (const rate of [1e-7, 0.1, 1 / 3, 0.77, 0.999]) {
      const buf = out(x.length);
      await run([{ kernel: dropoutKernel({ numel: x.length, cols, rate, ...site, train: true }), buffers: { x: up(x), out: buf } }]);
      const got = await readF32(dev(), buf, x.length);
      const want = dropout({ x, rows: x.length / cols, cols, rate, training: true, ...site });
      let bad = 0;
      for (let i = 0; i < x.length; i++) if (!Object.is(got[i], want[i]) && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) bad++;
      expect(bad, `rate ${rate}`).toBe(0);
    }
  });

  it('randomNormal is bit-identical to normalDraw', async () => {
    const o = { rows: 67, cols: 61, seed: 0xdeadbeef, stream: 11, step: 31337, rowOffset: 4000 };
    const buf = out(o.rows * o.cols);
    await run([{ kernel: randomNormalKernel(o), buffers: { normTables: up(normalTableData()), out: buf } }]);
    const got = await readF32(dev(), buf, o.rows * o.cols);
    const want = randomNormal(o.rows, o.cols, o);
    expect(Array.from(got)).toEqual(Array.from(want));
  });

  for (const rate of [0.5, 0.3, 0.9]) {
    it(`dropout rate ${rate} is bit-exact (train and eval)`, async () => {
      const [rows, cols] = [3 * 5, 37];
      const x = randArray(rng(Math.round(rate * 100)), rows * cols, 0.5, 2); // nonzero, so zeros mean dropped
      const site = { seed: 1234, stream: 2, step: 77 };
      for (const train of [true, false]) {
        const buf = out(rows * cols);
        await run([{ kernel: dropoutKernel({ numel: rows * cols, cols, rate, ...site, train }), buffers: { x: up(x), out: buf } }]);
        const got = await readF32(dev(), buf, rows * cols);
        const want = dropout({ x, rows, cols, rate, training: train, ...site });
        expect(Array.from(got)).toEqual(Array.from(want));
        if (!train) continue;
        const dropped = got.filter((v) => v === 0).length;
        expect(Math.abs(dropped / got.length - rate)).toBeLessThan(0.1);
      }
    });
  }

  it('noiseStd: softplus + eps in training (incl. large |x|, eps = 0), exactly 0 in evaluation', async () => {
    const x = randArray(rng(9), 1000, -30, 30);
    x[0] = -80;
    x[1] = 80;
    x[2] = 0;
    x[3] = -1e-8;
    for (const [eps, train] of [[1e-2, true], [0, true], [1e-2, false]] as const) {
      const buf = out(x.length);
      await run([{ kernel: noiseStdKernel({ numel: x.length, eps, train }), buffers: { x: up(x), out: buf } }]);
      const got = await readF32(dev(), buf, x.length);
      const want = noiseStd(x, eps, train);
      if (!train) {
        expect(Array.from(got)).toEqual(Array.from(want));
        continue;
      }
      for (let i = 0; i < x.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-5 * want[i]! + 1e-37);
    }
  });
});

describeGpu('topk kernel', () => {
  it('matches topkRows bit-for-bit (ties, ±0, ±inf, NaN; k = 1, k = n, N not a multiple of 64)', async () => {
    const N = 70;
    const n = 13;
    const r = rng(3);
    const x = randArray(r, N * n, -2, 2).map((v) => Math.round(v * 2) / 2); // many ties
    const specials = [NaN, -0, 0, Infinity, -Infinity, NaN];
    for (let i = 0; i < N * n; i += 7) x[i] = specials[(i / 7) % specials.length]!;
    for (let c = 0; c < n; c++) x[5 * n + c] = NaN; // an all-NaN row
    for (const k of [1, 4, n]) {
      const values = out(N * k);
      const indices = out(N * k);
      await run([{ kernel: topkKernel({ N, n, k }), buffers: { x: up(x), values, indices } }]);
      const gv = await readF32(dev(), values, N * k);
      const gi = await readI32(dev(), indices, N * k);
      const want = topkRows(x, N, n, k);
      expect(Array.from(gi)).toEqual(Array.from(want.indices));
      for (let i = 0; i < N * k; i++) expect(Object.is(gv[i], want.values[i]) || (Number.isNaN(gv[i]) && Number.isNaN(want.values[i]))).toBe(true);
    }
  });
});
