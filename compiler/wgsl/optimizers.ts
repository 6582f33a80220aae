/**
 * Optimizer update kernels, all IN PLACE (ir/ops.ts IN_PLACE): the parameter and the optimizer
 * state are each bound ONCE as a read_write binding and overwritten where they live. `sgdKernel`:
 * p −= lr·g. `adamKernel`: m, v, p updated per element with the bias corrections 1 − β1ᵗ, 1 − β2ᵗ
 * (t = step + 1) computed on the host in f64 and passed in the uniform — the lowering rebuilds that
 * uniform per run from the step. Factored Adam (β1 = 0, per r×c matrix of a [batch, r, c]
 * parameter) is the tiled kernel set of factored-adam-tiles.ts (dense form).
 */
import { grid1d, ceilDiv, uniformBlock, type Kernel, type KernelBinding } from './kernel.ts';

const WG = 256;
const MAIN = `@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32)`;
const INDEX = `let i = (wid.y * nwg.x + wid.x) * ${WG}u + lid;`;

function decls(bindings: readonly KernelBinding[]): string {
  return bindings
    .map((b, i) =>
      b.access === 'uniform'
        ? `@group(0) @binding(${i}) var<uniform> params: Params;`
        : `@group(0) @binding(${i}) var<storage, ${b.access}> ${b.name}: array<f32>;`,
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

/** SGD in place. Bindings: `p` (read_write), `g`, `params`. */
export function sgdKernel(o: { readonly numel: number; readonly lr: number }): Kernel {
  const u = uniformBlock([
    ['count', 'u32', o.numel],
    ['lr', 'f32', o.lr],
  ]);
  const bindings = [rw('p'), ro('g'), PARAMS];
  const wgsl = /* wgsl */ `// sgd (in place)
${u.struct}
${decls(bindings)}
${MAIN} {
  ${INDEX}
  if (i >= params.count) { return; }
  p[i] = p[i] - params.lr * g[i];
}
`;
  return { name: 'sgd', wgsl, bindings, workgroupSize: [WG, 1, 1], dispatch: grid1d(ceilDiv(o.numel, WG)), cacheKey: 'sgd', uniformData: u.data };
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

/** Adam in place. Bindings: `p`, `m`, `v` (read_write), `g`, `params` (rebuild per step). */
export function adamKernel(o: AdamKernelOptions): Kernel {
  const u = uniformBlock([
    ['count', 'u32', o.numel],
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
${decls(bindings)}
${MAIN} {
  ${INDEX}
  if (i >= params.count) { return; }
  let gi = g[i];
  let mi = params.b1 * m[i] + params.c1 * gi;
  let vi = params.b2 * v[i] + params.c2 * gi * gi;
  m[i] = mi;
  v[i] = vi;
  p[i] = p[i] - (params.lr * (mi / params.bc1)) / (sqrt(vi / params.bc2) + params.eps);
}
`;
  return { name: 'adam', wgsl, bindings, workgroupSize: [WG, 1, 1], dispatch: grid1d(ceilDiv(o.numel, WG)), cacheKey: 'adam', uniformData: u.data };
}
