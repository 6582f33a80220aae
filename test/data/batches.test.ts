/**
 * Truncated-BPTT batching: targets are the tokens shifted by one, stream b of batch i+1 starts
 * where stream b of batch i ended, epochs repeat the same batches with the state reset flagged at
 * each epoch start, and an iterator started at batch k equals the uninterrupted one from batch k.
 */
import { describe, expect, it } from 'vitest';
import { batchAt, batches, batchFeeds, batchLayout } from '../../runtime/data/batches.ts';

const stream = Int32Array.from({ length: 103 }, (_, i) => i); // token i has id i: positions are visible
const shape = { T: 4, B: 3 };

describe('batches', () => {
  it('cuts the stream into B streams of L = ⌊(N−1)/B⌋ and ⌊L/T⌋ batches per epoch', () => {
    expect(batchLayout(stream, shape)).toEqual({ T: 4, B: 3, streamLength: 34, batchesPerEpoch: 8 });
    expect(() => batchLayout(stream.subarray(0, 12), shape)).toThrow(/too short/);
  });
  it('lays out [T, B] with targets = next tokens', () => {
    const b = batchAt(stream, shape, 0);
    // stream b starts at b·34
    expect(Array.from(b.tokens)).toEqual([0, 34, 68, 1, 35, 69, 2, 36, 70, 3, 37, 71]);
    expect(Array.from(b.targets)).toEqual(Array.from(b.tokens, (x) => x + 1));
  });
  it('continues every stream from one batch to the next', () => {
    const all = [...batches(stream, shape)];
    expect(all).toHaveLength(8);
    for (let i = 0; i + 1 < all.length; i++) {
      for (let b = 0; b < shape.B; b++) {
        const lastTarget = all[i]!.targets[(shape.T - 1) * shape.B + b]!;
        expect(all[i + 1]!.tokens[b]).toBe(lastTarget);
      }
    }
  });
  it('repeats the epoch and flags the state reset at each epoch start', () => {
    const all = [...batches(stream, { ...shape, end: 20 })];
    expect(all.map((b) => b.epoch)).toEqual([...Array(8).fill(0), ...Array(8).fill(1), ...Array(4).fill(2)]);
    expect(all.filter((b) => b.resetState).map((b) => b.index)).toEqual([0, 8, 16]);
    expect(all[9]!.tokens).toEqual(all[1]!.tokens);
  });
  it('resumes at a batch index exactly', () => {
    const full = [...batches(stream, { ...shape, end: 20 })];
    const resumed = [...batches(stream, { ...shape, start: 11, end: 20 })];
    expect(resumed).toEqual(full.slice(11));
  });
  it('gives model feeds of type i32 [T, B]', () => {
    const f = batchFeeds(batchAt(stream, shape, 2), shape);
    expect(f.tokens.type).toEqual({ dtype: 'i32', shape: [4, 3] });
    expect(f.targets.data).toBeInstanceOf(Int32Array);
  });
});
