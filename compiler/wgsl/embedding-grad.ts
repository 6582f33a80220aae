/**
 * Embedding gradient (op `embeddingGrad`): dTable[v, d] = Σ_{m : ids[m] = v} dy[m, d], summed in
 * position order, without sorting and without float atomics. Invocation (vocab block vb, column d)
 * owns column d of the table rows of its vocab block: it zeroes them, then scans every position m in
 * order and accumulates dy[m, d] into dTable[ids[m], d] when that row is in its block. Every output
 * element therefore has exactly one writer that adds in position order — deterministic — and the
 * work is O(M·D) adds plus O(blocks·M·D) id reads; the vocab is cut into just enough blocks to
 * keep a few hundred invocations busy. Ids outside [0, vocab) are reported (by invocation 0) in the
 * two-word error buffer used by the embedding lookup (embedding.ts) and otherwise ignored.
 * With `chunks` (canonical batch chunks, reduce-chunks.ts) the kernel writes one table per chunk
 * ([Cl, V, D], each summing its chunk's positions (t, j) in order) for the pairwise tree to combine,
 * so the gradient has the same bits on one device and on N; without, one chunk of every position. With
 * `tree` the kernel runs that tree itself: invocation (vocab block, column) sums the chunks one after the
 * other, each into the binary counter's free level slot (reduce-chunks.ts `counterSlotsWgsl`: log2 Cl
 * levels of [V, D] in `levels`, the sum in `out`), adding the pending levels as soon as a pair is complete
 * — the same pairwise tree, so the same bits, with log2 Cl tables live instead of Cl.
 */
import { FLAT_WORKGROUP_WGSL, grid1d, ceilDiv, type Kernel } from './kernel.ts';
import { chunkLevels, counterSlotsWgsl, type ChunkGeometry } from './reduce-chunks.ts';
import { defineProgram } from './program.ts';

const WG = 64;

/** Number of vocab blocks for a [V, D] table: enough for ~1024 invocations, at most V. */
function embeddingGradBlocks(V: number, D: number): number {
  return Math.max(1, Math.min(V, ceilDiv(1024, Math.max(1, D))));
}

const EMBEDDING_GRAD = defineProgram({
  name: 'embedding_grad',
  bindings: {
    ids: { access: 'read', type: 'i32' },
    dy: { access: 'read', type: 'f32' },
    out: { access: 'read_write', type: 'f32' },
    err: { access: 'read_write', type: 'atomic<u32>' },
  },
  uniforms: { V: 'u32', D: 'u32', M: 'u32', rowsPerBlock: 'u32', count: 'u32', P: 'u32', w: 'u32', steps: 'u32' },
  workgroupSize: WG,
  source: /* wgsl */ `
${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let gi = flat_workgroup(wid, nwg) * ${WG}u + lid;
  let cl = gi / params.count;
  let i = gi - cl * params.count;
  if (cl >= params.P / params.w) { return; }
  let D = params.D;
  let vb = i / D;
  let d = i - vb * D;
  let v0 = vb * params.rowsPerBlock;
  let v1 = min(params.V, v0 + params.rowsPerBlock);
  let base = cl * params.V * D;
  for (var v = v0; v < v1; v++) { out[base + v * D + d] = 0.0; }
  let T = params.steps / params.w;
  for (var tt = 0u; tt < T; tt++) {
    for (var j = 0u; j < params.w; j++) {
      let m = tt * params.P + cl * params.w + j;
      let id = ids[m];
      if (id < 0 || u32(id) >= params.V) {
        if (i == 0u) {
          atomicAdd(&err[0], 1u);
          atomicMax(&err[1], 0xFFFFFFFFu - m);
        }
        continue;
      }
      let v = u32(id);
      if (v >= v0 && v < v1) { out[base + v * D + d] += dy[m * D + d]; }
    }
  }
}
`,
});

