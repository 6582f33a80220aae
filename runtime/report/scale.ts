/**
 * Axis scales for the SVG charts: a linear scale with "nice" 1-2-5 ticks and a logarithmic scale
 * (used for perplexity, which falls by orders of magnitude early in training) with 1-2-5 × 10^k
 * ticks. Degenerate domains (a single logged step, a constant series) are widened so that every
 * chart still has a visible extent and at least two ticks.
 */

/** Maps data values to pixels and lists the tick values to label. */
export interface Scale {
  /** Pixel position of a data value. */
  map(v: number): number;
  /** Tick values inside the domain, ascending. */
  readonly ticks: readonly number[];
  /** The (possibly widened) data domain. */
  readonly domain: readonly [number, number];
}

function clean(v: number): number {
  return Number(v.toPrecision(12));
}

/** Widens [lo, hi] when it is empty or a single point. */
function widen(lo: number, hi: number): [number, number] {
  if (hi > lo) return [lo, hi];
  const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
  return [lo - d, hi + d];
}

/**
 * A linear scale over [lo, hi] onto pixels [p0, p1], extended to tick bounds when `nice`; tick
 * spacing is a 1-2-5 multiple of a power of ten, at least `minStep` (1 for integer steps).
 */
export function linearScale(lo: number, hi: number, p0: number, p1: number, targetTicks = 5, nice = true, minStep = 0): Scale {
  [lo, hi] = widen(lo, hi);
  const raw = (hi - lo) / Math.max(1, targetTicks);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(minStep, [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag);
  if (nice) {
    lo = clean(Math.floor(lo / step) * step);
    hi = clean(Math.ceil(hi / step) * step);
  }
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9); t * step <= hi + step * 1e-9; t++) ticks.push(clean(t * step));
  const map = (v: number) => p0 + ((v - lo) / (hi - lo)) * (p1 - p0);
  return { map, ticks, domain: [lo, hi] };
}

/** A log10 scale over [lo, hi] (both > 0, padded slightly) onto pixels [p0, p1]. */
export function logScale(lo: number, hi: number, p0: number, p1: number): Scale {
  [lo, hi] = widen(lo, hi);
  const l0 = Math.log10(lo) - 0.02 * Math.log10(hi / lo);
  const l1 = Math.log10(hi) + 0.02 * Math.log10(hi / lo);
  const pick = (mults: number[]) => {
    const out: number[] = [];
    for (let k = Math.floor(l0); k <= Math.ceil(l1); k++) {
      for (const m of mults) {
        const v = clean(m * 10 ** k);
        const l = Math.log10(v);
        if (l >= l0 - 1e-9 && l <= l1 + 1e-9) out.push(v);
      }
    }
    return out;
  };
  let ticks = pick([1, 2, 5]);
  if (ticks.length < 3) ticks = pick([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  if (ticks.length > 10) ticks = pick([1]);
  const map = (v: number) => p0 + ((Math.log10(v) - l0) / (l1 - l0)) * (p1 - p0);
  if (ticks.length < 2) ticks = linearScale(10 ** l0, 10 ** l1, 0, 1, 4, false).ticks.filter((t) => t > 0);
  return { map, ticks, domain: [10 ** l0, 10 ** l1] };
}
