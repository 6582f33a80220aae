/**
 * Training kernels for the dense/sequence gradient ops vs the CPU reference (ir/reference/
 * grad-dense.ts, grad-sequence.ts, grad-moe.ts): activation gradients (one pipeline, mode in the
 * uniform, noiseStdGrad train and eval), zeros/scatter0/padLast (one padding pipeline, bit-exact),
 * tiled batched transpose (bit-exact), sumRows (segment sum), softmaxGrad, softmax cross-entropy
 * gradient with a bad label flagged, and the embedding gradient — on ragged shapes, with the
 * reductions checked for bit-identical reruns. Skips without an adapter except under CI=true.
 */
import { expect, it } from 'vitest';
import * as gd from '../../ir/reference/grad-dense.ts';
import * as gs from '../../ir/reference/grad-sequence.ts';
import * as gm from '../../ir/reference/grad-moe.ts';
import * as dense from '../../ir/reference/dense.ts';
import { gradEwKernel, type GradEwMode } from '../../compiler/wgsl/grad-elementwise.ts';
import { padKernel, transposeKernel } from '../../compiler/wgsl/grad-shape.ts';
import { segmentSumKernel } from '../../compiler/wgsl/segment.ts';
import { crossEntropyGradKernel, softmaxGradKernel } from '../../compiler/wgsl/grad-softmax.ts';
import { embeddingGradKernel } from '../../compiler/wgsl/embedding-grad.ts';
import { decodeIndexError, ERROR_WORDS } from '../../compiler/wgsl/embedding.ts';
import { readF32, readU32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, expectClose, out, randArray, rng, run, up } from './gpu.ts';

