/**
 * The row-streaming matmul kernel (`MatmulTiling.stream`), written for lavapipe's execution model:
 * a workgroup's invocations run as the 8 SIMD lanes of LLVM-JITed CPU code and a storage load is a
 * loop over the lanes with a bound check per element (each vec4 load: one loop fetching 4 floats
 * per lane). Every invocation of a workgroup owns the same `rm` rows of C — the same A address in
 * every lane; this was written expecting gallivm to turn such loads into one scalar load and a
 * broadcast, but Mesa 25's gallivm does that only for compile-time-constant addresses
 * (bench/gallivm-asm.ts), so each A value is gathered 8 times; matmul-subgroup.ts avoids that —
 * and `rn / 4` quads of columns strided by the workgroup width (`tn / rn` invocations), read from B as vec4 when N is a multiple of 4 (the B
 * binding is then declared `array<vec4<f32>>`) and as four clamped scalars otherwise. No
 * workgroup memory and no barriers: each output is one in-order fma chain over k from 0 (or from
 * C's value when accumulating), the chain of the tiled kernel (its zero-filled k steps add +0),
 * so the bits are the tiled kernel's. Rows past M and column quads past N are clamped for the
 * loads and skipped by the stores, so any M, N, K work, including M = K = 0 swapped in through the
 * uniforms. Measured on lavapipe (2 cores, CPU time per GEMM, alternated): 1024³ ≈ 1.5× and
 * [4096,512]·[512,1024] ≈ 1.7× the tuned 64×256 tiled kernel with rm = 8, rn = 8 (8 to 32
 * invocations measured alike). Pipelines: one per variant, width class (one or two quads per
 * invocation) and B alignment (N % 4 = 0 or not); M, N, K stay uniforms.
 */
