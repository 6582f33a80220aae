/**
 * The GEMM generator's tiled schedule without a GPU (compiler/wgsl/gemm/tiled.ts): a schedule that
 * cannot run a problem is refused with an error naming the problem, the value and the limit; the
 * vector options become vec4 bindings only where the layout and the shape allow (the bytes are the
 * same, but a vec4 load of a row whose length is not a multiple of 4 would read the wrong
 * elements); and the grid covers every tile of the product. The numbers are checked on the GPU
 * against the reference by the matmul, grouped expert GEMM and training tests.
 */
import { describe, expect, it } from 'vitest';
import { gemmKernel } from '../../compiler/wgsl/gemm/gemm.ts';
import { tiledGemm, tiledScheduleError, type TiledSchedule } from '../../compiler/wgsl/gemm/tiled.ts';
import { denseGemmProblem } from '../../compiler/wgsl/matmul.ts';
import { DEFAULT_EXPERT_TILING, groupedGemmKernel, groupedGemmProblem } from '../../compiler/wgsl/expert-ffn.ts';
import { segmentGemmTnKernel } from '../../compiler/wgsl/segment.ts';
import { maxTiles } from '../../compiler/wgsl/dispatch-shape.ts';

const base: TiledSchedule = { kind: 'tiled', tm: 64, tn: 128, tk: 16, rm: 8, rn: 16, vec4: true, avec4: true, aload4: false, bload4: false };
const dense = denseGemmProblem({ M: 100, N: 200, K: 50 });
const sizes = { M: 100, N: 200, K: 50 };

describe('tiled GEMM schedule', () => {
  it('refuses schedules it cannot run, naming the value and the limit', () => {
    expect(tiledScheduleError(dense, base, sizes)).toBeUndefined();
    expect(tiledScheduleError(dense, { ...base, tm: 0 }, sizes)).toMatch(/positive integers/);
    expect(tiledScheduleError(dense, { ...base, rm: 7 }, sizes)).toMatch(/tm must be a multiple of rm/);
    expect(tiledScheduleError(dense, { ...base, rm: 1, rn: 4 }, sizes)).toMatch(/2048 invocations per workgroup exceed 256/);
    expect(tiledScheduleError(dense, { ...base, tk: 64 }, sizes)).toMatch(/49152 bytes of workgroup memory exceed 32768/);
    expect(tiledScheduleError(dense, { ...base, tm: 8, rm: 1, tn: 128, rn: 4, tk: 1, vec4: false, avec4: false }, sizes)).toMatch(/the 256 invocations do not divide the A tile's 8×1 loads/);
    expect(tiledScheduleError(dense, { ...base, tm: 16, rm: 4, tn: 12, rn: 1, tk: 3, vec4: false, avec4: false }, sizes)).toMatch(/the 48 invocations do not divide the B tile's 3×12 loads/);
    expect(tiledScheduleError(dense, { ...base, rn: 6, tn: 96, vec4: true }, sizes)).toMatch(/vec4 B staging needs rn and tn multiples of 4/);
    expect(() => tiledGemm(dense, { ...base, tk: 64 }, sizes)).toThrow(/^matmul \(tiled GEMM\): 49152 bytes/);
  });

  it('a tile-map use must pass the column blocks of its tile', () => {
    const o = { S: 64, N: 64, k: 1, n: 4, K: 32, cols: 300, gather: false, relu: false };
    const p = groupedGemmProblem(o);
    const s: TiledSchedule = { ...base, tm: 32, rm: 8, tk: 32, aload4: true, bload4: true };
    expect(tiledScheduleError(p, s, { M: 64, N: 300, K: 32, colBlocks: 3 })).toBeUndefined();
    expect(tiledScheduleError(p, s, { M: 64, N: 300, K: 32, colBlocks: 2 })).toMatch(/colBlocks 2 is not the 3 column blocks of 128 in N=300/);
    expect(() => groupedGemmKernel({ ...o, tiling: { ...DEFAULT_EXPERT_TILING, rm: 7 } })).toThrow(/expert FFN: bad tiling .*tm must be a multiple of rm/);
  });

  it('reads A and B as vec4s only where the layout and shape allow', () => {
    const types = (k: { bindings: readonly { name: string; type?: string }[] }): Record<string, string | undefined> => Object.fromEntries(k.bindings.map((b) => [b.name, b.type]));
    const o = { S: 64, N: 64, k: 1, n: 4, gather: true, relu: true };
    expect(types(groupedGemmKernel({ ...o, K: 32, cols: 64 }))).toMatchObject({ a: 'vec4<f32>', w0: 'vec4<f32>', bias: 'f32', out: 'f32' });
    expect(types(groupedGemmKernel({ ...o, K: 30, cols: 64 }))).toMatchObject({ a: 'f32', w0: 'vec4<f32>' });
    expect(types(groupedGemmKernel({ ...o, K: 32, cols: 66 }))).toMatchObject({ a: 'vec4<f32>', w0: 'f32' });
    // Transposed weights: 4 consecutive k of a stored row per load, so K decides.
    expect(types(groupedGemmKernel({ ...o, K: 32, cols: 66, transposeW: true }))).toMatchObject({ w0: 'vec4<f32>' });
    expect(types(groupedGemmKernel({ ...o, K: 30, cols: 64, transposeW: true }))).toMatchObject({ w0: 'f32' });
    // The dense matmul keeps scalar storage reads (any M, N, K; offsets).
    expect(types(gemmKernel(dense, base, sizes))).toMatchObject({ a: 'f32', b: 'f32', c: 'f32' });
  });

  it('grids cover every tile: dense blocks, tile-map entries × column blocks (folded), segments × blocks', () => {
    expect(gemmKernel(dense, base, sizes).dispatch).toEqual([2, 2, 1]);
    const g = groupedGemmKernel({ S: 64, N: 64, k: 1, n: 4, K: 32, cols: 300, gather: false, relu: false, tileRows: 32 });
    expect(g.dispatch).toEqual([3 * maxTiles({ N: 64, k: 1, n: 4, tileRows: 32 }), 1, 1]);
    const seg = segmentGemmTnKernel({ Ka: 100, Nb: 130, segments: 5, gather: false });
    expect(seg.dispatch).toEqual([3, 2, 5]);
    expect(seg.bindings.map((b) => b.name)).toEqual(['a', 'sourceRow', 'b', 'offsets', 'out', 'params']);
    const active = segmentGemmTnKernel({ Ka: 100, Nb: 130, segments: 5, gather: true, active: true });
    expect(active.dispatch).toEqual([30, 1, 1]);
    expect(active.name).toBe('segment_gemm_tn_gather_active');
    expect(active.bindings.map((b) => b.name)).toEqual(['a', 'sourceRow', 'b', 'offsets', 'activeList', 'out', 'params']);
    // The gathering and plain uses share one pipeline (the flag is a uniform).
    expect(segmentGemmTnKernel({ Ka: 100, Nb: 130, segments: 5, gather: false, active: true }).cacheKey).toBe(active.cacheKey);
  });
});
