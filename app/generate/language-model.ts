/**
 * A trained language model ready to use: `loadModel(checkpoint, { backend })` compiles the model
 * at T = 1 and B = 1 from the one-token IR stored in the checkpoint (data only: no code is
 * imported; a model file is imported only when the caller names it with `model`, and then its IR
 * at the checkpoint's options must equal the stored one), exposes the logits that feed
 * its softmax cross-entropy as an extra graph output, compiles that one-token step once (its own
 * plan: no recompilation per token) and binds it to the backend in evaluation mode (no gating
 * noise, σ = 0; no dropout). Every call starts from a zero LSTM state, feeds `<eos>` first (a
 * document follows an `<eos>` in the training stream) and carries the state from token to token.
 * `logits(tokens)` returns one row per token; `perplexity(text)` scores a document (its tokens and
 * the closing `<eos>`) with the model's own cross-entropy output; `generate(prompt, …)` samples
 * (app/generate/sampling.ts) and hands each token to `onToken` as it is drawn.
 */
import type { Graph } from '../../ir/graph.ts';
import type { Tensor } from '../../ir/tensor.ts';
import type { Plan } from '../../compiler/plan.ts';
import { compileGraph } from '../../compiler/pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { traceModel, type ModelOptions } from '../../frontend/model.ts';
import { describeGraphDifference } from '../../ir/graph-diff.ts';
import { checkTensorSizes } from '../../frontend/option-limits.ts';
import { selectBackend, type Backend, type BackendName } from '../../runtime/backend.ts';
import { loadCheckpoint } from '../../runtime/checkpoint.ts';
import { releaseDevice } from '../../runtime/device.ts';
import type { Vocabulary } from '../../runtime/data/tokenizer.ts';
import { codecFromJson, type TextCodec } from '../../runtime/data/text-codec.ts';
import { prepareEvaluator, type Evaluator } from '../../runtime/evaluator.ts';
import { carriedState } from '../../runtime/trainer.ts';
import { checkSampling, sampleToken, uniformStream, type SamplingOptions } from './sampling.ts';

/** Options of `loadModel`. */
export interface LoadModelOptions {
  /**
   * The model file the checkpoint was trained from, to re-trace it at one token per step (its IR
   * at the checkpoint's options must equal the stored one). Optional: checkpoints store the
   * one-token IR, so generation needs no code unless the checkpoint lacks it.
   */
  readonly model?: string;
  /** Where to run: a backend name (default 'auto') or an acquired backend. */
  readonly backend?: BackendName | Backend;
  /** Where `auto` reports its choice (default: nowhere). */
  readonly log?: (line: string) => void;
}

/** Options of `generate`. */
export interface GenerateOptions extends SamplingOptions {
  /** Tokens to generate (default 50). */
  readonly tokens?: number;
  /** Seed of the sampler (default 0). */
  readonly seed?: number;
  /** Called with each generated token as it is drawn. */
  readonly onToken?: (token: string, id: number) => void;
  /** Called with the text to print for each generated token (the tokenizer's streaming decode). */
  readonly onText?: (text: string, id: number) => void;
}

/** A loaded language model. */
export interface LanguageModel {
  readonly vocabulary: Vocabulary;
  /** The checkpoint's tokenizer (word-level or byte-level BPE), as training used it. */
  readonly codec: TextCodec;
  readonly backend: Backend;
  /** The compiled one-token step. */
  readonly plan: Plan;
  /** Token ids of `text` (the checkpoint's tokenizer; word-level: unknown words → `<unk>`). */
  encode(text: string): number[];
  /** Logits [tokens.length, V] (row i: the distribution of the token after tokens[0..i], after a leading `<eos>`). */
  logits(tokens: readonly number[] | string): Promise<Float32Array>;
  /** Perplexity of `text` as one document (its tokens and the closing `<eos>`). */
  perplexity(text: string): Promise<number>;
  /** Continues `prompt` with sampled tokens; returns the generated text (word-level: tokens joined by spaces; BPE: decoded). */
  generate(prompt: string, o?: GenerateOptions): Promise<string>;
  /** Releases the device resources (and gives back the device when `loadModel` acquired it). */
  dispose(): void;
}

/** The traced graph with the logits feeding its softmax cross-entropy added as output `logits`. */
export function withLogitsOutput(g: Graph): Graph {
  const ce = g.nodes.filter((n) => n.op === 'softmaxCrossEntropy');
  if (ce.length !== 1) throw new Error(`generation needs a model with exactly one softmaxCrossEntropy (its logits are sampled); this one has ${ce.length}`);
  return { ...g, outputs: [...g.outputs, { name: 'logits', value: ce[0]!.inputs[0]! }] };
}

const scalarI32 = (id: number): Tensor => ({ type: { dtype: 'i32', shape: [1, 1] }, data: new Int32Array([id]) });

