/**
 * `moec generate <checkpoint> --prompt "..."`: loads a trained language model
 * (app/generate/language-model.ts: the one-token step compiled once, evaluation mode) and
 * continues the prompt with sampled tokens (temperature, top-k, top-p; deterministic for a seed),
 * streaming each token to stdout as it is drawn (`<eos>` as a line break).
 */
import type { BackendName } from '../../runtime/backend.ts';
import { EOS } from '../../runtime/data/tokenizer.ts';
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

/** Runs `moec generate`; returns the generated tokens joined by spaces. */
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
      onToken: (t) => write(t === EOS ? '\n' : ` ${t}`),
    });
    write('\n');
    return text;
  } finally {
    m.dispose();
  }
}
