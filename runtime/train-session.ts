/**
 * A training session on a real corpus, as `moec train` runs it: builds the vocabulary from the
 * training split (sized by the model's `vocab` option: that many entries including `<unk>` and
 * `<eos>`), traces and compiles the model's training step and its evaluation forward, binds both to
 * the backend, and runs the training loop with validation, metrics (JSONL), checkpoints (safetensors,
 * atomic) and exact resume (parameters, optimizer state, carried LSTM state, step and data
 * position are all in the checkpoint; the noise and dropout draws are keyed by the step). A NaN or
 * infinite loss stops the run, names the first op that produces a non-finite value on the failing
 * batch (re-run on the CPU reference from the last checkpoint), and leaves that checkpoint intact.
 */
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
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
import type { Backend } from './backend.ts';
import { loadCheckpoint, saveCheckpoint, type CheckpointMeta } from './checkpoint.ts';
import { loadCorpus, type CorpusName } from './data/corpus.ts';
import { batchAt, batchFeeds, batchLayout } from './data/batches.ts';
import { buildVocabulary, encodeDocuments, vocabularyFromJson, vocabularyToJson, type Vocabulary, type VocabularyJson } from './data/tokenizer.ts';
import { prepareEvaluator, evaluateStream } from './evaluator.ts';
import { runLoop, type LoopState, type TrainRecord, type ValidRecord } from './train-loop.ts';
import { carriedState, NonFiniteLossError, prepareTrainer } from './trainer.ts';
import { prepareMultiDeviceTrainer } from './multi-device/trainer.ts';
import { compileForDevices } from '../compiler/multi-device/capacity.ts';

/** Everything a session needs. */
export interface SessionOptions {
  readonly model: Model;
  /** The model file path (recorded in checkpoints so `moec eval` can rebuild the model). */
  readonly modelFile: string;
  /** `--set` overrides (merged over the model's defaults; `vocab` sizes the vocabulary). */
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly data: CorpusName;
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
  readonly onStart?: (info: { startStep: number; endStep: number; batchesPerEpoch: number; vocabSize: number }) => void;
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

/** Finds the first node whose output holds a NaN or infinity, on the CPU reference. */
export function firstNonFiniteNode(g: Graph, feeds: Readonly<Record<string, Tensor>>, step: number, seed: number): string | null {
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
  mkdirSync(o.outDir, { recursive: true });
  const ckptFile = checkpointPath(o.outDir);
  const resumed = o.resume && existsSync(ckptFile) ? loadCheckpoint(ckptFile) : null;
  if (o.resume && !resumed) throw new Error(`--resume: no checkpoint at ${ckptFile}`);
  const options: ModelOptions = resumed ? (resumed.meta.modelOptions as ModelOptions) : resolveOptions(o.model, o.overrides);
  if (typeof options.vocab !== 'number' || typeof options.T !== 'number' || typeof options.B !== 'number') {
    throw new Error(`moec train needs a language model with numeric options vocab, T and B; ${o.modelFile} has ${Object.keys(options).join(', ')}`);
  }
  const corpus = loadCorpus(o.data);
  const vocab: Vocabulary = resumed ? vocabularyFromJson(resumed.meta.vocabulary as VocabularyJson) : buildVocabulary(corpus.splits.train.map((d) => d.text), options.vocab - 2);
  if (vocab.size !== options.vocab) {
    throw new Error(`the training split has only ${vocab.size - 2} distinct words; use --set vocab=${vocab.size} or less`);
  }
  const shape = { T: options.T, B: options.B };
  const trainStream = encodeDocuments(vocab, corpus.splits.train.map((d) => d.text));
  const validStream = encodeDocuments(vocab, corpus.splits.validation.map((d) => d.text));
  const layout = batchLayout(trainStream, shape);
  const endStep = o.steps ?? Math.round((o.epochs ?? 1) * layout.batchesPerEpoch);

  const traced = traceModel(o.model, options);
  const limits = o.backend.kind === 'webgpu' ? o.backend.device.device.limits : undefined;
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
    writeFileSync(join(o.outDir, 'config.json'), `${JSON.stringify({ model: String(forward.meta.name ?? o.modelFile), modelFile: o.modelFile, options, optimizer: o.optimizer, recompute: o.recompute, backend: o.backend.kind, seed: o.seed, data: o.data, vocabSize: vocab.size, steps: endStep }, null, 2)}\n`);
    writeFileSync(join(o.outDir, 'metrics.jsonl'), '');
  }
  o.onStart?.({ startStep: start.step, endStep, batchesPerEpoch: layout.batchesPerEpoch, vocabSize: vocab.size });

  const trainerOptions = { seed: o.seed, vectors: moeLayers.flatMap((m) => [`${m}.importance`, `${m}.load`]) };
  const trainer =
    o.devices !== undefined || o.deviceMemory !== undefined
      ? await prepareMultiDeviceTrainer(compileForDevices(o.model, options, { devices: o.devices ?? 1, ...(o.deviceMemory !== undefined ? { deviceMemory: o.deviceMemory } : {}) }, { optimizer: o.optimizer, recompute: o.recompute }), initial, trainerOptions, o.backend)
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
    modelOptions: options,
    vocabulary: vocabularyToJson(vocab),
    step: state.step,
    seed: o.seed,
    optimizer: { ...o.optimizer, recompute: o.recompute },
    dataPosition: { corpus: o.data, split: 'train', T: shape.T, B: shape.B, batch: state.position },
  });
  let lastSaved: LoopState = start;
  try {
    const final = await runLoop({
      trainer,
      batches,
      start,
      endStep,
      tokensPerStep: shape.T * shape.B,
      moeLayers,
      onRecord: (r) => {
        appendFileSync(metrics, `${JSON.stringify(r)}\n`);
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
        const bad = Object.entries(tensors).find(([, t]) => t.data.some((x) => !Number.isFinite(x)));
        if (bad) {
          throw new Error(`after step ${state.step} '${bad[0]}' holds NaN or infinite values; not saving a checkpoint; the last good checkpoint (step ${lastSaved.step}) is intact at ${ckptFile}`);
        }
        saveCheckpoint(ckptFile, tensors, meta(state));
        lastSaved = { ...state };
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
      throw new Error(`${e.message}; first non-finite value from ${where}; the last good checkpoint (step ${lastSaved.step}) is intact at ${ckptFile}`, { cause: e });
    }
    throw e;
  } finally {
    trainer.destroy();
    evaluator.destroy();
  }
}
