/**
 * WGSL gradient kernels of the hierarchical MoE's secondary gating (the vjp of `secondaryGating`):
 * a per-(row, slot, j) kernel for the softmax, noise and primary-gate part, a per-weight kernel
 * summing the pairs routed to its group in order (dwg2, dwn2; cost follows the rows routed, not
 * groups × rows) and a per-(row, d) kernel for dx. Deterministic: every sum runs in a fixed
 * order; every grid folds over 65535 and no kernel holds O(b) in workgroup memory.
 */
import { ceilDiv, grid1d, type Kernel, type KernelBinding } from './kernel.ts';
import { SOFTPLUS_WGSL } from './gating-snippets.ts';
import { philoxWgsl } from './philox.ts';
import { decls, gatingUniforms, type SecondaryGatingKernelOptions } from './hierarchical-gating.ts';

/**
 * Gradient of the secondary gating, one invocation per (row, slot, j) (each recomputes the
 * k2-wide softmax of its pair, no workgroup memory): dprimaryGates (written by j = 0), and the
 * logit gradients dC = dnoisy + dclean2 and (noisy) dR = (dnoisy·z + dsigma2)·sigmoid(x·wn2[g])
 * in training (0 in evaluation) into scratch [N,k1,b]; the Philox draw z is made only where
 * dnoisy ≠ 0 (the pair's top k2), the other b − k2 columns take dR = dsigma2·sigmoid(x·wn2[g]). Bindings: x, [wn2, normTables],
 * primaryIndices, primaryGates, topValues, localIndices, dgates, dclean, dsigma, dprimaryGates,
 * dC, [dR], params. Grid folded over 65535.
 */
export function secondaryGatingGradRowsKernel(o: SecondaryGatingKernelOptions): Kernel {
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
  const wgsl = /* wgsl */ `// secondary_gating_grad_rows noisy=${o.noisy}
${u.struct}
${decls(bindings, ['primaryIndices', 'localIndices'])}
${o.noisy ? philoxWgsl() : ''}
${SOFTPLUS_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let i = (wid.y * nwg.x + wid.x) * 64u + lt;
  let k1 = params.k1;
  let b = params.b;
  if (i >= params.N * k1 * b) { return; }
  let q = i / b;
  let j = i % b;
  let r = q / k1;
  let s = q % k1;
  let D = params.D;
  let g = u32(primaryIndices[q]);
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
  if (j == 0u) { dprimaryGates[q] = dp; }
  var dn = 0.0;
  for (var u = 0u; u < k2; u++) {
    if (u32(localIndices[q * k2 + u]) == j) {
      let sgu = exp(topValues[q * kt + u] - m) / sum;
      dn += sgu * (dgates[q * k2 + u] * pg - dot);
    }
  }
  dC[i] = dn + dclean[i];
  ${o.noisy ? `var drv = 0.0;
  if (params.train != 0u) {
    var acc = 0.0;
    for (var d = 0u; d < D; d++) { acc = fma(x[r * D + d], wn2[(g * D + d) * b + j], acc); }
    // The noise only enters through dn, which is zero off the pair's top k2: draw it only there.
    var dz = 0.0;
    if (dn != 0.0) { dz = dn * normal_from_word(philox_word(params.seed, params.stream, params.step, r + params.rowOffset, s * b + j)); }
    drv = (dz + dsigma[i]) * gs_sigmoid(acc);
  }
  dR[i] = drv;` : ''}
}
`;
  return {
    name: 'secondary_gating_grad_rows',
    wgsl,
    bindings,
    workgroupSize: [64, 1, 1],
    dispatch: grid1d(ceilDiv(o.N * o.k1 * o.b, 64)),
    cacheKey: `secondary_gating_grad_rows:noisy=${o.noisy}`,
    uniformData: u.data,
  };
}

/** d values per invocation of the weight-gradient kernel. */
const DCHUNK = 8;

/** Workgroups (of 64) per group of the sparse weight-gradient grid: ⌈⌈D/DCHUNK⌉·b / 64⌉. */
export function secondaryGatingGradWeightsGroupsPer(o: Pick<SecondaryGatingKernelOptions, 'D' | 'b'>): number {
  return Math.max(1, ceilDiv(ceilDiv(o.D, DCHUNK) * o.b, 64));
}