const EMBEDDING_GRAD_TREE = defineProgram({
  name: 'embedding_grad_tree',
  bindings: {
    ids: { access: 'read', type: 'i32' },
    dy: { access: 'read', type: 'f32' },
    out: { access: 'read_write', type: 'f32' },
    err: { access: 'read_write', type: 'atomic<u32>' },
    levels: { access: 'read_write', type: 'f32' },
  },
  uniforms: { V: 'u32', D: 'u32', M: 'u32', rowsPerBlock: 'u32', count: 'u32', P: 'u32', w: 'u32', steps: 'u32', S: 'u32' },
  workgroupSize: WG,
  source: /* wgsl */ `
${counterSlotsWgsl('params.S')}
${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_workgroup(wid, nwg) * ${WG}u + lid;
  if (i >= params.count) { return; }
  let D = params.D;
  let n = params.V * D;
  let vb = i / D;
  let d = i - vb * D;
  let v0 = vb * params.rowsPerBlock;
  let v1 = min(params.V, v0 + params.rowsPerBlock);
  let T = params.steps / params.w;
  for (var cl = 0u; cl < params.P / params.w; cl++) {
    // Chunk cl's table goes to the counter's free level (its trailing one bits), then joins the pending levels below.
    let lvc = countTrailingZeros(~cl);
    for (var v = v0; v < v1; v++) { store_slot(0u, lvc, n, v * D + d, 0.0); }
    for (var tt = 0u; tt < T; tt++) {
      for (var j = 0u; j < params.w; j++) {
        let m = tt * params.P + cl * params.w + j;
        let id = ids[m];
        if (id < 0 || u32(id) >= params.V) {
          if (i == 0u) {
            atomicAdd(&err[0], 1u);
            atomicMax(&err[1], 0xFFFFFFFFu - m);
          }
          continue;
        }
        let v = u32(id);
        if (v >= v0 && v < v1) { let e = v * D + d; store_slot(0u, lvc, n, e, load_slot(0u, lvc, n, e) + dy[m * D + d]); }
      }
    }
    if (lvc > 0u) {
      for (var v = v0; v < v1; v++) {
        let e = v * D + d;
        var p = load_slot(0u, lvc, n, e);
        for (var lv = 0u; lv < lvc; lv++) { p = load_slot(0u, lv, n, e) + p; }
        store_slot(0u, lvc, n, e, p);
      }
    }
  }
}
`,
});

/**
 * Embedding-gradient kernel. Bindings: `ids` (read, i32 [M]), `dy` (read, f32 [M, D]), `out`
 * (read_write, f32 [V, D], or [Cl, V, D] with `chunks` and no `tree`), `err` (read_write, u32 [2], zeroed
 * beforehand), `params`, and with `chunks` and `tree` `levels` (read_write, f32 [embeddingGradLevels(Cl), V, D]).
 */
export function embeddingGradKernel(o: { readonly V: number; readonly D: number; readonly M: number; readonly chunks?: ChunkGeometry; readonly tree?: boolean }): Kernel {
  const blocks = embeddingGradBlocks(o.V, o.D);
  const rowsPerBlock = ceilDiv(Math.max(o.V, 1), blocks);
  const count = blocks * o.D;
  const g = o.chunks ?? { P: Math.max(o.M, 1), w: Math.max(o.M, 1), Cl: 1, T: 1 };
  if (g.Cl * g.w !== g.P || g.T * g.P !== Math.max(o.M, 1)) throw new Error(`embedding gradient: chunk geometry P=${g.P}, w=${g.w}, T=${g.T} does not cover ${o.M} positions`);
  const values = { V: o.V, D: Math.max(1, o.D), M: o.M, rowsPerBlock, count, P: g.P, w: g.w, steps: o.M === 0 ? 0 : g.T * g.w };
  if (o.tree && g.Cl > 1) return EMBEDDING_GRAD_TREE.kernel(grid1d(ceilDiv(count, WG)), { ...values, S: embeddingGradLevels(g.Cl) });
  return EMBEDDING_GRAD.kernel(grid1d(ceilDiv(g.Cl * count, WG)), values);
}

/** Tables of [V, D] the `tree` kernel's `levels` scratch holds for Cl chunks: log2 Cl (the chunk's own table is one of them). */
export function embeddingGradLevels(Cl: number): number {
  return chunkLevels(Cl, 1);
}
