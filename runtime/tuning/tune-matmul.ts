/**
 * The measuring half of `moec tune`: given the GEMMs a compiled plan runs (every dispatch whose
 * kernel is `tunable`), time each shape under every candidate tiling that fits the device, on
 * buffers of the real sizes, and keep the fastest. Candidates of one shape are timed alternately
 * (round r runs every candidate once, in order) after one warm-up each (pipeline JIT), and compared
 * by median, so a load spike on this shared host hits all of them alike; a challenger replaces the
 * untuned choice (`defaultMatmulTiling` on this device, "default" below) only when its median beats it by `minGain`
 * (noise must not pick tilings).
 * Tiling never changes a GEMM's numbers, so the result is purely a speed table.
 */
import type { KernelTuning, TunedMatmul } from '../../compiler/kernel-tuning.ts';
import { KERNEL_TUNING_VERSION } from '../../compiler/kernel-tuning.ts';
import type { Plan } from '../../compiler/plan.ts';
import type { TunableKernel } from '../../compiler/wgsl/kernel.ts';
import { defaultMatmulTiling, MATMUL_TILING_CANDIDATES, matmulKernel, matmulTilingError, type MatmulTiling } from '../../compiler/wgsl/matmul.ts';
import type { DeviceContext } from '../device.ts';
import { createBuffer } from '../gpu/buffers.ts';
import { createPipelineCache } from '../gpu/pipelines.ts';
import { prepareKernels, type PreparedBatch } from '../gpu/run.ts';

/** Options of `tuneMatmuls`. */
export interface TuneOptions {
  /** Timed rounds per shape (each runs every candidate once); default 5. */
  readonly runs?: number;
  /** A challenger must be at least this much faster than the default (fraction; default 0.05). */
  readonly minGain?: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
  /** Candidate tilings (default MATMUL_TILING_CANDIDATES; the untuned choice, `defaultMatmulTiling` on the device, is always included and is the baseline). */
  readonly candidates?: readonly MatmulTiling[];
}

/** Every distinct tunable GEMM of `plans`, by key, in first-seen order. */
export function tunableMatmuls(plans: readonly Plan[]): TunableKernel[] {
  const seen = new Map<string, TunableKernel>();
  for (const p of plans) {
    for (const s of p.steps) for (const d of s.dispatches) if (d.kernel.tunable && !seen.has(d.kernel.tunable.key)) seen.set(d.kernel.tunable.key, d.kernel.tunable);
  }
  return [...seen.values()];
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const sameTiling = (a: MatmulTiling, b: MatmulTiling): boolean => a.tm === b.tm && a.tn === b.tn && a.tk === b.tk && a.rm === b.rm && a.rn === b.rn && a.vec4 === b.vec4 && !!a.stream === !!b.stream && !!a.subgroup === !!b.subgroup;

/** The candidates usable on this device for a GEMM of `t`'s shape (limits, grid size, the `subgroups` feature), the untuned choice first. */
function candidatesFor(dev: DeviceContext, t: TunableKernel, list: readonly MatmulTiling[]): MatmulTiling[] {
  const lim = dev.device.limits;
  const untuned = defaultMatmulTiling(t.options, { subgroups: dev.device.features.has('subgroups') });
  const all = [untuned, ...list.filter((c) => !sameTiling(c, untuned))];
  return all.filter(
    (c) =>
      matmulTilingError(c, lim.maxComputeWorkgroupStorageSize, lim.maxComputeInvocationsPerWorkgroup) === undefined &&
      (!c.subgroup || dev.device.features.has('subgroups')) &&
      Math.ceil(t.options.M / c.tm) <= lim.maxComputeWorkgroupsPerDimension &&
      Math.ceil(t.options.N / c.tn) <= lim.maxComputeWorkgroupsPerDimension,
  );
}

/** Times one submit of `batch` (ms), waiting for the device. */
async function timeOnce(dev: DeviceContext, batch: PreparedBatch): Promise<number> {
  const t0 = performance.now();
  batch.submit(1);
  await dev.wait(dev.device.queue.onSubmittedWorkDone());
  return performance.now() - t0;
}

/** Measures every GEMM of `gemms` under each candidate tiling; returns the choice per shape key. */
export async function tuneMatmuls(dev: DeviceContext, gemms: readonly TunableKernel[], o: TuneOptions = {}): Promise<Record<string, TunedMatmul>> {
  const runs = o.runs ?? 5;
  const minGain = o.minGain ?? 0.05;
  const cache = createPipelineCache(dev);
  const out: Record<string, TunedMatmul> = {};
  for (const g of gemms) {
    const { M, N, K } = g.options;
    const fill = (n: number): GPUBuffer => {
      const buf = createBuffer(dev, n * 4);
      dev.device.queue.writeBuffer(buf, 0, Float32Array.from({ length: Math.min(n, 1 << 16) }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5));
      return buf;
    };
    const buffers: Record<string, GPUBuffer> = { a: fill(M * K), b: fill(K * N), c: fill(M * N), ...(g.options.bias ? { bias: fill(N) } : {}) };
    const cands = candidatesFor(dev, g, o.candidates ?? MATMUL_TILING_CANDIDATES);
    const batches: PreparedBatch[] = [];
    try {
      for (const tiling of cands) {
        const b = await prepareKernels(cache, [{ kernel: matmulKernel({ ...g.options, tiling, aOff: 0, cOff: 0 }), buffers }]);
        batches.push(b);
        await timeOnce(dev, b); // warm-up: JIT and first touch
      }
      const times: number[][] = cands.map(() => []);
      for (let r = 0; r < runs; r++) for (let i = 0; i < cands.length; i++) times[i]!.push(await timeOnce(dev, batches[i]!));
      const med = times.map(median);
      let best = 0;
      for (let i = 1; i < cands.length; i++) if (med[i]! < med[best]!) best = i;
      if (best !== 0 && med[best]! > (1 - minGain) * med[0]!) best = 0;
      out[g.key] = { tiling: cands[best]!, ms: med[best]!, defaultMs: med[0]! };
      const gflops = (ms: number): string => ((2 * M * N * K) / ms / 1e6).toFixed(2);
      o.log?.(`  ${g.key.padEnd(28)} default ${med[0]!.toFixed(2)} ms (${gflops(med[0]!)} GFLOP/s) → ${best === 0 ? 'default kept' : `${JSON.stringify(cands[best])} ${med[best]!.toFixed(2)} ms (${gflops(med[best]!)} GFLOP/s)`}`);
    } finally {
      for (const b of batches) b.release();
      for (const b of Object.values(buffers)) b.destroy();
    }
  }
  return out;
}

/** A tuning record for `dev` from measured choices (merged over `previous` entries of the same adapter). */
export function tuningRecord(dev: DeviceContext, matmul: Record<string, TunedMatmul>, loadavg: readonly [number, number], previous?: KernelTuning): KernelTuning {
  const keep = previous && previous.adapter === dev.info.description ? previous.matmul : {};
  return { version: KERNEL_TUNING_VERSION, adapter: dev.info.description, date: new Date().toISOString(), loadavg: [loadavg[0], loadavg[1]], matmul: { ...keep, ...matmul } };
}
