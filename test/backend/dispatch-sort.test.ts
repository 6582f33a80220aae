/**
 * The O(N·k + n) radix-sort dispatch (dispatchSortSteps) on WebGPU vs the CPU reference
 * `dispatch` (ir/reference/dispatch.ts): offsets, sourceRow (real slots) and position must be
 * equal, and the tile map must hold exactly the reference segments cut into tileRows-row tiles in
 * expert order, with tileCount[0] their number and expert −1 after them, and the active-expert
 * list must be [count, the experts with rows in ascending order]. Routings are random with
 * most experts empty (only a random subset used), with expert −1 padding, and up to n = 131072
 * experts (1 radix pass up to n = 2047, 2 passes above) — sizes where the old
 * n × blocks count table would be large — and both sorts: the one-workgroup rank sort up to
 * SMALL_SORT_MAX = 1024 pairs (e.g. 1024 and 256 pairs at 131072 experts) and the radix sort above
 * (1034 pairs and up).
 */
import { expect, it } from 'vitest';
import { dispatch } from '../../ir/reference/dispatch.ts';
import { dispatchRadix, maxTiles, type DispatchShape } from '../../compiler/wgsl/dispatch.ts';
import { SMALL_SORT_MAX } from '../../compiler/wgsl/dispatch-small.ts';
import { sortDispatchSteps } from './dispatch-steps.ts';
import { readI32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, rng, run, up } from './gpu.ts';

/** Random indices [N,k]: each row picks k distinct experts from `pool` (or −1 with probability pNone). */
function routing(r: () => number, N: number, k: number, pool: readonly number[], pNone: number): Int32Array {
  const idx = new Int32Array(N * k);
  for (let row = 0; row < N; row++) {
    const avail = [...pool];
    for (let j = 0; j < k; j++) {
      idx[row * k + j] = r() < pNone || avail.length === 0 ? -1 : avail.splice(Math.floor(r() * avail.length), 1)[0]!;
    }
  }
  return idx;
}

describeGpu('radix-sort dispatch', () => {
  it('matches the reference dispatch and writes the real tile count (many empty experts, expert −1, n up to 131072)', async () => {
    const r = rng(11);
    const cases: [number, number, number, number, number][] = [
      // N, k, n, experts used, P(−1)
      [1, 1, 1, 1, 0],
      [300, 3, 20, 8, 0],
      [517, 2, 6, 2, 0.1],
      [1000, 4, 1000, 100, 0],
      [256, 4, 1023, 700, 0.05],
      [300, 2, 2047, 500, 0.1],
      [300, 2, 2048, 500, 0.1],
      [2048, 4, 4096, 3000, 0],
      [1024, 2, 65536, 900, 0.02],
      [4096, 4, 131072, 5000, 0],
      [64, 4, 131072, 4, 0.2],
    ];
    for (const [i, [N, k, n, used, pNone]] of cases.entries()) {
      const pool = new Set<number>();
      while (pool.size < used) pool.add(Math.floor(r() * n));
      const indices = routing(r, N, k, [...pool], pNone);
      // Tile rows 32, 4 and 1 (the small-row plans' maps; at 1 the unused entries exceed N·k).
      const s: DispatchShape = { N, k, n, tileRows: [32, 4, 1][i % 3]! };
      const { steps, bufs } = sortDispatchSteps(s, up(indices));
      await run(steps);
      const ref = dispatch(indices, N, k, n);
      const c = dev();
      const what = `N=${N} k=${k} n=${n} tileRows=${s.tileRows} (${N * k <= SMALL_SORT_MAX ? 'one-workgroup sort' : `${dispatchRadix(n).passes} radix passes`})`;
      expect(ref.offsets[n]! > 0, `${what}: non-trivial routing`).toBe(true);
      expect(Array.from(await readI32(c, bufs.offsets, n + 1)), `${what}: offsets`).toEqual(Array.from(ref.offsets));
      expect(Array.from(await readI32(c, bufs.position, N * k)), `${what}: position`).toEqual(Array.from(ref.position));
      const real = ref.offsets[n]!;
      expect(Array.from((await readI32(c, bufs.sourceRow, N * k)).subarray(0, real)), `${what}: sourceRow`).toEqual(Array.from(ref.sourceRow.subarray(0, real)));
      const want: number[] = [];
      for (let e = 0; e < n; e++) {
        for (let a = ref.offsets[e]!; a < ref.offsets[e + 1]!; a += s.tileRows) want.push(e, a, Math.min(a + s.tileRows, ref.offsets[e + 1]!), 0);
      }
      const tiles = want.length / 4;
      expect((await readI32(c, bufs.tileCount, 1))[0], `${what}: tileCount`).toBe(tiles);
      const tm = await readI32(c, bufs.tileMap, 4 * maxTiles(s));
      expect(Array.from(tm.subarray(0, 4 * tiles)), `${what}: tile map`).toEqual(want);
      for (let t = tiles; t < maxTiles(s); t++) expect(tm[4 * t], `${what}: tail entry ${t}`).toBe(-1);
      const active = [...Array(n).keys()].filter((e) => ref.offsets[e + 1]! > ref.offsets[e]!);
      expect(Array.from((await readI32(c, bufs.activeList, n + 1)).subarray(0, active.length + 1)), `${what}: active experts`).toEqual([active.length, ...active]);
    }
  });
});
