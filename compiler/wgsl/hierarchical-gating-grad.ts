/**
 * WGSL gradient kernels of the hierarchical MoE's secondary gating (the vjp of `secondaryGating`):
 * a per-(row, slot, j) kernel for the softmax, noise and primary-gate part, a per-weight kernel
 * summing the pairs routed to its group in order (dwg2, dwn2; cost follows the rows routed, not
 * groups × rows) and a per-(row, d) kernel for dx. Deterministic: every sum runs in a fixed
 * order; every grid folds over 65535 and no kernel holds O(b) in workgroup memory.
 */
import { ceilDiv, FLAT_WORKGROUP_WGSL, grid1d, type Kernel } from './kernel.ts';
import { SOFTPLUS_WGSL } from './gating-snippets.ts';
import { philoxWgsl } from './philox.ts';
import { defineProgram, type ElementType, type Program } from './program.ts';
import { readOnly, readWrite, SECONDARY_UNIFORMS, secondaryUniformValues, secondaryVec4, type SecondaryGatingKernelOptions } from './hierarchical-gating.ts';

/**
 * WGSL shared by both forms of the row-gradient kernel (pair q known): the pair's group, the
 * softmax over its top k2 (max m, sum) and dprimaryGates' terms dp = Σ dgates·softmax and
 * dot = Σ softmax·dgates·pg.
 */
const PAIR_SOFTMAX = /* wgsl */ `  let D = params.D;
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
  }`;

/**
 * Gradient of the secondary gating, one invocation per (row, slot, j) (each recomputes the
 * k2-wide softmax of its pair, no workgroup memory): dprimaryGates (written by j = 0), and the
 * logit gradients dC = dnoisy + dclean2 and (noisy) dR = (dnoisy·z + dsigma2)·sigmoid(x·wn2[g])
 * in training (0 in evaluation) into scratch [N,k1,b]; the Philox draw z is made only where
 * dnoisy ≠ 0 (the pair's top k2), the other b − k2 columns take dR = dsigma2·sigmoid(x·wn2[g]). Bindings: x, [wn2, normTables],
 * primaryIndices, primaryGates, topValues, localIndices, dgates, dclean, dsigma, dprimaryGates,
 * dC, [dR], params. Grid folded over 65535. The program of `o`'s variant (noise, vec4 form and
 * its lanes; the rest are uniforms): build it once and pack each run's `secondaryUniformValues`
 * with its `uniformData`; `secondaryGatingGradRowsKernel` dispatches it.
 */
