/**
 * `moec bundle <model.ts|checkpoint.safetensors> --out DIR`: writes a static folder that trains and
 * samples the model in any WebGPU browser — `index.html`, `moec-page.js` (app/browser/page.ts and
 * the browser-safe compiler and runtime, bundled by esbuild for the browser platform; a Node
 * builtin or Dawn reached from it fails the bundle, naming the importer) and `data.json`
 * (app/browser/bundle-data.ts: the model traced here as IR, so the page runs no model code, its
 * vocabulary and a slice of the tokenized training split). Given a checkpoint, the folder holds a
 * copy of it instead of the text and the page samples from its weights (the checkpoint must store
 * its one-token IR). A non-empty --out is refused unless --force (then only the bundle's own files
 * are replaced, each atomically; nothing else in the folder is touched).
 */
import { builtinModules } from 'node:module';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Plugin } from 'esbuild';
import { traceModel, type ModelOptions } from '../../frontend/model.ts';
import { checkOptionKeys, checkTensorSizes, validateModelOptions } from '../../frontend/option-limits.ts';
import { resolveOptions, parseSetArgs } from '../../frontend/model.ts';
import { graphToJson } from '../../ir/json.ts';
import { OPTIMIZER_NAMES, type OptimizerConfig } from '../../passes/optimizer.ts';
import { RECOMPUTE_POLICIES, type RecomputePolicy } from '../../passes/recompute.ts';
import { loadCheckpoint, writeFileAtomic } from '../../runtime/checkpoint.ts';
import { loadCorpus } from '../../runtime/data/corpus.ts';
import { batchLayout } from '../../runtime/data/batches.ts';
import { buildVocabulary, encodeDocuments, vocabularyToJson } from '../../runtime/data/tokenizer.ts';
import { REPORT_CSS } from '../../runtime/report/page.ts';
import { BUNDLE_FORMAT, type BundleJson } from '../browser/bundle-data.ts';
import { loadModelFile, traceWithOverrides } from '../load-model.ts';

/** Options of `moec bundle`. */
export interface BundleCommandOptions {
  readonly out: string;
  readonly force: boolean;
  readonly data: string;
  /** Tokens of the training split put in data.json. */
  readonly tokens: number;
  /** Default steps of the page's Train button. */
  readonly steps: number;
  readonly set: readonly string[];
  readonly optimizer: OptimizerConfig['name'];
  readonly lr: number;
  readonly recompute: RecomputePolicy;
  readonly seed: number;
}

/** The files a bundle writes (the checkpoint copy is added for a checkpoint). */
export const BUNDLE_FILES = ['index.html', 'moec-page.js', 'data.json'] as const;

/** An esbuild plugin that fails the bundle when anything imports a Node builtin or Dawn, naming the importer. */
function browserOnly(): Plugin {
  const node = new Set(builtinModules);
  return {
    name: 'moec-browser-only',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.replace(/^node:/, '').split('/')[0]!;
        if (args.path.startsWith('node:') || node.has(bare) || args.path === 'webgpu') {
          return { errors: [{ text: `${args.importer} imports '${args.path}', which does not exist in a browser: the page's code must import nothing from Node (move it to a Node entry point)` }] };
        }
        return undefined;
      });
    },
  };
}

/** The page script's entry (TypeScript in the repository, JavaScript in the installed package). */
function pageEntry(): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`../browser/page${ext}`, import.meta.url));
}

