/**
 * The canonical batch-chunk GEMM's two ways to combine its chunks (compiler/wgsl/reduce-chunks.ts), on one WebGPU
 * device at the example's shapes (rows 8 × 32, C = 8): one workgroup per chunk writing 8 partials and then the tree
 * kernel ("partials"), against one workgroup per tile walking the 8 chunks and adding them by the binary counter in
 * registers ("counter", no partial buffers). Each sample submits a side `reps` times and waits; the sides alternate
 * per sample (also 2 and 4 groups of chunks, each by the counter, then the tree over the groups). Prints per-call
 * medians, the median paired ratios to "partials", and loadavg.
 * `npx tsx bench/chunk-tree.ts [--samples 15] [--reps 10]`.
 */
import { loadavg } from 'node:os';
import { chunkGemmTnKernel, chunkTreeKernel } from '../compiler/wgsl/reduce-chunks.ts';
import { acquireDevice } from '../runtime/device.ts';
import { createPipelineCache } from '../runtime/gpu/pipelines.ts';
import type { KernelStep } from '../runtime/gpu/run.ts';
import { median, prepareWarm } from './common.ts';

let samples = 15;
let reps = 10;
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === '--samples') samples = Number(process.argv[++i]);
  else if (process.argv[i] === '--reps') reps = Number(process.argv[++i]);
}
const gpu = await acquireDevice();
if (!gpu) throw new Error('bench/chunk-tree.ts: no WebGPU adapter');
const cache = createPipelineCache(gpu);
const { device } = gpu;
const buffer = (n: number, data?: Float32Array): GPUBuffer => {
  const b = device.createBuffer({ size: Math.max(4, n * 4), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
  if (data) device.queue.writeBuffer(b, 0, data);
  return b;
};
const random = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 0.5);
const g = { P: 32, w: 4, Cl: 8, T: 8 };
const rows = g.T * g.P;
const load0 = loadavg();
for (const [name, Ka, Nb] of [['output projection dw', 64, 1000], ['LSTM dW', 64, 256]] as const) {
  const a = buffer(rows * Ka, random(rows * Ka));
  const b = buffer(rows * Nb, random(rows * Nb));
  const res = buffer(Ka * Nb);
  const parts = buffer(g.Cl * Ka * Nb);
  const partials: KernelStep[] = [
    { kernel: chunkGemmTnKernel({ Ka, Nb }, g), buffers: { a, b, out: parts } },
    { kernel: chunkTreeKernel({ n: Ka * Nb, Cl: g.Cl }), buffers: { partials: parts, out: res } },
  ];
  const counter: KernelStep[] = [{ kernel: chunkGemmTnKernel({ Ka, Nb }, g, { groups: 1 }), buffers: { a, b, out: res } }];
  const grouped = (G: number): KernelStep[] => [
    { kernel: chunkGemmTnKernel({ Ka, Nb }, g, { groups: G }), buffers: { a, b, out: parts } },
    { kernel: chunkTreeKernel({ n: Ka * Nb, Cl: G }), buffers: { partials: parts, out: res } },
  ];
  const sides = await Promise.all([partials, counter, grouped(2), grouped(4)].map(async (steps) => ({ batch: (await prepareWarm(cache, gpu, steps)).batch, ms: [] as number[] })));
  for (let s = 0; s < samples; s++) {
    for (const side of s % 2 === 0 ? sides : [...sides].reverse()) {
      const t0 = performance.now();
      side.batch.submit(reps);
      await device.queue.onSubmittedWorkDone();
      side.ms.push((performance.now() - t0) / reps);
    }
  }
  const [p, c, g2, g4] = sides as [typeof sides[0], typeof sides[0], typeof sides[0], typeof sides[0]];
  const vs = (x: typeof p): string => `${median(x.ms).toFixed(2)} ms (${median(x.ms.map((m, i) => m / p.ms[i]!)).toFixed(3)})`;
  console.log(`${name} [${Ka}, ${Nb}]: partials ${median(p.ms).toFixed(2)} ms; median paired ratios to it: counter ${vs(c)}, 2 groups ${vs(g2)}, 4 groups ${vs(g4)}`);
  for (const side of sides) side.batch.release();
}
console.log(`loadavg ${load0.map((x) => x.toFixed(1)).join(' ')} -> ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
device.destroy();
