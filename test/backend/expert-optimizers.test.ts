/**
 * The sparse expert optimizer updates lowered to WebGPU (active-expert list, indirect grids) over
 * many steps of random routings with parameters and state on the device: expertSgdUpdate and
 * expertFactoredAdamUpdate match the dense SGD / factored Adam reference (zero gradients for the
 * empty experts) on every element, the lazily decayed statistics caught up to the step match the
 * dense statistics, the last-touched steps are exact, and the gradient of an empty expert is never
 * read (it is NaN in the feeds). Shapes cover rows and columns longer than one workgroup and a
 * 70000-expert bank whose grids fold over the 65535 limit, experts cut into several tiles of the
 * tiled factored-Adam kernels (row and column statistics summed from several workgroups, vec4 and
 * scalar loads, update clipping active), and expert bias banks [n, c] (updated as [n, 1, c]: each
 * expert's bias its own matrix). Reruns are bit-identical.
 */
import { expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/graph.ts';
import { initParams } from '../../ir/interpret.ts';
import * as opt from '../../ir/reference/optimizers.ts';
import { tensorType } from '../../ir/types.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { factoredTiling } from '../../compiler/wgsl/factored-adam-tiles.ts';
import { prepareWebGpuPlan } from '../../runtime/webgpu-executor.ts';
import { bankGradient, expectNear, routingSchedule } from '../ir/expert-schedule.ts';
import { cache, describeGpu, dev } from './gpu.ts';
import { outputBits, tensor } from './train-plan.ts';

const f32 = (shape: number[]) => tensorType('f32', shape);
const i32 = (shape: number[]) => tensorType('i32', shape);

/** One bank [n, r, c] updated by both sparse ops from the same gradient and offsets. */
async function checkBank(n: number, r: number, c: number, steps: number, seed: number, bias = false, clip = 1): Promise<void> {
  const hp = { lr: 0.02, beta2: 0.9, clip };
  // A bias bank [n, c] is the bank [n, 1, c] (each expert's bias its own 1×c matrix).
  if (bias && r !== 1) throw new Error('a bias bank has r = 1');
  const bank = bias ? [n, c] : [n, r, c];
  const b = new GraphBuilder();
  const p = b.addInput('p', f32(bank), 'param', { kind: 'uniform', scale: 0.5 });
  const q = b.addInput('q', f32(bank), 'param', { kind: 'uniform', scale: 0.5 });
  const vr = b.addInput('vr', f32([n, r]), 'state', { kind: 'zeros' });
  const vc = b.addInput('vc', f32([n, c]), 'state', { kind: 'zeros' });
  const last = b.addInput('last', i32([n]), 'state', { kind: 'zeros' });
  const g = b.addInput('g', f32(bank), 'input');
  const offsets = b.addInput('offsets', i32([n + 1]), 'input');
  b.setOutput('sgd.p', b.add1('expertSgdUpdate', { lr: 0.3 }, [p, g, offsets]));
  const fa = b.addNode('expertFactoredAdamUpdate', hp, [q, g, vr, vc, last, offsets]);
  ['q', 'vr', 'vc', 'last'].forEach((nm, i) => b.setOutput(`fa.${nm}`, fa[i]!));
  const graph = b.finish();
  const init = initParams(graph, seed);
  const exe = await prepareWebGpuPlan(dev(), lowerToWebGpu(graph, dev().device.limits), cache!);
  exe.setParams(init);
  let sp: ArrayLike<number> = init.p!.data;
  let [dq, dvr, dvc]: [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>] = [init.q!.data, init.vr!.data, init.vc!.data];
  const touched = new Int32Array(n);
  const sched = routingSchedule(seed, n, steps);
  for (const [s, st] of sched.entries()) {
    const dense = bankGradient(seed * 100 + s, st.active, r * c, 0);
    const sparse = Float32Array.from(dense, (v, i) => (st.active[Math.floor(i / (r * c))] ? v : NaN));
    const feeds = { g: tensor('f32', bank, sparse), offsets: tensor('i32', [n + 1], st.offsets) };
    const got = await exe.run(feeds, { seed: 0, step: s, training: true });
    sp = opt.sgdUpdate(sp, dense, 0.3);
    const d = opt.factoredAdamUpdate(dq, dense, dvr, dvc, n, r, c, hp, s);
    [dq, dvr, dvc] = [d.p, d.vr, d.vc];
    st.active.forEach((on, e) => on && (touched[e] = s + 1));
    const at = `[${bank.join(',')}] step ${s}`;
    expectNear(got['sgd.p']!.data, sp, 1e-6, `sgd p ${at}`);
    expectNear(got['fa.q']!.data, dq, 1e-5, `factored p ${at}`);
    expect(Array.from(got['fa.last']!.data), `last ${at}`).toEqual(Array.from(touched));
    const caught = opt.catchUpExpertStatistics(got['fa.vr']!.data, got['fa.vc']!.data, got['fa.last']!.data, n, hp.beta2, s + 1);
    expectNear(caught.vr, dvr, 1e-5, `vr ${at}`);
    expectNear(caught.vc, dvc, 1e-5, `vc ${at}`);
  }
  // The never-routed expert (n − 1) kept its initial parameters exactly.
  const tail = (a: ArrayLike<number>) => Array.from(a).slice((n - 1) * r * c);
  const final = await exe.run({ g: tensor('f32', bank, new Float32Array(n * r * c).fill(NaN)), offsets: tensor('i32', [n + 1], new Int32Array(n + 1)) }, { seed: 0, step: steps, training: true });
  expect(tail(final['fa.q']!.data)).toEqual(tail(init.q!.data));
  expect(tail(final['sgd.p']!.data)).toEqual(tail(init.p!.data));
  exe.destroy();
}

describeGpu('sparse expert optimizer updates on WebGPU', () => {
  it('match dense SGD and factored Adam over 12 random routings (rows/cols over one workgroup)', async () => {
    await checkBank(40, 19, 300, 12, 11);
    await checkBank(6, 300, 5, 12, 12);
  });

  it('update an expert bias bank [n, c] as n separate 1×c matrices (dense reference: batch n of 1×c)', async () => {
    await checkBank(40, 1, 300, 12, 15, true);
    await checkBank(9, 1, 5, 12, 16, true);
  });

  it('match the reference on experts cut into several tiles (rows and columns; vec4 and scalar loads; clipping active)', async () => {
    const t = [factoredTiling(300, 1400), factoredTiling(37, 1030)];
    expect(t.map((x) => [x.V, x.tilesR > 1, x.tilesC > 1])).toEqual([[4, true, true], [1, false, true]]);
    await checkBank(4, 300, 1400, 6, 17, false, 0.3);
    await checkBank(4, 37, 1030, 6, 18, false, 0.3);
  });

  it('match the reference on the scale bench\'s expert shapes, one tile holding whole columns (w1 [32, 1024]) or rows (w2 [1024, 32]), clipping active', async () => {
    expect([factoredTiling(32, 1024).own, factoredTiling(1024, 32).own]).toEqual(['cols', 'rows']);
    await checkBank(5, 32, 1024, 6, 19, false, 0.05);
    await checkBank(5, 1024, 32, 6, 20, false, 0.05);
  });

  it('fold their grids over 65535 workgroups at 70000 experts', async () => {
    await checkBank(70000, 1, 2, 2, 13);
  });

  it('are bit-identical from run to run', async () => {
    const [n, r, c] = [9, 7, 33];
    const b = new GraphBuilder();
    const q = b.addInput('q', f32([n, r, c]), 'input');
    const vr = b.addInput('vr', f32([n, r]), 'input');
    const vc = b.addInput('vc', f32([n, c]), 'input');
    const last = b.addInput('last', i32([n]), 'input');
    const g = b.addInput('g', f32([n, r, c]), 'input');
    const offsets = b.addInput('offsets', i32([n + 1]), 'input');
    const fa = b.addNode('expertFactoredAdamUpdate', { lr: 0.01, beta2: 0.99, clip: 1 }, [q, g, vr, vc, last, offsets]);
    ['q', 'vr', 'vc', 'last'].forEach((nm, i) => b.setOutput(nm, fa[i]!));
    const graph = b.finish();
    const exe = await prepareWebGpuPlan(dev(), lowerToWebGpu(graph, dev().device.limits), cache!);
    exe.setParams({});
    const st = routingSchedule(14, n, 3)[1];
    const feeds = {
      q: tensor('f32', [n, r, c], bankGradient(1, st!.active.map(() => true), r * c, 0)),
      vr: tensor('f32', [n, r], bankGradient(2, st!.active.map(() => true), r, 0).map(Math.abs)),
      vc: tensor('f32', [n, c], bankGradient(3, st!.active.map(() => true), c, 0).map(Math.abs)),
      last: tensor('i32', [n], Array.from({ length: n }, (_, e) => e % 4)),
      g: tensor('f32', [n, r, c], bankGradient(4, st!.active, r * c, NaN)),
      offsets: tensor('i32', [n + 1], st!.offsets),
    };
    const a = await exe.run(feeds, { seed: 0, step: 5, training: true });
    const again = await exe.run(feeds, { seed: 0, step: 5, training: true });
    expect(outputBits(again)).toEqual(outputBits(a));
    exe.destroy();
  });
});
