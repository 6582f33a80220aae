/**
 * Gating benchmark (`npx tsx bench/gating.ts [--base DIR] [--runs R] [--only flat|hier] [--n 16,1024]`): GPU
 * time (timestamp queries, per dispatch, summed) of (1) the flat noisy top-k gating op at
 * n = 16 … 8192 experts (N = 1024 rows, D = 64, k = 4, training with drawn noise) and (2) the
 * hierarchical secondary gating forward, its gradient and the hierarchical load estimator with its
 * gradient at 64×256 = 16384, 256×256 = 65536 and 512×256 = 131072 experts (N = 256 rows, D = 16,
 * k = [2, 2]). With `--base DIR` (a checkout of an older moec, e.g. `git archive <commit>`), every
 * case is also lowered by DIR's lowering rules and the two plans are profiled alternately on the
 * same device, so host-load drift hits both sides; a side that fails to lower or run is reported
 * with its error. Prints medians and writes bench/results/gating[-flat|-hier].json with the host load average.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { lowerToWebGpu } from '../compiler/lower/index.ts';
import { GraphBuilder, type Graph } from '../ir/graph.ts';
import type { Tensor } from '../ir/tensor.ts';
import { tensorType } from '../ir/types.ts';
import { acquireDevice } from '../runtime/device.ts';
import { createPipelineCache } from '../runtime/gpu/pipelines.ts';
import { prepareWebGpuPlan, type WebGpuExecutable } from '../runtime/webgpu-executor.ts';
import { hostLoad, median, randArray, round } from './common.ts';

type Lower = typeof lowerToWebGpu;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const f32 = (shape: number[], data: Float32Array): Tensor => ({ type: tensorType('f32', shape), data });
const i32 = (shape: number[], data: Int32Array): Tensor => ({ type: tensorType('i32', shape), data });

/** A flat gating graph and its feeds. */
function flatCase(N: number, D: number, n: number, k: number): { graph: Graph; feeds: Record<string, Tensor> } {
  const gb = new GraphBuilder();
  const x = gb.addInput('x', { dtype: 'f32', shape: [N, D] }, 'input');
  const wg = gb.addInput('wg', { dtype: 'f32', shape: [D, n] }, 'input');
  const wn = gb.addInput('wn', { dtype: 'f32', shape: [D, n] }, 'input');
  const outs = gb.addNode('gating', { k, noisy: true, eps: 1e-2, stream: 1, rowOffset: 0, explicitNoise: false }, [x, wg, wn]);
  gb.setOutput('indices', outs[0]!);
  gb.setOutput('gates', outs[1]!);
  return { graph: gb.finish(), feeds: { x: f32([N, D], randArray(N * D, 1, 1)), wg: f32([D, n], randArray(D * n, 0.5, 2)), wn: f32([D, n], randArray(D * n, 0.5, 3)) } };
}

/** Secondary gating + its vjp + the hierarchical load + its vjp, with random primary routing. */
function hierCase(N: number, D: number, a: number, b: number, k1: number, k2: number): { graph: Graph; feeds: Record<string, Tensor> } {
  const gb = new GraphBuilder();
  const f = (name: string, shape: number[]) => gb.addInput(name, { dtype: 'f32', shape }, 'input');
  const x = f('x', [N, D]);
  const wg2 = f('wg2', [a, D, b]);
  const wn2 = f('wn2', [a, D, b]);
  const pi = gb.addInput('pi', { dtype: 'i32', shape: [N, k1] }, 'input');
  const pg = f('pg', [N, k1]);
  const pl = f('pl', [a]);
  const p = { a, b, k1, k2, noisy: true, eps: 0.01, stream: 2, rowOffset: 0 };
  const [, gates, clean, sigma, top, local] = gb.addNode('secondaryGating', p, [x, wg2, wn2, pi, pg]) as [number, number, number, number, number, number];
  const load = gb.add1('hierLoadEstimate', { a, b, k1, k2 }, [pl, pi, clean, sigma, top, local]);
  const dg = f('dg', [N, k1 * k2]);
  const dc = f('dc', [N, k1, b]);
  const ds = f('ds', [N, k1, b]);
  const dl = f('dl', [a * b]);
  const gg = gb.addNode('secondaryGatingGrad', p, [x, wg2, wn2, pi, pg, top, local, dg, dc, ds]);
  const lg = gb.addNode('hierLoadEstimateGrad', { a, b, k1, k2 }, [pl, pi, clean, sigma, top, local, dl]);
  gb.setOutput('gates', gates);
  gb.setOutput('load0', load);
  gb.setOutput('dx', gg[0]!);
  gb.setOutput('dpl', lg[0]!);
  const piv = new Int32Array(N * k1);
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let r = 0; r < N; r++) {
    const g0 = Math.floor(rnd() * a);
    for (let j = 0; j < k1; j++) piv[r * k1 + j] = (g0 + j * (1 + Math.floor(rnd() * Math.floor((a - 1) / k1)))) % a;
  }
  const feeds = {
    x: f32([N, D], randArray(N * D, 1, 1)),
    wg2: f32([a, D, b], randArray(a * D * b, 1, 2)),
    wn2: f32([a, D, b], randArray(a * D * b, 1, 3)),
    pi: i32([N, k1], piv),
    pg: f32([N, k1], randArray(N * k1, 0.5, 4).map((v) => 0.5 + v)),
    pl: f32([a], randArray(a, 10, 5).map((v) => 20 + v)),
    dg: f32([N, k1 * k2], randArray(N * k1 * k2, 1, 6)),
    dc: f32([N, k1, b], randArray(N * k1 * b, 1, 7)),
    ds: f32([N, k1, b], randArray(N * k1 * b, 1, 8)),
    dl: f32([a * b], randArray(a * b, 1, 9)),
  };
  return { graph: gb.finish(), feeds };
}

