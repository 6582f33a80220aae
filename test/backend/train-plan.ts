/**
 * Shared helper of the training-plan GPU tests: lowers a small graph built with GraphBuilder to a
 * WebGPU plan (so the lowering rules of compiler/lower/rules-train.ts are exercised, not just the
 * kernels), runs it, and compares every graph output with the CPU reference interpreter; and trains
 * a plan on WebGPU and on the CPU backend side by side to compare their whole state.
 */
import { expect } from 'vitest';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import type { Graph } from '../../ir/graph.ts';
import { interpret, type RunContext } from '../../ir/interpret.ts';
import type { Tensor } from '../../ir/tensor.ts';
import { tensorType, type DType } from '../../ir/types.ts';
import { prepareWebGpuPlan, type WebGpuExecutable } from '../../runtime/webgpu-executor.ts';
import { prepareTrainer } from '../../runtime/trainer.ts';
import type { Plan } from '../../compiler/plan.ts';
import { expectNear } from '../ir/expert-schedule.ts';
import { cache, dev, expectClose } from './gpu.ts';

/** A tensor from an array. */
export function tensor(dtype: DType, shape: number[], data: ArrayLike<number>): Tensor {
  return { type: tensorType(dtype, shape), data: dtype === 'i32' ? Int32Array.from(data) : Float32Array.from(data) };
}

/** Lowers and prepares `g` on this file's device (no parameters: every input is fed). */
export async function preparePlan(g: Graph): Promise<WebGpuExecutable> {
  const exe = await prepareWebGpuPlan(dev(), lowerToWebGpu(g, dev().device.limits), cache!);
  exe.setParams({});
  return exe;
}

/** Runs the plan and the interpreter on `feeds`; checks every output (i32 exactly). Returns the GPU outputs. */
export async function checkPlan(
  exe: WebGpuExecutable,
  g: Graph,
  feeds: Record<string, Tensor>,
  ctx: RunContext,
  rtol = 1e-4,
): Promise<Record<string, Tensor>> {
  const got = await exe.run(feeds, ctx);
  const want = interpret(g, feeds, ctx);
  for (const name of Object.keys(want)) {
    const w = want[name]!;
    const a = got[name]!;
    if (w.type.dtype === 'i32') expect(Array.from(a.data), name).toEqual(Array.from(w.data));
    else expectClose(a.data, w.data, rtol, `${name} (step ${ctx.step}, training ${ctx.training})`);
  }
  return got;
}

/** The raw bits of every output, for determinism checks. */
export function outputBits(out: Record<string, Tensor>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, Array.from(new Uint32Array(Float32Array.from(t.data).buffer))]));
}

/**
 * Trains `plan` for `steps` steps on WebGPU and on the CPU backend from the same parameters and
 * batch; returns both final states (parameters and optimizer state) after releasing the trainers.
 */
export async function trainOnBoth(plan: Plan, init: Record<string, Tensor>, batch: Record<string, Tensor>, steps: number, seed: number): Promise<{ g: Record<string, Tensor>; c: Record<string, Tensor> }> {
  const gpu = await prepareTrainer({ kind: 'webgpu', device: dev() }, plan, init, { seed });
  const cpu = await prepareTrainer({ kind: 'cpu' }, plan, init, { seed });
  for (let s = 0; s < steps; s++) {
    await gpu.step(batch, s);
    await cpu.step(batch, s);
  }
  const out = { g: await gpu.read(), c: await cpu.read() };
  gpu.destroy();
  cpu.destroy();
  return out;
}

/** Every state tensor of `c` equals `g`'s: integers exactly, floats to `rtol` relative. */
export function expectSameState(g: Record<string, Tensor>, c: Record<string, Tensor>, rtol: number): void {
  for (const name of Object.keys(c)) {
    if (c[name]!.type.dtype === 'i32') expect(Array.from(g[name]!.data), name).toEqual(Array.from(c[name]!.data));
    else expectNear(g[name]!.data, c[name]!.data, rtol, name);
  }
}
