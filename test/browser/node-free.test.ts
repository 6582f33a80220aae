/**
 * The browser entry (browser.ts) and the bundled page's script (app/browser/page.ts) import nothing
 * from Node: each is bundled with esbuild for the browser platform, with a plugin that records
 * every import of a Node builtin (`fs`, `node:path`, …) or of Dawn (`webgpu`) with its importer,
 * and the list must be empty; the bundled text must not use Node's globals (`process.*`, `Buffer.*`,
 * `require(`, `__dirname`, a bare `setImmediate(`). The metafile must hold the WebGPU executor, the
 * trainer and generation (the test bundles the real runtime path). A control bundles the Node entry
 * (index.ts) the same way and must find Node imports, so the detector can fail. Also: the package's
 * `browser` export condition points at the compiled browser entry and comes before `import`.
 */
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Bundles `entry` for the browser; returns the Node imports found, the metafile and the text. */
async function bundle(entry: string): Promise<{ nodeImports: string[]; metafile: Metafile; text: string }> {
  const nodeImports: string[] = [];
  const builtins = new Set(builtinModules);
  const record: Plugin = {
    name: 'record-node-imports',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.replace(/^node:/, '').split('/')[0]!;
        if (args.path.startsWith('node:') || builtins.has(bare) || args.path === 'webgpu') {
          nodeImports.push(`${args.path} (from ${args.importer.slice(root.length)})`);
          return { path: args.path, external: true };
        }
        return undefined;
      });
    },
  };
  const r = await build({ entryPoints: [root + entry], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, metafile: true, logLevel: 'silent', plugins: [record] });
  return { nodeImports, metafile: r.metafile, text: r.outputFiles[0]!.text };
}

/** Uses of Node's globals in bundled code (property accesses and calls, not words in messages). */
function nodeGlobals(text: string): string[] {
  const re = /\bprocess\.(env|pid|argv|stdout|stderr|exit|platform|cwd|on|hrtime|nextTick)\b|\bBuffer\.(from|alloc|concat|isBuffer|byteLength)\b|(?<![\w.$])require\(|\b__dirname\b|\b__filename\b|(?<![\w.$])setImmediate\(/g;
  return [...new Set([...text.matchAll(re)].map((m) => m[0]))];
}

describe('browser bundles import nothing from Node', () => {
  it.each(['browser.ts', 'app/browser/page.ts'])('%s bundles for the browser platform without Node builtins, Dawn or Node globals', async (entry) => {
    const { nodeImports, metafile, text } = await bundle(entry);
    expect(nodeImports).toEqual([]);
    expect(nodeGlobals(text)).toEqual([]);
    const inputs = Object.keys(metafile.inputs);
    for (const f of ['runtime/webgpu-executor.ts', 'runtime/trainer.ts', 'app/generate/model-from-checkpoint.ts', 'runtime/checkpoint-codec.ts', 'compiler/train-pipeline.ts']) {
      expect(inputs, f).toContain(f);
    }
    expect(inputs.some((f) => f.includes('node_modules/webgpu'))).toBe(false);
  }, 60_000);

  it('control: the Node entry does pull in Node builtins and Dawn, so the detector can fail', async () => {
    const { nodeImports, text } = await bundle('index.ts');
    expect(nodeImports.some((s) => s.startsWith('node:fs'))).toBe(true);
    expect(nodeImports.some((s) => s.startsWith('webgpu '))).toBe(true);
    expect(nodeGlobals(text)).toContain('process.env');
  }, 60_000);

  it("the package's browser condition resolves to the compiled browser entry before import", () => {
    const pkg = JSON.parse(readFileSync(root + 'package.json', 'utf8')) as { exports: Record<string, Record<string, string>> };
    const dot = pkg.exports['.']!;
    expect(dot.browser).toBe('./dist/browser.js');
    const keys = Object.keys(dot);
    expect(keys.indexOf('browser')).toBeLessThan(keys.indexOf('import'));
    expect(pkg.exports['./browser']!.default).toBe('./dist/browser.js');
  });
});
