/**
 * The hierarchical MoE (paper App. B) on WebGPU against the CPU reference: secondaryGating and
 * hierLoadEstimate (training with drawn noise, and evaluation) and both gradient ops, each lowered
 * through compiler/lower/rules-hierarchical.ts and run as a plan; the two-pass hierarchical load
 * at 64×64 experts over many row blocks with skewed routing (reference, bit-identical reruns); the
 * hierarchical example model
 * (same loss, same expert ids per row, identical hard loads in evaluation); and a 64×64 bank of
 * 4096 tiny experts (hidden 8, width 16) that compiles and runs one forward pass. Both model
 * tests use random non-zero gate weights (primary and secondary) and assert non-trivial routing.
 */
import { expect, it } from 'vitest';
import { compileGraph } from '../../compiler/pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { traceModel } from '../../frontend/model.ts';
import { GraphBuilder } from '../../ir/graph.ts';
import { initParams, interpret } from '../../ir/interpret.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareWebGpuPlan } from '../../runtime/webgpu-executor.ts';
import model from '../../examples/hierarchical-moe-lm.ts';
import { cache, describeGpu, dev, randArray, rng } from './gpu.ts';
import { checkPlan, outputBits, preparePlan, tensor } from './train-plan.ts';
import { statsBlocks } from '../../compiler/wgsl/moe-stats.ts';
import { expectNontrivialRouting, expertsWithLoad, randomizeGates } from '../routing.ts';

/** Primary selections: k1 distinct groups per row and normalised gates. */
function primary(r: () => number, N: number, a: number, k1: number): { pi: number[]; pg: number[] } {
  const pi: number[] = [];
  const pg: number[] = [];
  for (let row = 0; row < N; row++) {
    const groups = [...Array(a).keys()].map((g) => [r(), g] as const).sort((x, y) => x[0] - y[0]).slice(0, k1).map((p) => p[1]);
    const w = groups.map(() => 0.1 + r());
    const s = w.reduce((x, y) => x + y, 0);
    pi.push(...groups);
    pg.push(...w.map((v) => v / s));
  }
  return { pi, pg };
}

describeGpu('hierarchical MoE kernels vs the reference', () => {
  for (const noisy of [true, false]) {
    it(`secondaryGating + hierLoadEstimate and their gradients (noisy=${noisy})`, async () => {
      const N = 37, D = 20, a = 5, b = 70, k1 = 2, k2 = 3;
      const kt = Math.min(k2 + 1, b);
      const gb = new GraphBuilder();
      const f = (name: string, shape: number[]) => gb.addInput(name, { dtype: 'f32', shape }, 'input');
      const x = f('x', [N, D]);
      const wg2 = f('wg2', [a, D, b]);
      const wn2 = noisy ? f('wn2', [a, D, b]) : undefined;
      const pi = gb.addInput('pi', { dtype: 'i32', shape: [N, k1] }, 'input');
      const pg = f('pg', [N, k1]);
      const pl = f('pl', [a]);
      const p = { a, b, k1, k2, noisy, eps: 0.01, stream: 9, rowOffset: 1000 };
      const outs = gb.addNode('secondaryGating', p, [x, wg2, ...(wn2 !== undefined ? [wn2] : []), pi, pg]);
      const [idx, gates, clean, sigma, top, local] = outs as [number, number, number, number, number, number];
      const load = gb.add1('hierLoadEstimate', { a, b, k1, k2 }, [pl, pi, clean, sigma, top, local]);
      const dg = f('dg', [N, k1 * k2]);
      const dc = f('dc', [N, k1, b]);
      const ds = f('ds', [N, k1, b]);
      const dl = f('dl', [a * b]);
      const gg = gb.addNode('secondaryGatingGrad', p, [x, wg2, ...(wn2 !== undefined ? [wn2] : []), pi, pg, top, local, dg, dc, ds]);
      const lg = gb.addNode('hierLoadEstimateGrad', { a, b, k1, k2 }, [pl, pi, clean, sigma, top, local, dl]);
      const named: [string, number][] = [['indices', idx], ['gates', gates], ['clean', clean], ['sigma', sigma], ['top', top], ['local', local], ['load', load]];
      gg.forEach((v, i) => named.push([`sgg${i}`, v]));
      lg.forEach((v, i) => named.push([`hlg${i}`, v]));
      for (const [name, v] of named) gb.setOutput(name, v);
      const g = gb.finish();
      const r = rng(noisy ? 3 : 4);
      const { pi: piv, pg: pgv } = primary(r, N, a, k1);
      const feeds = {
        x: tensor('f32', [N, D], randArray(r, N * D)),
        wg2: tensor('f32', [a, D, b], randArray(r, a * D * b)),
        ...(noisy ? { wn2: tensor('f32', [a, D, b], randArray(r, a * D * b)) } : {}),
        pi: tensor('i32', [N, k1], piv),
        pg: tensor('f32', [N, k1], pgv),
        pl: tensor('f32', [a], randArray(r, a, 1, 20)),
        dg: tensor('f32', [N, k1 * k2], randArray(r, N * k1 * k2)),
        dc: tensor('f32', [N, k1, b], randArray(r, N * k1 * b)),
        ds: tensor('f32', [N, k1, b], randArray(r, N * k1 * b)),
        dl: tensor('f32', [a * b], randArray(r, a * b)),
      };
      void kt;
      const exe = await preparePlan(g);
      for (const training of [true, false]) await checkPlan(exe, g, feeds, { seed: 7, step: 3, training }, 2e-4);
      exe.destroy();
    });
  }
});

