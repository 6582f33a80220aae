/**
 * WGSL gradient kernels of the hierarchical MoE's secondary gating (the vjp of `secondaryGating`):
 * a per-(row, slot) kernel for the softmax, noise and primary-gate part, a per-weight kernel
 * summing rows in order (dwg2, dwn2) and a per-(row, d) kernel for dx. Deterministic: every sum
 * runs in a fixed order.
 */
import { grid1d, type Kernel, type KernelBinding } from './kernel.ts';
import { philoxWgsl } from './philox.ts';
import { bMaxOf, decls, gatingUniforms, SOFTPLUS, type SecondaryGatingKernelOptions } from './hierarchical-gating.ts';

/**
 * Gradient of the secondary gating, per (row, slot) (one workgroup each; thread 0 does the k2-wide
 * softmax part): dprimaryGates, and the logit gradients dC = dnoisy + dclean2 and (noisy)
 * dR = (dnoisy·z + dsigma2)·sigmoid(x·wn2[g]) in training (0 in evaluation) into scratch [N,k1,b].
 * Bindings: x, [wn2, normTables], primaryIndices, primaryGates, topValues, localIndices, dgates,
 * dclean, dsigma, dprimaryGates, dC, [dR], params.
 */
export function secondaryGatingGradRowsKernel(o: SecondaryGatingKernelOptions): Kernel {
  const bMax = bMaxOf(o.b);
  const u = gatingUniforms(o);
  const bindings: KernelBinding[] = [
    { name: 'x', access: 'read' },
    ...(o.noisy ? [{ name: 'wn2', access: 'read' } as const, { name: 'normTables', access: 'read' } as const] : []),
    { name: 'primaryIndices', access: 'read' },
    { name: 'primaryGates', access: 'read' },
    { name: 'topValues', access: 'read' },
    { name: 'localIndices', access: 'read' },
    { name: 'dgates', access: 'read' },
    { name: 'dclean', access: 'read' },
    { name: 'dsigma', access: 'read' },
    { name: 'dprimaryGates', access: 'read_write' },
    { name: 'dC', access: 'read_write' },
    ...(o.noisy ? [{ name: 'dR', access: 'read_write' } as const] : []),
    { name: 'params', access: 'uniform' },
  ];
  const wgsl = /* wgsl */ `// secondary_gating_grad_rows noisy=${o.noisy} bMax=${bMax}
${u.struct}
${decls(bindings, ['primaryIndices', 'localIndices'])}
${o.noisy ? philoxWgsl() : ''}
${SOFTPLUS}
var<workgroup> dn: array<f32, ${bMax}>;
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let q = wid.x + wid.y * 65535u;
  let k1 = params.k1;
  if (q >= params.N * k1) { return; }
  let r = q / k1;
  let s = q % k1;
  let b = params.b;
  let D = params.D;
  let g = u32(primaryIndices[q]);
  for (var j = t; j < b; j += 64u) { dn[j] = 0.0; }
  workgroupBarrier();
  if (t == 0u) {
    let kt = params.kt;
    let k2 = params.k2;
    let m = topValues[q * kt];
    var sum = 0.0;
    for (var u = 0u; u < k2; u++) { sum += exp(topValues[q * kt + u] - m); }
    let pg = primaryGates[q];
    var dp = 0.0;
    var dot = 0.0;
    for (var u = 0u; u < k2; u++) {
      let sgu = exp(topValues[q * kt + u] - m) / sum;
      let dgu = dgates[q * k2 + u];
      dp += dgu * sgu;
      dot += sgu * dgu * pg;
    }
    dprimaryGates[q] = dp;
    for (var u = 0u; u < k2; u++) {
      let sgu = exp(topValues[q * kt + u] - m) / sum;
      let j = u32(localIndices[q * k2 + u]);
      dn[j] = dn[j] + sgu * (dgates[q * k2 + u] * pg - dot);
    }
  }
  workgroupBarrier();
  for (var j = t; j < b; j += 64u) {
    dC[q * b + j] = dn[j] + dclean[q * b + j];
    ${o.noisy ? `var drv = 0.0;
    if (params.train != 0u) {
      var acc = 0.0;
      for (var d = 0u; d < D; d++) { acc = fma(x[r * D + d], wn2[(g * D + d) * b + j], acc); }
      let z = normal_from_word(philox_word(params.seed, params.stream, params.step, r + params.rowOffset, s * b + j));
      drv = (dn[j] * z + dsigma[q * b + j]) * sigmoid(acc);
    }
    dR[q * b + j] = drv;` : ''}
  }
}
`;
  return {
    name: 'secondary_gating_grad_rows',
    wgsl,
    bindings,
    workgroupSize: [64, 1, 1],
    dispatch: grid1d(o.N * o.k1),
    cacheKey: `secondary_gating_grad_rows:noisy=${o.noisy}:bMax=${bMax}`,
    uniformData: u.data,
  };
}

