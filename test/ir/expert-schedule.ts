/**
 * Test helpers for the sparse expert optimizers: a random routing schedule (dispatch offsets per
 * step) in which many experts are empty in some steps, expert 0 skips several steps and returns,
 * and the last expert never gets a row; gradients that are zero for the empty experts (what the
 * dense reference sees) or NaN there (to prove a sparse update never reads them); and an
 * elementwise relative-closeness check with an rms floor.
 */
import { expect } from 'vitest';
import { rand } from './fd.ts';

/** Per step: the dispatch offsets [n+1] and which experts have rows. */
export interface RoutingStep {
  readonly offsets: Int32Array;
  readonly active: readonly boolean[];
}

/** `steps` routings of n ≥ 3 experts (see the file comment); asserts the schedule is non-trivial. */
export function routingSchedule(seed: number, n: number, steps: number): RoutingStep[] {
  const r = rand(seed);
  const out: RoutingStep[] = [];
  for (let s = 0; s < steps; s++) {
    const pEmpty = s % 3 === 1 ? 0.85 : 0.4;
    const u = r(n, 0, 1);
    const active = Array.from({ length: n }, (_, e) => (e === 0 ? s === 0 || s >= 5 : e === n - 1 ? false : u[e]! >= pEmpty));
    const offsets = new Int32Array(n + 1);
    for (let e = 0; e < n; e++) offsets[e + 1] = offsets[e]! + (active[e] ? 1 + Math.floor(u[e]! * 4) : 0);
    out.push({ offsets, active });
  }
  const counts = out.map((st) => st.active.filter(Boolean).length);
  expect(Math.min(...counts)).toBeLessThan(n / 2);
  expect(Math.max(...counts)).toBeGreaterThan(1);
  return out;
}

/** A gradient for bank [n, block…]: random for active experts, `fill` (0 or NaN) for the others. */
export function bankGradient(seed: number, active: readonly boolean[], block: number, fill: number): Float32Array {
  const r = rand(seed);
  const g = new Float32Array(active.length * block);
  active.forEach((on, e) => {
    const v = r(block);
    for (let q = 0; q < block; q++) g[e * block + q] = on ? v[q]! : fill;
  });
  return g;
}

/** |a − e| ≤ rtol·max(|e|, rms(e)) for every element, with a message naming the worst one. */
export function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  let ss = 0;
  for (let i = 0; i < expected.length; i++) ss += expected[i]! * expected[i]!;
  const rms = Math.sqrt(ss / Math.max(1, expected.length)) || 1e-30;
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!) / Math.max(Math.abs(expected[i]!), rms);
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  if (!(worst <= rtol)) throw new Error(`${what}: relative error ${worst} > ${rtol} at ${at}: got ${actual[at]}, want ${expected[at]}`);
}
