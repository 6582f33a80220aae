/**
 * The order in which an expert's rows arrive (ir/reference/exchange.ts): every message counts its
 * rows per destination expert and row block (a device's rows are T blocks of B/N rows, block t of
 * device d holding global rows t·B + d·B/N + …), and the receiver merges them by (block, source
 * device, slot), so each expert sees its rows in GLOBAL row order — the order of the one-device
 * dispatch (ir/reference/dispatch.ts, a stable sort of the (row, j) pairs), which is what makes the
 * f32 sums over an expert's rows independent of the device count. Checked against that one-device
 * dispatch of the whole batch for random routing on 2 and 4 devices, with the return all-to-all
 * bringing every row back to its slot; with one block (the rows grouped by source device, the order
 * before 2026-11-29) the order differs, so the check can fail.
 */
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../ir/reference/dispatch.ts';
import { dispatchMessages, dispatchReceive, returnMessages, returnReceive, type DispatchMessage } from '../../ir/reference/exchange.ts';
import { uniformDraw } from '../../ir/rng.ts';

const T = 3;
const B = 8;
const k = 2;
const n = 8;
const W = 2;

/** Two distinct experts per global row, drawn from the counter-based RNG. */
function routing(): Int32Array {
  const idx = new Int32Array(T * B * k);
  for (let r = 0; r < T * B; r++) {
    const a = Math.floor(uniformDraw({ seed: 11, stream: 1, step: 0, row: r, col: 0 }) * n);
    const b = (a + 1 + Math.floor(uniformDraw({ seed: 11, stream: 1, step: 0, row: r, col: 1 }) * (n - 1))) % n;
    idx[r * k] = a;
    idx[r * k + 1] = b;
  }
  return idx;
}

describe.each([2, 4])('the expert all-to-all on %i devices', (N) => {
  const Bl = B / N;
  const m = n / N;
  const global = routing();
  const one = dispatch(global, T * B, k, n);
  const globalRowOf = (d: number, l: number): number => Math.floor(l / Bl) * B + d * Bl + (l % Bl);
  const devices = Array.from({ length: N }, (_, d) => {
    const local = new Int32Array(T * Bl * k);
    const x = new Float32Array(T * Bl * W);
    for (let l = 0; l < T * Bl; l++) {
      const g = globalRowOf(d, l);
      for (let j = 0; j < k; j++) local[l * k + j] = global[g * k + j]!;
      x[l * W] = g; // the row's global index travels with it
      x[l * W + 1] = -g;
    }
    return { x, ...dispatch(local, T * Bl, k, n) };
  });
  const exchange = (blocks: number) => {
    const geo = { devices: N, experts: n, width: W, slots: T * Bl * k, blocks, rowBlock: blocks === 1 ? T * Bl : Bl };
    const sent: DispatchMessage[][] = devices.map((dev) => dispatchMessages(geo, dev.x, dev.sourceRow, dev.offsets, true));
    return { geo, got: Array.from({ length: N }, (_, e) => dispatchReceive(geo, sent.map((msgs) => msgs[e]!))) };
  };
  /** The global rows expert e·m + j received on device e, in received order. */
  const receivedRows = (r: ReturnType<typeof dispatchReceive>, j: number): number[] =>
    Array.from(r.expertOf).flatMap((ex, i) => (ex === j ? [r.rows[i * W]!] : []));
  const oneDeviceRows = (expert: number): number[] => Array.from(one.sourceRow.subarray(one.offsets[expert]!, one.offsets[expert + 1]!));

  it('each expert receives its rows in the one-device order (global row order)', () => {
    const { got } = exchange(T);
    let nonTrivial = 0;
    for (let e = 0; e < N; e++) {
      for (let j = 0; j < m; j++) {
        const rows = oneDeviceRows(e * m + j);
        expect(receivedRows(got[e]!, j), `expert ${e * m + j}`).toEqual(rows);
        if (new Set(rows.map((g) => Math.floor((g % B) / Bl))).size > 1) nonTrivial++; // rows from several devices
      }
    }
    expect(nonTrivial).toBeGreaterThan(n / 2);
  });

  it('the return brings every expert output back to the slot it came from', () => {
    const { geo, got } = exchange(T);
    const back = got.map((r) => returnMessages(geo, r.rows.map((v) => 2 * v), r.counts));
    devices.forEach((dev, d) => {
      const y = returnReceive(geo, back.map((msgs) => msgs[d]!), dev.offsets);
      for (let s = 0; s < dev.offsets[n]!; s++) expect([y[s * W], y[s * W + 1]]).toEqual([2 * dev.x[dev.sourceRow[s]! * W]!, 2 * dev.x[dev.sourceRow[s]! * W + 1]!]);
    });
  });

  it('grouped by source device (one block) the order differs from one device', () => {
    const { got } = exchange(1);
    const differs = Array.from({ length: n }, (_, ex) => ex).some((ex) => JSON.stringify(receivedRows(got[Math.floor(ex / m)]!, ex % m)) !== JSON.stringify(oneDeviceRows(ex)));
    expect(differs).toBe(true);
  });
});
