/**
 * The GEMM generator's contract without a GPU (compiler/wgsl/gemm/): inconsistent problems and
 * schedules are refused with messages naming what is wrong; the bindings a problem declares are
 * the names and order the lowering binds (dense: a, b, [bias], c; tile map: a, [sourceRow],
 * tileMap, w0.., [bias], out), with element types following the schedule's vector choices; the
 * subgroup form enables the WGSL extension before every declaration. The numbers each schedule
 * computes are checked on the GPU against the CPU reference (test/backend/matmul-*.test.ts,
 * expert-rows.test.ts, …).
 */
import { describe, expect, it } from 'vitest';
import { gemmKernel } from '../../compiler/wgsl/gemm/gemm.ts';
import { gemmProblemError, type GemmProblem } from '../../compiler/wgsl/gemm/problem.ts';
import type { StreamSchedule } from '../../compiler/wgsl/gemm/stream.ts';

const dense: GemmProblem = {
  name: 'test_dense',
  batch: { kind: 'dense' },
  a: { layout: 'mk', gather: false, offset: false },
  b: { layout: 'kn' },
  bias: 'n',
  relu: true,
  accumulate: false,
  cOffset: false,
};
const grouped: GemmProblem = {
  name: 'test_grouped',
  batch: { kind: 'tileMap', maxTiles: 10, banks: [3, 5] },
  a: { layout: 'mk', gather: true, offset: false },
  b: { layout: 'kn' },
  bias: 'en',
  relu: false,
  accumulate: false,
  cOffset: false,
};
const stream: StreamSchedule = { kind: 'stream', rows: 8, quads: 1, wg: 8, subgroup: false, unroll: 1, rowLoop: 'named', kSteps: 1 };
const types = (k: ReturnType<typeof gemmKernel>): string[] => k.bindings.map((b) => `${b.name}:${b.type ?? b.access}`);

describe('GEMM generator', () => {
  it('refuses inconsistent problems, naming the problem and the rule', () => {
    expect(gemmProblemError(dense)).toBeUndefined();
    expect(gemmProblemError(grouped)).toBeUndefined();
    expect(gemmProblemError({ ...dense, a: { ...dense.a, gather: true } })).toMatch(/test_dense: a dense batch does not gather/);
    expect(gemmProblemError({ ...grouped, accumulate: true })).toMatch(/test_grouped: accumulate and offsets are dense-only/);
    expect(gemmProblemError({ ...grouped, batch: { kind: 'tileMap', maxTiles: 1, banks: [1, 1, 1, 1, 1] } })).toMatch(/1\.\.4 weight banks, got 5/);
    expect(gemmProblemError({ ...dense, b: { layout: 'nk' } })).toMatch(/transposed B is a tile-map/);
    expect(() => gemmKernel({ ...dense, a: { ...dense.a, gather: true } }, stream, { M: 4, N: 4, K: 4 })).toThrow(/GEMM generator: test_dense/);
  });

  it('refuses stream schedules that cannot run the problem, with the sizes', () => {
    expect(() => gemmKernel(dense, { ...stream, subgroup: true, wg: 16 }, { M: 8, N: 8, K: 8 })).toThrow(/subgroup form needs 8 invocations/);
    expect(() => gemmKernel(grouped, stream, { M: 8, N: 8, K: 6, colBlocks: 1 })).toThrow(/K, N multiples of 4 \(K=6, N=8\)/);
    expect(() => gemmKernel(dense, { ...stream, rowLoop: 'dynamic' }, { M: 8, N: 8, K: 8 })).toThrow(/dynamic rows are a tile-map form/);
    expect(() => gemmKernel(dense, { ...stream, rows: 16, quads: 8 }, { M: 8, N: 8, K: 8 })).toThrow(/at most 64 vec4 accumulators/);
  });

  it('declares the bindings the lowering binds, typed by the schedule’s vectors', () => {
    // N % 4 = 2: B read as clamped scalars; C always scalar for a dense batch.
    expect(types(gemmKernel(dense, stream, { M: 9, N: 10, K: 7 }))).toEqual(['a:f32', 'b:f32', 'bias:f32', 'c:f32', 'params:uniform']);
    expect(types(gemmKernel(dense, stream, { M: 9, N: 12, K: 7 }))).toEqual(['a:f32', 'b:vec4<f32>', 'bias:f32', 'c:f32', 'params:uniform']);
    const rows: StreamSchedule = { ...stream, rows: 32, quads: 2, rowLoop: 'dynamic', kSteps: 2 };
    expect(types(gemmKernel(grouped, rows, { M: 64, N: 16, K: 8, colBlocks: 1 }))).toEqual([
      'a:vec4<f32>', 'sourceRow:i32', 'tileMap:vec4<i32>', 'w0:vec4<f32>', 'w1:vec4<f32>', 'bias:vec4<f32>', 'out:vec4<f32>', 'params:uniform',
    ]);
  });

  it('puts the subgroups extension before every declaration and keys the pipeline by it', () => {
    const k = gemmKernel(dense, { ...stream, subgroup: true, unroll: 4 }, { M: 16, N: 32, K: 64 });
    expect(k.wgsl.startsWith('enable subgroups;\n')).toBe(true);
    expect(k.wgsl).toContain('subgroupBroadcast(');
    expect(k.cacheKey).toMatch(/:subgroups$/);
    // The same problem without subgroups is a different module.
    expect(gemmKernel(dense, stream, { M: 16, N: 32, K: 64 }).wgsl).not.toContain('subgroup');
  });
});
