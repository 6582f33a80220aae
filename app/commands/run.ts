/**
 * `moec run`: traces and compiles a model file, initialises its parameters from the seed, feeds a
 * deterministic synthetic batch and executes one forward pass on the chosen backend, then reports
 * the loss and every MoE layer's importance, load and their CV² (as text, or one JSON object with
 * `--json`). Mode `train` (the default) is the forward of a training step: gating noise and
 * dropout on, so the load is the paper's smooth estimator; `eval` turns both off. Options are
 * checked before any work (frontend/option-limits.ts) and the WebGPU device is released at the end.
 */
import type { Graph } from '../../ir/graph.ts';
import { initParams } from '../../ir/interpret.ts';
import type { Tensor } from '../../ir/tensor.ts';
import { adapterName, prepareRunner, selectBackend, type BackendName } from '../../runtime/backend.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { compileGraph } from '../../compiler/pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { loadModelFile, traceWithOverrides } from '../load-model.ts';
import type { Plan } from '../../compiler/plan.ts';
import { parseSetArgs, resolveOptions } from '../../frontend/model.ts';
import { releaseDevice } from '../../runtime/device.ts';
import { checkOptionKeys, checkTensorSizes, validateModelOptions } from '../../frontend/option-limits.ts';
import { loweringLimitsOf } from '../tuning-file.ts';

/** Options of `moec run`. */
export interface RunCommandOptions {
  readonly backend: BackendName;
  readonly seed: number;
  readonly mode: 'train' | 'eval';
  readonly json: boolean;
  readonly set: readonly string[];
}

/** Per-MoE-layer statistics reported by `moec run`. */
export interface MoeLayerReport {
  readonly name: string;
  readonly importance: number[];
  readonly load: number[];
  readonly cvImportance: number;
  readonly cvLoad: number;
}

/** The JSON object `moec run --json` prints. */
export interface RunReport {
  readonly model: string;
  readonly backend: string;
  readonly adapter: string | null;
  readonly seed: number;
  readonly mode: 'train' | 'eval';
  readonly loss: number;
  readonly moe: MoeLayerReport[];
  /** Kernel launches per forward (one compute pass, one submit) and the plan's peak bytes. */
  readonly dispatches?: number;
  readonly peakBytes?: number;
}

const scalar = (t: Tensor | undefined, what: string): number => {
  if (!t) throw new Error(`the graph has no output '${what}'`);
  return Number(t.data[0]);
};

/** Collects the report from a graph's named outputs (`loss`, `<layer>.importance`, ...). */
export function reportFromOutputs(g: Graph, outputs: Record<string, Tensor>, head: Omit<RunReport, 'loss' | 'moe'>): RunReport {
  const layers = g.outputs.filter((o) => o.name.endsWith('.importance')).map((o) => o.name.slice(0, -'.importance'.length));
  const moe = layers.map((name) => ({
    name,
    importance: Array.from(outputs[`${name}.importance`]!.data),
    load: Array.from(outputs[`${name}.load`]?.data ?? []),
    cvImportance: scalar(outputs[`${name}.cvImportance`], `${name}.cvImportance`),
    cvLoad: scalar(outputs[`${name}.cvLoad`], `${name}.cvLoad`),
  }));
  return { ...head, loss: scalar(outputs.loss, 'loss'), moe };
}

/** Formats a report for people. */
export function formatReport(r: RunReport): string {
  const f = (x: number): string => x.toFixed(4);
  const lines = [`model ${r.model} on ${r.backend}${r.adapter ? ` (${r.adapter})` : ''}, seed ${r.seed}, mode ${r.mode}`, `loss ${f(r.loss)}`];
  if (r.dispatches !== undefined) lines.push(`${r.dispatches} kernel launches in one submit; plan peak ${r.peakBytes} bytes`);
  for (const m of r.moe) {
    lines.push(`${m.name}: CV²(importance) ${f(m.cvImportance)}, CV²(load) ${f(m.cvLoad)}`);
    lines.push(`  importance ${m.importance.map((x) => x.toFixed(2)).join(' ')}`);
    lines.push(`  load       ${m.load.map((x) => x.toFixed(2)).join(' ')}`);
  }
  return lines.join('\n');
}

/** Runs `moec run`. */
export async function runCommand(file: string, opts: RunCommandOptions, write: (s: string) => void): Promise<RunReport> {
  const loaded = await loadModelFile(file);
  checkOptionKeys(loaded.model, opts.set);
  validateModelOptions(loaded.model, resolveOptions(loaded.model, parseSetArgs(opts.set)));
  const { graph } = traceWithOverrides(loaded, opts.set);
  checkTensorSizes(graph, String(loaded.model.name));
  const compiled = compileGraph(graph).graph;
  const backend = await selectBackend(opts.backend, (line) => process.stderr.write(`${line}\n`));
  let outputs: Record<string, Tensor>;
  let plan: Plan;
  try {
    plan = lowerToWebGpu(compiled, loweringLimitsOf(backend));
    const runner = await prepareRunner(backend, plan, initParams(compiled, opts.seed));
    try {
      outputs = await runner.run(syntheticFeeds(compiled, opts.seed), { seed: opts.seed, step: 0, training: opts.mode === 'train' });
    } finally {
      runner.destroy();
    }
  } finally {
    // The device is this call's: release it (library users call this many times in one process).
    if (backend.kind === 'webgpu') releaseDevice(backend.device);
  }
  const report = reportFromOutputs(compiled, outputs, {
    model: String(compiled.meta.name ?? file),
    backend: backend.kind,
    adapter: adapterName(backend),
    seed: opts.seed,
    mode: opts.mode,
  });
  const full: RunReport = { ...report, dispatches: plan.steps.reduce((a, s) => a + s.dispatches.length, 0), peakBytes: plan.memory!.peakBytes };
  for (const [k, v] of Object.entries({ loss: full.loss, ...Object.fromEntries(full.moe.flatMap((m) => [[`${m.name}.cvImportance`, m.cvImportance], [`${m.name}.cvLoad`, m.cvLoad]])) })) {
    // Beyond the f32 range is non-finite on both backends (the CPU reference computes in f64).
    if (!(Math.abs(v) <= 3.4028234663852886e38)) throw new Error(`${k} is ${v}: the forward pass produced a number that is not finite in f32`);
  }
  write(opts.json ? `${JSON.stringify(full)}\n` : `${formatReport(full)}\n`);
  return full;
}
