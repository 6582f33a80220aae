/**
 * Strictly balanced gating on WebGPU vs the CPU reference: a small graph (balancedGating → threshold
 * loss, both vjp ops, importance, dispatch with expert −1 padding → expert FFN → combine and the
 * combine gradient) lowered through compiler/lower/rules-balanced.ts and run by the WebGPU
 * executor, in training (the per-expert top-m kernel) and evaluation (thresholds), with
 * integer-valued logits (every column full of ties: the lower row must win, bit-exactly) and with
 * random logits over 300 rows (the column streams through workgroup memory in several tiles).
 * Every i32 output (indices, positions, offsets) must be identical, floats within 1e-4; two runs
 * give identical bits. Also the device dispatch kernels on indices containing −1.
 */
import { expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/graph.ts';
import { tensorType } from '../../ir/types.ts';
import { dispatch } from '../../ir/reference/dispatch.ts';
import type { DispatchShape } from '../../compiler/wgsl/dispatch.ts';
import { sortDispatchSteps } from './dispatch-steps.ts';
import { readI32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, randArray, rng, run, up } from './gpu.ts';
import { checkPlan, outputBits, preparePlan, tensor } from './train-plan.ts';

function graphFor(N: number, D: number, n: number, k: number, H: number) {
  const b = new GraphBuilder();
  const f32 = (shape: number[]) => tensorType('f32', shape);
  const x = b.addInput('x', f32([N, D]), 'input');
  const wg = b.addInput('wg', f32([D, n]), 'input');
  const thr = b.addInput('T', f32([n]), 'input');
  const dgates = b.addInput('dgates', f32([N, n]), 'input');
  const dloss = b.addInput('dloss', f32([]), 'input');
  const dout = b.addInput('dout', f32([N, D]), 'input');
  const w1 = b.addInput('w1', f32([n, D, H]), 'input');
  const b1 = b.addInput('b1', f32([n, H]), 'input');
  const w2 = b.addInput('w2', f32([n, H, D]), 'input');
  const b2 = b.addInput('b2', f32([n, D]), 'input');
  const [idx, gates, logits, load] = b.addNode('balancedGating', { n, k, m: (k * N) / n }, [x, wg, thr]) as [number, number, number, number];
  b.setOutput('indices', idx);
  b.setOutput('gates', gates);
  b.setOutput('logits', logits);
  b.setOutput('load', load);
  b.setOutput('thresholdLoss', b.add1('balancedThresholdLoss', {}, [logits, thr, idx]));
  b.setOutput('dlogits', b.add1('balancedGatingGrad', { n }, [gates, idx, dgates]));
  b.setOutput('dT', b.add1('balancedThresholdLossGrad', {}, [logits, thr, idx, dloss]));
  b.setOutput('importance', b.add1('importance', { n }, [gates, idx]));
  const [src, pos, off] = b.addNode('moeDispatch', { n }, [idx]) as [number, number, number];
  b.setOutput('position', pos);
  b.setOutput('offsets', off);
  const y = b.add1('expertFfn', {}, [x, src, off, w1, b1, w2, b2]);
  b.setOutput('combined', b.add1('moeCombine', {}, [y, pos, gates]));
  const [, dg] = b.addNode('moeCombineGrad', {}, [dout, y, pos, gates]) as [number, number];
  b.setOutput('combineDgates', dg);
  return b.finish();
}

describeGpu('strictly balanced gating kernels', () => {
  it.each([
    ['integer logits (ties)', 48, 3, 6, 2, true],
    ['random logits, 300 rows', 300, 7, 8, 2, false],
  ] as const)('%s: gating, losses, grads, dispatch/combine with −1 match the reference', async (_what, N, D, n, k, ints) => {
    const H = 5;
    const r = rng(N + n);
    const g = graphFor(N, D, n, k, H);
    const val = (count: number, lo = -1, hi = 1) => (ints ? Float32Array.from({ length: count }, () => Math.floor(r() * 5) - 2) : randArray(r, count, lo, hi));
    const feeds = {
      x: tensor('f32', [N, D], val(N * D)),
      wg: tensor('f32', [D, n], val(D * n)),
      T: tensor('f32', [n], ints ? Float32Array.from({ length: n }, (_, i) => (i % 3) - 1) : randArray(r, n, -0.3, 0.3)),
      dgates: tensor('f32', [N, n], randArray(r, N * n)),
      dloss: tensor('f32', [], [0.7]),
      dout: tensor('f32', [N, D], randArray(r, N * D)),
      w1: tensor('f32', [n, D, H], randArray(r, n * D * H, -0.5, 0.5)),
      b1: tensor('f32', [n, H], randArray(r, n * H, -0.1, 0.1)),
      w2: tensor('f32', [n, H, D], randArray(r, n * H * D, -0.5, 0.5)),
      b2: tensor('f32', [n, D], randArray(r, n * D, -0.1, 0.1)),
    };
    const exe = await preparePlan(g);
    for (const training of [true, false]) {
      const ctx = { seed: 1, step: 0, training };
      const a = await checkPlan(exe, g, feeds, ctx);
      if (training) expect(Array.from(a.load!.data)).toEqual(Array(n).fill((k * N) / n));
      const b = await exe.run(feeds, ctx);
      expect(outputBits(b)).toEqual(outputBits(a));
    }
    exe.destroy();
  });

  it('device dispatch with expert −1: no slot, position −1, offsets count real pairs', async () => {
    const r = rng(9);
    for (const [N, k, n] of [
      [300, 4, 5],
      [7, 3, 2],
    ] as const) {
      const idx = Int32Array.from({ length: N * k }, () => Math.floor(r() * (n + 1)) - 1);
      const s: DispatchShape = { N, k, n, tileRows: 32 };
      const { steps, bufs } = sortDispatchSteps(s, up(idx));
      await run(steps);
      const ref = dispatch(idx, N, k, n);
      const c = dev();
      const offsets = await readI32(c, bufs.offsets, n + 1);
      expect(Array.from(offsets)).toEqual(Array.from(ref.offsets));
      expect(Array.from(await readI32(c, bufs.position, N * k))).toEqual(Array.from(ref.position));
      const real = ref.offsets[n]!;
      expect(Array.from((await readI32(c, bufs.sourceRow, N * k)).subarray(0, real))).toEqual(Array.from(ref.sourceRow.subarray(0, real)));
    }
  });
});
