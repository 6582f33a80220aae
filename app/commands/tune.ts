/**
 * `moec tune <model>`: measure, on this WebGPU adapter, which GEMM tiling is fastest for every
 * GEMM shape the model's training step and forward pass run, and store the choices in the
 * adapter's tuning file (app/tuning-file.ts) — merged with the entries already there — so every
 * later compile on this adapter (run, train, eval, profile) uses them. Candidates of a shape are
 * timed alternately and compared by median (runtime/tuning/tune-matmul.ts), and a tiling only
 * replaces the default when clearly faster; tuning changes speed, never numbers. Prints one line per
 * shape (default and chosen ms and GFLOP/s) and the host load average, since the machine may be
 * shared.
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { compileGraph } from '../../compiler/pipeline.ts';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import { selectBackend } from '../../runtime/backend.ts';
import { deviceLoweringLimits } from '../../runtime/lowering-limits.ts';
import { tunableMatmuls, tuneMatmuls, tuningRecord } from '../../runtime/tuning/tune-matmul.ts';
import { loadModelFile, traceWithOverrides } from '../load-model.ts';
import { defaultTuningPath, readTuningFile, writeTuningFile } from '../tuning-file.ts';

/** Options of `moec tune`. */
export interface TuneCommandOptions {
  readonly set: readonly string[];
  /** Timed rounds per shape. */
  readonly runs: number;
  /** Tuning file to write (default: the adapter's file in the user cache). */
  readonly out?: string;
}

/** Runs `moec tune`; returns the path written. */
export async function tuneCommand(file: string, o: TuneCommandOptions, write: (s: string) => void): Promise<string> {
  const loaded = await loadModelFile(file);
  const { graph } = traceWithOverrides(loaded, o.set);
  const backend = await selectBackend('webgpu', () => {});
  if (backend.kind !== 'webgpu') throw new Error('moec tune measures kernels on a WebGPU adapter and found none (run `npm run setup` for lavapipe)');
  const dev = backend.device;
  const limits = deviceLoweringLimits(dev);
  const train = compileTrainingPlan(graph, { optimizer: { name: 'factored-adam', lr: 0.01 }, recompute: 'experts' }, limits).plan;
  const forward = lowerToWebGpu(compileGraph(graph).graph, limits);
  const gemms = tunableMatmuls([train, forward]);
  const out = o.out ?? defaultTuningPath(dev.info.description);
  const previous = existsSync(out) ? readTuningFile(out) : undefined;
  const load0 = loadavg()[0]!;
  write(`tuning ${gemms.length} GEMM shapes of ${String(graph.meta.name ?? file)} on ${dev.info.description} (${o.runs} alternating rounds each; loadavg ${load0.toFixed(2)})\n`);
  const chosen = await tuneMatmuls(dev, gemms, { runs: o.runs, log: (line) => write(`${line}\n`) });
  const record = tuningRecord(dev, chosen, [load0, loadavg()[0]!], previous);
  writeTuningFile(out, record);
  const tuned = Object.values(chosen);
  const before = tuned.reduce((a, t) => a + t.defaultMs, 0);
  const after = tuned.reduce((a, t) => a + t.ms, 0);
  write(`${tuned.filter((t) => t.ms < t.defaultMs).length} of ${tuned.length} shapes changed tiling; their GEMMs together ${before.toFixed(2)} → ${after.toFixed(2)} ms per run; loadavg ${loadavg()[0]!.toFixed(2)}\nwrote ${out} (used by run, train, eval and profile on this adapter; MOEC_NO_TUNING=1 turns it off)\n`);
  return out;
}
