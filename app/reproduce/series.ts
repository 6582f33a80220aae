/**
 * The runs `moec reproduce` trains: the Table 7 series (the matched-compute models of
 * examples/matched/, 1 to 1024 experts, all at 4 experts × 64 hidden units = 256 expert hidden units
 * per token) and the Table 6 series (MoE-256, the paper's Table 6 architecture, at the paper's six
 * (wImportance, wLoad) pairs; the (0.1, 0.1) row is the Table 7 MoE-256 run itself, trained once).
 * `tinyOverrides` shrinks every model alike (width, vocabulary, batch, expert hidden ÷ 8) for tests,
 * keeping the expert counts and the matched compute.
 */
import { fileURLToPath } from 'node:url';

/** The tables `moec reproduce` can run. */
export const REPRODUCE_TARGETS = ['table6', 'table7', 'table9', 'all'] as const;
/** One of them. */
export type ReproduceTarget = (typeof REPRODUCE_TARGETS)[number];

/** Option overrides of one run (model options, by name). */
export type Overrides = Readonly<Record<string, number | boolean>>;

/** One training run of the reproduction. */
export interface RunSpec {
  /** Run directory name under --out (unique; shared runs share it). */
  readonly id: string;
  /** The model's label in the tables. */
  readonly label: string;
  /** Absolute path of the model file. */
  readonly modelFile: string;
  /** Options set on top of the model's defaults. */
  readonly overrides: Overrides;
  /** Total experts (the x axis of the Figure 2-left analog). */
  readonly experts: number;
  /** The paper's Table 7 row this run stands beside, if any. */
  readonly paperModel?: string;
  /** Table 6: the loss weights. */
  readonly wImportance: number;
  readonly wLoad: number;
}

const example = (name: string): string => fileURLToPath(new URL(`../../examples/matched/${name}.ts`, import.meta.url));

/** The Table 7 series. */
export const TABLE7: readonly RunSpec[] = [
  { id: 'moe-1-wide', label: 'MoE-1-Wide', modelFile: example('moe-1-wide'), overrides: {}, experts: 1, paperModel: 'MoE-1-Wide', wImportance: 0.1, wLoad: 0.1 },
  { id: 'moe-4', label: 'MoE-4', modelFile: example('moe-4'), overrides: {}, experts: 4, paperModel: 'MoE-4', wImportance: 0.1, wLoad: 0.1 },
  { id: 'moe-16', label: 'MoE-16', modelFile: example('moe-16'), overrides: {}, experts: 16, wImportance: 0.1, wLoad: 0.1 },
  { id: 'moe-64', label: 'MoE-64', modelFile: example('moe-64'), overrides: {}, experts: 64, wImportance: 0.1, wLoad: 0.1 },
  { id: 'moe-256', label: 'MoE-256', modelFile: example('moe-256'), overrides: {}, experts: 256, paperModel: 'MoE-256', wImportance: 0.1, wLoad: 0.1 },
  { id: 'moe-1024-h', label: 'MoE-1024-h', modelFile: example('moe-1024-h'), overrides: {}, experts: 1024, paperModel: 'MoE-1024-h', wImportance: 0.1, wLoad: 0.1 },
];

/** The paper's Table 6 loss-weight pairs, in its row order. */
export const TABLE6_WEIGHTS: readonly (readonly [number, number])[] = [[0, 0], [0.2, 0], [0, 0.2], [0.1, 0.1], [0.01, 0.01], [1, 1]];

/** The Table 6 series: MoE-256 at each weight pair ((0.1, 0.1) is the Table 7 MoE-256 run). */
export const TABLE6: readonly RunSpec[] = TABLE6_WEIGHTS.map(([wi, wl]) => {
  const base = TABLE7.find((r) => r.id === 'moe-256')!;
  if (wi === base.wImportance && wl === base.wLoad) return base;
  return { ...base, id: `moe-256-wi${wi}-wl${wl}`, label: `MoE-256 (${wi}, ${wl})`, overrides: { wImportance: wi, wLoad: wl }, wImportance: wi, wLoad: wl };
});

/** The run whose checkpoint the Table 9 analog (expert contexts) reads. */
export const TABLE9_RUN: RunSpec = TABLE7.find((r) => r.id === 'moe-64')!;

/** The runs a target needs, each once, in training order. */
export function runsFor(target: ReproduceTarget): RunSpec[] {
  const list = target === 'table7' ? TABLE7 : target === 'table6' ? TABLE6 : target === 'table9' ? [TABLE9_RUN] : [...TABLE7, ...TABLE6];
  const seen = new Set<string>();
  return list.filter((r) => !seen.has(r.id) && seen.add(r.id));
}

/**
 * Test-size overrides: width 16, vocabulary 200, batch 8 × 64, expert hidden ÷ 8 (so the
 * matched compute stays matched); expert counts unchanged.
 */
export function tinyOverrides(spec: RunSpec): Overrides {
  const hidden = spec.id === 'moe-1-wide' ? 256 : 64;
  return { width: 16, vocab: 200, T: 8, B: 64, expertHidden: hidden / 8 };
}
