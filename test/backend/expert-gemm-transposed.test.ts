/**
 * The grouped GEMM with `transposeW` (expert weights read as their transpose, bank stored
 * [n, cols, K]) vs a CPU reference: ragged segments from the reference dispatch with experts that
 * receive zero rows, K both a multiple of 4 (vec4 weight loads) and not (scalar fallback at the K
 * edge), column counts that are not multiples of the tile, gather + relu, several weight banks, and
 * the scalar, TK % 4 ≠ 0 and 4-row (on a 4-row tile map) tilings. The transposed kernel stages exactly the tile the plain kernel
 * stages from a host-transposed bank, so the two must agree bit for bit.
 */
import { expect, it } from 'vitest';
import { dispatch } from '../../ir/reference/dispatch.ts';
import { maxTiles } from '../../compiler/wgsl/dispatch.ts';
import { DEFAULT_EXPERT_TILING, EXPERT_TILE_ROWS, EXPERT_TILING_4, groupedGemmKernel, type ExpertTiling } from '../../compiler/wgsl/expert-ffn.ts';
import { readF32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, expectClose, out, randArray, rng, run, up } from './gpu.ts';
import { tileMapOf } from './dispatch-steps.ts';

interface Case {
  readonly name: string;
  readonly N: number;
  readonly k: number;
  readonly n: number;
  readonly K: number;
  readonly cols: number;
  readonly used: readonly number[];
  readonly gather: boolean;
  readonly relu: boolean;
  readonly banks?: readonly number[];
  readonly tiling?: ExpertTiling;
}


/** [n, R, C] → [n, C, R]. */
function transposeBank(w: Float32Array, n: number, R: number, C: number): Float32Array {
  const t = new Float32Array(w.length);
  for (let e = 0; e < n; e++) for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) t[e * R * C + c * R + r] = w[e * R * C + r * C + c]!;
  return t;
}

async function check(c: Case): Promise<void> {
  const r = rng(c.N * 31 + c.K);
  const { N, k, n, K, cols } = c;
  const S = N * k;
  const indices = new Int32Array(S);
  for (let row = 0; row < N; row++) {
    const pool = [...c.used];
    for (let j = 0; j < k; j++) indices[row * k + j] = pool.splice(Math.floor(r() * pool.length), 1)[0]!;
  }
  const d = dispatch(indices, N, k, n);
  const rows = c.gather ? N : S;
  const a = randArray(r, rows * K);
  const wt = randArray(r, n * cols * K, -0.5, 0.5); // stored [n, cols, K]
  const bias = randArray(r, n * cols, -0.1, 0.1);
  // Reference: out[s] = act(a[src(s)]·wt[e]ᵀ + bias[e]), summed in f64.
  const want = new Float32Array(S * cols);
  for (let e = 0; e < n; e++) {
    for (let s = d.offsets[e]!; s < d.offsets[e + 1]!; s++) {
      const src = c.gather ? d.sourceRow[s]! : s;
      for (let col = 0; col < cols; col++) {
        let acc = 0;
        for (let kk = 0; kk < K; kk++) acc += a[src * K + kk]! * wt[e * cols * K + col * K + kk]!;
        acc += bias[e * cols + col]!;
        want[s * cols + col] = c.relu ? Math.max(acc, 0) : acc;
      }
    }
  }
  const tm = (c.tiling ?? DEFAULT_EXPERT_TILING).tm;
  const tileMap = up(tileMapOf(d.offsets, n, maxTiles({ N, k, n, tileRows: tm }), tm));
  const banks = c.banks ?? [n];
  const bankBufs = (w: Float32Array): Record<string, GPUBuffer> => {
    const res: Record<string, GPUBuffer> = {};
    let e0 = 0;
    banks.forEach((cnt, b) => {
      res[`w${b}`] = up(w.slice(e0 * cols * K, (e0 + cnt) * cols * K));
      e0 += cnt;
    });
    return res;
  };
  const shape = { S, N, k, n, K, cols, gather: c.gather, relu: c.relu, ...(c.banks ? { banks: c.banks } : {}), ...(c.tiling ? { tiling: c.tiling, tileRows: c.tiling.tm } : {}) };
  const kt = groupedGemmKernel({ ...shape, transposeW: true });
  const kp = groupedGemmKernel(shape);
  expect(kt.wgsl).not.toBe(kp.wgsl);
  expect(kt.cacheKey).not.toBe(kp.cacheKey);
  const common = { a: up(a), ...(c.gather ? { sourceRow: up(d.sourceRow) } : {}), tileMap, bias: up(bias) };
  const gotT = out(S * cols);
  const gotP = out(S * cols);
  await run([
    { kernel: kt, buffers: { ...common, ...bankBufs(wt), out: gotT } },
    { kernel: kp, buffers: { ...common, ...bankBufs(transposeBank(wt, n, cols, K)), out: gotP } },
  ]);
  const t = await readF32(dev(), gotT, S * cols);
  expectClose(t, want, 1e-4, `${c.name}: transposed grouped GEMM`);
  // Zero-row experts own no slots; every slot belongs to some used expert, so nothing stays unwritten.
  expect(Array.from(t)).toEqual(Array.from(await readF32(dev(), gotP, S * cols)));
}

describeGpu('grouped GEMM with transposed expert weights', () => {
  it('K % 4 == 0 (vec4 weight loads): ragged segments, zero-row experts, two column tiles', async () => {
    await check({ name: 'vec4', N: 150, k: 2, n: 11, K: 64, cols: 130, used: [0, 1, 3, 4, 7, 8, 10], gather: false, relu: false });
  });

  it('K % 4 != 0 (scalar K edge), gather + relu, three weight banks', async () => {
    await check({ name: 'ragged K', N: 97, k: 3, n: 12, K: 37, cols: 70, used: [0, 2, 3, 5, 6, 9, 11], gather: true, relu: true, banks: [4, 3, 5] });
  });

  it('one expert holds every slot (several tiles of one segment), K = 5', async () => {
    // Three banks, gather + relu and K % 4 != 0 like the previous test: the same pipelines, no new JIT.
    await check({ name: 'one expert', N: 77, k: 1, n: 4, K: 5, cols: 9, used: [2], gather: true, relu: true, banks: [1, 2, 1] });
  });

  it('other tilings: scalar workgroup tile, vec4 tile with TK % 4 != 0', async () => {
    const scalar: ExpertTiling = { tm: EXPERT_TILE_ROWS, tn: 64, tk: 8, rm: 4, rn: 4, vec4: false };
    const odd: ExpertTiling = { tm: EXPERT_TILE_ROWS, tn: 64, tk: 6, rm: 4, rn: 8, vec4: true };
    await check({ name: 'scalar tiling', N: 61, k: 2, n: 5, K: 23, cols: 70, used: [0, 1, 4], gather: true, relu: true, tiling: scalar });
    await check({ name: 'TK=6 tiling', N: 61, k: 2, n: 5, K: 24, cols: 70, used: [1, 3, 4], gather: false, relu: false, tiling: odd });
  });

  it('the 4-row tiling on a 4-row tile map: ~1.5 rows per expert, gather + relu, two weight banks', async () => {
    const used = [...Array(40).keys()].filter((e) => e % 7 !== 3);
    await check({ name: '4-row tiling', N: 30, k: 2, n: 40, K: 36, cols: 130, used, gather: true, relu: true, banks: [15, 25], tiling: EXPERT_TILING_4 });
  });
});
