/**
 * The experts that received rows this run, found on the device, and grids sized by them. Sparse
 * per-expert work (expert GEMMs, weight gradients, per-expert reductions, optimizer updates) must
 * cost what the routed rows cost, never a grid of n: `activeExpertsKernel` compacts the experts e
 * with offsets[e+1] > offsets[e] (the dispatch's segment offsets) into `active` = [count, e0, e1,
 * …] in ascending order (one workgroup, a fixed-order scan over chunks of 256 experts: O(n) work,
 * deterministic), and `indirectArgsKernel` turns one count word of any i32 buffer (times a
 * multiplier, plus a constant) into a folded grid (x ≤ 65535) for `dispatchWorkgroupsIndirect`.
 * Kernels launched that way flatten their workgroup id and return past the real count.
 */
import { FOLD_GRID_WGSL, uniformBlock, type Kernel } from './kernel.ts';

const WG = 256;

/** Words of the `active` buffer for n experts: the count, then up to n expert ids. */
export function activeExpertsWords(n: number): number {
  return n + 1;
}

/**
 * Compacts the non-empty segments of `offsets` [n+1] into `active` [n+1] (count, then ids in
 * ascending order). Bindings: offsets (read, i32), activeList (read_write, i32; `active` is a WGSL reserved word), params.
 */
export function activeExpertsKernel(o: { readonly n: number }): Kernel {
  const u = uniformBlock([['n', 'u32', o.n]]);
  const wgsl = /* wgsl */ `// active_experts
${u.struct}
@group(0) @binding(0) var<storage, read> offsets: array<i32>;
@group(0) @binding(1) var<storage, read_write> activeList: array<i32>;
@group(0) @binding(2) var<uniform> params: Params;
var<workgroup> scan: array<u32, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(local_invocation_index) t: u32) {
  var running = 0u;
  for (var base = 0u; base < params.n; base += ${WG}u) {
    let e = base + t;
    var flag = 0u;
    if (e < params.n && offsets[e + 1u] > offsets[e]) { flag = 1u; }
    scan[t] = flag;
    workgroupBarrier();
    for (var s = 1u; s < ${WG}u; s <<= 1u) {
      var v = scan[t];
      if (t >= s) { v += scan[t - s]; }
      workgroupBarrier();
      scan[t] = v;
      workgroupBarrier();
    }
    if (flag == 1u) { activeList[1u + running + scan[t] - 1u] = i32(e); }
    running += scan[${WG - 1}u];
    workgroupBarrier();
  }
  if (t == 0u) { activeList[0] = i32(running); }
}
`;
  return { name: 'active_experts', wgsl, bindings: [{ name: 'offsets', access: 'read' }, { name: 'activeList', access: 'read_write' }, { name: 'params', access: 'uniform' }], workgroupSize: [WG, 1, 1], dispatch: [1, 1, 1], cacheKey: 'active_experts', uniformData: u.data };
}

/** How an indirect grid is sized from a device-side count: groups = max(counts[word], 0)·multiplier + extra. */
export interface IndirectArgsOptions {
  readonly word: number;
  readonly multiplier: number;
  readonly extra?: number;
}

/**
 * Writes the folded grid (x, y, 1) for `counts[word]·multiplier + extra` workgroups into
 * `args` [4] (u32). One invocation. Bindings: counts (read, i32), args (read_write, u32), params.
 */
export function indirectArgsKernel(o: IndirectArgsOptions): Kernel {
  const u = uniformBlock([
    ['word', 'u32', o.word],
    ['multiplier', 'u32', o.multiplier],
    ['extra', 'u32', o.extra ?? 0],
  ]);
  const wgsl = /* wgsl */ `// indirect_args
${u.struct}
@group(0) @binding(0) var<storage, read> counts: array<i32>;
@group(0) @binding(1) var<storage, read_write> args: array<u32>;
@group(0) @binding(2) var<uniform> params: Params;
${FOLD_GRID_WGSL}
@compute @workgroup_size(1)
fn main() {
  let g = fold_grid(u32(max(counts[params.word], 0)) * params.multiplier + params.extra);
  args[0] = g.x;
  args[1] = g.y;
  args[2] = g.z;
  args[3] = 0u;
}
`;
  return { name: 'indirect_args', wgsl, bindings: [{ name: 'counts', access: 'read' }, { name: 'args', access: 'read_write' }, { name: 'params', access: 'uniform' }], workgroupSize: [1, 1, 1], dispatch: [1, 1, 1], cacheKey: 'indirect_args', uniformData: u.data };
}
