/**
 * Per-adapter kernel tuning as data: which tiling each GEMM shape runs with on one adapter, as
 * measured by `moec tune` (runtime/tuning/). The compiler only reads it: the lowering asks
 * `tunedMatmulTiling` for a shape's tiling and falls back to the untuned choice where the table has none.
 * A tuning file is JSON validated here (version, adapter, every tiling checked against the limits)
 * so a hand-edited or stale file fails with a message naming the entry, never a broken kernel.
 * Tilings only change speed: every GEMM output is the same in-order fma chain over k, so a tuned
 * plan computes the default plan's bits.
 */
import { defaultMatmulTiling, matmulShapeKey, matmulTilingError, type MatmulDevice, type MatmulOptions, type MatmulTiling } from './wgsl/matmul.ts';

/**
 * Format version of tuning files, bumped when the candidate set or the untuned default changes so
 * that picks measured against the old kernels are not kept over a faster new default (2: the
 * row-streaming matmul of wgsl/matmul-stream.ts became the default and a candidate; 3: the subgroup
 * streaming matmul of wgsl/matmul-subgroup.ts joined the candidates; 4: it became the untuned
 * default on devices with `subgroups`, `defaultMatmulTiling`).
 */
export const KERNEL_TUNING_VERSION = 4;

/** One measured choice: the tiling and what it and the default cost when tuned. */
export interface TunedMatmul {
  readonly tiling: MatmulTiling;
  /** Median ms of the chosen tiling and of the default one, in the tuning run. */
  readonly ms: number;
  readonly defaultMs: number;
}

/** The tuning of one adapter. */
export interface KernelTuning {
  readonly version: number;
  /** The adapter it was measured on (`DeviceContext.info.description`). */
  readonly adapter: string;
  readonly date: string;
  /** Host 1-minute load average at the start and end of the tuning run. */
  readonly loadavg: readonly [number, number];
  /** Tuned GEMMs by `matmulShapeKey`. */
  readonly matmul: Readonly<Record<string, TunedMatmul>>;
}

/**
 * The tiling the lowering uses for a GEMM of options `o`: the tuned one if any, else the untuned
 * choice for its shape on `device` (`defaultMatmulTiling`: the subgroup kernel where the device has
 * `subgroups`). A tuned subgroup tiling on a device without the feature is not used (falls back).
 */
export function tunedMatmulTiling(tuning: KernelTuning | undefined, o: MatmulOptions, device: MatmulDevice = {}): MatmulTiling {
  const tuned = tuning?.matmul[matmulShapeKey(o)]?.tiling;
  return tuned && (!tuned.subgroup || device.subgroups) ? tuned : defaultMatmulTiling(o, device);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates parsed JSON as a tuning (`source` names the file in errors). Throws naming the first
 * bad field and what was expected.
 */
export function parseKernelTuning(json: unknown, source: string): KernelTuning {
  const fail = (what: string): never => {
    throw new Error(`tuning file ${source}: ${what}; re-create it with \`moec tune\` or delete it`);
  };
  if (!isObj(json)) return fail('not a JSON object');
  if (json.version !== KERNEL_TUNING_VERSION) fail(`version ${String(json.version)} is not ${KERNEL_TUNING_VERSION}`);
  if (typeof json.adapter !== 'string') fail('`adapter` must be a string');
  if (typeof json.date !== 'string') fail('`date` must be a string');
  const la: unknown = json.loadavg;
  if (!Array.isArray(la) || la.length !== 2 || !la.every((x) => typeof x === 'number')) return fail('`loadavg` must be [start, end]');
  if (!isObj(json.matmul)) return fail('`matmul` must be an object of shape key → entry');
  const matmul: Record<string, TunedMatmul> = {};
  for (const [key, e] of Object.entries(json.matmul)) {
    if (!/^\d+x\d+x\d+(:[a-zA-Z+]+)?$/.test(key)) fail(`matmul key '${key}' is not M×N×K[:flags]`);
    if (!isObj(e) || !isObj(e.tiling) || typeof e.ms !== 'number' || typeof e.defaultMs !== 'number') return fail(`matmul['${key}'] needs tiling, ms and defaultMs`);
    const t = e.tiling;
    const tiling: MatmulTiling = { tm: Number(t.tm), tn: Number(t.tn), tk: Number(t.tk), rm: Number(t.rm), rn: Number(t.rn), vec4: t.vec4 === true, ...(t.stream === true ? { stream: true } : {}), ...(t.subgroup === true ? { subgroup: true } : {}) };
    const bad = matmulTilingError(tiling, 32768);
    if (bad !== undefined) fail(`matmul['${key}'].tiling: ${bad}`);
    matmul[key] = { tiling, ms: e.ms, defaultMs: e.defaultMs };
  }
  return { version: KERNEL_TUNING_VERSION, adapter: json.adapter as string, date: json.date as string, loadavg: [la[0] as number, la[1] as number], matmul };
}
