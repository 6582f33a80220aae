/**
 * The one-dispatch factored-Adam kernel (compiler/wgsl/factored-adam-small.ts) in its sparse form
 * (expertFactoredAdamUpdate over the active-expert list) against the CPU reference
 * (ir/reference/optimizers.ts expertFactoredAdamUpdate, written from the equations), over several
 * steps of random routings in which an expert skips a step and returns (catch-up of the skipped
 * decay) and the last expert never gets a row. Shapes: the hierarchical MoE's secondary-gating
 * bank [256 groups, 16, 256] (long rows), its expert banks at 65536 experts ([65536, 16, 16] and
 * the biases [65536, 1, 16]) with at most 256 experts routed per step as in a 64-row step, a tall
 * [6, 300, 5] bank (long columns) and a square [5, 64, 64] (the two-level workgroup form), and
 * ragged shapes of the lane-per-column form (c % 4 ≠ 0, rows split into segments, a partial last
 * workgroup); clipping active and off. The gradient of an unrouted expert is NaN in the feeds (never read). Reruns are
 * bit-identical.
 */
import { expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/graph.ts';
import { initParams } from '../../ir/interpret.ts';
import * as opt from '../../ir/reference/optimizers.ts';
import { tensorType } from '../../ir/types.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { factoredColumns, factoredSmall, factoredSmallWorkgroup } from '../../compiler/wgsl/factored-adam-small.ts';
import { prepareWebGpuPlan } from '../../runtime/webgpu-executor.ts';
import { expectNear } from '../ir/expert-schedule.ts';
import { rand } from '../ir/fd.ts';
import { cache, describeGpu, dev } from './gpu.ts';
import { outputBits, tensor } from './train-plan.ts';

const f32 = (shape: number[]) => tensorType('f32', shape);
const i32 = (shape: number[]) => tensorType('i32', shape);

/**
 * Per step, `routed` distinct experts of n with 1–4 rows each: expert 0 at steps 0 and 2 (not 1),
 * expert n − 1 never; the others drawn at random. Returns the offsets [n+1] and the active flags.
 */
function schedule(seed: number, n: number, routed: number, steps: number): { offsets: Int32Array; active: boolean[] }[] {
  const r = rand(seed);
  return Array.from({ length: steps }, (_, s) => {
    const active = new Array<boolean>(n).fill(false);
    if (s !== 1) active[0] = true;
    const u = r(4 * routed, 0, 1);
    for (let t = 0; t < u.length && active.filter(Boolean).length < routed; t++) active[1 + Math.floor(u[t]! * (n - 2))] = true;
    const offsets = new Int32Array(n + 1);
    for (let e = 0; e < n; e++) offsets[e + 1] = offsets[e]! + (active[e] ? 1 + (e % 4) : 0);
    return { offsets, active };
  });
}

/** Graph: expertFactoredAdamUpdate of one bank [n, r, c] (parameters random, statistics zero). */
function bankGraph(n: number, r: number, c: number, clip: number) {
  const b = new GraphBuilder();
  const q = b.addInput('q', f32([n, r, c]), 'param', { kind: 'uniform', scale: 0.5 });
  const vr = b.addInput('vr', f32([n, r]), 'state', { kind: 'zeros' });
  const vc = b.addInput('vc', f32([n, c]), 'state', { kind: 'zeros' });
  const last = b.addInput('last', i32([n]), 'state', { kind: 'zeros' });
  const g = b.addInput('g', f32([n, r, c]), 'input');
  const offsets = b.addInput('offsets', i32([n + 1]), 'input');
  const fa = b.addNode('expertFactoredAdamUpdate', { lr: 0.02, beta2: 0.9, clip }, [q, g, vr, vc, last, offsets]);
  ['q', 'vr', 'vc', 'last'].forEach((nm, i) => b.setOutput(nm, fa[i]!));
  return b.finish();
}

/** Runs `steps` sparse updates on the device and the reference side by side; checks every element each step. */
async function checkBank(n: number, r: number, c: number, routed: number, steps: number, clip: number, seed: number): Promise<void> {
  expect(factoredSmall(r, c)).toBe(true);
  const graph = bankGraph(n, r, c, clip);
  const hp = { lr: 0.02, beta2: 0.9, clip };
  const init = initParams(graph, seed);
  const exe = await prepareWebGpuPlan(dev(), lowerToWebGpu(graph, dev().device.limits), cache!);
  exe.setParams(init);
  let ref = { p: init.q!.data as ArrayLike<number>, vr: init.vr!.data as ArrayLike<number>, vc: init.vc!.data as ArrayLike<number>, last: init.last!.data as ArrayLike<number> };
  const rg = rand(seed + 1);
  for (const [s, st] of schedule(seed, n, routed, steps).entries()) {
    const g = new Float32Array(n * r * c).fill(NaN);
    const g0 = new Float32Array(n * r * c);
    st.active.forEach((on, e) => {
      if (!on) return;
      const v = rg(r * c);
      // A few exact zeros (their update must be exactly zero) among the random values.
      for (let q = 0; q < r * c; q++) g[e * r * c + q] = g0[e * r * c + q] = q % 13 === 5 ? 0 : v[q]!;
    });
    const got = await exe.run({ g: tensor('f32', [n, r, c], g), offsets: tensor('i32', [n + 1], st.offsets) }, { seed: 0, step: s, training: true });
    const res = opt.expertFactoredAdamUpdate(ref.p, g0, ref.vr, ref.vc, ref.last, st.offsets, n, r, c, hp, s);
    ref = { p: res.p, vr: res.vr, vc: res.vc, last: res.last };
    const at = `[${n},${r},${c}] clip ${clip} step ${s}`;
    expect(Array.from(got.last!.data), `last ${at}`).toEqual(Array.from(ref.last));
    expectNear(got.q!.data, ref.p, 1e-5, `p ${at}`);
    expectNear(got.vr!.data, ref.vr, 1e-5, `vr ${at}`);
    expectNear(got.vc!.data, ref.vc, 1e-5, `vc ${at}`);
    // The update moved the routed experts' weights (non-trivial) and left the others' bits alone.
    const e1 = st.active.findIndex((on, e) => on && e > 0);
    expect(got.q!.data[e1 * r * c + 1]).not.toBe(init.q!.data[e1 * r * c + 1]);
  }
  const tail = (a: ArrayLike<number>) => Array.from(a).slice((n - 1) * r * c);
  const final = await exe.run({ g: tensor('f32', [n, r, c], new Float32Array(n * r * c).fill(NaN)), offsets: tensor('i32', [n + 1], new Int32Array(n + 1)) }, { seed: 0, step: steps, training: true });
  expect(tail(final.q!.data)).toEqual(tail(init.q!.data));
  exe.destroy();
}

describeGpu('one-dispatch factored Adam (sparse) at hierarchical MoE scale', () => {
  it('matches the reference on the secondary-gating bank [256, 16, 256], clipping active and off', async () => {
    // The lane-per-column form: 64 invocations of 4 columns each.
    expect([factoredColumns(16, 256), factoredSmallWorkgroup(16, 256)]).toEqual([true, 64]);
    await checkBank(256, 16, 256, 128, 3, 1e-3, 41);
    await checkBank(256, 16, 256, 128, 3, 0, 42);
  });

  it('matches the reference on 65536-expert banks [65536, 16, 16] and [65536, 1, 16] with 256 experts routed', async () => {
    await checkBank(65536, 16, 16, 256, 3, 1e-3, 43);
    await checkBank(65536, 1, 16, 256, 3, 0, 44);
  });

  it('matches the reference on the lane-per-column form at ragged shapes (scalar columns, split rows, a partial last workgroup)', async () => {
    // [300, 3, 5]: c % 4 ≠ 0 (one column per invocation, 12 matrices per workgroup, 37 routed).
    // [40, 16, 200]: 50 invocations, rows in 4 segments of 16 (the last one short), 2 partials per invocation.
    // [100, 5, 36]: 9 invocations, 7 matrices per workgroup, 5 rows over 9 invocations.
    for (const [r, c] of [[3, 5], [16, 200], [5, 36]] as const) expect(factoredColumns(r, c)).toBe(true);
    await checkBank(300, 3, 5, 37, 3, 1e-3, 47);
    await checkBank(40, 16, 200, 21, 3, 1e-3, 48);
    await checkBank(100, 5, 36, 23, 3, 0, 49);
  });

  it('matches the reference on a tall bank [6, 300, 5] and a square [5, 64, 64]', async () => {
    // Both too tall for the lane-per-column form (r > 16): the two-level workgroup form.
    expect([factoredColumns(300, 5), factoredColumns(64, 64)]).toEqual([false, false]);
    await checkBank(6, 300, 5, 3, 3, 1e-3, 45);
    await checkBank(5, 64, 64, 3, 3, 1e-3, 46);
  });

  it('is bit-identical from run to run on the secondary-gating bank', async () => {
    const [n, r, c] = [256, 16, 256];
    const graph = bankGraph(n, r, c, 1e-3);
    const exe = await prepareWebGpuPlan(dev(), lowerToWebGpu(graph, dev().device.limits), cache!);
    const init = initParams(graph, 7);
    const st = schedule(8, n, 128, 1)[0]!;
    const g = Float32Array.from(rand(9)(n * r * c), (v, i) => (st.active[Math.floor(i / (r * c))] ? v : NaN));
    const feeds = { g: tensor('f32', [n, r, c], g), offsets: tensor('i32', [n + 1], st.offsets) };
    exe.setParams(init);
    const a = await exe.run(feeds, { seed: 0, step: 0, training: true });
    exe.setParams(init);
    const again = await exe.run(feeds, { seed: 0, step: 0, training: true });
    expect(outputBits(again)).toEqual(outputBits(a));
    exe.destroy();
  });
});
