/**
 * The hierarchical MoE at the paper's largest sizes on WebGPU against the CPU reference:
 * (1) the hierarchical example's forward at 256 × 256 = 65536 experts up to the expert FFN (T·B =
 * 16 rows, width 16, k = [2, 2], non-zero gate weights): primary and secondary selections,
 * importance, the hierarchical load, both CV² and the balancing loss; (2) the kernels of
 * secondaryGating, hierLoadEstimate and both gradients at 512 × 256 = 131072 experts with routing
 * skewed so some groups get many pairs and most none — every output, dwg2 and dwn2 over all
 * 2·10⁶ weights included — in training and evaluation, with bit-identical reruns; and the
 * lowering's grids all within the 65535-per-dimension limit.
 */
import { expect, it } from 'vitest';
import { compileGraph } from '../../compiler/pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { traceModel } from '../../frontend/model.ts';
import { GraphBuilder, type Graph } from '../../ir/graph.ts';
import { initParams, interpret } from '../../ir/interpret.ts';
import { eliminateDeadCode } from '../../passes/dce.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareWebGpuPlan } from '../../runtime/webgpu-executor.ts';
import model from '../../examples/hierarchical-moe-lm.ts';
import { cache, describeGpu, dev, expectClose, randArray, rng } from './gpu.ts';
import { checkPlan, outputBits, preparePlan, tensor } from './train-plan.ts';

function gridsWithinLimit(g: Graph): void {
  const plan = lowerToWebGpu(g, dev().device.limits);
  for (const s of plan.steps) for (const d of s.dispatches) expect(Math.max(...d.kernel.dispatch), `${d.kernel.name} grid`).toBeLessThanOrEqual(65535);
}

describeGpu('hierarchical MoE at 65536 experts: the forward routing', () => {
  it('256 × 256 experts, 16 rows: selections, importance, loads, CV² and the balancing loss match the reference', async () => {
    const a = 256, b = 256;
    const full = compileGraph(traceModel(model, { T: 2, B: 8, vocab: 64, width: 16, groups: a, perGroup: b, k1: 2, k2: 2, expertHidden: 16 }), { execution: false }).graph; // unfused: the test picks nodes by op
    const gating = full.nodes.find((n) => n.op === 'gating')!;
    const secondary = full.nodes.find((n) => n.op === 'secondaryGating')!;
    const aux = full.nodes.find((n) => n.op === 'add' && n.inputs.every((v) => full.nodes.some((m) => m.op === 'scale' && m.outputs.includes(v))))!;
    const keep = ['moe0.importance', 'moe0.load', 'moe0.cvImportance', 'moe0.cvLoad'];
    const g = eliminateDeadCode({
      ...full,
      outputs: [
        ...full.outputs.filter((o) => keep.includes(o.name)),
        { name: 'primaryIndices', value: gating.outputs[0]! },
        { name: 'secondaryIndices', value: secondary.outputs[0]! },
        { name: 'gates', value: secondary.outputs[1]! },
        { name: 'balanceLoss', value: aux.outputs[0]! },
      ],
    });
    expect(g.nodes.some((n) => n.op === 'expertFfn')).toBe(false);
    gridsWithinLimit(g);
    const params = initParams(g, 3);
    for (const name of ['moe0.wg', 'moe0.wn', 'moe0.wg2', 'moe0.wn2']) {
      const t = params[name]!;
      const r = rng(name.length + 7);
      for (let i = 0; i < t.data.length; i++) t.data[i] = (r() * 2 - 1) * 0.5;
    }
    const data = syntheticFeeds(g, 3);
    const exe = await prepareWebGpuPlan(dev(), lowerToWebGpu(g, dev().device.limits), cache!);
    exe.setParams(params);
    for (const training of [true, false]) {
      const ctx = { seed: 5, step: 2, training };
      const got = await exe.run(data, ctx);
      const want = interpret(g, { ...params, ...data }, ctx);
      const ids = Array.from(want.secondaryIndices!.data);
      expect(Array.from(got.primaryIndices!.data)).toEqual(Array.from(want.primaryIndices!.data));
      expect(Array.from(got.secondaryIndices!.data)).toEqual(ids);
      expect(new Set(ids).size).toBeGreaterThan(0.9 * ids.length); // 16 rows × 4 experts, nearly all distinct
      expect(new Set(Array.from(want.primaryIndices!.data)).size).toBeGreaterThan(16);
      expectClose(got.gates!.data, want.gates!.data, 1e-4, 'gates');
      for (const name of ['moe0.importance', 'moe0.load', 'moe0.cvImportance', 'moe0.cvLoad', 'balanceLoss']) expectClose(got[name]!.data, want[name]!.data, 2e-4, `${name} (training ${training})`);
      if (!training) expect(Array.from(got['moe0.load']!.data)).toEqual(Array.from(want['moe0.load']!.data));
      expect(Number(want['moe0.cvLoad']!.data[0])).toBeGreaterThan(0);
    }
    exe.destroy();
  });
});

