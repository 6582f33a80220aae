/**
 * Reference semantics of the expert FFN split for training and its vjps: expertHidden (first
 * layer, hidden[s] = relu(x[sourceRow[s]]·w1[e] + b1[e])), expertOutput (second layer,
 * y[s] = hidden[s]·w2[e] + b2[e]), expertHiddenGrad and expertOutputGrad. The forward pieces use
 * exactly the arithmetic of ir/reference/dispatch.ts `expertFfn` (accumulators start at the bias,
 * products added in increasing d / h order in f64, hidden stored at `precision`), so
 * expertOutput(expertHidden(...)) equals expertFfn(...) bit for bit. Gradients sum in fixed orders:
 * per-expert weight and bias gradients over the expert's slots in increasing slot order, and
 * dx[row] = Σ_j dslot[position[row, j]] in increasing j order, all in f64 and rounded once;
 * per-slot intermediates a GPU would write to a buffer (dslot) are stored at `precision`.
 */
import { floatArray, type FloatArray, type Precision } from '../tensor.ts';

type Num = ArrayLike<number>;

function want(op: string, what: string, v: Num, m: number): void {
  if (v.length !== m) throw new Error(`${op} ${what}: expected ${m} elements, got ${v.length}`);
}

/** Checks offsets [n+1] (0 .. ≤ S, non-decreasing; slots from offsets[n] on are unused); throws naming the problem. */
function checkOffsets(op: string, offsets: Num, n: number, S: number): void {
  want(op, 'offsets', offsets, n + 1);
  if (offsets[0] !== 0 || !(offsets[n]! <= S)) {
    throw new Error(`${op} offsets must start at 0 and end at the slot count ${S} or before it (later slots unused), got ${offsets[0]} .. ${offsets[n]}`);
  }
  for (let e = 0; e < n; e++) {
    if (offsets[e + 1]! < offsets[e]!) throw new Error(`${op} offsets decrease at expert ${e}: ${offsets[e]} > ${offsets[e + 1]}`);
  }
}

function checkRow(op: string, sourceRow: Num, s: number, N: number): number {
  const row = sourceRow[s]!;
  if (!(Number.isInteger(row) && row >= 0 && row < N)) throw new Error(`${op}: sourceRow[${s}] = ${row} is out of range [0, ${N})`);
  return row;
}

/** Inputs of `expertHidden`: x [N,D], sourceRow [S], offsets [n+1], w1 [n,D,H], b1 [n,H]. */
export interface ExpertHiddenArgs {
  x: Num;
  sourceRow: Num;
  offsets: Num;
  w1: Num;
  b1: Num;
  N: number;
  D: number;
  H: number;
  n: number;
}

/** hidden [S,H]: hidden[s] = relu(x[sourceRow[s]]·w1[e] + b1[e]) for the expert e owning slot s. */
export function expertHidden(a: ExpertHiddenArgs, precision: Precision = 'f32'): FloatArray {
  const { x, sourceRow, offsets, w1, b1, N, D, H, n } = a;
  const S = sourceRow.length;
  const op = 'expertHidden';
  want(op, 'x', x, N * D);
  want(op, 'w1', w1, n * D * H);
  want(op, 'b1', b1, n * H);
  checkOffsets(op, offsets, n, S);
  const hidden = floatArray(S * H, precision);
  const acc = new Float64Array(H);
  for (let e = 0; e < n; e++) {
    for (let s = offsets[e]!; s < offsets[e + 1]!; s++) {
      const row = checkRow(op, sourceRow, s, N);
      for (let h = 0; h < H; h++) acc[h] = b1[e * H + h]!;
      for (let d = 0; d < D; d++) {
        const xv = x[row * D + d]!;
        const base = (e * D + d) * H;
        for (let h = 0; h < H; h++) acc[h]! += xv * w1[base + h]!;
      }
      for (let h = 0; h < H; h++) hidden[s * H + h] = acc[h]! > 0 ? acc[h]! : 0;
    }
  }
  return hidden;
}

