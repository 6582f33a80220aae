/**
 * One run of `moec reproduce`, as an ordinary `moec train` run directory `<out>/<id>`: a run whose
 * `result.json` records the same budget is finished and skipped; a run with a checkpoint is resumed
 * (bit-exact, runtime/run-dir.ts rolls its metrics back) and continued to the budget (the result of
 * a smaller budget is kept as `result.<budget>.json`); a directory
 * holding a run that never reached its first checkpoint is moved aside (never deleted) and the run
 * starts over. A finished training is evaluated on the test split (app/commands/eval.ts) and its
 * numbers — test perplexity, the cost columns from the IR (model-cost.ts), throughput, the balance
 * statistics of the last training batches — are written to `result.json` atomically.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { compileGraph } from '../../compiler/pipeline.ts';
import { resolveOptions, traceModel, type ModelOptions } from '../../frontend/model.ts';
import { selectBackend, type BackendName } from '../../runtime/backend.ts';
import { writeFileAtomic } from '../../runtime/checkpoint.ts';
import { releaseDevice } from '../../runtime/device.ts';
import { readRun } from '../../runtime/report/index.ts';
import type { TrainRecord as ReportTrainRecord } from '../../runtime/report/run-types.ts';
import type { TrainRecord, ValidRecord } from '../../runtime/train-loop.ts';
import { evalCommand } from '../commands/eval.ts';
import { loadModelFile } from '../load-model.ts';
import { checkpointPath, runSession } from '../train-session.ts';
import { modelCost, type ModelCost } from './model-cost.ts';
import type { Overrides, RunSpec } from './series.ts';

/** The training budget of every run: a token count (rounded up to whole steps) or epochs. */
export type Budget = { readonly tokens: number } | { readonly epochs: number };

/** A budget as text (kept in result.json: a different budget continues the run). */
export function budgetLabel(b: Budget): string {
  return 'tokens' in b ? `tokens=${b.tokens}` : `epochs=${b.epochs}`;
}

/** Balance statistics averaged over the last training batches (the paper's Table 6 columns). */
export interface BalanceStats {
  /** How many of the last logged training steps were averaged. */
  readonly window: number;
  /** Mean over those steps of CV (not squared) of importance and of load, and max/mean load. */
  readonly cvImportance: number;
  readonly cvLoad: number;
  readonly maxOverMeanLoad: number;
}

/** What `result.json` of a finished run holds. */
export interface RunResult {
  readonly id: string;
  readonly label: string;
  readonly model: string;
  readonly modelFile: string;
  readonly options: ModelOptions;
  readonly experts: number;
  readonly wImportance: number;
  readonly wLoad: number;
  readonly budget: string;
  readonly steps: number;
  readonly trainTokens: number;
  /** Training seconds (all sessions, from metrics.jsonl) and tokens per second over them. */
  readonly trainSeconds: number;
  readonly tokensPerSec: number;
  readonly evalSeconds: number;
  readonly lastTrainPpl: number;
  readonly lastValidPpl: number | null;
  readonly testPpl: number;
  readonly testTokens: number;
  readonly unigramPpl: number;
  /** Test split, evaluation mode: CV and max/mean of the per-expert load summed over the split. */
  readonly testLoad: { readonly cv: number; readonly maxOverMean: number } | null;
  readonly balance: BalanceStats | null;
  readonly cost: ModelCost;
  readonly backend: string;
  readonly adapter: string | null;
  readonly commit: string;
  readonly finished: string;
}

/** How a run is trained and evaluated. */
export interface RunOptions {
  readonly out: string;
  readonly budget: Budget;
  readonly backend: BackendName;
  /** Extra option overrides applied to every run (--tiny, --batch). */
  readonly extra: (spec: RunSpec) => Overrides;
  readonly lr: number;
  readonly seed: number;
  readonly validEvery: number;
  readonly validBatches: number;
  readonly checkpointEvery: number;
  /** Evaluate at most this many test batches (tests); absent = the whole split. */
  readonly evalBatches?: number;
  readonly commit: string;
  readonly log: (line: string) => void;
  readonly shouldStop: () => boolean;
}

/** The run directory of a spec. */
export function runDir(out: string, spec: RunSpec): string {
  return join(out, spec.id);
}

/** The finished result of a run directory, or null (absent, unreadable or of another budget). */
export function readResult(dir: string, budget?: string): RunResult | null {
  const file = join(dir, 'result.json');
  if (!existsSync(file)) return null;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as RunResult;
    return budget === undefined || r.budget === budget ? r : null;
  } catch {
    return null;
  }
}

const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(v.length, 1);

/** Table 6 statistics over the last 10% of logged training steps (at least 1, at most 100). */
export function balanceStats(train: readonly ReportTrainRecord[]): BalanceStats | null {
  const withMoe = train.filter((r) => Object.keys(r.moe).length > 0);
  if (withMoe.length === 0) return null;
  const window = Math.min(100, Math.max(1, Math.round(withMoe.length / 10)));
  const last = withMoe.slice(-window);
  const per = last.map((r) => {
    const layers = Object.values(r.moe);
    return {
      cvImp: Math.max(...layers.map((l) => Math.sqrt(l.cvImportance))),
      cvLoad: Math.max(...layers.map((l) => Math.sqrt(l.cvLoad))),
      maxMean: Math.max(...layers.map((l) => Math.max(...l.load) / (mean(l.load) || 1))),
    };
  });
  return { window, cvImportance: mean(per.map((p) => p.cvImp)), cvLoad: mean(per.map((p) => p.cvLoad)), maxOverMeanLoad: mean(per.map((p) => p.maxMean)) };
}

