/**
 * Truncated-BPTT batching of a token stream (the encoded documents of one split, concatenated).
 * The stream of N tokens is cut into B contiguous parallel streams of L = ⌊(N−1)/B⌋ tokens each
 * (stream b starts at token b·L; the ≤ B trailing tokens are dropped); batch i of an epoch is the
 * window [i·T, (i+1)·T) of every stream: `tokens[t][b] = stream[b·L + i·T + t]` and
 * `targets[t][b] = stream[b·L + i·T + t + 1]` (the next token), row-major [T, B] as the model's
 * `tokens`/`targets` inputs. An epoch has ⌊L/T⌋ batches (a partial window at the end is dropped).
 * Consecutive batches continue each stream, so the caller carries the LSTM state across them
 * (feeds `hT`/`cT` back as `h0`/`c0`) and resets it to zero when `resetState` is set (the first
 * batch of each epoch). Every epoch visits the same batches in the same order; a batch is a pure
 * function of (stream, T, B, global index), so an iterator started at index k yields exactly what
 * the uninterrupted one yields from its k-th batch on (exact resume from a checkpoint).
 */
import type { Tensor } from '../../ir/tensor.ts';
import { tensorType } from '../../ir/types.ts';

/** Shape of the batches. */
export interface BatchShape {
  /** Time steps per batch (the BPTT truncation length). */
  readonly T: number;
  /** Parallel streams per batch. */
  readonly B: number;
}

/** One batch. */
export interface Batch {
  /** Global batch index (counted across epochs from 0). */
  readonly index: number;
  /** Epoch of the batch (0-based). */
  readonly epoch: number;
  /** Index of the batch within its epoch. */
  readonly batchInEpoch: number;
  /** True for the first batch of an epoch: start every stream's recurrent state at zero. */
  readonly resetState: boolean;
  /** Input ids, row-major [T, B]. */
  readonly tokens: Int32Array;
  /** Next-token ids, row-major [T, B]. */
  readonly targets: Int32Array;
}

/** Layout of a stream under a batch shape. */
export interface BatchLayout extends BatchShape {
  /** Tokens per parallel stream (L). */
  readonly streamLength: number;
  /** Batches per epoch (⌊L/T⌋). */
  readonly batchesPerEpoch: number;
}

/** The layout of `stream` cut for `shape`; throws when the stream cannot fill one batch. */
export function batchLayout(stream: ArrayLike<number>, shape: BatchShape): BatchLayout {
  const { T, B } = shape;
  if (!Number.isInteger(T) || T < 1 || !Number.isInteger(B) || B < 1) throw new Error(`batches: T and B must be positive integers, got T = ${T}, B = ${B}`);
  const streamLength = Math.floor((stream.length - 1) / B);
  const batchesPerEpoch = Math.floor(Math.max(streamLength, 0) / T);
  if (batchesPerEpoch < 1) {
    throw new Error(`batches: a stream of ${stream.length} tokens is too short for one batch of T = ${T}, B = ${B} (needs at least ${T * B + 1} tokens)`);
  }
  return { T, B, streamLength, batchesPerEpoch };
}

/** Batch number `index` (global, across epochs) of `stream`; a pure function of its arguments. */
export function batchAt(stream: ArrayLike<number>, shape: BatchShape, index: number): Batch {
  if (!Number.isInteger(index) || index < 0) throw new Error(`batches: batch index must be a non-negative integer, got ${index}`);
  const { T, B, streamLength: L, batchesPerEpoch } = batchLayout(stream, shape);
  const epoch = Math.floor(index / batchesPerEpoch);
  const i = index % batchesPerEpoch;
  const tokens = new Int32Array(T * B);
  const targets = new Int32Array(T * B);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const at = b * L + i * T + t;
      tokens[t * B + b] = stream[at]!;
      targets[t * B + b] = stream[at + 1]!;
    }
  }
  return { index, epoch, batchInEpoch: i, resetState: i === 0, tokens, targets };
}

/** Options of `batches`. */
export interface BatchIteratorOptions extends BatchShape {
  /** Global index of the first batch to yield (default 0; e.g. a checkpoint's data position). */
  readonly start?: number;
  /** Stop before this global index (default: one epoch after 0, i.e. `batchesPerEpoch`; `Infinity` never stops). */
  readonly end?: number;
}

/** Batches `start`, `start + 1`, … (before `end`) of `stream`; deterministic, restartable at any index. */
export function* batches(stream: ArrayLike<number>, opts: BatchIteratorOptions): Generator<Batch> {
  const layout = batchLayout(stream, opts);
  const end = opts.end ?? layout.batchesPerEpoch;
  for (let i = opts.start ?? 0; i < end; i++) yield batchAt(stream, opts, i);
}

/** The batch as model feeds `{ tokens, targets }` (i32 [T, B] tensors sharing the batch's arrays). */
export function batchFeeds(batch: Batch, shape: BatchShape): Record<'tokens' | 'targets', Tensor> {
  const type = tensorType('i32', [shape.T, shape.B]);
  return { tokens: { type, data: batch.tokens }, targets: { type, data: batch.targets } };
}
