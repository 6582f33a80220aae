/**
 * Embedding lookup kernel: out[m, d] = table[ids[m], d] for a [V,D] f32 table and M i32 ids, one
 * invocation per output element. An id outside [0,V) never reads out of bounds: its output row is
 * written as zeros and the lookup is reported in a small error buffer the runtime checks after the
 * step (the reference interpreter throws for such ids; the GPU cannot, so it flags). The report is
 * deterministic (integer atomics only): `err[0]` += 1 per bad id, and `err[1]` = max over bad
 * positions m of (0xFFFFFFFF − m), so the FIRST bad position is 0xFFFFFFFF − err[1] (read the id
 * itself from the ids buffer). The error buffer must be zeroed before the step; several lookups
 * may share one (counts add up). V, D and M live in the uniform: one pipeline for every shape.
 */
import { FLAT_WORKGROUP_WGSL, grid1d, ceilDiv, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';

const WG = 256;

/** Words of the error buffer used by `embeddingKernel` (and the cross-entropy labels check). */
export const ERROR_WORDS = 2;

/** Decodes an error buffer: null when no bad index was seen. */
export function decodeIndexError(err: Uint32Array): { count: number; firstPosition: number } | null {
  if (err[0] === 0) return null;
  return { count: err[0]!, firstPosition: 0xffffffff - err[1]! };
}

const EMBEDDING = defineProgram({
  name: 'embedding',
  bindings: {
    table: { access: 'read', type: 'f32' },
    ids: { access: 'read', type: 'i32' },
    out: { access: 'read_write', type: 'f32' },
    err: { access: 'read_write', type: 'atomic<u32>' },
  },
  uniforms: { count: 'u32', V: 'u32', D: 'u32' },
  workgroupSize: WG,
  source: /* wgsl */ `
${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_workgroup(wid, nwg) * ${WG}u + lid;
  if (i >= params.count) { return; }
  let m = i / params.D;
  let d = i - m * params.D;
  let id = ids[m];
  if (id < 0 || u32(id) >= params.V) {
    out[i] = 0.0;
    if (d == 0u) {
      atomicAdd(&err[0], 1u);
      atomicMax(&err[1], 0xFFFFFFFFu - m);
    }
    return;
  }
  out[i] = table[u32(id) * params.D + d];
}
`,
});

/**
 * Embedding kernel for M ids into a [V,D] table. Bindings: `table` (read, f32 [V,D]), `ids`
 * (read, i32 [M]), `out` (read_write, f32 [M,D]), `err` (read_write, u32 [2], zeroed beforehand),
 * `params`.
 */
export function embeddingKernel(o: { readonly V: number; readonly D: number; readonly M: number }): Kernel {
  const n = o.M * o.D;
  return EMBEDDING.kernel(grid1d(ceilDiv(n, WG)), { count: n, V: o.V, D: Math.max(1, o.D) });
}