describeGpu('hierarchical MoE kernels at 131072 experts', () => {
  it('512 × 256: secondaryGating, hierLoadEstimate and both gradients match the reference (skewed routing), bit-identical reruns', async () => {
    const N = 16, D = 16, a = 512, b = 256, k1 = 2, k2 = 2;
    const gb = new GraphBuilder();
    const f = (name: string, shape: number[]) => gb.addInput(name, { dtype: 'f32', shape }, 'input');
    const x = f('x', [N, D]);
    const wg2 = f('wg2', [a, D, b]);
    const wn2 = f('wn2', [a, D, b]);
    const pi = gb.addInput('pi', { dtype: 'i32', shape: [N, k1] }, 'input');
    const pg = f('pg', [N, k1]);
    const pl = f('pl', [a]);
    const p = { a, b, k1, k2, noisy: true, eps: 0.01, stream: 4, rowOffset: 32 };
    const outs = gb.addNode('secondaryGating', p, [x, wg2, wn2, pi, pg]);
    const [idx, gates, clean, sigma, top, local] = outs as [number, number, number, number, number, number];
    const load = gb.add1('hierLoadEstimate', { a, b, k1, k2 }, [pl, pi, clean, sigma, top, local]);
    const dg = f('dg', [N, k1 * k2]);
    const dc = f('dc', [N, k1, b]);
    const ds = f('ds', [N, k1, b]);
    const dl = f('dl', [a * b]);
    const gg = gb.addNode('secondaryGatingGrad', p, [x, wg2, wn2, pi, pg, top, local, dg, dc, ds]);
    const lg = gb.addNode('hierLoadEstimateGrad', { a, b, k1, k2 }, [pl, pi, clean, sigma, top, local, dl]);
    const named: [string, number][] = [['indices', idx], ['gates', gates], ['clean', clean], ['sigma', sigma], ['top', top], ['local', local], ['load', load]];
    ['dx', 'dwg2', 'dwn2', 'dprimaryGates'].forEach((name, i) => named.push([name, gg[i]!]));
    ['dprimaryLoad', 'dclean', 'dsigma'].forEach((name, i) => named.push([name, lg[i]!]));
    for (const [name, v] of named) gb.setOutput(name, v);
    const g = gb.finish();
    gridsWithinLimit(g);
    const r = rng(131072);
    // Skewed routing: groups 0..3 take most pairs (several rows each), the last group some, most none.
    const piv: number[] = [];
    for (let row = 0; row < N; row++) {
      const g0 = row % 4;
      piv.push(g0, row % 3 === 0 ? a - 1 : 4 + Math.floor(r() * (a - 5)));
    }
    const feeds = {
      x: tensor('f32', [N, D], randArray(r, N * D)),
      wg2: tensor('f32', [a, D, b], randArray(r, a * D * b)),
      wn2: tensor('f32', [a, D, b], randArray(r, a * D * b)),
      pi: tensor('i32', [N, k1], piv),
      pg: tensor('f32', [N, k1], randArray(r, N * k1, 0.1, 1)),
      pl: tensor('f32', [a], randArray(r, a, 1, 20)),
      dg: tensor('f32', [N, k1 * k2], randArray(r, N * k1 * k2)),
      dc: tensor('f32', [N, k1, b], randArray(r, N * k1 * b)),
      ds: tensor('f32', [N, k1, b], randArray(r, N * k1 * b)),
      dl: tensor('f32', [a * b], randArray(r, a * b)),
    };
    const exe = await preparePlan(g);
    for (const training of [true, false]) {
      const ctx = { seed: 9, step: 4, training };
      const first = await checkPlan(exe, g, feeds, ctx, 2e-4);
      // Non-trivial: the weight gradient is non-zero exactly in the groups rows chose.
      const dw = first.dwg2!.data;
      const chosen = new Set(piv);
      let nonzeroGroups = 0;
      for (let gi = 0; gi < a; gi++) {
        let any = false;
        for (let i = gi * D * b; i < (gi + 1) * D * b && !any; i++) any = dw[i] !== 0;
        if (any) nonzeroGroups++;
        if (!chosen.has(gi)) expect(any, `group ${gi}`).toBe(false);
      }
      expect(nonzeroGroups).toBe(chosen.size);
      expect(chosen.size).toBeGreaterThan(10);
      const again = await exe.run(feeds, ctx);
      expect(outputBits(again)).toEqual(outputBits(first));
    }
    exe.destroy();
  });
});
