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
import { grid1d, ceilDiv, FLAT_WORKGROUP_WGSL, type Kernel } from './kernel.ts';
import { defineProgram, type ElementType, type Program, type UniformValues } from './program.ts';

const WG = 256;
const MAIN = `@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32)`;
/** Items (vec4, or f32 when the element count is not a multiple of 4) per invocation. */
const PER = 16;
/** Item `i` of step `t`: each step of a workgroup covers WG consecutive items. */
const LOOP = (body: string) => `let w = flat_workgroup(wid, nwg);
  for (var t = 0u; t < ${PER}u; t++) {
    let i = (w * ${PER}u + t) * ${WG}u + lid;
    if (i >= params.count) { return; }
    ${body}
  }`;

/** Item width (4 when `numel` is a multiple of 4) and the WGSL type of one item. */
function itemOf(numel: number): { readonly V: 1 | 4; readonly ty: ElementType } {
  return numel % 4 === 0 ? { V: 4, ty: 'vec4<f32>' } : { V: 1, ty: 'f32' };
}

/** The bias correction 1 − βᵗ for t = step + 1 (f64 on the host). */
export function biasCorrection(beta: number, step: number): number {
  return 1 - Math.pow(beta, step + 1);
}

/**
 * The per-step uniform fields of the factored-Adam kernels (tiled and one-dispatch), in struct
 * order: step, clip threshold, bias correction, lr, β2, 1 − β2 and log2 β2.
 */
export const FACTORED_STEP_UNIFORMS = Object.freeze({ step: 'i32', clip: 'f32', bc2: 'f32', lr: 'f32', b2: 'f32', c2: 'f32', log2b2: 'f32' } as const);

/**
 * The values of `FACTORED_STEP_UNIFORMS` for a step (t = step + 1; f64 on the host; β2 = 0 gives
 * log2 β2 = −∞, and exp2(−∞·s) = 0 for s > 0). Throws on a step outside [0, 2^31 − 1).
 */
export function factoredStepValues(o: { readonly step: number; readonly clip: number; readonly lr: number; readonly beta2: number }): UniformValues<typeof FACTORED_STEP_UNIFORMS> {
  if (!(Number.isInteger(o.step) && o.step >= 0 && o.step < 2 ** 31 - 1)) throw new Error(`factored Adam: step must be an integer in [0, 2^31 − 1), got ${o.step}`);
  return { step: o.step, clip: o.clip, bc2: biasCorrection(o.beta2, o.step), lr: o.lr, b2: o.beta2, c2: 1 - o.beta2, log2b2: Math.log2(o.beta2) };
}

/** The SGD program for items of width `V` (4: vec4, 1: f32). */
export function sgdProgram(V: 1 | 4): Program<{ readonly count: 'u32'; readonly lr: 'f32' }> {
  const ty: ElementType = V === 4 ? 'vec4<f32>' : 'f32';
  return defineProgram({
    name: 'sgd',
    bindings: { p: { access: 'read_write', type: ty }, g: { access: 'read', type: ty } },
    uniforms: { count: 'u32', lr: 'f32' },
    workgroupSize: WG,
    source: /* wgsl */ `// in place
${FLAT_WORKGROUP_WGSL}
${MAIN} {
  ${LOOP('p[i] = p[i] - params.lr * g[i];')}
}
`,
  });
}

/** SGD in place (vec4 items when numel % 4 = 0, 16 items per invocation). Bindings: `p` (read_write), `g`, `params`. */
export function sgdKernel(o: { readonly numel: number; readonly lr: number }): Kernel {
  const it = itemOf(o.numel);
  const count = o.numel / it.V;
  return sgdProgram(it.V).kernel(grid1d(ceilDiv(count, WG * PER)), { count, lr: o.lr });
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

/** Adam's uniform fields: item count, hyper-parameters, the step's bias corrections. */
const ADAM_UNIFORMS = Object.freeze({ count: 'u32', lr: 'f32', b1: 'f32', b2: 'f32', eps: 'f32', bc1: 'f32', bc2: 'f32', c1: 'f32', c2: 'f32' } as const);

/** The Adam program for items of width `V` (4: vec4, 1: f32); per-step values: `adamUniformValues`. */
export function adamProgram(V: 1 | 4): Program<typeof ADAM_UNIFORMS> {
  const ty: ElementType = V === 4 ? 'vec4<f32>' : 'f32';
  const rw = { access: 'read_write', type: ty } as const;
  return defineProgram({
    name: 'adam',
    bindings: { p: rw, g: { access: 'read', type: ty }, m: rw, v: rw },
    uniforms: ADAM_UNIFORMS,
    workgroupSize: WG,
    source: /* wgsl */ `// in place
${FLAT_WORKGROUP_WGSL}
${MAIN} {
  ${LOOP(`let gi = g[i];
    let mi = params.b1 * m[i] + params.c1 * gi;
    let vi = params.b2 * v[i] + params.c2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] - (params.lr * (mi / params.bc1)) / (sqrt(vi / params.bc2) + params.eps);`)}
}
`,
  });
}

/** The Adam program of a parameter of `numel` elements (vec4 items when numel % 4 = 0): built once, packed per step. */
export function adamProgramFor(numel: number): Program<typeof ADAM_UNIFORMS> {
  return adamProgram(itemOf(numel).V);
}

/** Adam's uniform values for a step: item count, hyper-parameters, bias corrections (f64 on the host). */
export function adamUniformValues(o: AdamKernelOptions): UniformValues<typeof ADAM_UNIFORMS> {
  return {
    count: o.numel / itemOf(o.numel).V,
    lr: o.lr,
    b1: o.beta1,
    b2: o.beta2,
    eps: o.eps,
    bc1: biasCorrection(o.beta1, o.step),
    bc2: biasCorrection(o.beta2, o.step),
    c1: 1 - o.beta1,
    c2: 1 - o.beta2,
  };
}

/** Adam in place (vec4 items when numel % 4 = 0, 16 per invocation). Bindings: `p`, `g`, `m`, `v` (all read_write but `g`), `params` (rebuilt per step). */
export function adamKernel(o: AdamKernelOptions): Kernel {
  const it = itemOf(o.numel);
  const count = o.numel / it.V;
  return adamProgram(it.V).kernel(grid1d(ceilDiv(count, WG * PER)), adamUniformValues(o));
}