describeGpu('hierarchical load with thousands of experts', () => {
  it('64×64 experts over many (row, slot) blocks: hierLoadEstimate and its gradient match the reference, bit-identical reruns', async () => {
    const N = 1000, D = 8, a = 64, b = 64, k1 = 2, k2 = 2;
    expect(statsBlocks(N * k1, a * b).blocks).toBeGreaterThan(4);
    const gb = new GraphBuilder();
    const f = (name: string, shape: number[]) => gb.addInput(name, { dtype: 'f32', shape }, 'input');
    const x = f('x', [N, D]);
    const wg2 = f('wg2', [a, D, b]);
    const wn2 = f('wn2', [a, D, b]);
    const pi = gb.addInput('pi', { dtype: 'i32', shape: [N, k1] }, 'input');
    const pg = f('pg', [N, k1]);
    const pl = f('pl', [a]);
    const dl = f('dl', [a * b]);
    const p = { a, b, k1, k2, noisy: true, eps: 0.01, stream: 2, rowOffset: 0 };
    const [, , clean, sigma, top, local] = gb.addNode('secondaryGating', p, [x, wg2, wn2, pi, pg]) as [number, number, number, number, number, number];
    gb.setOutput('load', gb.add1('hierLoadEstimate', { a, b, k1, k2 }, [pl, pi, clean, sigma, top, local]));
    gb.addNode('hierLoadEstimateGrad', { a, b, k1, k2 }, [pl, pi, clean, sigma, top, local, dl]).forEach((v, i) => gb.setOutput(`hlg${i}`, v));
    const g = gb.finish();
    const r = rng(12);
    // Skewed primary routing: a few groups take most rows and some groups none (c_g = 0).
    const piv: number[] = [];
    for (let row = 0; row < N; row++) {
      const g0 = Math.floor(r() * r() * (a - 4));
      piv.push(g0, g0 + 1 + Math.floor(r() * 3));
    }
    const feeds = {
      x: tensor('f32', [N, D], randArray(r, N * D)),
      wg2: tensor('f32', [a, D, b], randArray(r, a * D * b)),
      wn2: tensor('f32', [a, D, b], randArray(r, a * D * b)),
      pi: tensor('i32', [N, k1], piv),
      pg: tensor('f32', [N, k1], randArray(r, N * k1, 0.1, 1)),
      pl: tensor('f32', [a], randArray(r, a, 1, 50)),
      dl: tensor('f32', [a * b], randArray(r, a * b)),
    };
    const exe = await preparePlan(g);
    for (const training of [true, false]) {
      const ctx = { seed: 3, step: 1, training };
      const first = await checkPlan(exe, g, feeds, ctx, 1e-4);
      const again = await exe.run(feeds, ctx);
      expect(outputBits(again)).toEqual(outputBits(first));
    }
    exe.destroy();
  });
});

