/**
 * The tiled factored-Adam kernels (compiler/wgsl/factored-adam-tiles.ts) and the one-dispatch kernel of
 * small matrices (compiler/wgsl/factored-adam-small.ts) in their dense form
 * (`factoredAdamUpdate` lowered to WebGPU) on matrices cut into several tiles along rows and
 * columns — so every row and column statistic is a sum of several workgroups' partial sums and the
 * clipping sum one of many tiles' — with vec4 (c % 4 = 0) and scalar (c % 4 ≠ 0) loads, clipping
 * active and off: the parameter and both statistics match the f64 reference
 * (ir/reference/optimizers.ts) on every element over three steps with the state kept on the
 * device, random gradients with some all-zero rows and columns, and reruns are bit-identical; also
 * where one tile holds whole columns (w1-like [32, 1024]) or whole rows ([1024, 32], [700, 44]),
 * whose sums pass finishes those lines and the clipping partials (no second read of g). The
 * first 64 matrices get the same bits whether the update holds 64 or 5462 (the sum order of
 * a matrix may depend on its shape only, never on how many matrices — experts on a device — the
 * update holds: an earlier version switched the clipping sum's order past 16 MiB of partials).
 */
import { expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/graph.ts';
import { initParams } from '../../ir/interpret.ts';
import * as opt from '../../ir/reference/optimizers.ts';
import { tensorType } from '../../ir/types.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { factoredTiling } from '../../compiler/wgsl/factored-adam-tiles.ts';
import { factoredSmall, factoredSmallWorkgroup } from '../../compiler/wgsl/factored-adam-small.ts';
import { prepareWebGpuPlan } from '../../runtime/webgpu-executor.ts';
import { expectNear } from '../ir/expert-schedule.ts';
import { cache, describeGpu, dev, randArray, rng } from './gpu.ts';
import { outputBits, tensor } from './train-plan.ts';

const f32 = (shape: number[]) => tensorType('f32', shape);

/** A gradient [batch, r, c] of uniform values with row `r − 2` and column 1 of every matrix zero. */
function gradient(seed: number, batch: number, r: number, c: number): Float32Array {
  const g = randArray(rng(seed), batch * r * c);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < c; j++) g[(b * r + r - 2) * c + j] = 0;
    for (let i = 0; i < r; i++) g[(b * r + i) * c + 1] = 0;
  }
  return g;
}

async function checkDense(batch: number, r: number, c: number, clip: number, seed: number): Promise<void> {
  const shape = [batch, r, c];
  const hp = { lr: 0.02, beta2: 0.9, clip };
  const b = new GraphBuilder();
  const q = b.addInput('q', f32(shape), 'param', { kind: 'uniform', scale: 0.5 });
  const vr = b.addInput('vr', f32([batch, r]), 'state', { kind: 'zeros' });
  const vc = b.addInput('vc', f32([batch, c]), 'state', { kind: 'zeros' });
  const g = b.addInput('g', f32(shape), 'input');
  const fa = b.addNode('factoredAdamUpdate', hp, [q, g, vr, vc]);
  ['q', 'vr', 'vc'].forEach((nm, i) => b.setOutput(nm, fa[i]!));
  const graph = b.finish();
  const init = initParams(graph, seed);
  const exe = await prepareWebGpuPlan(dev(), lowerToWebGpu(graph, dev().device.limits), cache!);
  exe.setParams(init);
  let [rq, rvr, rvc]: [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>] = [init.q!.data, init.vr!.data, init.vc!.data];
  let clipped = false;
  for (const step of [0, 1, 2]) {
    const grad = gradient(seed * 10 + step, batch, r, c);
    const got = await exe.run({ g: tensor('f32', shape, grad) }, { seed: 0, step, training: true });
    const ref = opt.factoredAdamUpdate(rq, grad, rvr, rvc, batch, r, c, hp, step);
    if (clip > 0) {
      // The clipping changed the update (rms(u) > clip): compare with the unclipped reference.
      const free = opt.factoredAdamUpdate(rq, grad, rvr, rvc, batch, r, c, { ...hp, clip: 0 }, step);
      clipped ||= free.p.some((v, i) => Math.abs(v - ref.p[i]!) > 1e-4 * Math.abs(v));
    }
    [rq, rvr, rvc] = [ref.p, ref.vr, ref.vc];
    const at = `[${shape.join(',')}] clip ${clip} step ${step}`;
    expectNear(got.q!.data, rq, 1e-5, `p ${at}`);
    expectNear(got.vr!.data, rvr, 1e-5, `vr ${at}`);
    expectNear(got.vc!.data, rvc, 1e-5, `vc ${at}`);
  }
  if (clip > 0) expect(clipped, 'the update clipping was active').toBe(true);
  // Same inputs, same bits: rerun the last step from the same state.
  const feeds = { g: tensor('f32', shape, gradient(seed, batch, r, c)) };
  exe.setParams({ q: { type: f32(shape), data: Float32Array.from(rq) }, vr: { type: f32([batch, r]), data: Float32Array.from(rvr) }, vc: { type: f32([batch, c]), data: Float32Array.from(rvc) } });
  const a = await exe.run(feeds, { seed: 0, step: 3, training: true });
  exe.setParams({ q: { type: f32(shape), data: Float32Array.from(rq) }, vr: { type: f32([batch, r]), data: Float32Array.from(rvr) }, vc: { type: f32([batch, c]), data: Float32Array.from(rvc) } });
  const again = await exe.run(feeds, { seed: 0, step: 3, training: true });
  expect(outputBits(again)).toEqual(outputBits(a));
  exe.destroy();
}

