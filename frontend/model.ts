/**
 * Model definitions of the moec DSL. `defineModel({ name, defaults, build })` packages a model:
 * its option defaults (plain numbers, booleans and strings, overridable from the CLI with
 * `--set key=value`) and a `build(ctx, options)` function that calls layers on a fresh
 * `TraceContext` and returns the task loss. `traceModel(model, overrides)` validates and merges
 * the overrides, traces the model into an IR `Graph` whose first output is `loss` (task loss plus
 * every MoE balancing loss) and records the resolved options and layer descriptions in
 * `graph.meta`.
 */
import type { Graph } from '../ir/graph.ts';
import { TraceContext, type Tensor } from './builder.ts';

/** An option value: what `--set key=value` can express. */
export type OptionValue = number | boolean | string;

/** A model's options: a flat record of option values. */
export type ModelOptions = Record<string, OptionValue>;

/** What `defineModel` takes. */
export interface ModelSpec<O extends ModelOptions> {
  /** Model name (also `graph.meta.name`). */
  readonly name: string;
  /** Every option with its default; the keys are the only valid override keys. */
  readonly defaults: O;
  /** Traces the model on `ctx` and returns its scalar task loss. */
  build(ctx: TraceContext, options: O): Tensor;
}

/** A defined model (a frozen `ModelSpec` with a brand so the CLI can recognise it). */
export interface Model<O extends ModelOptions = ModelOptions> extends ModelSpec<O> {
  readonly kind: 'moec.model';
}

/** Defines a model; the defaults are copied and frozen. */
export function defineModel<O extends ModelOptions>(spec: ModelSpec<O>): Model<O> {
  if (!spec.name) throw new Error('defineModel: the model needs a name');
  return Object.freeze({ kind: 'moec.model' as const, name: spec.name, defaults: Object.freeze({ ...spec.defaults }), build: spec.build });
}

/** True when `x` is a model made by `defineModel`. */
export function isModel(x: unknown): x is Model {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'moec.model';
}

/**
 * Parses one option value from text: `true`/`false` → boolean, numeric text → number, anything
 * else stays a string.
 */
function parseOptionValue(text: string): OptionValue {
  const t = text.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  return t;
}

/** Parses CLI `--set` arguments `key=value` (one per string) into an overrides record. */
export function parseSetArgs(pairs: readonly string[]): Record<string, OptionValue> {
  const out: Record<string, OptionValue> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new Error(`--set expects key=value, got '${p}'`);
    out[p.slice(0, eq).trim()] = parseOptionValue(p.slice(eq + 1));
  }
  return out;
}

/**
 * Merges overrides into the model's defaults. Unknown keys fail with the list of valid ones; a
 * string override of a number/boolean option is parsed; a value of the wrong type fails.
 */
export function resolveOptions<O extends ModelOptions>(model: Model<O>, overrides: Readonly<Record<string, unknown>> = {}): O {
  const valid = Object.keys(model.defaults);
  const out: Record<string, OptionValue> = { ...model.defaults };
  for (const [key, raw] of Object.entries(overrides)) {
    if (!(key in model.defaults)) {
      throw new Error(`model '${model.name}' has no option '${key}'; valid options: ${valid.map((k) => `${k} (default ${String(model.defaults[k])})`).join(', ')}`);
    }
    const want = typeof model.defaults[key];
    const value = typeof raw === 'string' && want !== 'string' ? parseOptionValue(raw) : raw;
    if (typeof value !== want) {
      throw new Error(`option '${key}' of model '${model.name}' must be a ${want}, got ${JSON.stringify(raw)}`);
    }
    out[key] = value as OptionValue;
  }
  return out as O;
}

/** Traces `model` with its defaults merged with `overrides` into an IR graph. */
export function traceModel<O extends ModelOptions>(model: Model<O>, overrides: Readonly<Record<string, unknown>> = {}): Graph {
  const options = resolveOptions(model, overrides);
  const ctx = new TraceContext();
  const loss = model.build(ctx, options);
  return ctx.finish(loss, { name: model.name, options: { ...options } });
}
