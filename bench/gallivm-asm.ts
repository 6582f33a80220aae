/**
 * Shows what lavapipe's JIT (Mesa gallivm, LLVM) makes of the loads a matmul's inner loop does —
 * the evidence behind bench/matmul-ceiling.ts. Compiles three tiny 8-invocation kernels, each a
 * k loop (64 steps, a run-time bound so LLVM keeps the loop) doing one fma per step, whose only difference is the load: (1) `a[k + wid.x]`, an
 * address every invocation shares, (2) `b[k * 8 + lid]` as vec4, one vec4 per lane (the B load of
 * the stream and subgroup matmuls), (3) an A value handed out with `subgroupBroadcast` from one
 * lane-loaded vec4 (the subgroup matmul's A). Re-runs itself with GALLIVM_DEBUG=asm and
 * MESA_SHADER_CACHE_DISABLE=true (this Mesa build honours both), cuts the compute shader's code
 * (`cs_co_variant`) out of the dump and counts its instructions by kind: bounds checks (`cmp` +
 * `jae`), per-lane inserts (`vpinsrd`, `vpblendd`), multiplies and adds (`vmulps`, `vaddps`: ffma
 * is not fused) and loop-mask blends (`vblendvps`). Writes bench/results/gallivm-asm.json and the
 * three listings to bench/results/gallivm-asm-<case>.s. Run: `npx tsx bench/gallivm-asm.ts`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { acquireDevice } from '../runtime/device.ts';
import { gitState } from './common.ts';

const CASES: Record<string, string> = {
  'shared-address': `@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> c: array<f32>;
@compute @workgroup_size(8)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  var acc = f32(lid);
  let K = min(arrayLength(&c), 64u); // a run-time bound: LLVM keeps the loop
  for (var k = 0u; k < K; k++) { acc = fma(a[k + wid.x], acc, 1.0); }
  c[lid] = acc;
}`,
  'per-lane-vec4': `@group(0) @binding(0) var<storage, read> b: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> c: array<f32>;
@compute @workgroup_size(8)
fn main(@builtin(local_invocation_index) lid: u32) {
  var acc = vec4<f32>(f32(lid));
  let K = min(arrayLength(&c), 64u);
  for (var k = 0u; k < K; k++) { acc = fma(b[k * 8u + lid], acc, vec4<f32>(1.0)); }
  c[lid] = dot(acc, vec4<f32>(1.0));
}`,
  'subgroup-broadcast': `enable subgroups;
@group(0) @binding(0) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> c: array<f32>;
@compute @workgroup_size(8)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(subgroup_invocation_id) sl: u32) {
  var acc = f32(lid);
  let K = min(arrayLength(&c), 64u);
  for (var k = 0u; k < K; k += 4u) {
    let al = a[(sl * 64u + k) / 4u];
    acc = fma(subgroupBroadcast(al[0], 3u), acc, 1.0);
    acc = fma(subgroupBroadcast(al[1], 3u), acc, 1.0);
    acc = fma(subgroupBroadcast(al[2], 3u), acc, 1.0);
    acc = fma(subgroupBroadcast(al[3], 3u), acc, 1.0);
  }
  c[lid] = acc;
}`,
};

const child = process.argv[2];
if (child !== undefined) {
  // Child: compile CASES[child] once (the JIT dump goes to stderr).
  const ctx = await acquireDevice();
  if (!ctx) process.exit(1);
  const dev = ctx.device;
  const module = dev.createShaderModule({ code: CASES[child]! });
  const pipeline = await dev.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const buf = (): GPUBuffer => dev.createBuffer({ size: 65536, usage: GPUBufferUsage.STORAGE });
  const bg = dev.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [0, 1].map((binding) => ({ binding, resource: { buffer: buf() } })) });
  const enc = dev.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bg);
  pass.dispatchWorkgroups(1);
  pass.end();
  dev.queue.submit([enc.finish()]);
  await dev.queue.onSubmittedWorkDone();
  process.exit(0);
}

const KINDS: Record<string, RegExp> = {
  'bounds check (cmp+jae)': /^jae$/,
  'per-lane insert (vpinsrd)': /^vpinsrd$/,
  'lane blend (vpblendd)': /^vpblendd$/,
  'lane mask test (kshiftrb)': /^kshiftrb$/,
  'multiply (vmulps)': /^vmulps$/,
  'add (vaddps)': /^vaddps$/,
  'fused fma (vfmadd*)': /^vfmadd/,
  'loop-mask blend (vblendvps)': /^vblendvps$/,
  'broadcast (vpbroadcastd/vbroadcastss)': /^v(p?broadcast(d|ss))$/,
  'lane extract (vpextrd/vextract*)': /^v(pextrd|extract)/,
};
const results: Record<string, unknown> = {};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
for (const name of Object.keys(CASES)) {
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), name], {
    env: { ...process.env, GALLIVM_DEBUG: 'asm', MESA_SHADER_CACHE_DISABLE: 'true' },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const text = r.stderr;
  const start = text.indexOf('\ncs_co_variant:');
  const end = text.indexOf('\ncs_co_variant.resume:', start);
  if (start < 0) throw new Error(`${name}: no cs_co_variant in the GALLIVM_DEBUG=asm dump (is this Mesa's llvmpipe?)`);
  const listing = text.slice(start + 1, end < 0 ? undefined : end);
  writeFileSync(new URL(`./results/gallivm-asm-${name}.s`, import.meta.url), listing + '\n');
  const ops = listing.split('\n').map((l) => l.split('\t')[1]?.trim() ?? '').filter((op) => op !== '');
  const counts: Record<string, number> = {};
  for (const [kind, re] of Object.entries(KINDS)) counts[kind] = ops.filter((op) => re.test(op)).length;
  results[name] = { wgsl: CASES[name], instructions: ops.length, counts };
  console.log(`${name}: ${ops.length} instructions; ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}
writeFileSync(new URL('./results/gallivm-asm.json', import.meta.url), JSON.stringify({ date: new Date().toISOString(), git: gitState(), cases: results }, null, 2) + '\n');
process.exit(0);
