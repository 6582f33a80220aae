/**
 * Static memory planning: a pure function from buffer lifetimes to byte offsets in a few arenas
 * (`assignOffsets`), or to a pool of whole-buffer slots (`assignSlots`). Every temporary buffer is
 * live from the step that writes it to the last step that reads it (inclusive); buffers whose
 * lifetimes overlap never share bytes. Offsets (greedy by size, lowest fitting aligned offset, as
 * TFLite's arena planner) make the pool track the largest live set; whole-buffer slots (a slot is
 * as large as its largest tenant) are kept for the few buffers that must own their GPUBuffer (see
 * `finishPlan`). Both are greedy over buffers sorted by size, largest first (tested on random
 * lifetimes).
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

/** A buffer to place at an offset; `dedicated` ones get whole-buffer slots instead (see below). */
export interface PlacedLifetime extends Lifetime {
  /**
   * Must not share a GPUBuffer with other live buffers (e.g. it is bound twice in one dispatch,
   * or holds an indirect grid): placed by `assignSlots` into whole-buffer arenas of its own.
   */
  readonly dedicated?: boolean;
}

/** Options of `assignOffsets`. */
export interface OffsetOptions {
  /** Every offset is a multiple of this (WebGPU's minStorageBufferOffsetAlignment is ≤ 256). */
  readonly alignment?: number;
  /** Largest arena; a plan needing more opens further arenas (a larger single buffer gets its own). */
  readonly maxArenaBytes?: number;
}

/** Default arena cap: 1 GiB, below every desktop adapter's maxBufferSize. */
export const DEFAULT_MAX_ARENA_BYTES = 1 << 30;
/** Default offset alignment: 256 B, WebGPU's largest allowed minStorageBufferOffsetAlignment. */
const DEFAULT_ALIGNMENT = 256;

/** The result: each buffer's arena and byte offset, and every arena's size. */
export interface OffsetAssignment {
  readonly arenaOf: ReadonlyMap<number, number>;
  readonly offsetOf: ReadonlyMap<number, number>;
  readonly arenaBytes: readonly number[];
  /** Per arena: true when its tenants are whole buffers (one live at a time, offset 0). */
  readonly wholeArena: readonly boolean[];
  /** Sum of arena sizes. */
  readonly pooledBytes: number;
  readonly naiveBytes: number;
  readonly liveBytesLowerBound: number;
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/** Largest sum of sizes of buffers live at one step. */
export function maxLiveBytes(buffers: readonly Lifetime[]): number {
  // Sweep over interval starts/ends: +bytes at first, −bytes after last.
  const events: [number, number][] = [];
  for (const b of buffers) {
    events.push([b.first, b.bytes]);
    events.push([b.last + 1, -b.bytes]);
  }
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let live = 0;
  let max = 0;
  for (const [, d] of events) {
    live += d;
    max = Math.max(max, live);
  }
  return max;
}

/**
 * Places every buffer at a byte offset of one of a few arenas so that no two buffers with
 * overlapping lifetimes overlap in bytes: greedy by size (largest first), each buffer taking the
 * lowest aligned offset of the first arena where it fits between the lifetime-overlapping buffers
 * already placed there (the "greedy by size" planner of TFLite's arena allocator). An arena never
 * exceeds `maxArenaBytes` unless a single buffer does (it then gets an arena of its own).
 * Dedicated buffers go to whole-buffer slots (`assignSlots`), appended as arenas after the others.
 */
export function assignOffsets(buffers: readonly PlacedLifetime[], opts: OffsetOptions = {}): OffsetAssignment {
  const alignment = opts.alignment ?? DEFAULT_ALIGNMENT;
  const maxArena = opts.maxArenaBytes ?? DEFAULT_MAX_ARENA_BYTES;
  for (const b of buffers) {
    if (!(b.first <= b.last) || b.bytes < 0) throw new Error(`buffer ${b.id}: invalid lifetime [${b.first}, ${b.last}] or size ${b.bytes}`);
  }
  const shared = buffers.filter((b) => !b.dedicated);
  const order = [...shared].sort((a, b) => b.bytes - a.bytes || a.first - b.first || a.id - b.id);
  const tenants: { buf: Lifetime; offset: number }[][] = [];
  const arenaBytes: number[] = [];
  const arenaOf = new Map<number, number>();
  const offsetOf = new Map<number, number>();
  const place = (buf: Lifetime): void => {
    for (let a = 0; a < tenants.length; a++) {
      const busy = tenants[a]!.filter((t) => overlaps(t.buf, buf)).sort((x, y) => x.offset - y.offset);
      let at = 0;
      for (const t of busy) {
        if (t.offset - at >= buf.bytes) break;
        at = Math.max(at, alignUp(t.offset + t.buf.bytes, alignment));
      }
      if (at + buf.bytes <= maxArena) {
        tenants[a]!.push({ buf, offset: at });
        arenaBytes[a] = Math.max(arenaBytes[a]!, at + buf.bytes);
        arenaOf.set(buf.id, a);
        offsetOf.set(buf.id, at);
        return;
      }
    }
    tenants.push([{ buf, offset: 0 }]);
    arenaBytes.push(buf.bytes);
    arenaOf.set(buf.id, tenants.length - 1);
    offsetOf.set(buf.id, 0);
  };
  for (const buf of order) place(buf);
  const wholeArena = arenaBytes.map(() => false);
  const slots = assignSlots(buffers.filter((b) => b.dedicated));
  const base = arenaBytes.length;
  for (const [id, s] of slots.slotOf) {
    arenaOf.set(id, base + s);
    offsetOf.set(id, 0);
  }
  for (const bytes of slots.slotBytes) {
    arenaBytes.push(bytes);
    wholeArena.push(true);
  }
  return {
    arenaOf,
    offsetOf,
    arenaBytes,
    wholeArena,
    pooledBytes: arenaBytes.reduce((a, b) => a + b, 0),
    naiveBytes: buffers.reduce((a, b) => a + b.bytes, 0),
    liveBytesLowerBound: maxLiveBytes(buffers),
  };
}
