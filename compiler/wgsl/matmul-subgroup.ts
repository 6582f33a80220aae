/**
 * The subgroup row-streaming matmul (`MatmulTiling.subgroup`), for adapters with the WGSL
 * `subgroups` feature. Like the row-streaming kernel (matmul-stream.ts) every invocation of an
 * 8-invocation workgroup owns the same `rm` (≤ 8) rows of C and `rn / 4` column quads, B read per
 * lane as vec4s; unlike it, the A operands are not loaded by every lane: lavapipe (Mesa 25's
 * gallivm) treats a storage load as uniform only when its address is a compile-time constant
 * (`nir_src_is_always_uniform`), so the stream kernel's `a[row·K + k]` was a per-lane gather of one
 * value 8 times over — about ten instructions a lane with bounds checks. Here lane l loads row
 * m0 + l's next `tk` values of A (one vec4 when K % 4 = 0 and A is neither transposed nor offset,
 * else `tk` scalars) and `subgroupBroadcast` hands row i's value to every lane (an extract and a
 * broadcast on lavapipe). The k loop is unrolled by `tk` (the fma results of the inner steps stay
 * SSA values, so lavapipe's loop-mask blend runs once per `tk` fmas). Each output is still one
 * in-order fma chain over k from 0 (or from C when accumulating): the bits of the other kernels.
 * The subgroup path needs a subgroup of at least 8 invocations holding the whole workgroup; on a
 * smaller subgroup (`subgroup_size` < 8) the kernel runs every k in the plain per-lane loop instead,
 * so it is correct on any adapter, only not faster. Rows past M and quads past N are clamped for
 * loads and skipped by the stores (matmul-stream.ts's epilogue), so any M, N, K work.
 * Measured against the FMA peak and the stream kernel by bench/matmul-ceiling.ts (bench/results/matmul-ceiling.json).
 */
