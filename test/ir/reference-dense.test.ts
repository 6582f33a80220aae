/**
 * Unit tests of the dense reference ops (matmul, elementwise, softmax, sum) on hand-computed values.
 */
import { describe, expect, it } from 'vitest';
import * as dense from '../../ir/reference/dense.ts';
import * as shape from '../../ir/reference/shape.ts';

describe('dense reference ops', () => {
  it('softmax of a 2x3 matrix (hand-computed)', () => {
    const out = dense.softmaxRows([1, 2, 3, 0, 0, 0], 2, 3, 'f64');
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const s = e[0]! + e[1]! + e[2]!;
    // 0.09003057, 0.24472847, 0.66524096
    expect(out[0]).toBeCloseTo(0.09003057317038046, 15);
    expect(out[1]).toBeCloseTo(e[1]! / s, 15);
    expect(out[2]).toBeCloseTo(0.6652409557748219, 15);
    for (let j = 3; j < 6; j++) expect(out[j]).toBeCloseTo(1 / 3, 15);
  });

  it('softmax is max-subtracted (no overflow) and splits ±∞ rows evenly', () => {
    const out = dense.softmaxRows([1000, 1000, -1000, Infinity, 5, Infinity, -Infinity, -Infinity, -Infinity], 3, 3, 'f64');
    expect(out[0]).toBe(0.5);
    expect(out[1]).toBe(0.5);
    expect(out[2]).toBe(0);
    expect([...out.slice(3, 6)]).toEqual([0.5, 0, 0.5]);
    expect([...out.slice(6)]).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  it('matmul [2,3]·[3,2] (hand-computed)', () => {
    const c = dense.matmul([1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12], 2, 3, 2);
    expect([...c]).toEqual([58, 64, 139, 154]);
    expect(c).toBeInstanceOf(Float32Array);
    expect(dense.matmul([1], [2], 1, 1, 1, 'f64')).toBeInstanceOf(Float64Array);
  });

  it('matmul accumulates in f64 before the single f32 rounding', () => {
    // 1 + 2^-30 - 1 in f32 step by step would lose 2^-30; f64 accumulation keeps it.
    const c = dense.matmul([1, 2 ** -30, -1], [1, 1, 1], 1, 3, 1);
    expect(c[0]).toBe(Math.fround(2 ** -30));
  });

  it('softplus is stable and exact at 0', () => {
    const y = dense.softplus([0, 1000, -700, 1], 'f64');
    expect(y[0]).toBeCloseTo(Math.LN2, 15);
    expect(y[1]).toBe(1000);
    expect(y[2]! / Math.exp(-700)).toBeCloseTo(1, 12);
    expect(y[3]).toBeCloseTo(Math.log(1 + Math.E), 14);
  });

  it('sigmoid, tanh, relu, scale, add, mul, addN, biasAdd, sum', () => {
    expect([...dense.sigmoid([0, -800, 800], 'f64')]).toEqual([0.5, 0, 1]);
    expect(dense.sigmoid([2], 'f64')[0]).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
    expect(dense.tanh([0.5], 'f64')[0]).toBeCloseTo(Math.tanh(0.5), 15);
    expect([...dense.relu([-1, 0, 2])]).toEqual([0, 0, 2]);
    expect([...dense.scale([1, -2], 3)]).toEqual([3, -6]);
    expect([...dense.add([1, 2], [3, 4])]).toEqual([4, 6]);
    expect([...dense.mul([1, 2], [3, 4])]).toEqual([3, 8]);
    expect([...dense.addN([[1, 2], [3, 4], [5, 6]])]).toEqual([9, 12]);
    expect([...dense.biasAdd([1, 2, 3, 4, 5, 6], [10, 20, 30], 3)]).toEqual([11, 22, 33, 14, 25, 36]);
    expect(dense.sum([1, 2, 3.5])).toBe(6.5);
    expect(() => dense.add([1], [1, 2])).toThrow(/expected 1 elements/);
  });
});

describe('shape reference ops', () => {
  it('select0 / stack0 are inverse; sliceLast takes columns', () => {
    const x = new Int32Array([1, 2, 3, 4, 5, 6]); // [3,2]
    const parts = [0, 1, 2].map((i) => shape.select0(x, 3, 2, i));
    expect(parts.map((p) => [...p])).toEqual([[1, 2], [3, 4], [5, 6]]);
    const back = shape.stack0(parts);
    expect(back).toBeInstanceOf(Int32Array);
    expect([...back]).toEqual([...x]);
    expect([...shape.sliceLast(new Float32Array([1, 2, 3, 4, 5, 6]), 3, 1, 3)]).toEqual([2, 3, 5, 6]);
    const r = shape.reshape(x);
    expect(r).not.toBe(x);
    expect([...r]).toEqual([...x]);
    expect(() => shape.select0(x, 3, 2, 3)).toThrow(/out of range/);
  });
});