function cvOf(v: readonly number[]): number {
  const m = mean(v);
  return Math.sqrt(mean(v.map((x) => (x - m) ** 2))) / (m || 1);
}

/**
 * Trains (or resumes, or skips) one run and evaluates it; returns its result, or null when it was
 * stopped before its budget (`shouldStop`: it is left resumable).
 */
export async function ensureRun(spec: RunSpec, o: RunOptions): Promise<RunResult | null> {
  const dir = runDir(o.out, spec);
  const budget = budgetLabel(o.budget);
  const done = readResult(dir, budget);
  if (done) {
    o.log(`${spec.id}: finished earlier (${done.steps} steps, test ppl ${done.testPpl.toFixed(2)}), skipped`);
    return done;
  }
  // A result of another budget is kept beside the run (the run continues to this budget).
  const other = readResult(dir);
  if (other) renameSync(join(dir, 'result.json'), join(dir, `result.${other.budget}.json`));
  const loaded = await loadModelFile(spec.modelFile);
  const overrides = { ...spec.overrides, ...o.extra(spec) };
  const resume = existsSync(checkpointPath(dir));
  const backend = await selectBackend(o.backend, o.log);
  let endStep = 0;
  let steps: number;
  try {
    // A resumed run keeps its own options (config.json); a fresh one traces the model here.
    const traced = resume ? undefined : { graph: traceModel(loaded.model, overrides), options: resolveOptions(loaded.model, overrides) };
    const options = traced?.options ?? (JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { options: ModelOptions }).options;
    const tokensPerStep = Number(options.T) * Number(options.B);
    const budgetSteps = 'tokens' in o.budget ? { steps: Math.ceil(o.budget.tokens / tokensPerStep) } : { epochs: o.budget.epochs };
    const result = await runSession({
      model: loaded.model,
      ...(traced ? { traced } : {}),
      modelFile: loaded.path,
      modelSource: readFileSync(loaded.path, 'utf8'),
      overrides,
      data: 'sotu',
      backend,
      optimizer: { name: 'factored-adam', lr: o.lr },
      recompute: 'experts',
      seed: o.seed,
      ...budgetSteps,
      outDir: dir,
      resume,
      ...(resume ? {} : { force: true }),
      keep: 2,
      validateEvery: o.validEvery,
      validBatches: o.validBatches,
      checkpointEvery: o.checkpointEvery,
      onStart: (info) => {
        endStep = info.endStep;
        o.log(`${spec.id}: ${resume ? `resuming at step ${info.startStep}` : 'starting'} → ${info.endStep} steps (${info.batchesPerEpoch} batches per epoch) in ${dir}`);
        if (info.startStep > info.endStep) throw new Error(`${dir} has trained ${info.startStep} steps, beyond this budget's ${info.endStep}: give a larger budget or another --out`);
      },
      onRecord: (r: TrainRecord | ValidRecord) => {
        if (r.kind === 'valid') o.log(`${spec.id}: step ${r.step}: validation perplexity ${r.ppl.toFixed(2)}`);
        else if (r.step % o.validEvery === 0) o.log(`${spec.id}: step ${r.step}/${endStep}: train ppl ${r.ppl.toFixed(1)}, ${r.tokensPerSec.toFixed(0)} tokens/s`);
      },
      shouldStop: o.shouldStop,
    });
    steps = result.steps;
  } finally {
    if (backend.kind === 'webgpu') releaseDevice(backend.device);
  }
  if (steps < endStep) {
    o.log(`${spec.id}: stopped at step ${steps} of ${endStep}; run again to continue`);
    return null;
  }
  const t0 = performance.now();
  const report = await evalCommand(checkpointPath(dir), { split: 'test', backend: o.backend, json: true, ...(o.evalBatches !== undefined ? { maxBatches: o.evalBatches } : {}) }, () => {});
  const evalSeconds = (performance.now() - t0) / 1000;
  const run = readRun(dir, o.log);
  const last = run.train.at(-1);
  if (!last) throw new Error(`${dir}/metrics.jsonl has no training record after ${steps} steps`);
  const config = run.config as { options: ModelOptions; model: string };
  const graph = traceModel(loaded.model, config.options);
  const layers = Object.values(report.moe);
  const share = layers[0]?.loadShare;
  const res: RunResult = {
    id: spec.id,
    label: spec.label,
    model: config.model,
    modelFile: spec.modelFile,
    options: config.options,
    experts: spec.experts,
    wImportance: Number(config.options.wImportance ?? spec.wImportance),
    wLoad: Number(config.options.wLoad ?? spec.wLoad),
    budget,
    steps,
    trainTokens: last.tokens,
    trainSeconds: last.time,
    tokensPerSec: last.tokens / last.time,
    evalSeconds,
    lastTrainPpl: last.ppl,
    lastValidPpl: run.valid.at(-1)?.ppl ?? null,
    testPpl: report.ppl,
    testTokens: report.tokens,
    unigramPpl: report.unigramPpl,
    testLoad: share && share.length > 1 ? { cv: cvOf(share), maxOverMean: Math.max(...share) / mean(share) } : null,
    balance: balanceStats(run.train),
    cost: modelCost(compileGraph(graph).graph),
    backend: report.backend,
    adapter: report.adapter,
    commit: o.commit,
    finished: new Date().toISOString(),
  };
  writeFileAtomic(join(dir, 'result.json'), Buffer.from(`${JSON.stringify(res, null, 2)}\n`));
  o.log(`${spec.id}: test perplexity ${res.testPpl.toFixed(2)} (unigram ${res.unigramPpl.toFixed(2)}) after ${steps} steps, ${res.tokensPerSec.toFixed(0)} tokens/s`);
  return res;
}