/**
 * Weight gradients of the secondary gating (one thread per (g, d, j)): dwg2 = Σ_{(r,s): group g}
 * x[r,d]·dC[r,s,j] and (noisy) dwn2 with dR, rows summed in (r, s) order. Bindings: x,
 * primaryIndices, dC, [dR], dwg2, [dwn2], params.
 */
export function secondaryGatingGradWeightsKernel(o: SecondaryGatingKernelOptions): Kernel {
  const u = gatingUniforms(o);
  const bindings: KernelBinding[] = [
    { name: 'x', access: 'read' },
    { name: 'primaryIndices', access: 'read' },
    { name: 'dC', access: 'read' },
    ...(o.noisy ? [{ name: 'dR', access: 'read' } as const] : []),
    { name: 'dwg2', access: 'read_write' },
    ...(o.noisy ? [{ name: 'dwn2', access: 'read_write' } as const] : []),
    { name: 'params', access: 'uniform' },
  ];
  const wgsl = /* wgsl */ `// secondary_gating_grad_weights noisy=${o.noisy}
${u.struct}
${decls(bindings, ['primaryIndices'])}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let i = (wid.x + wid.y * 65535u) * 64u + lt;
  let D = params.D;
  let b = params.b;
  if (i >= params.a * D * b) { return; }
  let g = i / (D * b);
  let d = (i / b) % D;
  let j = i % b;
  var accG = 0.0;
  var accN = 0.0;
  for (var q = 0u; q < params.N * params.k1; q++) {
    if (primaryIndices[q] != i32(g)) { continue; }
    let xv = x[(q / params.k1) * D + d];
    accG = fma(xv, dC[q * b + j], accG);
    ${o.noisy ? 'accN = fma(xv, dR[q * b + j], accN);' : ''}
  }
  dwg2[i] = accG;
  ${o.noisy ? 'dwn2[i] = accN;' : ''}
}
`;
  return {
    name: 'secondary_gating_grad_weights',
    wgsl,
    bindings,
    workgroupSize: [64, 1, 1],
    dispatch: grid1d(Math.ceil((o.a * o.D * o.b) / 64)),
    cacheKey: `secondary_gating_grad_weights:noisy=${o.noisy}`,
    uniformData: u.data,
  };
}

/**
 * Input gradient of the secondary gating (one thread per (r, d)): dx = Σ_s Σ_j dC·wg2[g,d,j]
 * (+ dR·wn2[g,d,j]). Bindings: wg2, [wn2], primaryIndices, dC, [dR], dx, params.
 */
export function secondaryGatingGradInputKernel(o: SecondaryGatingKernelOptions): Kernel {
  const u = gatingUniforms(o);
  const bindings: KernelBinding[] = [
    { name: 'wg2', access: 'read' },
    ...(o.noisy ? [{ name: 'wn2', access: 'read' } as const] : []),
    { name: 'primaryIndices', access: 'read' },
    { name: 'dC', access: 'read' },
    ...(o.noisy ? [{ name: 'dR', access: 'read' } as const] : []),
    { name: 'dx', access: 'read_write' },
    { name: 'params', access: 'uniform' },
  ];
  const wgsl = /* wgsl */ `// secondary_gating_grad_input noisy=${o.noisy}
${u.struct}
${decls(bindings, ['primaryIndices'])}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let i = (wid.x + wid.y * 65535u) * 64u + lt;
  let D = params.D;
  let b = params.b;
  let k1 = params.k1;
  if (i >= params.N * D) { return; }
  let r = i / D;
  let d = i % D;
  var acc = 0.0;
  for (var s = 0u; s < k1; s++) {
    let q = r * k1 + s;
    let g = u32(primaryIndices[q]);
    for (var j = 0u; j < b; j++) {
      acc = fma(dC[q * b + j], wg2[(g * D + d) * b + j], acc);
      ${o.noisy ? 'acc = fma(dR[q * b + j], wn2[(g * D + d) * b + j], acc);' : ''}
    }
  }
  dx[i] = acc;
}
`;
  return {
    name: 'secondary_gating_grad_input',
    wgsl,
    bindings,
    workgroupSize: [64, 1, 1],
    dispatch: grid1d(Math.ceil((o.N * o.D) / 64)),
    cacheKey: `secondary_gating_grad_input:noisy=${o.noisy}`,
    uniformData: u.data,
  };
}
