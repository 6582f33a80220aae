/**
 * The op conformance table on the reference (issue 14 item 7), driven by the op list: for every
 * name in OP_NAMES, on cases with random sizes (test/ir/op-cases.ts, 3 seeds) —
 *  1. the shape rule: inferOutputTypes on the input types equals the types evalNode produces;
 *  2. the reference at f32 storage vs f64 storage: same types, values within 1e-5 + 1e-4·|v|;
 *  3. the vjp rule: a central finite difference in f64 of L = Σ_j Σ out_j ⊙ R_j over every f32
 *     input (test/autodiff/helpers.ts checkOp), or a declared reason in GRAD why not.
 * GRAD is a mapped type over OpName and the test compares its keys with OP_NAMES, so an op added
 * without a row fails (to compile and to run). The WGSL column is
 * test/backend/op-conformance-webgpu.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { evalNode } from '../../ir/interpret.ts';
import { inferOutputTypes } from '../../ir/infer.ts';
import { OP_NAMES, type OpName, type OpParams } from '../../ir/ops.ts';
import type { Tensor } from '../../ir/tensor.ts';
import { checkOp, type InSpec } from '../autodiff/helpers.ts';
import { bareNode, opCases } from './op-cases.ts';

/**
 * 'fd': checked here by finite differences through every f32 input and output; a partial row
 * restricts the check to some inputs (the others held constant) and outputs, saying why; a reason
 * says why the op is not checked here (and where it is tested instead).
 */
type GradRow = 'fd' | { readonly inputs?: readonly number[]; readonly outputs?: readonly number[]; readonly why: string } | { readonly reason: string };
const NEEDS_DISPATCH = { reason: 'its vjp needs sourceRow from a moeDispatch node (positions); FD-checked through a real dispatch in test/autodiff/moe.test.ts and test/multi-device/vjp.test.ts' };
const GRAD_OP = { reason: 'a gradient/update op emitted by autodiff (its vjp refuses by design, passes/vjp/nondiff.ts); its values are checked against FD as the vjp of its forward op' };
const FUSED = { reason: 'made by the elementwise fusion after differentiation (its vjp refuses by design); equals the unfused chain bit for bit in test/passes/fuse-elementwise.test.ts' };
const NO_FLOAT_IN = { reason: 'no float inputs (a source or an integer-only op)' };

const GRAD: { readonly [O in OpName]: GradRow } = {
  matmul: 'fd', add: 'fd', mul: 'fd', addN: 'fd', biasAdd: 'fd', scale: 'fd', relu: 'fd', sigmoid: 'fd', tanh: 'fd', softplus: 'fd', softmax: 'fd', sum: 'fd',
  fusedElementwise: FUSED, matmulBias: FUSED,
  reshape: 'fd', select0: 'fd', stack0: 'fd', sliceLast: 'fd',
  embedding: 'fd', lstm: 'fd', dropout: 'fd', softmaxCrossEntropy: 'fd',
  linearCrossEntropy: 'fd', linearCrossEntropyGrad: GRAD_OP,
  noiseStd: 'fd', randomNormal: NO_FLOAT_IN, topk: 'fd',
  gating: { outputs: [1, 2, 3], why: 'no gradient flows into topValues: the top-k thresholds are constants by design' },
  loadEstimate: { inputs: [0, 1], why: 'thresholds (topValues) held constant as in the paper; the deviation is measured in test/autodiff/load-gradient-agreement.test.ts' },
  importance: 'fd', cvSquared: 'fd', moeDispatch: NO_FLOAT_IN, expertFfn: NEEDS_DISPATCH, moeCombine: 'fd',
  balancedGating: 'fd', balancedThresholdLoss: { inputs: [1], why: 'paper App. F: the threshold loss trains the thresholds only (logits held constant)' }, balancedGatingGrad: GRAD_OP, balancedThresholdLossGrad: GRAD_OP,
  expertHidden: NEEDS_DISPATCH, expertOutput: 'fd',
  zeros: NO_FLOAT_IN, fill: NO_FLOAT_IN, broadcast: 'fd', transpose: 'fd',
  sumRows: GRAD_OP, reluGrad: GRAD_OP, sigmoidGrad: GRAD_OP, tanhGrad: GRAD_OP, softmaxGrad: GRAD_OP, scatter0: GRAD_OP, padLast: GRAD_OP,
  embeddingGrad: GRAD_OP, lstmGrad: GRAD_OP, softmaxCrossEntropyGrad: GRAD_OP, noiseStdGrad: GRAD_OP, scatterTopk: GRAD_OP, gatingLogitsGrad: GRAD_OP, cvSquaredGrad: GRAD_OP,
  importanceGrad: GRAD_OP, loadEstimateGrad: GRAD_OP, moeCombineGrad: GRAD_OP, expertHiddenGrad: GRAD_OP, expertOutputGrad: GRAD_OP, expertFfnGrad: GRAD_OP,
  sgdUpdate: GRAD_OP, adamUpdate: GRAD_OP, factoredAdamUpdate: GRAD_OP,
  secondaryGating: { outputs: [1, 2, 3], why: 'no gradient into topValues2 (thresholds constant)' },
  hierLoadEstimate: { inputs: [0, 2, 3], why: 'thresholds (topValues2) held constant, as the flat estimator' }, secondaryGatingGrad: GRAD_OP, hierLoadEstimateGrad: GRAD_OP,
  shardRandomNormal: NO_FLOAT_IN, shardDropout: 'fd', allToAllDispatch: NEEDS_DISPATCH, allToAllReturn: { reason: 'its vjp needs the allToAllDispatch whose counts it takes (the received layout by expert and row block); FD-checked through a real exchange in test/multi-device/vjp.test.ts' }, allReduceSum: 'fd', hierLoadCombine: { inputs: [0, 1], why: 'the per-group row counts c are integers carried as f32 (no gradient)' },
  allGatherRows: 'fd', shardRows: 'fd', padShardRows: 'fd',
  expertSgdUpdate: GRAD_OP, expertFactoredAdamUpdate: GRAD_OP,
};

