/**
 * Reference semantics of the multi-device ops (the paper's §3.1 schedule): the random draws of one
 * device's batch slice (`shardRandomNormal`, `shardDropout`: the same numbers one device draws for
 * the same global rows) and the three collectives, each written as what every device SENDS
 * (`*Messages`: one message per destination device, in the order the receiver reads them) and how a
 * device builds its outputs from what it RECEIVED (`*Receive`). A collective's meaning is
 * receive ∘ transport ∘ send; the transport (runtime/multi-device/transport.ts) only moves the
 * bytes, so the same definitions serve the CPU simulation, WebGPU devices and (by design) several
 * hosts. Every order is fixed (an expert's rows by global row: row block, source device, slot; sums
 * in device order), so results are the same bits every run and the same order at every device count.
 */
import { normalDraw, uniformDraw } from '../rng.ts';
import { floatArray, type FloatArray, type Precision } from '../tensor.ts';

type Num = ArrayLike<number>;
type Rows = Float32Array | Float64Array;

/** A new float array of `n` like `x` (Float64Array for the f64 interpreter, else Float32Array). */
const likeRows = (x: unknown, n: number): Rows => (x instanceof Float64Array ? new Float64Array(n) : new Float32Array(n));

/** The row map of one device's slice: G(l) = shardOffset + ⌊l/rowBlock⌋·rowStride + (l mod rowBlock). */
export interface RowMap {
  readonly rowBlock: number;
  readonly rowStride: number;
  readonly shardOffset: number;
}

/** The global row of local row `l` under `m`. */
function globalRow(m: RowMap, l: number): number {
  return m.shardOffset + Math.floor(l / m.rowBlock) * m.rowStride + (l % m.rowBlock);
}

/** Standard normal draws [rows, cols]; element (r, c) is drawn at (stream, G(rowOffset + r), c). */
export function shardRandomNormal(rows: number, cols: number, site: RowMap & { seed: number; step: number; stream: number; rowOffset: number }, precision: Precision = 'f32'): FloatArray {
  const out = floatArray(rows * cols, precision);
  for (let r = 0; r < rows; r++) {
    const row = globalRow(site, site.rowOffset + r);
    for (let c = 0; c < cols; c++) out[r * cols + c] = normalDraw({ seed: site.seed, stream: site.stream, step: site.step, row, col: c });
  }
  return out;
}

