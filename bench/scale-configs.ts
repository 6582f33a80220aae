/**
 * The configurations of the scale benchmark (`npm run bench -- scale`, issue 9 item 5), as data:
 * which example model, which option overrides, and which jobs run together. A job is what one
 * worker process measures: a configuration timed alternately with its sweep's reference point
 * (flat: 4 experts, hierarchical: 64 experts) so host-load drift hits both sides of every ratio,
 * or a memory-only configuration whose training peak comes from the plan (`none` vs `experts`
 * recompute, nothing is run). Full sizes are the Done-when configurations of the issue; `--quick`
 * gives a short smoke version with the same structure.
 */
import type { FamilyBreakdown } from './scale-families.ts';

/** The sweeps: flat (Done-when sizes), flat-small (the original sweep), hierarchical, rows (memory). */
export type Sweep = 'flat' | 'flat-small' | 'hier' | 'rows';

/** Every sweep, in run order. */
export const SWEEPS: readonly Sweep[] = ['flat', 'hier', 'rows', 'flat-small'];

/** Example model files by kind (paths relative to the repository root). */
export const MODEL_FILES = { flat: 'examples/lstm-moe-lm.ts', hier: 'examples/hierarchical-moe-lm.ts' } as const;

/** One measured configuration. */
export interface ScaleConfig {
  /** Unique label, e.g. `flat n=1024`. */
  readonly label: string;
  readonly sweep: Sweep;
  readonly model: keyof typeof MODEL_FILES;
  /** Option overrides of the example model (`--set` style). */
  readonly options: Readonly<Record<string, number>>;
  /** Total experts (groups · perGroup for hierarchical). */
  readonly experts: number;
  /** Rows per step, T · B. */
  readonly rows: number;
  /** Also compile and run the forward (inference) plan (hierarchical: the "runs forward" check). */
  readonly forward?: boolean;
  /**
   * `auto`: run on as many GPUDevices as the expert banks need (the smallest power of two whose bank
   * slices fit one storage binding: compiler/multi-device/capacity.ts `compileForAutoDevices`);
   * absent: one device, the ordinary plan.
   */
  readonly devices?: 'auto';
  /** Extra seconds the job may take beyond the timed loop (preparing several devices, slow first steps). */
  readonly extraSeconds?: number;
}

/** What one worker process does. */
export interface ScaleJob {
  /** `time`: compile, warm up, time steps alternately, profile one step. `memory`: plan peaks only. */
  readonly kind: 'time' | 'memory';
  /** Configurations; for `time` jobs the first is the sweep's reference point when there are two. */
  readonly configs: readonly ScaleConfig[];
}

/** Knobs of a run. */
export interface ScaleSettings {
  readonly quick: boolean;
  /** Timed steps per configuration (median reported). */
  readonly runs: number;
  /** Per-configuration cap on the timed loop, in seconds: stop taking samples once exceeded. */
  readonly capSeconds: number;
  /** Configurations whose plan peak exceeds this are recorded as skipped, not run (host RAM is shared). */
  readonly maxBytes: number;
  /** Recompute policy of the timed training steps (default 'experts'; memory jobs compare both). */
  readonly recompute?: 'none' | 'experts';
}

const flat = (sweep: 'flat' | 'flat-small', experts: number, o: Record<string, number>): ScaleConfig => ({
  label: `${sweep} n=${experts}`,
  sweep,
  model: 'flat',
  options: { ...o, experts },
  experts,
  rows: o.T! * o.B!,
  devices: 'auto',
  // Banks past one binding train on several devices: ~2 minutes per 1024 experts to bind, fill and warm up on lavapipe.
  ...(experts > 1024 ? { extraSeconds: 120 * (experts / 1024) } : {}),
});

const hier = (groups: number, perGroup: number, o: Record<string, number>): ScaleConfig => ({
  label: `hier ${groups}x${perGroup}`,
  sweep: 'hier',
  model: 'hier',
  options: { ...o, groups, perGroup },
  experts: groups * perGroup,
  rows: o.T! * o.B!,
  forward: true,
});

const rows = (label: string, experts: number, expertHidden: number, nRows: number): ScaleConfig => ({
  label,
  sweep: 'rows',
  model: 'flat',
  options: { experts, k: 4, width: 64, expertHidden, T: 8, B: nRows / 8 },
  experts,
  rows: nRows,
});

/** Pairs every configuration of a timed sweep with the sweep's first (reference) configuration. */
function paired(configs: readonly ScaleConfig[]): ScaleJob[] {
  const [ref, ...rest] = configs;
  return [{ kind: 'time', configs: [ref!] }, ...rest.map((c): ScaleJob => ({ kind: 'time', configs: [ref!, c] }))];
}

