/**
 * SGD of expert banks [n, …] that touches only the experts with rows this step: the kernel reads
 * the compact active-expert list [count, e0, e1, …] (compiler/wgsl/active-experts.ts) and is
 * launched with an indirect grid of (active experts × workgroups per expert), folded over the
 * 65535 limit; workgroups past count·per return. Gradients of inactive experts are never read
 * (their producer may leave them unwritten, ops.ts READS_ACTIVE_EXPERT_ROWS). `expertSgdKernel`:
 * p[e] −= lr·g[e], vec4 loads when the block is a multiple of 4. The sparse factored Adam of
 * expert banks is the tiled kernel set of factored-adam-tiles.ts in its sparse form, or for small
 * experts (r·c ≤ 4096) the one-dispatch kernel of factored-adam-small.ts.
 */
import { ceilDiv, FLAT_WORKGROUP_WGSL, grid1d, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';

const WG = 256;
/** Elements of one expert's block per workgroup (64 per invocation, as 16 vec4 when the block is a multiple of 4). */
const UPDATE_CHUNK = 64 * WG;
const MAIN = `@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32)`;
/** Flattened workgroup → active slot `a`, expert `e`, block `k` within the expert; returns past the count. */
const LOCATE = (per: string) => `let w = flat_workgroup(wid, nwg);
  let a = w / ${per};
  if (a >= u32(max(activeList[0], 0))) { return; }
  let k = w - a * ${per};
  let e = u32(activeList[1u + a]);`;

/** Workgroups per expert of `expertSgdKernel` for blocks of `block` elements (UPDATE_CHUNK each). */
export function expertSgdGroups(block: number): number {
  return Math.max(1, ceilDiv(block, UPDATE_CHUNK));
}

/**
 * SGD of the active experts' blocks (`block` elements each) in place. Bindings: `p` (read_write),
 * `g`, `activeList` (i32), `params`. Launch indirectly with count·expertSgdGroups(block) groups.
 */
export function expertSgdKernel(o: { readonly n: number; readonly block: number; readonly lr: number }): Kernel {
  const per = expertSgdGroups(o.block);
  // Whole vec4 per load when every block starts and ends on a multiple of 4 elements.
  const V = o.block % 4 === 0 ? 4 : 1;
  const ty = V === 4 ? 'vec4<f32>' : 'f32';
  const program = defineProgram({
    name: 'expert_sgd',
    bindings: {
      p: { access: 'read_write', type: ty },
      g: { access: 'read', type: ty },
      activeList: { access: 'read', type: 'i32' },
    },
    uniforms: { block: 'u32', per: 'u32', lr: 'f32' },
    workgroupSize: WG,
    source: /* wgsl */ `// active experts only, in place
${FLAT_WORKGROUP_WGSL}
${MAIN} {
  ${LOCATE('params.per')}
  let base = e * (params.block / ${V}u);
  let end = min(params.block, (k + 1u) * ${UPDATE_CHUNK}u) / ${V}u;
  for (var q = k * ${UPDATE_CHUNK / V}u + lid; q < end; q += ${WG}u) {
    p[base + q] = p[base + q] - params.lr * g[base + q];
  }
}
`,
  });
  return program.kernel(grid1d(o.n * per), { block: o.block, per, lr: o.lr });
}
