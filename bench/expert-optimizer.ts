/**
 * The optimizer kernels alone, dense vs sparse expert updates (`npx tsx bench/expert-optimizer.ts
 * [--quick]`): factored Adam (β1 = 0, the default optimizer) of one expert bank w1 [n, D, H] per
 * step, the old dense `factoredAdamUpdate` (every expert, every step) against
 * `expertFactoredAdamUpdate` (the active-expert list from the dispatch offsets, indirect grids over
 * the experts with rows, catch-up of skipped decay) — each compiled to a WebGPU plan whose
 * gradient and offsets stay on the device (no upload per run), each run one submit awaited with
 * onSubmittedWorkDone. Routing: N rows × k = 4 distinct uniform experts. Configurations: n = 16 and
 * n = 1024 with 4096 routed (row, expert) pairs at D = 64 (H = 1024 at 16 experts; H = 512 at 1024
 * experts, since [1024, 64, 1024] f32 is 256 MiB, over the 128 MiB storage-binding limit), and the
 * hierarchical regime n = 16384, D = 16, H = 64 with 1024 routed pairs. The two sides alternate
 * run by run after a warm-up; medians and the host load average are written to
 * bench/results/expert-optimizer(-quick).json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { lowerToWebGpu } from '../compiler/lower/index.ts';
import { GraphBuilder, type Graph } from '../ir/graph.ts';
import type { Tensor } from '../ir/tensor.ts';
import { tensorType } from '../ir/types.ts';
import { acquireDevice, type DeviceContext } from '../runtime/device.ts';
import { prepareWebGpuPlan, type WebGpuExecutable } from '../runtime/webgpu-executor.ts';
import { hostLoad, median, randArray, round } from './common.ts';

interface Config {
  readonly n: number;
  readonly D: number;
  readonly H: number;
  readonly pairs: number;
}

const K = 4;
const zeros = { kind: 'zeros' } as const;

/** Dispatch offsets of `pairs` (row, expert) pairs: pairs/K rows, each K distinct uniform experts. */
function routedOffsets(n: number, pairs: number, seed: number): Int32Array {
  let a = seed >>> 0;
  const next = () => ((a = (Math.imul(a, 1664525) + 1013904223) >>> 0) / 4294967296);
  const counts = new Int32Array(n);
  for (let row = 0; row < pairs / K; row++) {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(K, n)) chosen.add(Math.floor(next() * n));
    for (const e of chosen) counts[e]!++;
  }
  const off = new Int32Array(n + 1);
  for (let e = 0; e < n; e++) off[e + 1] = off[e]! + counts[e]!;
  return off;
}

/** The update of w1 [n, D, H] from a persistent gradient, dense or sparse. */
function updateGraph(c: Config, sparse: boolean): Graph {
  const b = new GraphBuilder();
  const shape = [c.n, c.D, c.H];
  const w = b.addInput('w1', tensorType('f32', shape), 'param', zeros);
  const g = b.addInput('g', tensorType('f32', shape), 'state', zeros);
  const vr = b.addInput('vr', tensorType('f32', [c.n, c.D]), 'state', zeros);
  const vc = b.addInput('vc', tensorType('f32', [c.n, c.H]), 'state', zeros);
  const hp = { lr: 0.01, beta2: 0.999, clip: 1 };
  if (sparse) {
    const last = b.addInput('last', tensorType('i32', [c.n]), 'state', zeros);
    const off = b.addInput('offsets', tensorType('i32', [c.n + 1]), 'state', zeros);
    b.setOutput('w1', b.addNode('expertFactoredAdamUpdate', hp, [w, g, vr, vc, last, off])[0]!);
  } else {
    b.setOutput('w1', b.addNode('factoredAdamUpdate', hp, [w, g, vr, vc])[0]!);
  }
  return b.finish();
}

