/**
 * Loads a user's model file (TypeScript, imported directly through tsx: no build step) and traces
 * it into a Graph with the command line's `--set` overrides applied. A model file's default export
 * is a model made with `defineModel`; a missing file or a file without a model is a one-line error.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import type { Graph } from '../ir/graph.ts';
import { isModel, parseSetArgs, resolveOptions, traceModel, type Model, type ModelOptions } from '../frontend/model.ts';

/** A loaded model file. */
export interface LoadedModel {
  readonly path: string;
  readonly model: Model;
}

/** Imports `file` and returns its model; throws a one-line reason when it cannot. */
export async function loadModelFile(file: string): Promise<LoadedModel> {
  const path = resolve(file);
  if (!existsSync(path)) throw new Error(`model file not found: ${file}`);
  const mod = (await tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown };
  if (!isModel(mod.default)) {
    throw new Error(`${file} has no model: its default export must be a model made with defineModel(...)`);
  }
  return { path, model: mod.default };
}

/** Traces a loaded model with `--set key=value` overrides into a graph. */
export function traceWithOverrides(loaded: LoadedModel, sets: readonly string[]): { graph: Graph; options: ModelOptions } {
  const overrides = parseSetArgs(sets);
  return { graph: traceModel(loaded.model, overrides), options: resolveOptions(loaded.model, overrides) };
}
