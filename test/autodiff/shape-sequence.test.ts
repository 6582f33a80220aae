/**
 * Finite-difference checks of the shape ops' vjp rules (reshape, select0, stack0, sliceLast; zeros
 * as a constant) and the sequence ops' (embedding into the table, lstm through all six inputs and
 * all three outputs, dropout in training with a fixed seed so the mask is the same in every
 * evaluation, softmaxCrossEntropy), each as loss = sum(op(params) ⊙ R) at f64, over small random
 * shapes drawn by fast-check.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkOp, opCase, fdCheck } from './helpers.ts';
import { differentiate } from '../../passes/autodiff.ts';
import { interpret } from '../../ir/interpret.ts';

const dim = fc.integer({ min: 1, max: 4 });
const seed = fc.integer({ min: 1, max: 1_000_000 });
const runs = { numRuns: 10 };

describe('vjp of shape ops (finite differences, f64)', () => {
  it('reshape', () => {
    fc.assert(
      fc.property(dim, dim, dim, seed, (a, b2, c, s) => {
        checkOp(s, [{ name: 'x', shape: [a, b2, c] }], (b, v) => [b.add1('reshape', { shape: [a * c, b2] }, [v.x!])]);
      }),
      runs,
    );
  });

  it('select0', () => {
    fc.assert(
      fc.property(dim, fc.array(dim, { maxLength: 2 }), fc.nat(), seed, (T, rest, i, s) => {
        checkOp(s, [{ name: 'x', shape: [T, ...rest] }], (b, v) => [b.add1('select0', { index: i % T }, [v.x!])]);
      }),
      runs,
    );
  });

  it('stack0', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.array(dim, { maxLength: 2 }), seed, (k, shape, s) => {
        const specs = Array.from({ length: k }, (_, i) => ({ name: `x${i}`, shape }));
        checkOp(s, specs, (b, v) => [b.add1('stack0', {}, specs.map((sp) => v[sp.name]!))]);
      }),
      runs,
    );
  });

  it('sliceLast', () => {
    fc.assert(
      fc.property(fc.array(dim, { maxLength: 2 }), fc.integer({ min: 2, max: 6 }), fc.nat(), fc.nat(), seed, (lead, n, a, w, s) => {
        const start = a % n;
        const end = start + 1 + (w % (n - start));
        checkOp(s, [{ name: 'x', shape: [...lead, n] }], (b, v) => [b.add1('sliceLast', { start, end }, [v.x!])]);
      }),
      runs,
    );
  });

  it('zeros is a constant: a param read only through add(zeros, x) gets dy', () => {
    checkOp(3, [{ name: 'x', shape: [2, 3] }], (b, v) => [b.add1('add', {}, [b.add1('zeros', { shape: [2, 3] }, []), v.x!])]);
  });
});

describe('vjp of sequence ops (finite differences, f64)', () => {
  it('embedding (no gradient for the ids)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), dim, dim, dim, seed, (V, D, T, B, s) => {
        const ids = Array.from({ length: T * B }, (_, i) => (i * 7 + s) % V);
        checkOp(s, [{ name: 'table', shape: [V, D] }, { name: 'ids', shape: [T, B], dtype: 'i32', values: ids }], (b, v) => [
          b.add1('embedding', {}, [v.table!, v.ids!]),
        ]);
      }),
      runs,
    );
  });

  it('lstm (all inputs, all three outputs)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), seed, (T, B, D, H, s) => {
        const specs = [
          { name: 'x', shape: [T, B, D] },
          { name: 'wx', shape: [D, 4 * H] },
          { name: 'wh', shape: [H, 4 * H] },
          { name: 'b', shape: [4 * H] },
          { name: 'h0', shape: [B, H] },
          { name: 'c0', shape: [B, H] },
        ];
        checkOp(s, specs, (b, v) => b.addNode('lstm', {}, specs.map((sp) => v[sp.name]!)));
      }),
      runs,
    );
  });

  it('lstm with only the sequence output used (zeros for dhT, dcT)', () => {
    const specs = [
      { name: 'x', shape: [3, 2, 2] },
      { name: 'wx', shape: [2, 8] },
      { name: 'wh', shape: [2, 8] },
      { name: 'b', shape: [8] },
      { name: 'h0', shape: [2, 2] },
      { name: 'c0', shape: [2, 2] },
    ];
    checkOp(9, specs, (b, v) => [b.addNode('lstm', {}, specs.map((sp) => v[sp.name]!))[0]!]);
  });

  it('dropout in training (same mask in the backward) and in evaluation', () => {
    fc.assert(
      fc.property(fc.array(dim, { minLength: 1, maxLength: 3 }), fc.double({ min: 0, max: 0.8, noNaN: true }), fc.integer({ min: 0, max: 5 }), seed, (shape, rate, stream, s) => {
        const c = opCase(s, [{ name: 'x', shape }], (b, v) => [b.add1('dropout', { rate, stream }, [v.x!])]);
        fdCheck(c.graph, c.feeds, { ctx: { seed: s, step: 4, training: true } });
        fdCheck(c.graph, c.feeds, { ctx: { seed: s, step: 4, training: false } });
      }),
      runs,
    );
  });

  it('dropout at rate 0.5 zeroes the gradient exactly where the forward mask is 0', () => {
    const c = opCase(1, [{ name: 'x', shape: [4, 8] }], (b, v) => [b.add1('dropout', { rate: 0.5, stream: 2 }, [v.x!])]);
    const ctx = { seed: 3, step: 1, training: true, precision: 'f64' as const };
    const dg = differentiate(c.graph);
    const outs = interpret(dg, c.feeds, ctx);
    const g = Array.from(outs['grad:x']!.data);
    expect(g.some((v) => v === 0) && g.some((v) => v !== 0)).toBe(true);
  });

  it('softmaxCrossEntropy (no gradient for the labels)', () => {
    fc.assert(
      fc.property(dim, fc.integer({ min: 2, max: 5 }), seed, (N, V, s) => {
        const labels = Array.from({ length: N }, (_, i) => (i * 3 + s) % V);
        checkOp(s, [{ name: 'logits', shape: [N, V], lo: -3, hi: 3 }, { name: 'labels', shape: [N], dtype: 'i32', values: labels }], (b, v) => [
          b.add1('softmaxCrossEntropy', {}, [v.logits!, v.labels!]),
        ]);
      }),
      runs,
    );
  });
});
