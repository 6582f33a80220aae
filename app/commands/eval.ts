/**
 * `moec eval`: evaluates a checkpoint on a split of its corpus. The checkpoint holds its model as
 * data (the traced IR, validated on load), its options and vocabulary, so the model is rebuilt
 * exactly and no code is ever imported: a model file is imported only when the user names it with
 * `--model`, and then its traced IR must equal the checkpoint's or the command refuses, saying
 * what differs; the forward runs in evaluation mode (no
 * noise, no dropout) over the whole split with the LSTM state carried across batches. Reports the
 * perplexity, the unigram baseline's perplexity on the same split and vocabulary (an honest floor
 * to beat), and each MoE layer's per-expert load share and its CV².
 */
import cliProgress from 'cli-progress';
import { compileGraph } from '../../compiler/pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { traceModel, type ModelOptions } from '../../frontend/model.ts';
import { adapterName, selectBackend, type BackendName } from '../../runtime/backend.ts';
import { loadCheckpoint } from '../../runtime/checkpoint.ts';
import { loadCorpus, type CorpusName, type SplitName } from '../../runtime/data/corpus.ts';
import { codecFromJson } from '../../runtime/data/text-codec.ts';
import { fitUnigram, unigramPerplexity } from '../../runtime/data/unigram.ts';
import { evaluateStream, prepareEvaluator } from '../../runtime/evaluator.ts';
import { loadModelFile } from '../load-model.ts';
import { releaseDevice } from '../../runtime/device.ts';
import { describeGraphDifference } from '../../ir/graph-diff.ts';
import { checkTensorSizes } from '../../frontend/option-limits.ts';
import { loweringLimitsOf } from '../tuning-file.ts';

/** Options of `moec eval`. */
export interface EvalCommandOptions {
  readonly data?: CorpusName;
  readonly split: SplitName;
  readonly backend: BackendName;
  readonly json: boolean;
  readonly maxBatches?: number;
  /** A model file named by the user: imported and checked against the checkpoint's IR. */
  readonly model?: string;
}

/** The JSON `moec eval --json` prints. */
export interface EvalReport {
  readonly checkpoint: string;
  readonly step: number;
  readonly data: string;
  readonly split: SplitName;
  readonly backend: string;
  readonly adapter: string | null;
  readonly tokens: number;
  readonly loss: number;
  readonly ppl: number;
  readonly unigramPpl: number;
  readonly moe: Record<string, { loadShare: number[]; cvLoad: number }>;
}

/** Runs `moec eval`. */
export async function evalCommand(checkpoint: string, o: EvalCommandOptions, write: (s: string) => void): Promise<EvalReport> {
  const ck = loadCheckpoint(checkpoint);
  const data = o.data ?? ((ck.meta.dataPosition as { corpus?: CorpusName } | null)?.corpus ?? 'sotu');
  const options = ck.meta.modelOptions as ModelOptions;
  let traced = ck.meta.graph;
  if (o.model !== undefined) {
    const loaded = await loadModelFile(o.model);
    const fromFile = traceModel(loaded.model, options);
    if (traced) {
      const diff = describeGraphDifference(traced, fromFile, 'the checkpoint', o.model);
      if (diff) throw new Error(`--model ${o.model} is not the model of ${checkpoint}: ${diff}. Evaluate without --model to use the checkpoint's own model`);
    }
    traced ??= fromFile;
  }
  if (!traced) throw new Error(`${checkpoint} was written by an older moec and holds no model IR: name its model file with --model <path> (it is imported and run)`);
  // The stored IR is data from a file: no tensor it declares may exceed the per-tensor limit.
  checkTensorSizes(traced, String(traced.meta.name ?? checkpoint));
  const forward = compileGraph(traced).graph;
  const backend = await selectBackend(o.backend, (line) => process.stderr.write(`${line}\n`));
  const plan = lowerToWebGpu(forward, loweringLimitsOf(backend));
  const params = Object.fromEntries(plan.inputs.filter((i) => i.role === 'param').map((i) => {
    const t = ck.tensors[i.name];
    if (!t) throw new Error(`checkpoint ${checkpoint} has no parameter '${i.name}' that its model needs`);
    return [i.name, t];
  }));
  const vocab = codecFromJson(ck.meta.vocabulary);
  const corpus = loadCorpus(data);
  const ids = vocab.encodeDocuments(corpus.splits[o.split].map((d) => d.text));
  const trainIds = vocab.encodeDocuments(corpus.splits.train.map((d) => d.text));
  const moeLayers = forward.outputs.filter((x) => x.name.endsWith('.load')).map((x) => x.name.slice(0, -'.load'.length));
  const ev = await prepareEvaluator(backend, plan);
  try {
    ev.setParams(params);
    // A progress bar on a terminal (stderr), nothing otherwise.
    const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: 'eval |{bar}| {value}/{total} batches  ETA {eta_formatted}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic) : null;
    let r;
    try {
      r = await evaluateStream(ev, plan, ids, { T: Number(options.T), B: Number(options.B) }, moeLayers, o.maxBatches, (done, total) => {
        if (done === 1) bar?.start(total, 0);
        bar?.update(done);
      });
    } finally {
      bar?.stop();
    }
    const unigramPpl = unigramPerplexity(fitUnigram(trainIds, vocab.size), ids);
    const moe = Object.fromEntries(
      Object.entries(r.moe).map(([name, m]) => {
        const total = m.load.reduce((a, b) => a + b, 0) || 1;
        return [name, { loadShare: m.load.map((x) => x / total), cvLoad: m.cvLoad }];
      }),
    );
    const report: EvalReport = {
      checkpoint,
      step: ck.meta.step,
      data,
      split: o.split,
      backend: backend.kind,
      adapter: adapterName(backend),
      tokens: r.tokens,
      loss: r.loss,
      ppl: r.ppl,
      unigramPpl,
      moe,
    };
    if (o.json) write(`${JSON.stringify(report)}\n`);
    else {
      write(`${checkpoint} (step ${report.step}) on ${data} ${o.split}: ${r.tokens} tokens, perplexity ${r.ppl.toFixed(2)} (unigram baseline ${unigramPpl.toFixed(2)})\n`);
      for (const [name, m] of Object.entries(moe)) {
        write(`${name}: CV²(load) ${m.cvLoad.toFixed(4)}; load share per expert ${m.loadShare.map((x) => (100 * x).toFixed(1) + '%').join(' ')}\n`);
      }
    }
    return report;
  } finally {
    ev.destroy();
    if (backend.kind === 'webgpu') releaseDevice(backend.device);
  }
}
