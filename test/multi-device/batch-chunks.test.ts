/**
 * The canonical batch-chunk reductions (compiler/wgsl/reduce-chunks.ts) on WebGPU: a batch sum Σ_r a[r]ᵀ·b[r]
 * (and Σ_r x[r]) over rows laid out (t, batch) computed on ONE device (the whole batch, C chunks, the pairwise
 * tree) equals, bit for bit, the same sum computed by N devices on their batch slices (C/N chunks each, their
 * lower tree levels) and combined by the all-reduce's tree (ir/reference/exchange.ts allReduceReceive), for
 * every N dividing C; the result matches an f64 reference; feeding the rows in two ranges with accumulation
 * gives the bits of one pass; the kernels running the tree themselves (groups of chunks added by the binary
 * counter, G = 1, 2, 4 of 8 chunks) give the bits of the per-chunk partials + tree kernel, and so does the
 * embedding gradient's counter (log2 8 scratch tables) against its 8 chunk tables + tree. The geometry helper
 * picks C and refuses device counts that do not divide it.
 * Skipped without an adapter.
 */
import { expect, it } from 'vitest';
import { batchChunksOf, canonicalChunks } from '../../compiler/lower/batch-chunks.ts';
import { chunkColSumKernel, chunkGemmTnKernel, chunkTreeKernel, type ChunkGeometry } from '../../compiler/wgsl/reduce-chunks.ts';
import type { Graph } from '../../ir/graph.ts';
import { allReduceReceive } from '../../ir/reference/exchange.ts';
import { readF32, readU32 } from '../../runtime/gpu/buffers.ts';
import { embeddingGradKernel, embeddingGradLevels } from '../../compiler/wgsl/embedding-grad.ts';
import { describeGpu, dev, expectClose, out, randArray, rng, run, up } from '../backend/gpu.ts';

const graphWith = (B: number, batch?: number): Graph => ({ meta: { options: { B }, ...(batch ? { partition: { batch } } : {}) } }) as unknown as Graph;

it('canonical chunk geometry: C = the largest power of two ≤ 8 dividing B; devices that do not divide C get none', () => {
  expect([8, 12, 16, 6, 7, 40].map(canonicalChunks)).toEqual([8, 4, 8, 2, 1, 8]);
  expect(batchChunksOf(graphWith(16), 48)).toEqual({ P: 16, w: 2, Cl: 8, T: 3 });
  expect(batchChunksOf(graphWith(8, 16), 24)).toEqual({ P: 8, w: 2, Cl: 4, T: 3 });
  expect(batchChunksOf(graphWith(2, 16), 6)).toEqual({ P: 2, w: 2, Cl: 1, T: 3 });
  expect(batchChunksOf(graphWith(1, 16), 3)).toBeUndefined(); // 16 devices: more than the 8 chunks
  expect(batchChunksOf(graphWith(4, 12), 12)).toBeUndefined(); // 3 devices do not divide C = 4
  expect(batchChunksOf(graphWith(16), 40)).toBeUndefined(); // rows not T·B
  expect(batchChunksOf({ meta: {} } as unknown as Graph, 40)).toBeUndefined();
});