describeGpu('hierarchical example model on WebGPU', () => {
  const compiled = compileGraph(traceModel(model, { T: 6, B: 5, vocab: 300, width: 32, groups: 4, perGroup: 8, k1: 2, k2: 2, expertHidden: 24 })).graph;
  const b = GraphBuilder.from(compiled);
  const sec = compiled.nodes.find((n) => n.op === 'secondaryGating')!;
  b.setOutput('moe0.indices', sec.outputs[0]!);
  const graph = b.finish();
  const params = initParams(graph, 11);
  // Non-zero gate weights, so routing depends on the input.
  for (const name of ['moe0.wg', 'moe0.wg2', 'moe0.wn', 'moe0.wn2']) {
    const t = params[name]!;
    const rr = rng(name.length);
    for (let i = 0; i < t.data.length; i++) t.data[i] = (rr() * 2 - 1) * 0.5;
  }
  const data = syntheticFeeds(graph, 11);

  it.each([true, false])('matches the reference (training=%s)', async (training) => {
    const exe = await prepareWebGpuPlan(dev(), lowerToWebGpu(graph, dev().device.limits), cache!);
    exe.setParams(params);
    const ctx = { seed: 5, step: 2, training };
    const got = await exe.run(data, ctx);
    const want = interpret(graph, { ...params, ...data }, ctx);
    const loss = Number(want.loss!.data[0]);
    expect(Math.abs(Number(got.loss!.data[0]) - loss) / Math.abs(loss)).toBeLessThan(1e-4);
    expect(Array.from(got['moe0.indices']!.data)).toEqual(Array.from(want['moe0.indices']!.data));
    // secondary indices [N, k1·k2] of global expert ids over 4×8 experts.
    expectNontrivialRouting(want['moe0.indices']!.data, 4, 8, 8);
    if (!training) expect(Array.from(got['moe0.load']!.data)).toEqual(Array.from(want['moe0.load']!.data));
    for (const name of ['moe0.importance', 'moe0.load', 'moe0.cvLoad', 'moe0.cvImportance']) {
      const w = want[name]!.data;
      const scale = Math.max(1e-3, ...Array.from(w, (v) => Math.abs(v)));
      for (let i = 0; i < w.length; i++) expect(Math.abs(got[name]!.data[i]! - w[i]!) / scale, `${name}[${i}]`).toBeLessThan(2e-4);
    }
    expect(exe.stats.submitsPerRun).toBe(1);
    exe.destroy();
  });

  it('runs a 64×64 bank of 4096 tiny experts (hidden 8, width 16) forward, matching the reference', async () => {
    const g = compileGraph(traceModel(model, { T: 4, B: 8, vocab: 64, width: 16, groups: 64, perGroup: 64, k1: 2, k2: 2, expertHidden: 8 })).graph;
    expect(g.nodes.filter((n) => n.op === 'gating').length).toBe(1);
    const p = initParams(g, 2);
    randomizeGates(p, 2);
    const d = syntheticFeeds(g, 2);
    const t0 = performance.now();
    const plan = lowerToWebGpu(g, dev().device.limits);
    const exe = await prepareWebGpuPlan(dev(), plan, cache!);
    exe.setParams(p);
    let t1 = 0;
    // Evaluation too: with zero gates and no noise every row would pick the same experts.
    for (const training of [true, false]) {
      const ctx = { seed: 1, step: 0, training };
      const got = await exe.run(d, ctx);
      if (!t1) t1 = performance.now();
      const want = interpret(g, { ...p, ...d }, ctx);
      const loss = Number(want.loss!.data[0]);
      expect(Number.isFinite(Number(got.loss!.data[0]))).toBe(true);
      expect(Math.abs(Number(got.loss!.data[0]) - loss) / Math.abs(loss)).toBeLessThan(1e-4);
      expect(got['moe0.load']!.data.length).toBe(4096);
      // 32 rows × k1·k2 = 4 picks: most of the 128 picks must land on different experts.
      expect(expertsWithLoad(want['moe0.load']!.data), `experts with load (training=${training})`).toBeGreaterThanOrEqual(40);
      for (const name of ['moe0.load', 'moe0.importance']) {
        const w = want[name]!.data;
        const scale = Math.max(1e-3, ...Array.from(w, (v) => Math.abs(v)));
        for (let i = 0; i < w.length; i++) expect(Math.abs(got[name]!.data[i]! - w[i]!) / scale, `${name}[${i}]`).toBeLessThan(2e-4);
      }
    }
    console.log(`64x64 hierarchical bank: lower+prepare+first run ${(t1 - t0).toFixed(0)} ms, peak ${plan.memory?.peakBytes} bytes`);
    exe.destroy();
  });
});