async function prepare(dev: DeviceContext, c: Config, sparse: boolean, offsets: Int32Array): Promise<{ exe: WebGpuExecutable; dispatches: number }> {
  const graph = updateGraph(c, sparse);
  const plan = lowerToWebGpu(graph, dev.device.limits);
  const exe = await prepareWebGpuPlan(dev, plan);
  const size = c.n * c.D * c.H;
  const f32 = (shape: number[], data: Float32Array): Tensor => ({ type: tensorType('f32', shape), data });
  const params: Record<string, Tensor> = {
    w1: f32([c.n, c.D, c.H], randArray(size, 0.1, 1)),
    g: f32([c.n, c.D, c.H], randArray(size, 0.01, 2)),
    vr: f32([c.n, c.D], new Float32Array(c.n * c.D)),
    vc: f32([c.n, c.H], new Float32Array(c.n * c.H)),
  };
  if (sparse) {
    params.last = { type: tensorType('i32', [c.n]), data: new Int32Array(c.n) };
    params.offsets = { type: tensorType('i32', [c.n + 1]), data: offsets };
  }
  exe.setParams(params);
  return { exe, dispatches: plan.steps.reduce((a, s) => a + s.dispatches.length, 0) };
}

const quick = process.argv.includes('--quick');
const configs: Config[] = quick
  ? [
      { n: 16, D: 64, H: 256, pairs: 1024 },
      { n: 256, D: 64, H: 64, pairs: 1024 },
    ]
  : [
      { n: 16, D: 64, H: 1024, pairs: 4096 },
      { n: 1024, D: 64, H: 512, pairs: 4096 },
      { n: 16384, D: 16, H: 64, pairs: 1024 },
    ];
const runs = quick ? 5 : 7;
const dev = await acquireDevice();
if (!dev) {
  console.error('bench: no WebGPU adapter');
  process.exit(1);
}
const loadStart = hostLoad();
console.log(`adapter ${dev.info.backend}: ${dev.info.description}; loadavg ${loadStart.loadavg.join(' ')}`);
const results = [];
for (const c of configs) {
  const offsets = routedOffsets(c.n, c.pairs, 7);
  const active = Array.from({ length: c.n }, (_, e) => offsets[e + 1]! > offsets[e]!).filter(Boolean).length;
  const sides = [await prepare(dev, c, false, offsets), await prepare(dev, c, true, offsets)];
  const samples: number[][] = [[], []];
  let step = 0;
  // No output is read (a readback of the bank would dominate): wait for the queue instead.
  const once = async (i: number) => {
    await sides[i]!.exe.run({}, { seed: 0, step: step++, training: true }, []);
    await dev.device.queue.onSubmittedWorkDone();
  };
  for (let i = 0; i < 2; i++) await once(i); // warm-up (pipelines, first touch)
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < 2; i++) {
      const t0 = performance.now();
      await once(i);
      samples[i]!.push(performance.now() - t0);
    }
  }
  for (const s of sides) s.exe.destroy();
  const [dense, sparse] = samples.map((s) => round(median(s), 2)) as [number, number];
  const row = {
    ...c,
    bankMiB: round((c.n * c.D * c.H * 4) / 2 ** 20, 1),
    activeExperts: active,
    dense_ms: dense,
    sparse_ms: sparse,
    speedup: round(dense / sparse, 2),
    dispatches: { dense: sides[0]!.dispatches, sparse: sides[1]!.dispatches },
    samples_ms: { dense: samples[0]!.map((x) => round(x, 2)), sparse: samples[1]!.map((x) => round(x, 2)) },
  };
  results.push(row);
  console.log(`n ${c.n} [${c.n},${c.D},${c.H}] (${row.bankMiB} MiB), ${c.pairs} routed pairs, ${active} active experts: dense ${dense} ms, sparse ${sparse} ms (×${row.speedup})`);
}
const out = { bench: 'expert-optimizer', what: 'factored Adam of w1 [n, D, H] per step, dense vs sparse expert update, ms (median, wall clock of one submit until the queue is idle)', adapter: `${dev.info.backend}: ${dev.info.description}`, runs, loadStart, loadEnd: hostLoad(), results };
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const file = new URL(`expert-optimizer${quick ? '-quick' : ''}.json`, dir);
writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
console.log(`wrote ${file.pathname}; loadavg at end ${out.loadEnd.loadavg.join(' ')}`);
