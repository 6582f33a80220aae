/**
 * Optimizer update kernels, all IN PLACE (ir/op-traits.ts IN_PLACE): the parameter and the optimizer
 * state are each bound ONCE as a read_write binding and overwritten where they live. `sgdKernel`:
 * p −= lr·g. `adamKernel`: m, v, p updated per element with the bias corrections 1 − β1ᵗ, 1 − β2ᵗ
 * (t = step + 1) computed on the host in f64 and passed in the uniform — the lowering rebuilds that
 * uniform per run from the step. Factored Adam (β1 = 0, per r×c matrix of a [batch, r, c]
 * parameter) takes three pipelines / four dispatches: `factoredLineMeanKernel` twice (row means into
 * vr, column means into vc; one invocation per line summing in index order), `factoredStatsKernel`
 * (one workgroup per matrix: mean(vr') and rms(u) by fixed-order tree, written as the matrix's
 * divisor), `factoredUpdateKernel` (p −= lr·u/div). Every sum has a fixed order: bit-identical
 * from run to run. v̂ is formed as (vr'/mean(vr'))·vc'/(1 − β2ᵗ) so it stays in f32 range when
 * whole rows of g are zero, and u = 0 wherever g = 0 (as the f64 reference).
 */
import { grid1d, ceilDiv, uniformBlock, type Kernel, type KernelBinding } from './kernel.ts';
import { workgroupReduce } from './reduce-snippets.ts';

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

/** Shape of a factored-Adam parameter: `batch` matrices of r × c. */
export interface FactoredShape {
  readonly batch: number;
  readonly r: number;
  readonly c: number;
}

/**
 * Row (`axis` 'rows': vr [batch, r]) or column (`axis` 'cols': vc [batch, c]) statistic update,
 * s' = β2·s + (1−β2)·mean(g² + 1e-30) along the line. Bindings: `g`, `s` (read_write), `params`.
 */
export function factoredLineMeanKernel(o: FactoredShape & { readonly axis: 'rows' | 'cols'; readonly beta2: number }): Kernel {
  const rows = o.axis === 'rows';
  const lines = rows ? o.r : o.c;
  const count = o.batch * lines;
  const u = uniformBlock([
    ['count', 'u32', count],
    ['lines', 'u32', Math.max(1, lines)],
    ['len', 'u32', rows ? o.c : o.r],
    ['lineStride', 'u32', rows ? o.c : 1],
    ['elemStride', 'u32', rows ? 1 : o.c],
    ['matrix', 'u32', o.r * o.c],
    ['b2', 'f32', o.beta2],
    ['c2', 'f32', 1 - o.beta2],
  ]);
  const bindings = [ro('g'), rw('s'), PARAMS];
  const wgsl = /* wgsl */ `// factored adam: row/column mean of g² + eps1 (in place)
${u.struct}
${decls(bindings)}
${MAIN} {
  ${INDEX}
  if (i >= params.count) { return; }
  let b = i / params.lines;
  let l = i - b * params.lines;
  let base = b * params.matrix + l * params.lineStride;
  var acc = 0.0;
  for (var j = 0u; j < params.len; j++) {
    let gv = g[base + j * params.elemStride];
    acc += gv * gv + 1e-30;
  }
  s[i] = params.b2 * s[i] + params.c2 * (acc / f32(params.len));
}
`;
  return { name: `factored_adam.${o.axis}`, wgsl, bindings, workgroupSize: [WG, 1, 1], dispatch: grid1d(ceilDiv(count, WG)), cacheKey: 'factored_adam.line', uniformData: u.data };
}

/** Options of the factored-Adam stats and update kernels. */
export interface FactoredUpdateOptions extends FactoredShape {
  readonly lr: number;
  readonly beta2: number;
  readonly clip: number;
  readonly step: number;
}

function factoredUniform(o: FactoredUpdateOptions) {
  return uniformBlock([
    ['r', 'u32', o.r],
    ['c', 'u32', o.c],
    ['count', 'u32', o.batch * o.r * o.c],
    ['clip', 'f32', o.clip],
    ['bc2', 'f32', biasCorrection(o.beta2, o.step)],
    ['lr', 'f32', o.lr],
  ]);
}

