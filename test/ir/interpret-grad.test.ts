/**
 * Interpreter rules of the training ops (gradients, optimizers, fill/broadcast): every op runs at f32
 * and f64 with matching storage, depends on ctx.training/ctx.step where documented, and reports
 * errors naming the node.
 */
import { describe, expect, it } from 'vitest';
import type { Node } from '../../ir/graph.ts';
import { evalNode } from '../../ir/interpret.ts';
import { OP_NAMES, type OpName, type OpParams } from '../../ir/ops.ts';
import { dispatch, expertFfn } from '../../ir/reference/dispatch.ts';
import { lstmGrad } from '../../ir/reference/grad-sequence.ts';
import { fromArray, type Tensor } from '../../ir/tensor.ts';
import { rand } from './fd.ts';

const r = rand(21);
const F = (shape: number[], lo = -1, hi = 1): Tensor => fromArray('f32', shape, r(shape.reduce((a, b) => a * b, 1), lo, hi));
const I = (shape: number[], v: number[]): Tensor => fromArray('i32', shape, v);
const S = (v: number): Tensor => fromArray('f32', [], [v]);

function node<O extends OpName>(op: O, params: OpParams[O]): Node<O> {
  return { id: 0, op, params, inputs: [], outputs: [] };
}

// Routing shared by the expert and combine cases: N=3, k=2, n=3.
const idx = [0, 2, 1, 0, 2, 1];
const d = dispatch(idx, 3, 2, 3);
const src = I([6], [...d.sourceRow]);
const pos = I([3, 2], [...d.position]);
const off = I([4], [...d.offsets]);
const x = F([3, 4]);
const w1 = F([3, 4, 5]);
const b1 = F([3, 5]);
const w2 = F([3, 5, 2]);
const b2 = F([3, 2]);
const hidden = evalNode(node('expertHidden', {}), [x, src, off, w1, b1], { seed: 0, step: 0, training: true })[0]!;

