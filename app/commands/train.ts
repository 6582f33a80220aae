/**
 * `moec train`: trains a model file on a corpus (app/train-session.ts) and shows progress — first
 * "compiling N kernels…" (lavapipe JIT-compiles every WebGPU kernel before the first step; on a
 * terminal the bar counts them), then a progress bar (cli-progress) with tokens/s over the last
 * two seconds (app/rate-window.ts), loss, perplexity, the last validation perplexity, CV² of
 * importance and load, elapsed time and ETA on a terminal; one plain line per logged step otherwise
 * (CI logs, pipes). Ctrl-C stops cleanly
 * after the current step and writes a checkpoint; a second Ctrl-C exits at once.
 */
import cliProgress from 'cli-progress';
import { resolve } from 'node:path';
import { parseSetArgs } from '../../frontend/model.ts';
import type { OptimizerConfig } from '../../passes/optimizer.ts';
import type { RecomputePolicy } from '../../passes/recompute.ts';
import { adapterName, selectBackend, type BackendName } from '../../runtime/backend.ts';
import { BUILTIN_CORPORA, type BuiltinCorpus, type CorpusName } from '../../runtime/data/corpus.ts';
import { textCorpusLabel, textCorpusSpec, type SplitFractions } from '../../runtime/data/text-corpus.ts';
import type { TrainRecord, ValidRecord } from '../../runtime/train-loop.ts';
import type { TokenizerKind } from '../../runtime/data/text-codec.ts';
import { rateWindow } from '../rate-window.ts';
import { checkpointPath, runSession } from '../train-session.ts';
import { loadCheckpoint } from '../../runtime/checkpoint.ts';
import { existsSync, readFileSync } from 'node:fs';
import { loadModelFile } from '../load-model.ts';
import { releaseDevice } from '../../runtime/device.ts';
import { resolveOptions, traceModel, type Model, type ModelOptions } from '../../frontend/model.ts';
import type { Graph } from '../../ir/graph.ts';
import { describeGraphDifference } from '../../ir/graph-diff.ts';
import { checkOptionKeys, checkTensorSizes, validateModelOptions } from '../../frontend/option-limits.ts';

/** Options of `moec train`. */
export interface TrainCommandOptions {
  readonly data: CorpusName;
  /** `--tokenizer`: word (default for a fresh run) or bpe; a resumed run keeps its own. */
  readonly tokenizer?: TokenizerKind;
  /** Train/valid/test fractions of a text corpus given by path (`--split`). */
  readonly split?: SplitFractions;
  readonly steps?: number;
  readonly epochs?: number;
  readonly out?: string;
  readonly set: readonly string[];
  readonly backend: BackendName;
  readonly optimizer: OptimizerConfig['name'];
  readonly lr: number;
  readonly recompute: RecomputePolicy;
  readonly seed: number;
  readonly resume: boolean;
  readonly validEvery: number;
  readonly validBatches: number;
  readonly checkpointEvery: number;
  readonly logEvery: number;
  /** Expert parallelism over N simulated devices, and the per-device memory budget. */
  readonly devices?: number;
  readonly deviceMemory?: number;
  /** With no --resume: move a run already in the directory aside (never deleted) instead of refusing. */
  readonly force?: boolean;
  /** Checkpoints kept: the newest and the ones before it. */
  readonly keep?: number;
  /** Options given on the command line (a resume takes the others from the checkpoint). */
  readonly explicit?: readonly string[];
}

/** The corpus spec `--data` (and `--split`) name: a built-in corpus, or a text corpus path with its split. */
function corpusSpec(o: Pick<TrainCommandOptions, 'data' | 'split'>): CorpusName {
  return BUILTIN_CORPORA.includes(o.data as BuiltinCorpus) ? o.data : textCorpusSpec(o.data, o.split);
}

/** A short label of a corpus spec (run directory names, messages). */
function corpusLabel(spec: CorpusName): string {
  return BUILTIN_CORPORA.includes(spec as BuiltinCorpus) ? spec : textCorpusLabel(spec);
}

