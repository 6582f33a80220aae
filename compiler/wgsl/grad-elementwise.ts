/**
 * Elementwise activation gradients (ops `reluGrad`, `sigmoidGrad`, `tanhGrad`, `noiseStdGrad`) as
 * ONE kernel: out[i] = f(a[i], dy[i]) with f chosen by a `mode` word in the uniform, so all four
 * ops (and both modes of noiseStdGrad) share a single pipeline. a is the forward OUTPUT y for the
 * activation grads (relu: dy·[y > 0]; sigmoid: dy·y·(1 − y); tanh: dy·(1 − y²)) and the raw
 * pre-softplus input for noiseStdGrad (training: dy·sigmoid(raw); evaluation: 0 — the rule rebuilds
 * the uniform per run from the train/eval mode). One invocation per element, grid folded past 65535.
 */
import { EW_HELPERS_WGSL } from './elementwise.ts';
import { FLAT_WORKGROUP_WGSL, grid1d, ceilDiv, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';

/** What the gradient kernel computes. */
export type GradEwMode = 'relu' | 'sigmoid' | 'tanh' | 'noiseStdTrain' | 'zero';

const MODES: Record<GradEwMode, number> = { relu: 0, sigmoid: 1, tanh: 2, noiseStdTrain: 3, zero: 4 };
const WG = 256;

const GRAD_EW = defineProgram({
  name: 'grad_ew',
  bindings: { a: { access: 'read', type: 'f32' }, dy: { access: 'read', type: 'f32' }, out: { access: 'read_write', type: 'f32' } },
  uniforms: { count: 'u32', mode: 'u32' },
  workgroupSize: WG,
  source: /* wgsl */ `${EW_HELPERS_WGSL}
${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = flat_workgroup(wid, nwg) * ${WG}u + lid;
  if (i >= params.count) { return; }
  let y = a[i];
  let g = dy[i];
  var r = 0.0;
  switch (params.mode) {
    case 0u: { r = select(0.0, g, y > 0.0); }
    case 1u: { r = g * y * (1.0 - y); }
    case 2u: { r = g * (1.0 - y * y); }
    case 3u: { r = g * ew_sigmoid(y); }
    default: { r = 0.0; }
  }
  out[i] = r;
}
`,
});

/**
 * Activation-gradient kernel over `numel` elements. Bindings: `a` (read, y or raw), `dy` (read),
 * `out` (read_write), `params` (count, mode). `out` must not alias an input.
 */
export function gradEwKernel(o: { readonly numel: number; readonly mode: GradEwMode }): Kernel {
  return GRAD_EW.kernel(grid1d(ceilDiv(o.numel, WG)), gradEwUniforms(o), { name: `grad_ew.${o.mode}` });
}

/** The uniform block of `gradEwKernel(o)` (a per-run rewrite packs only this; the WGSL is shared). */
export function gradEwUniformData(o: { readonly numel: number; readonly mode: GradEwMode }): Uint32Array {
  return GRAD_EW.uniformData(gradEwUniforms(o))!;
}

function gradEwUniforms(o: { readonly numel: number; readonly mode: GradEwMode }): { count: number; mode: number } {
  return { count: o.numel, mode: MODES[o.mode] };
}