/** Inputs of `expertOutput`: hidden [S,H], offsets [n+1], w2 [n,H,Dout], b2 [n,Dout]. */
export interface ExpertOutputArgs {
  hidden: Num;
  offsets: Num;
  w2: Num;
  b2: Num;
  S: number;
  H: number;
  Dout: number;
  n: number;
}

/** y [S,Dout]: y[s] = hidden[s]·w2[e] + b2[e] for the expert e owning slot s. */
export function expertOutput(a: ExpertOutputArgs, precision: Precision = 'f32'): FloatArray {
  const { hidden, offsets, w2, b2, S, H, Dout, n } = a;
  const op = 'expertOutput';
  want(op, 'hidden', hidden, S * H);
  want(op, 'w2', w2, n * H * Dout);
  want(op, 'b2', b2, n * Dout);
  checkOffsets(op, offsets, n, S);
  const y = floatArray(S * Dout, precision);
  const acc = new Float64Array(Dout);
  for (let e = 0; e < n; e++) {
    for (let s = offsets[e]!; s < offsets[e + 1]!; s++) {
      for (let o = 0; o < Dout; o++) acc[o] = b2[e * Dout + o]!;
      for (let h = 0; h < H; h++) {
        const hv = hidden[s * H + h]!;
        const base = (e * H + h) * Dout;
        for (let o = 0; o < Dout; o++) acc[o]! += hv * w2[base + o]!;
      }
      for (let o = 0; o < Dout; o++) y[s * Dout + o] = acc[o]!;
    }
  }
  return y;
}

/** Inputs of `expertHiddenGrad`. */
export interface ExpertHiddenGradArgs {
  /** [N,D] */
  x: Num;
  /** [S], S = N·k */
  sourceRow: Num;
  /** [n+1] */
  offsets: Num;
  /** [N,k]: the slot of routing pair (row, j); sourceRow[position[row,j]] must be row. */
  position: Num;
  /** [n,D,H] */
  w1: Num;
  /** [S,H], the forward output (relu applied). */
  hidden: Num;
  /** [S,H] */
  dhidden: Num;
  N: number;
  D: number;
  H: number;
  n: number;
  k: number;
}

/** Outputs of `expertHiddenGrad`: dx [N,D], dw1 [n,D,H], db1 [n,H]. */
export interface ExpertHiddenGradResult {
  dx: FloatArray;
  dw1: FloatArray;
  db1: FloatArray;
}

/**
 * The vjp of expertHidden. dpre = dhidden·[hidden > 0]; dslot[s] = dpre[s]·w1[e]ᵀ (Σ over h in
 * increasing order, f64, stored at `precision`); dx[row] = Σ_j dslot[position[row,j]] in increasing
 * j order; dw1[e] = Σ_{s∈e} x[sourceRow[s]]ᵀ·dpre[s] and db1[e] = Σ_{s∈e} dpre[s], over the expert's
 * slots in increasing slot order, in f64, rounded once. Throws when a position is out of range or
 * does not point at a slot filled from its own row.
 */
