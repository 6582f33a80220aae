/**
 * The MoE training path lowered to WebGPU and checked against the reference interpreter: dispatch →
 * expertHidden → expertOutput → moeCombine and their gradients (moeCombineGrad, expertOutputGrad,
 * expertHiddenGrad: grouped GEMMs on transposed weights, segment TN GEMMs for dw, segment sums for
 * db, the combine gather for dx), with experts that receive zero rows and sizes that are not
 * multiples of the 64-row tile; plus the gating/balance gradients (scatterTopk, importanceGrad,
 * cvSquaredGrad, loadEstimateGrad on a real gating output). Two runs must give identical bits.
 */
import { expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/graph.ts';
import { tensorType } from '../../ir/types.ts';
import { describeGpu, randArray, rng } from './gpu.ts';
import { checkPlan, outputBits, preparePlan, tensor } from './train-plan.ts';

describeGpu('training plan: MoE layer forward and backward', () => {
  it('expert FFN split ops and their gradients match the reference, bit-identical reruns', async () => {
    const r = rng(31);
    const [N, k, n, D, H] = [150, 2, 11, 37, 70];
    const used = [0, 1, 3, 4, 7, 8, 10]; // experts 2, 5, 6, 9 get zero rows
    const idx = new Int32Array(N * k);
    for (let row = 0; row < N; row++) {
      const pool = [...used];
      for (let j = 0; j < k; j++) idx[row * k + j] = pool.splice(Math.floor(r() * pool.length), 1)[0]!;
    }
    const b = new GraphBuilder();
    const f32 = (shape: number[]) => tensorType('f32', shape);
    const x = b.addInput('x', f32([N, D]), 'input');
    const indices = b.addInput('indices', tensorType('i32', [N, k]), 'input');
    const w1 = b.addInput('w1', f32([n, D, H]), 'input');
    const b1 = b.addInput('b1', f32([n, H]), 'input');
    const w2 = b.addInput('w2', f32([n, H, D]), 'input');
    const b2 = b.addInput('b2', f32([n, D]), 'input');
    const gates = b.addInput('gates', f32([N, k]), 'input');
    const dout = b.addInput('dout', f32([N, D]), 'input');
    const [sourceRow, position, offsets] = b.addNode('moeDispatch', { n }, [indices]) as [number, number, number];
    const hidden = b.add1('expertHidden', {}, [x, sourceRow, offsets, w1, b1]);
    const y = b.add1('expertOutput', {}, [hidden, offsets, w2, b2]);
    b.setOutput('out', b.add1('moeCombine', {}, [y, position, gates]));
    const [dy, dgates] = b.addNode('moeCombineGrad', {}, [dout, y, position, gates]) as [number, number];
    const [dhidden, dw2, db2] = b.addNode('expertOutputGrad', {}, [hidden, offsets, w2, dy]) as [number, number, number];
    const [dx, dw1, db1] = b.addNode('expertHiddenGrad', {}, [x, sourceRow, offsets, position, w1, hidden, dhidden]) as [number, number, number];
    const outs = { hidden, y, dy, dgates, dhidden, dw2, db2, dx, dw1, db1 };
    for (const [name, v] of Object.entries(outs)) b.setOutput(name, v);
    const g = b.finish();
    const feeds = {
      x: tensor('f32', [N, D], randArray(r, N * D)),
      indices: tensor('i32', [N, k], idx),
      w1: tensor('f32', [n, D, H], randArray(r, n * D * H, -0.3, 0.3)),
      b1: tensor('f32', [n, H], randArray(r, n * H, -0.1, 0.1)),
      w2: tensor('f32', [n, H, D], randArray(r, n * H * D, -0.3, 0.3)),
      b2: tensor('f32', [n, D], randArray(r, n * D, -0.1, 0.1)),
      gates: tensor('f32', [N, k], randArray(r, N * k, 0, 1)),
      dout: tensor('f32', [N, D], randArray(r, N * D)),
    };
    const exe = await preparePlan(g);
    const ctx = { seed: 1, step: 0, training: true };
    const first = await checkPlan(exe, g, feeds, ctx, 1e-4);
    // Zero-row experts get exactly zero weight and bias gradients.
    for (const e of [2, 5, 6, 9]) {
      expect(Array.from(first.dw1!.data.slice(e * D * H, (e + 1) * D * H)).every((v) => v === 0)).toBe(true);
      expect(Array.from(first.db2!.data.slice(e * D, (e + 1) * D)).every((v) => v === 0)).toBe(true);
    }
    const second = await exe.run(feeds, ctx);
    expect(outputBits(second)).toEqual(outputBits(first));
    exe.destroy();
  });

  it('gating and balance gradients: scatterTopk, importanceGrad, cvSquaredGrad, loadEstimateGrad', async () => {
    const r = rng(32);
    const [N, D, n, k] = [97, 16, 13, 3];
    const b = new GraphBuilder();
    const f32 = (shape: number[]) => tensorType('f32', shape);
    const x = b.addInput('x', f32([N, D]), 'input');
    const wg = b.addInput('wg', f32([D, n]), 'input');
    const wn = b.addInput('wn', f32([D, n]), 'input');
    const noise = b.addInput('noise', f32([N, n]), 'input');
    const dvals = b.addInput('dvals', f32([N, k]), 'input');
    const dimp = b.addInput('dimp', f32([n]), 'input');
    const v = b.addInput('v', f32([n]), 'input');
    const vconst = b.addInput('vconst', f32([n]), 'input');
    const dcv = b.addInput('dcv', f32([]), 'input');
    const dload = b.addInput('dload', f32([n]), 'input');
    const [indices, , clean, sigma, topValues] = b.addNode('gating', { k, noisy: true, eps: 0.01, stream: 0, rowOffset: 0, explicitNoise: true }, [x, wg, wn, noise]) as number[];
    b.setOutput('indices', indices!);
    b.setOutput('scatter', b.add1('scatterTopk', { n }, [dvals, indices!]));
    b.setOutput('dgates', b.add1('importanceGrad', {}, [dimp, indices!]));
    b.setOutput('dv', b.add1('cvSquaredGrad', {}, [v, dcv]));
    b.setOutput('dvconst', b.add1('cvSquaredGrad', {}, [vconst, dcv]));
    const [dclean, dsigma] = b.addNode('loadEstimateGrad', { k }, [clean!, sigma!, topValues!, indices!, dload]) as [number, number];
    b.setOutput('dclean', dclean);
    b.setOutput('dsigma', dsigma);
    const g = b.finish();
    const feeds = {
      x: tensor('f32', [N, D], randArray(r, N * D)),
      wg: tensor('f32', [D, n], randArray(r, D * n)),
      wn: tensor('f32', [D, n], randArray(r, D * n, -0.5, 0.5)),
      noise: tensor('f32', [N, n], randArray(r, N * n, -1, 1)),
      dvals: tensor('f32', [N, k], randArray(r, N * k)),
      dimp: tensor('f32', [n], randArray(r, n)),
      v: tensor('f32', [n], randArray(r, n, 0, 5)),
      vconst: tensor('f32', [n], new Float32Array(n).fill(2.5)),
      dcv: tensor('f32', [], [0.7]),
      dload: tensor('f32', [n], randArray(r, n)),
    };
    const exe = await preparePlan(g);
    const got = await checkPlan(exe, g, feeds, { seed: 0, step: 0, training: true }, 2e-4);
    expect(Array.from(got.dvconst!.data).every((q) => q === 0)).toBe(true);
    // Evaluation: sigma = 0, so the load gradient is exactly 0.
    const ev = await checkPlan(exe, g, feeds, { seed: 0, step: 0, training: false }, 2e-4);
    expect(Array.from(ev.dclean!.data).every((q) => q === 0)).toBe(true);
    exe.destroy();
  });
});
