/**
 * The small-row weight half of the fused expert backward (compiler/wgsl/expert-wgrad-small.ts) at
 * n = 2048 experts with 1, 4 and 8 mean rows per expert, vs the CPU reference written from the
 * equations (ir/reference/expert-ffn-grad.ts): dw1, db1, dw2, db2 of every expert. Routing is
 * random and non-trivial (distinct uniform experts per row, plus a hot expert in slot 0 of every
 * eighth row, so one expert has many more slots than a row group and is walked group by group);
 * the test asserts experts with no rows, with one row and with more than a group exist. Both
 * launch forms run: over all n experts (empty experts write zeros) and over the active-expert
 * list (empty experts' blocks stay untouched: pre-filled NaN survives). A second run must give
 * the same bits, and the all-experts and active forms must agree bit for bit. Dout 7 runs the scalar
 * rows of w2/dw2, Dout 8 their vec4 form. The lanes form (compiler/wgsl/expert-wgrad-lanes.ts: no
 * workgroup memory, one slot at a time; H 70 = a full 64-unit slice and a partial one) runs in the
 * same cases, both launch forms, and must give the staged kernel's bits (both sum each output in
 * slot order, left to right); in one slice of all H units it also writes dslot, whose combine (dx
 * summed on the host over each row's slots) must match the reference's dx. The lowering of the
 * example LM at one row per expert is checked to take that fused form at H 16 and not at H 80.
 */
import { expect, it } from 'vitest';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import { traceModel } from '../../frontend/model.ts';
import model from '../../examples/lstm-moe-lm.ts';
import { dispatch } from '../../ir/reference/dispatch.ts';
import { expertFfnGrad } from '../../ir/reference/expert-ffn-grad.ts';
import { sortDispatchSteps } from './dispatch-steps.ts';
import { expertWgradSmallKernel } from '../../compiler/wgsl/expert-wgrad-small.ts';
import { expertWgradLanesKernel } from '../../compiler/wgsl/expert-wgrad-lanes.ts';
import { readF32, readI32 } from '../../runtime/gpu/buffers.ts';
import type { KernelStep } from '../../runtime/gpu/run.ts';
import { describeGpu, dev, expectClose, out, randArray, rng, run, up } from './gpu.ts';

const JIT_TIMEOUT = 900_000;
const [n, k, D, H, hot] = [2048, 4, 12, 70, 1234];

/** Indices [N,k] of distinct experts per row: slot 0 of every eighth row is `hot`, the rest uniform over n. */
function indicesOf(r: () => number, N: number): Int32Array {
  const idx = new Int32Array(N * k);
  for (let row = 0; row < N; row++) {
    const chosen = new Set<number>();
    if (row % 8 === 0) chosen.add(hot);
    while (chosen.size < k) chosen.add(Math.floor(r() * n));
    [...chosen].forEach((e, j) => (idx[row * k + j] = e));
  }
  return idx;
}

