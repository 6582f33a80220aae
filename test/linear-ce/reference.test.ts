/**
 * The CPU reference of linearCrossEntropy and its vjp: the loss equals softmaxCrossEntropy of
 * logits composed independently in the test (h·w + b in f64), including rows whose logits tie at
 * the max and a huge logit; the gradients dh, dw, db match central finite differences in f64
 * through the autodiff pass (the vjp rule + linearCrossEntropyGrad), over several shapes; a label
 * outside [0, V) throws naming the row, in both the loss and the gradient.
 */
import { describe, expect, it } from 'vitest';
import { linearCrossEntropy, linearCrossEntropyGrad } from '../../ir/reference/linear-cross-entropy.ts';
import { softmaxCrossEntropy } from '../../ir/reference/sequence.ts';
import { checkOp } from '../autodiff/helpers.ts';
import { rand } from '../ir/fd.ts';

/** h·w + b computed plainly (f64). */
function logits(h: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number>, N: number, D: number, V: number): Float64Array {
  const z = new Float64Array(N * V);
  for (let r = 0; r < N; r++) for (let j = 0; j < V; j++) {
    let s = b[j]!;
    for (let d = 0; d < D; d++) s += h[r * D + d]! * w[d * V + j]!;
    z[r * V + j] = s;
  }
  return z;
}

describe('linearCrossEntropy reference', () => {
  it('equals softmaxCrossEntropy(h·w + b) on random data, ties and a huge logit', () => {
    const r = rand(9);
    const [N, D, V] = [6, 4, 9];
    const h = r(N * D, -2, 2);
    const w = r(D * V, -1, 1);
    const b = r(V, -1, 1);
    const labels = [0, 8, 3, 3, 5, 1];
    expect(linearCrossEntropy(h, w, b, labels, N, D, V)).toBeCloseTo(softmaxCrossEntropy(logits(h, w, b, N, D, V), labels, N, V), 12);
    // All-zero h and b: every logit ties, the loss is log V.
    expect(linearCrossEntropy(new Float64Array(N * D), w, new Float64Array(V), labels, N, D, V)).toBeCloseTo(Math.log(V), 12);
    // One huge logit: a row labelled with it costs ~0, the others ~1000.
    const big = new Float64Array(V);
    big[2] = 1000;
    expect(linearCrossEntropy([0], [0, 0, 0, 0, 0, 0, 0, 0, 0], big, [2], 1, 1, V)).toBeCloseTo(0, 9);
    expect(linearCrossEntropy([0], [0, 0, 0, 0, 0, 0, 0, 0, 0], big, [4], 1, 1, V)).toBeCloseTo(1000, 9);
    expect(linearCrossEntropy([], w, b, [], 0, D, V)).toBe(0);
  });

  it.each([
    [1, 1, 2],
    [3, 2, 5],
    [5, 4, 3],
    [8, 3, 7],
  ])('gradients match finite differences (N=%i, D=%i, V=%i)', (N, D, V) => {
    const labels = Array.from({ length: N }, (_, i) => (i * 5 + 2) % V);
    const rep = checkOp(N * 100 + V, [
      { name: 'h', shape: [N, D], lo: -2, hi: 2 },
      { name: 'w', shape: [D, V] },
      { name: 'b', shape: [V], lo: -0.5, hi: 0.5 },
      { name: 'labels', shape: [N], dtype: 'i32', values: labels },
    ], (b, v) => [b.add1('linearCrossEntropy', {}, [v.h!, v.w!, v.b!, v.labels!])]);
    expect(rep.checked).toBe(N * D + D * V + V);
  });

  it('rejects labels out of range, naming the row', () => {
    expect(() => linearCrossEntropy([1, 2], [1, 2], [0, 0], [0, 2], 2, 1, 2)).toThrow(/label 2 in row 1 is out of range \[0, 2\)/);
    expect(() => linearCrossEntropyGrad([1, 2], [1, 2], [0, 0], [-1, 0], 1, 2, 1, 2)).toThrow(/label -1 in row 0 is out of range/);
  });
});
