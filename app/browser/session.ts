/**
 * What the bundled page does, without the DOM: given a validated bundle (app/browser/bundle-data.ts)
 * and a WebGPU device, it compiles the model's training step and forward pass from the bundled IR
 * (the same pipelines as `moec train`: compileTrainingPlan, compileGraph, lowerToWebGpu with the
 * device's limits), trains on the bundled tokens with the training loop of the Node CLI
 * (runtime/train-loop.ts: carried LSTM state, per-step metrics with every MoE layer's load), runs
 * one forward pass on a fixed batch with given parameters (what the browser test compares with the
 * Node CPU reference), and samples text from the current parameters through the checkpoint path
 * (app/generate/model-from-checkpoint.ts). `checkpointSession` loads a fetched checkpoint's bytes
 * and samples from it. Imports nothing from Node.
 */
import { compileGraph } from '../../compiler/pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import type { Plan } from '../../compiler/plan.ts';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import type { Graph } from '../../ir/graph.ts';
import { initParams } from '../../ir/interpret.ts';
import type { Tensor } from '../../ir/tensor.ts';
import { numel } from '../../ir/types.ts';
import type { Backend } from '../../runtime/backend.ts';
import { checkpointFromContent, decodeSafetensors, type Checkpoint } from '../../runtime/checkpoint-codec.ts';
import { batchAt, batchFeeds, type BatchShape } from '../../runtime/data/batches.ts';
import type { DeviceContext } from '../../runtime/device-context.ts';
import { deviceLoweringLimits } from '../../runtime/lowering-limits.ts';
import { runLoop, type LoopState, type TrainRecord } from '../../runtime/train-loop.ts';
import { carriedState, prepareTrainer, type Trainer } from '../../runtime/trainer.ts';
import { createPipelineCache } from '../../runtime/gpu/pipelines.ts';
import { prepareWebGpuPlan, type WebGpuExecutable } from '../../runtime/webgpu-executor.ts';
import { languageModelFromCheckpoint, type GenerateOptions, type LanguageModel } from '../generate/model-from-checkpoint.ts';
import type { TrainBundle } from './bundle-data.ts';

/** One MoE layer's statistics of a forward pass. */
export interface ForwardMoe {
  readonly name: string;
  readonly importance: number[];
  readonly load: number[];
  readonly cvImportance: number;
  readonly cvLoad: number;
}

/** A forward pass's loss and MoE statistics. */
export interface ForwardResult {
  readonly loss: number;
  readonly moe: ForwardMoe[];
}

/** What `forward` runs: parameters (default: initialised from `seed`), the run context and the batch index. */
export interface ForwardRequest {
  readonly params?: Readonly<Record<string, Tensor>>;
  readonly seed: number;
  readonly step: number;
  readonly training: boolean;
  /** Index of the bundled batch (default 0). */
  readonly batch?: number;
}

/** A training page's session. */
export interface TrainSession {
  readonly bundle: TrainBundle;
  /** The training step's plan and the forward plan. */
  readonly trainPlan: Plan;
  readonly forwardPlan: Plan;
  /** MoE layer names. */
  readonly moeLayers: readonly string[];
  /** Every record of the training so far. */
  readonly records: readonly TrainRecord[];
  /** Steps trained so far. */
  readonly step: number;
  /** One forward pass of the forward plan (its own executor; the training state is untouched). */
  forward(r: ForwardRequest): Promise<ForwardResult>;
  /** Trains `steps` more steps, calling `onRecord` after each; returns the new records. */
  train(steps: number, onRecord?: (r: TrainRecord) => void): Promise<TrainRecord[]>;
  /** Samples from the current parameters (compiles the one-token step on first use after training). */
  sample(prompt: string, o: GenerateOptions): Promise<string>;
  destroy(): void;
}

/** The forward graph's MoE layer names (from its `<layer>.importance` outputs). */
function moeLayersOf(g: Graph): string[] {
  return g.outputs.filter((o) => o.name.endsWith('.importance')).map((o) => o.name.slice(0, -'.importance'.length));
}

/** Zero tensors for the carried-state inputs of `plan` (LSTM h0/c0). */
function zeroCarry(plan: Plan): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [, input] of carriedState(plan)) {
    const type = plan.buffers[plan.inputs.find((i) => i.name === input)!.buffer]!.type;
    out[input] = { type, data: new Float32Array(numel(type.shape)) };
  }
  return out;
}

