/**
 * Reference semantics of the language-model layers around the MoE: embedding lookup, the LSTM
 * recurrence (gate order i, f, g, o as documented in ir/ops.ts), inverted dropout driven by the
 * counter-based RNG of ir/rng.ts, and the mean softmax cross-entropy. Pure functions over flat
 * row-major arrays; sums in f64; state (h, c) is stored at the requested precision after every
 * step, as a GPU would keep it in f32 buffers between timesteps.
 */
import { uniformDraw } from '../rng.ts';
import { floatArray, type FloatArray, type Precision } from '../tensor.ts';
import { sigmoidScalar } from './dense.ts';

type Num = ArrayLike<number>;

/** (table [V,D], ids [M]) → [M,D]; throws naming the offending position when an id ∉ [0,V). */
export function embedding(table: Num, V: number, D: number, ids: Num, precision: Precision = 'f32'): FloatArray {
  if (table.length !== V * D) throw new Error(`embedding table: expected ${V * D} elements, got ${table.length}`);
  const out = floatArray(ids.length * D, precision);
  for (let m = 0; m < ids.length; m++) {
    const id = ids[m]!;
    if (!(Number.isInteger(id) && id >= 0 && id < V)) {
      throw new Error(`token id ${id} at position ${m} is out of range [0, ${V}) for an embedding table of ${V} rows`);
    }
    for (let d = 0; d < D; d++) out[m * D + d] = table[id * D + d]!;
  }
  return out;
}

/** Inputs of `lstm`: x [T,B,D], wx [D,4H], wh [H,4H], b [4H], h0 [B,H], c0 [B,H]. */
export interface LstmArgs {
  x: Num;
  wx: Num;
  wh: Num;
  b: Num;
  h0: Num;
  c0: Num;
  T: number;
  B: number;
  D: number;
  H: number;
}

/** Outputs of `lstm`: h [T,B,H] (every step's hidden state), hT [B,H], cT [B,H]. */
export interface LstmResult {
  h: FloatArray;
  hT: FloatArray;
  cT: FloatArray;
}

/**
 * The LSTM over a sequence: z = x_t·wx + h_{t−1}·wh + b (z accumulated in f64), i = σ(z_i),
 * f = σ(z_f), g = tanh(z_g), o = σ(z_o), c_t = f·c_{t−1} + i·g, h_t = o·tanh(c_t). h_t and c_t are
 * stored at `precision` after each step and the next step reads the stored values.
 */
export function lstm(a: LstmArgs, precision: Precision = 'f32'): LstmResult {
  const { x, wx, wh, b, h0, c0, T, B, D, H } = a;
  const G = 4 * H;
  const expect = (what: string, v: Num, n: number): void => {
    if (v.length !== n) throw new Error(`lstm ${what}: expected ${n} elements, got ${v.length}`);
  };
  expect('x', x, T * B * D);
  expect('wx', wx, D * G);
  expect('wh', wh, H * G);
  expect('b', b, G);
  expect('h0', h0, B * H);
  expect('c0', c0, B * H);
  return lstmRecurrence(a, precision);
}

/** What `lstmRecurrence` records for backpropagation (lstmGrad in grad-sequence.ts). */
export interface LstmTrace {
  /** hs[t] = the stored h_{t−1} (hs[0] = h0), for t < T. */
  readonly hs: FloatArray[];
  /** cs[t] = the stored c_{t−1} (cs[0] = c0), for t ≤ T. */
  readonly cs: FloatArray[];
  /** [T,B,4H] gate activations in f64: σ(z_i), σ(z_f), tanh(z_g), σ(z_o). */
  readonly gates: Float64Array;
}

/**
 * The recurrence of `lstm` (arguments not checked). With `trace`, also records the stored states
 * and the f64 gates of every step, so lstmGrad recomputes the forward with exactly its arithmetic.
 */
