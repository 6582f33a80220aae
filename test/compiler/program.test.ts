/**
 * The kernel-definition API (compiler/wgsl/program.ts), without a device: the generated binding
 * and uniform declarations, cache keys (equal modules ⇔ equal keys), uniform packing (u32, i32,
 * f32 bit patterns; clear errors for missing, non-finite and non-integer values), the refused
 * `params` binding name and kernel-time relabelling (`as.name`, `as.bind`). Also checks that the
 * ported static templates build no WGSL per call: two calls with different shapes return the very
 * same module string and cache key, and only the uniform words differ.
 */
import { describe, expect, it } from 'vitest';
import { defineProgram } from '../../compiler/wgsl/program.ts';
import { sumKernels } from '../../compiler/wgsl/reduce.ts';
import { ceRowsKernel } from '../../compiler/wgsl/cross-entropy.ts';
import { embeddingKernel } from '../../compiler/wgsl/embedding.ts';
import { embeddingGradKernel } from '../../compiler/wgsl/embedding-grad.ts';
import { gradEwKernel } from '../../compiler/wgsl/grad-elementwise.ts';
import { padKernel, transposeKernel } from '../../compiler/wgsl/grad-shape.ts';
import { lstmStepKernel } from '../../compiler/wgsl/lstm.ts';
import { lstmGradStepKernel } from '../../compiler/wgsl/lstm-grad.ts';
import { lceBiasGradKernel, lceGradRowsKernel } from '../../compiler/wgsl/linear-cross-entropy.ts';
import {
  balancedGatingGradKernel,
  balancedLogitsKernel,
  balancedRouteKernel,
  balancedRouteUniformData,
  balancedSelectKernel,
  balancedSelectUniformData,
  balancedThresholdGradKernels,
  balancedThresholdLossKernels,
} from '../../compiler/wgsl/balanced.ts';
import { gradEwUniformData } from '../../compiler/wgsl/grad-elementwise.ts';
import { gatingLogitsGradKernel, gatingLogitsGradUniformData } from '../../compiler/wgsl/grad-moe.ts';
import type { Kernel } from '../../compiler/wgsl/kernel.ts';

const SRC = '@compute @workgroup_size(64)\nfn main() {}\n';

const prog = (source = SRC) =>
  defineProgram({
    name: 'demo',
    bindings: { x: { access: 'read', type: 'f32' }, ids: { access: 'read', type: 'i32' }, out: { access: 'read_write', type: 'vec4<f32>' } },
    uniforms: { n: 'u32', off: 'i32', scale: 'f32' },
    workgroupSize: 64,
    source,
  });

