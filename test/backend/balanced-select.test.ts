/**
 * The per-expert top-m of strictly balanced gating on WebGPU (balanced_logits → balanced_select →
 * balanced_route, compiler/wgsl/balanced.ts) against the CPU reference (ir/reference/balanced.ts:
 * `batchwiseMask`, a stable column sort by (−value, row) with NaN last, then `routeFromMask`) at
 * N = 16384 rows and beyond (20000: not a multiple of the workgroup, 16 K+ rows per column), on the
 * GPU's own logits (so one-ulp differences of the f32 matmul cannot move the cut): small-integer
 * logits where every column is full of ties straddling the cut (the lower row must win), random
 * logits with duplicated rows, and NaN, ±∞ and ±0 columns; m = 0, 1, N − 1, N and in between
 * (the kernels take any m; the op fixes m = k·N/n); and 65600 experts (grid folded over 65535).
 * Routing lists must be identical, loads exactly m, gates within 1e-5 on rows whose used logits
 * are finite. Also the host mirror of the key order against `topkBefore` on special values.
 */
import { expect, it } from 'vitest';
import { batchwiseMask, routeFromMask } from '../../ir/reference/balanced.ts';
import { topkBefore } from '../../ir/reference/gating.ts';
import { balancedLogitsKernel, balancedRouteKernel, balancedSelectKernel, sortKeyHost } from '../../compiler/wgsl/balanced.ts';
import { readF32, readI32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, out, rng, run, up } from './gpu.ts';

type Logits = (r: () => number, N: number) => { D: number; x: Float32Array; wg: Float32Array };

/** x [N,2] and wg [2,n] small integers: logits in a few dozen values, ties everywhere. */
const ties =
  (n: number): Logits =>
  (r, N) => ({
    D: 2,
    x: Float32Array.from({ length: N * 2 }, () => Math.floor(r() * 7) - 3),
    wg: Float32Array.from({ length: 2 * n }, () => (r() < 0.5 ? -1 : 1) * (1 + Math.floor(r() * 3))),
  });

/** Random x [N,4] with about a third of the rows copies of an earlier row (duplicate logits). */
const duplicates =
  (n: number): Logits =>
  (r, N) => {
    const x = new Float32Array(N * 4);
    for (let i = 0; i < N; i++) {
      const src = i > 0 && r() < 0.35 ? Math.floor(r() * i) : -1;
      for (let d = 0; d < 4; d++) x[i * 4 + d] = src >= 0 ? x[src * 4 + d]! : r() * 2 - 1;
    }
    return { D: 4, x, wg: Float32Array.from({ length: 4 * n }, () => r() * 2 - 1) };
  };

/** x [N,1] with NaN, ±∞, ±0 and small integers; wg scales each column by ±1, ±2 or ±0.5 (exact). */
const specials =
  (n: number): Logits =>
  (r, N) => {
    const pool = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 2, 3, -2];
    return {
      D: 1,
      x: Float32Array.from({ length: N }, () => pool[Math.floor(r() * pool.length)]!),
      wg: Float32Array.from({ length: n }, (_, e) => [1, -1, 2, -0.5][e % 4]!),
    };
  };

async function check(N: number, n: number, ms: readonly number[], make: Logits, seed: number): Promise<void> {
  const { D, x, wg } = make(rng(seed), N);
  const shape = { N, D, n, m: 0 };
  const bx = up(x);
  const bwg = up(wg);
  const thresholds = up(new Float32Array(n));
  const logits = out(N * n);
  const keys = out(N * n);
  const cut = out(2 * n);
  const load = out(n);
  const indices = out(N * n);
  const gates = out(N * n);
  await run([{ kernel: balancedLogitsKernel(shape), buffers: { x: bx, wg: bwg, logits, keys } }]);
  const L = await readF32(dev(), logits, N * n);
  for (const m of ms) {
    await run([
      { kernel: balancedSelectKernel({ ...shape, m, train: true }), buffers: { keys, logits, thresholds, cut, load } },
      { kernel: balancedRouteKernel({ ...shape, m, train: true }), buffers: { logits, thresholds, cut, indices, gates } },
    ]);
    const mask = batchwiseMask(L, N, n, m);
    const want = routeFromMask(L, mask, N, n);
    const got = await readI32(dev(), indices, N * n);
    let firstBad = -1;
    for (let i = 0; i < N * n && firstBad < 0; i++) if (got[i] !== want.indices[i]) firstBad = i;
    expect(firstBad, `m = ${m}: first differing routing entry (row ${Math.floor(firstBad / n)})`).toBe(-1);
    expect(Array.from(await readF32(dev(), load, n))).toEqual(Array(n).fill(m));
    // routing is non-trivial: the experts do not all take the same rows (unless m ∈ {0, N})
    if (m > 0 && m < N) {
      let differ = false;
      for (let r = 0; r < N && !differ; r++) for (let e = 1; e < n; e++) if (mask[r * n + e] !== mask[r * n]) differ = true;
      expect(differ, 'columns select different rows').toBe(true);
    }
    const g = await readF32(dev(), gates, N * n);
    let worst = 0;
    for (let r = 0; r < N; r++) {
      let finite = true;
      for (let j = 0; j < n && want.indices[r * n + j]! >= 0; j++) if (!Number.isFinite(L[r * n + want.indices[r * n + j]!]!)) finite = false;
      if (!finite) continue;
      for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(g[r * n + j]! - want.gates[r * n + j]!));
    }
    expect(worst, `m = ${m}: gates`).toBeLessThan(1e-5);
  }
}

describeGpu('balanced per-expert top-m (radix select) at 16384+ rows', () => {
  it('integer logits, ties across every cut: m = 0, 1, 4096, N − 1, N', async () => {
    const N = 16384;
    await check(N, 16, [0, 1, 4096, N - 1, N], ties(16), 1);
  }, 120_000);

  it('random logits with duplicated rows: m = 1, 1024, 9999', async () => {
    await check(16384, 24, [1, 1024, 9999], duplicates(24), 2);
  }, 120_000);

  it('NaN, ±∞, ±0 (NaN last, −0 ties +0): m = 1, 5000, 14000, N', async () => {
    const N = 16384;
    await check(N, 8, [1, 5000, 14000, N], specials(8), 3);
  }, 120_000);

  it('65600 experts: the per-expert grid folds over 65535 workgroups', async () => {
    await check(8, 65600, [3], ties(65600), 5);
  }, 300_000);

  it('20000 rows (not a multiple of 256), ties', async () => {
    await check(20000, 4, [1, 7, 5000, 19999], ties(4), 4);
  }, 120_000);
});

it('host key order equals topkBefore on special values', () => {
  const vals = [NaN, -NaN, Infinity, -Infinity, 0, -0, 1, -1, 1.5, -1.5, 3.4e38, -3.4e38, 1e-45, -1e-45, 1e-40];
  for (const a of vals) {
    for (const b of vals) {
      const ka = sortKeyHost(a);
      const kb = sortKeyHost(b);
      // same key ⟺ neither before the other at equal rows; key order = topkBefore at rows 1 vs 0
      expect(ka < kb, `${a} vs ${b}`).toBe(topkBefore(a, 1, b, 0));
      expect(ka === kb, `${a} == ${b}`).toBe(!topkBefore(a, 0, b, 0) && !topkBefore(b, 0, a, 0));
    }
  }
});
