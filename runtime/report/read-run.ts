/**
 * Reads and validates a `moec train` run directory: `config.json` must be a JSON object and
 * `metrics.jsonl` must hold one JSON object per non-blank line, each a well-formed `train` or
 * `valid` record. Every problem is reported as one Error whose message names the file (and, for
 * metrics, the 1-based line) so the user can go straight to it; a missing file is reported as
 * such rather than as a raw ENOENT. Expert counts of a MoE layer must agree across all lines. A
 * torn last line (no newline, not JSON: a write cut short by a crash or a full disk) is skipped
 * with a warning.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MoeLayerStats, RunData, TrainRecord, ValidRecord } from './run-types.ts';

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${path}: missing ${what} (is this a \`moec train\` run directory?)`);
    throw new Error(`${path}: cannot read ${what}: ${(e as Error).message}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(o: Record<string, unknown>, key: string, where: string, min = -Infinity): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${where}: "${key}" must be a finite number, got ${JSON.stringify(v)}`);
  if (v < min) throw new Error(`${where}: "${key}" must be >= ${min}, got ${v}`);
  return v;
}

function numArray(o: Record<string, unknown>, key: string, where: string): number[] {
  const v = o[key];
  if (!Array.isArray(v) || v.length === 0) throw new Error(`${where}: "${key}" must be a non-empty array of numbers`);
  v.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`${where}: "${key}"[${i}] must be a finite number, got ${JSON.stringify(x)}`);
  });
  return v as number[];
}

function parseStep(o: Record<string, unknown>, where: string): number {
  const s = num(o, 'step', where, 0);
  if (!Number.isInteger(s)) throw new Error(`${where}: "step" must be a non-negative integer, got ${s}`);
  return s;
}

function parseMoe(v: unknown, where: string): Record<string, MoeLayerStats> {
  if (v === undefined) return {};
  if (!isObject(v)) throw new Error(`${where}: "moe" must be an object of layer name -> statistics`);
  const out: Record<string, MoeLayerStats> = {};
  for (const [layer, stats] of Object.entries(v)) {
    const w = `${where}: moe.${layer}`;
    if (!isObject(stats)) throw new Error(`${w} must be an object`);
    const importance = numArray(stats, 'importance', w);
    const load = numArray(stats, 'load', w);
    if (importance.length !== load.length) throw new Error(`${w}: "importance" has ${importance.length} experts but "load" has ${load.length}`);
    out[layer] = { cvImportance: num(stats, 'cvImportance', w, 0), cvLoad: num(stats, 'cvLoad', w, 0), importance, load };
  }
  return out;
}

/** Parses one metrics line (already JSON-decoded); `where` is "file:line" for error messages. */
function parseRecord(v: unknown, where: string): TrainRecord | ValidRecord {
  if (!isObject(v)) throw new Error(`${where}: expected a JSON object`);
  if (v.kind === 'valid') {
    return { kind: 'valid', step: parseStep(v, where), loss: num(v, 'loss', where), ppl: num(v, 'ppl', where, 0) };
  }
  if (v.kind === 'train') {
    return {
      kind: 'train',
      step: parseStep(v, where),
      tokens: num(v, 'tokens', where, 0),
      time: num(v, 'time', where, 0),
      tokensPerSec: num(v, 'tokensPerSec', where, 0),
      loss: num(v, 'loss', where),
      ppl: num(v, 'ppl', where, 0),
      moe: parseMoe(v.moe, where),
    };
  }
  throw new Error(`${where}: "kind" must be "train" or "valid", got ${JSON.stringify(v.kind)}`);
}

/**
 * Reads `<runDir>/config.json` and `<runDir>/metrics.jsonl` and validates them.
 * @throws Error naming the file (and line) of the first problem found, or the missing file.
 */
export function readRun(runDir: string, warn: (message: string) => void = (m) => process.stderr.write(`moec: warning: ${m}\n`)): RunData {
  const configPath = join(runDir, 'config.json');
  const metricsPath = join(runDir, 'metrics.jsonl');
  const configText = readText(configPath, 'config.json');
  const metricsText = readText(metricsPath, 'metrics.jsonl');

  let config: unknown;
  try {
    config = JSON.parse(configText);
  } catch (e) {
    throw new Error(`${configPath}: invalid JSON: ${(e as Error).message}`);
  }
  if (!isObject(config)) throw new Error(`${configPath}: expected a JSON object`);

  const train: TrainRecord[] = [];
  const valid: ValidRecord[] = [];
  const moeLayers = new Map<string, number>();
  const lines = metricsText.split('\n');
  // A last line without its newline is a write cut short (a crash or a full disk): skipped with a
  // warning when it does not parse. Anywhere else a malformed line is an error.
  const tornAt = metricsText.endsWith('\n') ? -1 : lines.length - 1;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${metricsPath}:${i + 1}`;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      if (i === tornAt) {
        warn(`${where}: skipping the torn last line (${raw.length} bytes, no newline: a write cut short)`);
        return;
      }
      throw new Error(`${where}: malformed JSON: ${(e as Error).message}`);
    }
    const rec = parseRecord(v, where);
    if (rec.kind === 'valid') {
      valid.push(rec);
      return;
    }
    for (const [layer, stats] of Object.entries(rec.moe)) {
      const n = moeLayers.get(layer);
      if (n === undefined) moeLayers.set(layer, stats.load.length);
      else if (n !== stats.load.length) throw new Error(`${where}: moe.${layer} has ${stats.load.length} experts but earlier lines had ${n}`);
    }
    train.push(rec);
  });
  return { runDir, config, train, valid, moeLayers };
}
