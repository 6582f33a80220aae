/**
 * The data file of a `moec bundle` page (`data.json`): what the page needs besides its code, as
 * data only — the model traced in Node as IR (the training-shape graph and the one-token graph for
 * sampling, in `graphToJson` form: the page never runs model code), its options, the vocabulary,
 * a slice of the tokenized training text, the optimizer settings and seed; or, for a checkpoint,
 * the name of the checkpoint file copied next to it. `parseBundleData` validates a fetched file
 * (format tag, kinds, the IR through the IR verifier) and names the field that is wrong. Imports
 * nothing from Node: the page and the bundle command share it.
 */
import type { ModelOptions } from '../../frontend/model.ts';
import type { Graph } from '../../ir/graph.ts';
import { graphFromJson, type GraphJson } from '../../ir/json.ts';
import type { OptimizerConfig } from '../../passes/optimizer.ts';
import type { RecomputePolicy } from '../../passes/recompute.ts';
import type { VocabularyJson } from '../../runtime/data/tokenizer.ts';

/** Value of `format` in the files this version writes. */
export const BUNDLE_FORMAT = 'moec-bundle/1';

/** The data file of a page that trains a model (from `moec bundle model.ts`). */
export interface TrainBundleJson {
  readonly format: typeof BUNDLE_FORMAT;
  readonly kind: 'train';
  /** The model's name. */
  readonly model: string;
  /** The resolved model options (defaults with `--set` overrides). */
  readonly options: ModelOptions;
  /** The model traced at its options (T, B), as IR. */
  readonly graph: GraphJson;
  /** The model traced at T = B = 1 (sampling), or null when it cannot be (balanced gating). */
  readonly generationGraph: GraphJson | null;
  readonly vocabulary: VocabularyJson;
  /** Where the text came from: the corpus name, its train-split documents and tokens, and the slice. */
  readonly corpus: { readonly name: string; readonly documents: number; readonly tokens: number; readonly sliceTokens: number };
  /** The first `sliceTokens` tokens of the training split's token stream. */
  readonly tokens: readonly number[];
  readonly optimizer: OptimizerConfig;
  readonly recompute: RecomputePolicy;
  /** Seed of parameters, gating noise and dropout. */
  readonly seed: number;
  /** Steps the page's Train button runs by default. */
  readonly steps: number;
}

/** The data file of a page that samples from a checkpoint (from `moec bundle checkpoint.safetensors`). */
export interface CheckpointBundleJson {
  readonly format: typeof BUNDLE_FORMAT;
  readonly kind: 'checkpoint';
  readonly model: string;
  /** File name of the checkpoint, next to data.json. */
  readonly checkpoint: string;
  /** Training steps the checkpoint holds (for the page's title). */
  readonly step: number;
}

/** Either data file. */
export type BundleJson = TrainBundleJson | CheckpointBundleJson;

/** A validated training bundle with its graphs parsed. */
export interface TrainBundle extends Omit<TrainBundleJson, 'graph' | 'generationGraph' | 'tokens'> {
  readonly graph: Graph;
  readonly generationGraph: Graph | null;
  readonly tokens: Int32Array;
}

/** A validated data file. */
export type Bundle = TrainBundle | CheckpointBundleJson;

/** Validates a fetched data file (`source` names it in errors) and parses its IR. */
export function parseBundleData(json: unknown, source: string): Bundle {
  const fail = (what: string): never => {
    throw new Error(`${source}: ${what} (rebuild the page with moec bundle)`);
  };
  if (typeof json !== 'object' || json === null) return fail('not a JSON object');
  const o = json as Record<string, unknown>;
  if (o.format !== BUNDLE_FORMAT) return fail(`format is ${JSON.stringify(o.format)}, this page reads ${BUNDLE_FORMAT}`);
  if (typeof o.model !== 'string') return fail('model is not a string');
  if (o.kind === 'checkpoint') {
    if (typeof o.checkpoint !== 'string' || !/^[\w.-]+$/.test(o.checkpoint)) return fail(`checkpoint ${JSON.stringify(o.checkpoint)} is not a plain file name`);
    if (!Number.isSafeInteger(o.step)) return fail('step is not an integer');
    return o as unknown as CheckpointBundleJson;
  }
  if (o.kind !== 'train') return fail(`kind ${JSON.stringify(o.kind)} is neither 'train' nor 'checkpoint'`);
  const t = o as unknown as TrainBundleJson;
  if (!Array.isArray(t.tokens) || !t.tokens.every((x) => Number.isInteger(x) && x >= 0)) return fail('tokens is not an array of non-negative integers');
  if (typeof t.options !== 'object' || t.options === null) return fail('options is not an object');
  for (const k of ['T', 'B', 'vocab'] as const) if (!Number.isInteger(t.options[k])) return fail(`options.${k} is not an integer`);
  const vocab = t.options.vocab as number;
  if (t.tokens.some((x) => x >= vocab)) return fail(`a token id is ≥ the vocabulary size ${vocab}`);
  if (!Number.isSafeInteger(t.seed) || !Number.isSafeInteger(t.steps)) return fail('seed or steps is not an integer');
  const graph = (what: string, g: unknown): Graph => {
    try {
      return graphFromJson(g);
    } catch (e) {
      return fail(`${what} is not a valid moec IR graph: ${(e as Error).message}`);
    }
  };
  return {
    ...t,
    graph: graph('graph', t.graph),
    generationGraph: t.generationGraph === null ? null : graph('generationGraph', t.generationGraph),
    tokens: Int32Array.from(t.tokens),
  };
}
