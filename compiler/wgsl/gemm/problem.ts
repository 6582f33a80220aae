/**
 * What a GEMM computes, apart from how it is scheduled: the one description every GEMM of the
 * system is generated from (compiler/wgsl/gemm/gemm.ts pairs it with a loop schedule). A problem is
 * a batch of products C_e[m, n] = epilogue(Σ_k A(m, k) · B_e(k, n)):
 * - the batch (`dense`: one C [M, N]; `tileMap`: one product per entry (e, rowStart, rowEnd) of the
 *   device-built expert tile map (compiler/wgsl/dispatch.ts), rows m the entry's slots and B_e expert
 *   e's weights, split over up to four bank bindings; `segments`: one product per expert e (every
 *   expert, or the active list's), k over the expert's slot segment offsets[e] .. offsets[e+1]);
 * - row indirection (A's row of slot m is sourceRow[m], or for the transposed-A segment product the
 *   row of slot k is sourceRow[k]);
 * - the operand layouts (A [rows, K] or stored transposed [K, M]; B [K, N] or stored transposed
 *   [N, K], the expert input gradients' Wᵀ without a transposed copy);
 * - the epilogue (bias per column or per expert and column, relu, accumulate into C, element offsets).
 * This file holds the problem's declarations (bindings with element types, uniforms and their
 * values) and the WGSL accessors (A row bases and loads, B loads through the bank function, bias
 * loads, C indices) a schedule calls; it never emits a loop. Binding names follow the kernels'
 * established names (dense: a, b, bias, c; tileMap: a, sourceRow, tileMap, w0..w3, bias, out;
 * segments: a, sourceRow, b, offsets, activeList, out) so the lowering binds them unchanged.
 */
import type { BindingDecl, UniformType } from '../program.ts';

/** Which products a kernel computes. */
export type GemmBatch =
  | { readonly kind: 'dense' }
  | {
      readonly kind: 'tileMap';
      /** Worst-case tile-map entries (the static grid). */
      readonly maxTiles: number;
      /** Experts per weight binding, in order (1..4 banks, summing to the expert count). */
      readonly banks: readonly number[];
    }
  | {
      readonly kind: 'segments';
      /** Experts (segments); the grid is every expert's tiles, or the active list's folded. */
      readonly segments: number;
      /** Only the experts listed in `activeList` [count, ids…] (folded grid, launched indirectly). */
      readonly active: boolean;
    };

/** A GEMM problem (see the file comment). */
export interface GemmProblem {
  /** Program name (plans, profiles, the WGSL header). */
  readonly name: string;
  readonly batch: GemmBatch;
  readonly a: {
    /** 'mk': A(m, k) in row row(m) of a [rows, K]; 'km': A stored transposed, A(m, k) = a[row(k)·M + m]. */
    readonly layout: 'mk' | 'km';
    /**
     * Rows through `sourceRow`: for 'mk' row(m) = sourceRow[m] (gathered slots), for 'km' row(k) =
     * sourceRow[k]. 'uniform': a uniform flag `gather` decides at run time (one pipeline for both;
     * the binding is always declared and read under the flag).
     */
    readonly gather: boolean | 'uniform';
    /** Element offset `params.aOff` (dense only). */
    readonly offset: boolean;
  };
  readonly b: {
    /** 'kn': B(k, n) = b[k·N + n]; 'nk': stored transposed, b[n·K + k]. */
    readonly layout: 'kn' | 'nk';
  };
  /** Bias added after the sum: none, per column (bias[n]) or per expert and column (bias[e·N + n]). */
  readonly bias: 'none' | 'n' | 'en';
  readonly relu: boolean;
  /** C += A·B: each output's chain starts from C's value (dense only). */
  readonly accumulate: boolean;
  /** Element offset `params.cOff` of C (dense only, with `a.offset`). */
  readonly cOffset: boolean;
}

