/**
 * `moec profile`: where the time of a forward pass or a whole training step goes on the WebGPU
 * adapter. Compiles and lowers the model (with `--train`, the training step), runs it once to warm
 * up (pipeline JIT, uploads), then `--repeat N` more times with a GPU timestamp around every
 * dispatch, and prints per kernel (and node shapes) the median and minimum over the N passes, the
 * dispatch count, the share of the total and GFLOP/s where the op has a FLOP rule
 * (app/profile-stats.ts), then the median time per op (layer) — or, with `--json`, the rows and the
 * raw per-dispatch timings of every pass.
 */
import { compileGraph } from '../../compiler/pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import type { Plan } from '../../compiler/plan.ts';
import { initParams } from '../../ir/interpret.ts';
import { selectBackend } from '../../runtime/backend.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareWebGpuPlan, type DispatchTiming } from '../../runtime/webgpu-executor.ts';
import { loadModelFile, traceWithOverrides } from '../load-model.ts';
import { loweringLimitsOf } from '../tuning-file.ts';
import { kernelStats, median, type KernelStats } from '../profile-stats.ts';

/** Options of `moec profile`. */
export interface ProfileCommandOptions {
  readonly set: readonly string[];
  readonly train: boolean;
  readonly json: boolean;
  readonly seed: number;
  /** Timed passes (default 1); the tables give the median and minimum over them. */
  readonly repeat?: number;
}

/** What `moec profile` returns (and prints with `--json`). */
export interface ProfileResult {
  readonly repeat: number;
  readonly kernels: readonly KernelStats[];
  /** The per-dispatch timings of every pass. */
  readonly passes: readonly (readonly DispatchTiming[])[];
}

function kernelTable(rows: readonly KernelStats[], total: number, repeat: number): string[] {
  return [
    `by kernel (${repeat > 1 ? `median and min of ${repeat} passes` : 'one pass'}; GFLOP/s at the median, for matrix-product ops):`,
    `  ${'median ms'.padStart(10)} ${'min ms'.padStart(10)}  ${'share'.padStart(6)}  ${'GFLOP/s'.padStart(8)}  kernel × dispatches: op, shapes`,
    ...rows.map(
      (r) =>
        `  ${r.medianMs.toFixed(3).padStart(10)} ${r.minMs.toFixed(3).padStart(10)}  ${((100 * r.medianMs) / total).toFixed(1).padStart(5)}%  ${(r.gflops !== undefined ? r.gflops.toFixed(2) : '—').padStart(8)}  ${r.kernel} ×${r.dispatches}: ${r.op}, ${r.shapes}`,
    ),
  ];
}

function table(title: string, rows: Map<string, { ms: number; n: number }>, total: number): string[] {
  const sorted = [...rows].sort((a, b) => b[1].ms - a[1].ms);
  return [
    title,
    ...sorted.map(([k, v]) => `  ${v.ms.toFixed(3).padStart(10)} ms  ${((100 * v.ms) / total).toFixed(1).padStart(5)}%  ×${String(v.n).padEnd(4)} ${k}`),
  ];
}

/** Runs `moec profile`. */
export async function profileCommand(file: string, o: ProfileCommandOptions, write: (s: string) => void): Promise<ProfileResult> {
  const repeat = o.repeat ?? 1;
  if (!(Number.isInteger(repeat) && repeat >= 1)) throw new Error(`--repeat must be a positive integer, got ${repeat}`);
  const loaded = await loadModelFile(file);
  const { graph } = traceWithOverrides(loaded, o.set);
  const backend = await selectBackend('webgpu', () => {});
  if (backend.kind !== 'webgpu') throw new Error('moec profile needs a WebGPU adapter');
  const limits = loweringLimitsOf(backend);
  let compiled;
  let plan: Plan;
  if (o.train) ({ graph: compiled, plan } = compileTrainingPlan(graph, { optimizer: { name: 'factored-adam', lr: 0.01 }, recompute: 'experts' }, limits));
  else {
    compiled = compileGraph(graph).graph;
    plan = lowerToWebGpu(compiled, limits);
  }
  const exe = await prepareWebGpuPlan(backend.device, plan);
  try {
    exe.setParams(initParams(compiled, o.seed));
    const run = { seed: o.seed, step: 0, training: true };
    await exe.run(syntheticFeeds(compiled, o.seed), run, ['loss']);
    const passes: DispatchTiming[][] = [];
    for (let i = 0; i < repeat; i++) passes.push(await exe.profile(run));
    const kernels = kernelStats(compiled, plan, passes);
    const result: ProfileResult = { repeat, kernels, passes };
    if (o.json) {
      write(`${JSON.stringify(result)}\n`);
      return result;
    }
    const timings = passes[0]!;
    const total = median(passes.map((p) => p.reduce((a, t) => a + t.ms, 0)));
    const byOp = new Map<string, { ms: number; n: number }>();
    timings.forEach((t, i) => {
      const opKey = `${t.op}${t.layer ? ` (${t.layer})` : ''}`;
      const p = byOp.get(opKey) ?? { ms: 0, n: 0 };
      byOp.set(opKey, { ms: p.ms + median(passes.map((pass) => pass[i]!.ms)), n: p.n + 1 });
    });
    write(
      [
        `${String(compiled.meta.name ?? file)}${o.train ? ' training step' : ' forward'}: ${timings.length} dispatches, ${total.toFixed(3)} ms of GPU time (${repeat > 1 ? `median of ${repeat} passes` : 'one pass'}, one timed pass per dispatch)`,
        ...kernelTable(kernels, total, repeat),
        ...table(`by op (${repeat > 1 ? 'sum of per-dispatch medians' : 'one pass'}):`, byOp, total),
      ].join('\n') + '\n',
    );
    return result;
  } finally {
    exe.destroy();
  }
}
