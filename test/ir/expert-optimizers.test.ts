/**
 * The sparse expert optimizer ops of the reference (ir/reference/optimizers.ts) against the dense
 * updates they replace: over many steps of random routings (experts empty in some steps, one
 * skipping several steps and returning, one never routed), expertSgdUpdate is bit-identical to
 * sgdUpdate with zero gradients for the empty experts, and expertFactoredAdamUpdate gives the
 * parameters of the dense factoredAdamUpdate (β1 = 0) within rounding, its lazily decayed
 * statistics caught up to the step equal the dense statistics, and it never reads the gradient of
 * an empty expert (NaN there). The catch-up formula is checked by hand against repeated decay.
 * An expert bias bank [n, H] (the op on [n, c] = [n, 1, c]) is checked against per-expert
 * Adafactor-of-a-vector equations written out here, with clipping per expert and no coupling.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/graph.ts';
import { interpret } from '../../ir/interpret.ts';
import * as opt from '../../ir/reference/optimizers.ts';
import { tensorType } from '../../ir/types.ts';
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
      let [dp, dvr, dvc]: [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>] = [rand(2)(n * r * c), new Float32Array(n * r), new Float32Array(n * c)];
      let [sp, svr, svc]: [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>] = [dp, dvr, dvc];
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

  it('an expert bias bank [n, H] (op on [n, c] = [n, 1, c]) is per-expert Adafactor of a vector, from the equations', () => {
    // Written from the equations, not from the reference code: for each expert e with rows,
    // vc'[j] = β2·vc[j] + (1−β2)·(g[e,j]² + eps1) (after catching up the skipped zero-gradient
    // steps), v̂ = vc'/(1 − β2ᵗ) (with one row, vr'/mean(vr') = 1), u = g/sqrt(v̂), clipped by
    // max(1, rms_e(u)/clip) over that expert's H elements only; p' = p − lr·u. Experts without
    // rows: p unchanged, statistics decay (lazily), their gradient never read (NaN).
    const [n, H] = [7, 9];
    const hp = { lr: 0.05, beta2: 0.8, clip: 1 };
    const eps1 = opt.FACTORED_EPS1;
    const sched = routingSchedule(21, n, 12);
    const p0 = rand(22)(n * H);
    let ep = Array.from(p0); // the equations, f64
    let evc = new Array<number>(n * H).fill(0);
    let sp: ArrayLike<number> = p0; // the op, f64
    let [svr, svc]: [ArrayLike<number>, ArrayLike<number>] = [new Float64Array(n), new Float64Array(n * H)];
    let last: ArrayLike<number> = new Int32Array(n);
    let clippedSomewhere = false;
    sched.forEach((st, s) => {
      const g = bankGradient(300 + s, st.active, H, 0);
      if (s % 4 === 2) for (let j = 0; j < H; j++) g[3 * H + j] = g[3 * H + j]! * (j === 0 ? 1000 : 1e-3); // one large element: clipping bites
      const t = s + 1;
      for (let e = 0; e < n; e++) {
        for (let j = 0; j < H; j++) {
          const gj = st.active[e] ? g[e * H + j]! : 0;
          evc[e * H + j] = hp.beta2 * evc[e * H + j]! + (1 - hp.beta2) * (gj * gj + eps1);
        }
        if (!st.active[e]) continue;
        const u: number[] = [];
        for (let j = 0; j < H; j++) u.push(g[e * H + j]! / Math.sqrt(evc[e * H + j]! / (1 - Math.pow(hp.beta2, t))));
        const rms = Math.sqrt(u.reduce((a, x) => a + x * x, 0) / H);
        const div = Math.max(1, rms / hp.clip);
        if (div > 1) clippedSomewhere = true;
        for (let j = 0; j < H; j++) ep[e * H + j] = ep[e * H + j]! - hp.lr * (u[j]! / div);
      }
      const gs = Float64Array.from(g, (v, i) => (st.active[Math.floor(i / H)] ? v : NaN));
      const r = opt.expertFactoredAdamUpdate(sp, gs, svr, svc, last, st.offsets, n, 1, H, hp, s, 'f64');
      [sp, svr, svc, last] = [r.p, r.vr, r.vc, r.last];
      expectNear(sp, ep, 1e-12, `p after step ${s}`);
      expectNear(opt.catchUpExpertStatistics(svr, svc, last, n, hp.beta2, s + 1, 'f64').vc, evc, 1e-12, `vc after step ${s}`);
    });
    expect(clippedSomewhere).toBe(true);
    // No coupling: another expert's gradient does not change expert 1's update (it did when the
    // bank was one n×H matrix: shared column statistics, mean(vr) and clipping rms).
    const offsets = Int32Array.from({ length: n + 1 }, (_, i) => i);
    const zero = new Float64Array(n);
    const g1 = Float64Array.from(rand(30)(n * H));
    const g2 = Float64Array.from(g1, (v, i) => (i < H ? 50 * v : v));
    const a = opt.expertFactoredAdamUpdate(p0, g1, zero, new Float64Array(n * H), new Int32Array(n), offsets, n, 1, H, hp, 0, 'f64');
    const b = opt.expertFactoredAdamUpdate(p0, g2, zero, new Float64Array(n * H), new Int32Array(n), offsets, n, 1, H, hp, 0, 'f64');
    expect(Array.from(b.p).slice(H)).toEqual(Array.from(a.p).slice(H));
    expect(Array.from(b.p).slice(0, H)).not.toEqual(Array.from(a.p).slice(0, H));
    // The op on a rank-2 bank (shape rule and interpreter) is the [n, 1, H] update.
    const gb = new GraphBuilder();
    const ins = (name: string, dtype: 'f32' | 'i32', shape: number[]) => gb.addInput(name, tensorType(dtype, shape), 'input');
    const outs = gb.addNode('expertFactoredAdamUpdate', hp, [ins('p', 'f32', [n, H]), ins('g', 'f32', [n, H]), ins('vr', 'f32', [n, 1]), ins('vc', 'f32', [n, H]), ins('last', 'i32', [n]), ins('off', 'i32', [n + 1])]);
    ['p', 'vr', 'vc', 'last'].forEach((nm, i) => gb.setOutput(nm, outs[i]!));
    const f = (dtype: 'f32' | 'i32', shape: number[], data: ArrayLike<number>) => ({ type: tensorType(dtype, shape), data: dtype === 'f32' ? Float32Array.from(data) : Int32Array.from(data) });
    const got = interpret(gb.finish(), { p: f('f32', [n, H], p0), g: f('f32', [n, H], g1), vr: f('f32', [n, 1], zero), vc: f('f32', [n, H], new Float64Array(n * H)), last: f('i32', [n], zero), off: f('i32', [n + 1], offsets) }, { seed: 0, step: 0, training: true });
    expect(got['p']!.type.shape).toEqual([n, H]);
    expectNear(got['p']!.data, a.p, 1e-6, 'interpreted p');
    expectNear(got['vc']!.data, a.vc, 1e-6, 'interpreted vc');
    // The shape rule asks for the [n, 1] row statistics of a rank-2 bank.
    const bad = new GraphBuilder();
    const bin = (name: string, dtype: 'f32' | 'i32', shape: number[]) => bad.addInput(name, tensorType(dtype, shape), 'input');
    expect(() => bad.addNode('expertFactoredAdamUpdate', hp, [bin('p', 'f32', [n, H]), bin('g', 'f32', [n, H]), bin('vr', 'f32', [n]), bin('vc', 'f32', [n, H]), bin('last', 'i32', [n]), bin('off', 'i32', [n + 1])])).toThrow(
      /row statistics f32\[7\] must be f32\[7,1\]/,
    );
  });

  it('rejects offsets of the wrong length and names the op', () => {
    expect(() => opt.expertSgdUpdate([1, 2], [0, 0], Int32Array.of(0, 1), 2, 0.1)).toThrow(/expertSgdUpdate dispatch offsets: expected 3 elements/);
  });
});