/** Which operands a schedule reads and writes as vec4s (the bindings are then declared `vec4<f32>`; same bytes). */
export interface GemmVectors {
  /** A bound as vec4: 'mk' only, 4 consecutive k per load (K % 4 = 0, no offset). */
  readonly a4: boolean;
  /** B bound as vec4: 'kn' → 4 consecutive n per load (N % 4 = 0); 'nk' → 4 consecutive k (K % 4 = 0). */
  readonly b4: boolean;
  /** C and a bias bound as vec4 (N % 4 = 0 statically): whole-quad bias loads and stores. */
  readonly c4: boolean;
}

/** The problem's uniform fields (struct order) — the names the accessors read as `params.<name>`. */
export function gemmUniforms(p: GemmProblem): Record<string, UniformType> {
  switch (p.batch.kind) {
    case 'dense':
      return { M: 'u32', N: 'u32', K: 'u32', ...(p.a.offset || p.cOffset ? { aOff: 'u32', cOff: 'u32' } : {}) };
    case 'tileMap':
      // zero: always 0, added to constant trip counts a schedule wants kept rolled (lavapipe unrolls them otherwise);
      // wPer / wPer4: one expert's weights in f32 / vec4 elements (the bank functions' stride).
      return { K: 'u32', N: 'u32', maxTiles: 'u32', colBlocks: 'u32', zero: 'u32', wPer: 'u32', wPer4: 'u32', bank1: 'u32', bank2: 'u32', bank3: 'u32' };
    case 'segments':
      return { M: 'u32', N: 'u32', gather: 'u32', gx: 'u32', gy: 'u32' };
  }
}

/** Sizes of one use of a problem (the uniform values' sources). */
export interface GemmSizes {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly aOff?: number;
  readonly cOff?: number;
  /** tileMap: column blocks per entry; segments: column (gx) and row (gy) blocks per expert. */
  readonly colBlocks?: number;
  readonly gx?: number;
  readonly gy?: number;
  /** segments with `gather: 'uniform'`: whether this use gathers. */
  readonly gather?: boolean;
}

/** The uniform values of `p` for sizes `s`. */
export function gemmUniformValues(p: GemmProblem, s: GemmSizes): Record<string, number> {
  switch (p.batch.kind) {
    case 'dense':
      return { M: s.M, N: s.N, K: s.K, ...(p.a.offset || p.cOffset ? { aOff: s.aOff ?? 0, cOff: s.cOff ?? 0 } : {}) };
    case 'tileMap': {
      const starts = [0, 0, 0, 0];
      for (let b = 1; b < 4; b++) starts[b] = starts[b - 1]! + (p.batch.banks[b - 1] ?? 0);
      return { K: s.K, N: s.N, maxTiles: p.batch.maxTiles, colBlocks: s.colBlocks ?? 1, zero: 0, wPer: s.K * s.N, wPer4: Math.floor((s.K * s.N) / 4), bank1: starts[1]!, bank2: starts[2]!, bank3: starts[3]! };
    }
    case 'segments':
      return { M: s.M, N: s.N, gather: s.gather ?? p.a.gather === true ? 1 : 0, gx: s.gx ?? 1, gy: s.gy ?? 1 };
  }
}

/** The problem's storage bindings, in binding order, with element types per the schedule's vectors. */
export function gemmBindings(p: GemmProblem, v: GemmVectors): Record<string, BindingDecl> {
  const f = (vec: boolean): BindingDecl => ({ access: 'read', type: vec ? 'vec4<f32>' : 'f32' });
  const out: BindingDecl = { access: 'read_write', type: v.c4 ? 'vec4<f32>' : 'f32' };
  const src = p.a.gather !== false ? { sourceRow: { access: 'read', type: 'i32' } as const } : {};
  switch (p.batch.kind) {
    case 'dense':
      return { a: f(v.a4), b: f(v.b4), ...(p.bias !== 'none' ? { bias: f(v.c4) } : {}), c: out };
    case 'tileMap':
      return {
        a: f(v.a4),
        ...src,
        tileMap: { access: 'read', type: 'vec4<i32>' },
        ...Object.fromEntries(p.batch.banks.map((_, b) => [`w${b}`, f(v.b4)])),
        ...(p.bias !== 'none' ? { bias: f(v.c4) } : {}),
        out,
      };
    case 'segments':
      return {
        a: f(v.a4),
        ...src,
        b: f(v.b4),
        offsets: { access: 'read', type: 'i32' },
        ...(p.batch.active ? { activeList: { access: 'read', type: 'i32' } as const } : {}),
        out,
      };
  }
}

