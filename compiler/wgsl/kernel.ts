/**
 * The kernel description every WGSL template in `compiler/wgsl/` returns: the WGSL source, the
 * bindings in binding-index order (group 0), the workgroup size, the dispatch grid and a cache key.
 * Shapes that vary between uses of the same template go in a uniform block (`uniformData`, 32-bit
 * words) so one compiled pipeline serves many shapes; the runtime caches pipelines by WGSL source.
 * Also holds tiny shared helpers for templates (uniform packing, ceil-div).
 */

/** How a kernel accesses one binding. */
export type BindingAccess = 'read' | 'read_write' | 'uniform';

/** One binding of a kernel; its binding index is its position in `Kernel.bindings`. */
export interface KernelBinding {
  readonly name: string;
  readonly access: BindingAccess;
  /** Element type of a storage binding (kernels made with compiler/wgsl/program.ts declare it). */
  readonly type?: string;
}

/** A compute kernel ready to be compiled and dispatched. */
export interface Kernel {
  /** Human-readable name (used in error messages and plan printing). */
  readonly name: string;
  /** Full WGSL module; entry point `main`. Identical sources share one pipeline. */
  readonly wgsl: string;
  readonly bindings: readonly KernelBinding[];
  readonly workgroupSize: readonly [number, number, number];
  readonly dispatch: readonly [number, number, number];
  /** Identifies the compiled variant (template name + compile-time constants). */
  readonly cacheKey: string;
  /** Contents of the binding named `params` (access 'uniform'), as 32-bit words, if any. */
  readonly uniformData?: Uint32Array;
  /**
   * Set by kernels whose launch shape `moec tune` may choose per adapter: the family and the key
   * its tuned choice is stored under, and the options that rebuild it (with another tiling) for
   * timing.
   */
  readonly tunable?: TunableKernel;
}

/** A kernel `moec tune` can time under other tilings (see compiler/kernel-tuning.ts). */
export interface TunableKernel {
  readonly family: 'matmul';
  readonly key: string;
  readonly options: { readonly M: number; readonly N: number; readonly K: number; readonly bias?: boolean; readonly relu?: boolean; readonly offsets?: boolean; readonly transA?: boolean; readonly accumulate?: boolean };
  /** Which kernel and tiling this dispatch got (e.g. `subgroup 8x32 k4`), for plan listings. */
  readonly tiling?: string;
}

/** ceil(a / b) for positive integers. */
export function ceilDiv(a: number, b: number): number {
  return Math.floor((a + b - 1) / b);
}

/** A uniform value: integer (stored as u32/i32 bits) or `{ f32: x }` (stored as f32 bits). */
export type UniformValue = number | { readonly f32: number };

/** Packs uniform fields in order into 32-bit words (padded to a multiple of 4 words = 16 bytes). */
export function packUniforms(values: readonly UniformValue[]): Uint32Array {
  const words = new Uint32Array(Math.max(4, Math.ceil(values.length / 4) * 4));
  const f = new Float32Array(words.buffer);
  values.forEach((v, i) => {
    if (typeof v === 'number') words[i] = v >>> 0;
    else f[i] = v.f32;
  });
  return words;
}

/** One uniform field: WGSL name, WGSL scalar type, value. */
export type UniformField = readonly [string, 'u32' | 'i32' | 'f32', number];

/** The WGSL `struct Params { ... }` declaration for the given fields (in order, padded to 16 B). */
export function paramsStruct(fields: readonly (readonly [string, 'u32' | 'i32' | 'f32'])[]): string {
  const padded: (readonly [string, string])[] = [...fields];
  while (padded.length % 4 !== 0 || padded.length === 0) padded.push([`_pad${padded.length}`, 'u32']);
  return `struct Params {\n${padded.map(([n, t]) => `  ${n}: ${t},`).join('\n')}\n};`;
}

/** Struct declaration and packed words for a list of uniform fields (values in field order). */
export function uniformBlock(fields: readonly UniformField[]): { struct: string; data: Uint32Array } {
  return {
    struct: paramsStruct(fields.map(([n, t]) => [n, t] as const)),
    data: packUniforms(fields.map(([, t, v]) => (t === 'f32' ? { f32: v } : v))),
  };
}

/** Dispatch grid for a number of workgroups, folded into y when it exceeds the x limit. */
export function grid1d(groups: number, maxPerDim = 65535): [number, number, number] {
  if (groups <= maxPerDim) return [Math.max(groups, 1), 1, 1];
  return [maxPerDim, Math.ceil(groups / maxPerDim), 1];
}

/**
 * WGSL helper: the flattened index of this workgroup in a grid folded by `grid1d` / `fold_grid`
 * (x ≤ 65535, the rest in y): `flat_workgroup(wid, nwg)` = wid.y·nwg.x + wid.x, with `wid` the
 * `workgroup_id` and `nwg` the `num_workgroups` builtins. One definition for every kernel launched
 * over a folded grid (a kernel must still return when the index is past its real count).
 */
export const FLAT_WORKGROUP_WGSL = /* wgsl */ `
fn flat_workgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.y * nwg.x + wid.x; }
`;

/**
 * WGSL helper for kernels that write the grid of a later indirect dispatch: `fold_grid(groups)`
 * returns (x, y, 1) with x ≤ 65535 and x·y ≥ groups (x·y − groups < y), so any number of
 * workgroups fits the per-dimension limit. The launched kernel must flatten its workgroup id
 * (`flat_workgroup(wid, nwg)`, FLAT_WORKGROUP_WGSL) and return when it is ≥ the real count, which
 * it reads from a buffer.
 */
export const FOLD_GRID_WGSL = /* wgsl */ `
fn fold_grid(groups: u32) -> vec3<u32> {
  if (groups <= 65535u) { return vec3<u32>(groups, 1u, 1u); }
  let y = (groups + 65534u) / 65535u;
  return vec3<u32>((groups + y - 1u) / y, y, 1u);
}
`;