const SEEDS = [1, 2, 3];
const CASES = SEEDS.map((s) => opCases(s));
const ctx = { seed: 3, step: 2, training: true };

describe('op conformance table (reference)', () => {
  it('has exactly one row per op in OP_NAMES', () => {
    expect(Object.keys(GRAD).sort()).toEqual([...OP_NAMES].sort());
    expect(Object.keys(CASES[0]!).sort()).toEqual([...OP_NAMES].sort());
  });

  for (const op of OP_NAMES) {
    it(`${op}: shape rule, f32 vs f64, vjp`, () => {
      for (const cases of CASES) {
        const [params, inputs] = cases[op] as readonly [OpParams[OpName], Tensor[]];
        const o32 = evalNode(bareNode(op, params), inputs, ctx);
        const o64 = evalNode(bareNode(op, params), inputs, { ...ctx, precision: 'f64' });
        const inferred = inferOutputTypes(op, params, inputs.map((t) => t.type), `conformance ${op}`);
        expect(o32.map((t) => t.type), 'shape rule vs reference output types').toEqual(inferred);
        expect(o64.map((t) => t.type)).toEqual(inferred);
        o32.forEach((t, i) => {
          const u = o64[i]!;
          for (let j = 0; j < t.data.length; j++) expect(Math.abs(t.data[j]! - u.data[j]!), `output ${i}[${j}] f32 vs f64`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(u.data[j]!));
        });
      }
      const row = GRAD[op];
      if (row !== 'fd' && 'reason' in row) {
        expect(row.reason.length).toBeGreaterThan(10);
        return;
      }
      const diffIn = (i: number) => row === 'fd' || !row.inputs || row.inputs.includes(i);
      const diffOut = (i: number) => row === 'fd' || !row.outputs || row.outputs.includes(i);
      for (const [s, cases] of CASES.entries()) {
        const [params, inputs] = cases[op] as readonly [OpParams[OpName], Tensor[]];
        const specs: InSpec[] = inputs.map((t, i) => ({
          name: `in${i}`,
          shape: t.type.shape as number[],
          dtype: t.type.dtype,
          role: t.type.dtype === 'f32' && diffIn(i) ? 'param' : 'input',
          values: Array.from(t.data),
        }));
        checkOp(100 + s, specs, (b, v) => {
          const outs = b.addNode(op, params as never, inputs.map((_, i) => v[`in${i}`]!));
          return outs.filter((o, i) => b.typeOf(o).dtype === 'f32' && diffOut(i));
        }, { ctx, rtol: 1e-5, atol: 1e-6 });
      }
    });
  }
});
