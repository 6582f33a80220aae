/**
 * Kernel tuning as data: the tuning file's validation (each malformed field named), the shape
 * keys a plan's GEMMs are stored under, the candidate list's validity under WebGPU's default
 * limits, and the lowering picking a tuned tiling only for the shapes the table names.
 */
import { describe, expect, it } from 'vitest';
import { KERNEL_TUNING_VERSION, parseKernelTuning, tunedMatmulTiling, type KernelTuning } from '../../compiler/kernel-tuning.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import { DEFAULT_MATMUL_TILING, MATMUL_TILING_CANDIDATES, matmulShapeKey, matmulTilingError, matmulTilingFor } from '../../compiler/wgsl/matmul.ts';
import { traceModel } from '../../frontend/model.ts';
import model from '../../examples/lstm-moe-lm.ts';

const good = {
  version: KERNEL_TUNING_VERSION,
  adapter: 'test adapter',
  date: '2026-11-30T00:00:00.000Z',
  loadavg: [0.5, 0.7],
  matmul: { '64x128x32': { tiling: { tm: 64, tn: 256, tk: 8, rm: 8, rn: 32, vec4: true }, ms: 1, defaultMs: 2 } },
};

describe('kernel tuning file', () => {
  it('parses a valid file', () => {
    const t = parseKernelTuning(good, 'x.json');
    expect(t.matmul['64x128x32']!.tiling.tn).toBe(256);
  });
  it('keeps a stream tiling a stream tiling', () => {
    const stream = { tm: 8, tn: 256, tk: 1, rm: 8, rn: 8, vec4: true, stream: true };
    const t = parseKernelTuning({ ...good, matmul: { '64x128x32': { tiling: stream, ms: 1, defaultMs: 2 } } }, 'x.json');
    expect(t.matmul['64x128x32']!.tiling).toEqual(stream);
    expect(parseKernelTuning(good, 'x.json').matmul['64x128x32']!.tiling).not.toHaveProperty('stream');
  });
  it.each([
    [{ ...good, version: KERNEL_TUNING_VERSION + 1 }, new RegExp(`version ${KERNEL_TUNING_VERSION + 1} is not ${KERNEL_TUNING_VERSION}`)],
    [{ ...good, adapter: 3 }, /`adapter` must be a string/],
    [{ ...good, loadavg: [1] }, /`loadavg` must be \[start, end\]/],
    [{ ...good, matmul: { 'big': good.matmul['64x128x32'] } }, /matmul key 'big' is not M×N×K/],
    [{ ...good, matmul: { '1x2x3': { tiling: { tm: 64, tn: 100, tk: 16, rm: 8, rn: 16, vec4: true }, ms: 1, defaultMs: 1 } } }, /matmul\['1x2x3'\]\.tiling: tm must be a multiple of rm and tn of rn/],
    [{ ...good, matmul: { '1x2x3': { tiling: { tm: 128, tn: 256, tk: 8, rm: 4, rn: 16, vec4: true }, ms: 1, defaultMs: 1 } } }, /invocations per workgroup exceed the limit 256/],
    [{ ...good, matmul: { '1x2x3': { ms: 1 } } }, /needs tiling, ms and defaultMs/],
    ['[]', /not a JSON object/],
  ])('refuses %j', (json, message) => {
    expect(() => parseKernelTuning(json, 'x.json')).toThrow(message);
    expect(() => parseKernelTuning(json, 'x.json')).toThrow(/tuning file x\.json: .*re-create it with `moec tune`/);
  });
});

describe('matmul tilings', () => {
  it('every candidate fits 256 invocations and 32 KiB of workgroup memory, and the default is first and fits 16 KiB', () => {
    expect(MATMUL_TILING_CANDIDATES[0]).toEqual(DEFAULT_MATMUL_TILING);
    expect(matmulTilingError(DEFAULT_MATMUL_TILING, 16384)).toBeUndefined();
    for (const t of MATMUL_TILING_CANDIDATES) expect(matmulTilingError(t, 32768), JSON.stringify(t)).toBeUndefined();
    expect(matmulTilingError({ tm: 64, tn: 256, tk: 16, rm: 8, rn: 32, vec4: true }, 16384)).toMatch(/20480 bytes of workgroup memory exceed the limit 16384/);
  });
  it('keys a GEMM by its size and variant', () => {
    expect(matmulShapeKey({ M: 8, N: 16, K: 32 })).toBe('8x16x32');
    expect(matmulShapeKey({ M: 8, N: 16, K: 32, transA: true, accumulate: true })).toBe('8x16x32:tA+acc');
  });
  it('the lowering uses the tuned tiling for the named shapes and the default for the others', () => {
    const { plan } = compileTrainingPlan(traceModel(model, { experts: 4, k: 2, width: 16, expertHidden: 16, vocab: 50, T: 4, B: 4 }), { optimizer: { name: 'adam', lr: 0.01 }, recompute: 'experts' });
    const gemms = plan.steps.flatMap((s) => s.dispatches).filter((d) => d.kernel.tunable);
    expect(gemms.length).toBeGreaterThan(2);
    const target = gemms[0]!.kernel.tunable!;
    const chosen = { tm: 32, tn: 64, tk: 16, rm: 4, rn: 8, vec4: true };
    const tuning: KernelTuning = { ...parseKernelTuning(good, 't'), matmul: { [target.key]: { tiling: chosen, ms: 1, defaultMs: 2 } } };
    expect(tunedMatmulTiling(tuning, target.options)).toEqual(chosen);
    const { graph } = compileTrainingPlan(traceModel(model, { experts: 4, k: 2, width: 16, expertHidden: 16, vocab: 50, T: 4, B: 4 }), { optimizer: { name: 'adam', lr: 0.01 }, recompute: 'experts' });
    const tunedPlan = lowerToWebGpu(graph, { maxStorageBufferBindingSize: 1 << 27, tuning });
    const tunedGemms = tunedPlan.steps.flatMap((s) => s.dispatches).filter((d) => d.kernel.tunable);
    expect(tunedGemms.length).toBe(gemms.length);
    tunedGemms.forEach((d, i) => {
      const o = d.kernel.tunable!.options;
      const t = d.kernel.tunable!.key === target.key ? chosen : matmulTilingFor(o.M, o.N);
      expect(d.kernel.wgsl, `${d.kernel.tunable!.key} (#${i})`).toContain(`tile=${t.tm}x${t.tn}x${t.tk} reg=${t.rm}x${t.rn}`);
    });
    expect(tunedGemms.filter((d) => d.kernel.wgsl.includes('tile=32x64x16 reg=4x8')).length, 'only the tuned shape takes the tuned tile').toBe(gemms.filter((d) => d.kernel.tunable!.key === target.key).length);
  });
});
