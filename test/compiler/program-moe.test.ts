/**
 * The MoE templates on the kernel-definition API (compiler/wgsl/program.ts), without a device:
 * dispatch (radix sort, index, offsets, small sort), active-expert compaction, combine, top-k, the
 * balance statistics and the MoE / softmax gradients. Static templates give the identical module
 * and cache key for any shape (only the uniform words change, so a plan never needs a new pipeline
 * per shape or run); templates with compile-time constants (radix width, small-sort size, vec4 or
 * canonical-chunk forms, last radix pass) give distinct modules; uniform words are the shape values
 * in field order. The numbers these kernels compute are checked against the CPU reference by the
 * GPU suites (test/backend/dispatch-sort, moe, moe-stats-sparse, combine-grad, train-moe, …).
 */
import { describe, expect, it } from 'vitest';
import type { Kernel } from '../../compiler/wgsl/kernel.ts';
import { activeExpertsKernels, indirectArgsKernel } from '../../compiler/wgsl/active-experts.ts';
import { combineKernel } from '../../compiler/wgsl/combine.ts';
import { dispatchRadix, dispatchRadixCountKernel, dispatchRadixScanKernel, dispatchRadixScatterKernel } from '../../compiler/wgsl/dispatch.ts';
import { dispatchIndexKernel, dispatchOffsetsKernel } from '../../compiler/wgsl/dispatch-index.ts';
import { dispatchSortSmallKernel } from '../../compiler/wgsl/dispatch-small.ts';
import { combineGradKernel, cvSquaredGradKernel, importanceGradKernel, loadEstimateGradKernel, scatterTopkKernel } from '../../compiler/wgsl/grad-moe.ts';
import { crossEntropyGradKernel, softmaxGradKernel } from '../../compiler/wgsl/grad-softmax.ts';
import { cvSquaredVectorKernel, importanceKernel, loadEstimateKernel } from '../../compiler/wgsl/moe-stats.ts';
import { importanceSparseKernels, loadEstimateSerialKernel } from '../../compiler/wgsl/moe-stats-sparse.ts';
import { topkKernel } from '../../compiler/wgsl/topk.ts';

const same = (a: Kernel, b: Kernel): void => {
  expect(a.name).toBe(b.name);
  expect(a.wgsl).toBe(b.wgsl);
  expect(a.cacheKey).toBe(b.cacheKey);
  expect(Array.from(a.uniformData!)).not.toEqual(Array.from(b.uniformData!));
};

const distinct = (a: Kernel, b: Kernel): void => {
  expect(a.wgsl).not.toBe(b.wgsl);
  expect(a.cacheKey).not.toBe(b.cacheKey);
};

/** The first `n` uniform words as numbers (u32 fields). */
const words = (k: Kernel, n: number): number[] => Array.from(k.uniformData!.slice(0, n));

