/**
 * Shared helpers of the end-to-end benchmarks (`npm run bench`): the benchmark shapes (full and
 * `--quick`), a fast deterministic filler for large weight arrays (an LCG — `initParams`' Philox
 * draws would take tens of seconds for 67 M expert weights), the timing loop (warm-up, then the
 * median of ≥ 5 timed runs, each awaiting its host readback) and the host-load snapshot written
 * with every result, since lavapipe runs on the same 2 shared CPU cores as parallel jobs.
 */
import { execFileSync, execSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { DeviceContext } from '../runtime/device.ts';
import type { PipelineCache } from '../runtime/gpu/pipelines.ts';
import { prepareKernels, type KernelStep, type PreparedBatch } from '../runtime/gpu/run.ts';

/** Shape of one MoE layer forward: N rows (T·B), width D, n experts, hidden H, top-k. */
export interface MoeShape {
  readonly N: number;
  readonly D: number;
  readonly n: number;
  readonly H: number;
  readonly k: number;
}

/** Benchmark sizes: the full configuration and the `--quick` one. */
export function benchConfig(quick: boolean): { moe: MoeShape; matmul: number; runs: number; warmup: number; tuneRuns: number } {
  return quick
    ? { moe: { N: 128, D: 128, n: 16, H: 256, k: 4 }, matmul: 256, runs: 5, warmup: 1, tuneRuns: 3 }
    : { moe: { N: 512, D: 512, n: 64, H: 1024, k: 4 }, matmul: 1024, runs: 5, warmup: 1, tuneRuns: 3 };
}

/** Useful FLOPs of one noisy MoE forward: two gating matmuls (clean + noise, 2·N·D·n each) and the k experts per row. */
export function moeFlops(s: MoeShape): { gating: number; experts: number; total: number } {
  const gating = 2 * (2 * s.N * s.D * s.n);
  const experts = 2 * (s.N * s.k) * (s.D * s.H + s.H * s.D);
  return { gating, experts, total: gating + experts };
}

/** Median of `xs`. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Deterministic uniform values in [−scale, scale) from a 32-bit LCG seeded by `seed`. */
export function randArray(n: number, scale: number, seed: number): Float32Array {
  let a = (seed * 2654435761) >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    out[i] = ((a >>> 8) / 16777216 - 0.5) * 2 * scale;
  }
  return out;
}

/** Uniform routing for kernel benchmarks: each of `rows` rows picks min(k, n) distinct experts of n (LCG from `seed`); [rows·k], unused slots 0. */
export function uniformRouting(rows: number, k: number, n: number, seed: number): Int32Array {
  let a = seed >>> 0;
  const next = (): number => ((a = (Math.imul(a, 1664525) + 1013904223) >>> 0) >>> 8) / 16777216;
  const idx = new Int32Array(rows * k);
  for (let row = 0; row < rows; row++) {
    const picked = new Set<number>();
    while (picked.size < Math.min(k, n)) picked.add(Math.floor(next() * n));
    idx.set([...picked], row * k);
  }
  return idx;
}

/** Timing of one benchmark: median and every sample, in ms. */
export interface Timing {
  readonly median_ms: number;
  readonly samples_ms: number[];
}

/**
 * Runs `fn` `warmup` times untimed, then `runs` times timed (wall clock, each call awaited —
 * `fn` must end with its host readback). Returns the median and the samples.
 */
export async function timeAsync(fn: () => Promise<unknown>, runs: number, warmup: number): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return { median_ms: round(median(samples), 2), samples_ms: samples.map((x) => round(x, 2)) };
}

/** Rounds to `digits` decimals. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** GFLOP/s of `flops` done in `ms`. */
export function gflops(flops: number, ms: number): number {
  return round(flops / ms / 1e6, 2);
}

/** Host load snapshot: CPU count and the 1/5/15-minute load averages. */
export function hostLoad(): { cpus: number; loadavg: number[] } {
  return { cpus: cpus().length, loadavg: loadavg().map((x) => round(x, 2)) };
}

/** The commit measured and the source files that differed from it (the tree is shared with parallel work). */
export function gitState(): { commit: string; modified: string[] } {
  try {
    const sh = (c: string) => execSync(c, { cwd: new URL('..', import.meta.url), encoding: 'utf8' });
    const modified = sh('git status --porcelain -- compiler runtime ir frontend passes').split('\n').filter(Boolean).map((l) => l.slice(3));
    return { commit: sh('git rev-parse --short HEAD').trim(), modified };
  } catch {
    return { commit: 'unknown', modified: [] };
  }
}

/**
 * Imports `path` (a module of this repository) as it was at `commit`, for a benchmark's "old" side:
 * the source is read with `git show`, written next to the current file (so its relative imports
 * resolve to today's helpers), imported, and the copy removed.
 */
export async function importAtCommit<T>(path: string, commit: string): Promise<T> {
  const root = new URL('..', import.meta.url);
  const copy = new URL(path.replace(/([^/]+)\.ts$/, `.$1-${commit}.tmp.ts`), root);
  writeFileSync(copy, execFileSync('git', ['show', `${commit}:${path}`], { cwd: root }));
  try {
    return (await import(copy.href)) as T;
  } finally {
    rmSync(copy);
  }
}

/** Prepares `steps` as one batch and runs it once (warm-up, pipeline JIT); returns the batch and the ms that took. */
export async function prepareWarm(cache: PipelineCache, ctx: DeviceContext, steps: KernelStep[]): Promise<{ batch: PreparedBatch; jitMs: number }> {
  const t0 = performance.now();
  const batch = await prepareKernels(cache, steps);
  batch.submit(1);
  await ctx.wait(ctx.device.queue.onSubmittedWorkDone());
  return { batch, jitMs: performance.now() - t0 };
}
