/**
 * Tests of the static memory planner: on random lifetimes, no two buffers whose lifetimes overlap
 * share a slot, every slot is at least as large as each tenant, and the pooled total lies between
 * the live-bytes lower bound and the no-reuse total; plus a hand-checked small case.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assignSlots, type Lifetime } from '../../compiler/memory-plan.ts';

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
