/**
 * What bounds a matmul's rate on this adapter (issue 13: "matmul 1024³ ≥ 40% of the FMA peak"): in
 * one process, alternating, the FMA peak kernel of `npm run bench` (bench/fma-peak.ts, its best
 * variant: 8 vec4 chains × workgroup 128) against 1024³ loop kernels that differ only in where the
 * operands come from, and against the real matmul kernels. Every loop kernel has the shape of the
 * subgroup streaming matmul (the subgroup form of compiler/wgsl/gemm/stream.ts): 8-invocation workgroups, 8 rows × 1
 * column quad per invocation (32 vec4 accumulators), k unrolled by 4, A handed out by
 * `subgroupBroadcast` from one vec4 load per lane; what varies is B: from registers (no load: the
 * fma ceiling of this loop shape), from the storage buffer (one vec4 per lane per k: the loop the
 * real kernel runs), from a 64 KiB uniform buffer (lavapipe gathers uniform-buffer elements without
 * per-lane branches: what a kernel streaming B through uniform windows could reach), and the
 * stream kernel's loop (A and B both per-lane storage loads). The loop kernels read 1024-wide
 * operands at the matmul's addresses but their results are not a GEMM (the uniform window wraps
 * every 16 k); the real kernels' results are checked by test/backend/matmul-*.test.ts.
 * Each side is timed by wall clock and by this process's CPU time spread over the host's cores
 * (lavapipe's threads run in-process: on a shared host CPU time tracks what a kernel costs).
 * Why B loads cost what they cost (read with GALLIVM_DEBUG=asm MESA_SHADER_CACHE_DISABLE=true, which
 * this Mesa build honours): gallivm takes the uniform-load path only for addresses that are
 * compile-time constants (`nir_src_is_always_uniform`), so every storage load in a loop — even
 * `a[wid.x * K + k]` — is a loop over the 8 lanes testing the lane's mask and the buffer bound per
 * element (≈ 8–10 instructions per 32-bit element), while one fma of a vec4 is 4 × (vmulps, vaddps)
 * plus a loop-mask vblendvps per loop-carried value. Run: `npx tsx bench/matmul-ceiling.ts [reps]`;
 * writes bench/results/matmul-ceiling.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { acquireDevice } from '../runtime/device.ts';
import { createPipelineCache } from '../runtime/gpu/pipelines.ts';
import { prepareKernels } from '../runtime/gpu/run.ts';
import { createBuffer, uploadBuffer } from '../runtime/gpu/buffers.ts';
import { matmulKernel, STREAM_MATMUL_TILING, subgroupTiling, type MatmulTiling } from '../compiler/wgsl/matmul.ts';
import { gitState, median, randArray, round } from './common.ts';

const REPS = Number(process.argv[2] ?? 5);
const S = 1024;
const ctx = await acquireDevice();
if (!ctx) {
  console.error('no WebGPU adapter');
  process.exit(1);
}
if (!ctx.device.features.has('subgroups')) {
  console.error('this adapter has no `subgroups` feature: the loop kernels here broadcast A with subgroupBroadcast');
  process.exit(1);
}
const dev = ctx.device;
const git = gitState();
const load0 = loadavg().map((x) => round(x, 2));

/** One timed side: a name, what it measures, its FLOPs and a function running it once (awaited). */
interface Side {
  readonly name: string;
  readonly what: string;
  readonly flops: number;
  readonly run: () => Promise<void>;
}

