/**
 * `moec profile`: where the time of a forward pass or a whole training step goes on the WebGPU
 * adapter. Compiles and lowers the model (with `--train`, the training step), runs it once to warm
 * up (pipeline JIT, uploads), then once more with a GPU timestamp around every dispatch, and prints
 * the time per kernel and per op (layer), largest first, with their share of the total — or the
 * raw per-dispatch list as JSON.
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

/** Options of `moec profile`. */
export interface ProfileCommandOptions {
  readonly set: readonly string[];
  readonly train: boolean;
  readonly json: boolean;
  readonly seed: number;
}

function table(title: string, rows: Map<string, { ms: number; n: number }>, total: number): string[] {
  const sorted = [...rows].sort((a, b) => b[1].ms - a[1].ms);
  return [
    title,
    ...sorted.map(([k, v]) => `  ${v.ms.toFixed(3).padStart(10)} ms  ${((100 * v.ms) / total).toFixed(1).padStart(5)}%  ×${String(v.n).padEnd(4)} ${k}`),
  ];
}

/** Runs `moec profile`. */
export async function profileCommand(file: string, o: ProfileCommandOptions, write: (s: string) => void): Promise<DispatchTiming[]> {
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
    const timings = await exe.profile(run);
    if (o.json) {
      write(`${JSON.stringify(timings)}\n`);
      return timings;
    }
    const total = timings.reduce((a, t) => a + t.ms, 0);
    const byKernel = new Map<string, { ms: number; n: number }>();
    const byOp = new Map<string, { ms: number; n: number }>();
    for (const t of timings) {
      const kernel = t.kernel.replace(/\[\d+\]$|\d+$/, '');
      const k = byKernel.get(kernel) ?? { ms: 0, n: 0 };
      byKernel.set(kernel, { ms: k.ms + t.ms, n: k.n + 1 });
      const opKey = `${t.op}${t.layer ? ` (${t.layer})` : ''}`;
      const p = byOp.get(opKey) ?? { ms: 0, n: 0 };
      byOp.set(opKey, { ms: p.ms + t.ms, n: p.n + 1 });
    }
    write(
      [
        `${String(compiled.meta.name ?? file)}${o.train ? ' training step' : ' forward'}: ${timings.length} dispatches, ${total.toFixed(3)} ms of GPU time (one pass per dispatch)`,
        ...table('by kernel:', byKernel, total),
        ...table('by op:', byOp, total),
      ].join('\n') + '\n',
    );
    return timings;
  } finally {
    exe.destroy();
  }
}
