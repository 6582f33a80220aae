/**
 * Helpers that keep whole-model differential tests honest about routing. The paper initialises
 * the gate weights (`wg`, `wn`, and the hierarchical `wg2`, `wn2`) to zero, so with `initParams`
 * unchanged every evaluation row picks experts 0..k−1 and "same selection on both backends" holds
 * trivially. `randomizeGates` overwrites every gate-weight parameter with seeded non-zero values;
 * `expectNontrivialRouting` asserts that a [N,k] index tensor uses more than k experts and that
 * rows choose different expert sets.
 */
import { expect } from 'vitest';
import type { Tensor } from '../ir/tensor.ts';

/** Parameter-name suffixes of gate weights (flat, balanced and hierarchical MoE layers). */
const GATE_SUFFIXES = ['.wg', '.wn', '.wg2', '.wn2'];

/** Deterministic uniform in [0,1) (mulberry32). */
function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Overwrites every gate-weight parameter (name ending in .wg, .wn, .wg2, .wn2; not optimizer state) in place with
 * uniform values in ±scale (seeded); returns the names changed. Throws when there is none, so a
 * renamed parameter cannot silently turn the test back into a zero-gate one.
 */
export function randomizeGates(params: Record<string, Tensor>, seed: number, scale = 0.5): string[] {
  // Optimizer state is named `opt.m:<param>` etc.: only the parameters themselves are gate weights.
  const names = Object.keys(params).filter((n) => GATE_SUFFIXES.some((s) => n.endsWith(s)) && !/[:/]/.test(n));
  if (names.length === 0) throw new Error(`randomizeGates: no gate-weight parameter among ${Object.keys(params).join(', ')}`);
  names.forEach((name, j) => {
    const r = mulberry(seed * 7919 + j);
    const t = params[name]!;
    for (let i = 0; i < t.data.length; i++) t.data[i] = (2 * r() - 1) * scale;
  });
  return names;
}

/** Routing summary of a flat [N,k] index array: experts used and distinct per-row expert sets. */
export function routingStats(indices: ArrayLike<number>, k: number): { experts: number; rowSets: number; rows: number } {
  const rows = indices.length / k;
  const experts = new Set<number>();
  const sets = new Set<string>();
  for (let r = 0; r < rows; r++) {
    const row: number[] = [];
    for (let j = 0; j < k; j++) row.push(Number(indices[r * k + j]));
    row.forEach((e) => experts.add(e));
    sets.add(row.sort((a, b) => a - b).join(','));
  }
  return { experts: experts.size, rowSets: sets.size, rows };
}

/**
 * Asserts the routing in a flat [N,k] index array is non-trivial: at least `minExperts` distinct
 * experts (default k+2) and at least `minRowSets` distinct per-row expert sets (default 3).
 */
export function expectNontrivialRouting(indices: ArrayLike<number>, k: number, minExperts = k + 2, minRowSets = 3): void {
  const s = routingStats(indices, k);
  expect(s.experts, `experts used by ${s.rows} rows`).toBeGreaterThanOrEqual(minExperts);
  expect(s.rowSets, `distinct per-row expert sets over ${s.rows} rows`).toBeGreaterThanOrEqual(minRowSets);
}

/** Number of experts with a non-zero count in a load vector. */
export function expertsWithLoad(load: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < load.length; i++) if (Number(load[i]) !== 0) c++;
  return c;
}
