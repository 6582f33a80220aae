/**
 * The fused backward of the noisy gating's logits (`gatingLogitsGrad`): the vjp uses it in the
 * usual training case, and its WebGPU kernel matches the reference (ir/reference/
 * gating-logits-grad.ts, the composition of scatterTopk, randomNormal and noiseStdGrad) at n = 2048
 * experts (Philox noise redrawn at the forward's site, a nonzero row offset and step) in training,
 * and gives zero raw gradient in evaluation. Selections are distinct random experts per row, the
 * load-loss gradients and raw logits random non-zero values.
 */
import { expect, it } from 'vitest';
import { gatingLogitsGradKernel } from '../../compiler/wgsl/grad-moe.ts';
import { normalTableData } from '../../compiler/wgsl/philox.ts';
import { GraphBuilder } from '../../ir/graph.ts';
import { gatingLogitsGrad } from '../../ir/reference/gating-logits-grad.ts';
import { tensorType } from '../../ir/types.ts';
import { differentiate } from '../../passes/autodiff.ts';
import { readF32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, expectClose, out, randArray, rng, run, up } from './gpu.ts';

it('the gating vjp fuses the logits gradient when gates, clean and sigma all get gradients', () => {
  const b = new GraphBuilder();
  const x = b.addInput('x', tensorType('f32', [3, 2]), 'input');
  const wg = b.addInput('wg', tensorType('f32', [2, 5]), 'param', { kind: 'uniform', scale: 1 });
  const wn = b.addInput('wn', tensorType('f32', [2, 5]), 'param', { kind: 'uniform', scale: 1 });
  const [, gates, clean, sigma] = b.addNode('gating', { k: 2, noisy: true, eps: 0.01, stream: 1, rowOffset: 0, explicitNoise: false }, [x, wg, wn]) as number[];
  const loss = b.add1('add', {}, [b.add1('sum', {}, [gates!]), b.add1('add', {}, [b.add1('sum', {}, [clean!]), b.add1('sum', {}, [sigma!])])]);
  b.setOutput('loss', loss);
  const ops = differentiate(b.finish()).nodes.map((n) => n.op);
  expect(ops).toContain('gatingLogitsGrad');
  expect(ops).not.toContain('scatterTopk');
  expect(ops).not.toContain('randomNormal');
});

describeGpu('gatingLogitsGrad on WebGPU', () => {
  it('matches the reference at 2048 experts (training) and gives zero raw gradient in evaluation', async () => {
    const [N, k, n] = [40, 4, 2048];
    const r = rng(11);
    const indices = new Int32Array(N * k);
    for (let row = 0; row < N; row++) {
      const chosen = new Set<number>();
      while (chosen.size < k) chosen.add(Math.floor(r() * n));
      [...chosen].forEach((e, j) => (indices[row * k + j] = e));
    }
    const dvals = randArray(r, N * k);
    const dclean = randArray(r, N * n);
    const dsigma = randArray(r, N * n);
    const raw = randArray(r, N * n, -3, 3);
    const site = { seed: 5, step: 9, stream: 3, rowOffset: 17 };
    for (const training of [true, false]) {
      const ref = gatingLogitsGrad(dvals, indices, dclean, dsigma, raw, N, k, n, { ...site, training });
      const [dcleanOut, drawOut] = [out(N * n), out(N * n)];
      const kernel = gatingLogitsGradKernel({ N, k, n, ...site, train: training });
      await run([{ kernel, buffers: { dvals: up(dvals), indices: up(indices), dclean: up(dclean), dsigma: up(dsigma), raw: up(raw), normTables: up(normalTableData()), dcleanOut, drawOut } }]);
      const gotClean = await readF32(dev(), dcleanOut, N * n);
      const gotRaw = await readF32(dev(), drawOut, N * n);
      expectClose(gotClean, ref.dclean, 1e-6, `dclean (training ${training})`);
      if (training) {
        expectClose(gotRaw, ref.draw, 1e-5, 'draw');
        // The noise term matters: dropping z·dnoisy changes the selected entries.
        const noNoise = gatingLogitsGrad(dvals, indices, dclean, dsigma, raw, N, k, n, { ...site, training: true, seed: 6 });
        expect(Array.from(noNoise.draw).some((v, i) => Math.abs(v - ref.draw[i]!) > 1e-3)).toBe(true);
      } else {
        expect(Array.from(gotRaw).every((v) => v === 0)).toBe(true);
      }
    }
  });
});
