/**
 * The progress bar's tokens/s (app/rate-window.ts) is the rate over the last seconds, not since
 * the start: after a slow first step (compilation) followed by fast steps, it reports the fast
 * rate, and after a slowdown it reports the slow rate within one window.
 */
import { describe, expect, it } from 'vitest';
import { rateWindow } from '../../app/rate-window.ts';

describe('rate window', () => {
  it('reports the rate of the last two seconds', () => {
    const w = rateWindow(2);
    expect(w.push(10, 100)).toBeUndefined(); // first step: 10 s (JIT) for 100 tokens
    let t = 10;
    let n = 100;
    let last: number | undefined;
    for (let i = 0; i < 40; i++) last = w.push((t += 0.1), (n += 100)); // then 1000 tokens/s
    expect(last).toBeCloseTo(1000, 6); // the cumulative average would be (4100 / 14) ≈ 293
    for (let i = 0; i < 10; i++) last = w.push((t += 0.5), (n += 100)); // slows to 200 tokens/s
    expect(last).toBeCloseTo(200, 6);
  });

  it('uses the previous point when the steps are slower than the window', () => {
    const w = rateWindow(2);
    w.push(0, 0);
    expect(w.push(5, 50)).toBeCloseTo(10, 9);
    expect(w.push(15, 250)).toBeCloseTo(20, 9);
  });
});