describeGpu('small-row expert weight gradients at n = 2048', () => {
  // Dout 7: scalar rows of w2/dw2; Dout 8: the vec4 form (rows of w2 and dw2 as vec4s).
  it.each([
    [1, 8, 7],
    [4, 8, 7],
    [8, 8, 8],
    [4, 4, 8],
  ])('match the reference at %i mean rows per expert (%i-row groups, Dout %i)', async (mean, rows, Dout) => {
    const r = rng(900 + mean * 10 + rows);
    const N = (mean * n) / k;
    const S = N * k;
    const indices = indicesOf(r, N);
    const ref = dispatch(indices, N, k, n);
    const counts = Array.from({ length: n }, (_, e) => ref.offsets[e + 1]! - ref.offsets[e]!);
    expect(counts.filter((c) => c === 0).length, 'experts with no rows').toBeGreaterThan(0);
    expect(counts.filter((c) => c === 1).length, 'experts with one row').toBeGreaterThan(0);
    expect(counts[hot]!, 'hot expert spans several row groups').toBeGreaterThan(2 * rows);
    const x = randArray(r, N * D);
    const w1 = randArray(r, n * D * H, -0.3, 0.3);
    const b1 = randArray(r, n * H, -0.3, 0.3);
    const w2 = randArray(r, n * H * Dout, -0.3, 0.3);
    const dy = randArray(r, S * Dout);
    const { steps, bufs } = sortDispatchSteps({ N, k, n, tileRows: 4 }, up(indices));
    const active = [...counts.keys()].filter((e) => counts[e]! > 0);
    const activeList = up(Int32Array.from([active.length, ...active]));
    const inputs = { x: up(x), sourceRow: bufs.sourceRow, offsets: bufs.offsets, w1_0: up(w1), b1: up(b1), w2_0: up(w2), dy: up(dy) };
    const sizes = { dw1: n * D * H, db1: n * H, dw2: n * H * Dout, db2: n * Dout } as const;
    type Key = keyof typeof sizes;
    const outs = () => ({ dw1: out(sizes.dw1), db1: out(sizes.db1), dw2: out(sizes.dw2), db2: out(sizes.db2) });
    const step = (o: ReturnType<typeof outs>, activeOnly: boolean, lanes = false): KernelStep => ({
      kernel: lanes ? expertWgradLanesKernel({ n, D, H, Dout, active: activeOnly }) : expertWgradSmallKernel({ n, D, H, Dout, rows, active: activeOnly }),
      buffers: { ...inputs, ...o, ...(activeOnly ? { activeList } : {}) },
    });
    const [a, b, c, la, lc, ld] = [outs(), outs(), outs(), outs(), outs(), outs()];
    for (const o of [a, c, la, lc]) for (const buf of Object.values(o)) dev().device.queue.writeBuffer(buf, 0, new Float32Array(buf.size / 4).fill(Number.NaN));
    // The lanes form with one slice of all H units also writes dslot = dpre·w1ᵀ (the input half).
    const dslot = out(S * D);
    const withDslot: KernelStep = { kernel: expertWgradLanesKernel({ n, D, H, Dout, active: true, slice: H, dslot: true }), buffers: { ...inputs, ...ld, activeList, dslot } };
    await run([...steps, step(a, false), step(b, false), step(c, true), step(la, false, true), step(lc, true, true), withDslot]);
    expect(Array.from(await readI32(dev(), bufs.offsets, n + 1))).toEqual(Array.from(ref.offsets));
    const want = expertFfnGrad({ x, sourceRow: ref.sourceRow, offsets: ref.offsets, position: ref.position, w1, b1, w2, dy, N, D, H, Dout, n, k });
    const d = dev();
    // dx[row] = Σ_j dslot[position[row, j]] against the reference's dx.
    const ds = await readF32(d, dslot, S * D);
    const dx = new Float32Array(N * D);
    for (let row = 0; row < N; row++) {
      for (let j = 0; j < k; j++) {
        const p = ref.position[row * k + j]!;
        if (p >= 0) for (let q = 0; q < D; q++) dx[row * D + q]! += ds[p * D + q]!;
      }
    }
    expectClose(dx, want.dx, 2e-4, `dx from the lanes form's dslot (mean ${mean} rows)`);
    expect(want.dx.some((v) => v !== 0), 'dx reference is not all zero').toBe(true);
    for (const key of Object.keys(sizes) as Key[]) {
      const got = await readF32(d, a[key], sizes[key]);
      expectClose(got, want[key], 2e-4, `${key} (mean ${mean} rows, groups of ${rows})`);
      expect(want[key].some((v) => v !== 0), `${key} reference is not all zero`).toBe(true);
      expect(Array.from(await readF32(d, b[key], sizes[key])), `${key} same bits on a second run`).toEqual(Array.from(got));
      expect(Array.from(await readF32(d, la[key], sizes[key])), `${key}: lanes form, the staged kernel's bits`).toEqual(Array.from(got));
      const one = await readF32(d, ld[key], sizes[key]);
      for (let e = 0; e < n; e++) {
        if (counts[e]! > 0) expect(Array.from(one.subarray(e * sizes[key] / n, (e + 1) * sizes[key] / n)), `${key} expert ${e}: lanes form in one slice (with dslot)`).toEqual(Array.from(got.subarray(e * sizes[key] / n, (e + 1) * sizes[key] / n)));
      }
      const per = sizes[key] / n;
      for (const [form, buf] of [['staged', c], ['lanes', lc]] as const) {
        const act = await readF32(d, buf[key], sizes[key]);
        for (let e = 0; e < n; e++) {
          const blk = Array.from(act.subarray(e * per, (e + 1) * per));
          if (counts[e]! > 0) expect(blk, `${key} expert ${e} (${form}, active)`).toEqual(Array.from(got.subarray(e * per, (e + 1) * per)));
          else expect(blk.every((v) => Number.isNaN(v)), `${key} expert ${e} (${form}, active; no rows) untouched`).toBe(true);
        }
      }
    }
  }, JIT_TIMEOUT);
});

describeGpu('the lowering of the expert backward at about one row per expert', () => {
  it('takes the lanes form, which also writes dslot (no input-half kernel), when H ≤ 64', () => {
    const plan = (expertHidden: number) =>
      compileTrainingPlan(traceModel(model, { T: 4, B: 8, vocab: 30, width: 16, experts: 64, k: 2, expertHidden, dropout: 0 }), { optimizer: { name: 'sgd', lr: 0.1 }, recompute: 'experts' }, dev().device.limits)
        .plan.steps.flatMap((st) => st.dispatches.map((x) => x.kernel.name));
    const narrow = plan(16);
    expect(narrow).toContain('expert_wgrad_lanes_active');
    expect(narrow).not.toContain('expert_gemv_grad_input');
    // H 80 > 64: two slices per expert, so the input half keeps its own kernel.
    const wide = plan(80);
    expect(wide).toContain('expert_wgrad_lanes_active');
    expect(wide).toContain('expert_gemv_grad_input');
  });
});
