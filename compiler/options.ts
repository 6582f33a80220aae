/**
 * Model options from the command line: parses `--set key=value` pairs into typed overrides of a
 * model's exported defaults (numbers, booleans and strings keep the type of the default they
 * replace), rejecting unknown keys with the list of valid ones and mistyped values with the
 * expected type, so a sweep never silently runs the wrong configuration.
 */

/** A model's options: plain JSON scalars. */
export type ModelOptions = Record<string, number | boolean | string>;

/** Parses `key=value` strings against `defaults`; throws a one-line reason on any problem. */
export function parseOverrides(pairs: readonly string[], defaults: ModelOptions): ModelOptions {
  const out: ModelOptions = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--set expects key=value, got '${pair}'`);
    const key = pair.slice(0, eq).trim();
    const raw = pair.slice(eq + 1).trim();
    if (!(key in defaults)) {
      throw new Error(`--set ${key}: unknown option; this model's options are ${Object.keys(defaults).join(', ')}`);
    }
    const def = defaults[key]!;
    if (typeof def === 'number') {
      const v = Number(raw);
      if (raw === '' || !Number.isFinite(v)) throw new Error(`--set ${key}=${raw}: expected a number (default ${def})`);
      out[key] = v;
    } else if (typeof def === 'boolean') {
      if (raw !== 'true' && raw !== 'false') throw new Error(`--set ${key}=${raw}: expected true or false (default ${def})`);
      out[key] = raw === 'true';
    } else {
      out[key] = raw;
    }
  }
  return out;
}