/**
 * WGSL helper functions of the problem: with `gather: 'uniform'` the row function `gather_row(r)`
 * (sourceRow[r] when the uniform flag is set, else r: the index is read only when gathering); for a
 * tileMap batch the bank functions `w_at(e, idx)` (f32) or `w_at4(e, idx4)` (vec4, idx4 in vec4
 * units) returning element idx of expert e's K×N matrix from the bank holding e (e is
 * workgroup-uniform, so the branch is too).
 */
export function gemmHelpersWgsl(p: GemmProblem, v: GemmVectors): string {
  const rowFn = p.a.gather === 'uniform' ? 'fn gather_row(r: u32) -> u32 {\n  if (params.gather != 0u) { return u32(sourceRow[r]); }\n  return r;\n}\n' : '';
  if (p.batch.kind !== 'tileMap') return rowFn;
  const B = p.batch.banks.length;
  const bankVars = ['', 'params.bank1', 'params.bank2', 'params.bank3'];
  const per = v.b4 ? 'params.wPer4' : 'params.wPer';
  const [name, ret] = v.b4 ? ['w_at4', 'vec4<f32>'] : ['w_at', 'f32'];
  const lines: string[] = [];
  for (let b = B - 1; b >= 1; b--) lines.push(`  if (e >= ${bankVars[b]}) { return w${b}[(e - ${bankVars[b]}) * ${per} + idx]; }`);
  return `${rowFn}fn ${name}(e: u32, idx: u32) -> ${ret} {\n${lines.join('\n')}${lines.length > 0 ? '\n' : ''}  return w0[e * ${per} + idx];\n}\n`;
}

/** WGSL of the source row of row index `r` (a u32 expression) through sourceRow when the problem gathers there. */
function gathered(p: GemmProblem, r: string): string {
  if (p.a.gather === true) return `u32(sourceRow[${r}])`;
  if (p.a.gather === 'uniform') return `gather_row(${r})`;
  return r;
}

/**
 * WGSL of the base of A's row for output row `m` (a u32 expression): 'mk' → row(m)·K (÷ 4 with a4:
 * a vec4 index), 'km' → m. Schedules resolve it once per row and pass it to `aLoad`. `K` must be in scope.
 */
export function aRowBase(p: GemmProblem, v: GemmVectors, m: string): string {
  if (p.a.layout === 'km') return m;
  return `${gathered(p, `(${m})`)} * ${v.a4 ? '(K / 4u)' : 'K'}`;
}

/**
 * WGSL of A(m, k) given its row base: 'mk' → a[aOff + base + k] (with a4, k is a vec4 index and the
 * load a vec4 of 4 consecutive k); 'km' → a[aOff + base + row(k)·M]. `M` must be in scope.
 */
export function aLoad(p: GemmProblem, base: string, k: string): string {
  const off = p.a.offset ? 'params.aOff + ' : '';
  if (p.a.layout === 'mk') return `a[${off}${base} + ${k}]`;
  return `a[${off}${base} + ${gathered(p, `(${k})`)} * M]`;
}

/** WGSL of B's element `idx`: the storage `b` (dense, segments) or expert e's bank function `w_at` (tileMap). */
function bAt(p: GemmProblem, idx: string): string {
  return p.batch.kind === 'tileMap' ? `w_at(e, ${idx})` : `b[${idx}]`;
}

/**
 * WGSL of B(k, n) as one f32 (no vectors): 'kn' → b[k·N + n], 'nk' → b[n·K + k] (tileMap: through
 * `w_at(e, ·)`). `N`, `K` (and `e`) must be in scope.
 */