export function secondaryGatingGradRowsProgram(o: SecondaryGatingKernelOptions): Program<typeof SECONDARY_UNIFORMS> {
  const v4 = secondaryVec4(o);
  const vt: ElementType = v4 ? 'vec4<f32>' : 'f32';
  const bindings = {
    x: readOnly(),
    ...(o.noisy ? { wn2: readOnly(vt), normTables: readOnly() } : {}),
    primaryIndices: readOnly('i32'),
    primaryGates: readOnly(),
    topValues: readOnly(),
    localIndices: readOnly('i32'),
    dgates: readOnly(),
    dclean: readOnly(vt),
    dsigma: readOnly(vt),
    dprimaryGates: readWrite(),
    dC: readWrite(vt),
    ...(o.noisy ? { dR: readWrite(vt) } : {}),
  };
  const source = v4 ? rowsVec4Source(o) : /* wgsl */ `// noisy=${o.noisy}
${FLAT_WORKGROUP_WGSL}
${o.noisy ? philoxWgsl() : ''}
${SOFTPLUS_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let i = flat_workgroup(wid, nwg) * 64u + lt;
  let k1 = params.k1;
  let b = params.b;
  if (i >= params.N * k1 * b) { return; }
  let q = i / b;
  let j = i % b;
  let r = q / k1;
  let s = q % k1;
${PAIR_SOFTMAX}
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
  return defineProgram({ name: 'secondary_gating_grad_rows', bindings, uniforms: SECONDARY_UNIFORMS, workgroupSize: 64, source });
}

/** The row-gradient kernel of the secondary gating (`secondaryGatingGradRowsProgram`), one invocation per (row, slot, j) or per four j. */
export function secondaryGatingGradRowsKernel(o: SecondaryGatingKernelOptions): Kernel {
  return secondaryGatingGradRowsProgram(o).kernel(secondaryVec4(o) ? rowsVec4Grid(o) : grid1d(ceilDiv(o.N * o.k1 * o.b, 64)), secondaryUniformValues(o));
}

/** Grid of the vec4 row-gradient kernel: every pair's lanes (`rowsVec4Layout`). */
function rowsVec4Grid(o: SecondaryGatingKernelOptions): [number, number, number] {
  const { lanes, chunks } = rowsVec4Layout(o.b);
  return grid1d(lanes === 64 ? o.N * o.k1 * chunks : ceilDiv(o.N * o.k1, 64 / lanes));
}

/**
 * Lanes per (row, slot) pair of the vec4 row-gradient kernel (b/4 rounded up to a power of two,
 * at most 64) and, at 64, workgroups per pair.
 */
function rowsVec4Layout(b: number): { lanes: number; chunks: number } {
  const b4 = b / 4;
  let lanes = 1;
  while (lanes < b4 && lanes < 64) lanes *= 2;
  return { lanes, chunks: Math.max(1, ceilDiv(b4, 64)) };
}

/**
 * WGSL of `secondaryGatingGradRowsKernel` with four experts per invocation (b a multiple of 4):
 * the pair's softmax terms once for the four, vec4 loads and stores of the [N,k1,b] rows and wn2,
 * and per expert the same operations in the same order as the scalar form (same bits).
 */
function rowsVec4Source(o: SecondaryGatingKernelOptions): string {
  const { lanes, chunks } = rowsVec4Layout(o.b);
  // With 64 lanes per pair the pair index comes from the workgroup id alone: its loads (x, the
  // softmax terms, wn2's row base) are workgroup-uniform (on Mesa 25's llvmpipe still a per-lane gather: bench/gallivm-asm.ts).
  const index = lanes === 64
    ? `let w = flat_workgroup(wid, nwg);
  let q = w / ${chunks}u;
  let j4 = (w % ${chunks}u) * 64u + lt;`
    : `let q = flat_workgroup(wid, nwg) * ${64 / lanes}u + lt / ${lanes}u;
  let j4 = lt % ${lanes}u;`;
  return /* wgsl */ `// noisy=${o.noisy} vec4=true lanes=${lanes}
${FLAT_WORKGROUP_WGSL}
${o.noisy ? philoxWgsl() : ''}
${SOFTPLUS_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let k1 = params.k1;
  let b = params.b;
  let b4 = b / 4u;
  ${index}
  if (q >= params.N * k1 || j4 >= b4) { return; }
  let i = q * b4 + j4;
  let r = q / k1;
  let s = q % k1;
${PAIR_SOFTMAX}
  if (j4 == 0u) { dprimaryGates[q] = dp; }
  var dn = vec4<f32>(0.0);
  for (var u = 0u; u < k2; u++) {
    let li = u32(localIndices[q * k2 + u]);
    if (li / 4u == j4) {
      let sgu = exp(topValues[q * kt + u] - m) / sum;
      dn[li % 4u] += sgu * (dgates[q * k2 + u] * pg - dot);
    }
  }
  dC[i] = dn + dclean[i];
  ${o.noisy ? `var drv = vec4<f32>(0.0);
  if (params.train != 0u) {
    var acc = vec4<f32>(0.0);
    for (var d = 0u; d < D; d++) { acc = fma(vec4<f32>(x[r * D + d]), wn2[(g * D + d) * b4 + j4], acc); }
    let ds = dsigma[i];
    for (var c = 0u; c < 4u; c++) {
      // The noise only enters through dn, which is zero off the pair's top k2: draw it only there.
      var dz = 0.0;
      if (dn[c] != 0.0) { dz = dn[c] * normal_from_word(philox_word(params.seed, params.stream, params.step, r + params.rowOffset, s * b + j4 * 4u + c)); }
      drv[c] = (dz + ds[c]) * gs_sigmoid(acc[c]);
    }
  }
  dR[i] = drv;` : ''}
}
`;
}

/** d values per invocation of the weight-gradient kernel. */
const DCHUNK = 8;

/** Whether the weight-gradient kernel takes 4 d × 4 experts per invocation (vec4 loads and stores): D and b multiples of 4. */
function weightsVec4(o: Pick<SecondaryGatingKernelOptions, 'D' | 'b' | 'scalar'>): boolean {
  return secondaryVec4(o) && o.D % 4 === 0;
}

/** Invocations per group of the weight-gradient kernel: ⌈D/DCHUNK⌉·b, or (D/4)·(b/4) in the vec4 form. */
function weightsPerGroup(o: Pick<SecondaryGatingKernelOptions, 'D' | 'b' | 'scalar'>): number {
  return weightsVec4(o) ? (o.D / 4) * (o.b / 4) : ceilDiv(o.D, DCHUNK) * o.b;
}

/** Workgroups (of 64) per group of the sparse weight-gradient grid: ⌈invocations per group / 64⌉. */
export function secondaryGatingGradWeightsGroupsPer(o: Pick<SecondaryGatingKernelOptions, 'D' | 'b' | 'scalar'>): number {
  return Math.max(1, ceilDiv(weightsPerGroup(o), 64));
}

/**
 * WGSL of the weight-gradient kernel with 4 d × 4 experts per invocation (D, b multiples of 4):
 * invocation li of group g takes d0 = 4·(li / (b/4)) and experts 4·(li % (b/4)) … +3; per output
 * the same fma chain over the group's pairs in the same order as the scalar form (same bits).
 */
function weightsVec4Source(o: SecondaryGatingKernelOptions, sparse: boolean, per: number): string {
  const index = sparse
    ? `let w = flat_workgroup(wid, nwg);
  let slot = w / ${per}u;
  if (slot >= u32(activeList[0])) { return; }
  let li = (w % ${per}u) * 64u + lt;
  if (li >= (D / 4u) * b4) { return; }
  let g = u32(activeList[1u + slot]);`
    : `let i = flat_workgroup(wid, nwg) * 64u + lt;
  if (i >= params.a * (D / 4u) * b4) { return; }
  let g = i / ((D / 4u) * b4);
  let li = i % ((D / 4u) * b4);`;
  const acc = (v: string) => [0, 1, 2, 3].map((u) => `var ${v}${u} = vec4<f32>(0.0);`).join(' ');
  return /* wgsl */ `// noisy=${o.noisy} sparse=${sparse} vec4=true
${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let D = params.D;
  let b4 = params.b / 4u;
  let k1 = params.k1;
  ${index}
  let d0 = (li / b4) * 4u;
  let j4 = li % b4;
  ${acc('g')}
  ${o.noisy ? acc('n') : ''}
  let p1 = u32(groupOffsets[g + 1u]);
  for (var p = u32(groupOffsets[g]); p < p1; p++) {
    let q = u32(groupPairs[p]);
    let xr = (q / k1) * D + d0;
    let c = dC[q * b4 + j4];
    let x0 = vec4<f32>(x[xr]);
    let x1 = vec4<f32>(x[xr + 1u]);
    let x2 = vec4<f32>(x[xr + 2u]);
    let x3 = vec4<f32>(x[xr + 3u]);
    g0 = fma(x0, c, g0);
    g1 = fma(x1, c, g1);
    g2 = fma(x2, c, g2);
    g3 = fma(x3, c, g3);
    ${o.noisy ? `let rn = dR[q * b4 + j4];
    n0 = fma(x0, rn, n0);
    n1 = fma(x1, rn, n1);
    n2 = fma(x2, rn, n2);
    n3 = fma(x3, rn, n3);` : ''}
  }
  let o0 = (g * D + d0) * b4 + j4;
  dwg2[o0] = g0;
  dwg2[o0 + b4] = g1;
  dwg2[o0 + 2u * b4] = g2;
  dwg2[o0 + 3u * b4] = g3;
  ${o.noisy ? `dwn2[o0] = n0;
  dwn2[o0 + b4] = n1;
  dwn2[o0 + 2u * b4] = n2;
  dwn2[o0 + 3u * b4] = n3;` : ''}
}
`;
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
  const per = secondaryGatingGradWeightsGroupsPer(o);
  const v4 = weightsVec4(o);
  const vt: ElementType = v4 ? 'vec4<f32>' : 'f32';
  const bindings = {
    x: readOnly(),
    groupOffsets: readOnly('i32'),
    groupPairs: readOnly('i32'),
    ...(sparse ? { activeList: readOnly('i32') } : {}),
    dC: readOnly(vt),
    ...(o.noisy ? { dR: readOnly(vt) } : {}),
    dwg2: readWrite(vt),
    ...(o.noisy ? { dwn2: readWrite(vt) } : {}),
  };
  const index = sparse
    ? `let w = flat_workgroup(wid, nwg);
  let slot = w / ${per}u;
  if (slot >= u32(activeList[0])) { return; }
  let li = (w % ${per}u) * 64u + lt;
  if (li >= chunks * b) { return; }
  let g = u32(activeList[1u + slot]);
  let d0 = (li / b) * DC;
  let j = li % b;`
    : `let i = flat_workgroup(wid, nwg) * 64u + lt;
  if (i >= params.a * chunks * b) { return; }
  let g = i / (chunks * b);
  let d0 = ((i / b) % chunks) * DC;
  let j = i % b;`;
  const source = v4 ? weightsVec4Source(o, sparse, per) : /* wgsl */ `// noisy=${o.noisy} sparse=${sparse}
${FLAT_WORKGROUP_WGSL}
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
  const program = defineProgram({ name: 'secondary_gating_grad_weights', bindings, uniforms: SECONDARY_UNIFORMS, workgroupSize: 64, source });
  return program.kernel(sparse ? grid1d(o.a * per) : grid1d(ceilDiv(o.a * weightsPerGroup(o), 64)), secondaryUniformValues(o));
}

