/**
 * WGSL forward kernel of the hierarchical MoE's secondary gating (paper App. B; op
 * `secondaryGating` in ir/ops.ts, reference in ir/reference/hierarchical.ts): one 64-thread
 * workgroup per (row, slot) computes the slot's group logits x·wg2[g] (and x·wn2[g]), sigma, the
 * Philox noise of column s·b + j and the noisy logits into workgroup memory; thread 0 then selects
 * the top min(k2+1, b) (value desc, index asc) and writes the softmax-weighted gates times the
 * primary gate. Also the helpers its gradient kernels share (uniforms, binding declarations).
 * Shapes are uniforms; only b's bound is compiled in.
 */
import { grid1d, uniformBlock, type Kernel, type KernelBinding } from './kernel.ts';
import { philoxWgsl } from './philox.ts';

/** Shape and RNG site of the secondary gating kernels. */
export interface SecondaryGatingKernelOptions {
  readonly N: number;
  readonly D: number;
  readonly a: number;
  readonly b: number;
  readonly k1: number;
  readonly k2: number;
  readonly noisy: boolean;
  readonly eps: number;
  readonly stream: number;
  readonly rowOffset: number;
  readonly seed: number;
  readonly step: number;
  /** Training (default true): sigma = softplus + eps; evaluation: 0. */
  readonly train?: boolean;
}

/** Largest k2 + 1 the gating kernels keep in workgroup memory. */
export const HIER_TOP_MAX = 64;

export function gatingUniforms(o: SecondaryGatingKernelOptions) {
  return uniformBlock([
    ['N', 'u32', o.N],
    ['D', 'u32', o.D],
    ['a', 'u32', o.a],
    ['b', 'u32', o.b],
    ['k1', 'u32', o.k1],
    ['k2', 'u32', o.k2],
    ['kt', 'u32', Math.min(o.k2 + 1, o.b)],
    ['seed', 'u32', o.seed],
    ['stream', 'u32', o.stream],
    ['step', 'u32', o.step],
    ['rowOffset', 'u32', o.rowOffset],
    ['train', 'u32', o.train === false ? 0 : 1],
    ['eps', 'f32', o.eps],
  ]);
}

export function decls(bindings: readonly KernelBinding[], ints: readonly string[]): string {
  return bindings
    .map((b, i) => {
      if (b.access === 'uniform') return `@group(0) @binding(${i}) var<uniform> params: Params;`;
      return `@group(0) @binding(${i}) var<storage, ${b.access}> ${b.name}: array<${ints.includes(b.name) ? 'i32' : 'f32'}>;`;
    })
    .join('\n');
}

export function bMaxOf(b: number): number {
  return Math.max(64, Math.ceil(b / 64) * 64);
}

export const SOFTPLUS = /* wgsl */ `
fn softplus(v: f32) -> f32 { return max(v, 0.0) + log(1.0 + exp(-abs(v))); }
fn sigmoid(v: f32) -> f32 { if (v >= 0.0) { return 1.0 / (1.0 + exp(-v)); } let e = exp(v); return e / (1.0 + e); }
`;

/**
 * Forward secondary gating. Bindings: x, wg2, [wn2], primaryIndices, primaryGates, [normTables],
 * indices, gates, clean, sigma, topValues, localIndices, params. One workgroup per (row, slot).
 */
export function secondaryGatingKernel(o: SecondaryGatingKernelOptions): Kernel {
  const kt = Math.min(o.k2 + 1, o.b);
  if (kt > HIER_TOP_MAX) throw new Error(`secondaryGating: k2+1 = ${kt} exceeds ${HIER_TOP_MAX}`);
  const bMax = bMaxOf(o.b);
  if (bMax > 4096) throw new Error(`secondaryGating: b = ${o.b} experts per group exceeds 4096`);
  const u = gatingUniforms(o);
  const bindings: KernelBinding[] = [
    { name: 'x', access: 'read' },
    { name: 'wg2', access: 'read' },
    ...(o.noisy ? [{ name: 'wn2', access: 'read' } as const, { name: 'normTables', access: 'read' } as const] : []),
    { name: 'primaryIndices', access: 'read' },
    { name: 'primaryGates', access: 'read' },
    { name: 'indices', access: 'read_write' },
    { name: 'gates', access: 'read_write' },
    { name: 'clean', access: 'read_write' },
    { name: 'sigma', access: 'read_write' },
    { name: 'topValues', access: 'read_write' },
    { name: 'localIndices', access: 'read_write' },
    { name: 'params', access: 'uniform' },
  ];
  const wgsl = /* wgsl */ `// secondary_gating noisy=${o.noisy} bMax=${bMax}
${u.struct}
${decls(bindings, ['primaryIndices', 'indices', 'localIndices'])}
${o.noisy ? philoxWgsl() : ''}
${SOFTPLUS}
const NONE = 0xffffffffu;
var<workgroup> noisyS: array<f32, ${bMax}>;
var<workgroup> topV: array<f32, ${HIER_TOP_MAX}>;
var<workgroup> topI: array<u32, ${HIER_TOP_MAX}>;

fn before(v: f32, i: u32, w: f32, j: u32) -> bool {
  return j == NONE || v > w || (v == w && i < j);
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let q = wid.x + wid.y * 65535u;
  let k1 = params.k1;
  if (q >= params.N * k1) { return; }
  let r = q / k1;
  let s = q % k1;
  let D = params.D;
  let b = params.b;
  let g = u32(primaryIndices[q]);
  for (var j = t; j < b; j += 64u) {
    var accC = 0.0;
    var accR = 0.0;
    for (var d = 0u; d < D; d++) {
      let xv = x[r * D + d];
      accC = fma(xv, wg2[(g * D + d) * b + j], accC);
      ${o.noisy ? 'accR = fma(xv, wn2[(g * D + d) * b + j], accR);' : ''}
    }
    var sg = 0.0;
    var nz = accC;
    ${o.noisy ? `if (params.train != 0u) {
      sg = softplus(accR) + params.eps;
      nz = accC + normal_from_word(philox_word(params.seed, params.stream, params.step, r + params.rowOffset, s * b + j)) * sg;
    }` : ''}
    clean[q * b + j] = accC;
    sigma[q * b + j] = sg;
    noisyS[j] = nz;
  }
  workgroupBarrier();
  if (t != 0u) { return; }
  let kt = params.kt;
  let k2 = params.k2;
  for (var p = 0u; p < kt; p++) {
    var bestV = 0.0;
    var bestI = NONE;
    for (var c = 0u; c < b; c++) {
      let v = noisyS[c];
      let eligible = v == v && (p == 0u || before(topV[p - 1u], topI[p - 1u], v, c));
      if (eligible && before(v, c, bestV, bestI)) { bestV = v; bestI = c; }
    }
    topV[p] = bestV;
    topI[p] = bestI;
    topValues[q * kt + p] = bestV;
  }
  let m = topV[0];
  var sum = 0.0;
  for (var j = 0u; j < k2; j++) { sum += exp(topV[j] - m); }
  let pg = primaryGates[q];
  for (var j = 0u; j < k2; j++) {
    localIndices[q * k2 + j] = i32(topI[j]);
    indices[q * k2 + j] = i32(g * b + topI[j]);
    gates[q * k2 + j] = pg * (exp(topV[j] - m) / sum);
  }
}
`;
  return {
    name: 'secondary_gating',
    wgsl,
    bindings,
    workgroupSize: [64, 1, 1],
    dispatch: grid1d(o.N * o.k1),
    cacheKey: `secondary_gating:noisy=${o.noisy}:bMax=${bMax}`,
    uniformData: u.data,
  };
}