describeGpu('canonical batch-chunk reductions', () => {
  const Ka = 5;
  const Nb = 70; // two column tiles of the GEMM
  /** Runs the chunk GEMM + tree (or column sum + tree) over `rows` rows of geometry g; returns [Ka·Nb] (or [Nb]). */
  const reduce = async (kind: 'gemm' | 'sum', g: ChunkGeometry, a: Float32Array, b: Float32Array): Promise<Float32Array> => {
    const n = kind === 'gemm' ? Ka * Nb : Nb;
    const parts = out(g.Cl * n);
    const res = out(n);
    const first = kind === 'gemm' ? { kernel: chunkGemmTnKernel({ Ka, Nb }, g), buffers: { a: up(a), b: up(b), out: parts } } : { kernel: chunkColSumKernel({ C: Nb }, g), buffers: { x: up(b), out: parts } };
    await run([first, { kernel: chunkTreeKernel({ n, Cl: g.Cl }), buffers: { partials: parts, out: res } }]);
    return readF32(dev(), res, n);
  };
  /** Device d's rows t·B + d·Bl + j of a [T·B, width] matrix, as its local [T·Bl, width]. */
  const slice = (x: Float32Array, T: number, B: number, N: number, d: number, width: number): Float32Array => {
    const Bl = B / N;
    const y = new Float32Array(T * Bl * width);
    for (let t = 0; t < T; t++) y.set(x.subarray((t * B + d * Bl) * width, (t * B + (d + 1) * Bl) * width), t * Bl * width);
    return y;
  };

  it.each([[16, 3], [12, 2], [8, 5]] as const)('B = %i, T = %i: one device and N devices (all-reduced) give the same bits', async (B, T) => {
    const r = rng(B * 31 + T);
    const a = randArray(r, T * B * Ka);
    const b = randArray(r, T * B * Nb);
    const C = canonicalChunks(B);
    const one = { P: B, w: B / C, Cl: C, T };
    for (const kind of ['gemm', 'sum'] as const) {
      const full = await reduce(kind, one, a, b);
      // f64 reference
      const ref = new Float64Array(full.length);
      for (let row = 0; row < T * B; row++) {
        for (let j = 0; j < Nb; j++) {
          if (kind === 'sum') ref[j]! += b[row * Nb + j]!;
          else for (let i = 0; i < Ka; i++) ref[i * Nb + j]! += a[row * Ka + i]! * b[row * Nb + j]!;
        }
      }
      expectClose(full, ref, 1e-5, `${kind} against f64`);
      let differsFromPlain = false;
      for (const N of [2, 4, 8].filter((n) => C % n === 0)) {
        const per = [];
        for (let d = 0; d < N; d++) per.push(await reduce(kind, { P: B / N, w: B / C, Cl: C / N, T }, slice(a, T, B, N, d, Ka), slice(b, T, B, N, d, Nb)));
        const got = allReduceReceive(per) as Float32Array;
        expect(Array.from(got), `${kind} on ${N} devices`).toEqual(Array.from(full));
        // The sequential device-order sum (the all-reduce before the tree) differs somewhere for N > 2: the tree matters.
        const seq = per.reduce((acc, p) => acc.map((v, i) => Math.fround(v + p[i]!)));
        if (Array.from(seq).some((v, i) => v !== full[i])) differsFromPlain = true;
      }
      if (C >= 8 && kind === 'gemm') expect(differsFromPlain, 'a sequential sum over devices gives other bits somewhere').toBe(true);
    }
  });

  it('rows fed in two ranges with accumulation give the bits of one pass', async () => {
    const [B, T] = [16, 4];
    const r = rng(5);
    const a = randArray(r, T * B * Ka);
    const b = randArray(r, T * B * Nb);
    const g = { P: B, w: 2, Cl: 8, T };
    const whole = await reduce('gemm', g, a, b);
    const split = 27; // inside timestep 1
    const parts = out(g.Cl * Ka * Nb);
    const res = out(Ka * Nb);
    const bufA = up(a);
    await run([
      { kernel: chunkGemmTnKernel({ Ka, Nb }, g, { row0: 0, row1: split }), buffers: { a: bufA, b: up(b.slice(0, split * Nb)), out: parts } },
      { kernel: chunkGemmTnKernel({ Ka, Nb }, g, { row0: split, row1: T * B, bRow0: split, accumulate: true }), buffers: { a: bufA, b: up(b.slice(split * Nb)), out: parts } },
      { kernel: chunkTreeKernel({ n: Ka * Nb, Cl: g.Cl }), buffers: { partials: parts, out: res } },
    ]);
    expect(Array.from(await readF32(dev(), res, Ka * Nb))).toEqual(Array.from(whole));
  });

  it.each([1, 2, 4])('the tree inside the kernels (%i groups of 8 chunks, binary counter) gives the bits of the partials + tree kernel', async (G) => {
    const [B, T] = [16, 3];
    const r = rng(17 + G);
    const a = randArray(r, T * B * Ka);
    const b = randArray(r, T * B * Nb);
    const g = { P: B, w: 2, Cl: 8, T };
    for (const kind of ['gemm', 'sum'] as const) {
      const whole = await reduce(kind, g, a, b);
      const n = kind === 'gemm' ? Ka * Nb : Nb;
      const res = out(n);
      const parts = G === 1 ? res : out(G * n);
      const first = kind === 'gemm'
        ? { kernel: chunkGemmTnKernel({ Ka, Nb }, g, { groups: G }), buffers: { a: up(a), b: up(b), out: parts } }
        : { kernel: chunkColSumKernel({ C: Nb }, g, { groups: G }), buffers: { x: up(b), out: parts } };
      await run(G === 1 ? [first] : [first, { kernel: chunkTreeKernel({ n, Cl: G }), buffers: { partials: parts, out: res } }]);
      const got = await readF32(dev(), res, n);
      expect(Array.from(got), `${kind}, ${G} groups`).toEqual(Array.from(whole));
      // A sequential sum of the chunk partials (not the pairwise tree) gives other bits somewhere: the order is checked.
      if (kind === 'gemm' && G === 1) {
        const perChunk = out(g.Cl * n);
        await run([{ kernel: chunkGemmTnKernel({ Ka, Nb }, g), buffers: { a: up(a), b: up(b), out: perChunk } }]);
        const p = await readF32(dev(), perChunk, g.Cl * n);
        const seq = Array.from({ length: n }, (_, e) => { let s = 0; for (let c = 0; c < g.Cl; c++) s = Math.fround(s + p[c * n + e]!); return s; });
        expect(seq.some((v, e) => v !== got[e])).toBe(true);
      }
    }
  });

  it('groups that are not a power-of-two share of the chunks, or accumulation over several groups, are refused', () => {
    const g = { P: 16, w: 2, Cl: 8, T: 3 };
    expect(() => chunkGemmTnKernel({ Ka, Nb }, g, { groups: 3 })).toThrow(/3 groups of 8 chunks are not powers of two/);
    expect(() => chunkColSumKernel({ C: Nb }, g, { groups: 1, accumulate: true })).toThrow(/accumulating over row ranges needs one chunk per group/);
  });

  it('the embedding gradient adding its 8 chunk tables by the counter gives the bits of the tables + tree kernel', async () => {
    const [V, D, B, T] = [13, 5, 16, 3];
    const M = T * B;
    const g = { P: B, w: 2, Cl: 8, T };
    const r = rng(23);
    // Few ids, so every table row sums many positions from several chunks; one id out of range.
    const ids = Int32Array.from({ length: M }, (_, m) => (m === 7 ? V + 2 : Math.floor(r() * 4) * 3));
    const dy = randArray(r, M * D);
    const parts = out(g.Cl * V * D);
    const want = out(V * D);
    const errA = up(new Uint32Array(2));
    await run([
      { kernel: embeddingGradKernel({ V, D, M, chunks: g }), buffers: { ids: up(ids), dy: up(dy), out: parts, err: errA } },
      { kernel: chunkTreeKernel({ n: V * D, Cl: g.Cl }), buffers: { partials: parts, out: want } },
    ]);
    expect(embeddingGradLevels(g.Cl)).toBe(3);
    const got = out(V * D);
    const errB = up(new Uint32Array(2));
    await run([{ kernel: embeddingGradKernel({ V, D, M, chunks: g, tree: true }), buffers: { ids: up(ids), dy: up(dy), out: got, err: errB, levels: out(3 * V * D) } }]);
    const [a, b] = [await readF32(dev(), want, V * D), await readF32(dev(), got, V * D)];
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(await readU32(dev(), errB, 2))).toEqual(Array.from(await readU32(dev(), errA, 2)));
    // Against an f64 reference of the sums (the ids are valid except position 7).
    const ref = new Float64Array(V * D);
    for (let m = 0; m < M; m++) if (m !== 7) for (let d = 0; d < D; d++) ref[ids[m]! * D + d]! += dy[m * D + d]!;
    expectClose(b, ref, 1e-5, 'embedding gradient against f64');
    expect(Array.from(await readU32(dev(), errB, 2))[0]).toBe(1);
  });
});
