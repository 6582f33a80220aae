/**
 * `moec train`: trains a model file on a corpus (runtime/train-session.ts) and shows progress — a
 * progress bar (cli-progress) with tokens/s, loss, perplexity, CV² of importance and load, and ETA
 * on a terminal; one plain line per logged step otherwise (CI logs, pipes). Ctrl-C stops cleanly
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
import { checkpointPath, runSession } from '../../runtime/train-session.ts';
import { loadCheckpoint } from '../../runtime/checkpoint.ts';
import { existsSync } from 'node:fs';
import { loadModelFile } from '../load-model.ts';

/** Options of `moec train`. */
export interface TrainCommandOptions {
  /** A built-in corpus name or a path to your own text. */
  readonly data: CorpusName;
  /** With a path: the train,validation,test fractions. */
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
  /** Options given on the command line (a resume takes the others from the checkpoint). */
  readonly explicit?: readonly string[];
}

function moeSummary(r: TrainRecord): { cvImp: number; cvLoad: number } {
  const layers = Object.values(r.moe);
  if (layers.length === 0) return { cvImp: 0, cvLoad: 0 };
  return { cvImp: Math.max(...layers.map((l) => l.cvImportance)), cvLoad: Math.max(...layers.map((l) => l.cvLoad)) };
}

/** Runs `moec train`. */
export async function trainCommand(file: string, o: TrainCommandOptions, write: (s: string) => void): Promise<void> {
  if (o.steps !== undefined && o.epochs !== undefined) throw new Error('give --steps or --epochs, not both');
  const loaded = await loadModelFile(file);
  const backend = await selectBackend(o.backend, (line) => process.stderr.write(`${line}\n`));
  const builtin = BUILTIN_CORPORA.includes(o.data as BuiltinCorpus);
  const data = builtin ? o.data : textCorpusSpec(o.data, o.split);
  const dataLabel = builtin ? o.data : textCorpusLabel(data);
  const outDir = resolve(o.out ?? `runs/${String(loaded.model.name)}-${dataLabel}`);
  let optimizer: OptimizerConfig = { name: o.optimizer, lr: o.lr };
  let recompute = o.recompute;
  let seed = o.seed;
  if (o.resume && existsSync(checkpointPath(outDir))) {
    // Continue exactly as the run was configured, unless an option is given again explicitly.
    const meta = loadCheckpoint(checkpointPath(outDir)).meta;
    const saved = meta.optimizer as OptimizerConfig & { recompute?: RecomputePolicy };
    const explicit = new Set(o.explicit ?? []);
    if (!explicit.has('optimizer') && !explicit.has('lr')) optimizer = { name: saved.name, lr: saved.lr } as OptimizerConfig;
    if (!explicit.has('recompute') && saved.recompute) recompute = saved.recompute;
    if (!explicit.has('seed')) seed = meta.seed;
  }
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
        { format: 'step {value}/{total} |{bar}| {tps} tok/s  loss {loss}  ppl {ppl}  CV²imp {cvImp}  CV²load {cvLoad}  ETA {eta_formatted}', hideCursor: true, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let endStep = 0;
  let validLine = '';
  const onRecord = (r: TrainRecord | ValidRecord): void => {
    if (r.kind === 'valid') {
      validLine = `valid ppl ${r.ppl.toFixed(2)} at step ${r.step}`;
      if (!bar) write(`step ${r.step}: validation loss ${r.loss.toFixed(4)}, perplexity ${r.ppl.toFixed(2)}\n`);
      return;
    }
    const m = moeSummary(r);
    const fields = { tps: r.tokensPerSec.toFixed(0), loss: r.loss.toFixed(3), ppl: r.ppl.toFixed(1), cvImp: m.cvImp.toFixed(3), cvLoad: m.cvLoad.toFixed(4) };
    if (bar) bar.update(r.step, fields);
    else if (r.step % o.logEvery === 0 || r.step === endStep) {
      write(`step ${r.step}/${endStep}: loss ${fields.loss}, ppl ${fields.ppl}, ${fields.tps} tokens/s, CV²(importance) ${fields.cvImp}, CV²(load) ${fields.cvLoad}\n`);
    }
  };
  try {
    const result = await runSession({
      model: loaded.model,
      modelFile: loaded.path,
      overrides: parseSetArgs(o.set),
      data,
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
      validateEvery: o.validEvery,
      validBatches: o.validBatches,
      checkpointEvery: o.checkpointEvery,
      onRecord,
      onStart: (info) => {
        endStep = info.endStep;
        const where = adapterName(backend) ?? 'cpu';
        write(`training ${loaded.model.name} on ${dataLabel} (${info.vocabSize} words, ${info.batchesPerEpoch} batches per epoch) on ${where}: steps ${info.startStep} → ${info.endStep}, run directory ${outDir}\n`);
        bar?.start(info.endStep, info.startStep, { tps: '-', loss: '-', ppl: '-', cvImp: '-', cvLoad: '-' });
      },
      shouldStop: () => stopRequested,
    });
    bar?.stop();
    const t = result.lastTrain;
    write(
      `done: ${result.steps} steps${t ? `, train loss ${t.loss.toFixed(4)} (ppl ${t.ppl.toFixed(2)}), ${t.tokensPerSec.toFixed(0)} tokens/s` : ''}${validLine ? `, ${validLine}` : ''}; checkpoint ${result.checkpoint}\n`,
    );
  } finally {
    bar?.stop();
    process.off('SIGINT', onSigint);
  }
}
