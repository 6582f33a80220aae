/**
 * The row-uniform grouped expert GEMM (compiler/wgsl/expert-rows.ts) vs a CPU reference written
 * from the layer's equation, out[s] = act(a[src(s)]·w[e] + bias[e]) (f64 sums): routings from the
 * reference dispatch with random distinct experts per row, experts that receive zero rows, one
 * expert that gets more than one 32-row tile-map entry, widths that are multiples of 4 but not of
 * the 256-column block or the row chunk, gather + relu and plain, one and three weight banks, and
 * chunks smaller than the map's entries (tm = 8 on a 32-row map). Also: the kernel refuses shapes
 * it does not handle, and a lowered one-layer MoE with ~48 rows per expert (32-row map) runs it
 * for both GEMMs and matches the interpreter (random non-zero gates, non-trivial routing).
 */
import { expect, it } from 'vitest';
import { dispatch } from '../../ir/reference/dispatch.ts';
import { maxTiles } from '../../compiler/wgsl/dispatch.ts';
import { EXPERT_TILE_ROWS } from '../../compiler/wgsl/expert-ffn.ts';
import { rowsGemmApplies, rowsGemmKernel, type RowsTiling } from '../../compiler/wgsl/expert-rows.ts';
import { readF32 } from '../../runtime/gpu/buffers.ts';
import { cache, describeGpu, dev, expectClose, gpu, out, randArray, rng, run, up } from './gpu.ts';
import { deviceLoweringLimits } from '../../runtime/lowering-limits.ts';
import { compileGraph } from '../../compiler/pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { defineModel, traceModel } from '../../frontend/model.ts';
import { moe } from '../../frontend/layers.ts';
import { GraphBuilder } from '../../ir/graph.ts';
import { initParams, interpret } from '../../ir/interpret.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareWebGpuPlan } from '../../runtime/webgpu-executor.ts';
import { expectNontrivialRouting, randomizeGates } from '../routing.ts';
import { tileMapOf } from './dispatch-steps.ts';

interface Case {
  readonly N: number;
  readonly k: number;
  readonly n: number;
  readonly K: number;
  readonly cols: number;
  readonly used: readonly number[];
  readonly gather: boolean;
  readonly relu: boolean;
  readonly banks?: readonly number[];
  readonly tiling?: RowsTiling;
  /** Extra rows routed (as one of each row's k) to this expert, so it spans several map entries. */
  readonly heavy?: number;
  /** The subgroup form (8-row chunks, A broadcast across the subgroup). */
  readonly subgroup?: boolean;
}


