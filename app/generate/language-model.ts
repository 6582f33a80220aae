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
 * (app/generate/sampling.ts) and hands each token to `onToken` as it is drawn. This file reads the
 * checkpoint file and picks the backend; compiling and running live in model-from-checkpoint.ts,
 * which imports nothing from Node (the browser page uses it).
 */
import type { Graph } from '../../ir/graph.ts';
import { traceModel, type ModelOptions } from '../../frontend/model.ts';
import { describeGraphDifference } from '../../ir/graph-diff.ts';
import { selectBackend, type Backend, type BackendName } from '../../runtime/backend.ts';
import { loadCheckpoint } from '../../runtime/checkpoint.ts';
import { releaseDevice } from '../../runtime/device.ts';
import { languageModelFromCheckpoint, type LanguageModel } from './model-from-checkpoint.ts';

export { languageModelFromCheckpoint, withLogitsOutput, type GenerateOptions, type LanguageModel } from './model-from-checkpoint.ts';

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

/** Loads a checkpoint written by `moec train` as a language model. */
export async function loadModel(checkpoint: string, opts: LoadModelOptions = {}): Promise<LanguageModel> {
  const ck = loadCheckpoint(checkpoint);
  const stored = ck.meta.modelOptions as ModelOptions;
  let oneToken: Graph | undefined;
  if (opts.model !== undefined) {
    // The caller named the model file: import it, check it is the checkpoint's model, trace it.
    const { loadModelFile } = await import('../load-model.ts'); // lazily: importing moec does not load tsx
    const loaded = await loadModelFile(opts.model);
    if (ck.meta.graph) {
      const diff = describeGraphDifference(ck.meta.graph, traceModel(loaded.model, stored), 'the checkpoint', opts.model);
      if (diff) throw new Error(`${opts.model} is not the model of ${checkpoint}: ${diff}`);
    }
    oneToken = traceModel(loaded.model, { ...stored, T: 1, B: 1 });
  }
  // Without a named file: the one-token IR stored at training time (data only).
  const backend = typeof opts.backend === 'object' ? opts.backend : await selectBackend(opts.backend ?? 'auto', opts.log ?? (() => {}));
  // A device this call acquired is given back on dispose; one the caller passed stays the caller's.
  const release = (): void => {
    if (typeof opts.backend !== 'object' && backend.kind === 'webgpu') releaseDevice(backend.device);
  };
  return languageModelFromCheckpoint(ck, backend, checkpoint, oneToken, release);
}
