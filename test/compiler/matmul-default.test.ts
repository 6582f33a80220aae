/**
 * The untuned GEMM choice and the device's `subgroups` capability, with no GPU: the compiler picks
 * the subgroup streaming kernel only when the lowering limits say the device has the feature
 * (`LoweringLimits.subgroups`, set by the app from the adapter), keeps the row-streaming kernel
 * otherwise, with transposed A, and the tiled kernels where M overflows the grid; never uses a tuned subgroup tiling
 * on a device without the feature, and the plan listing names each GEMM's kernel.
 */
import { describe, expect, it } from 'vitest';
import { parseKernelTuning, tunedMatmulTiling, KERNEL_TUNING_VERSION, type KernelTuning } from '../../compiler/kernel-tuning.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { compileGraph } from '../../compiler/pipeline.ts';
import { printPlan } from '../../compiler/print-plan.ts';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import { DEFAULT_MATMUL_TILING, defaultMatmulTiling, matmulTilingFor, STREAM_MATMUL_TILING, SUBGROUP_MATMUL_TILING } from '../../compiler/wgsl/matmul.ts';
import { traceModel } from '../../frontend/model.ts';
import model from '../../examples/lstm-moe-lm.ts';

const small = { experts: 4, k: 2, width: 16, expertHidden: 16, vocab: 50, T: 4, B: 4 };
const LIMITS = { maxStorageBufferBindingSize: 1 << 27 };

describe('untuned GEMM choice by device capability', () => {
  it('subgroup kernel only with `subgroups`; stream without; tiled where M overflows the grid', () => {
    for (const [M, N, K] of [[1024, 1024, 1024], [256, 16, 64], [64, 256, 256], [1, 1, 1], [512, 64, 512]] as const) {
      expect(defaultMatmulTiling({ M, N, K })).toEqual(matmulTilingFor(M, N));
      expect(defaultMatmulTiling({ M, N, K }, { subgroups: false })).toEqual(matmulTilingFor(M, N));
      expect(defaultMatmulTiling({ M, N, K }).subgroup).toBeFalsy();
      expect(defaultMatmulTiling({ M, N, K }, { subgroups: true })).toEqual(SUBGROUP_MATMUL_TILING);
    }
    expect(defaultMatmulTiling({ M: 1024, N: 1024, K: 8 })).toEqual(STREAM_MATMUL_TILING);
    // Transposed A (weight gradients) keeps the stream kernel even with subgroups.
    expect(defaultMatmulTiling({ M: 64, N: 256, K: 256, transA: true }, { subgroups: true })).toEqual(STREAM_MATMUL_TILING);
    expect(defaultMatmulTiling({ M: 64, N: 16, K: 256, transA: true }, { subgroups: true })).toEqual(matmulTilingFor(64, 16));
    expect(defaultMatmulTiling({ M: 8 * 65535 + 1, N: 64, K: 8 }, { subgroups: true })).toEqual(DEFAULT_MATMUL_TILING);
  });

  it('a tuned tiling wins over the default, except a subgroup tiling on a device without the feature', () => {
    const o = { M: 64, N: 128, K: 32 };
    const tuning = (tiling: object): KernelTuning =>
      parseKernelTuning({ version: KERNEL_TUNING_VERSION, adapter: 'a', date: 'd', loadavg: [1, 1], matmul: { '64x128x32': { tiling, ms: 1, defaultMs: 2 } } }, 't');
    expect(tunedMatmulTiling(tuning(STREAM_MATMUL_TILING), o, { subgroups: true })).toEqual(STREAM_MATMUL_TILING);
    expect(tunedMatmulTiling(tuning(SUBGROUP_MATMUL_TILING), o, { subgroups: true })).toEqual(SUBGROUP_MATMUL_TILING);
    expect(tunedMatmulTiling(tuning(SUBGROUP_MATMUL_TILING), o)).toEqual(matmulTilingFor(64, 128));
    expect(tunedMatmulTiling(undefined, o, { subgroups: true })).toEqual(SUBGROUP_MATMUL_TILING);
  });

  it.each([
    ['training step', () => compileTrainingPlan(traceModel(model, small), { optimizer: { name: 'adam', lr: 0.01 }, recompute: 'experts' }).graph],
    ['forward', () => compileGraph(traceModel(model, small)).graph],
  ])('the %s lowers every GEMM without transposed A to the subgroup kernel only when the limits say `subgroups`, and the plan listing names it', (_, graph) => {
    const g = graph();
    const gemms = (subgroups?: boolean) =>
      lowerToWebGpu(g, { ...LIMITS, ...(subgroups === undefined ? {} : { subgroups }) })
        .steps.flatMap((s) => s.dispatches)
        .filter((d) => d.kernel.tunable);
    const plain = gemms();
    const off = gemms(false);
    const on = gemms(true);
    expect(plain.length).toBeGreaterThan(2);
    expect(on.length).toBe(plain.length);
    for (const d of [...plain, ...off]) {
      expect(d.kernel.wgsl).not.toContain('subgroup');
      expect(d.kernel.tunable!.tiling).toMatch(/^stream 8x(64|32) /);
    }
    const subgroup = on.filter((d) => !d.kernel.tunable!.options.transA);
    expect(subgroup.length).toBeGreaterThan(2);
    on.forEach((d, i) => {
      const key = d.kernel.tunable!.key;
      expect(key).toBe(plain[i]!.kernel.tunable!.key);
      if (d.kernel.tunable!.options.transA) {
        expect(d.kernel.wgsl, key).toBe(plain[i]!.kernel.wgsl);
      } else {
        expect(d.kernel.wgsl.startsWith('enable subgroups;'), key).toBe(true);
        expect(d.kernel.tunable!.tiling).toBe('subgroup 8x32 k4');
      }
    });
    const listing = printPlan(lowerToWebGpu(g, { ...LIMITS, subgroups: true }));
    expect(listing.match(/\[subgroup 8x32 k4\]/g)?.length).toBe(subgroup.length);
    expect(printPlan(lowerToWebGpu(g, LIMITS))).not.toContain('[subgroup');
    expect(printPlan(lowerToWebGpu(g, LIMITS))).toMatch(/matmul\w* \[stream 8x64 \(8 invocations\)\] grid/);
  });
});
