/**
 * The non-MoE WGSL kernels (fused elementwise, copies, embedding, LSTM step, softmax,
 * cross-entropy, sum) vs the CPU reference of ir/reference/ on ragged shapes (never multiples of
 * the workgroup or tile sizes). Copies are checked bit-exactly; float kernels to ~1e-5 relative.
 * Skips without an adapter except when CI is truthy (see gpu.ts). One matmul pipeline serves
 * every shape (checked on a fresh pipeline cache, independent of test order).
 */
import { expect, it } from 'vitest';
import * as dense from '../../ir/reference/dense.ts';
import * as shape from '../../ir/reference/shape.ts';
import * as seq from '../../ir/reference/sequence.ts';
import { elementwiseKernel, ew, exprForOp } from '../../compiler/wgsl/elementwise.ts';
import { select0Kernel, sliceLastKernel, stack0Kernels } from '../../compiler/wgsl/copy.ts';
import { decodeIndexError, embeddingKernel, ERROR_WORDS } from '../../compiler/wgsl/embedding.ts';
import { lstmKernels } from '../../compiler/wgsl/lstm.ts';
import { matmulKernel } from '../../compiler/wgsl/matmul.ts';
import { softmaxKernel } from '../../compiler/wgsl/softmax.ts';
import { crossEntropyKernels } from '../../compiler/wgsl/cross-entropy.ts';
import { sumKernels } from '../../compiler/wgsl/reduce.ts';
import { readF32, readI32, readU32 } from '../../runtime/gpu/buffers.ts';
import { runKernels, type KernelStep } from '../../runtime/gpu/run.ts';
import { createPipelineCache } from '../../runtime/gpu/pipelines.ts';
import { describeGpu, dev, expectClose, out, randArray, rng, run, up } from './gpu.ts';

const RTOL = 1e-5;

function randInts(r: () => number, n: number, lo: number, hi: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + Math.floor(r() * (hi - lo));
  return a;
}