async function check(c: Case): Promise<Float32Array> {
  const r = rng(c.N * 17 + c.K * 3 + c.cols);
  const { N, k, n, K, cols } = c;
  const S = N * k;
  const indices = new Int32Array(S);
  for (let row = 0; row < N; row++) {
    const pool = [...c.used];
    for (let j = 0; j < k; j++) indices[row * k + j] = pool.splice(Math.floor(r() * pool.length), 1)[0]!;
    if (c.heavy !== undefined && !indices.subarray(row * k, row * k + k).includes(c.heavy)) indices[row * k] = c.heavy;
  }
  const d = dispatch(indices, N, k, n);
  // Routing is non-trivial: several experts get rows, some get none, segment sizes differ.
  const sizes = Array.from({ length: n }, (_, e) => d.offsets[e + 1]! - d.offsets[e]!);
  expect(sizes.filter((x) => x > 0).length).toBeGreaterThan(1);
  expect(new Set(sizes).size).toBeGreaterThan(2);
  if (c.heavy !== undefined) expect(sizes[c.heavy]!).toBeGreaterThan(EXPERT_TILE_ROWS);
  const rows = c.gather ? N : S;
  const a = randArray(r, rows * K);
  const w = randArray(r, n * K * cols, -0.5, 0.5); // [n, K, cols]
  const bias = randArray(r, n * cols, -0.1, 0.1);
  const want = new Float32Array(S * cols);
  for (let e = 0; e < n; e++) {
    for (let s = d.offsets[e]!; s < d.offsets[e + 1]!; s++) {
      const src = c.gather ? d.sourceRow[s]! : s;
      for (let col = 0; col < cols; col++) {
        let acc = 0;
        for (let kk = 0; kk < K; kk++) acc += a[src * K + kk]! * w[e * K * cols + kk * cols + col]!;
        acc += bias[e * cols + col]!;
        want[s * cols + col] = c.relu ? Math.max(acc, 0) : acc;
      }
    }
  }
  const tileRows = EXPERT_TILE_ROWS;
  const tileMap = up(tileMapOf(d.offsets, n, maxTiles({ N, k, n, tileRows }), tileRows));
  const banks = c.banks ?? [n];
  const bankBufs: Record<string, GPUBuffer> = {};
  let e0 = 0;
  banks.forEach((cnt, b) => {
    bankBufs[`w${b}`] = up(w.slice(e0 * K * cols, (e0 + cnt) * K * cols));
    e0 += cnt;
  });
  const kernel = rowsGemmKernel({ S, N, k, n, K, cols, gather: c.gather, relu: c.relu, tileRows, ...(c.banks ? { banks: c.banks } : {}), ...(c.tiling ? { rowsTiling: c.tiling } : {}), ...(c.subgroup ? { subgroup: true } : {}) });
  const got = out(S * cols);
  await run([{ kernel, buffers: { a: up(a), ...(c.gather ? { sourceRow: up(d.sourceRow) } : {}), tileMap, ...bankBufs, bias: up(bias), out: got } }]);
  const gotData = await readF32(dev(), got, S * cols);
  expectClose(gotData, want, 1e-4, `row-uniform GEMM ${JSON.stringify({ K, cols, gather: c.gather, banks, subgroup: !!c.subgroup })}`);
  return gotData;
}

