/**
 * `moec generate <checkpoint> --prompt "..."`: loads a trained language model
 * (app/generate/language-model.ts: the one-token step compiled once, evaluation mode) and
 * continues the prompt with sampled tokens (temperature, top-k, top-p; deterministic for a seed),
 * streaming each token to stdout as it is drawn (`<eos>` as a line break), decoded by the
 * checkpoint's tokenizer (word-level: words separated by spaces; BPE: the exact text).
 */
import type { BackendName } from '../../runtime/backend.ts';
import { loadModel } from '../generate/language-model.ts';

/** Options of `moec generate`. */
export interface GenerateCommandOptions {
  /** The model file the checkpoint was trained from (its IR must match the checkpoint's). */
  readonly model?: string;
  readonly prompt: string;
  readonly tokens: number;
  readonly temperature: number;
  readonly topK?: number;
  readonly topP?: number;
  readonly seed: number;
  readonly backend: BackendName;
}

/** Runs `moec generate`; returns the generated text. */
export async function generateCommand(checkpoint: string, o: GenerateCommandOptions, write: (s: string) => void): Promise<string> {
  const m = await loadModel(checkpoint, { ...(o.model !== undefined ? { model: o.model } : {}), backend: o.backend, log: (line) => process.stderr.write(`${line}\n`) });
  try {
    write(o.prompt);
    const text = await m.generate(o.prompt, {
      tokens: o.tokens,
      temperature: o.temperature,
      seed: o.seed,
      ...(o.topK !== undefined ? { topK: o.topK } : {}),
      ...(o.topP !== undefined ? { topP: o.topP } : {}),
      onText: (t) => write(t),
    });
    write('\n');
    return text;
  } finally {
    m.dispose();
  }
}
