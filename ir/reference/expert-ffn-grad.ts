/**
 * Reference semantics of `expertFfnGrad`, the vjp of the unsplit expert FFN with the hidden
 * activations recomputed (recompute policy 'experts'), written from the layer's equations and not
 * from any kernel: for every slot s of expert e (offsets[e] ≤ s < offsets[e+1]) with row
 * r = sourceRow[s], pre = x[r]·w1[e] + b1[e], hidden = relu(pre), dhidden = dy[s]·w2[e]ᵀ,
 * dpre = dhidden·[hidden > 0] (the relu mask), dslot[s] = dpre·w1[e]ᵀ; the weight and bias gradients are the sums
 * over the expert's slots of hiddenᵀ·dy[s], dy[s], x[r]ᵀ·dpre and dpre, and dx[r] = Σ_j
 * dslot[position[r, j]] over the row's routing pairs in j order (position −1: no expert, skipped).
 * Every product sum runs in f64 in increasing index order; the per-slot values a kernel keeps
 * between its two layers (hidden, dpre) and the per-slot dslot are rounded to `precision`, as the
 * split path (ir/reference/experts.ts) stores them, so both paths agree to rounding.
 */
import { floatArray, type FloatArray, type Precision } from '../tensor.ts';

type Num = ArrayLike<number>;

/** Inputs of `expertFfnGrad` (shapes as in ops.ts). */
export interface ExpertFfnGradArgs {
  /** [N,D] */
  x: Num;
  /** [S], S = N·k */
  sourceRow: Num;
  /** [n+1] */
  offsets: Num;
  /** [N,k]: the slot of routing pair (row, j), −1 for none; sourceRow[position[row,j]] must be row. */
  position: Num;
  /** [n,D,H] */
  w1: Num;
  /** [n,H] */
  b1: Num;
  /** [n,H,Dout] */
  w2: Num;
  /** [S,Dout] */
  dy: Num;
  N: number;
  D: number;
  H: number;
  Dout: number;
  n: number;
  k: number;
}

/** Outputs of `expertFfnGrad`. */
export interface ExpertFfnGradResult {
  dx: FloatArray;
  dw1: FloatArray;
  db1: FloatArray;
  dw2: FloatArray;
  db2: FloatArray;
}

function want(what: string, v: Num, m: number): void {
  if (v.length !== m) throw new Error(`expertFfnGrad ${what}: expected ${m} elements, got ${v.length}`);
}

/** The gradients of y = relu(x[sourceRow]·w1 + b1)·w2 + b2 (per expert segment) for upstream dy. */
export function expertFfnGrad(a: ExpertFfnGradArgs, precision: Precision = 'f32'): ExpertFfnGradResult {
  const { x, sourceRow, offsets, position, w1, b1, w2, dy, N, D, H, Dout, n, k } = a;
  const S = sourceRow.length;
  want('x', x, N * D);
  want('offsets', offsets, n + 1);
  want('position', position, N * k);
  want('w1', w1, n * D * H);
  want('b1', b1, n * H);
  want('w2', w2, n * H * Dout);
  want('dy', dy, S * Dout);
  if (offsets[0] !== 0 || !(offsets[n]! <= S)) {
    throw new Error(`expertFfnGrad offsets must start at 0 and end at the slot count ${S} or before it, got ${offsets[0]} .. ${offsets[n]}`);
  }
  const round = precision === 'f32' ? Math.fround : (v: number) => v;
  const dw1 = new Float64Array(n * D * H);
  const db1 = new Float64Array(n * H);
  const dw2 = new Float64Array(n * H * Dout);
  const db2 = new Float64Array(n * Dout);
  const dslot = floatArray(S * D, precision);
  const hidden = new Float64Array(H);
  const dpre = new Float64Array(H);
  for (let e = 0; e < n; e++) {
    if (offsets[e + 1]! < offsets[e]!) throw new Error(`expertFfnGrad offsets decrease at expert ${e}: ${offsets[e]} > ${offsets[e + 1]}`);
    for (let s = offsets[e]!; s < offsets[e + 1]!; s++) {
      const r = sourceRow[s]!;
      if (!(Number.isInteger(r) && r >= 0 && r < N)) throw new Error(`expertFfnGrad: sourceRow[${s}] = ${r} is out of range [0, ${N})`);
      for (let h = 0; h < H; h++) {
        let acc = b1[e * H + h]!;
        for (let d = 0; d < D; d++) acc += x[r * D + d]! * w1[(e * D + d) * H + h]!;
        hidden[h] = round(acc > 0 ? acc : 0);
      }
      for (let h = 0; h < H; h++) {
        let acc = 0;
        for (let o = 0; o < Dout; o++) acc += dy[s * Dout + o]! * w2[(e * H + h) * Dout + o]!;
        dpre[h] = hidden[h]! > 0 ? round(acc) : 0;
      }
      for (let h = 0; h < H; h++) {
        for (let o = 0; o < Dout; o++) dw2[(e * H + h) * Dout + o]! += hidden[h]! * dy[s * Dout + o]!;
        db1[e * H + h]! += dpre[h]!;
      }
      for (let o = 0; o < Dout; o++) db2[e * Dout + o]! += dy[s * Dout + o]!;
      for (let d = 0; d < D; d++) {
        const xv = x[r * D + d]!;
        let acc = 0;
        for (let h = 0; h < H; h++) {
          dw1[(e * D + d) * H + h]! += xv * dpre[h]!;
          acc += dpre[h]! * w1[(e * D + d) * H + h]!;
        }
        dslot[s * D + d] = acc;
      }
    }
  }
  const dx = floatArray(N * D, precision);
  const acc = new Float64Array(D);
  for (let r = 0; r < N; r++) {
    acc.fill(0);
    for (let j = 0; j < k; j++) {
      const s = position[r * k + j]!;
      if (s === -1) continue;
      if (!(Number.isInteger(s) && s >= 0 && s < S)) throw new Error(`expertFfnGrad: position[${r},${j}] = ${s} is out of range [0, ${S})`);
      if (sourceRow[s] !== r) throw new Error(`expertFfnGrad: position[${r},${j}] = ${s} is a slot of row ${sourceRow[s]}, not ${r} (position and sourceRow come from different dispatches)`);
      for (let d = 0; d < D; d++) acc[d]! += dslot[s * D + d]!;
    }
    dx.set(acc, r * D);
  }
  const out = (v: Float64Array): FloatArray => {
    const o = floatArray(v.length, precision);
    o.set(v);
    return o;
  };
  return { dx, dw1: out(dw1), db1: out(db1), dw2: out(dw2), db2: out(db2) };
}