/** WGSL `u_at(b, i, j, gv, vrMean)` of factored Adam (reads `vr`, `vc`, params.r/c/bc2); shared with expert-optimizers.ts. */
export const U_WGSL = /* wgsl */ `
// u for element (i, j) of matrix b: g / sqrt(v̂), v̂ = (vr'/mean(vr'))·vc'/(1 − β2ᵗ); 0 where g = 0.
fn u_at(b: u32, i: u32, j: u32, gv: f32, vrMean: f32) -> f32 {
  let vhat = (vr[b * params.r + i] / vrMean) * vc[b * params.c + j] / params.bc2;
  return select(gv / sqrt(vhat), 0.0, gv == 0.0);
}
`;

/**
 * Per-matrix statistics: stats[2b] = mean(vr'), stats[2b+1] = clipping divisor max(1, rms(u)/clip)
 * (1 when clip ≤ 0). One workgroup per matrix. Bindings: `g`, `vr`, `vc` (read), `stats`
 * (read_write, f32 [2·batch]), `params` (rebuild per step).
 */
export function factoredStatsKernel(o: FactoredUpdateOptions): Kernel {
  const u = factoredUniform(o);
  const bindings = [ro('g'), ro('vr'), ro('vc'), rw('stats'), PARAMS];
  const wgsl = /* wgsl */ `// factored adam: per-matrix mean(vr') and update-clipping divisor
${u.struct}
${decls(bindings)}
${U_WGSL}
${workgroupReduce(WG)}@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let b = wid.y * nwg.x + wid.x;
  if (b * params.r * params.c >= params.count) { return; }
  let R = params.r;
  let C = params.c;
  var acc = 0.0;
  for (var i = t; i < R; i += ${WG}u) { acc += vr[b * R + i]; }
  let vrMean = tree_sum(acc, t) / f32(R);
  var div = 1.0;
  if (params.clip > 0.0) {
    var sq = 0.0;
    for (var q = t; q < R * C; q += ${WG}u) {
      let i = q / C;
      let uv = u_at(b, i, q - i * C, g[b * R * C + q], vrMean);
      sq = fma(uv, uv, sq);
    }
    let rms = sqrt(tree_sum(sq, t) / f32(R * C));
    div = max(1.0, rms / params.clip);
  }
  if (t == 0u) {
    stats[2u * b] = vrMean;
    stats[2u * b + 1u] = div;
  }
}
`;
  return { name: 'factored_adam.stats', wgsl, bindings, workgroupSize: [WG, 1, 1], dispatch: grid1d(o.batch), cacheKey: 'factored_adam.stats', uniformData: u.data };
}

/** p −= lr·u/div per element. Bindings: `p` (read_write), `g`, `vr`, `vc`, `stats`, `params` (rebuild per step). */
export function factoredUpdateKernel(o: FactoredUpdateOptions): Kernel {
  const u = factoredUniform(o);
  const bindings = [rw('p'), ro('g'), ro('vr'), ro('vc'), ro('stats'), PARAMS];
  const wgsl = /* wgsl */ `// factored adam: parameter update (in place)
${u.struct}
${decls(bindings)}
${U_WGSL}
${MAIN} {
  ${INDEX}
  if (i >= params.count) { return; }
  let rc = params.r * params.c;
  let b = i / rc;
  let q = i - b * rc;
  let row = q / params.c;
  let uv = u_at(b, row, q - row * params.c, g[i], stats[2u * b]);
  p[i] = p[i] - params.lr * (uv / stats[2u * b + 1u]);
}
`;
  return { name: 'factored_adam.update', wgsl, bindings, workgroupSize: [WG, 1, 1], dispatch: grid1d(ceilDiv(o.batch * o.r * o.c, WG)), cacheKey: 'factored_adam.update', uniformData: u.data };
}