export function bLoad(p: GemmProblem, k: string, n: string): string {
  return bAt(p, p.b.layout === 'kn' ? `(${k}) * N + ${n}` : `(${n}) * K + ${k}`);
}

/**
 * WGSL of a vec4 of B with b4: 'kn' → B(k, 4q .. 4q+3) at vec4 index k·N/4 + q; 'nk' → B(k .. k+3, n)
 * at vec4 index (n·K + k)/4 (k a multiple of 4). tileMap: through `w_at4(e, ·)`.
 */
export function bLoad4(p: GemmProblem, k: string, nq: string): string {
  const idx = p.b.layout === 'kn' ? `(${k}) * (N / 4u) + ${nq}` : `((${nq}) * K + ${k}) / 4u`;
  return p.batch.kind === 'tileMap' ? `w_at4(e, ${idx})` : `b[${idx}]`;
}

/** WGSL of the bias of column `n` (scalar), or of column quad `nq` with c4 (vec4); '' without a bias. */
export function biasLoad(p: GemmProblem, v: GemmVectors, n: string): string {
  if (p.bias === 'none') return '';
  const cols = v.c4 ? '(N / 4u)' : 'N';
  return p.bias === 'n' ? `bias[${n}]` : `bias[e * ${cols} + ${n}]`;
}

/**
 * WGSL of C's index of output (m, n) — with c4, n is a column quad and the index a vec4 index:
 * dense cOff + m·N + n; tileMap (m a slot) m·N + n; segments (e·M + m)·N + n.
 */
export function cIndex(p: GemmProblem, v: GemmVectors, m: string, n: string): string {
  const cols = v.c4 ? '(N / 4u)' : 'N';
  switch (p.batch.kind) {
    case 'dense':
      return `${p.cOffset ? 'params.cOff + ' : ''}(${m}) * ${cols} + ${n}`;
    case 'tileMap':
      return `(${m}) * ${cols} + ${n}`;
    case 'segments':
      return `(e * M + ${m}) * ${cols} + ${n}`;
  }
}

/**
 * WGSL of a tile-map batch's prologue (inside `fn main`, with `wid`, `nwg` in scope and
 * FLAT_WORKGROUP_WGSL in the module): workgroup g of the folded grid takes tile-map entry
 * g / colBlocks — returning past maxTiles or on an entry of expert −1 — and defines `g`, `entry`,
 * `e`, `K`, `N`; the caller's column block is g % colBlocks.
 */
export function tileMapPrologueWgsl(): string {
  return `  // Flattened (folded) grid: workgroup g = tile-map entry g / colBlocks, column block g % colBlocks.
  let g = flat_workgroup(wid, nwg);
  let tile = g / params.colBlocks;
  if (tile >= params.maxTiles) { return; }
  let entry = tileMap[tile];
  if (entry.x < 0) { return; }
  let e = u32(entry.x);
  let K = params.K;
  let N = params.N;`;
}

/** The name of C's binding. */
export function cName(p: GemmProblem): string {
  return p.batch.kind === 'dense' ? 'c' : 'out';
}

/** Why `p` is not a consistent problem (undefined when it is). */
export function gemmProblemError(p: GemmProblem): string | undefined {
  const dense = p.batch.kind === 'dense';
  if (!dense && (p.accumulate || p.cOffset || p.a.offset)) return `${p.name}: accumulate and offsets are dense-only`;
  if (p.batch.kind === 'tileMap') {
    const B = p.batch.banks.length;
    if (B < 1 || B > 4) return `${p.name}: 1..4 weight banks, got ${B}`;
    if (p.a.layout !== 'mk') return `${p.name}: a tile-map batch reads A row-major (gathered slots)`;
  }
  if (p.batch.kind === 'segments' && p.a.layout !== 'km') return `${p.name}: a segment batch sums over slots (A stored [slots, M], 'km')`;
  if (dense && p.a.gather !== false) return `${p.name}: a dense batch does not gather rows`;
  if (p.b.layout === 'nk' && p.batch.kind !== 'tileMap') return `${p.name}: transposed B is a tile-map (expert weight) layout`;
  return undefined;
}
