/**
 * A rate over the last few seconds, for the training progress bar: tokens/s between the newest
 * record and the oldest one still inside the window (at least the previous record), instead of the
 * average since the session started (which stays dragged down by the slow first steps and hides
 * a slowdown). Each `RateWindow` is owned by one progress display.
 */

/** Tokens/s over a trailing window of (time, tokens) points. */
export interface RateWindow {
  /** Adds the point (seconds, cumulative tokens); returns the rate over the window, or undefined for the first point. */
  push(time: number, tokens: number): number | undefined;
}

/** A rate window `seconds` long (default 2). */
export function rateWindow(seconds = 2): RateWindow {
  const points: { time: number; tokens: number }[] = [];
  return {
    push(time, tokens) {
      points.push({ time, tokens });
      // Drop points older than the window, keeping at least one before the newest.
      while (points.length > 2 && points[1]!.time <= time - seconds) points.shift();
      if (points.length < 2) return undefined;
      const a = points[0]!;
      return time > a.time ? (tokens - a.tokens) / (time - a.time) : undefined;
    },
  };
}
