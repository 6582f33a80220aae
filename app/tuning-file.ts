/**
 * Where `moec tune` keeps an adapter's kernel tuning and how commands pick it up. The file lives
 * in the user's cache (`$XDG_CACHE_HOME/moec/tuning/<adapter>.json`, else `~/.cache/…`), one per
 * adapter, written atomically; `--tuning <file>` names another. Commands that compile for WebGPU
 * read the default file when it exists and was measured on this adapter (a file for another
 * adapter, or written by a moec with another candidate set — an older KERNEL_TUNING_VERSION — is
 * ignored, with a notice), and refuse a file that fails validation rather than guess.
 * `--no-tuning` (or MOEC_NO_TUNING=1) compiles with the default tilings. Tuning changes speed only,
 * never numbers.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { KERNEL_TUNING_VERSION, parseKernelTuning, type KernelTuning } from '../compiler/kernel-tuning.ts';
import type { LoweringLimits } from '../compiler/lower/context.ts';
import { writeFileAtomic } from '../runtime/checkpoint.ts';
import type { Backend } from '../runtime/backend.ts';
import type { DeviceContext } from '../runtime/device.ts';
import { deviceLoweringLimits } from '../runtime/lowering-limits.ts';

/** The default tuning file of an adapter (by its description). */
export function defaultTuningPath(adapter: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  const slug = adapter.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 120) || 'adapter';
  return join(base, 'moec', 'tuning', `${slug}.json`);
}

/** Reads and validates a tuning file. */
export function readTuningFile(file: string): KernelTuning {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`tuning file ${file}: cannot be read as JSON (${(e as Error).message}); re-create it with \`moec tune\` or delete it`);
  }
  return parseKernelTuning(json, file);
}

/** The `version` field of a tuning file when it is a number (undefined when the file is not such JSON: readTuningFile says why). */
function tuningFileVersion(file: string): number | undefined {
  try {
    const v: unknown = (JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown }).version;
    return typeof v === 'number' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Writes `tuning` to `file` atomically (temporary file, then rename). */
export function writeTuningFile(file: string, tuning: KernelTuning): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, new TextEncoder().encode(`${JSON.stringify(tuning, null, 2)}\n`));
}

/** How a command chooses its tuning. */
export interface TuningChoice {
  /** `--tuning <file>`: use this file (it must exist, validate and match the adapter). */
  readonly file?: string;
  /** `--no-tuning`: default tilings. */
  readonly off?: boolean;
}

/**
 * The tuning a command compiles with on `dev`: none when turned off (`off`, MOEC_NO_TUNING=1),
 * the named file, or the adapter's default file when it exists.
 */
export function tuningFor(dev: DeviceContext, choice: TuningChoice = {}, notice: (line: string) => void = () => {}, env: NodeJS.ProcessEnv = process.env): KernelTuning | undefined {
  if (choice.off || env.MOEC_NO_TUNING === '1') return undefined;
  const adapter = dev.info.description;
  if (choice.file !== undefined) {
    if (!existsSync(choice.file)) throw new Error(`--tuning ${choice.file}: no such file; create it with \`moec tune --out ${choice.file}\``);
    const t = readTuningFile(choice.file);
    if (t.adapter !== adapter) throw new Error(`--tuning ${choice.file} was measured on '${t.adapter}', not this adapter '${adapter}'; run \`moec tune\` here`);
    return t;
  }
  const file = defaultTuningPath(adapter, env);
  if (!existsSync(file)) return undefined;
  const version = tuningFileVersion(file);
  if (version !== undefined && version !== KERNEL_TUNING_VERSION) {
    notice(`tuning file ${file} was measured with moec's kernel set ${version}, this moec has set ${KERNEL_TUNING_VERSION}: using default kernels; run \`moec tune\` to re-measure`);
    return undefined;
  }
  const t = readTuningFile(file);
  if (t.adapter !== adapter) {
    notice(`tuning file ${file} is for '${t.adapter}', not '${adapter}': using default kernels`);
    return undefined;
  }
  return t;
}

/** The lowering limits of a backend: the WebGPU device's limits, its `subgroups` feature and its tuning (undefined on the CPU backend). */
export function loweringLimitsOf(backend: Backend, choice: TuningChoice = {}, notice?: (line: string) => void): LoweringLimits | undefined {
  if (backend.kind !== 'webgpu') return undefined;
  const tuning = tuningFor(backend.device, choice, notice);
  return { ...deviceLoweringLimits(backend.device), ...(tuning ? { tuning } : {}) };
}