import { ceilDiv, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';
import type { MatmulOptions, MatmulTiling } from './matmul.ts';
import { streamEpilogueWgsl } from './matmul-stream.ts';

/** The subgroup streaming matmul for `o` under tiling `t` (validated by the caller); bindings a, b, [bias], c, params. */
export function subgroupMatmulKernel(o: MatmulOptions & { readonly aOff?: number; readonly cOff?: number }, t: MatmulTiling): Kernel {
  const bias = !!o.bias;
  const relu = !!o.relu;
  const off = !!o.offsets;
  const transA = !!o.transA;
  const accumulate = !!o.accumulate;
  const R = t.rm;
  const Q = t.rn / 4;
  const U = t.tk;
  const WG = t.tn / t.rn; // 8, checked by matmulTilingError
  const b4 = o.N % 4 === 0;
  const a4 = !transA && !off && o.K % 4 === 0 && U % 4 === 0; // lane's A row read as vec4s along k
  const rows = [...Array(R).keys()];
  const quads = [...Array(Q).keys()];
  const steps = [...Array(U).keys()];
  const aOffs = off ? 'params.aOff + ' : '';
  const aAt = (base: string, k: string): string => `${aOffs}${base} + ${transA ? `(${k}) * M` : k}`;
  // One A element: with a4 the binding is array<vec4<f32>> (K % 4 = 0, no offset), so element i is a[i / 4][i % 4].
  const aElem = (idx: string): string => (a4 ? `a[(${idx}) / 4u][(${idx}) % 4u]` : `a[${idx}]`);
  const bLoad = (k: string, j: number): string =>
    b4
      ? `b[(${k}) * N4 + bq${j}]`
      : `vec4<f32>(${[0, 1, 2, 3].map((e) => `b[(${k}) * N + min(4u * bq${j} + ${e}u, N - 1u)]`).join(', ')})`;
  // The subgroup step: U k values, A from lane-loaded rows via subgroupBroadcast.
  const fast: string[] = [];
  if (a4) {
    for (let v = 0; v < U / 4; v++) fast.push(`let al${v} = a[(lrow + k + ${4 * v}u) / 4u];`);
  } else {
    for (const u of steps) fast.push(`let al_${u} = ${aElem(aAt('lrow', `k + ${u}u`))};`);
  }
  const alOf = (u: number): string => (a4 ? `al${Math.floor(u / 4)}[${u % 4}]` : `al_${u}`);
  // k step by k step: B's quads of step u are live only while step u's fmas run (fewer spills).
  for (const u of steps) {
    fast.push(...quads.map((j) => `let bv${u}_${j} = ${bLoad(`k + ${u}u`, j)};`));
    for (const i of rows) {
      fast.push(`let av${i}_${u} = vec4<f32>(subgroupBroadcast(${alOf(u)}, ${i}u));`);
      fast.push(...quads.map((j) => `acc${i}_${j} = fma(av${i}_${u}, bv${u}_${j}, acc${i}_${j});`));
    }
  }
  // The plain step (k tail, or every k on a subgroup smaller than 8): every lane reads A itself.
  const slow = [
    ...quads.map((j) => `let bv${j} = ${bLoad('k', j)};`),
    ...rows.flatMap((i) => [`let av${i} = vec4<f32>(${aElem(aAt(`ar${i}`, 'k'))});`, ...quads.map((j) => `acc${i}_${j} = fma(av${i}, bv${j}, acc${i}_${j});`)]),
  ];
  const { init, out } = streamEpilogueWgsl({ R, Q, bias, relu, off, accumulate });
  const source = /* wgsl */ `// tile=${t.tm}x${t.tn}x${t.tk} reg=${t.rm}x${t.rn} subgroup stream${a4 ? ' (A as vec4)' : ''}${b4 ? '' : ' (N % 4 != 0: scalar B loads)'}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32, @builtin(subgroup_invocation_id) sl: u32, @builtin(subgroup_size) ss: u32) {
  let M = params.M;
  let N = params.N;
  let K = params.K;
  let N4 = (N + 3u) / 4u; // column quads
  let m0 = wid.y * ${R}u;
  ${quads.map((j) => `let q${j} = wid.x * ${WG * Q}u + lid + ${WG * j}u;`).join('\n  ')}
  // Loads read row min(m, M - 1) and quad min(q, N4 - 1): in bounds; the stores skip what is past M or N.
  ${rows.map((i) => `let ar${i} = ${transA ? `min(m0 + ${i}u, M - 1u)` : `min(m0 + ${i}u, M - 1u) * K`};`).join('\n  ')}
  // This lane's A row for the subgroup path: row m0 + min(sl, ${R - 1}).
  let lrow = ${transA ? `min(m0 + min(sl, ${R - 1}u), M - 1u)` : `min(m0 + min(sl, ${R - 1}u), M - 1u) * K`};
  ${quads.map((j) => `let bq${j} = min(q${j}, N4 - 1u);`).join('\n  ')}
  ${init.join('\n  ')}
  // Subgroup steps cover k < kFast (a multiple of ${U}); none when the subgroup is smaller than the workgroup.
  let kFast = select(0u, K - K % ${U}u, ss >= ${WG}u);
  var k = 0u;
  for (; k < kFast; k += ${U}u) {
    ${fast.join('\n    ')}
  }
  for (; k < K; k++) {
    ${slow.join('\n    ')}
  }
${out.join('\n')}
}
`;
  const variant = `${bias ? '+bias' : ''}${relu ? '+relu' : ''}${off ? '+offsets' : ''}${transA ? '+transA' : ''}${accumulate ? '+acc' : ''}`;
  const program = defineProgram({
    name: `matmul${variant.replaceAll('+', '_')}`,
    bindings: {
      a: { access: 'read', type: a4 ? 'vec4<f32>' : 'f32' },
      b: { access: 'read', type: b4 ? 'vec4<f32>' : 'f32' },
      ...(bias ? { bias: { access: 'read', type: 'f32' } as const } : {}),
      c: { access: 'read_write', type: 'f32' },
    },
    uniforms: { M: 'u32', N: 'u32', K: 'u32', ...(off ? ({ aOff: 'u32', cOff: 'u32' } as const) : {}) },
    workgroupSize: WG,
    source,
  });
  const values: Record<string, number> = { M: o.M, N: o.N, K: o.K, ...(off ? { aOff: o.aOff ?? 0, cOff: o.cOff ?? 0 } : {}) };
  const k = program.kernel([ceilDiv(o.N, t.tn), ceilDiv(o.M, t.tm), 1], values as Parameters<typeof program.kernel>[1]);
  // The enable directive must precede every declaration, so it goes in front of the generated module.
  return { ...k, wgsl: `enable subgroups;\n${k.wgsl}`, cacheKey: `${k.cacheKey}:subgroups` };
}
