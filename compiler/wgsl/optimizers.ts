/**
 * Optimizer update kernels, all IN PLACE (ir/op-traits.ts IN_PLACE): the parameter and the optimizer
 * state are each bound ONCE as a read_write binding and overwritten where they live; both walk
 * vec4 items (f32 when the count is not a multiple of 4), 16 per invocation. `sgdKernel`:
 * p −= lr·g. `adamKernel`: m, v, p updated per element with the bias corrections 1 − β1ᵗ, 1 − β2ᵗ
 * (t = step + 1) computed on the host in f64 and passed in the uniform — the lowering rebuilds that
 * uniform per run from the step. Factored Adam (β1 = 0, per r×c matrix of a [batch, r, c]
 * parameter) is the tiled kernel set of factored-adam-tiles.ts (dense form), or for small matrices
 * (r·c ≤ 4096) the one-dispatch kernel of factored-adam-small.ts.
 */
import { grid1d, ceilDiv, uniformBlock, type Kernel, type KernelBinding, type UniformField } from './kernel.ts';

const WG = 256;
const MAIN = `@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32)`;
/** Items (vec4, or f32 when the element count is not a multiple of 4) per invocation. */
const PER = 16;
/** Item `i` of step `t`: each step of a workgroup covers WG consecutive items. */
const LOOP = (body: string) => `let w = wid.y * nwg.x + wid.x;
  for (var t = 0u; t < ${PER}u; t++) {
    let i = (w * ${PER}u + t) * ${WG}u + lid;
    if (i >= params.count) { return; }
    ${body}
  }`;

/** Item width (4 when `numel` is a multiple of 4) and the WGSL type of one item. */
function itemOf(numel: number): { readonly V: 1 | 4; readonly ty: string } {
  return numel % 4 === 0 ? { V: 4, ty: 'vec4<f32>' } : { V: 1, ty: 'f32' };
}

function decls(bindings: readonly KernelBinding[], ty: string): string {
  return bindings
    .map((b, i) =>
      b.access === 'uniform'
        ? `@group(0) @binding(${i}) var<uniform> params: Params;`
        : `@group(0) @binding(${i}) var<storage, ${b.access}> ${b.name}: array<${ty}>;`,
    )
    .join('\n');
}
const ro = (name: string): KernelBinding => ({ name, access: 'read' });
const rw = (name: string): KernelBinding => ({ name, access: 'read_write' });
const PARAMS: KernelBinding = { name: 'params', access: 'uniform' };

/** The bias correction 1 − βᵗ for t = step + 1 (f64 on the host). */
export function biasCorrection(beta: number, step: number): number {
  return 1 - Math.pow(beta, step + 1);
}

/**
 * The per-step uniform fields of the factored-Adam kernels (tiled and one-dispatch; t = step + 1):
 * step, clip threshold, bias correction, lr, β2, 1 − β2 and log2 β2 (f64 on the host; β2 = 0 gives
 * −∞, and exp2(−∞·s) = 0 for s > 0). Throws on a step outside [0, 2^31 − 1).
 */
export function factoredStepFields(o: { readonly step: number; readonly clip: number; readonly lr: number; readonly beta2: number }): UniformField[] {
  if (!(Number.isInteger(o.step) && o.step >= 0 && o.step < 2 ** 31 - 1)) throw new Error(`factored Adam: step must be an integer in [0, 2^31 − 1), got ${o.step}`);
  return [
    ['step', 'i32', o.step],
    ['clip', 'f32', o.clip],
    ['bc2', 'f32', biasCorrection(o.beta2, o.step)],
    ['lr', 'f32', o.lr],
    ['b2', 'f32', o.beta2],
    ['c2', 'f32', 1 - o.beta2],
    ['log2b2', 'f32', Math.log2(o.beta2)],
  ];
}

/** SGD in place (vec4 items when numel % 4 = 0, 16 items per invocation). Bindings: `p` (read_write), `g`, `params`. */
export function sgdKernel(o: { readonly numel: number; readonly lr: number }): Kernel {
  const it = itemOf(o.numel);
  const count = o.numel / it.V;
  const u = uniformBlock([
    ['count', 'u32', count],
    ['lr', 'f32', o.lr],
  ]);
  const bindings = [rw('p'), ro('g'), PARAMS];
  const wgsl = /* wgsl */ `// sgd (in place)
${u.struct}
${decls(bindings, it.ty)}
${MAIN} {
  ${LOOP('p[i] = p[i] - params.lr * g[i];')}
}
`;
  return { name: 'sgd', wgsl, bindings, workgroupSize: [WG, 1, 1], dispatch: grid1d(ceilDiv(count, WG * PER)), cacheKey: `sgd:V${it.V}`, uniformData: u.data };
}

/** Adam hyper-parameters and the step (t = step + 1). */
export interface AdamKernelOptions {
  readonly numel: number;
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly step: number;
}

/** Adam in place (vec4 items when numel % 4 = 0, 16 per invocation). Bindings: `p`, `m`, `v` (read_write), `g`, `params` (rebuild per step). */
export function adamKernel(o: AdamKernelOptions): Kernel {
  const it = itemOf(o.numel);
  const count = o.numel / it.V;
  const u = uniformBlock([
    ['count', 'u32', count],
    ['lr', 'f32', o.lr],
    ['b1', 'f32', o.beta1],
    ['b2', 'f32', o.beta2],
    ['eps', 'f32', o.eps],
    ['bc1', 'f32', biasCorrection(o.beta1, o.step)],
    ['bc2', 'f32', biasCorrection(o.beta2, o.step)],
    ['c1', 'f32', 1 - o.beta1],
    ['c2', 'f32', 1 - o.beta2],
  ]);
  const bindings = [rw('p'), ro('g'), rw('m'), rw('v'), PARAMS];
  const wgsl = /* wgsl */ `// adam (in place)
${u.struct}
${decls(bindings, it.ty)}
${MAIN} {
  ${LOOP(`let gi = g[i];
    let mi = params.b1 * m[i] + params.c1 * gi;
    let vi = params.b2 * v[i] + params.c2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] - (params.lr * (mi / params.bc1)) / (sqrt(vi / params.bc2) + params.eps);`)}
}
`;
  return { name: 'adam', wgsl, bindings, workgroupSize: [WG, 1, 1], dispatch: grid1d(ceilDiv(count, WG * PER)), cacheKey: `adam:V${it.V}`, uniformData: u.data };
}
