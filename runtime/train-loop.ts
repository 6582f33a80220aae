/**
 * The training loop, independent of the command line: steps a Trainer over a batch source,
 * carrying recurrent state from each step's outputs into the next step's inputs (truncated BPTT),
 * and emits one metrics record per step (loss, perplexity, tokens/s, every MoE layer's CV² of
 * importance and load and its per-expert load). Validation and checkpoints run at the intervals
 * asked for; a stop request (Ctrl-C) ends the loop cleanly after the current step, and a
 * non-finite loss ends it with the error (no checkpoint is written after a bad step). The loop's
 * state (step, data position, carried tensors) is exactly what a checkpoint needs to resume.
 */
import type { Tensor } from '../ir/tensor.ts';
import type { Trainer } from './trainer.ts';
import { nextTurn } from './next-turn.ts';

/** A source of training batches that can report where it is (for exact resume). */
export interface BatchSource {
  /** The next batch's data inputs (e.g. `tokens`, `targets`). */
  next(): Record<string, Tensor>;
  /** Index of the next batch to be returned. */
  position(): number;
}

/** One training metrics record (a line of metrics.jsonl). */
export interface TrainRecord {
  readonly kind: 'train';
  readonly step: number;
  readonly tokens: number;
  readonly time: number;
  readonly tokensPerSec: number;
  readonly loss: number;
  readonly ppl: number;
  readonly moe: Record<string, { cvImportance: number; cvLoad: number; importance: number[]; load: number[] }>;
}

/** One validation record. */
export interface ValidRecord {
  readonly kind: 'valid';
  readonly step: number;
  readonly loss: number;
  readonly ppl: number;
}

/** Where the loop is: enough to resume exactly. */
export interface LoopState {
  /** Number of steps completed (the next step's index). */
  step: number;
  /** The batch source's position. */
  position: number;
  /** Carried recurrent state, by input name. */
  carry: Record<string, Tensor>;
}

/** Options of `runLoop`. */
export interface LoopOptions {
  readonly trainer: Trainer;
  readonly batches: BatchSource;
  /** The state to start from (step 0 and zero carry for a fresh run, or a checkpoint's). */
  readonly start: LoopState;
  /** Train until this many steps are completed. */
  readonly endStep: number;
  /** Tokens per step (T·B). */
  readonly tokensPerStep: number;
  /** MoE layer names (their `<name>.cvImportance`, `.cvLoad`, `.importance`, `.load` are read). */
  readonly moeLayers: readonly string[];
  readonly onRecord?: (r: TrainRecord | ValidRecord) => void;
  readonly validateEvery?: number;
  readonly validate?: (state: LoopState) => Promise<{ loss: number }>;
  readonly checkpointEvery?: number;
  readonly checkpoint?: (state: LoopState) => Promise<void>;
  /** Tokens and seconds of the run before `start` (a resume continues the counters of metrics.jsonl). */
  readonly elapsed?: { readonly tokens: number; readonly time: number };
  /** Polled after every step; true ends the loop (after a checkpoint, when checkpoints are on). */
  readonly shouldStop?: () => boolean;
}

/** Runs the loop; returns the final state (also checkpointed when checkpoints are on). */
export async function runLoop(o: LoopOptions): Promise<LoopState> {
  const state: LoopState = { step: o.start.step, position: o.start.position, carry: { ...o.start.carry } };
  const started = performance.now();
  let tokens = 0;
  while (state.step < o.endStep) {
    const batch = o.batches.next();
    // The batch may override the carried state (zeros at the start of an epoch).
    const r = await o.trainer.stepFull({ ...state.carry, ...batch }, state.step);
    state.step += 1;
    state.position = o.batches.position();
    state.carry = r.carry;
    tokens += o.tokensPerStep;
    const sessionTime = (performance.now() - started) / 1000;
    const time = (o.elapsed?.time ?? 0) + sessionTime;
    const moe: TrainRecord['moe'] = {};
    for (const name of o.moeLayers) {
      moe[name] = {
        cvImportance: r.scalars[`${name}.cvImportance`] ?? NaN,
        cvLoad: r.scalars[`${name}.cvLoad`] ?? NaN,
        importance: Array.from(r.vectors[`${name}.importance`] ?? []),
        load: Array.from(r.vectors[`${name}.load`] ?? []),
      };
    }
    // Perplexity from the task loss alone (the total adds the MoE balancing losses).
    const taskLoss = r.scalars.taskLoss ?? r.scalars.loss!;
    o.onRecord?.({ kind: 'train', step: state.step, tokens: (o.elapsed?.tokens ?? 0) + tokens, time, tokensPerSec: tokens / Math.max(sessionTime, 1e-9), loss: taskLoss, ppl: Math.exp(taskLoss), moe });
    // Yield to the event loop once per step: on the CPU backend a step resolves without any I/O,
    // and signals (Ctrl-C) are only delivered between event-loop turns.
    await nextTurn();
    const last = state.step === o.endStep;
    const stop = o.shouldStop?.() ?? false;
    if (o.validate && o.validateEvery && (state.step % o.validateEvery === 0 || last || stop)) {
      const v = await o.validate(state);
      o.onRecord?.({ kind: 'valid', step: state.step, loss: v.loss, ppl: Math.exp(v.loss) });
    }
    if (o.checkpoint && ((o.checkpointEvery && state.step % o.checkpointEvery === 0) || last || stop)) await o.checkpoint(state);
    if (stop) break;
  }
  return state;
}