/** Bundles the page script for the browser; returns the ES module's text. */
export async function bundlePageScript(): Promise<Uint8Array> {
  const { build } = await import('esbuild'); // lazily: other commands do not load the bundler
  const r = await build({
    entryPoints: [pageEntry()],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
    plugins: [browserOnly()],
  }).catch((e: { errors?: { text: string }[] }) => {
    throw new Error(`moec bundle: esbuild failed: ${(e.errors ?? []).map((x) => x.text).join('; ') || String(e)}`);
  });
  return r.outputFiles[0]!.contents;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The page's HTML (the script and data are separate files next to it). */
export function pageHtml(model: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>moec — ${esc(model)} in the browser</title><style>${REPORT_CSS}
.controls{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin:12px 0}
.controls input{font:inherit;padding:3px 6px}.controls input[type=number]{width:6em}.controls input#prompt{width:22em}
button{font:inherit;padding:4px 14px;border:1px solid #1f6fb4;background:#1f6fb4;color:#fff;border-radius:4px;cursor:pointer}
button:disabled{background:#9aa1ad;border-color:#9aa1ad;cursor:default}
[hidden]{display:none!important}
#status{font-weight:600}#status[data-state=error],#status[data-state=no-webgpu]{color:#b00020}
pre#sample-out{white-space:pre-wrap;background:#fff;border:1px solid #d8dce3;border-radius:6px;padding:10px 12px;min-height:3em}
</style></head>
<body><main>
<h1 id="title">moec — ${esc(model)} in the browser</h1>
<p class="sub">A sparsely-gated mixture-of-experts model compiled by moec to WGSL and run on this browser's WebGPU.</p>
<p id="status" data-state="loading">Loading…</p>
<p id="error" class="note" hidden></p>
<noscript><p class="note">This page needs JavaScript (an ES module) and WebGPU.</p></noscript>
<section id="train-ui">
<p class="sub" id="corpus"></p>
<div class="controls"><label>steps <input id="steps" type="number" min="1" value="100"></label><button id="train" disabled>Train</button></div>
<div class="stats" id="stats"></div>
<h2>Loss and perplexity</h2>
<div class="grid"><figure id="fig-loss"></figure><figure id="fig-ppl"></figure></div>
<h2>Expert load</h2>
<div id="moe"></div>
</section>
<section id="sample-ui">
<h2>Sample</h2>
<div class="controls"><input id="prompt" value="the congress of the united states"><label>temperature <input id="temperature" type="number" min="0" step="0.1" value="0.8"></label><button id="sample" disabled>Sample</button></div>
<pre id="sample-out"></pre>
</section>
</main>
<script type="module" src="moec-page.js"></script>
</body></html>
`;
}

/** Refuses a non-empty `out` unless `force` (checked before any work is done). */
function checkOut(out: string, force: boolean): void {
  if (existsSync(out)) {
    if (!statSync(out).isDirectory()) throw new Error(`moec bundle: --out ${out} exists and is not a directory`);
    const entries = readdirSync(out);
    if (entries.length > 0 && !force) {
      throw new Error(`moec bundle: --out ${out} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}, e.g. ${entries[0]}); choose an empty or new folder, or give --force to replace the bundle's files in it (${BUNDLE_FILES.join(', ')}; nothing else is touched)`);
    }
  }
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Runs `moec bundle`; returns the files written. */
export async function bundleCommand(input: string, o: BundleCommandOptions, write: (s: string) => void): Promise<string[]> {
  if (!existsSync(input)) throw new Error(`moec bundle: ${input} does not exist (give a model file or a checkpoint.safetensors)`);
  const out = resolve(o.out);
  checkOut(out, o.force);
  const isCheckpoint = input.endsWith('.safetensors');
  let data: BundleJson;
  let checkpointBytes: Uint8Array | null = null;
  if (isCheckpoint) {
    if (o.set.length > 0) throw new Error('moec bundle: --set applies to a model file; a checkpoint holds its options');
    const ck = loadCheckpoint(input); // validates the file before it is copied
    if (!ck.meta.generationGraph) throw new Error(`moec bundle: ${input} holds no one-token model IR (moec.generation_graph), so the page cannot sample from it; retrain with this moec, or bundle the model file instead`);
    checkpointBytes = readFileSync(input);
    data = { format: BUNDLE_FORMAT, kind: 'checkpoint', model: String(ck.meta.generationGraph.meta.name ?? ck.meta.modelFile), checkpoint: 'checkpoint.safetensors', step: ck.meta.step };
  } else {
    const loaded = await loadModelFile(input);
    checkOptionKeys(loaded.model, o.set);
    validateModelOptions(loaded.model, resolveOptions(loaded.model, parseSetArgs(o.set)));
    const { graph, options } = traceWithOverrides(loaded, o.set);
    const name = String(graph.meta.name ?? input);
    checkTensorSizes(graph, name);
    if (typeof options.vocab !== 'number' || typeof options.T !== 'number' || typeof options.B !== 'number') {
      throw new Error(`moec bundle: the page trains a language model with numeric options vocab, T and B; ${input} has ${Object.keys(options).join(', ')}`);
    }
    const corpus = loadCorpus(o.data);
    const vocab = buildVocabulary(corpus.splits.train.map((d) => d.text), options.vocab - 2);
    if (vocab.size !== options.vocab) throw new Error(`moec bundle: the training split of ${o.data} has only ${vocab.size - 2} distinct words; use --set vocab=${vocab.size} or less`);
    const stream = encodeDocuments(vocab, corpus.splits.train.map((d) => d.text));
    const slice = stream.subarray(0, Math.min(stream.length, o.tokens));
    try {
      batchLayout(slice, { T: options.T, B: options.B });
    } catch (e) {
      throw new Error(`moec bundle: --tokens ${o.tokens}: ${(e as Error).message}`);
    }
    let generationGraph = null;
    try {
      generationGraph = graphToJson(traceModel(loaded.model, { ...(options as ModelOptions), T: 1, B: 1 }));
    } catch {
      generationGraph = null; // e.g. strictly balanced gating needs several rows: the page trains but cannot sample
    }
    data = {
      format: BUNDLE_FORMAT,
      kind: 'train',
      model: name,
      options,
      graph: graphToJson(graph),
      generationGraph,
      vocabulary: vocabularyToJson(vocab),
      corpus: { name: o.data, documents: corpus.splits.train.length, tokens: stream.length, sliceTokens: slice.length },
      tokens: Array.from(slice),
      optimizer: { name: o.optimizer, lr: o.lr } as OptimizerConfig,
      recompute: o.recompute,
      seed: o.seed,
      steps: o.steps,
    };
  }
  const script = await bundlePageScript();
  checkOut(out, o.force); // again: the folder may have changed while the model was traced
  mkdirSync(out, { recursive: true });
  const files: [string, Uint8Array][] = [
    ['moec-page.js', script],
    ['data.json', utf8(JSON.stringify(data))],
    ...(checkpointBytes ? [['checkpoint.safetensors', checkpointBytes] as [string, Uint8Array]] : []),
    ['index.html', utf8(pageHtml(data.model))],
  ];
  for (const [name, bytes] of files) writeFileAtomic(join(out, name), bytes);
  const kb = (n: number): string => `${(n / 1024).toFixed(0)} KiB`;
  write(`wrote ${out}: ${files.map(([n, b]) => `${n} (${kb(b.length)})`).join(', ')}\n`);
  write(`serve it over http (WebGPU needs http://localhost or https), e.g. python3 -m http.server 8000 --bind 127.0.0.1 --directory ${o.out}, then open http://127.0.0.1:8000/\n`);
  return files.map(([n]) => join(out, n));
}

