/**
 * The npm package as a user gets it: `npm pack` (which runs `prepare`, the tsc build to dist/),
 * then `npm install <tarball>` into a fresh temporary project (from the npm cache when it has the
 * dependencies, else from the registry) and, from outside the repository: plain Node imports the
 * public API (without loading Dawn's native module) and checks the gating API against numbers
 * worked out by hand; a strict NodeNext TypeScript consumer type-checks against the shipped
 * `.d.ts`; `npx moec --version` and `npx moec run` work on a model file that imports `from 'moec'`
 * — in the project, in a folder with no package.json, and in a CommonJS folder — and a model file
 * in a bare folder trains on a text file, evaluates and generates. The tarball's
 * contents are checked against the `files` whitelist (no sources, tests or benchmarks).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

interface PackInfo {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string }[];
}

/** A tiny model file importing the DSL the way users write it. */
const MODEL = `import { defineModel, embedding, lstm, moe, dense, softmaxCrossEntropy } from 'moec';
export default defineModel({
  name: 'tiny',
  defaults: { vocab: 40, width: 8, experts: 4, k: 2, T: 4, B: 2 },
  build(ctx, o) {
    const tokens = ctx.input('tokens', 'i32', [o.T, o.B]);
    const targets = ctx.input('targets', 'i32', [o.T, o.B]);
    let h = embedding(tokens, { vocab: o.vocab, width: o.width });
    h = lstm(h, { hidden: o.width });
    h = moe(h, { experts: o.experts, k: o.k, hidden: o.width });
    return softmaxCrossEntropy(dense(h, { units: o.vocab, name: 'logits' }), targets);
  },
});
`;

let work = '';
let project = '';
let pack: PackInfo;

const sh = (cmd: string, args: string[], cwd: string): string => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });

