/**
 * The results of `moec reproduce`, gathered from the run directories under --out only (so the page
 * can be rebuilt at any time, also while or after a background run trains): each run's
 * `result.json` when it finished, else its progress from `metrics.jsonl`; the Table 7 and Table 6
 * rows beside the paper's numbers (paper-tables.json, read here with its source); the Table 9
 * analog from `<out>/table9.json`. Written as `<out>/results.json` atomically.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../runtime/checkpoint.ts';
import { readRun } from '../../runtime/report/index.ts';
import type { ExpertContexts } from './expert-contexts.ts';
import { readResult, runDir, type RunResult } from './run-one.ts';
import { runsFor, TABLE6, TABLE7, TABLE9_RUN, type ReproduceTarget, type RunSpec } from './series.ts';

/** A Table 7 row of the paper. */
export interface PaperTable7Row {
  readonly model: string;
  readonly experts: number | null;
  readonly testPpl10Epochs: number;
  readonly opsPerTimestepM: number;
  readonly paramsExclEmbedSoftmaxM: number;
  readonly totalParamsB: number;
  readonly tflopsPerGpu: number;
}

/** A Table 6 row of the paper. */
export interface PaperTable6Row {
  readonly wImportance: number;
  readonly wLoad: number;
  readonly testPpl: number;
  readonly cvImportance: number;
  readonly cvLoad: number;
  readonly maxOverMeanLoad: number;
}

/** paper-tables.json. */
export interface PaperTables {
  readonly source: string;
  readonly table7: { readonly caption: string; readonly rows: readonly PaperTable7Row[] };
  readonly table6: { readonly caption: string; readonly rows: readonly PaperTable6Row[] };
}

/** The paper's numbers (app/reproduce/paper-tables.json). */
export function paperTables(): PaperTables {
  return JSON.parse(readFileSync(new URL('./paper-tables.json', import.meta.url), 'utf8')) as PaperTables;
}

/** Where a run stands. */
export interface RunStatus {
  readonly id: string;
  readonly label: string;
  readonly status: 'finished' | 'partial' | 'missing';
  /** Steps logged so far (partial runs). */
  readonly step: number;
  readonly result: RunResult | null;
}

/** Everything the page and the README section show. */
export interface ReproduceResults {
  readonly generated: string;
  readonly target: ReproduceTarget;
  readonly budget: string | null;
  readonly commits: readonly string[];
  readonly paperSource: string;
  readonly runs: readonly RunStatus[];
  readonly table7: readonly { readonly spec: RunSpec; readonly run: RunStatus; readonly paper: PaperTable7Row | null }[];
  readonly table6: readonly { readonly spec: RunSpec; readonly run: RunStatus; readonly paper: PaperTable6Row | null }[];
  readonly table9: ExpertContexts | null;
  /** Training + evaluation seconds of the finished runs. */
  readonly wallSeconds: number;
}

/** The status of one run directory. */
export function runStatus(out: string, spec: RunSpec, budget?: string): RunStatus {
  const dir = runDir(out, spec);
  const result = readResult(dir, budget);
  if (result) return { id: spec.id, label: spec.label, status: 'finished', step: result.steps, result };
  if (!existsSync(join(dir, 'metrics.jsonl'))) return { id: spec.id, label: spec.label, status: 'missing', step: 0, result: null };
  let step = 0;
  try {
    step = readRun(dir, () => {}).train.at(-1)?.step ?? 0;
  } catch {
    /* unreadable metrics: shown as step 0 */
  }
  return { id: spec.id, label: spec.label, status: 'partial', step, result: null };
}

/** The Table 9 file of an output folder. */
export function table9File(out: string): string {
  return join(out, 'table9.json');
}

/** Gathers the results of `target` from the run directories under `out` (budget: only results of it count). */
export function collectResults(out: string, target: ReproduceTarget, budget: string | null): ReproduceResults {
  const paper = paperTables();
  const wanted = new Set(runsFor(target).map((r) => r.id));
  const status = new Map(runsFor(target).map((s) => [s.id, runStatus(out, s, budget ?? undefined)]));
  const runs = [...status.values()];
  const table7 = target === 'table7' || target === 'all' ? TABLE7.filter((s) => wanted.has(s.id)).map((spec) => ({ spec, run: status.get(spec.id)!, paper: paper.table7.rows.find((r) => r.model === spec.paperModel) ?? null })) : [];
  const table6 = target === 'table6' || target === 'all' ? TABLE6.filter((s) => wanted.has(s.id)).map((spec) => ({ spec, run: status.get(spec.id)!, paper: paper.table6.rows.find((r) => r.wImportance === spec.wImportance && r.wLoad === spec.wLoad) ?? null })) : [];
  let table9: ExpertContexts | null = null;
  if ((target === 'table9' || target === 'all') && existsSync(table9File(out))) {
    const t = JSON.parse(readFileSync(table9File(out), 'utf8')) as ExpertContexts;
    const r = status.get(TABLE9_RUN.id)?.result;
    if (r && t.step === r.steps) table9 = t;
  }
  const finished = runs.flatMap((r) => (r.result ? [r.result] : []));
  return {
    generated: new Date().toISOString(),
    target,
    budget,
    commits: [...new Set(finished.map((r) => r.commit))],
    paperSource: paper.source,
    runs,
    table7,
    table6,
    table9,
    wallSeconds: finished.reduce((a, r) => a + r.trainSeconds + r.evalSeconds, 0),
  };
}

/** Writes `<out>/results.json` atomically; returns its path. */
export function writeResults(out: string, r: ReproduceResults): string {
  const file = join(out, 'results.json');
  writeFileAtomic(file, Buffer.from(`${JSON.stringify(r, null, 2)}\n`));
  return file;
}
