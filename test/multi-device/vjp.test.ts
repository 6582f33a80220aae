/**
 * Gradients of the multi-device ops against central finite differences (f64 reference interpreter):
 * hierLoadCombine (c held constant, as specified), shardRows / padShardRows, shardDropout (the same
 * mask on the gradient), and the collectives on one device — the all-to-all pair after a real
 * dispatch, the all-reduce and the row all-gather — whose vjp rules are the exchanges' transposes.
 * (Across several devices the rules are checked end to end by the training equality tests.)
 */
import { describe, expect, it } from 'vitest';
import { fdCheck, opCase } from '../autodiff/helpers.ts';

describe('vjp rules of the multi-device ops (finite differences)', () => {
  it('hierLoadCombine', () => {
    const { graph, feeds } = opCase(1, [
      { name: 'p', shape: [3] },
      { name: 'L', shape: [6] },
      { name: 'c', shape: [3], role: 'input', values: [2, 0, 5] },
    ], (b, v) => [b.add1('hierLoadCombine', { a: 3, b: 2 }, [v.p!, v.L!, v.c!])]);
    expect(fdCheck(graph, feeds).checked).toBe(9);
  });

  it('shardRows and padShardRows (device 1 of 2, rows laid out (t, b))', () => {
    const map = { rowBlock: 2, rowStride: 4, shardOffset: 2 };
    const { graph, feeds } = opCase(2, [
      { name: 'x', shape: [8, 3] },
      { name: 'y', shape: [4, 3] },
    ], (b, v) => [b.add1('shardRows', map, [v.x!]), b.add1('padShardRows', { ...map, rows: 8 }, [v.y!])]);
    expect(fdCheck(graph, feeds).checked).toBe(36);
  });

  it('shardDropout', () => {
    const { graph, feeds } = opCase(3, [{ name: 'x', shape: [6, 5] }], (b, v) => [
      b.add1('shardDropout', { rate: 0.3, stream: 4, rowBlock: 2, rowStride: 6, shardOffset: 2 }, [v.x!]),
    ]);
    expect(fdCheck(graph, feeds).checked).toBe(30);
  });

  it('allToAllDispatch → experts → allToAllReturn, allReduceSum and allGatherRows on one device', () => {
    const { graph, feeds } = opCase(4, [
      { name: 'x', shape: [4, 3] },
      { name: 'w', shape: [3, 3] },
      { name: 'v', shape: [5] },
      { name: 'idx', shape: [4, 2], dtype: 'i32', values: [0, 2, 1, 3, 3, 0, 2, 1] },
    ], (b, v) => {
      const [src, , off] = b.addNode('moeDispatch', { n: 4 }, [v.idx!]);
      const p = { devices: 1, device: 0, experts: 4 };
      const [rows, , counts] = b.addNode('allToAllDispatch', { ...p, gather: true, rowBlock: 2, blocks: 2 }, [v.x!, src!, off!]);
      const y = b.add1('allToAllReturn', p, [b.add1('matmul', {}, [rows!, v.w!]), counts!, off!]);
      return [y, b.add1('allReduceSum', { devices: 1 }, [v.v!]), b.add1('allGatherRows', { devices: 1, rowBlock: 4, rowStride: 4, shardOffset: 0 }, [v.x!])];
    });
    expect(fdCheck(graph, feeds).checked).toBe(12 + 9 + 5);
  });
});