/** Loads a checkpoint written by `moec train` as a language model. */
export async function loadModel(checkpoint: string, opts: LoadModelOptions = {}): Promise<LanguageModel> {
  const ck = loadCheckpoint(checkpoint);
  const codec = codecFromJson(ck.meta.vocabulary);
  const vocabulary = codec.vocabulary;
  const stored = ck.meta.modelOptions as ModelOptions;
  let oneToken: Graph;
  if (opts.model !== undefined) {
    // The caller named the model file: import it, check it is the checkpoint's model, trace it.
    const { loadModelFile } = await import('../load-model.ts'); // lazily: importing moec does not load tsx
    const loaded = await loadModelFile(opts.model);
    if (ck.meta.graph) {
      const diff = describeGraphDifference(ck.meta.graph, traceModel(loaded.model, stored), 'the checkpoint', opts.model);
      if (diff) throw new Error(`${opts.model} is not the model of ${checkpoint}: ${diff}`);
    }
    oneToken = traceModel(loaded.model, { ...stored, T: 1, B: 1 });
  } else if (ck.meta.generationGraph) {
    oneToken = ck.meta.generationGraph; // data only: the one-token IR stored at training time
  } else {
    throw new Error(`${checkpoint} holds no one-token model IR (written by an older moec, or a model that cannot run one token per step): name its model file (moec generate --model <file>, loadModel(checkpoint, { model })); the file it records (${ck.meta.modelFile}) is never imported on its own`);
  }
  checkTensorSizes(oneToken, String(oneToken.meta.name ?? checkpoint));
  const graph = compileGraph(withLogitsOutput(oneToken)).graph;
  const backend = typeof opts.backend === 'object' ? opts.backend : await selectBackend(opts.backend ?? 'auto', opts.log ?? (() => {}));
  const plan = lowerToWebGpu(graph, backend.kind === 'webgpu' ? backend.device.device.limits : undefined);
  const params = Object.fromEntries(
    plan.inputs
      .filter((i) => i.role === 'param')
      .map((i) => {
        const t = ck.tensors[i.name];
        if (!t) throw new Error(`checkpoint ${checkpoint} has no parameter '${i.name}' that its model needs`);
        return [i.name, t];
      }),
  );
  const ev: Evaluator = await prepareEvaluator(backend, plan);
  ev.setParams(params);
  const carry = carriedState(plan);
  const V = vocabulary.size;
  const eos = codec.eos;

  const zeroState = (): Record<string, Tensor> =>
    Object.fromEntries(
      carry.map(([, input]) => {
        const type = plan.buffers[plan.inputs.find((i) => i.name === input)!.buffer]!.type;
        return [input, { type, data: new Float32Array(type.shape.reduce((a, b) => a * b, 1)) }];
      }),
    );
  /** Feeds `token` (predicting `target`), returns the outputs and updates `state` in place. */
  const step = async (state: Record<string, Tensor>, token: number, target: number, want: readonly string[]): Promise<Record<string, Tensor>> => {
    const out = await ev.run({ tokens: scalarI32(token), targets: scalarI32(target), ...state }, [...want, ...carry.map(([o]) => o)]);
    for (const [o, input] of carry) state[input] = out[o]!;
    return out;
  };
  const encode = (text: string): number[] => codec.encode(text);

  return {
    vocabulary,
    codec,
    backend,
    plan,
    encode,
    async logits(tokens) {
      const ids = typeof tokens === 'string' ? encode(tokens) : [...tokens];
      for (const id of ids) if (!(Number.isInteger(id) && id >= 0 && id < V)) throw new Error(`logits: token id ${id} is outside the vocabulary of ${V}`);
      const out = new Float32Array(ids.length * V);
      const state = zeroState();
      await step(state, eos, 0, []);
      for (let i = 0; i < ids.length; i++) {
        const r = await step(state, ids[i]!, 0, ['logits']);
        out.set(r.logits!.data as Float32Array, i * V);
      }
      return out;
    },
    async perplexity(text) {
      const ids = [eos, ...encode(text), eos];
      const state = zeroState();
      let sum = 0;
      for (let i = 0; i + 1 < ids.length; i++) sum += Number((await step(state, ids[i]!, ids[i + 1]!, ['taskLoss'])).taskLoss!.data[0]);
      return Math.exp(sum / (ids.length - 1));
    },
    async generate(prompt, o = {}) {
      checkSampling(o, V);
      const n = o.tokens ?? 50;
      if (!(Number.isInteger(n) && n >= 0)) throw new Error(`tokens must be a non-negative integer, got ${n}`);
      const rand = uniformStream(o.seed ?? 0);
      const state = zeroState();
      let last = await step(state, eos, 0, ['logits']);
      for (const id of encode(prompt)) last = await step(state, id, 0, ['logits']);
      const ids: number[] = [];
      const stream = codec.stream();
      for (let i = 0; i < n; i++) {
        const id = sampleToken(last.logits!.data, o, rand());
        ids.push(id);
        o.onToken?.(vocabulary.tokens[id]!, id);
        o.onText?.(stream.push(id), id);
        if (i + 1 < n) last = await step(state, id, 0, ['logits']);
      }
      return codec.decode(ids);
    },
    dispose: () => {
      ev.destroy();
      // A device this call acquired is given back; one the caller passed stays the caller's.
      if (typeof opts.backend !== 'object' && backend.kind === 'webgpu') releaseDevice(backend.device);
    },
  };
}