export function lstmRecurrence(a: LstmArgs, precision: Precision, trace?: LstmTrace): LstmResult {
  const { x, wx, wh, b, h0, c0, T, B, D, H } = a;
  const G = 4 * H;
  const h = floatArray(T * B * H, precision);
  let hPrev: FloatArray = floatArray(B * H, precision);
  let cPrev: FloatArray = floatArray(B * H, precision);
  hPrev.set(Array.from(h0));
  cPrev.set(Array.from(c0));
  const z = new Float64Array(G);
  for (let t = 0; t < T; t++) {
    trace?.hs.push(hPrev);
    trace?.cs.push(cPrev);
    const hNext = floatArray(B * H, precision);
    const cNext = floatArray(B * H, precision);
    for (let r = 0; r < B; r++) {
      for (let j = 0; j < G; j++) z[j] = b[j]!;
      const xo = (t * B + r) * D;
      for (let d = 0; d < D; d++) {
        const xv = x[xo + d]!;
        for (let j = 0; j < G; j++) z[j]! += xv * wx[d * G + j]!;
      }
      for (let q = 0; q < H; q++) {
        const hv = hPrev[r * H + q]!;
        for (let j = 0; j < G; j++) z[j]! += hv * wh[q * G + j]!;
      }
      const go = (t * B + r) * G;
      for (let q = 0; q < H; q++) {
        const ig = sigmoidScalar(z[q]!);
        const fg = sigmoidScalar(z[H + q]!);
        const gg = Math.tanh(z[2 * H + q]!);
        const og = sigmoidScalar(z[3 * H + q]!);
        if (trace) {
          trace.gates[go + q] = ig;
          trace.gates[go + H + q] = fg;
          trace.gates[go + 2 * H + q] = gg;
          trace.gates[go + 3 * H + q] = og;
        }
        cNext[r * H + q] = fg * cPrev[r * H + q]! + ig * gg;
        hNext[r * H + q] = og * Math.tanh(cNext[r * H + q]!);
      }
    }
    h.set(hNext, t * B * H);
    hPrev = hNext;
    cPrev = cNext;
  }
  trace?.cs.push(cPrev);
  return { h, hT: hPrev, cT: cPrev };
}

/** Inputs of `dropout`. `rows` = leading dims flattened, `cols` = last dim; rowOffset is 0. */
export interface DropoutArgs {
  x: Num;
  rows: number;
  cols: number;
  rate: number;
  training: boolean;
  seed: number;
  step: number;
  stream: number;
}

/**
 * Inverted dropout: training → x·(u ≥ rate)/(1 − rate) with u = uniformDraw(seed, stream, step,
 * row, col); evaluation (or rate 0) → x unchanged.
 */
export function dropout(a: DropoutArgs, precision: Precision = 'f32'): FloatArray {
  const { x, rows, cols, rate, training, seed, step, stream } = a;
  if (x.length !== rows * cols) throw new Error(`dropout: expected ${rows * cols} elements, got ${x.length}`);
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${rate}`);
  const out = floatArray(x.length, precision);
  if (!training) {
    out.set(Array.from(x));
    return out;
  }
  const keepScale = 1 / (1 - rate);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const u = uniformDraw({ seed, stream, step, row: r, col: c });
      out[r * cols + c] = u >= rate ? x[r * cols + c]! * keepScale : 0;
    }
  }
  return out;
}

/**
 * Mean over rows of −log softmax(logits)[label] = logsumexp(row) − row[label], logits [N,V],
 * labels [N]. Throws naming the row when a label ∉ [0,V). N = 0 gives 0.
 */
export function softmaxCrossEntropy(logits: Num, labels: Num, N: number, V: number): number {
  if (logits.length !== N * V) throw new Error(`softmaxCrossEntropy logits: expected ${N * V} elements, got ${logits.length}`);
  if (labels.length !== N) throw new Error(`softmaxCrossEntropy labels: expected ${N} elements, got ${labels.length}`);
  let total = 0;
  for (let r = 0; r < N; r++) {
    const label = labels[r]!;
    if (!(Number.isInteger(label) && label >= 0 && label < V)) {
      throw new Error(`label ${label} in row ${r} is out of range [0, ${V}) for ${V} classes`);
    }
    let m = -Infinity;
    for (let j = 0; j < V; j++) m = Math.max(m, logits[r * V + j]!);
    let s = 0;
    for (let j = 0; j < V; j++) {
      const v = logits[r * V + j]!;
      s += v === m ? 1 : Math.exp(v - m);
    }
    const lv = logits[r * V + label]!;
    total += Math.log(s) - (lv === m ? 0 : lv - m);
  }
  return N === 0 ? 0 : total / N;
}