function randInts(r: () => number, n: number, lo: number, hi: number): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + Math.floor(r() * (hi - lo));
  return a;
}

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describeGpu('training kernels: dense and sequence gradients', () => {
  it('activation gradients and noiseStdGrad (train/eval) share one pipeline', async () => {
    const r = rng(21);
    const n = 1000 + 37;
    const x = randArray(r, n, -4, 4);
    const dy = randArray(r, n, -2, 2);
    const yRelu = dense.relu(x);
    const ySig = dense.sigmoid(x);
    const yTanh = dense.tanh(x);
    const cases: [GradEwMode, Float32Array | ArrayLike<number>, ArrayLike<number>][] = [
      ['relu', yRelu, gd.reluGrad(yRelu, dy)],
      ['sigmoid', ySig, gd.sigmoidGrad(ySig, dy)],
      ['tanh', yTanh, gd.tanhGrad(yTanh, dy)],
      ['noiseStdTrain', x, gm.noiseStdGrad(x, dy, true)],
      ['zero', x, gm.noiseStdGrad(x, dy, false)],
    ];
    const outs = cases.map(() => out(n));
    const dyb = up(dy);
    await run(cases.map(([mode, a], i) => ({ kernel: gradEwKernel({ numel: n, mode }), buffers: { a: up(Float32Array.from(a)), dy: dyb, out: outs[i]! } })));
    for (const [i, [mode, , want]] of cases.entries()) expectClose(await readF32(dev(), outs[i]!, n), want, 1e-5, mode);
    expect(new Set(cases.map(([mode]) => gradEwKernel({ numel: 5, mode }).wgsl)).size).toBe(1);
  });

  it('zeros, scatter0 and padLast are exact padding copies', async () => {
    const r = rng(22);
    const inner = 3 * 41;
    const dy = randArray(r, inner);
    const [rows, w, start, n] = [77, 13, 5, 29];
    const dyp = randArray(r, rows * w);
    const zeros = out(300);
    const sc = out(4 * inner);
    const pad = out(rows * n);
    // Pre-fill the zeros buffer with garbage: every element must be written.
    const garbage = up(new Float32Array(300).fill(7));
    await run([
      { kernel: padKernel({ rows: 1, n: 300, start: 0, end: 0 }), buffers: { src: up(new Float32Array(1)), dst: garbage } },
      { kernel: padKernel({ rows: 1, n: 300, start: 0, end: 0 }), buffers: { src: up(new Float32Array(1)), dst: zeros } },
      { kernel: padKernel({ rows: 1, n: 4 * inner, start: 2 * inner, end: 3 * inner }), buffers: { src: up(dy), dst: sc } },
      { kernel: padKernel({ rows, n, start, end: start + w }), buffers: { src: up(dyp), dst: pad } },
    ]);
    expect(Array.from(await readF32(dev(), garbage, 300))).toEqual(Array.from(gd.zerosOf(300)));
    expect(bits(await readF32(dev(), sc, 4 * inner))).toEqual(bits(Float32Array.from(gd.scatter0(dy, 4, 2))));
    expect(bits(await readF32(dev(), pad, rows * n))).toEqual(bits(Float32Array.from(gd.padLast(dyp, start, start + w, n))));
  });

  it('batched tiled transpose (ragged tiles, destination offset/stride) is exact', async () => {
    const r = rng(23);
    const [batch, R, C] = [3, 37, 50];
    const x = randArray(r, batch * R * C);
    const t1 = out(batch * R * C);
    // Second: one matrix placed as a column block at offset 5 of a [C, R + 9] destination.
    const t2 = out(C * (R + 9));
    await run([
      { kernel: transposeKernel({ batch, R, C }), buffers: { src: up(x), dst: t1 } },
      { kernel: transposeKernel({ R, C, dstStride: R + 9, dstOffset: 5 }), buffers: { src: up(x), dst: t2 } },
    ]);
    const want = new Float32Array(batch * R * C);
    for (let b = 0; b < batch; b++) want.set(gd.transpose(x.subarray(b * R * C, (b + 1) * R * C), R, C), b * R * C);
    expect(bits(await readF32(dev(), t1, batch * R * C))).toEqual(bits(want));
    const got2 = await readF32(dev(), t2, C * (R + 9));
    const t0 = gd.transpose(x.subarray(0, R * C), R, C);
    for (let c = 0; c < C; c++) for (let q = 0; q < R; q++) expect(got2[c * (R + 9) + 5 + q]).toBe(t0[c * R + q]);
  });

  it('sumRows (segment sum) and softmaxGrad match and are bit-identical across runs', async () => {
    const r = rng(24);
    for (const [rows, cols] of [[1, 1], [1234, 70], [9, 300]] as const) {
      const x = randArray(r, rows * cols);
      const y = dense.softmaxRows(randArray(r, rows * cols, -3, 3), rows, cols);
      const dy = randArray(r, rows * cols);
      const s1 = out(cols);
      const s2 = out(cols);
      const g1 = out(rows * cols);
      const g2 = out(rows * cols);
      const xb = up(x);
      const offs = up(new Int32Array([0, rows]));
      const yb = up(Float32Array.from(y));
      const dyb = up(dy);
      const sk = segmentSumKernel({ C: cols, segments: 1 });
      const gk = softmaxGradKernel({ rows, cols });
      await run([
        { kernel: sk, buffers: { x: xb, offsets: offs, out: s1 } },
        { kernel: gk, buffers: { y: yb, dy: dyb, out: g1 } },
      ]);
      await run([
        { kernel: sk, buffers: { x: xb, offsets: offs, out: s2 } },
        { kernel: gk, buffers: { y: yb, dy: dyb, out: g2 } },
      ]);
      const a = await readF32(dev(), s1, cols);
      expectClose(a, gd.sumRows(x, rows, cols), 1e-5, `sumRows ${rows}x${cols}`);
      expect(bits(a)).toEqual(bits(await readF32(dev(), s2, cols)));
      const g = await readF32(dev(), g1, rows * cols);
      expectClose(g, gd.softmaxGrad(y, dy, rows, cols), 1e-5, `softmaxGrad ${rows}x${cols}`);
      expect(bits(g)).toEqual(bits(await readF32(dev(), g2, rows * cols)));
    }
  });

  it('softmax cross-entropy gradient; a bad label is flagged', async () => {
    const r = rng(25);
    const [N, V] = [45, 1003];
    const x = randArray(r, N * V, -6, 6);
    const labels = randInts(r, N, 0, V);
    const dloss = 1.7;
    const o = out(N * V);
    const err = out(ERROR_WORDS);
    await run([{ kernel: crossEntropyGradKernel({ N, V }), buffers: { x: up(x), labels: up(labels), dloss: up(new Float32Array([dloss])), out: o, err } }]);
    expectClose(await readF32(dev(), o, N * V), gs.softmaxCrossEntropyGrad(x, labels, dloss, N, V), 1e-4, 'ce grad');
    expect(decodeIndexError(await readU32(dev(), err, ERROR_WORDS))).toBeNull();
    labels[7] = V;
    labels[30] = -1;
    const err2 = out(ERROR_WORDS);
    await run([{ kernel: crossEntropyGradKernel({ N, V }), buffers: { x: up(x), labels: up(labels), dloss: up(new Float32Array([dloss])), out: out(N * V), err: err2 } }]);
    expect(decodeIndexError(await readU32(dev(), err2, ERROR_WORDS))).toEqual({ count: 2, firstPosition: 7 });
  });

  it('embedding gradient: position-order sums, deterministic, unused rows zeroed, bad ids flagged', async () => {
    const r = rng(26);
    for (const [V, D, M] of [[1000, 64, 700], [7, 3, 50], [50, 300, 33]] as const) {
      // Ids concentrated on a few rows (many repeats), most rows untouched.
      const ids = randInts(r, M, 0, Math.min(V, 20));
      const dy = randArray(r, M * D);
      const o1 = up(new Float32Array(V * D).fill(3)); // garbage: untouched rows must be zeroed
      const o2 = out(V * D);
      const k = embeddingGradKernel({ V, D, M });
      const idb = up(ids);
      const dyb = up(dy);
      const err = out(ERROR_WORDS);
      await run([
        { kernel: k, buffers: { ids: idb, dy: dyb, out: o1, err } },
        { kernel: k, buffers: { ids: idb, dy: dyb, out: o2, err } },
      ]);
      const a = await readF32(dev(), o1, V * D);
      expectClose(a, gs.embeddingGrad(ids, dy, V, D), 1e-5, `embeddingGrad ${V}x${D}`);
      expect(bits(a)).toEqual(bits(await readF32(dev(), o2, V * D)));
      expect(decodeIndexError(await readU32(dev(), err, ERROR_WORDS))).toBeNull();
    }
    const ids = new Int32Array([1, 2, 9, 0, -3]);
    const err = out(ERROR_WORDS);
    await run([{ kernel: embeddingGradKernel({ V: 5, D: 2, M: 5 }), buffers: { ids: up(ids), dy: up(new Float32Array(10)), out: out(10), err } }]);
    expect(decodeIndexError(await readU32(dev(), err, ERROR_WORDS))).toEqual({ count: 2, firstPosition: 2 });
  });
});
