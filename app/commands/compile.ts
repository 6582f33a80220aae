/**
 * `moec compile`: traces a model file, runs the pass pipeline and prints the result: the IR as
 * text (default), JSON or Graphviz DOT, or the lowered WebGPU plan (storages, steps, dispatches,
 * peak bytes) or its WGSL; with `--print-after-all`, the IR as traced and after every pass that
 * changed it, each section headed by the pass name.
 */
import type { Graph } from '../../ir/graph.ts';
import { toDot } from '../../ir/dependency.ts';
import { graphToJsonText } from '../../ir/json.ts';
import { printGraph } from '../../ir/print.ts';
import { compileGraph } from '../../compiler/pipeline.ts';
import { compileTraining, type TrainingOptions } from '../../compiler/train-pipeline.ts';
import { formatStateReport } from '../../passes/optimizer.ts';
import { formatMemory } from '../../compiler/print-plan.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { printPlan, printWgsl } from '../../compiler/print-plan.ts';
import { loadModelFile, traceWithOverrides } from '../load-model.ts';

/** What `--emit` can print. */
export const EMIT_KINDS = ['ir', 'json', 'dot', 'plan', 'wgsl'] as const;
/** One of EMIT_KINDS. */
export type EmitKind = (typeof EMIT_KINDS)[number];

/** Options of `moec compile`. */
export interface CompileCommandOptions {
  readonly emit: EmitKind;
  readonly printAfterAll: boolean;
  readonly set: readonly string[];
  /** Compile a whole training step (forward, backward, optimizer) instead of the forward. */
  readonly train?: TrainingOptions;
}

/** Renders a graph in the requested form. */
function emitGraph(g: Graph, emit: EmitKind): string {
  switch (emit) {
    case 'ir':
      return printGraph(g);
    case 'json':
      return graphToJsonText(g);
    case 'dot':
      return toDot(g);
    case 'plan':
      return printPlan(lowerToWebGpu(g));
    case 'wgsl':
      return printWgsl(lowerToWebGpu(g));
  }
}

/** Runs `moec compile` and returns the text to print. */
export async function compileCommand(file: string, opts: CompileCommandOptions, write: (s: string) => void): Promise<void> {
  const loaded = await loadModelFile(file);
  const { graph } = traceWithOverrides(loaded, opts.set);
  if (opts.printAfterAll) write(`// ---- traced (${graph.nodes.length} nodes) ----\n${printGraph(graph)}\n`);
  const onAfterPass = opts.printAfterAll
    ? (name: string, g: Graph, changed: boolean) => {
        if (changed) write(`// ---- after ${name} (${g.nodes.length} nodes) ----\n${printGraph(g)}\n`);
      }
    : undefined;
  const result = opts.train ? compileTraining(graph, opts.train, onAfterPass) : compileGraph(graph, onAfterPass ? { onAfterPass } : {});
  const compiled = result.graph;
  if (!opts.printAfterAll || opts.emit !== 'ir') write(`${emitGraph(compiled, opts.emit)}\n`);
  if (opts.train && opts.emit === 'plan') {
    // The same step without recomputation, for comparison of the peak.
    const others = (['none', 'experts', 'all-moe'] as const).filter((p) => p !== opts.train!.recompute);
    const lines = [`// recompute ${opts.train.recompute}: ${formatMemory(lowerToWebGpu(compiled)).at(-1)}`];
    for (const p of others) lines.push(`// recompute ${p}: ${formatMemory(lowerToWebGpu(compileTraining(graph, { ...opts.train, recompute: p }).graph)).at(-1)}`);
    write(`${lines.join('\n')}\n`);
  }
  if (opts.train) write(`${formatStateReport(compiled).map((l) => `// ${l}`).join('\n')}\n`);
  for (const r of result.remarks) process.stderr.write(`moec: remark: ${r.pass}: ${r.message}\n`);
}
