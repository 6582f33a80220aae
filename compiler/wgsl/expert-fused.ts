/**
 * The expert FFN fused over the hidden dimension (MegaBlocks' memory-optimised MLP taken to the
 * tile): no [S, H] hidden tensor is ever written. Every kernel works on a TM-row tile of one
 * expert's slots (TM = the tile map's granularity, chosen per plan from the mean rows per expert:
 * 4, 8, 16 or 32, `expertTileRows`) and walks H in chunks of 64: the chunk's hidden activations
 * relu(x·w1[:, chunk] + b1[chunk]) (and in the backward its dhidden = dy·w2[chunk, :]ᵀ and dpre =
 * dhidden·[hidden > 0]) live only in workgroup memory ([64][TM] each).
 * `expertFfnFusedKernel` (op `expertFfn`): one workgroup per tile-map entry; out = b2 + Σ_chunk
 * hidden_chunk·w2[chunk, :], accumulated chunk by chunk in the output rows the workgroup owns.
 * `expertFfnGradInputKernel` (op `expertFfnGrad`, dx half): one workgroup per tile-map entry;
 * dslot = Σ_chunk dpre_chunk·w1[:, chunk]ᵀ into a per-slot [S, D] buffer (the combine gather then
 * sums a row's k slots into dx). `expertFfnGradWeightsKernel` (weight half): one workgroup per
 * (expert, H-chunk), looping over the expert's slots TM at a time in slot order, accumulating
 * dw2[chunk, :] += hiddenᵀ·dy, dw1[:, chunk] += xᵀ·dpre, db1[chunk] += Σ dpre and (chunk 0)
 * db2 += Σ dy; an expert with no slots writes zeros. At a few rows per expert (TM = 4, one tile
 * per expert) each workgroup reads its w1/w2 chunk and writes its dw1/dw2 chunk once: the
 * traffic floor of the weight half. Every output element belongs to one thread of one workgroup
 * and is accumulated in a fixed order: no atomics, same bits every run.
 * Row-tile GEMM pieces (TM × 64) use RT × CT threads (8 × 8 of 4 or 1 rows × two vec4 columns at
 * TM ≥ 8, 4 × 16 of 1 row × one vec4 at TM = 4); the weight gradients are 64 × 64 register tiles
 * over an 8×8 thread grid reduced over the tile's rows min(16, TM) at a time; operands staged
 * through workgroup memory 16 k at a time; wide outputs are walked in 64-column blocks, each
 * block a function of its own (its register tile is declared at the function's top, so it starts
 * at zero on every call: a tile declared inside the block loop was not re-zeroed per iteration by
 * lavapipe, and zeroing it by hand made its JIT take a minute). Grids are flattened
 * (`flat_workgroup`, compiler/wgsl/kernel.ts) and return past the real count, so they can be folded or launched
 * indirectly. The forward kernel takes expert banks split over up to 4 bindings (w1_0.., w2_0..).
 */
import { maxTiles } from './dispatch.ts';
import { EXPERT_TILE_ROWS } from './expert-ffn.ts';
import { ceilDiv, FLAT_WORKGROUP_WGSL, grid1d, type Kernel } from './kernel.ts';
import { bankFn, EXPERT_H_CHUNK, FUSED_WG, MAIN, pieces, TILE_ENTRY } from './expert-fused-pieces.ts';
import { defineProgram, type BindingDecl, type UniformValues } from './program.ts';

export { EXPERT_H_CHUNK } from './expert-fused-pieces.ts';
/** The row tiles these kernels are generated for (the tile map's granularity; `expertTileRows` picks one per plan). */
export const FUSED_TILE_ROWS: readonly number[] = [4, 8, 16, 32];
const HC = EXPERT_H_CHUNK;
const WG = FUSED_WG;

/** Shapes of the fused expert kernels. */
export interface ExpertFusedOptions {
  /** Rows of x. */
  readonly N: number;
  /** Slots per row (S = N·k). */
  readonly k: number;
  /** Number of experts. */
  readonly n: number;
  readonly D: number;
  readonly H: number;
  readonly Dout: number;
  /** Experts per weight binding for w1 and w2 (forward only; default one bank each). */
  readonly banks?: readonly number[];
  /**
   * Rows per tile, one of FUSED_TILE_ROWS (default EXPERT_TILE_ROWS = 32): the granularity of the
   * tile map the per-tile kernels read (the dispatch's DispatchShape.tileRows) and the row step of
   * the weight half's walk over an expert's slots.
   */
  readonly tileRows?: number;
}

/** The uniform fields of every fused expert kernel. */
const FUSED_UNIFORMS = Object.freeze({ D: 'u32', H: 'u32', Dout: 'u32', chunks: 'u32', n: 'u32', maxTiles: 'u32', bank1: 'u32', bank2: 'u32', bank3: 'u32' } as const);

