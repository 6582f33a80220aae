/**
 * A training session on a real corpus, as `moec train` runs it (in a run directory it locks and
 * keeps whole: runtime/run-dir.ts), from the model's traced IR (a resume takes the checkpoint's
 * stored IR, never the model's code): builds the tokenizer (word-level or byte-level BPE, runtime/data/text-codec.ts) from the
 * training split (sized by the model's `vocab` option: that many entries including `<unk>` and
 * `<eos>`), traces and compiles the model's training step and its evaluation forward, binds both to
 * the backend, and runs the training loop with validation, metrics (JSONL), checkpoints (safetensors,
 * atomic) and exact resume (parameters, optimizer state, carried LSTM state, step and data
 * position are all in the checkpoint; the noise and dropout draws are keyed by the step). A NaN or
 * infinite loss stops the run, names the first op that produces a non-finite value on the failing
 * batch (re-run on the CPU reference from the last checkpoint), and leaves that checkpoint and the
 * one before it intact (no checkpoint holding a value beyond the f32 range is ever written).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { compileTrainingPlan } from '../compiler/train-pipeline.ts';
import { compileGraph } from '../compiler/pipeline.ts';
import { lowerToWebGpu } from '../compiler/lower/index.ts';
import type { Plan } from '../compiler/plan.ts';
import { resolveOptions, traceModel, type Model, type ModelOptions } from '../frontend/model.ts';
import type { Graph } from '../ir/graph.ts';
import { initParams, interpretValues } from '../ir/interpret.ts';
import type { Tensor } from '../ir/tensor.ts';
import type { OptimizerConfig } from '../passes/optimizer.ts';
import type { RecomputePolicy } from '../passes/recompute.ts';
import type { Backend } from '../runtime/backend.ts';
import { loadCheckpoint, saveCheckpoint, writeFileAtomic, type Checkpoint, type CheckpointMeta } from '../runtime/checkpoint.ts';
import { appendLine, lockRunDir, olderCheckpoint, prepareFreshRunDir, removeOrphanTemporaries, rollBackMetrics, rotateCheckpoints } from '../runtime/run-dir.ts';
import { graphFromJson, graphToJson } from '../ir/json.ts';
import { loadCorpus, type CorpusName } from '../runtime/data/corpus.ts';
import { batchAt, batchFeeds, batchLayout } from '../runtime/data/batches.ts';
import { buildCodec, codecFromJson, type TextCodec, type TokenizerKind } from '../runtime/data/text-codec.ts';
import { prepareEvaluator, evaluateStream } from '../runtime/evaluator.ts';
import { fitUnigram, unigramPerplexity } from '../runtime/data/unigram.ts';
import { runLoop, type LoopState, type TrainRecord, type ValidRecord } from '../runtime/train-loop.ts';
import { carriedState, NonFiniteLossError, prepareTrainer } from '../runtime/trainer.ts';
import { prepareMultiDeviceTrainer } from '../runtime/multi-device/trainer.ts';
import { compileForDevices } from '../compiler/multi-device/capacity.ts';
import { loweringLimitsOf } from './tuning-file.ts';

/** Everything a session needs. */
export interface SessionOptions {
  /**
   * The model as code: traced with `overrides` for a fresh run (and needed for expert parallelism).
   * A resumed run rebuilds from the checkpoint's stored IR and never calls the model's code.
   */
  readonly model?: Model;
  /** The traced model and its options, when the caller traced it (or took it from a checkpoint). */
  readonly traced?: { readonly graph: Graph; readonly options: ModelOptions };
  /** The model file path (recorded in checkpoints for information only). */
  readonly modelFile: string;
  /** The model file's source text (recorded in checkpoints for information only). */
  readonly modelSource?: string;
  /** With `resume` false: move a run already in `outDir` aside instead of refusing. */
  readonly force?: boolean;
  /** Checkpoints kept on disk: the newest and the ones before it (default 2). */
  readonly keep?: number;
  /** `--set` overrides (merged over the model's defaults; `vocab` sizes the vocabulary). */
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly data: CorpusName;
  /** The tokenizer of a fresh run (default word); a resumed run keeps its checkpoint's. */
  readonly tokenizer?: TokenizerKind;
  readonly backend: Backend;
  readonly optimizer: OptimizerConfig;
  readonly recompute: RecomputePolicy;
  readonly seed: number;
  /** Total steps to reach (a resumed run continues up to it), or epochs when `steps` is absent. */
  readonly steps?: number;
  readonly epochs?: number;
  readonly outDir: string;
  readonly resume: boolean;
  readonly validateEvery: number;
  readonly validBatches: number;
  readonly checkpointEvery: number;
  readonly onRecord?: (r: TrainRecord | ValidRecord) => void;
  readonly onStart?: (info: { startStep: number; endStep: number; batchesPerEpoch: number; vocabSize: number; tokenizer: TokenizerKind; kernels: number }) => void;
  readonly shouldStop?: () => boolean;
  /** Expert parallelism over this many simulated devices (CPU backend); absent = one device. */
  readonly devices?: number;
  /** Per-device memory budget in bytes (checked against the device programs). */
  readonly deviceMemory?: number;
}