/** The jobs of every sweep (full or quick sizes). */
export function scaleJobs(quick: boolean): Record<Sweep, ScaleJob[]> {
  if (quick) {
    const f = { width: 32, k: 2, expertHidden: 64, T: 4, B: 16, vocab: 256 };
    const h = { width: 16, k1: 2, k2: 2, expertHidden: 16, T: 4, B: 8 };
    return {
      flat: paired([4, 16, 64, 1024].map((n) => flat('flat', n, f))),
      'flat-small': [],
      hier: paired([hier(4, 4, h), hier(8, 8, h), hier(16, 16, h)]),
      rows: [{ kind: 'memory', configs: [rows('rows 256 n=64 H=64', 64, 64, 256), rows('rows 1024 n=64 H=64', 64, 64, 1024)] }],
    };
  }
  // Training binds each expert bank whole (≤ 128 MiB, one storage binding): width 32 keeps the
  // 1024-expert bank of the Done-when sweep (expert hidden 1024) at exactly 128 MiB on one device;
  // 4096 and 8192 experts (512 MiB and 1 GiB banks) train with their experts split over 4 and 8
  // GPUDevices (`devices: 'auto'`, expert parallelism), 128 MiB of each bank per device. The
  // flat-small sweep runs 8192 experts at hidden 64 (128 MiB) and the hierarchical sweep uses
  // expert hidden 16 so 512 × 256 experts fit.
  const f = { width: 32, k: 4, expertHidden: 1024, T: 8, B: 128 };
  const fs = { width: 64, k: 4, expertHidden: 64, T: 8, B: 32 };
  const h = { width: 16, k1: 2, k2: 2, expertHidden: 16, T: 8, B: 8 };
  return {
    flat: paired([4, 16, 64, 256, 1024, 4096, 8192].map((n) => flat('flat', n, f))),
    hier: paired([hier(8, 8, h), hier(32, 32, h), hier(128, 128, h), hier(256, 256, h), hier(512, 256, h)]),
    rows: [
      {
        kind: 'memory',
        configs: [
          ...[256, 1024, 4096, 16384].map((r) => rows(`rows ${r} n=64 H=64`, 64, 64, r)),
          rows('rows 4096 n=16 H=1024', 16, 1024, 4096),
        ],
      },
    ],
    'flat-small': paired([4, 16, 64, 256, 704, 1024, 4096, 8192].map((n) => flat('flat-small', n, fs))),
  };
}

/** Result of one configuration (time or memory), as written to scale.json. */
export interface ConfigResult {
  readonly label: string;
  readonly sweep: string;
  readonly model: string;
  readonly options: Readonly<Record<string, number>>;
  readonly experts: number;
  readonly rows: number;
  ok: boolean;
  error?: string;
  /** Training-plan peak bytes (recompute experts for time jobs; both policies for memory jobs). */
  peakBytes?: number | { none?: number; experts?: number };
  /** 1 − experts/none of the training peak (memory jobs). */
  recomputeSaving?: number;
  compile_ms?: number;
  prepare_ms?: number;
  dispatches?: number;
  warmup_ms?: number;
  median_ms?: number;
  samples_ms?: number[];
  us_per_token?: number;
  /** True when the time cap stopped sampling before `runs` samples. */
  capped?: boolean;
  loss?: number;
  profile?: FamilyBreakdown;
  profileError?: string;
  /** The reference configuration timed alternately with this one, and median(this)/median(reference). */
  reference?: { label: string; median_ms: number; samples_ms: number[]; us_per_token: number };
  ratio?: number;
  /** GPUDevices the training step ran on (1: the ordinary one-device plan), and why. */
  devices?: number;
  devicesWhy?: string;
  /** Several devices: the sum of the device plans' peaks (peakBytes is the largest one device's). */
  peakBytesAllDevices?: number;
  /** Several devices: per-device busy time and host-step (exchange) time per step, averaged over every step run. */
  multiDevice?: { devices: number; deviceBusyMsPerStep: number[]; hostStepMsPerStep: number; exchangedBytesPerStep: number; roundTrips?: number; hostSteps?: number };
  /** Forward (inference) plan of hierarchical configs: runs or the error, and its median time. */
  forward?: { ok: boolean; error?: string; median_ms?: number; peakBytes?: number };
}

/** Everything one `npm run bench -- scale` run writes to bench/results/scale.json. */
export interface ScaleResult {
  readonly name: string;
  readonly date: string;
  adapter?: string;
  readonly git: { commit: string; modified: string[] };
  readonly loadavg: { start: number[]; end: number[]; cpus: number };
  readonly settings: ScaleSettings & { only: Sweep[] };
  readonly notes: readonly string[];
  readonly configs: ConfigResult[];
}