/**
 * Weight gradients of the secondary gating (one invocation per (g, DCHUNK values of d, j)): dwg2 = Σ_{q in group g}
 * x[r(q),d]·dC[q,j] and (noisy) dwn2 with dR, over the group-sorted pairs of
 * compiler/wgsl/hierarchical-groups.ts in increasing q (the (r, s) order) — total work
 * O(N·k1·D·b + a·D·b): a group no row chose only writes its zeros. `sparse`: the grid runs over
 * the groups with pairs only (activeList [count, g0, g1, …] of groupOffsets, launched indirectly
 * with `secondaryGatingGradWeightsGroupsPer` workgroups per listed group) and the blocks of the
 * other groups are left unwritten — for gradients whose every reader skips them (the sparse group
 * update). Bindings: x, groupOffsets, groupPairs, [activeList], dC, [dR], dwg2, [dwn2], params.
 * Grid folded over 65535.
 */
export function secondaryGatingGradWeightsKernel(o: SecondaryGatingKernelOptions, sparse = false): Kernel {
  const u = gatingUniforms(o);
  const bindings: KernelBinding[] = [
    { name: 'x', access: 'read' },
    { name: 'groupOffsets', access: 'read' },
    { name: 'groupPairs', access: 'read' },
    ...(sparse ? [{ name: 'activeList', access: 'read' } as const] : []),
    { name: 'dC', access: 'read' },
    ...(o.noisy ? [{ name: 'dR', access: 'read' } as const] : []),
    { name: 'dwg2', access: 'read_write' },
    ...(o.noisy ? [{ name: 'dwn2', access: 'read_write' } as const] : []),
    { name: 'params', access: 'uniform' },
  ];
  const per = secondaryGatingGradWeightsGroupsPer(o);
  const index = sparse
    ? `let w = wid.y * nwg.x + wid.x;
  let slot = w / ${per}u;
  if (slot >= u32(activeList[0])) { return; }
  let li = (w % ${per}u) * 64u + lt;
  if (li >= chunks * b) { return; }
  let g = u32(activeList[1u + slot]);
  let d0 = (li / b) * DC;
  let j = li % b;`
    : `let i = (wid.y * nwg.x + wid.x) * 64u + lt;
  if (i >= params.a * chunks * b) { return; }
  let g = i / (chunks * b);
  let d0 = ((i / b) % chunks) * DC;
  let j = i % b;`;
  const wgsl = /* wgsl */ `// secondary_gating_grad_weights noisy=${o.noisy} sparse=${sparse}
${u.struct}
${decls(bindings, ['groupOffsets', 'groupPairs', 'activeList'])}
const DC = ${DCHUNK}u; // d values per invocation: one read of dC (and dR) serves DC outputs
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let D = params.D;
  let b = params.b;
  let k1 = params.k1;
  let chunks = (D + DC - 1u) / DC;
  ${index}
  let dn = min(DC, D - d0);
  var accG: array<f32, ${DCHUNK}>;
  var accN: array<f32, ${DCHUNK}>;
  for (var u = 0u; u < DC; u++) { accG[u] = 0.0; accN[u] = 0.0; }
  let p1 = u32(groupOffsets[g + 1u]);
  for (var p = u32(groupOffsets[g]); p < p1; p++) {
    let q = u32(groupPairs[p]);
    let xr = (q / k1) * D + d0;
    let c = dC[q * b + j];
    ${o.noisy ? 'let rn = dR[q * b + j];' : ''}
    for (var u = 0u; u < dn; u++) {
      let xv = x[xr + u];
      accG[u] = fma(xv, c, accG[u]);
      ${o.noisy ? 'accN[u] = fma(xv, rn, accN[u]);' : ''}
    }
  }
  for (var u = 0u; u < dn; u++) {
    let w = (g * D + d0 + u) * b + j;
    dwg2[w] = accG[u];
    ${o.noisy ? 'dwn2[w] = accN[u];' : ''}
  }
}
`;
  return {
    name: 'secondary_gating_grad_weights',
    wgsl,
    bindings,
    workgroupSize: [64, 1, 1],
    dispatch: sparse ? grid1d(o.a * per) : grid1d(ceilDiv(o.a * ceilDiv(o.D, DCHUNK) * o.b, 64)),
    cacheKey: `secondary_gating_grad_weights:noisy=${o.noisy}:sparse=${sparse}:per=${per}`,
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
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let i = (wid.y * nwg.x + wid.x) * 64u + lt;
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
    dispatch: grid1d(ceilDiv(o.N * o.D, 64)),
    cacheKey: `secondary_gating_grad_input:noisy=${o.noisy}`,
    uniformData: u.data,
  };
}
