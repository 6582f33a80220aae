/**
 * Reference semantics of the MoE data movement: `dispatch` (a stable counting sort of the
 * (row, j) routing pairs by expert: histogram, exclusive scan, scatter in (row, j) order),
 * `expertFfn` (each expert's two-layer ReLU FFN applied to its contiguous segment of slots) and
 * `combine` (each row gathers its k expert outputs and sums them weighted by its gates, in j
 * order). Deterministic by construction: no position depends on timing, as the GPU kernels must
 * guarantee with a scan rather than atomics. Expert −1 means "no expert" (the padding of
 * strictly balanced gating's routing lists): such a pair gets no slot and position −1, combine
 * skips it, and the slots from offsets[n] to N·k are unused (sourceRow −1, expert output 0).
 */
import { floatArray, type FloatArray, type Precision } from '../tensor.ts';

type Num = ArrayLike<number>;

/** Result of `dispatch`. */
export interface Dispatch {
  /** [N·k]: the row of x filling each expert-ordered slot. */
  sourceRow: Int32Array;
  /** [N,k]: the slot that routing pair (row, j) went to. */
  position: Int32Array;
  /** [n+1]: expert e owns slots offsets[e] .. offsets[e+1]−1. */
  offsets: Int32Array;
}

/**
 * Counting sort of indices [N,k] by expert (n experts), stable by (row, j). Index −1 = no expert
 * (position −1, no slot; offsets[n] counts only real pairs). Throws on an index ∉ [0,n) ∪ {−1}.
 */
export function dispatch(indices: Num, N: number, k: number, n: number): Dispatch {
  if (indices.length !== N * k) throw new Error(`dispatch: indices must have ${N * k} elements ([${N},${k}]), got ${indices.length}`);
  const counts = new Int32Array(n);
  for (let i = 0; i < N * k; i++) {
    const e = indices[i]!;
    if (e === -1) continue;
    if (!(Number.isInteger(e) && e >= 0 && e < n)) throw new Error(`expert index ${e} at [${Math.floor(i / k)},${i % k}] is out of range [0, ${n})`);
    counts[e]!++;
  }
  const offsets = new Int32Array(n + 1);
  for (let e = 0; e < n; e++) offsets[e + 1] = offsets[e]! + counts[e]!;
  const cursor = offsets.slice(0, n);
  const sourceRow = new Int32Array(N * k).fill(-1);
  const position = new Int32Array(N * k);
  for (let r = 0; r < N; r++) {
    for (let j = 0; j < k; j++) {
      const e = indices[r * k + j]!;
      if (e === -1) {
        position[r * k + j] = -1;
        continue;
      }
      const slot = cursor[e]!++;
      sourceRow[slot] = r;
      position[r * k + j] = slot;
    }
  }
  return { sourceRow, position, offsets };
}

/** Inputs of `expertFfn`. */
export interface ExpertFfnArgs {
  /** [N,D] rows. */
  x: Num;
  /** [S] row of x for each slot. */
  sourceRow: Num;
  /** [n+1] segment bounds, offsets[0] = 0, non-decreasing, offsets[n] ≤ S (later slots are unused). */
  offsets: Num;
  /** [n,D,H], [n,H], [n,H,Dout], [n,Dout]. */
  w1: Num;
  b1: Num;
  w2: Num;
  b2: Num;
  N: number;
  D: number;
  H: number;
  Dout: number;
  n: number;
}

/**
 * y[s] = relu(x[sourceRow[s]]·w1[e] + b1[e])·w2[e] + b2[e] for every slot s of expert e; the hidden
 * activation is stored at `precision` (as in a tile of GPU memory), each dot product summed in f64.
 */
export function expertFfn(a: ExpertFfnArgs, precision: Precision = 'f32'): FloatArray {
  const { x, sourceRow, offsets, w1, b1, w2, b2, N, D, H, Dout, n } = a;
  const S = sourceRow.length;
  const want = (what: string, v: Num, m: number): void => {
    if (v.length !== m) throw new Error(`expertFfn ${what}: expected ${m} elements, got ${v.length}`);
  };
  want('x', x, N * D);
  want('offsets', offsets, n + 1);
  want('w1', w1, n * D * H);
  want('b1', b1, n * H);
  want('w2', w2, n * H * Dout);
  want('b2', b2, n * Dout);
  if (offsets[0] !== 0 || !(offsets[n]! <= S)) {
    throw new Error(`expertFfn offsets must start at 0 and end at the slot count ${S} or before it (later slots unused), got ${offsets[0]} .. ${offsets[n]}`);
  }
  const y = floatArray(S * Dout, precision);
  const hidden = floatArray(H, precision);
  const acc = new Float64Array(Math.max(H, Dout));
  for (let e = 0; e < n; e++) {
    const lo = offsets[e]!;
    const hi = offsets[e + 1]!;
    if (hi < lo) throw new Error(`expertFfn offsets decrease at expert ${e}: ${lo} > ${hi}`);
    for (let s = lo; s < hi; s++) {
      const row = sourceRow[s]!;
      if (!(Number.isInteger(row) && row >= 0 && row < N)) throw new Error(`sourceRow[${s}] = ${row} is out of range [0, ${N})`);
      for (let h = 0; h < H; h++) acc[h] = b1[e * H + h]!;
      for (let d = 0; d < D; d++) {
        const xv = x[row * D + d]!;
        const base = (e * D + d) * H;
        for (let h = 0; h < H; h++) acc[h]! += xv * w1[base + h]!;
      }
      for (let h = 0; h < H; h++) hidden[h] = acc[h]! > 0 ? acc[h]! : 0;
      for (let o = 0; o < Dout; o++) acc[o] = b2[e * Dout + o]!;
      for (let h = 0; h < H; h++) {
        const hv = hidden[h]!;
        const base = (e * H + h) * Dout;
        for (let o = 0; o < Dout; o++) acc[o]! += hv * w2[base + o]!;
      }
      for (let o = 0; o < Dout; o++) y[s * Dout + o] = acc[o]!;
    }
  }
  return y;
}

/**
 * out[x] = Σ_j gates[x,j]·y[position[x,j]] over y [S,Dout], position/gates [N,k], summed in j order
 * in f64. Position −1 (no expert) is skipped. Throws on a position ∉ [0,S) ∪ {−1}.
 */
export function combine(y: Num, S: number, Dout: number, position: Num, gates: Num, N: number, k: number, precision: Precision = 'f32'): FloatArray {
  if (y.length !== S * Dout) throw new Error(`combine: y must have ${S * Dout} elements ([${S},${Dout}]), got ${y.length}`);
  if (position.length !== N * k || gates.length !== N * k) throw new Error(`combine: position and gates must have ${N * k} elements ([${N},${k}])`);
  const out = floatArray(N * Dout, precision);
  const acc = new Float64Array(Dout);
  for (let r = 0; r < N; r++) {
    acc.fill(0);
    for (let j = 0; j < k; j++) {
      const s = position[r * k + j]!;
      if (s === -1) continue;
      if (!(Number.isInteger(s) && s >= 0 && s < S)) throw new Error(`position[${r},${j}] = ${s} is out of range [0, ${S})`);
      const g = gates[r * k + j]!;
      for (let o = 0; o < Dout; o++) acc[o]! += g * y[s * Dout + o]!;
    }
    out.set(acc, r * Dout);
  }
  return out;
}
