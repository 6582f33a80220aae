/**
 * Combine by gather (op `moeCombine`): out[x, o] = Σ_j gates[x,j] · y[position[x,j], o], summed in
 * j order by one invocation per output element — deterministic, no atomic scatter-add. Pairs with
 * position −1 (no expert) are skipped. Shapes in the uniform, one pipeline for all sizes.
 */
import { grid1d, ceilDiv, uniformBlock, type Kernel } from './kernel.ts';

/** Shapes of the combine. */
export interface CombineOptions {
  readonly N: number;
  readonly k: number;
  readonly Dout: number;
}

/** Combine kernel. Bindings: y [S,Dout], position i32 [N,k], gates [N,k], out [N,Dout], params. */
export function combineKernel(o: CombineOptions): Kernel {
  const u = uniformBlock([
    ['N', 'u32', o.N],
    ['k', 'u32', o.k],
    ['D', 'u32', o.Dout],
  ]);
  const wgsl = /* wgsl */ `// combine
${u.struct}
@group(0) @binding(0) var<storage, read> y: array<f32>;
@group(0) @binding(1) var<storage, read> position: array<i32>;
@group(0) @binding(2) var<storage, read> gates: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
  let i = gid.x + gid.y * nw.x * 64u;
  if (i >= params.N * params.D) { return; }
  let row = i / params.D;
  let col = i % params.D;
  var acc = 0.0;
  for (var j = 0u; j < params.k; j++) {
    let ps = position[row * params.k + j];
    if (ps < 0) { continue; }
    let p = u32(ps);
    acc = acc + gates[row * params.k + j] * y[p * params.D + col];
  }
  out[i] = acc;
}
`;
  return {
    name: 'combine',
    wgsl,
    bindings: [
      { name: 'y', access: 'read' },
      { name: 'position', access: 'read' },
      { name: 'gates', access: 'read' },
      { name: 'out', access: 'read_write' },
      { name: 'params', access: 'uniform' },
    ],
    workgroupSize: [64, 1, 1],
    dispatch: grid1d(ceilDiv(o.N * o.Dout, 64)),
    cacheKey: 'combine',
    uniformData: u.data,
  };
}
