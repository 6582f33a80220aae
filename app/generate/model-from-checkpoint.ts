/**
 * A language model from a checkpoint already in memory, on a backend already chosen: compiles the
 * one-token IR (T = B = 1) with the logits feeding its softmax cross-entropy as an extra output,
 * binds it to the backend in evaluation mode (no gating noise, σ = 0; no dropout) with the
 * checkpoint's parameters, and exposes `logits`, `perplexity` and `generate` (see
 * app/generate/language-model.ts, whose `loadModel` reads the file and picks the backend). Imports
 * nothing from Node, so a browser page generates with it from a fetched checkpoint.
 */
import type { Graph } from '../../ir/graph.ts';
import type { Tensor } from '../../ir/tensor.ts';
import type { Plan } from '../../compiler/plan.ts';
import { compileGraph } from '../../compiler/pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { checkTensorSizes } from '../../frontend/option-limits.ts';
import type { Backend } from '../../runtime/backend.ts';
import type { Checkpoint } from '../../runtime/checkpoint-codec.ts';
import type { Vocabulary } from '../../runtime/data/tokenizer.ts';
import { deviceLoweringLimits } from '../../runtime/lowering-limits.ts';
import { codecFromJson, type TextCodec } from '../../runtime/data/text-codec.ts';
import { prepareEvaluator, type Evaluator } from '../../runtime/evaluator.ts';
import { carriedState } from '../../runtime/trainer.ts';
import { checkSampling, sampleToken, uniformStream, type SamplingOptions } from './sampling.ts';

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

/**
 * The language model of checkpoint `ck` (named `source` in errors) on `backend`, compiled from
 * `oneToken` (the one-token IR; default: the checkpoint's stored `moec.generation_graph`);
 * `onDispose` runs after `dispose` released the plan (e.g. giving back a device the caller acquired).
 */
export async function languageModelFromCheckpoint(
  ck: Checkpoint,
  backend: Backend,
  source: string,
  oneToken: Graph | undefined = ck.meta.generationGraph,
  onDispose: () => void = () => {},
): Promise<LanguageModel> {
  if (!oneToken) {
    throw new Error(`${source} holds no one-token model IR (written by an older moec, or a model that cannot run one token per step): name its model file (moec generate --model <file>, loadModel(checkpoint, { model })); the file it records (${ck.meta.modelFile}) is never imported on its own`);
  }
  const codec = codecFromJson(ck.meta.vocabulary);
  const vocabulary = codec.vocabulary;
  checkTensorSizes(oneToken, String(oneToken.meta.name ?? source));
  const graph = compileGraph(withLogitsOutput(oneToken)).graph;
  const plan = lowerToWebGpu(graph, backend.kind === 'webgpu' ? deviceLoweringLimits(backend.device) : undefined);
  const params = Object.fromEntries(
    plan.inputs
      .filter((i) => i.role === 'param')
      .map((i) => {
        const t = ck.tensors[i.name];
        if (!t) throw new Error(`checkpoint ${source} has no parameter '${i.name}' that its model needs`);
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
      onDispose();
    },
  };
}