import { ceilDiv, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';
import type { MatmulOptions, MatmulTiling } from './matmul.ts';

/** The streaming matmul for `o` under stream tiling `t` (validated by the caller); bindings a, b, [bias], c, params. */
export function streamMatmulKernel(o: MatmulOptions & { readonly aOff?: number; readonly cOff?: number }, t: MatmulTiling): Kernel {
  const bias = !!o.bias;
  const relu = !!o.relu;
  const off = !!o.offsets;
  const transA = !!o.transA;
  const accumulate = !!o.accumulate;
  const R = t.rm;
  const Q = t.rn / 4; // column quads per invocation
  const WG = t.tn / t.rn;
  const b4 = o.N % 4 === 0; // B rows are whole vec4s: one vec4 load per quad
  const rows = [...Array(R).keys()];
  const quads = [...Array(Q).keys()];
  const aBase = (i: number): string => (transA ? `min(m0 + ${i}u, M - 1u)` : `min(m0 + ${i}u, M - 1u) * K`);
  const aAt = (i: number): string => `${off ? 'params.aOff + ' : ''}ar${i} + ${transA ? 'k * M' : 'k'}`;
  const bLoad = (j: number): string =>
    b4
      ? `b[k * N4 + bq${j}]`
      : `vec4<f32>(b[k * N + min(4u * bq${j}, N - 1u)], b[k * N + min(4u * bq${j} + 1u, N - 1u)], b[k * N + min(4u * bq${j} + 2u, N - 1u)], b[k * N + min(4u * bq${j} + 3u, N - 1u)])`;
  const { init, out } = streamEpilogueWgsl({ R, Q, bias, relu, off, accumulate });
  const step = [
    ...quads.map((j) => `let bv${j} = ${bLoad(j)};`),
    ...rows.flatMap((i) => [`let av${i} = vec4<f32>(a[${aAt(i)}]);`, ...quads.map((j) => `acc${i}_${j} = fma(av${i}, bv${j}, acc${i}_${j});`)]),
  ];
  const source = /* wgsl */ `// tile=${t.tm}x${t.tn}x${t.tk} reg=${t.rm}x${t.rn} vec4 stream${b4 ? '' : ' (N % 4 != 0: scalar B loads)'}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let M = params.M;
  let N = params.N;
  let K = params.K;
  let N4 = (N + 3u) / 4u; // column quads
  let m0 = wid.y * ${R}u;
  ${quads.map((j) => `let q${j} = wid.x * ${WG * Q}u + lid + ${WG * j}u;`).join('\n  ')}
  // Loads read row min(m, M - 1) and quad min(q, N4 - 1): in bounds; the stores skip what is past M or N.
  ${rows.map((i) => `let ar${i} = ${aBase(i)};`).join('\n  ')}
  ${quads.map((j) => `let bq${j} = min(q${j}, N4 - 1u);`).join('\n  ')}
  ${init.join('\n  ')}
  for (var k = 0u; k < K; k++) {
    ${step.join('\n    ')}
  }
${out.join('\n')}
}
`;
  const variant = `${bias ? '+bias' : ''}${relu ? '+relu' : ''}${off ? '+offsets' : ''}${transA ? '+transA' : ''}${accumulate ? '+acc' : ''}`;
  const program = defineProgram({
    name: `matmul${variant.replaceAll('+', '_')}`, // the tiled kernel's names: plans and profiles name the GEMM, the WGSL header the kernel
    bindings: {
      a: { access: 'read', type: 'f32' },
      b: { access: 'read', type: b4 ? 'vec4<f32>' : 'f32' },
      ...(bias ? { bias: { access: 'read', type: 'f32' } as const } : {}),
      c: { access: 'read_write', type: 'f32' },
    },
    uniforms: { M: 'u32', N: 'u32', K: 'u32', ...(off ? ({ aOff: 'u32', cOff: 'u32' } as const) : {}) },
    workgroupSize: WG,
    source,
  });
  const values: Record<string, number> = { M: o.M, N: o.N, K: o.K, ...(off ? { aOff: o.aOff ?? 0, cOff: o.cOff ?? 0 } : {}) };
  return program.kernel([ceilDiv(o.N, t.tn), ceilDiv(o.M, t.tm), 1], values as Parameters<typeof program.kernel>[1]);
}

/**
 * The accumulator declarations (zero, or C's values when accumulating) and the bounds-checked
 * stores (+bias, relu) of a streaming kernel whose invocation holds `R` rows × `Q` column quads as
 * `acc{i}_{j}` (vec4), with `m0`, `q{j}`, `M`, `N` in scope; shared with matmul-subgroup.ts.
 */
export function streamEpilogueWgsl(p: { readonly R: number; readonly Q: number; readonly bias: boolean; readonly relu: boolean; readonly off: boolean; readonly accumulate: boolean }): { init: string[]; out: string[] } {
  const { R, Q, bias, relu, off, accumulate } = p;
  const rows = [...Array(R).keys()];
  const quads = [...Array(Q).keys()];
  const out: string[] = [];
  for (const i of rows) {
    for (const j of quads) {
      out.push(`  if (m0 + ${i}u < M) {
    let gm = m0 + ${i}u;
    for (var e = 0u; e < 4u; e++) {
      let gn = 4u * q${j} + e;
      if (gn < N) {
        var v = acc${i}_${j}[e];
        ${bias ? 'v = v + bias[gn];' : ''}
        ${relu ? 'v = max(v, 0.0);' : ''}
        c[${off ? 'params.cOff + ' : ''}gm * N + gn] = v;
      }
    }
  }`);
    }
  }
  const init = accumulate
    ? rows.flatMap((i) =>
        quads.map(
          (j) => `var acc${i}_${j} = vec4<f32>(0.0);
  if (m0 + ${i}u < M) {
    for (var e = 0u; e < 4u; e++) {
      let gn = 4u * q${j} + e;
      if (gn < N) { acc${i}_${j}[e] = c[${off ? 'params.cOff + ' : ''}(m0 + ${i}u) * N + gn]; }
    }
  }`,
        ),
      )
    : rows.flatMap((i) => quads.map((j) => `var acc${i}_${j} = vec4<f32>(0.0);`));
  return { init, out };
}