/** A model name as one safe path component (a name can never escape the runs folder). */
export function runDirName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[.]+/, '_');
  return safe === '' ? 'model' : safe.slice(0, 100);
}

function moeSummary(r: TrainRecord): { cvImp: number; cvLoad: number } {
  const layers = Object.values(r.moe);
  if (layers.length === 0) return { cvImp: 0, cvLoad: 0 };
  return { cvImp: Math.max(...layers.map((l) => l.cvImportance)), cvLoad: Math.max(...layers.map((l) => l.cvLoad)) };
}

/** The model a run trains: traced from the named file (fresh run) or the checkpoint's IR (resume). */
interface RunModel {
  readonly graph: Graph;
  readonly options: ModelOptions;
  readonly name: string;
  readonly model?: Model;
  readonly modelFile: string;
  readonly modelSource?: string;
}

/**
 * Resolves what `--resume` continues: the checkpoint's IR, options, corpus and optimizer settings.
 * An explicitly given option that disagrees with the checkpoint is an error naming both values;
 * a model file, when named, is imported and its traced IR must equal the stored one.
 */
async function resumeModel(file: string | undefined, outDir: string, o: TrainCommandOptions, explicit: Set<string>): Promise<{ run: RunModel; data: CorpusName; optimizer: OptimizerConfig; recompute: RecomputePolicy; seed: number }> {
  const ckFile = checkpointPath(outDir);
  if (!existsSync(ckFile)) throw new Error(`--resume: no checkpoint at ${ckFile}`);
  const meta = loadCheckpoint(ckFile).meta;
  const stored = meta.modelOptions as ModelOptions;
  const conflicts: string[] = [];
  const sets = parseSetArgs(o.set);
  for (const [k, v] of Object.entries(sets)) {
    if (!Object.hasOwn(stored, k)) conflicts.push(`--set ${k}=${String(v)}: the checkpoint's model has no option ${k}`);
    else if (String(stored[k]) !== String(v)) conflicts.push(`--set ${k}=${String(v)} but the checkpoint was trained with ${k}=${String(stored[k])}`);
  }
  const corpus = (meta.dataPosition as { corpus?: CorpusName } | null)?.corpus ?? o.data;
  if (explicit.has('data') && corpusSpec(o) !== corpus) conflicts.push(`--data ${o.data} but the run trained on ${corpusLabel(corpus)}`);
  const saved = meta.optimizer as OptimizerConfig & { recompute?: RecomputePolicy };
  if (explicit.has('optimizer') && o.optimizer !== saved.name) conflicts.push(`--optimizer ${o.optimizer} but the run used ${saved.name}`);
  if (explicit.has('lr') && o.lr !== saved.lr) conflicts.push(`--lr ${o.lr} but the run used ${saved.lr}`);
  if (explicit.has('recompute') && saved.recompute && o.recompute !== saved.recompute) conflicts.push(`--recompute ${o.recompute} but the run used ${saved.recompute}`);
  if (explicit.has('seed') && o.seed !== meta.seed) conflicts.push(`--seed ${o.seed} but the run used ${meta.seed}`);
  if (conflicts.length > 0) throw new Error(`--resume of ${ckFile} conflicts with the command line: ${conflicts.join('; ')}. Drop these options to continue the run as it was, or start a new run (--out, or --force without --resume)`);
  let run: RunModel;
  if (file !== undefined) {
    // The user named a model file: import it and check it is the checkpoint's model.
    const loaded = await loadModelFile(file);
    const graph = traceModel(loaded.model, stored);
    if (meta.graph) {
      const diff = describeGraphDifference(meta.graph, graph, 'the checkpoint', file);
      if (diff) throw new Error(`--resume: ${file} is not the model of ${ckFile}: ${diff}. Resume without naming a model file to continue the checkpoint's own model`);
    }
    run = { graph: meta.graph ?? graph, options: stored, name: String(loaded.model.name), model: loaded.model, modelFile: loaded.path, modelSource: readFileSync(loaded.path, 'utf8') };
  } else {
    if (!meta.graph) throw new Error(`${ckFile} was written by an older moec and holds no model IR: resume it by naming its model file (moec train <model> --resume)`);
    if (o.devices !== undefined || o.deviceMemory !== undefined) throw new Error('--resume with --devices or --device-memory compiles from the model file: name it (moec train <model> --resume ...)');
    run = { graph: meta.graph, options: stored, name: String(meta.graph.meta.name ?? 'model'), modelFile: meta.modelFile, ...(meta.modelSource !== undefined ? { modelSource: meta.modelSource } : {}) };
  }
  checkTensorSizes(run.graph, run.name);
  return {
    run,
    data: corpus,
    optimizer: { name: saved.name, lr: saved.lr } as OptimizerConfig,
    recompute: saved.recompute ?? o.recompute,
    seed: meta.seed,
  };
}

