/**
 * Reference semantics of the gradient ops of the language-model layers: embeddingGrad (rows of dy
 * summed per token id, in position order), lstmGrad (backpropagation through time of
 * ir/reference/sequence.ts `lstm`, whose forward states are recomputed here with exactly the
 * forward's arithmetic, including the rounding of h_t and c_t to `precision` after each step) and
 * softmaxCrossEntropyGrad ((softmax − onehot)·dloss/N). Pure functions over flat row-major arrays;
 * sums in f64 in a fixed documented order; values that a GPU would keep in buffers between kernels
 * (the carried dh/dc of the recurrence, the per-step gate pre-activation gradients dz) are stored
 * at `precision`, so at 'f64' these are the exact derivatives of the forward functions.
 */
import { floatArray, type FloatArray, type Precision } from '../tensor.ts';
import { lstmRecurrence, type LstmArgs, type LstmTrace } from './sequence.ts';

type Num = ArrayLike<number>;

/**
 * (ids [M], dy [M,D]) → dTable [vocab, D]: dTable[id] = Σ dy[m] over the positions m with
 * ids[m] = id, accumulated in f64 in increasing position order and rounded once. Throws naming the
 * position when an id ∉ [0, vocab).
 */
export function embeddingGrad(ids: Num, dy: Num, vocab: number, D: number, precision: Precision = 'f32'): FloatArray {
  const M = ids.length;
  if (dy.length !== M * D) throw new Error(`embeddingGrad dy: expected ${M * D} elements ([${M},${D}]), got ${dy.length}`);
  const acc = new Float64Array(vocab * D);
  for (let m = 0; m < M; m++) {
    const id = ids[m]!;
    if (!(Number.isInteger(id) && id >= 0 && id < vocab)) {
      throw new Error(`token id ${id} at position ${m} is out of range [0, ${vocab}) for an embedding table of ${vocab} rows`);
    }
    for (let d = 0; d < D; d++) acc[id * D + d]! += dy[m * D + d]!;
  }
  const out = floatArray(vocab * D, precision);
  out.set(acc);
  return out;
}

/** Inputs of `lstmGrad`: the forward's inputs plus upstream gradients dh [T,B,H], dhT [B,H], dcT [B,H]. */
export interface LstmGradArgs extends LstmArgs {
  dh: Num;
  dhT: Num;
  dcT: Num;
}

/** Outputs of `lstmGrad`, shaped like the forward's inputs. */
export interface LstmGradResult {
  /** [T,B,D] */
  dx: FloatArray;
  /** [D,4H] */
  dwx: FloatArray;
  /** [H,4H] */
  dwh: FloatArray;
  /** [4H] */
  db: FloatArray;
  /** [B,H] */
  dh0: FloatArray;
  /** [B,H] */
  dc0: FloatArray;
}

/**
 * Backpropagation through time of `lstm` (gate order i, f, g, o). The forward is recomputed exactly
 * as `lstm` does (z in f64, h_t and c_t stored at `precision`, the next step reading the stored
 * values); rounding is treated as the identity when differentiating. Going from t = T−1 down to 0,
 * with carried gradients dhc (initially dhT) and dcc (initially dcT):
 *   dH = dh[t] + dhc; tc = tanh(c_t); dC = dcc + dH·o·(1 − tc²);
 *   dz_i = dC·g·i(1−i), dz_f = dC·c_{t−1}·f(1−f), dz_g = dC·i·(1−g²), dz_o = dH·tc·o(1−o);
 *   dcc ← dC·f; dhc ← dz·whᵀ (Σ over the 4H gate columns in increasing order).
 * dz [T,B,4H] and the carried dhc/dcc are stored at `precision`. Then, from the stored dz, in f64
 * with rows (t, b) in increasing order: dx = dz·wxᵀ, dwx = xᵀ·dz, dwh = h_prevᵀ·dz (h_prev the
 * stored h_{t−1}, h0 at t = 0), db = Σ_{t,b} dz. dh0/dc0 are the final carried gradients.
 */
