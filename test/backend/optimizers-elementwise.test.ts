/**
 * The elementwise optimizers (sgdUpdate, adamUpdate) lowered to WebGPU on parameters larger than
 * one workgroup's share (16 items per invocation): a count that is a multiple of 4 (vec4 items)
 * and one that is not (f32 items, a ragged tail), two steps with the state on the device, every
 * element of the parameter and of Adam's m and v against the f64 reference.
 */
import { it } from 'vitest';
import { GraphBuilder } from '../../ir/graph.ts';
import { initParams } from '../../ir/interpret.ts';
import * as opt from '../../ir/reference/optimizers.ts';
import { tensorType } from '../../ir/types.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { prepareWebGpuPlan } from '../../runtime/webgpu-executor.ts';
import { cache, describeGpu, dev, expectClose, randArray, rng } from './gpu.ts';
import { tensor } from './train-plan.ts';

const f32 = (shape: number[]) => tensorType('f32', shape);

async function check(shape: number[], seed: number): Promise<void> {
  const r = rng(seed);
  const count = shape.reduce((a, b) => a * b, 1);
  const b = new GraphBuilder();
  const p = b.addInput('p', f32(shape), 'param', { kind: 'uniform', scale: 0.5 });
  const q = b.addInput('q', f32(shape), 'param', { kind: 'uniform', scale: 0.5 });
  const m = b.addInput('m', f32(shape), 'state', { kind: 'zeros' });
  const v = b.addInput('v', f32(shape), 'state', { kind: 'zeros' });
  const g = b.addInput('g', f32(shape), 'input');
  const hp = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  b.setOutput('sgd.p', b.add1('sgdUpdate', { lr: 0.3 }, [p, g]));
  const adam = b.addNode('adamUpdate', hp, [q, g, m, v]);
  ['q', 'm', 'v'].forEach((nm, i) => b.setOutput(`adam.${nm}`, adam[i]!));
  const graph = b.finish();
  const init = initParams(graph, seed);
  const exe = await prepareWebGpuPlan(dev(), lowerToWebGpu(graph, dev().device.limits), cache!);
  exe.setParams(init);
  let sp: ArrayLike<number> = init.p!.data;
  let [aq, am, av]: [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>] = [init.q!.data, init.m!.data, init.v!.data];
  for (const step of [0, 1]) {
    const grad = randArray(r, count);
    const got = await exe.run({ g: tensor('f32', shape, grad) }, { seed: 0, step, training: true });
    sp = opt.sgdUpdate(sp, grad, 0.3);
    const a = opt.adamUpdate(aq, grad, am, av, hp, step);
    [aq, am, av] = [a.p, a.m, a.v];
    const at = `[${shape.join(',')}] step ${step}`;
    expectClose(got['sgd.p']!.data, sp, 1e-6, `sgd p ${at}`);
    expectClose(got['adam.q']!.data, aq, 1e-5, `adam p ${at}`);
    expectClose(got['adam.m']!.data, am, 1e-5, `adam m ${at}`);
    expectClose(got['adam.v']!.data, av, 1e-5, `adam v ${at}`);
  }
  exe.destroy();
}

describeGpu('elementwise optimizers on WebGPU over several workgroups', () => {
  it('SGD and Adam with vec4 items (count % 4 = 0) and with f32 items (ragged tail)', async () => {
    await check([301, 112], 51); // 33712 = 4·8428 items: three workgroups of 4096 vec4
    await check([127, 67], 52); // 8509 f32 items: three workgroups, the last partial
  });
});
