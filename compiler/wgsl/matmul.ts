/**
 * Tiled matmul template: C[M,N] = A[M,K]·B[K,N] (+ bias[N]) (then relu), row-major f32.
 * A 64-thread workgroup computes a 64×64 tile of C, 8×8 outputs per thread held in registers
 * (thread (tx,ty) owns rows ty+8i and columns tx+8j, so neighbouring invocations touch
 * neighbouring columns — what lavapipe's SIMD-across-invocations wants); A and B are staged through
 * workgroup memory BK columns/rows at a time with zero fill past the edges, so any M, N, K work.
 * M, N, K live in the uniform, so one pipeline per (bias, relu) variant serves every shape.
 */
import { ceilDiv, uniformBlock, type Kernel, type KernelBinding } from './kernel.ts';

/** Options of the matmul template. */
export interface MatmulOptions {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  /** Add a bias row vector `bias[N]` (binding 'bias'). */
  readonly bias?: boolean;
  /** Apply max(·, 0) after the bias. */
  readonly relu?: boolean;
}

const TM = 64;
const TN = 64;
const TK = 16;

/** Matmul kernel; bindings: a, b, [bias], c, params. */
export function matmulKernel(o: MatmulOptions): Kernel {
  const bias = !!o.bias;
  const relu = !!o.relu;
  const u = uniformBlock([
    ['M', 'u32', o.M],
    ['N', 'u32', o.N],
    ['K', 'u32', o.K],
  ]);
  const bindings: KernelBinding[] = [
    { name: 'a', access: 'read' },
    { name: 'b', access: 'read' },
    ...(bias ? [{ name: 'bias', access: 'read' } as const] : []),
    { name: 'c', access: 'read_write' },
    { name: 'params', access: 'uniform' },
  ];
  const decls = bindings
    .map((b, i) =>
      b.access === 'uniform'
        ? `@group(0) @binding(${i}) var<uniform> params: Params;`
        : `@group(0) @binding(${i}) var<storage, ${b.access}> ${b.name}: array<f32>;`,
    )
    .join('\n');
  const wgsl = /* wgsl */ `// matmul${bias ? '+bias' : ''}${relu ? '+relu' : ''}
${u.struct}
${decls}

const TM = ${TM}u;
const TN = ${TN}u;
const TK = ${TK}u;
var<workgroup> As: array<f32, ${TK * TM}>; // [TK][TM], A tile transposed
var<workgroup> Bs: array<f32, ${TK * TN}>; // [TK][TN]

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let M = params.M;
  let N = params.N;
  let K = params.K;
  let m0 = wid.y * TM;
  let n0 = wid.x * TN;
  let tx = t % 8u;
  let ty = t / 8u;
  var acc: array<array<f32, 8>, 8>;
  for (var i = 0u; i < 8u; i++) { for (var j = 0u; j < 8u; j++) { acc[i][j] = 0.0; } }
  for (var k0 = 0u; k0 < K; k0 += TK) {
    for (var r = 0u; r < ${(TM * TK) / 64}u; r++) {
      let e = t + 64u * r;
      let row = e / TK;
      let kk = e % TK;
      let gm = m0 + row;
      let gk = k0 + kk;
      var v = 0.0;
      if (gm < M && gk < K) { v = a[gm * K + gk]; }
      As[kk * TM + row] = v;
    }
    for (var r = 0u; r < ${(TN * TK) / 64}u; r++) {
      let e = t + 64u * r;
      let kr = e / TN;
      let col = e % TN;
      let gk = k0 + kr;
      let gn = n0 + col;
      var v = 0.0;
      if (gk < K && gn < N) { v = b[gk * N + gn]; }
      Bs[kr * TN + col] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      var av: array<f32, 8>;
      var bv: array<f32, 8>;
      for (var i = 0u; i < 8u; i++) { av[i] = As[kk * TM + ty + 8u * i]; }
      for (var j = 0u; j < 8u; j++) { bv[j] = Bs[kk * TN + tx + 8u * j]; }
      for (var i = 0u; i < 8u; i++) {
        for (var j = 0u; j < 8u; j++) { acc[i][j] = fma(av[i], bv[j], acc[i][j]); }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 8u; i++) {
    let gm = m0 + ty + 8u * i;
    if (gm >= M) { continue; }
    for (var j = 0u; j < 8u; j++) {
      let gn = n0 + tx + 8u * j;
      if (gn >= N) { continue; }
      var v = acc[i][j];
      ${bias ? 'v = v + bias[gn];' : ''}
      ${relu ? 'v = max(v, 0.0);' : ''}
      c[gm * N + gn] = v;
    }
  }
}
`;
  return {
    name: `matmul${bias ? '_bias' : ''}${relu ? '_relu' : ''}`,
    wgsl,
    bindings,
    workgroupSize: [64, 1, 1],
    dispatch: [ceilDiv(o.N, TN), ceilDiv(o.M, TM), 1],
    cacheKey: `matmul:bias=${bias}:relu=${relu}:${TM}x${TN}x${TK}`,
    uniformData: u.data,
  };
}