/** Compiles the bundle's model for `device` and prepares training (parameters from the bundle's seed). */
export async function trainSession(bundle: TrainBundle, device: DeviceContext): Promise<TrainSession> {
  const backend: Backend = { kind: 'webgpu', device };
  const limits = deviceLoweringLimits(device);
  const shape: BatchShape = { T: bundle.options.T as number, B: bundle.options.B as number };
  const forwardGraph = compileGraph(bundle.graph).graph;
  const forwardPlan = lowerToWebGpu(forwardGraph, limits);
  const { graph: trainGraph, plan: trainPlan } = compileTrainingPlan(bundle.graph, { optimizer: bundle.optimizer, recompute: bundle.recompute }, limits);
  const moeLayers = moeLayersOf(forwardGraph);
  const vectors = moeLayers.flatMap((m) => [`${m}.importance`, `${m}.load`]);
  // One pipeline cache for the training step and the forward pass: a kernel they share (same WGSL)
  // is compiled once (on a software adapter a pipeline takes about a second).
  const cache = createPipelineCache(device);
  const trainer: Trainer = await prepareTrainer(backend, trainPlan, initParams(trainGraph, bundle.seed), { seed: bundle.seed, vectors, cache });
  const zeros = zeroCarry(trainPlan);
  let state: LoopState = { step: 0, position: 0, carry: zeros };
  const records: TrainRecord[] = [];
  let elapsed = { tokens: 0, time: 0 };
  let sampler: { atStep: number; model: LanguageModel } | null = null;

  let forwardExe: WebGpuExecutable | null = null;
  const forward = async (r: ForwardRequest): Promise<ForwardResult> => {
    forwardExe ??= await prepareWebGpuPlan(device, forwardPlan, cache);
    const exe = forwardExe;
    {
      exe.setParams(r.params ?? initParams(forwardGraph, r.seed));
      const feeds = { ...zeroCarry(forwardPlan), ...batchFeeds(batchAt(bundle.tokens, shape, r.batch ?? 0), shape) };
      const out = await exe.run(feeds, { seed: r.seed, step: r.step, training: r.training });
      const scalar = (name: string): number => Number(out[name]!.data[0]);
      return {
        loss: scalar('loss'),
        moe: moeLayers.map((name) => ({
          name,
          importance: Array.from(out[`${name}.importance`]!.data),
          load: Array.from(out[`${name}.load`]!.data),
          cvImportance: scalar(`${name}.cvImportance`),
          cvLoad: scalar(`${name}.cvLoad`),
        })),
      };
    }
  };

  return {
    bundle,
    trainPlan,
    forwardPlan,
    moeLayers,
    get records() {
      return records;
    },
    get step() {
      return state.step;
    },
    forward,
    async train(steps, onRecord) {
      if (!(Number.isInteger(steps) && steps >= 1)) throw new Error(`train: steps must be a positive integer, got ${steps}`);
      let position = state.position;
      const fresh: TrainRecord[] = [];
      state = await runLoop({
        trainer,
        batches: {
          next: () => {
            const batch = batchAt(bundle.tokens, shape, position++);
            // The first batch of an epoch starts every stream from a zero state.
            return { ...batchFeeds(batch, shape), ...(batch.resetState ? zeros : {}) };
          },
          position: () => position,
        },
        start: state,
        endStep: state.step + steps,
        tokensPerStep: shape.T * shape.B,
        moeLayers,
        elapsed,
        onRecord: (rec) => {
          if (rec.kind !== 'train') return;
          records.push(rec);
          fresh.push(rec);
          onRecord?.(rec);
        },
      });
      const last = records[records.length - 1]!;
      elapsed = { tokens: last.tokens, time: last.time };
      return fresh;
    },
    async sample(prompt, o) {
      if (!bundle.generationGraph) throw new Error(`${bundle.model} cannot be traced at one token per step (e.g. strictly balanced gating needs several rows), so it cannot generate`);
      if (!sampler || sampler.atStep !== state.step) {
        sampler?.model.dispose();
        const tensors = await trainer.read();
        const ck: Checkpoint = {
          tensors,
          metadata: {},
          meta: { modelFile: bundle.model, generationGraph: bundle.generationGraph, modelOptions: bundle.options, vocabulary: bundle.vocabulary, step: state.step, seed: bundle.seed, optimizer: bundle.optimizer, dataPosition: null },
        };
        sampler = { atStep: state.step, model: await languageModelFromCheckpoint(ck, backend, `${bundle.model} at step ${state.step}`) };
      }
      return sampler.model.generate(prompt, o);
    },
    destroy() {
      sampler?.model.dispose();
      forwardExe?.destroy();
      trainer.destroy();
    },
  };
}

/** Decodes and validates a fetched checkpoint (`source` names it) and prepares it for sampling on `backend`. */
export async function checkpointSession(bytes: Uint8Array, source: string, backend: Backend): Promise<LanguageModel> {
  const ck = checkpointFromContent(decodeSafetensors(bytes, source), source);
  return languageModelFromCheckpoint(ck, backend, source);
}
