/**
 * Static memory planning: a pure function from buffer lifetimes to a pool of reusable storage
 * slots. Every temporary buffer is live from the step that writes it to the last step that reads
 * it (inclusive); buffers whose lifetimes do not overlap may share a slot, and a slot is as large
 * as its largest tenant. Whole-buffer slots (rather than offsets in one arena) keep WebGPU happy:
 * a dispatch never binds one GPUBuffer both read-only and writable. Assignment is greedy over
 * buffers sorted by size (largest first), each taking the free slot whose size fits best, which is
 * the classic offline interval-colouring heuristic; it never overlaps two live buffers (tested).
 */

/** One buffer to place: its size and its live interval in step indices (inclusive). */
export interface Lifetime {
  readonly id: number;
  readonly bytes: number;
  readonly first: number;
  readonly last: number;
}

/** The result: which slot each buffer got, and every slot's size. */
export interface SlotAssignment {
  readonly slotOf: ReadonlyMap<number, number>;
  readonly slotBytes: readonly number[];
  /** Sum of slot sizes: the memory the planned buffers need. */
  readonly pooledBytes: number;
  /** Sum of buffer sizes: what they would need without reuse. */
  readonly naiveBytes: number;
  /** Largest sum of sizes of buffers live at one step (a lower bound for any plan). */
  readonly liveBytesLowerBound: number;
}

function overlaps(a: Lifetime, b: Lifetime): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** Assigns slots so that no two buffers with overlapping lifetimes share one. */
export function assignSlots(buffers: readonly Lifetime[]): SlotAssignment {
  for (const b of buffers) {
    if (!(b.first <= b.last) || b.bytes < 0) throw new Error(`buffer ${b.id}: invalid lifetime [${b.first}, ${b.last}] or size ${b.bytes}`);
  }
  const order = [...buffers].sort((a, b) => b.bytes - a.bytes || a.first - b.first || a.id - b.id);
  const tenants: Lifetime[][] = [];
  const slotBytes: number[] = [];
  const slotOf = new Map<number, number>();
  for (const buf of order) {
    let best = -1;
    for (let s = 0; s < tenants.length; s++) {
      if (tenants[s]!.some((t) => overlaps(t, buf))) continue;
      // Prefer the smallest slot that already fits; otherwise the largest one (it grows least).
      const fits = slotBytes[s]! >= buf.bytes;
      if (best < 0) best = s;
      else {
        const bestFits = slotBytes[best]! >= buf.bytes;
        if (fits && (!bestFits || slotBytes[s]! < slotBytes[best]!)) best = s;
        else if (!fits && !bestFits && slotBytes[s]! > slotBytes[best]!) best = s;
      }
    }
    if (best < 0) {
      best = tenants.length;
      tenants.push([]);
      slotBytes.push(0);
    }
    tenants[best]!.push(buf);
    slotBytes[best] = Math.max(slotBytes[best]!, buf.bytes);
    slotOf.set(buf.id, best);
  }
  const steps = new Set<number>();
  for (const b of buffers) {
    steps.add(b.first);
    steps.add(b.last);
  }
  let liveMax = 0;
  for (const s of steps) {
    let live = 0;
    for (const b of buffers) if (b.first <= s && s <= b.last) live += b.bytes;
    liveMax = Math.max(liveMax, live);
  }
  return {
    slotOf,
    slotBytes,
    pooledBytes: slotBytes.reduce((a, b) => a + b, 0),
    naiveBytes: buffers.reduce((a, b) => a + b.bytes, 0),
    liveBytesLowerBound: liveMax,
  };
}
