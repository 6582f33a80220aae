/**
 * A plan whose kernel binds more storage buffers than the device allows per shader stage (browsers
 * report 10; Dawn on lavapipe more) is refused by `prepareWebGpuPlan` before anything is allocated,
 * naming the node, the kernel, the count and the limit; at the device's real limit the same plan
 * prepares. The low limit is presented through a view of the real device whose `limits` report it.
 */
import { expect, it } from 'vitest';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import { traceModel } from '../../frontend/model.ts';
import { checkStorageBindings, prepareWebGpuPlan } from '../../runtime/webgpu-executor.ts';
import type { DeviceContext } from '../../runtime/device.ts';
import model from '../../examples/lstm-moe-lm.ts';
import { describeGpu, dev } from './gpu.ts';

const plan = compileTrainingPlan(traceModel(model, { T: 2, B: 4, experts: 4, k: 2 }), { optimizer: { name: 'adam', lr: 0.01 }, recompute: 'experts' }).plan;
const counts = plan.steps.flatMap((s) => s.dispatches.map((d) => ({ node: s.node, name: d.kernel.name, n: d.kernel.bindings.filter((b) => b.access !== 'uniform').length })));
const widest = counts.reduce((a, b) => (b.n > a.n ? b : a));

it('checkStorageBindings names the first kernel over the limit, and passes at the widest count', () => {
  expect(widest.n).toBeGreaterThan(4);
  const first = counts.find((c) => c.n > widest.n - 1)!;
  expect(() => checkStorageBindings(plan, widest.n - 1)).toThrow(
    `node #${first.node.id} ${first.node.op}${first.node.layer ? ` (layer ${first.node.layer})` : ''}: kernel ${first.name} binds ${first.n} storage buffers, more than the ${widest.n - 1} per shader stage`,
  );
  expect(() => checkStorageBindings(plan, widest.n)).not.toThrow();
});

describeGpu('storage binding limit on a device', () => {
  it('prepareWebGpuPlan refuses the plan on a device reporting fewer storage buffers per stage, and prepares it at the real limit', async () => {
    const real = dev();
    const limits = { ...Object.fromEntries(Object.keys(Object.getPrototypeOf(real.device.limits)).map((k) => [k, (real.device.limits as unknown as Record<string, number>)[k]])), maxStorageBuffersPerShaderStage: widest.n - 1 };
    const device = new Proxy(real.device, { get: (t, p) => (p === 'limits' ? limits : Reflect.get(t, p, t)) });
    const narrow = { ...real, device } as DeviceContext;
    await expect(prepareWebGpuPlan(narrow, plan)).rejects.toThrow(/binds \d+ storage buffers, more than the \d+ per shader stage this WebGPU device allows \(maxStorageBuffersPerShaderStage\)/);
    expect(real.device.limits.maxStorageBuffersPerShaderStage).toBeGreaterThanOrEqual(widest.n);
    const exe = await prepareWebGpuPlan(real, plan);
    exe.destroy();
  });
});
