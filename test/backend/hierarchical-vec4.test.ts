/**
 * The four-experts-per-step (vec4) forms of the secondary gating kernels
 * (compiler/wgsl/hierarchical-gating*.ts, taken when b is a multiple of 4) against their scalar
 * forms (`scalar: true`), bit for bit: forward outputs (indices, gates, clean, sigma, top values,
 * local indices), then the gradient kernels — per-(row, slot, expert) logit gradients and
 * dprimaryGates, the weight gradients over the group-sorted pairs, the input gradient — on the
 * same random inputs (non-zero gate weights, noisy training, random distinct primary groups, a
 * few groups shared by many rows) — and the hierarchical load kernels (forward load, per-group
 * sums, row gradients, primary-load gradient) on the forward's statistics. Their agreement with the reference (ir/reference/hierarchical.ts)
 * is checked through the lowering in hierarchical.test.ts and hierarchical-scale.test.ts, whose
 * b = 64 and 256 take the vec4 forms.
 */
import { expect, it } from 'vitest';
import { secondaryGatingKernel, type SecondaryGatingKernelOptions } from '../../compiler/wgsl/hierarchical-gating.ts';
import { secondaryGatingGradInputKernel, secondaryGatingGradRowsKernel, secondaryGatingGradWeightsKernel } from '../../compiler/wgsl/hierarchical-gating-grad.ts';
import { hierLoadGradPrimaryKernel, hierLoadKernel, hierLoadGradRowsKernel, hierLoadZeroKernel } from '../../compiler/wgsl/hierarchical-load.ts';
import { normalTableData } from '../../compiler/wgsl/philox.ts';
import { readU32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, out, randArray, rng, run, up } from './gpu.ts';

