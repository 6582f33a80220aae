/**
 * The adapter's FMA peak, the ceiling every GEMM is measured against (issue 13 item 5): a
 * register-only kernel — each invocation runs `chains` independent vec4 fma chains for `iters`
 * iterations on values that stay in registers, then writes one sum so nothing is dead — over
 * enough workgroups to fill the device. Several chain counts and workgroup sizes are tried (how
 * many independent chains hide the FMA latency is itself a property of the adapter), with the loop
 * body written once or unrolled 4–8 times (lavapipe's JIT pays a mask blend per loop-carried value
 * and iteration, which a rolled loop would charge to the FMAs); the best median is the peak. On lavapipe the invocations of a workgroup run as SIMD lanes of one CPU
 * thread, so the number approximates cores × SIMD width × 2 FLOPs × clock. Besides wall clock, each
 * variant's rate per CPU time of this process (spread over the host's cores) is reported: on a shared
 * host it tracks what the kernel costs rather than what share of the cores it got.
 */
import { cpus } from 'node:os';
import type { DeviceContext } from '../runtime/device.ts';
import { createBuffer } from '../runtime/gpu/buffers.ts';
import { createPipelineCache } from '../runtime/gpu/pipelines.ts';
import { prepareKernels } from '../runtime/gpu/run.ts';
import type { Kernel } from '../compiler/wgsl/kernel.ts';
import { median, round } from './common.ts';

/** One tried configuration and its rate. */
export interface FmaVariant {
  readonly chains: number;
  readonly workgroupSize: number;
  /** Copies of the chains' fma step per loop iteration (the loop's own per-iteration cost — on lavapipe a mask blend per loop-carried value — paid once per copy group). */
  readonly unroll: number;
  readonly gflops: number;
  /** The rate per this process's CPU time spread over the host's cores (lavapipe's threads run in-process): less sensitive to other processes' load than wall clock. */
  readonly cpuGflops: number;
}

/** The peak and every variant measured. */
export interface FmaPeak {
  readonly gflops: number;
  /** Best `cpuGflops` of the variants. */
  readonly cpuGflops: number;
  readonly variants: readonly FmaVariant[];
  readonly what: string;
}

const WORKGROUPS = 256;
const ITERS = 2048;

/** The register-only FMA kernel: `chains` vec4 accumulators per invocation, the step written `unroll` times per loop iteration. */
function fmaKernel(chains: number, workgroupSize: number, unroll: number): Kernel {
  const acc = Array.from({ length: chains }, (_, i) => i);
  const step = acc.map((i) => `a${i} = fma(a${i}, m, c);`).join('\n    ');
  const wgsl = `@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(${workgroupSize})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = f32(gid.x) * 1e-9;
  ${acc.map((i) => `var a${i} = vec4<f32>(s + ${i}.0);`).join('\n  ')}
  let m = vec4<f32>(0.999999);
  let c = vec4<f32>(1e-7);
  for (var i = 0u; i < ${ITERS / unroll}u; i++) {
    ${Array.from({ length: unroll }, () => step).join('\n    ')}
  }
  out[gid.x] = ${acc.map((i) => `dot(a${i}, vec4<f32>(1.0))`).join(' + ')};
}`;
  return { name: 'fma_peak', wgsl, bindings: [{ name: 'out', access: 'read_write' }], workgroupSize: [workgroupSize, 1, 1], dispatch: [WORKGROUPS, 1, 1], cacheKey: `fma_peak:${chains}:${workgroupSize}:${unroll}` };
}

/** Measures the FMA peak of `dev` (median of `runs` per variant, best variant wins). */
export async function measureFmaPeak(dev: DeviceContext, runs = 5): Promise<FmaPeak> {
  const cache = createPipelineCache(dev);
  const variants: FmaVariant[] = [];
  // Rolled loops (one fma step per iteration) and unrolled ones: the loop's per-iteration overhead is
  // not FMA throughput, so the peak is the best of both.
  for (const [chains, workgroupSize, unroll] of [[4, 64, 1], [8, 64, 1], [16, 64, 1], [8, 128, 1], [4, 128, 4], [8, 128, 4], [8, 64, 8], [12, 128, 4]] as const) {
    const out = createBuffer(dev, WORKGROUPS * workgroupSize * 4);
    const batch = await prepareKernels(cache, [{ kernel: fmaKernel(chains, workgroupSize, unroll), buffers: { out } }]);
    batch.submit(1);
    await dev.wait(dev.device.queue.onSubmittedWorkDone());
    const samples: number[] = [];
    const cpuMs: number[] = [];
    for (let r = 0; r < runs; r++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      batch.submit(1);
      await dev.wait(dev.device.queue.onSubmittedWorkDone());
      samples.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpuMs.push((c.user + c.system) / 1000 / cpus().length);
    }
    batch.release();
    out.destroy();
    const flops = WORKGROUPS * workgroupSize * ITERS * chains * 4 * 2;
    variants.push({ chains, workgroupSize, unroll, gflops: round(flops / median(samples) / 1e6, 2), cpuGflops: round(flops / median(cpuMs) / 1e6, 2) });
  }
  return {
    gflops: Math.max(...variants.map((v) => v.gflops)),
    cpuGflops: Math.max(...variants.map((v) => v.cpuGflops)),
    variants,
    what: `register-only vec4 fma chains, ${WORKGROUPS} workgroups × ${ITERS} fma steps; best of ${variants.length} (chains, workgroup size, unroll) variants, median of ${runs} each`,
  };
}
