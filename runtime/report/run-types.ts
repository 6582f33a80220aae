/**
 * The shape of a `moec train` run directory once read and validated: the parsed `config.json`
 * (kept loosely typed, since the report only summarises it) and the two kinds of `metrics.jsonl`
 * records — `train` lines (loss, throughput and per-MoE-layer importance/load statistics) and
 * `valid` lines (validation loss and perplexity). These types are shared by the reader and the
 * renderers so that neither has to re-check the data.
 */

/** Per-MoE-layer statistics logged with one training step. */
export interface MoeLayerStats {
  /** CV² of the per-expert importance (sum of gate values), as in the paper's importance loss. */
  readonly cvImportance: number;
  /** CV² of the per-expert load (smooth estimate of examples routed), as in the load loss. */
  readonly cvLoad: number;
  /** Per-expert importance, one number per expert. */
  readonly importance: readonly number[];
  /** Per-expert load, one number per expert. */
  readonly load: readonly number[];
}

/** One `{"kind":"train",...}` line of metrics.jsonl. */
export interface TrainRecord {
  readonly kind: 'train';
  readonly step: number;
  readonly tokens: number;
  readonly time: number;
  readonly tokensPerSec: number;
  readonly loss: number;
  readonly ppl: number;
  /** MoE layer name -> statistics; empty when the model has no MoE layer (or none were logged). */
  readonly moe: Readonly<Record<string, MoeLayerStats>>;
}

/** One `{"kind":"valid",...}` line of metrics.jsonl. */
export interface ValidRecord {
  readonly kind: 'valid';
  readonly step: number;
  readonly loss: number;
  readonly ppl: number;
}

/** A validated run directory. */
export interface RunData {
  /** The directory the run was read from. */
  readonly runDir: string;
  /** The parsed config.json object (model name, options, optimizer, backend, seed, data). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Train records in file order. */
  readonly train: readonly TrainRecord[];
  /** Validation records in file order. */
  readonly valid: readonly ValidRecord[];
  /** MoE layer name -> number of experts, in first-seen order. */
  readonly moeLayers: ReadonlyMap<string, number>;
}