describe('the packed npm package', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'moec-pack-'));
    const out = sh('npm', ['pack', '--json', '--pack-destination', work], root);
    pack = (JSON.parse(out.slice(out.indexOf('[\n'))) as PackInfo[])[0]!;
    project = join(work, 'consumer');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(work, pack.filename), '@types/node@20'], project);
  }, 300_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships only the compiled package: dist (.js, .d.ts, maps), the bin and the README', () => {
    const paths = pack.files.map((f) => f.path);
    expect(paths).toContain('dist/index.js');
    expect(paths).toContain('dist/index.d.ts');
    expect(paths).toContain('dist/index.js.map');
    expect(paths).toContain('bin/moec.js');
    expect(paths).toContain('package.json');
    const stray = paths.filter((p) => !/^(dist\/.*\.(js|js\.map|d\.ts)|bin\/moec\.js|package\.json|README\.md)$/.test(p));
    expect(stray).toEqual([]);
    expect(paths.filter((p) => p.startsWith('dist/test/') || p.startsWith('dist/bench/'))).toEqual([]);
    process.stderr.write(`tarball ${pack.filename}: ${pack.size} bytes, ${pack.entryCount} files, ${pack.unpackedSize} bytes unpacked\n`);
  });

  it('imports from plain Node without loading Dawn, and the gating API gives the hand-worked numbers', () => {
    // rows x = [1], [-1]; Wg = [1, -1] → clean logits [1, -1] and [-1, 1]; k = 1 picks expert 0
    // then expert 1, each with gate softmax([l]) = 1; importance = [1, 1].
    writeFileSync(
      join(project, 'probe.mjs'),
      `const loaded = [];
const dlopen = process.dlopen;
process.dlopen = function (m, f, ...r) { loaded.push(f); return dlopen.call(this, m, f, ...r); };
const t0 = performance.now();
const { evaluateGating } = await import('moec/gating');
const gatingMs = performance.now() - t0;
const moec = await import('moec');
const allMs = performance.now() - t0;
const r = evaluateGating({ rows: 2, width: 1, experts: 2, k: 1, x: [1, -1], wGate: [1, -1] });
const m = (await import('./model.mjs')).default;
const g = moec.compileGraph(moec.traceModel(m)).graph;
console.log(JSON.stringify({ gatingMs, allMs, loaded, same: moec.evaluateGating === evaluateGating, indices: [...r.indices], gates: [...r.gates], importance: [...r.importance], ir: moec.printGraph(g).length, outputs: g.outputs.map((o) => o.name) }));
`,
    );
    // The same model as plain JavaScript (the file has no type annotations).
    writeFileSync(join(project, 'model.mjs'), MODEL);
    const r = JSON.parse(sh(process.execPath, ['probe.mjs'], project)) as {
      gatingMs: number; allMs: number; loaded: string[]; same: boolean; indices: number[]; gates: number[]; importance: number[]; ir: number; outputs: string[];
    };
    expect(r.loaded).toEqual([]);
    expect(r.same).toBe(true);
    expect(r.indices).toEqual([0, 1]);
    expect(r.gates).toEqual([1, 1]);
    expect(r.importance).toEqual([1, 1]);
    expect(r.ir).toBeGreaterThan(0);
    expect(r.outputs[0]).toBe('loss');
    process.stderr.write(`import moec/gating ${r.gatingMs.toFixed(0)} ms, whole API ${r.allMs.toFixed(0)} ms, native modules loaded: ${r.loaded.length}\n`);
  });

  it('type-checks a strict NodeNext TypeScript consumer against the shipped .d.ts', () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'], allowImportingTsExtensions: true }, include: ['*.ts'] }),
    );
    writeFileSync(join(project, 'model.ts'), MODEL);
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { compileGraph, defineModel, embedding, moe, softmaxCrossEntropy, traceModel, acquireDevice, evaluateGating, type DeviceContext, type GatingReport, type Graph } from 'moec';
import { evaluateGating as gating } from 'moec/gating';
import model from './model.ts';
export const g: Graph = compileGraph(traceModel(model, { experts: 8 })).graph;
export const r: GatingReport = gating({ rows: 1, width: 1, experts: 2, k: 1, x: [1], wGate: [1, 0] });
export const same: boolean = gating === evaluateGating;
export const dev = (): Promise<DeviceContext | null> => acquireDevice();
export const typo = defineModel({
  name: 'typo',
  defaults: { T: 2, B: 2 },
  build(ctx, o) {
    const h = embedding(ctx.input('tokens', 'i32', [o.T, o.B]), { vocab: 8, width: 4 });
    // @ts-expect-error: a misspelt layer option is a type error for TypeScript users
    return softmaxCrossEntropy(moe(h, { experts: 4, k: 1, hidden: 4, wImportanse: 0.1 }), ctx.input('targets', 'i32', [o.T, o.B]));
  },
});
`,
    );
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8', timeout: 120_000 });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('runs `npx moec --version` and `npx moec run` on TypeScript model files anywhere', () => {
    expect(sh('npx', ['--no-install', 'moec', '--version'], project).trim()).toBe(version);
    const bare = mkdtempSync(join(work, 'bare-')); // no package.json anywhere above that moec could use
    writeFileSync(join(bare, 'model.ts'), MODEL);
    const cjs = join(work, 'cjs');
    mkdirSync(cjs);
    writeFileSync(join(cjs, 'package.json'), JSON.stringify({ type: 'commonjs' }));
    writeFileSync(join(cjs, 'model.ts'), MODEL);
    const losses = [join(project, 'model.ts'), join(bare, 'model.ts'), join(cjs, 'model.ts')].map((file) => {
      const r = JSON.parse(sh('npx', ['--no-install', 'moec', 'run', file, '--backend', 'cpu', '--mode', 'eval', '--json'], project)) as { model: string; loss: number; moe: unknown[] };
      expect(r.model).toBe('tiny');
      expect(r.moe).toHaveLength(1);
      return r.loss;
    });
    // Fresh parameters: the cross-entropy of a near-uniform softmax over 40 words is close to ln 40
    // (plus the balancing losses, ≥ 0); the same file in any folder gives the same number.
    expect(Math.abs(losses[0]! - Math.log(40))).toBeLessThan(0.5);
    expect(losses[1]).toBe(losses[0]);
    expect(losses[2]).toBe(losses[0]);
  });

  it('trains on your own text, evaluates and generates with a model file in a bare folder', () => {
    const bare = mkdtempSync(join(work, 'text-'));
    writeFileSync(join(bare, 'model.ts'), MODEL);
    const words = Array.from({ length: 60 }, (_, i) => `w${i}`);
    writeFileSync(join(bare, 'some.txt'), Array.from({ length: 120 }, (_, p) => Array.from({ length: 12 }, (_, j) => words[(p * 7 + j * 11) % 60]).join(' ')).join('\n\n'));
    const npx = (...args: string[]): string => sh('npx', ['--no-install', 'moec', ...args], project);
    const run = join(bare, 'run');
    const train = npx('train', join(bare, 'model.ts'), '--data', join(bare, 'some.txt'), '--steps', '2', '--backend', 'cpu', '--out', run, '--valid-every', '2', '--valid-batches', '1');
    expect(train).toMatch(/training tiny on some\.txt \(40 words, \d+ batches per epoch\) on cpu: steps 0 → 2/);
    const ev = JSON.parse(npx('eval', join(run, 'checkpoint.safetensors'), '--split', 'validation', '--max-batches', '1', '--backend', 'cpu', '--json')) as { tokens: number; ppl: number };
    expect(ev.tokens).toBe(8);
    expect(ev.ppl).toBeGreaterThan(1);
    const gen = npx('generate', join(run, 'checkpoint.safetensors'), '--prompt', 'w1 w2', '--tokens', '5', '--seed', '1', '--backend', 'cpu');
    expect(gen).toMatch(/^w1 w2( (w\d+|<unk>|<eos>)|\n(w\d+|<unk>|<eos>)){5}\n$/);
  });
});