describeGpu('row-uniform grouped expert GEMM', () => {
  it('gather + relu, zero-row experts, an expert over several map entries, cols not a multiple of the block', async () => {
    await check({ N: 90, k: 2, n: 9, K: 40, cols: 268, used: [0, 2, 3, 5, 8], gather: true, relu: true, heavy: 3 });
  });

  it('plain (no gather, no relu), three weight banks, two vec4 columns per invocation, 2 vec4s of K per step and the K/4-odd fallback', async () => {
    await check({ N: 75, k: 3, n: 12, K: 24, cols: 44, used: [0, 1, 4, 5, 6, 9, 11], gather: false, relu: false, banks: [4, 3, 5], tiling: { tm: 32, cv: 2, wg: 8, ks: 2 } });
    // ks = 2 does not divide K/4 = 5: one vec4 of K per step.
    await check({ N: 75, k: 3, n: 12, K: 20, cols: 44, used: [0, 1, 4, 5, 6, 9, 11], gather: false, relu: false, banks: [4, 3, 5], tiling: { tm: 32, cv: 2, wg: 8, ks: 2 } });
  });

  it('8-row chunks on a 32-row map (entries walked in several chunks), K = 4', async () => {
    await check({ N: 64, k: 2, n: 6, K: 4, cols: 12, used: [1, 2, 5], gather: true, relu: true, heavy: 2, tiling: { tm: 8, cv: 1, wg: 4 } });
  });

  // Skipped on an adapter without subgroups (the lowering never picks this form there).
  it.skipIf(!gpu?.device.features.has('subgroups'))('subgroup form (8-row chunks, A broadcast over the subgroup): matches the reference and the default form bit for bit', async () => {
    const cases: Case[] = [
      { N: 90, k: 2, n: 9, K: 40, cols: 268, used: [0, 2, 3, 5, 8], gather: true, relu: true, heavy: 3 },
      { N: 75, k: 3, n: 12, K: 24, cols: 44, used: [0, 1, 4, 5, 6, 9, 11], gather: false, relu: false, banks: [4, 3, 5] },
    ];
    for (const c of cases) {
      const sub = await check({ ...c, subgroup: true });
      const plain = await check(c);
      expect(Buffer.from(sub.buffer).equals(Buffer.from(plain.buffer))).toBe(true);
    }
    await check({ ...cases[0]!, subgroup: true, tiling: { tm: 8, cv: 1, wg: 8 } });
    expect(() => rowsGemmKernel({ S: 8, N: 4, k: 2, n: 2, K: 8, cols: 8, gather: false, relu: false, subgroup: true, rowsTiling: { tm: 32, cv: 1, wg: 8 } })).toThrow(/subgroup form.*tm = wg = 8/);
  });

  it('refuses K or cols not multiples of 4 and transposed weights, naming the fallback', () => {
    expect(rowsGemmApplies({ K: 37, cols: 8 })).toBe(false);
    expect(rowsGemmApplies({ K: 8, cols: 8, transposeW: true })).toBe(false);
    expect(() => rowsGemmKernel({ S: 8, N: 4, k: 2, n: 2, K: 6, cols: 8, gather: false, relu: false })).toThrow(/K, cols multiples of 4.*groupedGemmKernel/);
  });

  it('the lowered one-layer MoE (≥ 24 rows per expert: 32-row map) uses it for both GEMMs and matches the interpreter', async () => {
    // N 120 rows, k 2, 5 experts: ~48 rows per expert; D 40 (2 vec4s of K per step), H 44 (one), widths not multiples of the block.
    const model = defineModel({
      name: 'rows-moe',
      defaults: {},
      build(ctx) {
        const x = ctx.input('x', 'f32', [1, 120, 40]);
        const y = moe(x, { experts: 5, k: 2, hidden: 44, noisy: true, name: 'moe' });
        return ctx.op1('sum', {}, [y]);
      },
    });
    const compiled = compileGraph(traceModel(model)).graph;
    const b = GraphBuilder.from(compiled);
    b.setOutput('moe.indices', compiled.nodes.find((n) => n.op === 'gating')!.outputs[0]!);
    b.setOutput('moe.y', compiled.nodes.find((n) => n.op === 'moeCombine')!.outputs[0]!);
    const graph = b.finish();
    const params = initParams(graph, 3);
    randomizeGates(params, 3);
    // Zero-mean rows (x·wg then differs in sign per row, so rows pick different experts).
    const data = { x: { ...syntheticFeeds(graph, 3).x!, data: randArray(rng(9), 120 * 40) } };
    const plan = lowerToWebGpu(graph, dev().device.limits);
    const names = plan.steps.flatMap((st) => st.dispatches.map((d) => d.kernel.name));
    expect(names).toContain('expert_gemm_rows_gather_relu');
    expect(names).toContain('expert_gemm_rows');
    const exe = await prepareWebGpuPlan(dev(), plan, cache!);
    exe.setParams(params);
    const ctx = { seed: 4, step: 1, training: false };
    const got = await exe.run(data, ctx);
    const want = interpret(graph, { ...params, ...data }, ctx);
    expectNontrivialRouting(want['moe.indices']!.data, 2, 4, 5);
    expect(Array.from(got['moe.indices']!.data)).toEqual(Array.from(want['moe.indices']!.data));
    expectClose(got['moe.y']!.data as Float32Array, want['moe.y']!.data as Float32Array, 2e-4, 'MoE layer output');
    const loss = Number(want.loss!.data[0]);
    expect(Math.abs(Number(got.loss!.data[0]) - loss) / Math.max(1e-3, Math.abs(loss))).toBeLessThan(1e-4);
    exe.destroy();
    // Lowered for an adapter with subgroups, both GEMMs take the subgroup form: the same bits.
    if (dev().device.features.has('subgroups')) {
      const sgPlan = lowerToWebGpu(graph, deviceLoweringLimits(dev()));
      const sgNames = sgPlan.steps.flatMap((st) => st.dispatches.map((d) => d.kernel.name));
      expect(sgNames).toContain('expert_gemm_rows_subgroup_gather_relu');
      expect(sgNames).toContain('expert_gemm_rows_subgroup');
      const sgExe = await prepareWebGpuPlan(dev(), sgPlan, cache!);
      sgExe.setParams(params);
      const sgGot = await sgExe.run(data, ctx);
      sgExe.destroy();
      expect(Buffer.from((sgGot['moe.y']!.data as Float32Array).buffer).equals(Buffer.from((got['moe.y']!.data as Float32Array).buffer))).toBe(true);
    }
  });
});