/** The summary a session returns. */
export interface SessionResult {
  readonly steps: number;
  readonly lastTrain?: TrainRecord;
  readonly lastValid?: ValidRecord;
  readonly checkpoint: string;
  readonly vocabSize: number;
}

/** The checkpoint file of a run directory. */
export function checkpointPath(outDir: string): string {
  return join(outDir, 'checkpoint.safetensors');
}

/** Persistent tensors of a training graph by name, with their types (parameters and state). */
function persistentTypes(g: Graph): Record<string, Tensor['type']> {
  const out: Record<string, Tensor['type']> = {};
  for (const i of g.inputs) if (i.role !== 'input') out[i.name] = g.values.get(i.value)!.type;
  return out;
}

/** The model as code, which expert parallelism still compiles from (it traces per device). */
function multiDeviceModel(o: SessionOptions): Model {
  if (!o.model) throw new Error('expert parallelism (--devices, --device-memory) compiles from the model file: name it on the command line');
  return o.model;
}

/** Finds the first node whose output holds a NaN or infinity, on the CPU reference. */
function firstNonFiniteNode(g: Graph, feeds: Readonly<Record<string, Tensor>>, step: number, seed: number): string | null {
  const values = interpretValues(g, feeds, { seed, step, training: true });
  for (const n of g.nodes) {
    for (const o of n.outputs) {
      const t = values.get(o)!;
      if (t.type.dtype === 'f32' && t.data.some((x) => !Number.isFinite(x))) {
        return `node #${n.id} ${n.op}${n.layer ? ` (layer ${n.layer})` : ''}`;
      }
    }
  }
  return null;
}

/** Runs a training session; see the file comment. */
export async function runSession(o: SessionOptions): Promise<SessionResult> {
  const ckptFile = checkpointPath(o.outDir);
  if (o.resume && !existsSync(ckptFile)) throw new Error(`--resume: no checkpoint at ${ckptFile}`);
  if (!o.resume) prepareFreshRunDir(o.outDir, o.force ?? false);
  mkdirSync(o.outDir, { recursive: true });
  const lock = lockRunDir(o.outDir);
  try {
    removeOrphanTemporaries(o.outDir);
    return await runLocked(o, ckptFile);
  } finally {
    lock.release();
  }
}

/** The model to train: the checkpoint's stored IR on resume, else the caller's traced graph or model. */
function sessionModel(o: SessionOptions, resumed: Checkpoint | null): { graph: Graph; options: ModelOptions } {
  if (resumed) {
    if (!resumed.meta.graph) {
      if (!o.model) throw new Error(`${checkpointPath(o.outDir)} was written by an older moec and holds no model IR; resume it by naming its model file`);
      return { graph: traceModel(o.model, resumed.meta.modelOptions as ModelOptions), options: resumed.meta.modelOptions as ModelOptions };
    }
    return { graph: resumed.meta.graph, options: resumed.meta.modelOptions as ModelOptions };
  }
  if (o.traced) return { graph: o.traced.graph, options: o.traced.options };
  if (!o.model) throw new Error('runSession: give the model (or its traced graph)');
  return { graph: traceModel(o.model, o.overrides), options: resolveOptions(o.model, o.overrides) };
}