const A = uploadBuffer(ctx, randArray(S * S, 1, 1));
const B = uploadBuffer(ctx, randArray(S * S, 1, 2));
const C = createBuffer(ctx, S * S * 4);
const W = dev.createBuffer({ size: 65536, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
dev.queue.writeBuffer(W, 0, randArray(16384, 1, 3));

/** A raw WGSL side: compiled once, bound by the names it declares (a, b, c, w). */
async function rawSide(name: string, what: string, wgsl: string, grid: readonly [number, number], flops: number): Promise<Side> {
  const module = dev.createShaderModule({ code: wgsl });
  const errors = (await module.getCompilationInfo()).messages.filter((m) => m.type === 'error');
  if (errors.length > 0) throw new Error(`${name}: ${errors.map((m) => m.message).join('; ')}`);
  const pipeline = await dev.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const resources: Record<string, GPUBindingResource> = { a: { buffer: A }, b: { buffer: B }, c: { buffer: C }, w: { buffer: W } };
  const entries = [...wgsl.matchAll(/@binding\((\d+)\) var(?:<[^>]*>)? (\w+)/g)].map((m) => ({ binding: Number(m[1]), resource: resources[m[2]!]! }));
  const bindGroup = dev.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
  const run = async (): Promise<void> => {
    const enc = dev.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(grid[0], grid[1]);
    pass.end();
    dev.queue.submit([enc.finish()]);
    await dev.queue.onSubmittedWorkDone();
  };
  await run(); // JIT
  return { name, what, flops, run };
}

/** The FMA peak kernel of bench/fma-peak.ts (its best variant on lavapipe: 8 chains, workgroup 128). */
function fmaPeakWgsl(chains: number, wg: number): string {
  const acc = [...Array(chains).keys()];
  return `@group(0) @binding(0) var<storage, read_write> c: array<f32>;
@compute @workgroup_size(${wg})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s = f32(gid.x) * 1e-9;
  ${acc.map((i) => `var a${i} = vec4<f32>(s + ${i}.0);`).join('\n  ')}
  let m = vec4<f32>(0.999999);
  let cc = vec4<f32>(1e-7);
  for (var i = 0u; i < 2048u; i++) {
    ${acc.map((i) => `a${i} = fma(a${i}, m, cc);`).join('\n    ')}
  }
  c[gid.x] = ${acc.map((i) => `dot(a${i}, vec4<f32>(1.0))`).join(' + ')};
}`;
}

/**
 * A 1024³ loop kernel of the subgroup matmul's shape (8 rows × 1 quad per lane, k unrolled by 4):
 * `bFrom` 'register' | 'storage' | 'uniform'; `aFrom` 'subgroup' (one vec4 per lane per 4 k, broadcast) or 'lane' (every lane loads each row's value: the stream kernel's A).
 */
function loopWgsl(aFrom: 'subgroup' | 'lane', bFrom: 'register' | 'storage' | 'uniform'): string {
  const rows = [...Array(8).keys()];
  const us = [0, 1, 2, 3];
  const body: string[] = [];
  if (aFrom === 'subgroup') body.push('let al = a4[(lrow + k) / 4u];');
  // k step by k step, as the kernel does: B of step u is live only during its fmas.
  for (const u of us) {
    body.push(
      bFrom === 'storage' ? `let b${u} = b[(k + ${u}u) * N4 + q];` : bFrom === 'uniform' ? `let b${u} = w[((k + ${u}u) % 16u) * N4 + q];` : `let b${u} = br + vec4<f32>(${u}.0);`,
    );
    for (const i of rows) {
      body.push(`acc${i} = fma(vec4<f32>(${aFrom === 'subgroup' ? `subgroupBroadcast(al[${u}], ${i}u)` : `a1[(m0 + ${i}u) * K + k + ${u}u]`}), b${u}, acc${i});`);
    }
  }
  return `${aFrom === 'subgroup' ? 'enable subgroups;\n@group(0) @binding(0) var<storage, read> a4: array<vec4<f32>>;' : '@group(0) @binding(0) var<storage, read> a1: array<f32>;'}
${bFrom === 'storage' ? '@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>;' : ''}
${bFrom === 'uniform' ? '@group(0) @binding(3) var<uniform> w: array<vec4<f32>, 4096>;' : ''}
@group(0) @binding(2) var<storage, read_write> c: array<f32>;
@compute @workgroup_size(8)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32${aFrom === 'subgroup' ? ', @builtin(subgroup_invocation_id) sl: u32' : ''}) {
  let K = ${S}u;
  let N4 = ${S / 4}u;
  let m0 = wid.y * 8u;
  let q = wid.x * 8u + lid;
  ${aFrom === 'subgroup' ? 'let lrow = (m0 + sl) * K;' : ''}
  let br = vec4<f32>(f32(q));
  ${rows.map((i) => `var acc${i} = vec4<f32>(0.0);`).join('\n  ')}
  for (var k = 0u; k < K; k += 4u) {
    ${body.join('\n    ')}
  }
  c[m0 * N4 + q] = dot(${rows.map((i) => `acc${i}`).join(' + ')}, vec4<f32>(1.0));
}`;
}

// The variable names in the bind map: a4/a1 are the A buffer.
const aliasA = (w: string): string => w.replace(/var<storage, read> a4:/, 'var<storage, read> a:').replace(/a4\[/g, 'a[').replace(/var<storage, read> a1:/, 'var<storage, read> a:').replace(/a1\[/g, 'a[');

const sides: Side[] = [];
sides.push(await rawSide('fma peak', 'bench/fma-peak.ts best variant on lavapipe: 8 independent vec4 fma chains × 2048 iterations, workgroup 128, 256 workgroups', fmaPeakWgsl(8, 128), [256, 1], 256 * 128 * 2048 * 8 * 8));
const loopFlops = 2 * S * S * S;
const grid = [S / 32, S / 8] as const;
sides.push(await rawSide('loop: A subgroup, B register', 'the subgroup matmul loop with B from registers (no B load): the fma ceiling of this loop shape', aliasA(loopWgsl('subgroup', 'register')), grid, loopFlops));
sides.push(await rawSide('loop: A subgroup, B storage', 'the subgroup matmul loop as the real kernel runs it: B one vec4 per lane per k from the storage buffer', aliasA(loopWgsl('subgroup', 'storage')), grid, loopFlops));
sides.push(await rawSide('loop: A subgroup, B uniform', 'the same loop with B from a 64 KiB uniform buffer (wrapping every 16 k): lavapipe gathers uniform elements without per-lane branches', aliasA(loopWgsl('subgroup', 'uniform')), grid, loopFlops));
sides.push(await rawSide('loop: A lane, B storage', 'the stream kernel’s loop (every lane loads each row’s A value, B one vec4 per lane), k unrolled by 4', aliasA(loopWgsl('lane', 'storage')), grid, loopFlops));

/** A real matmul kernel at 1024³ under `tiling`. */
async function kernelSide(name: string, tiling: MatmulTiling): Promise<Side> {
  const cache = createPipelineCache(ctx!);
  const batch = await prepareKernels(cache, [{ kernel: matmulKernel({ M: S, N: S, K: S, tiling }), buffers: { a: A, b: B, c: C } }]);
  batch.submit(1);
  await dev.queue.onSubmittedWorkDone();
  return {
    name,
    what: `matmulKernel 1024³ under ${JSON.stringify(tiling)}`,
    flops: loopFlops,
    run: async () => {
      batch.submit(1);
      await dev.queue.onSubmittedWorkDone();
    },
  };
}
sides.push(await kernelSide('matmul: stream (untuned default)', STREAM_MATMUL_TILING));
sides.push(await kernelSide('matmul: subgroup 8x1 k4', subgroupTiling(8, 1, 4)));
sides.push(await kernelSide('matmul: subgroup 8x2 k4', subgroupTiling(8, 2, 4)));

// Wall clock, and this process's CPU time spread over the host's cores (lavapipe's threads run
// in-process, so CPU time is what a kernel costs whatever share of the shared cores it got).
const times = sides.map(() => [] as number[]);
const cpuTimes = sides.map(() => [] as number[]);
for (let r = 0; r < REPS; r++) {
  const order = r % 2 ? [...sides.keys()].reverse() : [...sides.keys()];
  for (const i of order) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await sides[i]!.run();
    times[i]!.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuTimes[i]!.push((c.user + c.system) / 1000 / cpus().length);
  }
}
const peak = sides[0]!.flops / median(times[0]!) / 1e6;
const cpuPeak = sides[0]!.flops / median(cpuTimes[0]!) / 1e6;
const rows = sides.map((s, i) => {
  const ms = median(times[i]!);
  const cpuMs = median(cpuTimes[i]!);
  const gflops = s.flops / ms / 1e6;
  const cpuGflops = s.flops / cpuMs / 1e6;
  return {
    name: s.name,
    what: s.what,
    ms: round(ms, 1),
    gflops: round(gflops, 2),
    ofPeak: round(gflops / peak, 3),
    cpuMs: round(cpuMs, 1),
    cpuGflops: round(cpuGflops, 2),
    cpuOfPeak: round(cpuGflops / cpuPeak, 3),
    samplesMs: times[i]!.map((t) => round(t, 1)),
  };
});
const load1 = loadavg().map((x) => round(x, 2));
console.log(`${ctx.info.description}\ncommit ${git.commit}${git.modified.length ? ' (modified)' : ''}, loadavg ${load0.join(' ')} → ${load1.join(' ')}, median of ${REPS}, sides alternated`);
for (const r of rows) console.log(`  ${r.name.padEnd(34)} ${String(r.ms).padStart(8)} ms ${String(r.gflops).padStart(7)} GFLOP/s ${(100 * r.ofPeak).toFixed(1).padStart(5)}% of the FMA peak | CPU ${String(r.cpuMs).padStart(7)} ms ${String(r.cpuGflops).padStart(7)} GFLOP/s ${(100 * r.cpuOfPeak).toFixed(1).padStart(5)}%`);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/matmul-ceiling.json', import.meta.url),
  JSON.stringify({ date: new Date().toISOString(), adapter: ctx.info.description, git, reps: REPS, loadavg: { start: load0, end: load1 }, timing: 'one submit awaited: wall clock, and this process’s CPU time / host cores (cpu*); medians; all sides alternated in one process', rows }, null, 2) + '\n',
);
process.exit(0);
