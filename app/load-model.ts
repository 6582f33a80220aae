/**
 * Loads a user's model file (TypeScript or JavaScript, imported directly through tsx: no build step)
 * and traces it into a Graph with the command line's `--set` overrides applied. A model file's
 * default export is a model made with `defineModel`. Model files import the DSL `from 'moec'`; a
 * module resolve hook maps that specifier to the very moec that is running (so a model file works
 * in any folder — one with no package.json, no node_modules, or a CommonJS package.json — and its
 * layers are the same module instances the CLI checks against), and loads every TypeScript file
 * outside node_modules as an ES module whatever the folder's package type. When the import itself
 * fails (a syntax error, a missing import), the error names that cause, not "has no model".
 */
import { existsSync } from 'node:fs';
import { register } from 'node:module';
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

/**
 * The resolve hook (runs on Node's loader thread, so it is plain JavaScript source): `moec` and
 * `moec/…` resolve to the running package's entry; `.ts`/`.mts` files outside node_modules load
 * as ES modules.
 */
const HOOK_SOURCE = `
let entry;
export function initialize(data) { entry = data.entry; }
export async function resolve(specifier, context, next) {
  if (specifier === 'moec') return { url: entry, format: 'module', shortCircuit: true };
  const r = await next(specifier, context);
  if (/\\.m?ts($|\\?)/.test(r.url) && r.url.startsWith('file:') && !r.url.includes('/node_modules/')) return { ...r, format: 'module' };
  return r;
}`;

/** The URL of the running moec's entry point (index.ts from sources, index.js from dist/). */
function moecEntryUrl(): string {
  return new URL(import.meta.url.endsWith('.ts') ? '../index.ts' : '../index.js', import.meta.url).href;
}

// Registering the hook is a process-wide side effect by nature (Node's loader chain); it is done
// once, the first time a model file is loaded.
let hookRegistered = false;
function registerModelHook(): void {
  if (hookRegistered) return;
  register(`data:text/javascript,${encodeURIComponent(HOOK_SOURCE)}`, { data: { entry: moecEntryUrl() } });
  hookRegistered = true;
}

/** Imports `file` and returns its model; throws a one-line reason when it cannot. */
export async function loadModelFile(file: string): Promise<LoadedModel> {
  const path = resolve(file);
  if (!existsSync(path)) throw new Error(`model file not found: ${file}`);
  registerModelHook();
  let mod: { default?: unknown };
  try {
    mod = (await tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown };
  } catch (e) {
    const err = e as Error & { code?: string };
    throw new Error(`cannot load model file ${file}: ${err.code ? `${err.code}: ` : ''}${err.message.split('\n').filter((l) => l.trim()).slice(0, 3).join(' ')}`, { cause: e });
  }
  if (!isModel(mod.default)) {
    const keys = Object.keys(mod).filter((k) => k !== 'default');
    const got = mod.default === undefined ? 'it has no default export' : `its default export is ${describe(mod.default)}`;
    throw new Error(
      `${file} has no model: ${got}${keys.length ? ` (named exports: ${keys.join(', ')})` : ''}; its default export must be a model made with defineModel(...) (import { defineModel } from 'moec'; export default defineModel({...}))`,
    );
  }
  return { path, model: mod.default };
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'function') return `a function${x.name ? ` (${x.name})` : ''}`;
  if (typeof x === 'object') return `an object with keys ${Object.keys(x).slice(0, 6).join(', ') || '(none)'}`;
  return `${typeof x} ${JSON.stringify(x)}`;
}

/** Traces a loaded model with `--set key=value` overrides into a graph. */
export function traceWithOverrides(loaded: LoadedModel, sets: readonly string[]): { graph: Graph; options: ModelOptions } {
  const overrides = parseSetArgs(sets);
  return { graph: traceModel(loaded.model, overrides), options: resolveOptions(loaded.model, overrides) };
}
