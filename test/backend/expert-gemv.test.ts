/**
 * The batched-GEMV expert kernels (compiler/wgsl/expert-gemv.ts: forward and the dx half of the
 * backward, for experts with a handful of rows) vs the CPU reference (ir/reference/dispatch.ts
 * `expertFfn`, ir/reference/expert-ffn-grad.ts `expertFfnGrad`), run on the device dispatch's tile
 * map. (1) n = 2048 flat experts routed by the reference gating with random non-zero gate weights
 * (routing asserted non-trivial: many experts used, some unused), at 4-row and 8-row maps.
 * (2) Row-count boundaries: experts given exactly 0..9 rows each (one tile-map entry up to 8
 * rows; 9 rows split into two entries), with H not a multiple of the hidden slice (several
 * slices, the last partial), Dout above the workgroup width (two output columns per thread), a
 * pass of R = 4 rows over 8-row entries (the walk over an entry in passes), the forward's
 * weight bank split over three bindings, vec4 weight loads (H and Dout multiples of 4) and the
 * scalar loads forced on such a shape, and entries of 2 and 1 rows (rows packed as vec2 / f32). Each is run twice and must give the same bits.
 */
import { expect, it } from 'vitest';
import { dispatch, expertFfn } from '../../ir/reference/dispatch.ts';
import { expertFfnGrad } from '../../ir/reference/expert-ffn-grad.ts';
import { gatingForward } from '../../ir/reference/gating.ts';
import { sortDispatchSteps } from './dispatch-steps.ts';
import { expertGemvForwardKernel, expertGemvGradInputKernel, useExpertGemv, type GemvShape } from '../../compiler/wgsl/expert-gemv.ts';
import { expertTileRows } from '../../compiler/wgsl/expert-ffn.ts';
import { combineKernel } from '../../compiler/wgsl/combine.ts';
import { readF32, readI32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, expectClose, out, randArray, rng, run, up } from './gpu.ts';

const JIT_TIMEOUT = 900_000;

interface Case {
  readonly N: number;
  readonly k: number;
  readonly n: number;
  readonly D: number;
  readonly H: number;
  readonly Dout: number;
  readonly tileRows: number;
  readonly indices: Int32Array;
  readonly banks?: readonly number[];
  readonly shape?: GemvShape;
  readonly seed: number;
}

/** Values rounded to multiples of 1/16. */
function grid(a: Float32Array): Float32Array {
  return a.map((v) => Math.round(v * 16) / 16);
}

/** Runs forward + dx (twice) on the device and compares with the reference. */
async function check(c: Case): Promise<void> {
  const { N, k, n, D, H, Dout, tileRows, indices } = c;
  const S = N * k;
  const r = rng(c.seed);
  const ref = dispatch(indices, N, k, n);
  // x, w1 and b1 on a grid of 1/16: the pre-activations are exact in f32 and in the reference's
  // f64, so no hidden unit's relu mask differs between the two (a unit within rounding of 0
  // flips its whole dpre·w1 contribution, ~0.1 of one dx element, at these sizes).
  const x = grid(randArray(r, N * D));
  const w1 = grid(randArray(r, n * D * H, -0.3, 0.3));
  const b1 = grid(randArray(r, n * H, -0.3, 0.3));
  const w2 = randArray(r, n * H * Dout, -0.3, 0.3);
  const b2 = randArray(r, n * Dout, -0.3, 0.3);
  const dy = randArray(r, S * Dout);
  const { steps, bufs } = sortDispatchSteps({ N, k, n, tileRows }, up(indices));
  const opts = { N, k, n, D, H, Dout, tileRows, ...(c.shape ? { shape: c.shape } : {}) };
  const banks = c.banks ?? [n];
  const bankBufs = (w: Float32Array, per: number, prefix: string) => {
    let start = 0;
    return Object.fromEntries(banks.map((cnt, b) => {
      const buf = up(w.slice(start * per, (start + cnt) * per));
      start += cnt;
      return [`${prefix}${b}`, buf];
    }));
  };
  const fwdBind = { x: up(x), sourceRow: bufs.sourceRow, tileMap: bufs.tileMap, ...bankBufs(w1, D * H, 'w1_'), b1: up(b1), ...bankBufs(w2, H * Dout, 'w2_'), b2: up(b2) };
  const fwd = expertGemvForwardKernel({ ...opts, ...(c.banks ? { banks: c.banks } : {}) });
  const dxk = expertGemvGradInputKernel(opts);
  const ones = up(new Float32Array(S).fill(1));
  const inputs = { x: fwdBind.x, sourceRow: bufs.sourceRow, tileMap: bufs.tileMap, w1_0: up(w1), b1: fwdBind.b1, w2_0: up(w2), dy: up(dy) };
  const sides = [0, 1].map(() => ({ y: out(S * Dout), dslot: out(S * D), dx: out(N * D) }));
  await run([
    ...steps,
    ...sides.flatMap((o) => [
      { kernel: fwd, buffers: { ...fwdBind, out: o.y } },
      { kernel: dxk, buffers: { ...inputs, dslot: o.dslot } },
      { kernel: combineKernel({ N, k, Dout: D }), buffers: { y: o.dslot, position: bufs.position, gates: ones, out: o.dx } },
    ]),
  ]);
  expect(Array.from(await readI32(dev(), bufs.offsets, n + 1))).toEqual(Array.from(ref.offsets));
  const y = await readF32(dev(), sides[0]!.y, S * Dout);
  const yRef = expertFfn({ x, sourceRow: ref.sourceRow, offsets: ref.offsets, w1, b1, w2, b2, N, D, H, Dout, n });
  expectClose(y, yRef, 1e-4, `GEMV forward y (n=${n}, ${tileRows}-row map)`);
  const dx = await readF32(dev(), sides[0]!.dx, N * D);
  const want = expertFfnGrad({ x, sourceRow: ref.sourceRow, offsets: ref.offsets, position: ref.position, w1, b1, w2, dy, N, D, H, Dout, n, k });
  expect(want.dx.some((v) => v !== 0)).toBe(true);
  expectClose(dx, want.dx, 2e-4, `GEMV dx (n=${n}, ${tileRows}-row map)`);
  // Same bits on the second run.
  expect(Array.from(await readF32(dev(), sides[1]!.y, S * Dout))).toEqual(Array.from(y));
  expect(Array.from(await readF32(dev(), sides[1]!.dx, N * D))).toEqual(Array.from(dx));
}