const positive = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 2 ** 31 - 1) throw new InvalidArgumentError(`must be a positive integer, got ${value}`);
  return n;
};

/** Adds `moec bundle` to the program. */
export function registerBundleCommand(program: Command, write: (s: string) => void): void {
  program
    .command('bundle')
    .description('write a static web page (index.html, an ES module, data.json) that trains the model on WebGPU in a browser with live curves, or samples from a checkpoint')
    .argument('<model-or-checkpoint>', 'a model file (TypeScript, default export made with defineModel) or a checkpoint.safetensors written by moec train')
    .requiredOption('--out <dir>', 'folder to write (must be empty or new unless --force)')
    .option('--force', "write into a non-empty --out, replacing only the bundle's own files", false)
    .option('--data <corpus>', 'with a model file: the text (sotu, moby-dick, or a path as for moec train)', 'sotu')
    .option('--tokens <n>', 'tokens of the training split put in data.json', positive, 20_000)
    .option('--steps <n>', "default steps of the page's Train button", positive, 200)
    .option('--set <key=value>', 'override a model option (repeatable)', (v: string, p: string[]) => [...p, v], [] as string[])
    .addOption(new Option('--optimizer <name>', 'optimizer of the page').choices(OPTIMIZER_NAMES).default('factored-adam'))
    .option('--lr <rate>', 'learning rate of the page', (v: string) => {
      const n = Number(v);
      if (!(n > 0 && Number.isFinite(n))) throw new InvalidArgumentError('the learning rate must be a positive number');
      return n;
    }, 0.02)
    .addOption(new Option('--recompute <policy>', 'recompute expert activations in the backward pass (experts and all-moe need 12 storage buffers in one kernel; browsers allow 10)').choices(RECOMPUTE_POLICIES).default('none'))
    .option('--seed <n>', 'seed of parameters, gating noise and dropout', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError('the seed must be an integer in [0, 2^32)');
      return n;
    }, 0)
    .action(async (input: string, o: BundleCommandOptions) => {
      await bundleCommand(input, o, write);
    });
}