const f32r: BindingDecl = { access: 'read', type: 'f32' };
const f32w: BindingDecl = { access: 'read_write', type: 'f32' };
const i32r: BindingDecl = { access: 'read', type: 'i32' };

function params(o: ExpertFusedOptions) {
  const banks = o.banks ?? [o.n];
  if (banks.length < 1 || banks.length > 4) throw new Error(`fused expert FFN: 1..4 weight banks, got ${banks.length}`);
  if (banks.reduce((a, b) => a + b, 0) !== o.n) throw new Error(`fused expert FFN: banks ${banks.join('+')} must sum to n=${o.n}`);
  const TM = o.tileRows ?? EXPERT_TILE_ROWS;
  if (!FUSED_TILE_ROWS.includes(TM)) throw new Error(`fused expert FFN: tileRows ${TM} is not one of ${FUSED_TILE_ROWS.join(', ')}`);
  const starts = [0, 0, 0, 0];
  for (let b = 1; b < 4; b++) starts[b] = starts[b - 1]! + (banks[b - 1] ?? 0);
  const tiles = maxTiles({ N: o.N, k: o.k, n: o.n, tileRows: TM });
  const values: UniformValues<typeof FUSED_UNIFORMS> = { D: o.D, H: o.H, Dout: o.Dout, chunks: ceilDiv(o.H, HC), n: o.n, maxTiles: tiles, bank1: starts[1]!, bank2: starts[2]!, bank3: starts[3]! };
  return { values, tiles, B: banks.length, TM };
}

/**
 * Fused forward. Bindings: x [N,D], sourceRow i32 [S], tileMap vec4<i32> [maxTiles], w1_0.. (w1
 * banks), b1 [n,H], w2_0.. (w2 banks), b2 [n,Dout], out [S,Dout], params.
 */
export function expertFfnFusedKernel(o: ExpertFusedOptions): Kernel {
  const { values, tiles, B, TM } = params(o);
  const { COMMON, OUT_ACCUMULATE } = pieces(TM);
  const bindings: Record<string, BindingDecl> = {
    x: f32r,
    sourceRow: i32r,
    tileMap: { access: 'read', type: 'vec4<i32>' },
    ...Object.fromEntries(Array.from({ length: B }, (_, b) => [`w1_${b}`, f32r])),
    b1: f32r,
    ...Object.fromEntries(Array.from({ length: B }, (_, b) => [`w2_${b}`, f32r])),
    b2: f32r,
    out: f32w,
  };
  const source = /* wgsl */ `// banks=${B} tile=${TM} rows, H chunk ${HC}
${FLAT_WORKGROUP_WGSL}
${bankFn('w1_at', 'w1_', B, 'params.D * params.H')}
${bankFn('w2_at', 'w2_', B, 'params.H * params.Dout')}
${COMMON}
${OUT_ACCUMULATE}
${MAIN} {
${TILE_ENTRY}
  for (var c = 0u; c < params.chunks; c++) {
    hidden_chunk(e, rs, nrows, c * HC, t);
    workgroupBarrier();
    out_accumulate(e, rs, nrows, c * HC, c == 0u, t);
    workgroupBarrier();
  }
}
`;
  return defineProgram({ name: 'expert_ffn_fused', bindings, uniforms: FUSED_UNIFORMS, workgroupSize: WG, source }).kernel(grid1d(tiles), values);
}

/** The options without weight banks (the backward kernels bind each bank whole). */
function withoutBanks(o: ExpertFusedOptions): ExpertFusedOptions {
  const { banks: _banks, ...rest } = o;
  return rest;
}

/**
 * dx half of the fused backward: dslot[s] = Σ_chunk dpre_chunk[s]·w1[e][:, chunk]ᵀ for the slots
 * of every tile. Bindings: x, sourceRow, tileMap, w1_0 [n,D,H], b1, w2_0 [n,H,Dout], dy [S,Dout],
 * dslot [S,D] (read_write), params.
 */
export function expertFfnGradInputKernel(o: ExpertFusedOptions): Kernel {
  const { values, tiles, TM } = params(withoutBanks(o));
  const { COMMON, DPRE, DSLOT_ACCUMULATE } = pieces(TM);
  const bindings = {
    x: f32r,
    sourceRow: i32r,
    tileMap: { access: 'read', type: 'vec4<i32>' } as const,
    w1_0: f32r,
    b1: f32r,
    w2_0: f32r,
    dy: f32r,
    dslot: f32w,
  };
  const source = /* wgsl */ `// tile=${TM} rows, H chunk ${HC}
${FLAT_WORKGROUP_WGSL}
${bankFn('w1_at', 'w1_', 1, 'params.D * params.H')}
${bankFn('w2_at', 'w2_', 1, 'params.H * params.Dout')}
${COMMON}
${DPRE}
${DSLOT_ACCUMULATE}
${MAIN} {
${TILE_ENTRY}
  for (var c = 0u; c < params.chunks; c++) {
    hidden_chunk(e, rs, nrows, c * HC, t);
    workgroupBarrier();
    dpre_chunk(e, rs, nrows, c * HC, t);
    workgroupBarrier();
    dslot_accumulate(e, rs, nrows, c * HC, c == 0u, t);
    workgroupBarrier();
  }
}
`;
  return defineProgram({ name: 'expert_ffn_grad_input', bindings, uniforms: FUSED_UNIFORMS, workgroupSize: WG, source }).kernel(grid1d(tiles), values);
}

