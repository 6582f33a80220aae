/**
 * The WGSL column of the op conformance table (issue 14 item 7): for every op in OP_NAMES, a
 * one-node graph of its random-size case (test/ir/op-cases.ts, 2 seeds), every input fed, is
 * lowered with lowerToWebGpu, run on WebGPU and compared with the reference interpreter output by
 * output (i32 exactly, f32 to 1e-4 of max(|v|, rms)); or the row declares why the op is not
 * lowered standalone. WGSL is a mapped type over OpName and checked against OP_NAMES, so an op
 * added without a row fails. Also: the WGSL Φ element by element in the tails (|z| ≤ 8), through
 * loadEstimate with one row (P = Φ((clean − thr)/σ)), against published Φ values.
 */
import { expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/graph.ts';
import { OP_NAMES, type OpName, type OpParams } from '../../ir/ops.ts';
import type { Tensor } from '../../ir/tensor.ts';
import { loadEstimateKernel } from '../../compiler/wgsl/single-ops.ts';
import { readF32 } from '../../runtime/gpu/buffers.ts';
import { opCasesWithRouting } from '../ir/op-cases.ts';
import { checkPlan, preparePlan } from './train-plan.ts';
import { describeGpu, dev, out, run, up } from './gpu.ts';

/**
 * 'lower': the op alone; 'dispatch': its sourceRow/position/offsets inputs come from a moeDispatch
 * node in the same graph (the lowering needs the dispatch's device tile count); or a reason.
 */
type WgslRow = 'lower' | 'dispatch' | { readonly reason: string };
const MULTI_DEVICE = { reason: 'multi-device op: no WebGPU kernel; multi-device programs run on the CPU backend and the lowering says so (test/multi-device/)' };

const WGSL: { readonly [O in OpName]: WgslRow } = {
  matmul: 'lower', matmulBias: 'lower', fusedElementwise: 'lower', add: 'lower', mul: 'lower', addN: 'lower', biasAdd: 'lower', scale: 'lower', relu: 'lower', sigmoid: 'lower', tanh: 'lower', softplus: 'lower', softmax: 'lower', sum: 'lower',
  reshape: 'lower', select0: 'lower', stack0: 'lower', sliceLast: 'lower',
  embedding: 'lower', lstm: 'lower', dropout: 'lower', softmaxCrossEntropy: 'lower', linearCrossEntropy: 'lower', linearCrossEntropyGrad: 'lower',
  noiseStd: 'lower', randomNormal: 'lower', topk: 'lower',
  gating: 'lower', loadEstimate: 'lower', importance: 'lower', cvSquared: 'lower', moeDispatch: 'lower', expertFfn: 'dispatch', moeCombine: 'lower',
  balancedGating: 'lower', balancedThresholdLoss: 'lower', balancedGatingGrad: 'lower', balancedThresholdLossGrad: 'lower',
  expertHidden: 'dispatch', expertOutput: 'dispatch',
  zeros: 'lower', fill: 'lower', broadcast: 'lower', transpose: 'lower', sumRows: 'lower', reluGrad: 'lower', sigmoidGrad: 'lower', tanhGrad: 'lower', softmaxGrad: 'lower',
  scatter0: 'lower', padLast: 'lower', embeddingGrad: 'lower', lstmGrad: 'lower', softmaxCrossEntropyGrad: 'lower', noiseStdGrad: 'lower', scatterTopk: 'lower', gatingLogitsGrad: 'lower',
  cvSquaredGrad: 'lower', importanceGrad: 'lower', loadEstimateGrad: 'lower', moeCombineGrad: 'lower',
  expertHiddenGrad: 'dispatch', expertOutputGrad: 'dispatch', expertFfnGrad: 'dispatch',
  sgdUpdate: 'lower', adamUpdate: 'lower', factoredAdamUpdate: 'lower',
  secondaryGating: 'lower', hierLoadEstimate: 'lower', secondaryGatingGrad: 'lower', hierLoadEstimateGrad: 'lower',
  shardRandomNormal: MULTI_DEVICE, shardDropout: MULTI_DEVICE, allToAllDispatch: MULTI_DEVICE, allToAllReturn: MULTI_DEVICE, allReduceSum: MULTI_DEVICE,
  hierLoadCombine: MULTI_DEVICE, allGatherRows: MULTI_DEVICE, shardRows: MULTI_DEVICE, padShardRows: MULTI_DEVICE,
  expertSgdUpdate: 'lower', expertFactoredAdamUpdate: 'lower',
};

const SEEDS = [1, 2];
const CASES = SEEDS.map((s) => opCasesWithRouting(s));

describeGpu('op conformance table (WGSL vs reference)', () => {
  it('has exactly one row per op in OP_NAMES', () => {
    expect(Object.keys(WGSL).sort()).toEqual([...OP_NAMES].sort());
  });

  for (const op of OP_NAMES) {
    const row = WGSL[op];
    it(`${op}: ${typeof row === 'string' ? 'WGSL matches the reference' : 'not lowered (declared)'}`, async () => {
      if (typeof row !== 'string') {
        expect(row.reason.length).toBeGreaterThan(10);
        return;
      }
      for (const { cases, routing } of CASES) {
        const [params, inputs] = cases[op] as readonly [OpParams[OpName], Tensor[]];
        const b = new GraphBuilder();
        const feeds: Record<string, Tensor> = {};
        let disp: number[] | undefined;
        if (row === 'dispatch') {
          feeds.indices = routing.indices;
          disp = b.addNode('moeDispatch', { n: routing.n }, [b.addInput('indices', routing.indices.type, 'input')]);
        }
        const ins = inputs.map((t, i) => {
          if (disp && t === routing.sourceRow) return disp[0]!;
          if (disp && t === routing.position) return disp[1]!;
          if (disp && t === routing.offsets) return disp[2]!;
          feeds[`in${i}`] = t;
          return b.addInput(`in${i}`, t.type, 'input');
        });
        if (row === 'dispatch') expect(ins.some((v) => disp!.includes(v)), 'the case reads the dispatch').toBe(true);
        const outs = b.addNode(op, params as never, ins);
        outs.forEach((o, i) => b.setOutput(`out${i}`, o));
        const g = b.finish();
        const exe = await preparePlan(g);
        for (const training of [true, false]) await checkPlan(exe, g, feeds, { seed: 3, step: 2, training }, 1e-4);
        exe.destroy();
      }
    });
  }

  it('WGSL Φ element by element in the tails (|z| up to 8) against published values', async () => {
    // Φ(−z) to 15+ digits (standard tables); Φ(z) = 1 − Φ(−z). Not the NR erfc the kernel uses.
    const lower: Record<number, number> = {
      8: 6.220960574271785e-16, 6: 9.865876450376946e-10, 5: 2.866515718791939e-7, 4: 3.167124183311998e-5,
      3.5: 2.32629079035525e-4, 3: 1.349898031630095e-3, 2: 2.275013194817921e-2, 1: 0.158655253931457, 0: 0.5,
    };
    let worst = 0;
    for (const [a, pl] of Object.entries(lower)) {
      for (const z of [-Number(a), Number(a)]) {
        const want = z <= 0 ? pl : 1 - pl;
        // One row, n = 2, k = 1: expert 1 is not selected, so P = Φ((clean_1 − thr)/σ_1) with thr = topValues[0] = 10.
        const bufs = { clean: up(new Float32Array([10, 10 + z])), sigma: up(new Float32Array([1, 1])), topValues: up(new Float32Array([10, 9])), indices: up(new Int32Array([0])), load: out(2) };
        await run([{ kernel: loadEstimateKernel({ N: 1, n: 2, k: 1 }), buffers: bufs }]);
        const p = (await readF32(dev(), bufs.load, 2))[1]!;
        // f32: 10 + z is exact for these z; relative error of the tail value itself, and absolute near 1.
        const err = z <= 0 ? Math.abs(p - want) / want : Math.abs(p - want);
        expect(err, `Φ(${z}) = ${want}, WGSL ${p}`).toBeLessThan(z <= 0 ? 1e-5 : 1e-7);
        worst = Math.max(worst, err);
      }
    }
    console.log(`WGSL Φ: worst error ${worst.toExponential(2)} (relative in the lower tail, absolute above 0)`);
  });
});