/** Runs `moec train`: `file` is the model file (optional with `--resume`: the checkpoint holds the model). */
export async function trainCommand(file: string | undefined, o: TrainCommandOptions, write: (s: string) => void): Promise<void> {
  if (o.steps !== undefined && o.epochs !== undefined) throw new Error('give --steps or --epochs, not both');
  if (o.resume && o.force) throw new Error('give --resume (continue the run) or --force (move it aside and start over), not both');
  const explicit = new Set(o.explicit ?? []);
  let run: RunModel;
  let data = corpusSpec(o);
  let optimizer: OptimizerConfig = { name: o.optimizer, lr: o.lr };
  let recompute = o.recompute;
  let seed = o.seed;
  let outDir: string;
  if (o.resume) {
    if (o.out === undefined && file === undefined) throw new Error('--resume without a model file needs --out <run directory>');
    const defaultName = file !== undefined && o.out === undefined ? String((await loadModelFile(file)).model.name) : '';
    outDir = resolve(o.out ?? `runs/${runDirName(defaultName)}-${runDirName(corpusLabel(data))}`);
    ({ run, data, optimizer, recompute, seed } = await resumeModel(file, outDir, o, explicit));
  } else {
    if (file === undefined) throw new Error('name the model file to train (moec train <model>), or continue a run with --resume --out <dir>');
    const loaded = await loadModelFile(file);
    const overrides = parseSetArgs(o.set);
    checkOptionKeys(loaded.model, o.set);
    const options = resolveOptions(loaded.model, overrides);
    validateModelOptions(loaded.model, options);
    const graph = traceModel(loaded.model, overrides);
    checkTensorSizes(graph, String(loaded.model.name));
    run = { graph, options, name: String(loaded.model.name), model: loaded.model, modelFile: loaded.path, modelSource: readFileSync(loaded.path, 'utf8') };
    outDir = resolve(o.out ?? `runs/${runDirName(run.name)}-${runDirName(corpusLabel(data))}`);
  }
  const backend = await selectBackend(o.backend, (line) => process.stderr.write(`${line}\n`));
  const compiledBefore = backend.kind === 'webgpu' ? (backend.device.pipelines?.compiled ?? 0) : 0;
  let stopRequested = false;
  const onSigint = (): void => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    process.stderr.write('\nmoec: stopping after this step (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);
  const tty = Boolean(process.stderr.isTTY);
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: 'step {value}/{total} |{bar}| {status}{tps} tok/s  loss {loss}  ppl {ppl}  valid ppl {vppl}  CV²imp {cvImp}  CV²load {cvLoad}  {duration_formatted} elapsed  ETA {eta_formatted}', hideCursor: true, stream: process.stderr, etaBuffer: 50 },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let endStep = 0;
  let validLine = '';
  const rate = rateWindow(2);
  let compileTimer: ReturnType<typeof setInterval> | undefined;
  const stopCompileTimer = (): void => {
    if (compileTimer) clearInterval(compileTimer);
    compileTimer = undefined;
  };
  const onRecord = (r: TrainRecord | ValidRecord): void => {
    if (r.kind === 'valid') {
      validLine = `valid ppl ${r.ppl.toFixed(2)} at step ${r.step}`;
      if (bar) bar.update({ vppl: r.ppl.toFixed(1) });
      else write(`step ${r.step}: validation loss ${r.loss.toFixed(4)}, perplexity ${r.ppl.toFixed(2)}\n`);
      return;
    }
    stopCompileTimer();
    const m = moeSummary(r);
    const tps = rate.push(r.time, r.tokens) ?? r.tokensPerSec;
    const fields = { status: '', tps: tps.toFixed(0), loss: r.loss.toFixed(3), ppl: r.ppl.toFixed(1), cvImp: m.cvImp.toFixed(3), cvLoad: m.cvLoad.toFixed(4) };
    if (bar) bar.update(r.step, fields);
    else if (r.step % o.logEvery === 0 || r.step === endStep) {
      write(`step ${r.step}/${endStep}: loss ${fields.loss}, ppl ${fields.ppl}, ${fields.tps} tokens/s, CV²(importance) ${fields.cvImp}, CV²(load) ${fields.cvLoad}\n`);
    }
  };
  try {
    const result = await runSession({
      ...(run.model ? { model: run.model } : {}),
      traced: { graph: run.graph, options: run.options },
      modelFile: run.modelFile,
      ...(run.modelSource !== undefined ? { modelSource: run.modelSource } : {}),
      overrides: {},
      data,
      ...(o.tokenizer !== undefined ? { tokenizer: o.tokenizer } : {}),
      backend,
      ...(o.devices !== undefined ? { devices: o.devices } : {}),
      ...(o.deviceMemory !== undefined ? { deviceMemory: o.deviceMemory } : {}),
      optimizer,
      recompute,
      seed,
      ...(o.steps !== undefined ? { steps: o.steps } : {}),
      ...(o.epochs !== undefined ? { epochs: o.epochs } : {}),
      outDir,
      resume: o.resume,
      ...(o.force ? { force: true } : {}),
      ...(o.keep !== undefined ? { keep: o.keep } : {}),
      validateEvery: o.validEvery,
      validBatches: o.validBatches,
      checkpointEvery: o.checkpointEvery,
      onRecord,
      onStart: (info) => {
        endStep = info.endStep;
        const where = adapterName(backend) ?? 'cpu';
        write(`training ${run.name} on ${corpusLabel(data)} (${info.vocabSize} ${info.tokenizer === 'bpe' ? 'BPE tokens' : 'words'}, ${info.batchesPerEpoch} batches per epoch) on ${where}: steps ${info.startStep} → ${info.endStep}, run directory ${outDir}\n`);
        if (info.kernels > 0) write(`compiling ${info.kernels} kernels… (the WebGPU driver compiles each once; training starts after)\n`);
        const status = (): string => (info.kernels > 0 && backend.kind === 'webgpu' ? `compiling ${Math.min(info.kernels, (backend.device.pipelines?.compiled ?? compiledBefore) - compiledBefore)}/${info.kernels} kernels…  ` : '');
        bar?.start(info.endStep, info.startStep, { status: status(), tps: '-', loss: '-', ppl: '-', vppl: '-', cvImp: '-', cvLoad: '-' });
        if (bar && info.kernels > 0) compileTimer = setInterval(() => bar.update({ status: status() }), 250);
      },
      shouldStop: () => stopRequested,
    });
    bar?.stop();
    const t = result.lastTrain;
    write(
      `done: ${result.steps} steps${t ? `, train loss ${t.loss.toFixed(4)} (ppl ${t.ppl.toFixed(2)}), ${t.tokensPerSec.toFixed(0)} tokens/s` : ''}${validLine ? `, ${validLine}` : ''}; checkpoint ${result.checkpoint}\n`,
    );
  } finally {
    stopCompileTimer();
    bar?.stop();
    if (backend.kind === 'webgpu') releaseDevice(backend.device);
    process.off('SIGINT', onSigint);
  }
}