/** Inverted dropout of a [rows, cols] slice whose local row l is global row G(l) (see `dropout` in sequence.ts). */
export function shardDropout(
  x: Num,
  rows: number,
  cols: number,
  a: RowMap & { rate: number; training: boolean; seed: number; step: number; stream: number },
  precision: Precision = 'f32',
): FloatArray {
  if (!(a.rate >= 0 && a.rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${a.rate}`);
  const out = floatArray(rows * cols, precision);
  if (!a.training) {
    out.set(Array.from(x));
    return out;
  }
  const keepScale = 1 / (1 - a.rate);
  for (let r = 0; r < rows; r++) {
    const row = globalRow(a, r);
    for (let c = 0; c < cols; c++) {
      const u = uniformDraw({ seed: a.seed, stream: a.stream, step: a.step, row, col: c });
      out[r * cols + c] = u >= a.rate ? x[r * cols + c]! * keepScale : 0;
    }
  }
  return out;
}

/** The geometry of an expert all-to-all. */
export interface ExchangeGeometry {
  readonly devices: number;
  readonly experts: number;
  /** Row width (f32 elements per row). */
  readonly width: number;
  /** Slots per device (S = local rows · k); a device receives at most devices·S rows. */
  readonly slots: number;
  /**
   * A device's rows are `blocks` blocks of `rowBlock` rows; block t of device d holds the global rows
   * t·devices·rowBlock + d·rowBlock + … (rows laid out (…, batch)). The receiver orders each expert's
   * rows by (block, source device, slot) — by global row — so the order is the one-device order
   * whatever the device count. Default 1 block (then the order is by source device, then slot).
   */
  readonly blocks?: number;
  readonly rowBlock?: number;
}

/** Experts per device (contiguous ranges); throws when `experts` is not a multiple of `devices`. */
export function expertsPerDevice(experts: number, devices: number): number {
  if (!Number.isInteger(devices) || devices < 1) throw new Error(`devices must be a positive integer, got ${devices}`);
  if (experts % devices !== 0) throw new Error(`${experts} experts cannot be split evenly over ${devices} devices; use a device count that divides ${experts}`);
  return experts / devices;
}

/** What one device sends another in the dispatch all-to-all: rows per destination expert and row block, then the rows. */
export interface DispatchMessage {
  /** [m·blocks]: rows for each of the destination's experts j and row blocks t, at j·blocks + t. */
  readonly counts: Int32Array;
  /** The rows, expert by expert (within an expert block by block), in the sender's slot order: Σcounts · width floats. */
  readonly rows: Rows;
}

/**
 * The messages device `d` sends in `allToAllDispatch`: for destination e, the slots of experts
 * e·m .. (e+1)·m−1 (rows x[sourceRow[s]] when `gather`, else rows[s]), counted per (expert, row
 * block of sourceRow[s]). Within an expert the slots are in row order (a stable dispatch), so
 * their blocks never decrease; a slot whose block does is refused (the receiver could not merge).
 */
export function dispatchMessages(g: ExchangeGeometry, rows: Num, sourceRow: Num | undefined, offsets: Num, gather = sourceRow !== undefined): DispatchMessage[] {
  const m = expertsPerDevice(g.experts, g.devices);
  const W = g.width;
  const T = g.blocks ?? 1;
  const RB = g.rowBlock ?? Number.POSITIVE_INFINITY;
  const blockOf = (s: number): number => {
    if (T === 1) return 0;
    if (!sourceRow) throw new Error(`allToAllDispatch: ${T} row blocks need the slots' source rows`);
    const t = Math.floor(sourceRow[s]! / RB);
    if (!(t >= 0 && t < T)) throw new Error(`allToAllDispatch: slot ${s} has source row ${sourceRow[s]}, outside the ${T} blocks of ${RB} rows`);
    return t;
  };
  const out: DispatchMessage[] = [];
  for (let e = 0; e < g.devices; e++) {
    const counts = new Int32Array(m * T);
    const first = offsets[e * m]!;
    const last = offsets[(e + 1) * m]!;
    for (let j = 0; j < m; j++) {
      let prev = 0;
      for (let s = offsets[e * m + j]!; s < offsets[e * m + j + 1]!; s++) {
        const t = blockOf(s);
        if (t < prev) throw new Error(`allToAllDispatch: the slots of expert ${e * m + j} are not in row order (slot ${s} is in row block ${t} after block ${prev}); the dispatch must be stable`);
        prev = t;
        counts[j * T + t]!++;
      }
    }
    const data = likeRows(rows, (last - first) * W);
    for (let s = first; s < last; s++) {
      const src = gather ? sourceRow![s]! : s;
      if (gather && !(src >= 0)) throw new Error(`allToAllDispatch: slot ${s} < offsets[${g.experts}] has no source row`);
      for (let c = 0; c < W; c++) data[(s - first) * W + c] = rows[src * W + c]!;
    }
    out.push({ counts, rows: data });
  }
  return out;
}

/** Walks the received layout: for each local expert j, row block t, source device d (that order), `fn(d, j·blocks + t, count)`. */
function eachPiece(devices: number, mT: number, countOf: (d: number, jt: number) => number, fn: (d: number, jt: number, c: number) => void): void {
  for (let jt = 0; jt < mT; jt++) for (let d = 0; d < devices; d++) fn(d, jt, countOf(d, jt));
}

/**
 * Device e's outputs of `allToAllDispatch` from the messages of every source device (in device
 * order): rows [devices·S, W] ordered by (local expert, row block, source, slot) — global row order
 * within each expert — expertOf [devices·S] and counts [devices, m·blocks].
 */
export function dispatchReceive(g: ExchangeGeometry, received: readonly DispatchMessage[]): { rows: Rows; expertOf: Int32Array; counts: Int32Array } {
  const m = expertsPerDevice(g.experts, g.devices);
  const T = g.blocks ?? 1;
  const W = g.width;
  const cap = g.devices * g.slots;
  const rows = likeRows(received[0]?.rows, cap * W);
  const expertOf = new Int32Array(cap).fill(-1);
  const counts = new Int32Array(g.devices * m * T);
  const read = received.map(() => 0); // read position (rows) in each source's message
  let at = 0;
  eachPiece(g.devices, m * T, (d, jt) => received[d]!.counts[jt]!, (d, jt, c) => {
    if (at + c > cap) throw new Error(`allToAllDispatch: received more than the ${cap} rows the plan holds`);
    counts[d * m * T + jt] = c;
    rows.set(received[d]!.rows.subarray(read[d]! * W, (read[d]! + c) * W), at * W);
    expertOf.fill(Math.floor(jt / T), at, at + c);
    at += c;
    read[d] = read[d]! + c;
  });
  return { rows, expertOf, counts };
}

/**
 * The messages device e sends back in `allToAllReturn`: for source device d, its rows of every
 * local expert j and row block (that order: d's slot order), read from e's received layout
 * described by `counts` [devices, m·blocks].
 */
export function returnMessages(g: ExchangeGeometry, rows: Num, counts: Num): Rows[] {
  const m = expertsPerDevice(g.experts, g.devices);
  const mT = counts.length / g.devices;
  if (!Number.isInteger(mT / m)) throw new Error(`allToAllReturn: counts has ${counts.length} entries, not devices·m·blocks for ${g.devices} devices of ${m} experts`);
  const W = g.width;
  const pieces: [number, number][][] = Array.from({ length: g.devices }, () => []);
  let at = 0;
  eachPiece(g.devices, mT, (d, jt) => counts[d * mT + jt]!, (d, _jt, c) => {
    pieces[d]!.push([at, c]);
    at += c;
  });
  return pieces.map((list) => {
    const total = list.reduce((a, [, c]) => a + c, 0);
    const out = likeRows(rows, total * W);
    let w = 0;
    for (const [from, c] of list) {
      for (let i = 0; i < c * W; i++) out[w++] = rows[from * W + i]!;
    }
    return out;
  });
}

/**
 * Device d's output of `allToAllReturn`: the message from device e holds d's slots of experts
 * e·m .. (e+1)·m−1 in slot order, so it lands at offsets[e·m] … offsets[(e+1)·m] − 1. [S, W].
 */
export function returnReceive(g: ExchangeGeometry, received: readonly Rows[], offsets: Num): Rows {
  const m = expertsPerDevice(g.experts, g.devices);
  const W = g.width;
  const out = likeRows(received[0], g.slots * W);
  received.forEach((msg, e) => {
    const first = offsets[e * m]!;
    const last = offsets[(e + 1) * m]!;
    if (msg.length !== (last - first) * W) throw new Error(`allToAllReturn: device ${e} sent ${msg.length / W} rows, expected ${last - first}`);
    out.set(msg, first * W);
  });
  return out;
}

/** The chunks [start, end) of an n-element vector that device e sums in a reduce-scatter over `devices` (⌈n/devices⌉ each, the last shorter). */
export function allReduceChunks(n: number, devices: number): [number, number][] {
  const c = Math.ceil(n / devices);
  return Array.from({ length: devices }, (_, e) => [Math.min(e * c, n), Math.min((e + 1) * c, n)] as [number, number]);
}

/**
 * `allReduceSum`'s output from every device's contribution: per element, the pairwise tree over the devices in
 * device order — adjacent pairs added level by level, an odd last one carried up (((x₀ + x₁) + (x₂ + x₃)) for 4
 * devices; x₀ + x₁ for 2) — in f32 for f32 data. It continues the tree of the canonical batch-chunk reductions
 * (compiler/wgsl/reduce-chunks.ts), whose lower levels each device computes over its own chunks, so a batch sum
 * gets the same adds in the same order on one device and on N.
 */
export function allReduceReceive(received: readonly Num[]): Rows {
  const n = received[0]!.length;
  const out = likeRows(received[0], n);
  const round = out instanceof Float32Array ? Math.fround : (v: number) => v;
  const v = new Array<number>(received.length);
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < received.length; d++) v[d] = round(received[d]![i]!);
    let len = received.length;
    while (len > 1) {
      const half = len >> 1;
      for (let j = 0; j < half; j++) v[j] = round(v[2 * j]! + v[2 * j + 1]!);
      if (len % 2 === 1) v[half] = v[len - 1]!;
      len = half + (len % 2);
    }
    out[i] = v[0]!;
  }
  return out;
}