it('the test shapes are cut into several tiles along rows and columns (a partial last tile), vec4 and scalar', () => {
  const a = factoredTiling(300, 1400);
  expect([a.V, a.tilesR > 1, a.tilesC > 1, 1400 % a.TC !== 0]).toEqual([4, true, true, true]);
  const b = factoredTiling(37, 1030);
  expect([b.V, b.tilesC > 1, 1030 % b.TC !== 0]).toEqual([1, true, true]);
  const c = factoredTiling(700, 44);
  expect([c.V, c.tilesR > 1]).toEqual([4, true]);
  // The flat scale bench's expert banks: w1 [32, 1024] and w2 [1024, 32] tiles of ≥ 8192 weights.
  for (const [r, cc] of [[32, 1024], [1024, 32]] as const) expect(factoredTiling(r, cc).TR * factoredTiling(r, cc).TC).toBeGreaterThanOrEqual(8192);
  // Whole lines in a tile (the sums pass finishes them and the clipping partials): columns, rows, neither.
  const own = (r: number, cc: number) => factoredTiling(r, cc).own;
  expect([own(32, 1024), own(1024, 32), own(700, 44), own(37, 1030), own(300, 1400)]).toEqual(['cols', 'rows', 'rows', 'cols', 'none']);
  expect([factoredTiling(32, 1024).tilesC > 1, factoredTiling(1024, 32).tilesR > 1]).toEqual([true, true]);
});

describeGpu('tiled factored Adam (dense) on WebGPU', () => {
  it('matches the reference on multi-tile matrices, vec4 loads, clipping active and off', async () => {
    await checkDense(2, 300, 1400, 0.3, 21);
    await checkDense(3, 700, 44, 0, 22);
  });

  it('matches the reference on small matrices (the one-dispatch path, factored-adam-small.ts), clipping active and off', async () => {
    expect([factoredSmall(3, 5), factoredSmall(16, 256), factoredSmall(16, 257)]).toEqual([true, true, false]);
    // The lane-per-column form: 12 matrices × 5 columns, 1 × 64 invocations of 4 columns, 16 × 4.
    expect([factoredSmallWorkgroup(3, 5), factoredSmallWorkgroup(16, 256), factoredSmallWorkgroup(16, 16)]).toEqual([60, 64, 64]);
    await checkDense(17000, 3, 5, 0.3, 25);
    await checkDense(4, 16, 256, 0, 26);
    await checkDense(5, 16, 16, 0.3, 27);
  });

  it.each([[2, 2100, 600, false], [2, 513, 5462, true], [16, 16, 1000, true]] as const)('gives 64 matrices of %i × %i the same bits as the first 64 of %i (clipping active; one-dispatch path: %s)', async (r, c, many, small) => {
    expect(factoredSmall(r, c)).toBe(small);
    if (!small) expect(factoredTiling(r, c).per).toBeGreaterThan(1);
    const grad = gradient(31, many, r, c);
    const runWith = async (batch: number) => {
      const shape = [batch, r, c];
      const b = new GraphBuilder();
      const q = b.addInput('q', f32(shape), 'param', { kind: 'uniform', scale: 0.5 });
      const vr = b.addInput('vr', f32([batch, r]), 'state', { kind: 'zeros' });
      const vc = b.addInput('vc', f32([batch, c]), 'state', { kind: 'zeros' });
      const g = b.addInput('g', f32(shape), 'input');
      const fa = b.addNode('factoredAdamUpdate', { lr: 0.02, beta2: 0.9, clip: 1e-3 }, [q, g, vr, vc]);
      ['q', 'vr', 'vc'].forEach((nm, i) => b.setOutput(nm, fa[i]!));
      const graph = b.finish();
      const exe = await prepareWebGpuPlan(dev(), lowerToWebGpu(graph, dev().device.limits), cache!);
      const p = new Float32Array(batch * r * c).map((_, i) => Math.sin(i % (r * c)));
      exe.setParams({ q: tensor('f32', shape, p), vr: tensor('f32', [batch, r], new Float32Array(batch * r)), vc: tensor('f32', [batch, c], new Float32Array(batch * c)) });
      const got = await exe.run({ g: tensor('f32', shape, grad.subarray(0, batch * r * c)) }, { seed: 0, step: 0, training: true });
      exe.destroy();
      return got;
    };
    const one = await runWith(64);
    const all = await runWith(many);
    expect(Array.from(one.q!.data.slice(r * c, 2 * r * c))).not.toEqual(Array.from(new Float32Array(r * c).map((_, i) => Math.sin(i))));
    for (const nm of ['q', 'vr', 'vc']) {
      const len = one[nm]!.data.length;
      expect(new Uint32Array(Float32Array.from(all[nm]!.data.slice(0, len)).buffer), nm).toEqual(new Uint32Array(Float32Array.from(one[nm]!.data).buffer));
    }
  });

  it('matches the reference when a tile holds whole columns or whole rows (clipping partials from the sums pass), clipping active', async () => {
    await checkDense(2, 32, 1024, 0.3, 28);
    await checkDense(2, 1024, 32, 0.3, 29);
    await checkDense(3, 700, 44, 0.3, 30);
    // Whole rows with scalar loads (c % 4 ≠ 0).
    expect([factoredTiling(700, 45).own, factoredTiling(700, 45).V]).toEqual(['rows', 1]);
    await checkDense(2, 700, 45, 0.3, 31);
  });

  it('matches the reference with scalar loads (c % 4 ≠ 0) over many column tiles', async () => {
    await checkDense(1, 37, 1030, 0.3, 23);
    await checkDense(2, 5, 3, 0.3, 24);
  });
});