describeGpu('secondary gating: vec4 forms equal the scalar forms bit for bit', () => {
  it.each([32, 512])('forward, the three gradient kernels and the load kernels (noisy training, b = %i, D = 8)', async (b) => {
    const r = rng(91);
    const [N, D, a, k1, k2] = [24, 8, 16, 2, 3];
    const kt = Math.min(k2 + 1, b);
    const o: SecondaryGatingKernelOptions = { N, D, a, b, k1, k2, noisy: true, eps: 0.01, stream: 4, rowOffset: 8, seed: 3, step: 5, train: true };
    const x = randArray(r, N * D);
    const wg2 = randArray(r, a * D * b);
    const wn2 = randArray(r, a * D * b, -0.5, 0.5);
    const primary = new Int32Array(N * k1);
    for (let row = 0; row < N; row++) {
      const chosen = new Set<number>();
      while (chosen.size < k1) chosen.add(Math.floor(r() * (row % 3 === 0 ? 3 : a)));
      [...chosen].forEach((g, s) => (primary[row * k1 + s] = g));
    }
    const pgates = randArray(r, N * k1, 0.1, 1);
    // Group-sorted pairs (increasing pair index within a group), as compiler/wgsl/hierarchical-groups.ts builds them.
    const offsets = new Int32Array(a + 1);
    for (const g of primary) offsets[g + 1]!++;
    for (let g = 0; g < a; g++) offsets[g + 1]! += offsets[g]!;
    const fill = offsets.slice(0, a);
    const pairs = new Int32Array(N * k1);
    primary.forEach((g, q) => (pairs[fill[g]!++] = q));
    const ins = { x: up(x), wg2: up(wg2), wn2: up(wn2), normTables: up(normalTableData()), primaryIndices: up(primary), primaryGates: up(pgates) };
    const dgates = up(randArray(r, N * k1 * k2));
    const dclean = up(randArray(r, N * k1 * b));
    const dsigma = up(randArray(r, N * k1 * b));
    const active = new Int32Array([0, ...Array.from({ length: a }, (_, g) => g).filter((g) => offsets[g + 1]! > offsets[g]!)]);
    active[0] = active.length - 1;
    const primaryLoad = up(randArray(r, a, 0.5, 4));
    const dload = up(randArray(r, a * b));
    const sizes = { dprimaryLoad: a, load: a * b, groupLoad: a * b, dclean2: N * k1 * b, dsigma2: N * k1 * b, indices: N * k1 * k2, gates: N * k1 * k2, clean: N * k1 * b, sigma: N * k1 * b, topValues: N * k1 * kt, localIndices: N * k1 * k2, dprimaryGates: N * k1, dC: N * k1 * b, dR: N * k1 * b, dwg2: a * D * b, dwn2: a * D * b, dx: N * D };
    const results: Record<string, Uint32Array>[] = [];
    for (const scalar of [true, false]) {
      const oo = { ...o, scalar };
      const bufs = Object.fromEntries(Object.entries(sizes).map(([k, n]) => [k, out(n)])) as Record<keyof typeof sizes, GPUBuffer>;
      await run([
        { kernel: secondaryGatingKernel(oo), buffers: { ...ins, ...bufs } },
        { kernel: secondaryGatingGradRowsKernel(oo), buffers: { ...ins, ...bufs, dgates, dclean, dsigma } },
        { kernel: secondaryGatingGradWeightsKernel(oo), buffers: { x: ins.x, groupOffsets: up(offsets), groupPairs: up(pairs), dC: bufs.dC, dR: bufs.dR, dwg2: bufs.dwg2, dwn2: bufs.dwn2 } },
        { kernel: secondaryGatingGradInputKernel(oo), buffers: { ...ins, dC: bufs.dC, dR: bufs.dR, dx: bufs.dx } },
      ]);
      const lo = { N, a, b, k1, k2, scalar };
      const stats = { primaryLoad, primaryIndices: ins.primaryIndices, groupOffsets: up(offsets), groupPairs: up(pairs), activeList: up(active), clean: bufs.clean, sigma: bufs.sigma, topValues: bufs.topValues, localIndices: bufs.localIndices };
      await run([
        { kernel: hierLoadZeroKernel(lo), buffers: { load: bufs.load } },
        { kernel: hierLoadKernel(lo, true), buffers: { ...stats, load: bufs.load } },
        { kernel: hierLoadKernel(lo, false), buffers: { ...stats, groupLoad: bufs.groupLoad } },
        { kernel: hierLoadGradRowsKernel(lo), buffers: { ...stats, dout: dload, dclean: bufs.dclean2, dsigma: bufs.dsigma2 } },
        { kernel: hierLoadGradPrimaryKernel(lo), buffers: { dout: dload, groupLoad: bufs.groupLoad, groupOffsets: stats.groupOffsets, dprimaryLoad: bufs.dprimaryLoad } },
      ]);
      const got: Record<string, Uint32Array> = {};
      for (const [k, n] of Object.entries(sizes)) got[k] = await readU32(dev(), bufs[k as keyof typeof sizes], n);
      results.push(got);
    }
    const [scalar, vec4] = results as [Record<string, Uint32Array>, Record<string, Uint32Array>];
    for (const k of Object.keys(sizes)) expect(Array.from(vec4[k]!), k).toEqual(Array.from(scalar[k]!));
    // Non-trivial: the chosen experts spread over the group, noise was drawn, gradients are non-zero.
    expect(new Set(Array.from(new Int32Array(scalar.localIndices!.buffer))).size).toBeGreaterThan(8);
    expect(Array.from(new Float32Array(scalar.sigma!.buffer)).every((v) => v > 0)).toBe(true);
    expect(Array.from(new Float32Array(scalar.dx!.buffer)).filter((v) => v !== 0).length).toBe(N * D);
    expect(Array.from(new Float32Array(scalar.dwg2!.buffer)).filter((v) => v !== 0).length).toBeGreaterThan(D * b);
    const load = Array.from(new Float32Array(scalar.load!.buffer));
    expect(load.filter((v) => v > 0 && v < 1).length).toBeGreaterThan(b);
    expect(Array.from(new Float32Array(scalar.dclean2!.buffer)).filter((v) => v !== 0).length).toBeGreaterThan(b);
    expect(Array.from(new Float32Array(scalar.dprimaryLoad!.buffer)).filter((v) => v !== 0).length).toBe(active[0]);
  });
});