/** hierLoadCombine: out[g·b+j] = primaryLoad[g]·L[g·b+j]/c[g] (0 when c[g] = 0), as hierLoadEstimate rounds it. */
export function hierLoadCombine(primaryLoad: Num, L: Num, c: Num, a: number, b: number, precision: Precision = 'f32'): FloatArray {
  const out = floatArray(a * b, precision);
  for (let g = 0; g < a; g++) {
    if (c[g] === 0) continue;
    for (let j = 0; j < b; j++) out[g * b + j] = (primaryLoad[g]! * L[g * b + j]!) / c[g]!;
  }
  return out;
}

/** Row `l`'s width-sized block copied between a local [Rl, W] and a whole-batch [R, W] layout under `m`. */
function copyRows(m: RowMap, local: number, width: number, fn: (l: number, g: number) => void): void {
  for (let l = 0; l < local; l++) fn(l * width, globalRow(m, l) * width);
}

/** This device's rows of a whole-batch x [R, W] (W = elements per row). */
export function shardRows(x: Num, R: number, W: number, m: RowMap): Rows | Int32Array {
  const local = (R / m.rowStride) * m.rowBlock;
  const out = x instanceof Int32Array ? new Int32Array(local * W) : likeRows(x, local * W);
  copyRows(m, local, W, (l, g) => {
    for (let c = 0; c < W; c++) out[l + c] = x[g + c]!;
  });
  return out;
}

/** The transpose of shardRows: zeros [rows, W] except this device's rows. */
export function padShardRows(x: Num, local: number, W: number, rows: number, m: RowMap): Rows {
  const out = likeRows(x, rows * W);
  copyRows(m, local, W, (l, g) => {
    for (let c = 0; c < W; c++) out[g + c] = x[l + c]!;
  });
  return out;
}

/** allGatherRows: the whole batch from every device's rows (received in device order). */
export function allGatherReceive(received: readonly Num[], local: number, W: number, rowBlock: number, rowStride: number, i32: boolean): Rows | Int32Array {
  const N = received.length;
  const out = i32 ? new Int32Array(N * local * W) : likeRows(received[0], N * local * W);
  received.forEach((x, d) => {
    copyRows({ rowBlock, rowStride, shardOffset: d * rowBlock }, local, W, (l, g) => {
      for (let c = 0; c < W; c++) out[g + c] = x[l + c]!;
    });
  });
  return out;
}