async function runLocked(o: SessionOptions, ckptFile: string): Promise<SessionResult> {
  const resumed = o.resume ? loadCheckpoint(ckptFile) : null;
  const model = sessionModel(o, resumed);
  const options: ModelOptions = model.options;
  if (resumed) {
    const corpus = (resumed.meta.dataPosition as { corpus?: string } | null)?.corpus;
    if (corpus !== undefined && corpus !== o.data) throw new Error(`--resume: the run trained on ${corpus} but --data ${o.data} was given; a resumed run continues on its own corpus`);
  }
  if (typeof options.vocab !== 'number' || typeof options.T !== 'number' || typeof options.B !== 'number') {
    throw new Error(`moec train needs a language model with numeric options vocab, T and B; ${o.modelFile} has ${Object.keys(options).join(', ')}`);
  }
  const corpus = loadCorpus(o.data);
  const vocab: TextCodec = resumed ? codecFromJson(resumed.meta.vocabulary) : buildCodec(o.tokenizer ?? 'word', corpus.splits.train.map((d) => d.text), options.vocab);
  if (resumed && o.tokenizer !== undefined && o.tokenizer !== vocab.kind) throw new Error(`--resume: the run was trained with --tokenizer ${vocab.kind} but --tokenizer ${o.tokenizer} was given; a resumed run keeps its tokenizer`);
  if (vocab.size !== options.vocab) throw new Error(`the checkpoint's vocabulary has ${vocab.size} ids but the model has vocab=${options.vocab}`);
  const shape = { T: options.T, B: options.B };
  const trainStream = vocab.encodeDocuments(corpus.splits.train.map((d) => d.text));
  const validStream = vocab.encodeDocuments(corpus.splits.validation.map((d) => d.text));
  const layout = batchLayout(trainStream, shape);
  const endStep = o.steps ?? Math.round((o.epochs ?? 1) * layout.batchesPerEpoch);
  if (!(endStep >= 1)) throw new Error(`--epochs ${o.epochs} is ${endStep} steps: an epoch of ${o.data} has ${layout.batchesPerEpoch} batches of T=${shape.T} × B=${shape.B}; use --epochs ${(1 / layout.batchesPerEpoch).toPrecision(2)} or more, or --steps`);

  // Train from the IR as stored (a JSON round trip), so a fresh run and its resume compute alike.
  const traced = graphFromJson(graphToJson(model.graph));
  // The model at one token per step, stored for generation (no code needed to generate later); a
  // model that cannot be traced so (strictly balanced gating needs several rows) stores none.
  const generationGraph = ((): Graph | undefined => {
    if (!o.model) return resumed?.meta.generationGraph;
    try {
      return traceModel(o.model, { ...options, T: 1, B: 1 });
    } catch {
      return undefined;
    }
  })();
  const limits = loweringLimitsOf(o.backend);
  const { graph, plan } = compileTrainingPlan(traced, { optimizer: o.optimizer, recompute: o.recompute }, limits);
  const forward = compileGraph(traced).graph;
  const evalPlan: Plan = lowerToWebGpu(forward, limits);
  const moeLayers = graph.outputs.filter((x) => x.name.endsWith('.importance')).map((x) => x.name.slice(0, -'.importance'.length));
  const persistent = persistentTypes(graph);
  const carry = carriedState(plan);

  let initial: Record<string, Tensor>;
  let start: LoopState;
  if (resumed) {
    const expect = { ...persistent };
    for (const [, input] of carry) expect[`carry:${input}`] = plan.buffers[plan.inputs.find((i) => i.name === input)!.buffer]!.type;
    const ck = loadCheckpoint(ckptFile, { expect });
    initial = Object.fromEntries(Object.entries(ck.tensors).filter(([k]) => !k.startsWith('carry:')));
    const carried = Object.fromEntries(Object.entries(ck.tensors).filter(([k]) => k.startsWith('carry:')).map(([k, t]) => [k.slice(6), t]));
    start = { step: ck.meta.step, position: (ck.meta.dataPosition as { batch: number }).batch, carry: carried };
  } else {
    initial = initParams(graph, o.seed);
    const zeros: Record<string, Tensor> = {};
    for (const [, input] of carry) {
      const type = plan.buffers[plan.inputs.find((i) => i.name === input)!.buffer]!.type;
      zeros[input] = { type, data: new Float32Array(type.shape.reduce((a, b) => a * b, 1)) };
    }
    start = { step: 0, position: 0, carry: zeros };
    writeFileAtomic(join(o.outDir, 'config.json'), Buffer.from(`${JSON.stringify({ model: String(forward.meta.name ?? o.modelFile), modelFile: o.modelFile, options, optimizer: o.optimizer, recompute: o.recompute, backend: o.backend.kind, seed: o.seed, data: o.data, tokenizer: vocab.kind, vocabSize: vocab.size, unigramValidPpl: unigramPerplexity(fitUnigram(trainStream, vocab.size), validStream), steps: endStep }, null, 2)}\n`));
    writeFileAtomic(join(o.outDir, 'metrics.jsonl'), new Uint8Array());
  }
  // On resume the metrics go back to the checkpoint's step: steps after it are trained again.
  const rolled = resumed ? rollBackMetrics(join(o.outDir, 'metrics.jsonl'), start.step) : { kept: 0, dropped: 0 };
  const keep = o.keep ?? 2;
  // WebGPU kernels to compile before the first step (the ones not yet compiled on this device).
  const compiledAlready = o.backend.kind === 'webgpu' ? o.backend.device.pipelines?.entries : undefined;
  const kernels = o.backend.kind === 'webgpu' ? new Set([...plan.steps, ...evalPlan.steps].flatMap((s) => s.dispatches.map((d) => d.kernel.wgsl)).filter((w) => !compiledAlready?.has(w))).size : 0;
  o.onStart?.({ startStep: start.step, endStep, batchesPerEpoch: layout.batchesPerEpoch, vocabSize: vocab.size, tokenizer: vocab.kind, kernels });

  const trainerOptions = { seed: o.seed, vectors: moeLayers.flatMap((m) => [`${m}.importance`, `${m}.load`]) };
  const trainer =
    o.devices !== undefined || o.deviceMemory !== undefined
      ? await prepareMultiDeviceTrainer(compileForDevices(multiDeviceModel(o), options, { devices: o.devices ?? 1, ...(o.deviceMemory !== undefined ? { deviceMemory: o.deviceMemory } : {}) }, { optimizer: o.optimizer, recompute: o.recompute }), initial, trainerOptions, o.backend)
      : await prepareTrainer(o.backend, plan, initial, trainerOptions);
  const evaluator = await prepareEvaluator(o.backend, evalPlan);
  const evalParamNames = evalPlan.inputs.filter((i) => i.role === 'param').map((i) => i.name);
  let position = start.position;
  const zeroCarry = Object.fromEntries(Object.entries(start.carry).map(([k, t]) => [k, { type: t.type, data: new Float32Array(t.data.length) }]));
  const batches = {
    next: () => {
      const batch = batchAt(trainStream, shape, position++);
      // The first batch of an epoch starts every stream from a zero state.
      return { ...batchFeeds(batch, shape), ...(batch.resetState ? zeroCarry : {}) };
    },
    position: () => position,
  };
  let lastTrain: TrainRecord | undefined;
  let lastValid: ValidRecord | undefined;
  const metrics = join(o.outDir, 'metrics.jsonl');
  const meta = (state: LoopState): CheckpointMeta => ({
    modelFile: o.modelFile,
    graph: traced,
    ...(generationGraph ? { generationGraph } : {}),
    ...(o.modelSource !== undefined ? { modelSource: o.modelSource } : resumed?.meta.modelSource !== undefined ? { modelSource: resumed.meta.modelSource } : {}),
    modelOptions: options,
    vocabulary: vocab.toJson(),
    step: state.step,
    seed: o.seed,
    optimizer: { ...o.optimizer, recompute: o.recompute },
    dataPosition: { corpus: o.data, split: 'train', T: shape.T, B: shape.B, batch: state.position },
  });
  let lastSaved: LoopState = start;
  // Whether a checkpoint of this run exists on disk (the one a resume started from counts).
  let saved = resumed !== null;
  const intact = (): string =>
    saved ? `the last good checkpoint (step ${lastSaved.step}) is intact at ${ckptFile}${keep >= 2 && existsSync(olderCheckpoint(ckptFile, 1)) ? `, and the one before it at ${olderCheckpoint(ckptFile, 1)}` : ''}` : `no checkpoint of this run has been written (it diverged before the first one at step ${o.checkpointEvery})`;
  try {
    const final = await runLoop({
      trainer,
      batches,
      start,
      endStep,
      tokensPerStep: shape.T * shape.B,
      moeLayers,
      ...(rolled.last ? { elapsed: rolled.last } : {}),
      onRecord: (r) => {
        appendLine(metrics, JSON.stringify(r));
        if (r.kind === 'train') lastTrain = r;
        else lastValid = r;
        o.onRecord?.(r);
      },
      validateEvery: o.validateEvery,
      validate: async () => {
        const params = await trainer.read(evalParamNames);
        evaluator.setParams(params);
        const r = await evaluateStream(evaluator, evalPlan, validStream, shape, [], o.validBatches);
        return { loss: r.loss };
      },
      checkpointEvery: o.checkpointEvery,
      checkpoint: async (state) => {
        const tensors = await trainer.read();
        for (const [k, t] of Object.entries(state.carry)) tensors[`carry:${k}`] = t;
        // Finite in f32, as written (the CPU reference holds f64: 1e39 would be saved as Infinity).
        const f32Finite = (x: number): boolean => Math.abs(x) <= 3.4028234663852886e38;
        const bad = Object.entries(tensors).find(([, t]) => t.data.some((x) => !f32Finite(x)));
        if (bad) {
          const at = bad[1].data.findIndex((x) => !f32Finite(x));
          throw new Error(`after step ${state.step} '${bad[0]}' holds ${bad[1].data[at]} at element ${at}; not saving a checkpoint; ${intact()}`);
        }
        rotateCheckpoints(ckptFile, keep);
        saveCheckpoint(ckptFile, tensors, meta(state));
        lastSaved = { ...state };
        saved = true;
      },
      ...(o.shouldStop ? { shouldStop: o.shouldStop } : {}),
    });
    return { steps: final.step, ...(lastTrain ? { lastTrain } : {}), ...(lastValid ? { lastValid } : {}), checkpoint: ckptFile, vocabSize: vocab.size };
  } catch (e) {
    if (e instanceof NonFiniteLossError) {
      // Diagnose on the CPU reference: replay from the last saved state up to the failing step
      // (updates are in place, so the parameters the failing step saw exist nowhere else), then
      // evaluate that step's forward and backward op by op.
      let where = 'unknown op';
      try {
        const saved = lastSaved === start ? { ...initial, ...Object.fromEntries(Object.entries(start.carry).map(([k, t]) => [`carry:${k}`, t])) } : loadCheckpoint(ckptFile).tensors;
        const params = Object.fromEntries(Object.keys(persistent).map((n) => [n, saved[n]!]));
        let carried: Record<string, Tensor> = Object.fromEntries(carry.map(([, input]) => [input, saved[`carry:${input}`] ?? zeroCarry[input]!]));
        const feedsAt = (s: number): Record<string, Tensor> => {
          const batch = batchAt(trainStream, shape, lastSaved.position + (s - lastSaved.step));
          return { ...carried, ...batchFeeds(batch, shape), ...(batch.resetState ? zeroCarry : {}) };
        };
        const replay = await prepareTrainer({ kind: 'cpu' }, plan, params, { seed: o.seed });
        let failing = e.step;
        for (let s = lastSaved.step; s < e.step; s++) {
          const before = await replay.read();
          try {
            carried = (await replay.stepFull(feedsAt(s), s)).carry;
          } catch (inner) {
            if (!(inner instanceof NonFiniteLossError)) throw inner;
            failing = s; // the reference diverges earlier than the device did
            Object.assign(params, before);
            break;
          }
          Object.assign(params, await replay.read());
        }
        where = firstNonFiniteNode(graph, { ...feedsAt(failing), ...params }, failing, o.seed) ?? 'no op on the CPU reference (the device diverged from it)';
      } catch (diag) {
        where = `(diagnosis failed: ${(diag as Error).message})`;
      }
      throw new Error(`${e.message}; first non-finite value from ${where}; ${intact()}`, { cause: e });
    }
    throw e;
  } finally {
    trainer.destroy();
    evaluator.destroy();
  }
}
