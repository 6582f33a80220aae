/**
 * The moec side of the end-to-end benchmarks, through moec's real path: a one-layer model written
 * in the DSL (data input x [1, N, D] → noisy top-k `moe` → `sum`, plus the layer's balancing loss
 * and importance/load outputs) is traced, compiled by the pass pipeline (which fuses the gating),
 * lowered to a WebGPU plan and run by the WebGPU executor — one submit and one readback of every
 * plan output per forward, the x upload included. Also the 1024³ matmul through moec's matmul
 * kernel via the runtime/gpu helpers (upload once, one submit, read C back).
 */
import { defineModel, traceModel } from '../frontend/model.ts';
import { moe } from '../frontend/layers.ts';
import { compileGraph } from '../compiler/pipeline.ts';
import { lowerToWebGpu } from '../compiler/lower/index.ts';
import { prepareWebGpuPlan } from '../runtime/webgpu-executor.ts';
import type { DeviceContext } from '../runtime/device.ts';
import { deviceLoweringLimits } from '../runtime/lowering-limits.ts';
import { createPipelineCache } from '../runtime/gpu/pipelines.ts';
import { prepareKernels } from '../runtime/gpu/run.ts';
import { createBuffer, readF32, uploadBuffer } from '../runtime/gpu/buffers.ts';
import { matmulKernel, type MatmulTiling } from '../compiler/wgsl/matmul.ts';
import type { KernelTuning } from '../compiler/kernel-tuning.ts';
import { tunableMatmuls, tuneMatmuls, tuningRecord } from '../runtime/tuning/tune-matmul.ts';
import { loadavg } from 'node:os';
import type { Tensor } from '../ir/tensor.ts';
import { tensorType } from '../ir/types.ts';
import { randArray, type MoeShape } from './common.ts';

/** Host arrays of one MoE layer's parameters and input, shared by the moec and tfjs benchmarks. */
export interface MoeData {
  readonly x: Float32Array; // [N, D]
  readonly wg: Float32Array; // [D, n]
  readonly wn: Float32Array; // [D, n]
  readonly w1: Float32Array; // [n, D, H]
  readonly b1: Float32Array; // [n, H]
  readonly w2: Float32Array; // [n, H, D]
  readonly b2: Float32Array; // [n, D]
}

/** Deterministic input and parameters for shape `s` (small random gate weights, so routing depends on x). */
export function makeMoeData(s: MoeShape): MoeData {
  const { N, D, n, H } = s;
  return {
    x: randArray(N * D, 1, 1),
    wg: randArray(D * n, 0.05, 2),
    wn: randArray(D * n, 0.05, 3),
    w1: randArray(n * D * H, 1 / Math.sqrt(D), 4),
    b1: randArray(n * H, 0.01, 5),
    w2: randArray(n * H * D, 1 / Math.sqrt(H), 6),
    b2: randArray(n * D, 0.01, 7),
  };
}

/** A prepared moec forward and what it costs per call. */
export interface MoecForward {
  /**
   * One forward: upload x, one submit, read back every plan output; resolves to the loss and Σy
   * (loss minus the balancing terms 0.1·CV²(importance) + 0.1·CV²(load)).
   */
  forward(training?: boolean): Promise<{ loss: number; ySum: number }>;
  readonly dispatches: number;
  readonly submits: number;
  readonly pipelines: number;
  /** The GEMM tilings measured and used (when asked to tune). */
  readonly tuning?: KernelTuning;
  /** Names of the ops in the compiled graph, in order (shows the fused gating). */
  readonly ops: string[];
  destroy(): void;
}

/**
 * Traces, compiles, lowers and prepares the one-layer MoE model on `dev` with `data`; with
 * `tuneRuns`, its GEMMs are first tuned on this adapter (`moec tune`'s measurement) and the plan
 * lowered with the choices, which are returned in `tuning`.
 */
export async function prepareMoecMoe(dev: DeviceContext, s: MoeShape, data: MoeData, tuneRuns?: number): Promise<MoecForward> {
  const model = defineModel({
    name: 'bench-moe',
    defaults: { N: s.N, D: s.D, n: s.n, H: s.H, k: s.k },
    build(ctx, o) {
      const x = ctx.input('x', 'f32', [1, o.N, o.D]);
      const y = moe(x, { experts: o.n, k: o.k, hidden: o.H, noisy: true, name: 'moe' });
      return ctx.op1('sum', {}, [y]);
    },
  });
  const compiled = compileGraph(traceModel(model)).graph;
  const limits = deviceLoweringLimits(dev);
  let plan = lowerToWebGpu(compiled, limits);
  let tuning: KernelTuning | undefined;
  if (tuneRuns !== undefined) {
    const load0 = loadavg()[0]!;
    tuning = tuningRecord(dev, await tuneMatmuls(dev, tunableMatmuls([plan]), { runs: tuneRuns }), [load0, loadavg()[0]!]);
    plan = lowerToWebGpu(compiled, { ...limits, tuning });
  }
  const exe = await prepareWebGpuPlan(dev, plan);
  const f = (name: string, shape: number[], arr: Float32Array): Tensor => ({ type: tensorType('f32', shape), data: arr });
  exe.setParams({
    'moe.wg': f('moe.wg', [s.D, s.n], data.wg),
    'moe.wn': f('moe.wn', [s.D, s.n], data.wn),
    'moe.w1': f('moe.w1', [s.n, s.D, s.H], data.w1),
    'moe.b1': f('moe.b1', [s.n, s.H], data.b1),
    'moe.w2': f('moe.w2', [s.n, s.H, s.D], data.w2),
    'moe.b2': f('moe.b2', [s.n, s.D], data.b2),
  });
  const x = f('x', [1, s.N, s.D], data.x);
  return {
    async forward(training = true) {
      const out = await exe.run({ x }, { seed: 1, step: 0, training });
      const loss = out.loss!.data[0]!;
      return { loss, ySum: loss - 0.1 * out['moe.cvImportance']!.data[0]! - 0.1 * out['moe.cvLoad']!.data[0]! };
    },
    dispatches: exe.stats.dispatches,
    submits: exe.stats.submitsPerRun,
    pipelines: exe.stats.pipelines,
    ops: compiled.nodes.map((nd) => nd.op),
    ...(tuning ? { tuning } : {}),
    destroy: () => exe.destroy(),
  };
}

/** Prepares C = A·B at size³ with moec's matmul kernel; each call submits once and reads C back. */
export async function prepareMoecMatmul(dev: DeviceContext, size: number, a: Float32Array, b: Float32Array, tiling?: MatmulTiling): Promise<{ run(): Promise<Float32Array>; dispatches: number }> {
  const cache = createPipelineCache(dev);
  const c = createBuffer(dev, size * size * 4);
  const batch = await prepareKernels(cache, [
    {
      kernel: matmulKernel({ M: size, N: size, K: size, ...(tiling ? { tiling } : {}) }),
      buffers: { a: uploadBuffer(dev, a), b: uploadBuffer(dev, b), c },
    },
  ]);
  return {
    async run() {
      batch.submit(1);
      return readF32(dev, c, size * size);
    },
    dispatches: 1,
  };
}