/**
 * Input gradient of the secondary gating (one thread per (r, d); in the vec4 form one workgroup
 * per row, invocations over d): dx = Σ_s Σ_j dC·wg2[g,d,j]
 * (+ dR·wn2[g,d,j]). Bindings: wg2, [wn2], primaryIndices, dC, [dR], dx, params.
 */
export function secondaryGatingGradInputKernel(o: SecondaryGatingKernelOptions): Kernel {
  const v4 = secondaryVec4(o);
  const vt: ElementType = v4 ? 'vec4<f32>' : 'f32';
  const bindings = {
    wg2: readOnly(vt),
    ...(o.noisy ? { wn2: readOnly(vt) } : {}),
    primaryIndices: readOnly('i32'),
    dC: readOnly(vt),
    ...(o.noisy ? { dR: readOnly(vt) } : {}),
    dx: readWrite(),
  };
  const chain = (s: string) => /* wgsl */ `for (var s = 0u; s < k1; s++) {
    let q = r * k1 + s;
    let g = u32(primaryIndices[q]);
    ${s}
  }`;
  const vec4Chain = chain(`// Experts four at a time (vec4 loads), the chain still in j order (dC then dR for each j).
    let b4 = b / 4u;
    for (var j4 = 0u; j4 < b4; j4++) {
      let c = dC[q * b4 + j4];
      let w = wg2[(g * D + d) * b4 + j4];
      ${o.noisy ? `let rr = dR[q * b4 + j4];
      let wn = wn2[(g * D + d) * b4 + j4];
      acc = fma(c.x, w.x, acc);
      acc = fma(rr.x, wn.x, acc);
      acc = fma(c.y, w.y, acc);
      acc = fma(rr.y, wn.y, acc);
      acc = fma(c.z, w.z, acc);
      acc = fma(rr.z, wn.z, acc);
      acc = fma(c.w, w.w, acc);
      acc = fma(rr.w, wn.w, acc);` : `acc = fma(c.x, w.x, acc);
      acc = fma(c.y, w.y, acc);
      acc = fma(c.z, w.z, acc);
      acc = fma(c.w, w.w, acc);`}
    }`);
  const scalarChain = chain(`for (var j = 0u; j < b; j++) {
      acc = fma(dC[q * b + j], wg2[(g * D + d) * b + j], acc);
      ${o.noisy ? 'acc = fma(dR[q * b + j], wn2[(g * D + d) * b + j], acc);' : ''}
    }`);
  // vec4 form: one workgroup per row, so the row's dC/dR loads are uniform (still per-lane gathers on Mesa 25's llvmpipe); invocations over d.
  const source = /* wgsl */ `// noisy=${o.noisy} vec4=${v4}
${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lt: u32) {
  let D = params.D;
  let b = params.b;
  let k1 = params.k1;
  ${v4 ? `let r = flat_workgroup(wid, nwg);
  if (r >= params.N) { return; }
  for (var d = lt; d < D; d += 64u) {
    var acc = 0.0;
    ${vec4Chain}
    dx[r * D + d] = acc;
  }` : `let i = flat_workgroup(wid, nwg) * 64u + lt;
  if (i >= params.N * D) { return; }
  let r = i / D;
  let d = i % D;
  var acc = 0.0;
  ${scalarChain}
  dx[i] = acc;`}
}
`;
  const program = defineProgram({ name: 'secondary_gating_grad_input', bindings, uniforms: SECONDARY_UNIFORMS, workgroupSize: 64, source });
  return program.kernel(v4 ? grid1d(o.N) : grid1d(ceilDiv(o.N * o.D, 64)), secondaryUniformValues(o));
}
