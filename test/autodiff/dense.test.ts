/**
 * Finite-difference checks of the dense ops' vjp rules (matmul, add, mul, addN, biasAdd, scale,
 * relu, sigmoid, tanh, softplus, softmax, sum, transpose): for each op a graph
 * loss = sum(op(params) ⊙ R), differentiated and compared entrywise with central differences at
 * f64 on the reference interpreter, over small random shapes drawn by fast-check (10 runs each).
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { checkOp } from './helpers.ts';

const dim = fc.integer({ min: 1, max: 4 });
const seed = fc.integer({ min: 1, max: 1_000_000 });
const runs = { numRuns: 10 };

describe('vjp of dense ops (finite differences, f64)', () => {
  it('matmul', () => {
    fc.assert(
      fc.property(dim, dim, dim, seed, (M, K, N, s) => {
        checkOp(s, [{ name: 'a', shape: [M, K] }, { name: 'b', shape: [K, N] }], (b, v) => [b.add1('matmul', {}, [v.a!, v.b!])]);
      }),
      runs,
    );
  });

  for (const op of ['add', 'mul'] as const) {
    it(op, () => {
      fc.assert(
        fc.property(fc.array(dim, { minLength: 0, maxLength: 3 }), seed, (shape, s) => {
          checkOp(s, [{ name: 'x', shape }, { name: 'y', shape }], (b, v) => [b.add1(op, {}, [v.x!, v.y!])]);
        }),
        runs,
      );
    });
  }

  it('addN', () => {
    fc.assert(
      fc.property(fc.array(dim, { minLength: 1, maxLength: 2 }), fc.integer({ min: 1, max: 4 }), seed, (shape, count, s) => {
        const specs = Array.from({ length: count }, (_, i) => ({ name: `x${i}`, shape }));
        checkOp(s, specs, (b, v) => [b.add1('addN', {}, specs.map((sp) => v[sp.name]!))]);
      }),
      runs,
    );
  });

  it('biasAdd', () => {
    fc.assert(
      fc.property(fc.array(dim, { minLength: 0, maxLength: 2 }), dim, seed, (lead, C, s) => {
        checkOp(s, [{ name: 'x', shape: [...lead, C] }, { name: 'bias', shape: [C] }], (b, v) => [b.add1('biasAdd', {}, [v.x!, v.bias!])]);
      }),
      runs,
    );
  });

  it('scale', () => {
    fc.assert(
      fc.property(fc.array(dim, { maxLength: 3 }), fc.double({ min: -3, max: 3, noNaN: true }), seed, (shape, value, s) => {
        checkOp(s, [{ name: 'x', shape }], (b, v) => [b.add1('scale', { value }, [v.x!])]);
      }),
      runs,
    );
  });

  for (const op of ['relu', 'sigmoid', 'tanh', 'softplus', 'softmax'] as const) {
    it(op, () => {
      fc.assert(
        fc.property(fc.array(dim, { minLength: 1, maxLength: 3 }), seed, (shape, s) => {
          checkOp(s, [{ name: 'x', shape, lo: -3, hi: 3 }], (b, v) => [b.add1(op, {}, [v.x!])]);
        }),
        runs,
      );
    });
  }

  it('sum (scalar broadcast back to the input shape)', () => {
    fc.assert(
      fc.property(fc.array(dim, { maxLength: 3 }), seed, (shape, s) => {
        checkOp(s, [{ name: 'x', shape }], (b, v) => [b.add1('sum', {}, [v.x!])]);
      }),
      runs,
    );
  });

  it('transpose', () => {
    fc.assert(
      fc.property(dim, dim, seed, (M, N, s) => {
        checkOp(s, [{ name: 'x', shape: [M, N] }], (b, v) => [b.add1('transpose', {}, [v.x!])]);
      }),
      runs,
    );
  });
});