describe('MoE templates on the kernel API', () => {
  it('static templates: two shapes give the identical module and key, different uniforms', () => {
    same(combineKernel({ N: 4, k: 2, Dout: 3 }), combineKernel({ N: 70, k: 1, Dout: 33 }));
    same(topkKernel({ N: 4, n: 5, k: 2 }), topkKernel({ N: 70, n: 9, k: 9 }));
    same(indirectArgsKernel({ word: 0, multiplier: 1 }), indirectArgsKernel({ word: 2, multiplier: 3, extra: 1 }));
    activeExpertsKernels({ n: 7 }).forEach((k, i) => same(k, activeExpertsKernels({ n: 9000 })[i]!));
    const s1 = { N: 300, k: 4, n: 20, tileRows: 16 };
    const s2 = { N: 700, k: 2, n: 30, tileRows: 8 };
    expect(dispatchRadix(s1.n).radix).toBe(dispatchRadix(s2.n).radix);
    same(dispatchRadixCountKernel(s1, 0), dispatchRadixCountKernel(s2, 0));
    same(dispatchRadixScanKernel(s1), dispatchRadixScanKernel(s2));
    same(dispatchRadixScatterKernel(s1, 0), dispatchRadixScatterKernel(s2, 0));
    same(dispatchIndexKernel(s1), dispatchIndexKernel(s2));
    same(dispatchOffsetsKernel(s1), dispatchOffsetsKernel(s2));
    same(scatterTopkKernel({ N: 4, k: 2, n: 5 }), scatterTopkKernel({ N: 9, k: 3, n: 50 }));
    same(importanceGradKernel({ N: 4, k: 2 }), importanceGradKernel({ N: 9, k: 3 }));
    same(cvSquaredGradKernel({ n: 5 }), cvSquaredGradKernel({ n: 4095 }));
    same(cvSquaredGradKernel({ n: 4096 }), cvSquaredGradKernel({ n: 65536 }));
    same(loadEstimateGradKernel({ N: 4, k: 2, n: 5 }), loadEstimateGradKernel({ N: 9, k: 3, n: 50 }));
    same(combineGradKernel({ N: 4, k: 2, Dout: 3 }), combineGradKernel({ N: 9, k: 1, Dout: 64 }));
    same(combineGradKernel({ N: 4, k: 2, Dout: 65 }), combineGradKernel({ N: 9, k: 1, Dout: 300 }));
    same(softmaxGradKernel({ rows: 3, cols: 4 }), softmaxGradKernel({ rows: 30, cols: 7 }));
    same(crossEntropyGradKernel({ N: 3, V: 4 }), crossEntropyGradKernel({ N: 30, V: 7 }));
    same(loadEstimateKernel({ N: 8, n: 4, k: 2 }), loadEstimateKernel({ N: 64, n: 9, k: 1 }));
    const c1 = { N: 64, n: 4, k: 2, chunks: { P: 8, w: 2, Cl: 4, T: 8 } };
    const c2 = { N: 96, n: 9, k: 1, chunks: { P: 12, w: 3, Cl: 4, T: 8 } };
    same(loadEstimateKernel(c1), loadEstimateKernel(c2));
    same(loadEstimateSerialKernel({ N: 8, n: 64, k: 2 }), loadEstimateSerialKernel({ N: 64, n: 90, k: 1 }));
    same(loadEstimateSerialKernel(c1), loadEstimateSerialKernel(c2));
    importanceKernel({ N: 8, n: 4, k: 2 }).forEach((k, i) => same(k, importanceKernel({ N: 640, n: 9000, k: 1 })[i]!));
    importanceSparseKernels({ N: 8, n: 64, k: 2 }).forEach((k, i) => same(k, importanceSparseKernels({ N: 16, n: 9000, k: 1 })[i]!));
    same(cvSquaredVectorKernel({ n: 5 }), cvSquaredVectorKernel({ n: 4095 }));
    same(cvSquaredVectorKernel({ n: 4096 }), cvSquaredVectorKernel({ n: 65536 }));
  });

  it('compile-time variants are distinct modules under the same dispatch name', () => {
    const few = { N: 300, k: 4, n: 20, tileRows: 16 };
    const many = { N: 300, k: 4, n: 5000, tileRows: 16 };
    expect(dispatchRadix(few.n).radix).not.toBe(dispatchRadix(many.n).radix);
    distinct(dispatchRadixCountKernel(few, 0), dispatchRadixCountKernel(many, 0));
    const twoPass = { N: 300, k: 4, n: 70000, tileRows: 16 };
    expect(dispatchRadix(twoPass.n).passes).toBe(2);
    const [mid, last] = [dispatchRadixScatterKernel(twoPass, 0), dispatchRadixScatterKernel(twoPass, 1)];
    distinct(mid, last);
    expect(mid.bindings.map((b) => b.name)).toEqual(['keysIn', 'valsIn', 'digitCounts', 'keysOut', 'valsOut', 'params']);
    expect(last.bindings.map((b) => b.name)).toEqual(['keysIn', 'valsIn', 'digitCounts', 'keysOut', 'sourceRow', 'position', 'params']);
    distinct(dispatchSortSmallKernel({ N: 10, k: 2, n: 4, tileRows: 4 }), dispatchSortSmallKernel({ N: 100, k: 2, n: 4, tileRows: 4 }));
    distinct(cvSquaredGradKernel({ n: 4092 }), cvSquaredGradKernel({ n: 4096 }));
    distinct(cvSquaredVectorKernel({ n: 4092 }), cvSquaredVectorKernel({ n: 4096 }));
    distinct(combineGradKernel({ N: 4, k: 2, Dout: 64 }), combineGradKernel({ N: 4, k: 2, Dout: 65 }));
    const chunks = { P: 8, w: 2, Cl: 4, T: 8 };
    distinct(loadEstimateKernel({ N: 64, n: 4, k: 2 }), loadEstimateKernel({ N: 64, n: 4, k: 2, chunks }));
    distinct(loadEstimateSerialKernel({ N: 64, n: 64, k: 2 }), loadEstimateSerialKernel({ N: 64, n: 64, k: 2, chunks }));
    for (const k of [loadEstimateKernel({ N: 64, n: 4, k: 2, chunks }), loadEstimateSerialKernel({ N: 64, n: 64, k: 2 })]) {
      expect(k.bindings.map((b) => `${b.name}:${b.access}`)).toEqual(['clean:read', 'sigma:read', 'topValues:read', 'indices:read', 'load:read_write', 'params:uniform']);
    }
  });

  it('uniform words are the shape values in field order', () => {
    expect(words(combineKernel({ N: 70, k: 3, Dout: 33 }), 3)).toEqual([70, 3, 33]);
    expect(words(topkKernel({ N: 70, n: 9, k: 4 }), 3)).toEqual([70, 9, 4]);
    // Dispatch: total = N·k, k, n, tileRows, maxTiles = min(N·k, floor(N·k / T) + min(n, N·k)).
    expect(words(dispatchIndexKernel({ N: 300, k: 4, n: 20, tileRows: 16 }), 5)).toEqual([1200, 4, 20, 16, 95]);
    // Radix pass 1 of 2 at 70000 experts: 17 bits in two 9-bit digits, 5 blocks of 256 pairs.
    expect(words(dispatchRadixScatterKernel({ N: 300, k: 4, n: 70000, tileRows: 16 }, 1), 7)).toEqual([1200, 4, 70000, 5, 9, 511, 0]);
    // Load estimate with canonical chunks: N, n, k, kt = min(k + 1, n), P, w, Cl, steps = T·w.
    expect(words(loadEstimateKernel({ N: 64, n: 4, k: 2, chunks: { P: 8, w: 2, Cl: 4, T: 8 } }), 8)).toEqual([64, 4, 2, 3, 8, 2, 4, 16]);
    const invN = new Float32Array(crossEntropyGradKernel({ N: 8, V: 5 }).uniformData!.buffer)[2];
    expect(invN).toBe(0.125);
  });

  it('refuses bad shapes with the old messages', () => {
    expect(() => loadEstimateKernel({ N: 64, n: 4, k: 2, chunks: { P: 8, w: 2, Cl: 4, T: 4 } })).toThrow(/load estimate: chunk geometry P=8, w=2, Cl=4, T=4 does not cover 64 rows/);
    expect(() => loadEstimateSerialKernel({ N: 300, n: 64, k: 2 })).toThrow(/load estimate \(serial\): 300 rows exceed 256/);
    expect(() => loadEstimateSerialKernel({ N: 64, n: 64, k: 2, chunks: { P: 8, w: 2, Cl: 4, T: 4 } })).toThrow(/does not cover 64 rows/);
    expect(() => dispatchSortSmallKernel({ N: 600, k: 2, n: 4, tileRows: 4 })).toThrow(/1200 routing pairs exceed 1024/);
    expect(() => topkKernel({ N: 4, n: 3, k: 4 })).toThrow(/top-k needs an integer k in \[1, 3\], got 4/);
  });
});