interface Side {
  exe?: WebGpuExecutable;
  error?: string;
  samples: number[];
  kernels: Map<string, number[]>;
}

async function main(): Promise<void> {
  const runs = Number(arg('runs') ?? 5);
  const only = arg('only');
  const baseDir = arg('base');
  const baseLower: Lower | undefined = baseDir ? ((await import(`${baseDir}/compiler/lower/index.ts`)) as { lowerToWebGpu: Lower }).lowerToWebGpu : undefined;
  const dev = await acquireDevice();
  if (!dev) throw new Error('no WebGPU adapter');
  const cache = createPipelineCache(dev);
  const ctx = { seed: 3, step: 1, training: true };
  const cases: { name: string; make: () => { graph: Graph; feeds: Record<string, Tensor> } }[] = [];
  if (only !== 'hier') for (const n of (arg('n') ?? '16,256,512,704,1024,8192').split(',').map(Number)) cases.push({ name: `flat n=${n} N=1024 D=64 k=4`, make: () => flatCase(1024, 64, n, 4) });
  if (only !== 'flat') for (const [a, b] of [[64, 256], [256, 256], [512, 256]] as const) cases.push({ name: `hier ${a}x${b}=${a * b} N=256 D=16 k=[2,2]`, make: () => hierCase(256, 16, a, b, 2, 2) });
  const results: object[] = [];
  const load0 = hostLoad();
  for (const c of cases) {
    const { graph, feeds } = c.make();
    const sides: [string, Lower | undefined][] = [['new', lowerToWebGpu], ...(baseLower ? [['old', baseLower] as [string, Lower]] : [])];
    const state: Record<string, Side> = {};
    for (const [name, lower] of sides) {
      const s: Side = { samples: [], kernels: new Map() };
      state[name] = s;
      try {
        const exe = await prepareWebGpuPlan(dev, lower!(graph, dev.device.limits), cache);
        exe.setParams({});
        await exe.run(feeds, ctx);
        s.exe = exe;
      } catch (e) {
        s.error = (e as Error).message.split('\n')[0]!.slice(0, 200);
      }
    }
    for (let r = 0; r < runs + 1; r++) {
      for (const [name] of sides) {
        const s = state[name]!;
        if (!s.exe) continue;
        const t = await s.exe.profile(ctx);
        if (r === 0) continue; // warm-up
        s.samples.push(t.reduce((acc, d) => acc + d.ms, 0));
        const per = new Map<string, number>();
        for (const d of t) per.set(d.kernel, (per.get(d.kernel) ?? 0) + d.ms);
        for (const [k, v] of per) s.kernels.set(k, [...(s.kernels.get(k) ?? []), v]);
      }
    }
    const row: Record<string, unknown> = { case: c.name };
    for (const [name] of sides) {
      const s = state[name]!;
      s.exe?.destroy();
      row[name] = s.error
        ? { error: s.error }
        : { median_ms: round(median(s.samples), 2), kernels_ms: Object.fromEntries([...s.kernels].map(([k, v]) => [k, round(median(v), 2)])) };
    }
    const fmt = (v: unknown) => (typeof v === 'object' && v && 'median_ms' in v ? `${(v as { median_ms: number }).median_ms} ms` : `FAILS (${(v as { error: string }).error})`);
    console.log(`${c.name}: new ${fmt(row.new)}${baseLower ? `, old ${fmt(row.old)}` : ''}`);
    console.log(`   new kernels ${JSON.stringify((row.new as { kernels_ms?: object }).kernels_ms ?? {})}`);
    if (baseLower && row.old && 'kernels_ms' in (row.old as object)) console.log(`   old kernels ${JSON.stringify((row.old as { kernels_ms: object }).kernels_ms)}`);
    results.push(row);
  }
  const git = (cmd: string) => {
    try {
      return execSync(cmd, { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  const doc = { benchmark: 'gating', runs, base: baseDir ?? null, commit: git('git rev-parse HEAD'), dirty: git('git status --porcelain --untracked-files=no') !== '', hostLoadBefore: load0, hostLoadAfter: hostLoad(), results };
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL(`gating${only ? `-${only}` : ''}.json`, dir), JSON.stringify(doc, null, 2) + '\n');
  console.log(`loadavg before ${load0.loadavg.join(' ')}, after ${hostLoad().loadavg.join(' ')}`);
}

await main();
