/**
 * The sparse expert optimizer ops of the reference (ir/reference/optimizers.ts) against the dense
 * updates they replace: over many steps of random routings (experts empty in some steps, one
 * skipping several steps and returning, one never routed), expertSgdUpdate is bit-identical to
 * sgdUpdate with zero gradients for the empty experts, and expertFactoredAdamUpdate gives the
 * parameters of the dense factoredAdamUpdate (β1 = 0) within rounding, its lazily decayed
 * statistics caught up to the step equal the dense statistics, and it never reads the gradient of
 * an empty expert (NaN there). The catch-up formula is checked by hand against repeated decay.
 */
import { describe, expect, it } from 'vitest';
import * as opt from '../../ir/reference/optimizers.ts';
import type { Precision } from '../../ir/tensor.ts';
import { rand } from './fd.ts';
import { bankGradient, expectNear, routingSchedule } from './expert-schedule.ts';

describe('sparse expert optimizer updates (reference)', () => {
  it('decayedStatistic equals s zero-gradient steps of the factored statistics update', () => {
    for (const [x, beta2, s] of [[0.7, 0.9, 3], [2e-30, 0.999, 40], [0, 0.5, 5], [1e-3, 0.99, 0]] as const) {
      let y = x;
      for (let i = 0; i < s; i++) y = beta2 * y + (1 - beta2) * opt.FACTORED_EPS1;
      expect(Math.abs(opt.decayedStatistic(x, beta2, s) - y)).toBeLessThanOrEqual(1e-15 * Math.abs(y));
    }
    expect(opt.decayedStatistic(1, 0.5, 2)).toBe(0.25 * (1 - 1e-30) + 1e-30);
  });

  it('expertSgdUpdate is bit-identical to dense SGD with zero gradients for empty experts', () => {
    const [n, block] = [9, 12];
    const sched = routingSchedule(3, n, 10);
    let dense: ArrayLike<number> = rand(1)(n * block);
    let sparse: ArrayLike<number> = dense;
    sched.forEach((st, s) => {
      dense = opt.sgdUpdate(dense, bankGradient(100 + s, st.active, block, 0), 0.3);
      sparse = opt.expertSgdUpdate(sparse, bankGradient(100 + s, st.active, block, NaN), st.offsets, n, 0.3);
      expect(Array.from(sparse), `step ${s}`).toEqual(Array.from(dense));
    });
  });

  for (const [precision, rtol] of [['f64', 1e-12], ['f32', 2e-5]] as [Precision, number][]) {
    it(`expertFactoredAdamUpdate matches dense factored Adam over 14 steps at ${precision}`, () => {
      const [n, r, c] = [8, 5, 7];
      const hp = { lr: 0.05, beta2: 0.9, clip: 1 };
      const sched = routingSchedule(5, n, 14);
      let [dp, dvr, dvc]: ArrayLike<number>[] = [rand(2)(n * r * c), new Float32Array(n * r), new Float32Array(n * c)];
      let [sp, svr, svc]: ArrayLike<number>[] = [dp, dvr, dvc];
      let last: Int32Array = new Int32Array(n);
      const touched = new Int32Array(n);
      let expert0vr: number[] = [];
      sched.forEach((st, s) => {
        const g = bankGradient(200 + s, st.active, r * c, 0);
        // An active expert with an all-zero gradient row: u = 0 there, statistics at eps scale.
        if (st.active[2]) g.fill(0, 2 * r * c + c, 2 * r * c + 2 * c);
        const d = opt.factoredAdamUpdate(dp, g, dvr, dvc, n, r, c, hp, s, precision);
        const gs = Float32Array.from(g, (v, i) => (st.active[Math.floor(i / (r * c))] ? v : NaN));
        const e = opt.expertFactoredAdamUpdate(sp, gs, svr, svc, last, st.offsets, n, r, c, hp, s, precision);
        [dp, dvr, dvc] = [d.p, d.vr, d.vc];
        [sp, svr, svc, last] = [e.p, e.vr, e.vc, e.last];
        st.active.forEach((on, x) => on && (touched[x] = s + 1));
        // Expert 0 skips steps 1..4: its stored statistics stay those of step 0 (lazily decayed).
        if (s === 0) expert0vr = Array.from(svr).slice(0, r);
        if (s === 4) expect(Array.from(svr).slice(0, r)).toEqual(expert0vr);
        expect(Array.from(last), `last-touched steps after step ${s}`).toEqual(Array.from(touched));
        expectNear(sp, dp, rtol, `p after step ${s}`);
        const caught = opt.catchUpExpertStatistics(svr, svc, last, n, hp.beta2, s + 1, precision);
        expectNear(caught.vr, dvr, rtol, `vr after step ${s}`);
        expectNear(caught.vc, dvc, rtol, `vc after step ${s}`);
      });
      // The parameters really moved, and the never-routed expert kept its initial values exactly.
      const p0 = rand(2)(n * r * c);
      expect(Array.from(sp).some((v, i) => v !== p0[i])).toBe(true);
      const lastBlock = (n - 1) * r * c;
      expect(Array.from(sp).slice(lastBlock)).toEqual(Array.from(precision === 'f32' ? Float32Array.from(p0) : p0).slice(lastBlock));
    });
  }

  it('rejects offsets of the wrong length and names the op', () => {
    expect(() => opt.expertSgdUpdate([1, 2], [0, 0], Int32Array.of(0, 1), 2, 0.1)).toThrow(/expertSgdUpdate dispatch offsets: expected 3 elements/);
  });
});
