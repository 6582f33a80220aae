/**
 * Combine by gather (op `moeCombine`): out[x, o] = Σ_j gates[x,j] · y[position[x,j], o], summed in
 * j order by one invocation per output element — deterministic, no atomic scatter-add. Pairs with
 * position −1 (no expert) are skipped. Shapes in the uniform, one pipeline for all sizes.
 */
import { grid1d, ceilDiv, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';

/** Shapes of the combine. */
export interface CombineOptions {
  readonly N: number;
  readonly k: number;
  readonly Dout: number;
}

/** The combine program (one module for every shape). */
const COMBINE = defineProgram({
  name: 'combine',
  bindings: {
    y: { access: 'read', type: 'f32' },
    position: { access: 'read', type: 'i32' },
    gates: { access: 'read', type: 'f32' },
    out: { access: 'read_write', type: 'f32' },
  },
  uniforms: { N: 'u32', k: 'u32', D: 'u32' },
  workgroupSize: 64,
  source: /* wgsl */ `@compute @workgroup_size(64)
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
`,
});

/** Combine kernel. Bindings: y [S,Dout], position i32 [N,k], gates [N,k], out [N,Dout], params. */
export function combineKernel(o: CombineOptions): Kernel {
  return COMBINE.kernel(grid1d(ceilDiv(o.N * o.Dout, 64)), { N: o.N, k: o.k, D: o.Dout });
}