describeGpu('dense kernels', () => {
  it('fused elementwise: relu(biasAdd(x, b)) and a multi-output expression over every op', async () => {
    const r = rng(11);
    for (const [rows, cols] of [[1, 1], [7, 13], [301, 37]] as const) {
      const n = rows * cols;
      const x = randArray(r, n, -3, 3);
      const y = randArray(r, n, -2, 2);
      const b = randArray(r, cols);
      // relu(biasAdd(x, b)) built from IR ops.
      const k1 = elementwiseKernel({ outputs: [exprForOp('relu', {}, [exprForOp('biasAdd', {}, [ew.input(0), ew.input(1)])])], numel: n, cols });
      const o1 = out(n);
      // Two outputs sharing subexpressions: s = x·y; out0 = sigmoid(s) + tanh(0.7·x), out1 = addN(softplus(s), s, scale(y, −1.3)).
      const s = ew.mul(ew.input(0), ew.input(1));
      const e0 = ew.add(ew.sigmoid(s), ew.tanh(ew.scale(ew.input(0), 0.7)));
      const e1 = ew.addN([ew.softplus(s), s, ew.scale(ew.input(1), -1.3)]);
      const k2 = elementwiseKernel({ outputs: [e0, e1], numel: n });
      const o20 = out(n);
      const o21 = out(n);
      await run([
        { kernel: k1, buffers: { in0: up(x), in1: up(b), out0: o1 } },
        { kernel: k2, buffers: { in0: up(x), in1: up(y), out0: o20, out1: o21 } },
      ]);
      expectClose(await readF32(dev(), o1, n), dense.relu(dense.biasAdd(x, b, cols)), RTOL, `relu(biasAdd) ${rows}x${cols}`);
      const sv = dense.mul(x, y);
      const want0 = dense.add(dense.sigmoid(sv), dense.tanh(dense.scale(x, 0.7)));
      const want1 = dense.addN([dense.softplus(sv), sv, dense.scale(y, -1.3)]);
      expectClose(await readF32(dev(), o20, n), want0, RTOL, `out0 ${n}`);
      expectClose(await readF32(dev(), o21, n), want1, RTOL, `out1 ${n}`);
    }
  });

  it('elementwise activations are accurate over a wide range, including tiny and huge inputs', async () => {
    const vals: number[] = [];
    for (const m of [1e-7, 1e-4, 0.01, 0.3, 0.54, 0.56, 1, 3, 9, 15, 25, 60, 100]) vals.push(m, -m);
    vals.push(0);
    const x = new Float32Array(vals);
    const n = x.length;
    // Same structure as the multi-output kernel above (different scale values) → same pipeline.
    const s = ew.mul(ew.input(0), ew.input(1));
    const k = elementwiseKernel({ outputs: [ew.add(ew.sigmoid(s), ew.tanh(ew.scale(ew.input(0), 1))), ew.addN([ew.softplus(s), s, ew.scale(ew.input(1), 0)])], numel: n });
    const ones = new Float32Array(n).fill(1);
    const o0 = out(n);
    const o1 = out(n);
    await run([{ kernel: k, buffers: { in0: up(x), in1: up(ones), out0: o0, out1: o1 } }]);
    // Check each activation separately: sigmoid + tanh is compared against the reference, and
    // softplus(x) + x elementwise against the reference; relative per element (no rms floor).
    const got0 = await readF32(dev(), o0, n);
    const got1 = await readF32(dev(), o1, n);
    const want0 = dense.add(dense.sigmoid(x), dense.tanh(x));
    const want1 = dense.add(dense.softplus(x), x);
    for (let i = 0; i < n; i++) {
      const rel = (g: number, w: number): number => Math.abs(g - w) / Math.max(Math.abs(w), 1e-30);
      expect(rel(got0[i]!, want0[i]!), `sigmoid+tanh at x=${x[i]}`).toBeLessThan(4e-6);
      // softplus(x) + x cancels for very negative x; compare against the magnitude of the terms.
      const mag = Math.abs(dense.softplus([x[i]!])[0]!) + Math.abs(x[i]!);
      expect(Math.abs(got1[i]! - want1[i]!) / Math.max(mag, 1e-30), `softplus at x=${x[i]}`).toBeLessThan(4e-6);
    }
  });

  it('cache keys depend on the expression structure only', () => {
    const mk = (v: number, n: number) => elementwiseKernel({ outputs: [ew.relu(ew.biasAdd(ew.scale(ew.input(0), v), 1))], numel: n, cols: 1 });
    const a = mk(2, 10);
    const b = mk(-5, 99);
    expect(a.cacheKey).toBe(b.cacheKey);
    expect(a.wgsl).toBe(b.wgsl);
    const c = elementwiseKernel({ outputs: [ew.sigmoid(ew.biasAdd(ew.scale(ew.input(0), 2), 1))], numel: 10, cols: 1 });
    expect(c.cacheKey).not.toBe(a.cacheKey);
  });

  it('copies (select0, stack0, sliceLast) are bit-exact for f32 and i32', async () => {
    const r = rng(12);
    for (const dtype of ['f32', 'i32'] as const) {
      const mk = (n: number): Float32Array | Int32Array => (dtype === 'f32' ? randArray(r, n, -1e3, 1e3) : randInts(r, n, -2147483648, 2147483647));
      const read = async (buf: GPUBuffer, n: number) => (dtype === 'f32' ? readF32(dev(), buf, n) : readI32(dev(), buf, n));
      // select0 of [T=5, 3, 97].
      const T = 5;
      const inner = 3 * 97;
      const x = mk(T * inner);
      const sel = out(inner);
      // stack0 of 3 inputs of 263 elements.
      const parts = [mk(263), mk(263), mk(263)];
      const st = out(3 * 263);
      // sliceLast of [41, 29] → [:, 5:22].
      const [rows, n, s0, e0] = [41, 29, 5, 22];
      const y = mk(rows * n);
      const sl = out(rows * (e0 - s0));
      const steps: KernelStep[] = [
        { kernel: select0Kernel(inner, 3), buffers: { src: up(x), dst: sel } },
        ...stack0Kernels(3, 263).map((k, j) => ({ kernel: k, buffers: { src: up(parts[j]!), dst: st } })),
        { kernel: sliceLastKernel(rows, n, s0, e0), buffers: { src: up(y), dst: sl } },
      ];
      await run(steps);
      expect(Array.from(await read(sel, inner))).toEqual(Array.from(shape.select0(x, T, inner, 3)));
      expect(Array.from(await read(st, 3 * 263))).toEqual(Array.from(shape.stack0(parts)));
      expect(Array.from(await read(sl, rows * (e0 - s0)))).toEqual(Array.from(shape.sliceLast(y, n, s0, e0)));
    }
  });

  it('embedding gathers rows and flags out-of-range ids without reading out of bounds', async () => {
    const r = rng(13);
    const [V, D, M] = [50, 37, 123];
    const table = randArray(r, V * D);
    const ids = randInts(r, M, 0, V);
    const o = out(M * D);
    const err = out(ERROR_WORDS);
    await run([{ kernel: embeddingKernel({ V, D, M }), buffers: { table: up(table), ids: up(ids), out: o, err } }]);
    expect(Array.from(await readF32(dev(), o, M * D))).toEqual(Array.from(seq.embedding(table, V, D, ids)));
    expect(decodeIndexError(await readU32(dev(), err, ERROR_WORDS))).toBeNull();

    const bad = ids.slice();
    bad[7] = V;
    bad[9] = -1;
    bad[100] = 1 << 30;
    const o2 = out(M * D);
    const err2 = out(ERROR_WORDS);
    await run([{ kernel: embeddingKernel({ V, D, M }), buffers: { table: up(table), ids: up(bad), out: o2, err: err2 } }]);
    expect(() => seq.embedding(table, V, D, bad)).toThrow(/position 7/);
    expect(decodeIndexError(await readU32(dev(), err2, ERROR_WORDS))).toEqual({ count: 3, firstPosition: 7 });
    const got = await readF32(dev(), o2, M * D);
    for (const m of [7, 9, 100]) expect(Array.from(got.subarray(m * D, (m + 1) * D)).every((v) => v === 0)).toBe(true);
    expect(Array.from(got.subarray(8 * D, 9 * D))).toEqual(Array.from(table.subarray(bad[8]! * D, (bad[8]! + 1) * D)));
  });

  it('lstm: one GEMM for x·wx, then one step dispatch per timestep, matches the reference', async () => {
    const r = rng(14);
    for (const [T, B, D, H] of [[5, 11, 19, 37], [3, 1, 4, 5], [2, 9, 8, 70]] as const) {
      const x = randArray(r, T * B * D);
      const wx = randArray(r, D * 4 * H, -0.4, 0.4);
      const wh = randArray(r, H * 4 * H, -0.4, 0.4);
      const b = randArray(r, 4 * H, -0.5, 0.5);
      const h0 = randArray(r, B * H);
      const c0 = randArray(r, B * H);
      const xw = out(T * B * 4 * H);
      const h = out(T * B * H);
      const hT = out(B * H);
      const cT = out(B * H);
      const bufs = { xw, wh: up(wh), b: up(b), h0: up(h0), c0: up(c0), h, hT, cT };
      await run([
        { kernel: matmulKernel({ M: T * B, N: 4 * H, K: D }), buffers: { a: up(x), b: up(wx), c: xw } },
        ...lstmKernels({ T, B, H }).map((kernel) => ({ kernel, buffers: bufs })),
      ]);
      const want = seq.lstm({ x, wx, wh, b, h0, c0, T, B, D, H });
      // f32 accumulation order differs from the reference's f64 sums; errors compound over T steps.
      expectClose(await readF32(dev(), h, T * B * H), want.h, 2e-5, `lstm h ${T}x${B}x${D}x${H}`);
      expectClose(await readF32(dev(), hT, B * H), want.hT, 2e-5, 'lstm hT');
      expectClose(await readF32(dev(), cT, B * H), want.cT, 2e-5, 'lstm cT');
    }
  });

  it('softmax over the last dim, including rows with ±∞', async () => {
    const r = rng(15);
    for (const [rows, cols] of [[13, 1000], [3, 5], [70, 1], [2, 129]] as const) {
      const x = randArray(r, rows * cols, -20, 20);
      const o = out(rows * cols);
      await run([{ kernel: softmaxKernel({ rows, cols }), buffers: { x: up(x), out: o } }]);
      expectClose(await readF32(dev(), o, rows * cols), dense.softmaxRows(x, rows, cols), RTOL, `softmax ${rows}x${cols}`);
    }
    const special = new Float32Array([-Infinity, -Infinity, -Infinity, 1, -Infinity, 2, Infinity, 0, Infinity]);
    const o = out(9);
    await run([{ kernel: softmaxKernel({ rows: 3, cols: 3 }), buffers: { x: up(special), out: o } }]);
    expectClose(await readF32(dev(), o, 9), dense.softmaxRows(special, 3, 3), RTOL, 'softmax ±inf');
  });

  it('softmax cross-entropy: per-row losses then a deterministic mean; bad labels are flagged', async () => {
    const r = rng(16);
    for (const [N, V] of [[77, 300], [5000, 7], [1, 1]] as const) {
      const logits = randArray(r, N * V, -5, 5);
      const labels = randInts(r, N, 0, V);
      const plan = crossEntropyKernels({ N, V });
      const o = out(1);
      const err = out(2);
      const bufs = { x: up(logits), labels: up(labels), losses: out(plan.losses), partials: out(Math.max(1, plan.partials)), err, out: o };
      expect(plan.kernels.length).toBe(N > 4096 ? 3 : 2);
      await run(plan.kernels.map((kernel) => ({ kernel, buffers: bufs })));
      expectClose(await readF32(dev(), o, 1), [seq.softmaxCrossEntropy(logits, labels, N, V)], RTOL, `ce ${N}x${V}`);
      expect(decodeIndexError(await readU32(dev(), err, 2))).toBeNull();
    }
    const [N, V] = [10, 6];
    const logits = randArray(r, N * V);
    const labels = randInts(r, N, 0, V);
    labels[4] = 6;
    labels[8] = -3;
    const plan = crossEntropyKernels({ N, V });
    const err = out(2);
    await run(plan.kernels.map((kernel) => ({ kernel, buffers: { x: up(logits), labels: up(labels), losses: out(N), err, out: out(1) } })));
    expect(decodeIndexError(await readU32(dev(), err, 2))).toEqual({ count: 2, firstPosition: 4 });
  });

  it('sum: single and two-stage, deterministic across runs', async () => {
    const r = rng(17);
    for (const n of [1, 1000, 4096, 4097, 300001]) {
      const x = randArray(r, n);
      const plan = sumKernels(n);
      expect(plan.kernels.length).toBe(n > 4096 ? 2 : 1);
      const results: number[] = [];
      for (let rep = 0; rep < 2; rep++) {
        const o = out(1);
        const buffers = { x: up(x), partials: out(Math.max(1, plan.partials)), out: o };
        await run(plan.kernels.map((kernel) => ({ kernel, buffers })));
        results.push((await readF32(dev(), o, 1))[0]!);
      }
      expect(results[1]).toBe(results[0]);
      const want = dense.sum(x);
      // Relative to Σ|x| (the conditioning of the sum): f32 tree error ≪ 1e-6 of that.
      let abs = 0;
      for (const v of x) abs += Math.abs(v);
      expect(Math.abs(results[0]! - want) / abs, `sum ${n}`).toBeLessThan(1e-6);
    }
    const empty = sumKernels(0);
    const o = out(1);
    await run([{ kernel: empty.kernels[0]!, buffers: { x: up(new Float32Array([5])), out: o } }]);
    expect((await readF32(dev(), o, 1))[0]).toBe(0);
  });

  it('one pipeline per matmul tile class serves every shape (shapes are uniforms, not recompiles)', async () => {
    // A fresh cache, so the count does not depend on which other tests ran before this one.
    const fresh = createPipelineCache(dev());
    const r = rng(23);
    // Two shapes of each class of the untuned (row-streaming) kernel — N ≤ 32 (one column quad per
    // invocation) or wider (two), each with N a multiple of 4 (vec4 B loads) or not: one pipeline per class.
    for (const [M, N, K] of [[3, 5, 7], [65, 17, 33], [130, 64, 9], [20, 100, 9], [100, 20, 5], [50, 24, 6], [7, 70, 3], [33, 130, 4]] as const) {
      const a = randArray(r, M * K);
      const b = randArray(r, K * N);
      const c = out(M * N);
      await runKernels(fresh, [{ kernel: matmulKernel({ M, N, K }), buffers: { a: up(a), b: up(b), c } }]);
      expectClose(await readF32(dev(), c, M * N), dense.matmul(a, b, M, K, N), RTOL, `matmul ${M}x${N}x${K}`);
    }
    expect(fresh.compiled).toBe(4);
  });
});
