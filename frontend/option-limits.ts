/**
 * Model option checks that run before any work (no tracing, compiling or allocating yet): every
 * `--set` key must be one of the model's own options (so `__proto__`, `toString` and other names
 * inherited by every JS object are unknown keys, not prototype writes); a size-like option (one
 * whose default is a positive integer: T, B, vocab, width, experts, k, …) must be a positive
 * integer; every number must be a finite f32 (both backends then agree: an option like
 * wImportance=1e39 is infinite in f32 and refused alike); and, on the traced graph, no tensor may need more than the 2 GiB a typed array can hold,
 * each such error naming the layer, the value, the limit and the fix.
 */
import type { Graph } from '../ir/graph.ts';
import { formatShape, numel } from '../ir/types.ts';
import type { Model, ModelOptions } from './model.ts';

/** Largest tensor in bytes (a JS typed array; a WebGPU buffer is smaller still). */
const MAX_TENSOR_BYTES = 2 ** 31 - 1;

/** Largest finite f32: a larger option value would be infinite on the device. */
const F32_MAX = 3.4028234663852886e38;

/** Rejects `--set key=value` pairs whose key is not an own option of the model. */
export function checkOptionKeys(model: Model, sets: readonly string[]): void {
  const valid = Object.keys(model.defaults);
  for (const p of sets) {
    const eq = p.indexOf('=');
    const key = (eq > 0 ? p.slice(0, eq) : p).trim();
    if (!Object.hasOwn(model.defaults, key)) {
      throw new Error(`model '${model.name}' has no option '${key}'; valid options: ${valid.map((k) => `${k} (default ${String(model.defaults[k])})`).join(', ')}`);
    }
  }
}

/**
 * Checks the resolved options against the model's defaults: an option whose default is a positive
 * integer is a size or a count and must be a positive safe integer.
 */
export function validateModelOptions(model: Model, options: ModelOptions): void {
  for (const [key, def] of Object.entries(model.defaults)) {
    const v = options[key];
    if (typeof v === 'number' && !(Math.abs(v) <= F32_MAX)) {
      throw new Error(`option ${key}=${String(v)} of model '${model.name}' is not a finite f32 number (|value| ≤ ${F32_MAX.toExponential(4)}); both backends compute in f32, so use a smaller value`);
    }
    if (typeof def === 'number' && Number.isInteger(def) && def >= 1) {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
        throw new Error(`option ${key}=${String(v)} of model '${model.name}': ${key} is a size (default ${def}) and must be a positive integer; use --set ${key}=${def} or another positive integer`);
      }
    }
  }
}

/** Rejects a traced graph with a tensor larger than `MAX_TENSOR_BYTES`, naming its layer and shape. */
export function checkTensorSizes(g: Graph, modelName: string): void {
  const layerOf = new Map<number, string>();
  for (const n of g.nodes) for (const o of n.outputs) layerOf.set(o, n.layer ? `layer ${n.layer} (${n.op})` : `op ${n.op}`);
  for (const i of g.inputs) layerOf.set(i.value, `${i.role} ${i.name}`);
  for (const [id, v] of g.values) {
    const bytes = numel(v.type.shape) * 4;
    if (bytes > MAX_TENSOR_BYTES) {
      throw new Error(`model '${modelName}': ${layerOf.get(id) ?? `value %${id}`} has shape ${formatShape(v.type.shape)}, ${bytes.toExponential(2)} bytes, over the limit of ${MAX_TENSOR_BYTES} bytes per tensor; make the options that size it (width, vocab, experts, expertHidden, T, B) smaller`);
    }
  }
}
