/**
 * The paper's Table 9 analog: for every expert of a checkpoint's MoE layer, the token positions of
 * a split whose gate to that expert is largest, each shown in context. The checkpoint's stored IR is
 * compiled for evaluation (no noise, no dropout) with two more outputs — the chosen experts and
 * their gates, i.e. the inputs of the layer's `importance` node (for a hierarchical layer the leaf
 * experts and the products of the two levels' gates) — and run over the split in [T, B] batches
 * with the LSTM state carried, as `moec eval` does. Ties are broken by position, so the listing is
 * deterministic.
 */
import { compileGraph } from '../../compiler/pipeline.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import type { Graph } from '../../ir/graph.ts';
import type { Tensor } from '../../ir/tensor.ts';
import type { ModelOptions } from '../../frontend/model.ts';
import type { Backend } from '../../runtime/backend.ts';
import { loadCheckpoint } from '../../runtime/checkpoint.ts';
import { loadCorpus, type CorpusName, type SplitName } from '../../runtime/data/corpus.ts';
import { batchAt, batchFeeds, batchLayout } from '../../runtime/data/batches.ts';
import { encodeDocuments, vocabularyFromJson, type VocabularyJson } from '../../runtime/data/tokenizer.ts';
import { prepareEvaluator } from '../../runtime/evaluator.ts';
import { deviceLoweringLimits } from '../../runtime/lowering-limits.ts';
import { carriedState } from '../../runtime/trainer.ts';
import { checkTensorSizes } from '../../frontend/option-limits.ts';

/** One routed token in context. */
export interface ExpertContext {
  /** The gate of the token to this expert (evaluation mode). */
  readonly gate: number;
  /** The token at the MoE layer's position. */
  readonly token: string;
  /** The words before it (at most `contextWords`). */
  readonly before: string;
  /** Index of the token in the split's encoded stream. */
  readonly position: number;
}

/** One expert's listing. */
export interface ExpertListing {
  readonly expert: number;
  /** Token positions of the split routed to it (gate > 0). */
  readonly routed: number;
  readonly top: readonly ExpertContext[];
}

/** The Table 9 analog of one MoE layer. */
export interface ExpertContexts {
  readonly checkpoint: string;
  readonly step: number;
  readonly layer: string;
  readonly experts: number;
  readonly split: SplitName;
  readonly data: string;
  readonly tokens: number;
  readonly listings: readonly ExpertListing[];
}

/** Options of `expertContexts`. */
export interface ExpertContextOptions {
  readonly top: number;
  readonly split: SplitName;
  readonly backend: Backend;
  readonly maxBatches?: number;
  readonly contextWords?: number;
}

/** The forward graph with the layer's chosen experts and gates as outputs. */
function withRouting(forward: Graph): { graph: Graph; layer: string; experts: number } {
  const imp = forward.nodes.find((n) => n.op === 'importance');
  if (!imp) throw new Error('moec experts: the checkpoint\'s model has no MoE layer with noisy top-k gating (no importance node); strictly balanced gating is not supported');
  const layer = forward.outputs.find((o) => o.value === imp.outputs[0])?.name.replace(/\.importance$/, '') ?? imp.layer ?? 'moe';
  const experts = forward.values.get(imp.outputs[0]!)!.type.shape[0]!;
  const outputs = [...forward.outputs, { name: `${layer}.routeGate`, value: imp.inputs[0]! }, { name: `${layer}.routeExpert`, value: imp.inputs[1]! }];
  return { graph: { ...forward, outputs }, layer, experts };
}

/** Lists each expert's top-gated tokens in context on a split of the checkpoint's corpus. */
export async function expertContexts(checkpoint: string, o: ExpertContextOptions): Promise<ExpertContexts> {
  const ck = loadCheckpoint(checkpoint);
  const traced = ck.meta.graph;
  if (!traced) throw new Error(`${checkpoint} was written by an older moec and holds no model IR`);
  checkTensorSizes(traced, String(traced.meta.name ?? checkpoint));
  const { graph, layer, experts } = withRouting(compileGraph(traced).graph);
  const plan = lowerToWebGpu(graph, o.backend.kind === 'webgpu' ? deviceLoweringLimits(o.backend.device) : undefined);
  const options = ck.meta.modelOptions as ModelOptions;
  const shape = { T: Number(options.T), B: Number(options.B) };
  const data = ((ck.meta.dataPosition as { corpus?: CorpusName } | null)?.corpus ?? 'sotu') as CorpusName;
  const vocab = vocabularyFromJson(ck.meta.vocabulary as VocabularyJson);
  const stream = encodeDocuments(vocab, loadCorpus(data).splits[o.split].map((d) => d.text));
  const layout = batchLayout(stream, shape);
  const count = Math.min(layout.batchesPerEpoch, o.maxBatches ?? Infinity);
  const ev = await prepareEvaluator(o.backend, plan);
  const carry = carriedState(plan);
  const state: Record<string, Tensor> = {};
  for (const [, input] of carry) {
    const type = plan.buffers[plan.inputs.find((i) => i.name === input)!.buffer]!.type;
    state[input] = { type, data: new Float32Array(type.shape.reduce((a, b) => a * b, 1)) };
  }
  const best: { gate: number; position: number }[][] = Array.from({ length: experts }, () => []);
  const routed = new Array<number>(experts).fill(0);
  try {
    ev.setParams(Object.fromEntries(plan.inputs.filter((i) => i.role === 'param').map((i) => {
      const t = ck.tensors[i.name];
      if (!t) throw new Error(`checkpoint ${checkpoint} has no parameter '${i.name}'`);
      return [i.name, t];
    })));
    for (let i = 0; i < count; i++) {
      const out = await ev.run({ ...batchFeeds(batchAt(stream, shape, i), shape), ...state }, [`${layer}.routeGate`, `${layer}.routeExpert`, ...carry.map(([c]) => c)]);
      for (const [c, input] of carry) state[input] = out[c]!;
      const gates = out[`${layer}.routeGate`]!.data;
      const ids = out[`${layer}.routeExpert`]!.data;
      const k = gates.length / (shape.T * shape.B);
      for (let r = 0; r < shape.T * shape.B; r++) {
        // Row r of the [T·B] rows is time t = ⌊r/B⌋ of stream b = r mod B.
        const t = Math.floor(r / shape.B);
        const b = r % shape.B;
        const position = b * layout.streamLength + i * shape.T + t;
        for (let j = 0; j < k; j++) {
          const gate = gates[r * k + j]!;
          if (!(gate > 0)) continue;
          const e = ids[r * k + j]!;
          routed[e]! += 1;
          const list = best[e]!;
          if (list.length === o.top && gate <= list[list.length - 1]!.gate) continue;
          list.push({ gate, position });
          list.sort((x, y) => y.gate - x.gate || x.position - y.position);
          if (list.length > o.top) list.pop();
        }
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    ev.destroy();
  }
  const words = o.contextWords ?? 6;
  const listings = best.map((list, expert) => ({
    expert,
    routed: routed[expert]!,
    top: list.map(({ gate, position }) => ({
      gate,
      position,
      token: vocab.tokens[stream[position]!]!,
      before: Array.from(stream.subarray(Math.max(0, position - words), position), (id) => vocab.tokens[id]!).join(' '),
    })),
  }));
  return { checkpoint, step: ck.meta.step, layer, experts, split: o.split, data, tokens: count * shape.T * shape.B, listings };
}