/** One case per new op: its params and inputs. */
const CASES: { [O in OpName]?: [OpParams[O], Tensor[]] } = {
  expertHidden: [{}, [x, src, off, w1, b1]],
  expertOutput: [{}, [hidden, off, w2, b2]],
  zeros: [{ shape: [2, 3] }, []],
  fill: [{ shape: [2, 3], value: 0.5 }, []],
  broadcast: [{ shape: [2, 2] }, [fromArray('f32', [], [1.25])]],
  transpose: [{}, [F([2, 3])]],
  sumRows: [{}, [F([2, 3, 4])]],
  reluGrad: [{}, [F([5]), F([5])]],
  sigmoidGrad: [{}, [F([5], 0, 1), F([5])]],
  tanhGrad: [{}, [F([5]), F([5])]],
  softmaxGrad: [{}, [F([2, 3], 0, 1), F([2, 3])]],
  scatter0: [{ index: 1, size: 3 }, [F([2, 2])]],
  padLast: [{ start: 1, end: 3, n: 4 }, [F([3, 2])]],
  embeddingGrad: [{ vocab: 5 }, [I([2, 2], [1, 4, 1, 0]), F([2, 2, 3])]],
  lstmGrad: [{}, [F([2, 2, 3]), F([3, 8]), F([2, 8]), F([8]), F([2, 2]), F([2, 2]), F([2, 2, 2]), F([2, 2]), F([2, 2])]],
  softmaxCrossEntropyGrad: [{}, [F([3, 4]), I([3], [0, 3, 1]), S(1)]],
  noiseStdGrad: [{}, [F([2, 3]), F([2, 3])]],
  scatterTopk: [{ n: 3 }, [F([3, 2]), I([3, 2], idx)]],
  gatingLogitsGrad: [{ n: 3, stream: 1, rowOffset: 2 }, [F([3, 2]), I([3, 2], idx), F([3, 3]), F([3, 3]), F([3, 3])]],
  cvSquaredGrad: [{}, [F([4], 0, 2), S(0.5)]],
  importanceGrad: [{}, [F([3]), I([3, 2], idx)]],
  loadEstimateGrad: [{ k: 1 }, [F([2, 3]), F([2, 3], 0.1, 1), fromArray('f32', [2, 2], [0.9, 0.1, 0.5, -0.2]), I([2, 1], [2, 0]), F([3])]],
  moeCombineGrad: [{}, [F([3, 2]), F([6, 2]), pos, F([3, 2], 0, 1)]],
  expertHiddenGrad: [{}, [x, src, off, pos, w1, hidden, F([6, 5])]],
  expertOutputGrad: [{}, [hidden, off, w2, F([6, 2])]],
  expertFfnGrad: [{}, [x, src, off, pos, w1, b1, w2, F([6, 2])]],
  sgdUpdate: [{ lr: 0.1 }, [F([2, 2]), F([2, 2])]],
  adamUpdate: [{ lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, [F([3]), F([3]), F([3]), F([3], 0, 1)]],
  factoredAdamUpdate: [{ lr: 0.01, beta2: 0.99, clip: 1 }, [F([2, 2, 3]), F([2, 2, 3]), F([2, 2], 0, 1), F([2, 3], 0, 1)]],
  expertSgdUpdate: [{ lr: 0.1 }, [F([3, 2, 2]), F([3, 2, 2]), I([4], [0, 2, 2, 3])]],
  expertFactoredAdamUpdate: [{ lr: 0.01, beta2: 0.99, clip: 1 }, [F([3, 2, 3]), F([3, 2, 3]), F([3, 2], 0, 1), F([3, 3], 0, 1), I([3], [0, 2, 1]), I([4], [0, 2, 2, 3])]],
  secondaryGating: [{ a: 3, b: 4, k1: 2, k2: 2, noisy: true, eps: 0.01, stream: 1, rowOffset: 2 }, [F([2, 3]), F([3, 3, 4]), F([3, 3, 4]), I([2, 2], [0, 2, 1, 0]), F([2, 2], 0, 1)]],
  hierLoadEstimate: [{ a: 3, b: 4, k1: 2, k2: 2 }, [F([3], 1, 4), I([2, 2], [0, 2, 1, 0]), F([2, 2, 4]), F([2, 2, 4], 0.1, 1), fromArray('f32', [2, 2, 3], [0.9, 0.5, 0.1, 0.8, 0.2, -0.3, 1.2, 0.4, 0.3, 0.6, 0.1, 0]), I([2, 2, 2], [1, 3, 0, 2, 2, 1, 3, 0])]],
  secondaryGatingGrad: [{ a: 3, b: 4, k1: 2, k2: 2, noisy: true, eps: 0.01, stream: 1, rowOffset: 2 }, [F([2, 3]), F([3, 3, 4]), F([3, 3, 4]), I([2, 2], [0, 2, 1, 0]), F([2, 2], 0, 1), F([2, 2, 3]), I([2, 2, 2], [1, 3, 0, 2, 2, 1, 3, 0]), F([2, 4]), F([2, 2, 4]), F([2, 2, 4])]],
  hierLoadEstimateGrad: [{ a: 3, b: 4, k1: 2, k2: 2 }, [F([3], 1, 4), I([2, 2], [0, 2, 1, 0]), F([2, 2, 4]), F([2, 2, 4], 0.1, 1), fromArray('f32', [2, 2, 3], [0.9, 0.5, 0.1, 0.8, 0.2, -0.3, 1.2, 0.4, 0.3, 0.6, 0.1, 0]), I([2, 2, 2], [1, 3, 0, 2, 2, 1, 3, 0]), F([12])]],
  // multi-device ops (collectives on one device)
  shardRandomNormal: [{ shape: [4, 3], stream: 2, rowOffset: 0, rowBlock: 2, rowStride: 4, shardOffset: 2 }, []],
  shardDropout: [{ rate: 0.3, stream: 1, rowBlock: 2, rowStride: 4, shardOffset: 2 }, [F([4, 3])]],
  allToAllDispatch: [{ devices: 1, device: 0, experts: 3, gather: true, rowBlock: 3, blocks: 1 }, [x, src, off]],
  allToAllReturn: [{ devices: 1, device: 0, experts: 3 }, [F([6, 2]), I([1, 3], [2, 2, 2]), off]],
  allReduceSum: [{ devices: 1 }, [F([5])]],
  hierLoadCombine: [{ a: 2, b: 2 }, [F([2], 1, 2), F([4]), fromArray('f32', [2], [3, 0])]],
  allGatherRows: [{ devices: 1, rowBlock: 2, rowStride: 2, shardOffset: 0 }, [F([4, 3])]],
  shardRows: [{ rowBlock: 2, rowStride: 4, shardOffset: 2 }, [F([8, 3])]],
  padShardRows: [{ rowBlock: 2, rowStride: 4, shardOffset: 2, rows: 8 }, [F([4, 3])]],
};

describe('interpreter rules for the training ops', () => {
  const newOps = OP_NAMES.slice(OP_NAMES.indexOf('expertHidden'));
  it('has a case for every op added for training', () => {
    expect(newOps.filter((op) => !(op in CASES))).toEqual([]);
  });

  for (const op of newOps) {
    it(`${op} runs at f32 and f64 with matching storage and close values`, () => {
      const [params, inputs] = CASES[op] as [OpParams[OpName], Tensor[]];
      const ctx = { seed: 3, step: 2, training: true };
      const o32 = evalNode(node(op, params), inputs, ctx);
      const o64 = evalNode(node(op, params), inputs, { ...ctx, precision: 'f64' });
      expect(o32.length).toBe(o64.length);
      o32.forEach((t, i) => {
        const u = o64[i]!;
        expect(t.type).toEqual(u.type);
        if (t.type.dtype === 'f32') {
          expect(t.data).toBeInstanceOf(Float32Array);
          expect(u.data).toBeInstanceOf(Float64Array);
        }
        for (let j = 0; j < t.data.length; j++) expect(Math.abs(t.data[j]! - u.data[j]!)).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(u.data[j]!));
      });
    });
  }

  it('expertFfnGrad (hidden recomputed) equals expertOutputGrad then expertHiddenGrad bit for bit at f32', () => {
    const ctx = { seed: 0, step: 0, training: true };
    const dy = F([6, 2]);
    const fused = evalNode(node('expertFfnGrad', {}), [x, src, off, pos, w1, b1, w2, dy], ctx);
    const [dh, dw2, db2] = evalNode(node('expertOutputGrad', {}), [hidden, off, w2, dy], ctx) as [Tensor, Tensor, Tensor];
    const [dx, dw1, db1] = evalNode(node('expertHiddenGrad', {}), [x, src, off, pos, w1, hidden, dh], ctx) as [Tensor, Tensor, Tensor];
    [dx, dw1, db1, dw2, db2].forEach((t, i) => expect([...fused[i]!.data]).toEqual([...t.data]));
    expect(dw1.data.some((v) => v !== 0) && dx.data.some((v) => v !== 0)).toBe(true);
  });

  it('expertOutput(expertHidden) through evalNode equals expertFfn at f32', () => {
    const y = evalNode(node('expertOutput', {}), [hidden, off, w2, b2], { seed: 0, step: 0, training: false })[0]!;
    const ref = expertFfn({ x: x.data, sourceRow: src.data, offsets: off.data, w1: w1.data, b1: b1.data, w2: w2.data, b2: b2.data, N: 3, D: 4, H: 5, Dout: 2, n: 3 });
    expect([...y.data]).toEqual([...ref]);
  });

  it('lstmGrad outputs come back in the order dx, dwx, dwh, db, dh0, dc0', () => {
    const ins = CASES.lstmGrad![1];
    const outs = evalNode(node('lstmGrad', {}), ins, { seed: 0, step: 0, training: true, precision: 'f64' });
    const ref = lstmGrad({ x: ins[0]!.data, wx: ins[1]!.data, wh: ins[2]!.data, b: ins[3]!.data, h0: ins[4]!.data, c0: ins[5]!.data, dh: ins[6]!.data, dhT: ins[7]!.data, dcT: ins[8]!.data, T: 2, B: 2, D: 3, H: 2 }, 'f64');
    expect(outs.map((t) => [...t.data])).toEqual([ref.dx, ref.dwx, ref.dwh, ref.db, ref.dh0, ref.dc0].map((a) => [...a]));
  });

  it('noiseStdGrad follows ctx.training; adamUpdate follows ctx.step', () => {
    const ins = CASES.noiseStdGrad![1];
    expect([...evalNode(node('noiseStdGrad', {}), ins, { seed: 0, step: 0, training: false })[0]!.data].every((v) => v === 0)).toBe(true);
    const [pa, ia] = CASES.adamUpdate!;
    const a0 = evalNode(node('adamUpdate', pa), ia, { seed: 0, step: 0, training: true })[0]!.data;
    const a5 = evalNode(node('adamUpdate', pa), ia, { seed: 0, step: 5, training: true })[0]!.data;
    expect(a0[0]).not.toBe(a5[0]);
  });

  it('errors name the node and the problem', () => {
    expect(() => evalNode(node('embeddingGrad', { vocab: 2 }), [I([1], [3]), F([1, 2])], { seed: 0, step: 0, training: true })).toThrow(
      /node #0 embeddingGrad: token id 3 at position 0 is out of range \[0, 2\)/,
    );
  });
});