export function expertHiddenGrad(a: ExpertHiddenGradArgs, precision: Precision = 'f32'): ExpertHiddenGradResult {
  const { x, sourceRow, offsets, position, w1, hidden, dhidden, N, D, H, n, k } = a;
  const S = sourceRow.length;
  const op = 'expertHiddenGrad';
  want(op, 'x', x, N * D);
  want(op, 'position', position, N * k);
  want(op, 'w1', w1, n * D * H);
  want(op, 'hidden', hidden, S * H);
  want(op, 'dhidden', dhidden, S * H);
  checkOffsets(op, offsets, n, S);
  const dslot = floatArray(S * D, precision);
  const dw1 = new Float64Array(n * D * H);
  const db1 = new Float64Array(n * H);
  const dpre = new Float64Array(H);
  for (let e = 0; e < n; e++) {
    for (let s = offsets[e]!; s < offsets[e + 1]!; s++) {
      const row = checkRow(op, sourceRow, s, N);
      for (let h = 0; h < H; h++) dpre[h] = hidden[s * H + h]! > 0 ? dhidden[s * H + h]! : 0;
      for (let d = 0; d < D; d++) {
        const base = (e * D + d) * H;
        let acc = 0;
        for (let h = 0; h < H; h++) acc += dpre[h]! * w1[base + h]!;
        dslot[s * D + d] = acc;
        const xv = x[row * D + d]!;
        for (let h = 0; h < H; h++) dw1[base + h]! += xv * dpre[h]!;
      }
      for (let h = 0; h < H; h++) db1[e * H + h]! += dpre[h]!;
    }
  }
  const dx = floatArray(N * D, precision);
  const acc = new Float64Array(D);
  for (let r = 0; r < N; r++) {
    acc.fill(0);
    for (let j = 0; j < k; j++) {
      const s = position[r * k + j]!;
      if (s === -1) continue; // no expert (balanced gating's padding)
      if (!(Number.isInteger(s) && s >= 0 && s < S)) throw new Error(`${op}: position[${r},${j}] = ${s} is out of range [0, ${S})`);
      if (sourceRow[s] !== r) throw new Error(`${op}: position[${r},${j}] = ${s} is a slot of row ${sourceRow[s]}, not ${r} (position and sourceRow come from different dispatches)`);
      for (let d = 0; d < D; d++) acc[d]! += dslot[s * D + d]!;
    }
    dx.set(acc, r * D);
  }
  const round = (v: Float64Array): FloatArray => {
    const o = floatArray(v.length, precision);
    o.set(v);
    return o;
  };
  return { dx, dw1: round(dw1), db1: round(db1) };
}

/** Inputs of `expertOutputGrad`: hidden [S,H], offsets [n+1], w2 [n,H,Dout], dy [S,Dout]. */
export interface ExpertOutputGradArgs {
  hidden: Num;
  offsets: Num;
  w2: Num;
  dy: Num;
  S: number;
  H: number;
  Dout: number;
  n: number;
}

/** Outputs of `expertOutputGrad`: dhidden [S,H], dw2 [n,H,Dout], db2 [n,Dout]. */
export interface ExpertOutputGradResult {
  dhidden: FloatArray;
  dw2: FloatArray;
  db2: FloatArray;
}

/**
 * The vjp of expertOutput: dhidden[s] = dy[s]·w2[e]ᵀ (Σ over o in increasing order);
 * dw2[e] = Σ_{s∈e} hidden[s]ᵀ·dy[s] and db2[e] = Σ_{s∈e} dy[s], over the expert's slots in
 * increasing slot order; all in f64, rounded once.
 */
export function expertOutputGrad(a: ExpertOutputGradArgs, precision: Precision = 'f32'): ExpertOutputGradResult {
  const { hidden, offsets, w2, dy, S, H, Dout, n } = a;
  const op = 'expertOutputGrad';
  want(op, 'hidden', hidden, S * H);
  want(op, 'w2', w2, n * H * Dout);
  want(op, 'dy', dy, S * Dout);
  checkOffsets(op, offsets, n, S);
  const dhidden = floatArray(S * H, precision);
  const dw2 = new Float64Array(n * H * Dout);
  const db2 = new Float64Array(n * Dout);
  for (let e = 0; e < n; e++) {
    for (let s = offsets[e]!; s < offsets[e + 1]!; s++) {
      for (let h = 0; h < H; h++) {
        const base = (e * H + h) * Dout;
        const hv = hidden[s * H + h]!;
        let acc = 0;
        for (let o = 0; o < Dout; o++) {
          acc += dy[s * Dout + o]! * w2[base + o]!;
          dw2[base + o]! += hv * dy[s * Dout + o]!;
        }
        dhidden[s * H + h] = acc;
      }
      for (let o = 0; o < Dout; o++) db2[e * Dout + o]! += dy[s * Dout + o]!;
    }
  }
  const round = (v: Float64Array): FloatArray => {
    const o = floatArray(v.length, precision);
    o.set(v);
    return o;
  };
  return { dhidden, dw2: round(dw2), db2: round(db2) };
}