function counts(indices: Int32Array, n: number): number[] {
  const c = new Array<number>(n).fill(0);
  for (const e of indices) c[e]!++;
  return c;
}

describeGpu('batched-GEMV expert kernels at a few rows per expert', () => {
  it.each([
    [512, 4],
    [1024, 8],
  ])('n = 2048 flat experts, %i rows × k = 4 routed by gating with random gate weights (%i-row map)', async (N, tileRows) => {
    const [k, n, D, H, Dout] = [4, 2048, 12, 300, 9];
    expect(expertTileRows(N * k, n) <= tileRows).toBe(true);
    expect(useExpertGemv({ tileRows, D, Dout })).toBe(true);
    const r = rng(7 + N);
    const gx = randArray(r, N * D);
    const wg = randArray(r, D * n, -1, 1);
    const g = gatingForward({ x: gx, wg, N, D, n, k, eps: 1e-2, noisy: false, training: false, seed: 1, step: 0, stream: 0, rowOffset: 0 });
    const cnt = counts(g.indices, n);
    const used = cnt.filter((v) => v > 0).length;
    expect(used, 'experts used').toBeGreaterThan(n / 4);
    expect(used, 'experts used').toBeLessThan(n);
    expect(Math.max(...cnt), 'most rows on one expert').toBeLessThan(N);
    await check({ N, k, n, D, H, Dout, tileRows, indices: g.indices, seed: N });
  }, JIT_TIMEOUT);

  /** Expert e gets (e % 10) rows (0..9), rows assigned to distinct experts per row. */
  function boundaryRouting(k: number, n: number): { N: number; indices: Int32Array } {
    const slots: number[] = [];
    for (let e = 0; e < n; e++) for (let i = 0; i < e % 10; i++) slots.push(e);
    // Row j takes slots j, j + N, j + 2N, … of this list: distinct experts per row when N ≥ 9.
    const N = Math.ceil(slots.length / k);
    while (slots.length < N * k) slots.push(n - 1 - (slots.length % 3));
    const idx = new Int32Array(N * k);
    for (let s = 0; s < N * k; s++) idx[(s % N) * k + Math.floor(s / N)] = slots[s]!;
    return { N, indices: idx };
  }

  it.each([
    { tileRows: 8, D: 20, H: 600, Dout: 70, shape: undefined, banks: [13, 17, 10] },
    { tileRows: 8, D: 33, H: 129, Dout: 7, shape: { R: 4, WG: 32, HPT: 2 }, banks: undefined },
    { tileRows: 4, D: 16, H: 260, Dout: 16, shape: undefined, banks: undefined },
    // vec4 weight loads (H, Dout multiples of 4) over three banks, Dout 72: three column groups per thread, the last partial.
    { tileRows: 8, D: 20, H: 192, Dout: 72, shape: undefined, banks: [13, 17, 10] },
    // The same aligned shape as above with one weight per load forced (the scalar path on a vec4-able shape).
    { tileRows: 4, D: 16, H: 260, Dout: 16, shape: { R: 4, WG: 8, HPT: 8, scalar: true }, banks: undefined },
    // Entries of 2 and 1 rows: rows packed as vec2 / scalars, experts with up to 9 rows walked 2 / 1 at a time.
    { tileRows: 2, D: 12, H: 136, Dout: 8, shape: undefined, banks: undefined },
    { tileRows: 1, D: 12, H: 72, Dout: 12, shape: undefined, banks: undefined },
  ])('experts with exactly 0..9 rows: $tileRows-row map, D $D, H $H, Dout $Dout', async ({ tileRows, D, H, Dout, shape, banks }) => {
    const [k, n] = [3, 40];
    const { N, indices } = boundaryRouting(k, n);
    for (let row = 0; row < N; row++) expect(new Set(indices.subarray(row * k, row * k + k)).size).toBe(k);
    const cnt = counts(indices, n);
    for (let c = 0; c <= 9; c++) expect(cnt.some((v) => v === c), `an expert with ${c} rows`).toBe(true);
    await check({ N, k, n, D, H, Dout, tileRows, indices, seed: 31 + tileRows, ...(shape ? { shape } : {}), ...(banks ? { banks } : {}) });
  }, JIT_TIMEOUT);
});