export function lstmGrad(a: LstmGradArgs, precision: Precision = 'f32'): LstmGradResult {
  const { x, wx, wh, b, h0, c0, dh, dhT, dcT, T, B, D, H } = a;
  const G = 4 * H;
  const expect = (what: string, v: Num, n: number): void => {
    if (v.length !== n) throw new Error(`lstmGrad ${what}: expected ${n} elements, got ${v.length}`);
  };
  expect('x', x, T * B * D);
  expect('wx', wx, D * G);
  expect('wh', wh, H * G);
  expect('b', b, G);
  expect('h0', h0, B * H);
  expect('c0', c0, B * H);
  expect('dh', dh, T * B * H);
  expect('dhT', dhT, B * H);
  expect('dcT', dcT, B * H);

  // ---- forward recompute by `lstm`'s own recurrence: hs[t] = stored h_{t−1} (hs[0] = h0),
  // cs[t] = stored c_{t−1} (cs[t + 1] = stored c_t); gates σ(z_i), σ(z_f), tanh(z_g), σ(z_o) in f64.
  const trace: LstmTrace = { hs: [], cs: [], gates: new Float64Array(T * B * G) };
  lstmRecurrence(a, precision, trace);
  const { hs, cs, gates } = trace;

  // ---- backward through time.
  const dz = floatArray(T * B * G, precision);
  let dhc = floatArray(B * H, precision);
  let dcc = floatArray(B * H, precision);
  dhc.set(Array.from(dhT));
  dcc.set(Array.from(dcT));
  for (let t = T - 1; t >= 0; t--) {
    const cOld = cs[t]!;
    const cNew = cs[t + 1]!;
    const dcNext = floatArray(B * H, precision);
    const dhNext = floatArray(B * H, precision);
    for (let r = 0; r < B; r++) {
      const go = (t * B + r) * G;
      for (let q = 0; q < H; q++) {
        const ig = gates[go + q]!;
        const fg = gates[go + H + q]!;
        const gg = gates[go + 2 * H + q]!;
        const og = gates[go + 3 * H + q]!;
        const dH = dh[(t * B + r) * H + q]! + dhc[r * H + q]!;
        const tc = Math.tanh(cNew[r * H + q]!);
        const dC = dcc[r * H + q]! + dH * og * (1 - tc * tc);
        dz[go + q] = dC * gg * ig * (1 - ig);
        dz[go + H + q] = dC * cOld[r * H + q]! * fg * (1 - fg);
        dz[go + 2 * H + q] = dC * ig * (1 - gg * gg);
        dz[go + 3 * H + q] = dH * tc * og * (1 - og);
        dcNext[r * H + q] = dC * fg;
      }
      for (let q = 0; q < H; q++) {
        let s = 0;
        for (let j = 0; j < G; j++) s += dz[go + j]! * wh[q * G + j]!;
        dhNext[r * H + q] = s;
      }
    }
    dhc = dhNext;
    dcc = dcNext;
  }

  // ---- parameter and input gradients from the stored dz, rows (t, b) in increasing order.
  const dx = floatArray(T * B * D, precision);
  const accD = new Float64Array(D);
  const dwx = new Float64Array(D * G);
  const dwh = new Float64Array(H * G);
  const db = new Float64Array(G);
  for (let t = 0; t < T; t++) {
    const hp = hs[t]!;
    for (let r = 0; r < B; r++) {
      const go = (t * B + r) * G;
      const xo = (t * B + r) * D;
      accD.fill(0);
      for (let d = 0; d < D; d++) {
        let s = 0;
        for (let j = 0; j < G; j++) s += dz[go + j]! * wx[d * G + j]!;
        accD[d] = s;
      }
      dx.set(accD, xo);
      for (let d = 0; d < D; d++) {
        const xv = x[xo + d]!;
        for (let j = 0; j < G; j++) dwx[d * G + j]! += xv * dz[go + j]!;
      }
      for (let q = 0; q < H; q++) {
        const hv = hp[r * H + q]!;
        for (let j = 0; j < G; j++) dwh[q * G + j]! += hv * dz[go + j]!;
      }
      for (let j = 0; j < G; j++) db[j]! += dz[go + j]!;
    }
  }
  const round = (v: Float64Array): FloatArray => {
    const o = floatArray(v.length, precision);
    o.set(v);
    return o;
  };
  return { dx, dwx: round(dwx), dwh: round(dwh), db: round(db), dh0: dhc, dc0: dcc };
}

/**
 * (logits [N,V], labels [N], dloss) → dlogits [N,V] = (p − onehot(label))·(dloss/N), with p the
 * row softmax computed as `softmaxCrossEntropy` does (max-subtracted, e = 1 at the max, Σ in f64 in
 * column order). Throws naming the row when a label ∉ [0,V). N = 0 gives an empty array.
 */
export function softmaxCrossEntropyGrad(logits: Num, labels: Num, dloss: number, N: number, V: number, precision: Precision = 'f32'): FloatArray {
  if (logits.length !== N * V) throw new Error(`softmaxCrossEntropyGrad logits: expected ${N * V} elements, got ${logits.length}`);
  if (labels.length !== N) throw new Error(`softmaxCrossEntropyGrad labels: expected ${N} elements, got ${labels.length}`);
  const out = floatArray(N * V, precision);
  const scale = dloss / N;
  const e = new Float64Array(V);
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
      e[j] = v === m ? 1 : Math.exp(v - m);
      s += e[j]!;
    }
    for (let j = 0; j < V; j++) out[r * V + j] = (e[j]! / s - (j === label ? 1 : 0)) * scale;
  }
  return out;
}
