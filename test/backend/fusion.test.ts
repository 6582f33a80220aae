/**
 * Elementwise fusion on the GPU: after passes/fuse-elementwise.ts, a chain of elementwise ops
 * whose intermediates feed only the next op is one fusedElementwise node and one kernel, values
 * read by more than one op or that are graph outputs are not fused away, matmul + biasAdd is one
 * matmul with the bias epilogue, and the fused plan computes what the reference interpreter
 * computes on the UNFUSED graph.
 */
import { expect, it } from 'vitest';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { EXECUTION_PASSES } from '../../compiler/pipeline.ts';
import { PassManager } from '../../passes/pass.ts';
import { GraphBuilder } from '../../ir/graph.ts';
import { interpret } from '../../ir/interpret.ts';
import { fromArray } from '../../ir/tensor.ts';
import { tensorType } from '../../ir/types.ts';
import { prepareWebGpuPlan } from '../../runtime/webgpu-executor.ts';
import { cache, describeGpu, dev } from './gpu.ts';
import type { Graph } from '../../ir/graph.ts';

const fused = (g: Graph): Graph => new PassManager(EXECUTION_PASSES).run(g).graph;

describeGpu('elementwise fusion', () => {
  it('fuses single-reader chains into one kernel and matches the reference', async () => {
    const f32 = (...s: number[]) => tensorType('f32', s);
    const b = new GraphBuilder();
    const x = b.addInput('x', f32(37, 5), 'input');
    const y = b.addInput('y', f32(37, 5), 'input');
    const bias = b.addInput('bias', f32(5), 'param', { kind: 'zeros' });
    const a = b.add1('scale', { value: 0.5 }, [x]); // fused into the add
    const s = b.add1('add', {}, [a, y]); // fused into the relu
    const r = b.add1('relu', {}, [s]); // read twice: not fused away
    const t = b.add1('tanh', {}, [b.add1('biasAdd', {}, [r, bias])]); // biasAdd fused into tanh
    const u = b.add1('sigmoid', {}, [r]);
    b.setOutput('t', t);
    b.setOutput('u', u);
    const g = b.finish();
    const plan = lowerToWebGpu(fused(g), dev().device.limits);
    const kernels = plan.steps.flatMap((st) => st.dispatches.map((d) => d.kernel.name));
    expect(kernels).toHaveLength(3); // relu(add(scale(x), y)), tanh(biasAdd(r, bias)), sigmoid(r)
    const rnd = (n: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * 2);
    const feeds = { x: fromArray('f32', [37, 5], rnd(185)), y: fromArray('f32', [37, 5], rnd(185).reverse()), bias: fromArray('f32', [5], [0.1, -0.2, 0.3, 0, 1]) };
    const exe = await prepareWebGpuPlan(dev(), plan, cache!);
    exe.setParams({ bias: feeds.bias });
    const got = await exe.run({ x: feeds.x, y: feeds.y }, { seed: 0, step: 0, training: false });
    const want = interpret(g, feeds, { seed: 0, step: 0, training: false });
    for (const name of ['t', 'u']) {
      Array.from(want[name]!.data).forEach((v, i) => expect(got[name]!.data[i]).toBeCloseTo(v, 5));
    }
    exe.destroy();
  });

  it('computes matmul + biasAdd with the matmul kernel\'s bias epilogue', async () => {
    const f32 = (...s: number[]) => tensorType('f32', s);
    const b = new GraphBuilder();
    const x = b.addInput('x', f32(19, 7), 'input');
    const w = b.addInput('w', f32(7, 11), 'param', { kind: 'uniform', scale: 1 });
    const bias = b.addInput('bias', f32(11), 'param', { kind: 'uniform', scale: 1 });
    b.setOutput('y', b.add1('softmax', {}, [b.add1('biasAdd', {}, [b.add1('matmul', {}, [x, w]), bias])]));
    const g = b.finish();
    const plan = lowerToWebGpu(fused(g), dev().device.limits);
    expect(plan.steps.flatMap((st) => st.dispatches.map((d) => d.kernel.name))).toEqual(['matmul_bias', 'softmax']);
    const feeds = { x: fromArray('f32', [19, 7], Array.from({ length: 133 }, (_, i) => Math.cos(i))), w: fromArray('f32', [7, 11], Array.from({ length: 77 }, (_, i) => Math.sin(i))), bias: fromArray('f32', [11], Array.from({ length: 11 }, (_, i) => i / 10)) };
    const exe = await prepareWebGpuPlan(dev(), plan, cache!);
    exe.setParams({ w: feeds.w, bias: feeds.bias });
    const got = await exe.run({ x: feeds.x }, { seed: 0, step: 0, training: false });
    const want = interpret(g, feeds, { seed: 0, step: 0, training: false });
    Array.from(want.y!.data).forEach((v, i) => expect(got.y!.data[i]).toBeCloseTo(v, 5));
    exe.destroy();
  });
});
