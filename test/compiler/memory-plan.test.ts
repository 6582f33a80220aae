/**
 * Tests of the static memory planner: on random lifetimes, no two buffers whose lifetimes overlap
 * share a slot, every slot is at least as large as each tenant, and the pooled total lies between
 * the live-bytes lower bound and the no-reuse total; plus a hand-checked small case. The offset
 * planner is checked the same way in bytes: lifetime-overlapping buffers never overlap in an arena,
 * offsets are aligned, arenas respect their cap, and the pooled total stays within a stated bound of
 * the largest live set (first-fit by size on these random lifetimes).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assignOffsets, assignSlots, maxLiveBytes, type Lifetime, type PlacedLifetime } from '../../compiler/memory-plan.ts';

const lifetimes = fc
  .array(fc.record({ bytes: fc.integer({ min: 0, max: 4096 }), first: fc.integer({ min: 0, max: 30 }), len: fc.integer({ min: 0, max: 10 }) }), { maxLength: 40 })
  .map((xs) => xs.map((x, id): Lifetime => ({ id, bytes: x.bytes, first: x.first, last: x.first + x.len })));

describe('assignSlots', () => {
  it('never lets two simultaneously live buffers share a slot', () => {
    fc.assert(
      fc.property(lifetimes, (bufs) => {
        const a = assignSlots(bufs);
        for (const x of bufs) {
          expect(a.slotBytes[a.slotOf.get(x.id)!]!).toBeGreaterThanOrEqual(x.bytes);
          for (const y of bufs) {
            if (x.id < y.id && x.first <= y.last && y.first <= x.last) {
              expect(a.slotOf.get(x.id)).not.toBe(a.slotOf.get(y.id));
            }
          }
        }
        expect(a.pooledBytes).toBeGreaterThanOrEqual(a.liveBytesLowerBound);
        expect(a.pooledBytes).toBeLessThanOrEqual(a.naiveBytes);
      }),
      { numRuns: 300 },
    );
  });

  it('reuses memory along a chain: a→b→c→d needs two slots', () => {
    // Each buffer is read by the next step only: a [0,1], b [1,2], c [2,3], d [3,4].
    const chain = [0, 1, 2, 3].map((i) => ({ id: i, bytes: 100, first: i, last: i + 1 }));
    const a = assignSlots(chain);
    expect(a.slotBytes).toEqual([100, 100]);
    expect(a.pooledBytes).toBe(200);
    expect(a.naiveBytes).toBe(400);
    expect(a.slotOf.get(0)).toBe(a.slotOf.get(2));
    expect(a.slotOf.get(1)).toBe(a.slotOf.get(3));
  });

  it('rejects an inverted lifetime', () => {
    expect(() => assignSlots([{ id: 7, bytes: 4, first: 3, last: 2 }])).toThrow(/buffer 7: invalid lifetime \[3, 2\]/);
  });
});

const sized = fc
  .array(
    fc.record({ bytes: fc.integer({ min: 0, max: 4096 }), first: fc.integer({ min: 0, max: 30 }), len: fc.integer({ min: 0, max: 10 }), dedicated: fc.boolean() }),
    { maxLength: 40 },
  )
  .map((xs) => xs.map((x, id): PlacedLifetime => ({ id, bytes: x.bytes, first: x.first, last: x.first + x.len, dedicated: x.dedicated && id % 3 === 0 })));

describe('assignOffsets', () => {
  it('never lets two simultaneously live buffers overlap in bytes; offsets aligned; arenas capped', () => {
    fc.assert(
      fc.property(sized, fc.constantFrom(16, 256), fc.constantFrom(4096, 8192, 1 << 30), (bufs, alignment, maxArenaBytes) => {
        const a = assignOffsets(bufs, { alignment, maxArenaBytes });
        for (const x of bufs) {
          const ax = a.arenaOf.get(x.id)!;
          const ox = a.offsetOf.get(x.id)!;
          expect(ox % alignment).toBe(0);
          expect(ox + x.bytes).toBeLessThanOrEqual(a.arenaBytes[ax]!);
          if (x.dedicated) expect(a.wholeArena[ax]).toBe(true);
          for (const y of bufs) {
            if (x.id < y.id && x.first <= y.last && y.first <= x.last && a.arenaOf.get(y.id) === ax && x.bytes > 0 && y.bytes > 0) {
              const oy = a.offsetOf.get(y.id)!;
              expect(ox + x.bytes <= oy || oy + y.bytes <= ox).toBe(true);
            }
          }
        }
        a.arenaBytes.forEach((bytes, i) => {
          if (!a.wholeArena[i]) expect(bytes).toBeLessThanOrEqual(Math.max(maxArenaBytes, ...bufs.map((b) => b.bytes)));
        });
        expect(a.pooledBytes).toBeGreaterThanOrEqual(a.liveBytesLowerBound);
        expect(a.liveBytesLowerBound).toBe(maxLiveBytes(bufs));
      }),
      { numRuns: 300 },
    );
  });

  it('with one arena and no dedicated buffers, the pool stays within 2× the largest live set plus alignment', () => {
    fc.assert(
      fc.property(sized, (bufs) => {
        const plain = bufs.map((b) => ({ ...b, dedicated: false }));
        const a = assignOffsets(plain, { alignment: 256 });
        expect(a.arenaBytes.length).toBeLessThanOrEqual(1);
        expect(a.pooledBytes).toBeLessThanOrEqual(2 * a.liveBytesLowerBound + 256 * plain.length);
      }),
      { numRuns: 300 },
    );
  });

  it('packs a chain into the live bytes: a→b→c→d of 1000 B each needs 2 × 1024 B, not 4000', () => {
    const chain = [0, 1, 2, 3].map((i) => ({ id: i, bytes: 1000, first: i, last: i + 1 }));
    const a = assignOffsets(chain, { alignment: 256 });
    expect(a.arenaBytes).toEqual([2024]);
    expect(a.liveBytesLowerBound).toBe(2000);
    expect([...a.offsetOf.values()].sort((x, y) => x - y)).toEqual([0, 0, 1024, 1024]);
  });

  it('fills the gap a short-lived large buffer leaves: sizes 300/100/100 with the two small ones live apart', () => {
    // big [0,0]; s1 [0,1] must sit beside big; s2 [1,2] may reuse big's bytes.
    const bufs = [
      { id: 0, bytes: 300, first: 0, last: 0 },
      { id: 1, bytes: 100, first: 0, last: 1 },
      { id: 2, bytes: 100, first: 1, last: 2 },
    ];
    const a = assignOffsets(bufs, { alignment: 4 });
    expect(a.offsetOf.get(0)).toBe(0);
    expect(a.offsetOf.get(1)).toBe(300);
    expect(a.offsetOf.get(2)).toBe(0);
    expect(a.pooledBytes).toBe(400);
  });

  it('splits into several arenas beyond the cap, a single larger buffer in an arena of its own', () => {
    const bufs = [
      { id: 0, bytes: 600, first: 0, last: 1 },
      { id: 1, bytes: 600, first: 0, last: 1 },
      { id: 2, bytes: 5000, first: 0, last: 1 },
    ];
    const a = assignOffsets(bufs, { alignment: 4, maxArenaBytes: 1000 });
    expect(a.arenaBytes).toEqual([5000, 600, 600]);
    expect(new Set([0, 1, 2].map((i) => a.arenaOf.get(i))).size).toBe(3);
  });

  it('rejects an inverted lifetime', () => {
    expect(() => assignOffsets([{ id: 3, bytes: 4, first: 5, last: 1 }])).toThrow(/buffer 3: invalid lifetime \[5, 1\]/);
  });
});