describe('defineProgram', () => {
  it('generates the binding and uniform declarations in declaration order', () => {
    const p = prog();
    expect(p.wgsl).toContain('@group(0) @binding(0) var<storage, read> x: array<f32>;');
    expect(p.wgsl).toContain('@group(0) @binding(1) var<storage, read> ids: array<i32>;');
    expect(p.wgsl).toContain('@group(0) @binding(2) var<storage, read_write> out: array<vec4<f32>>;');
    expect(p.wgsl).toContain('@group(0) @binding(3) var<uniform> params: Params;');
    expect(p.wgsl).toMatch(/struct Params \{\s+n: u32,\s+off: i32,\s+scale: f32,\s+_pad3: u32,\s+\};/);
    expect(p.wgsl.endsWith(SRC)).toBe(true);
    expect(p.bindings).toEqual([
      { name: 'x', access: 'read', type: 'f32' },
      { name: 'ids', access: 'read', type: 'i32' },
      { name: 'out', access: 'read_write', type: 'vec4<f32>' },
      { name: 'params', access: 'uniform' },
    ]);
    expect(p.workgroupSize).toEqual([64, 1, 1]);
  });

  it('declares no uniform without uniform fields', () => {
    const p = defineProgram({ name: 'plain', bindings: { a: { access: 'read_write', type: 'u32' } }, workgroupSize: [8, 8, 1], source: SRC });
    expect(p.wgsl).not.toContain('params');
    expect(p.bindings.map((b) => b.name)).toEqual(['a']);
    expect(p.uniformData({})).toBeUndefined();
    expect(p.kernel([1, 1, 1]).uniformData).toBeUndefined();
    expect(p.workgroupSize).toEqual([8, 8, 1]);
  });

  it('cache keys are equal for equal modules and differ when the module differs', () => {
    expect(prog().cacheKey).toBe(prog().cacheKey);
    expect(prog().cacheKey).toMatch(/^demo#[0-9a-f]{8}$/);
    expect(prog(SRC + '// changed\n').cacheKey).not.toBe(prog().cacheKey);
    const otherType = defineProgram({
      name: 'demo',
      bindings: { x: { access: 'read', type: 'u32' }, ids: { access: 'read', type: 'i32' }, out: { access: 'read_write', type: 'vec4<f32>' } },
      uniforms: { n: 'u32', off: 'i32', scale: 'f32' },
      workgroupSize: 64,
      source: SRC,
    });
    expect(otherType.cacheKey).not.toBe(prog().cacheKey);
  });

  it('packs u32, i32 and f32 uniforms as their bit patterns, padded to 16 bytes', () => {
    const words = prog().uniformData({ n: 7, off: -3, scale: 0.5 })!;
    expect(words.length).toBe(4);
    expect(words[0]).toBe(7);
    expect(words[1]).toBe(0xfffffffd); // -3 as two's complement
    expect(words[2]).toBe(0x3f000000); // 0.5f
    expect(words[3]).toBe(0);
    const k = prog().kernel([3, 1, 1], { n: 7, off: -3, scale: 0.5 });
    expect(Array.from(k.uniformData!)).toEqual(Array.from(words));
    expect(k.dispatch).toEqual([3, 1, 1]);
  });

  it('refuses missing, NaN and non-integer uniform values with the field named; ±∞ is an f32 value', () => {
    const p = prog();
    expect(() => p.uniformData({ n: 1, scale: 1 } as never)).toThrow(/demo: uniform 'off' needs a number, got undefined/);
    expect(() => p.uniformData({ n: 1, off: 0, scale: Number.NaN })).toThrow(/uniform 'scale' needs a number, got NaN/);
    // log2 β2 at β2 = 0 (factored Adam): −∞ is packed as its f32 bits; integers stay finite.
    expect(new Float32Array(p.uniformData({ n: 1, off: 0, scale: -Infinity })!.buffer)[2]).toBe(-Infinity);
    expect(() => p.uniformData({ n: Infinity, off: 0, scale: 1 })).toThrow(/uniform 'n' is u32, got Infinity/);
    expect(() => p.uniformData({ n: 1.5, off: 0, scale: 1 })).toThrow(/demo: uniform 'n' is u32, got 1.5/);
    expect(() => p.uniformData({ n: 1, off: 0.25, scale: 1 })).toThrow(/uniform 'off' is i32, got 0.25/);
    expect(() => p.kernel([1, 1, 1])).toThrow(/demo: uniform values required \(n, off, scale\)/);
  });

  it("refuses a storage binding named 'params'", () => {
    expect(() => defineProgram({ name: 'bad', bindings: { params: { access: 'read', type: 'f32' } }, workgroupSize: 1, source: SRC })).toThrow(/bad: 'params' is the uniform binding's name/);
  });

  it('relabels a kernel (name, binding names) without touching the module', () => {
    const p = prog();
    const k = p.kernel([1, 1, 1], { n: 1, off: 0, scale: 1 }, { name: 'demo.stage2', bind: { x: 'partials', out: 'result' } });
    expect(k.name).toBe('demo.stage2');
    expect(k.wgsl).toBe(p.wgsl);
    expect(k.cacheKey).toBe(p.cacheKey);
    expect(k.bindings.map((b) => b.name)).toEqual(['partials', 'ids', 'result', 'params']);
    expect(p.bindings.map((b) => b.name)).toEqual(['x', 'ids', 'out', 'params']);
    expect(() => p.kernel([1, 1, 1], { n: 1, off: 0, scale: 1 }, { bind: { nope: 'y' } })).toThrow(/demo: cannot rename 'nope': storage bindings are x, ids, out/);
    expect(() => p.kernel([1, 1, 1], { n: 1, off: 0, scale: 1 }, { bind: { params: 'y' } })).toThrow(/cannot rename 'params'/);
    expect(() => p.kernel([1, 1, 1], { n: 1, off: 0, scale: 1 }, { bind: { x: 'ids' } })).toThrow(/two bindings named 'ids'/);
  });
});

describe('ported static templates build no WGSL per call', () => {
  const same = (a: Kernel, b: Kernel): void => {
    expect(a.wgsl).toBe(b.wgsl);
    expect(a.cacheKey).toBe(b.cacheKey);
    expect(Array.from(a.uniformData!)).not.toEqual(Array.from(b.uniformData!));
  };
  it('two shapes give the identical module and key, different uniforms', () => {
    same(ceRowsKernel({ N: 3, V: 5 }), ceRowsKernel({ N: 40, V: 7, row0: 8 }));
    same(embeddingKernel({ V: 4, D: 3, M: 2 }), embeddingKernel({ V: 9, D: 16, M: 5 }));
    same(embeddingGradKernel({ V: 4, D: 3, M: 2 }), embeddingGradKernel({ V: 9, D: 16, M: 5 }));
    same(gradEwKernel({ numel: 10, mode: 'relu' }), gradEwKernel({ numel: 99, mode: 'tanh' }));
    const glg = { N: 4, k: 2, n: 8, stream: 1, rowOffset: 0, seed: 3, step: 0, train: true };
    same(gatingLogitsGradKernel(glg), gatingLogitsGradKernel({ ...glg, N: 40, n: 300, step: 7, train: false }));
    same(padKernel({ rows: 2, n: 5, start: 1, end: 3 }), padKernel({ rows: 7, n: 9, start: 0, end: 9 }));
    same(transposeKernel({ R: 3, C: 4 }), transposeKernel({ R: 30, C: 2, batch: 2 }));
    same(lstmStepKernel({ T: 3, B: 2, H: 4 }, 0), lstmStepKernel({ T: 9, B: 5, H: 40, hOffset: 200 }, 7));
    same(lstmGradStepKernel({ T: 3, B: 2, H: 4 }, 2), lstmGradStepKernel({ T: 9, B: 5, H: 40 }, 0, true));
    same(lceGradRowsKernel({ rows: 4, row0: 0, V: 6, N: 8 }), lceGradRowsKernel({ rows: 3, row0: 4, V: 9, N: 7 }));
    same(lceGradRowsKernel({ rows: 4, row0: 0, V: 6, N: 8, withLoss: true }), lceGradRowsKernel({ rows: 3, row0: 4, V: 9, N: 7, withLoss: true }));
    same(lceBiasGradKernel({ rows: 4, V: 6, first: true }), lceBiasGradKernel({ rows: 3, V: 9, first: false }));
    const b1 = { N: 8, D: 4, n: 4, m: 2 };
    const b2 = { N: 30, D: 6, n: 5, m: 12 };
    same(balancedLogitsKernel(b1), balancedLogitsKernel(b2));
    same(balancedSelectKernel({ ...b1, train: true }), balancedSelectKernel({ ...b1, train: false }));
    same(balancedRouteKernel({ ...b1, train: true }), balancedRouteKernel({ ...b2, train: true }));
    same(balancedGatingGradKernel({ N: 8, n: 4, kmax: 4 }), balancedGatingGradKernel({ N: 9, n: 5, kmax: 5 }));
    const t1 = { N: 8, n: 4, kmax: 4 };
    const t2 = { N: 9, n: 5, kmax: 3 };
    balancedThresholdLossKernels(t1).forEach((k, i) => same(k, balancedThresholdLossKernels(t2)[i]!));
    balancedThresholdGradKernels(t1).forEach((k, i) => same(k, balancedThresholdGradKernels(t2)[i]!));
  });

  it('per-run uniform rewrites pack exactly the uniform block of the kernel they replace', () => {
    for (const train of [true, false]) {
      const s = { N: 30, D: 6, n: 5, m: 12, train };
      expect(Array.from(balancedSelectUniformData(s))).toEqual(Array.from(balancedSelectKernel(s).uniformData!));
      expect(Array.from(balancedRouteUniformData(s))).toEqual(Array.from(balancedRouteKernel(s).uniformData!));
    }
    expect(balancedSelectUniformData({ N: 30, D: 6, n: 5, m: 12, train: true })[3]).toBe(1);
    expect(balancedSelectUniformData({ N: 30, D: 6, n: 5, m: 12, train: false })[3]).toBe(0);
    for (const [step, train] of [[0, true], [5, false]] as const) {
      const o = { N: 12, k: 3, n: 50, stream: 2, rowOffset: 4, seed: 9, step, train };
      expect(Array.from(gatingLogitsGradUniformData(o))).toEqual(Array.from(gatingLogitsGradKernel(o).uniformData!));
    }
    for (const mode of ['relu', 'sigmoid', 'tanh', 'noiseStdTrain', 'zero'] as const) {
      expect(Array.from(gradEwUniformData({ numel: 77, mode }))).toEqual(Array.from(gradEwKernel({ numel: 77, mode }).uniformData!));
    }
  });

  it('compile-time variants are distinct programs; per-step names do not split the pipeline', () => {
    const g = lceGradRowsKernel({ rows: 4, row0: 0, V: 6, N: 8 });
    const gl = lceGradRowsKernel({ rows: 4, row0: 0, V: 6, N: 8, withLoss: true });
    expect(gl.cacheKey).not.toBe(g.cacheKey);
    expect(gl.bindings.map((b) => b.name)).toEqual(['x', 'labels', 'dloss', 'err', 'losses', 'params']);
    expect(g.bindings.map((b) => b.name)).toEqual(['x', 'labels', 'dloss', 'err', 'params']);
    const steps = [0, 1, 2].map((t) => lstmStepKernel({ T: 3, B: 2, H: 4 }, t));
    expect(steps.map((k) => k.name)).toEqual(['lstm.step0', 'lstm.step1', 'lstm.step2']);
    expect(new Set(steps.map((k) => k.wgsl)).size).toBe(1);
  });

  it('every stage of the chunked sum shares one module; bindings keep their stage names', () => {
    const one = sumKernels(100);
    const two = sumKernels(100_000, { scale: 0.5, input: 'losses', output: 'loss' });
    expect(two.kernels.length).toBe(2);
    for (const k of [...one.kernels, ...two.kernels]) {
      expect(k.wgsl).toBe(one.kernels[0]!.wgsl);
      expect(k.cacheKey).toBe(one.kernels[0]!.cacheKey);
    }
    expect(one.kernels[0]!.bindings.map((b) => b.name)).toEqual(['x', 'out', 'params']);
    expect(two.kernels[0]!.bindings.map((b) => b.name)).toEqual(['losses', 'partials', 'params']);
    expect(two.kernels[1]!.bindings.map((b) => b.name)).toEqual(['partials', 'loss', 'params']);
    expect(two.kernels.map((k) => k.name)).toEqual(['sum.partials', 'sum.final']);
  });
});