describe('fill and broadcast', () => {
  it('fill writes its value everywhere; broadcast copies a scalar; the vjp of sum is a broadcast', async () => {
    const { GraphBuilder } = await import('../../ir/graph.ts');
    const { tensorType } = await import('../../ir/types.ts');
    const { interpret } = await import('../../ir/interpret.ts');
    const { differentiate } = await import('../../passes/autodiff.ts');
    const b = new GraphBuilder();
    const s = b.addInput('s', tensorType('f32', []), 'input');
    const w = b.addInput('w', tensorType('f32', [2, 3]), 'param', { kind: 'ones' });
    b.setOutput('filled', b.add1('fill', { shape: [2, 2], value: 2.5 }, []));
    b.setOutput('broadcast', b.add1('broadcast', { shape: [3] }, [s]));
    b.setOutput('loss', b.add1('sum', {}, [b.add1('mul', {}, [w, w])]));
    const g = differentiate(b.finish());
    expect(g.nodes.filter((n) => n.op === 'broadcast' && n.phase === 'backward')).toHaveLength(1);
    expect(g.nodes.filter((n) => n.op === 'fill' && n.phase === 'backward')).toHaveLength(1);
    const out = interpret(g, { s: { type: tensorType('f32', []), data: Float32Array.of(-4) }, w: { type: tensorType('f32', [2, 3]), data: Float32Array.of(1, 2, 3, 4, 5, 6) } }, { seed: 0, step: 0, training: true });
    expect(Array.from(out.filled!.data)).toEqual([2.5, 2.5, 2.5, 2.5]);
    expect(Array.from(out.broadcast!.data)).toEqual([-4, -4, -4]);
    expect(Array.from(out['grad:w']!.data)).toEqual([2, 4, 6, 8, 10, 12]);
  });
});