/**
 * Weight half of the fused backward, one workgroup per (expert, H-chunk), workgroup g → expert
 * g / chunks, chunk g % chunks (grid n·chunks, folded). Bindings: x, sourceRow, offsets i32 [n+1],
 * w1_0, b1, w2_0, dy, dw1 [n,D,H], db1 [n,H], dw2 [n,H,Dout], db2 [n,Dout] (read_write), params.
 * With `active`, workgroup g serves the (g / chunks)-th expert of the extra binding `activeList`
 * ([count, e0, e1, …], compiler/wgsl/active-experts.ts) and is launched on an indirect grid of
 * count·chunks workgroups: experts with no rows are not visited and their blocks not written.
 */
export function expertFfnGradWeightsKernel(o: ExpertFusedOptions & { readonly active?: boolean }): Kernel {
  const { values, TM } = params(withoutBanks(o));
  const { COMMON, DPRE, DW2_ACCUMULATE, DW1_ACCUMULATE } = pieces(TM);
  const chunks = ceilDiv(o.H, HC);
  const bindings = {
    x: f32r,
    sourceRow: i32r,
    offsets: i32r,
    w1_0: f32r,
    b1: f32r,
    w2_0: f32r,
    dy: f32r,
    dw1: f32w,
    db1: f32w,
    dw2: f32w,
    db2: f32w,
    ...(o.active ? { activeList: i32r } : {}),
  };
  const source = /* wgsl */ `// tile=${TM} rows, H chunk ${HC}
${FLAT_WORKGROUP_WGSL}
${bankFn('w1_at', 'w1_', 1, 'params.D * params.H')}
${bankFn('w2_at', 'w2_', 1, 'params.H * params.Dout')}
${COMMON}
${DPRE}
${DW2_ACCUMULATE}
${DW1_ACCUMULATE}
${MAIN} {
  let g = flat_workgroup(wid, nwg);
${o.active
  ? `  if (g >= u32(max(activeList[0], 0)) * params.chunks) { return; }
  let e = u32(activeList[1u + g / params.chunks]);`
  : `  if (g >= params.n * params.chunks) { return; }
  let e = g / params.chunks;`}
  let c = g % params.chunks;
  let h0 = c * HC;
  let D = params.D;
  let H = params.H;
  let Dout = params.Dout;
  let s0 = u32(offsets[e]);
  let s1 = u32(offsets[e + 1u]);
  if (s1 <= s0) {
    // No slots: this workgroup's share of the gradients is zero.
    for (var q = t; q < HC * Dout; q += ${WG}u) {
      let h = h0 + q / Dout;
      if (h < H) { dw2[(e * H + h) * Dout + q % Dout] = 0.0; }
    }
    for (var q = t; q < D * HC; q += ${WG}u) {
      let h = h0 + q % HC;
      if (h < H) { dw1[(e * D + q / HC) * H + h] = 0.0; }
    }
    if (t < HC && h0 + t < H) { db1[e * H + h0 + t] = 0.0; }
    if (c == 0u) {
      for (var q = t; q < Dout; q += ${WG}u) { db2[e * Dout + q] = 0.0; }
    }
    return;
  }
  for (var rs = s0; rs < s1; rs += TM) {
    let nrows = min(TM, s1 - rs);
    let first = rs == s0;
    hidden_chunk(e, rs, nrows, h0, t);
    workgroupBarrier();
    dpre_chunk(e, rs, nrows, h0, t);
    workgroupBarrier();
    if (t < HC && h0 + t < H) {
      var b = 0.0;
      if (!first) { b = db1[e * H + h0 + t]; }
      for (var row = 0u; row < nrows; row++) { b += Ps[t * TM + row]; }
      db1[e * H + h0 + t] = b;
    }
    if (c == 0u) {
      for (var col = t; col < Dout; col += ${WG}u) {
        var b = 0.0;
        if (!first) { b = db2[e * Dout + col]; }
        for (var row = 0u; row < nrows; row++) { b += dy[(rs + row) * Dout + col]; }
        db2[e * Dout + col] = b;
      }
    }
    dw2_accumulate(e, rs, nrows, h0, first, t);
    dw1_accumulate(e, rs, nrows, h0, first, t);
    workgroupBarrier();
  }
}
`;
  const name = o.active ? 'expert_ffn_grad_weights_active' : 'expert_ffn_grad_weights';
  return defineProgram({ name, bindings, uniforms: FUSED_UNIFORMS, workgroupSize: WG, source }).kernel(grid1d(o.n * chunks), values);
}
