/**
 * The bundled page in a real browser: `moec bundle` writes the example model (small options) to a
 * temp folder, a static server on 127.0.0.1 (node:http, random port) serves it, and headless
 * Chromium (the system `chromium`, driven through the DevTools protocol by puppeteer-core, no
 * browser download; WebGPU through `--enable-unsafe-webgpu`, SwiftShader where there is no GPU)
 * opens it. The page's forward pass — parameters from the seed with random non-zero gate weights,
 * passed in from Node; the first bundled batch — must give the loss and per-expert loads of the
 * Node CPU reference interpreter (ir/interpret.ts) on the same IR and batch: loss within 1e-4
 * relative in evaluation and training mode, loads exactly equal in evaluation (hard counts) and
 * within 1e-4 of the largest load in training (the smooth estimator), with non-trivial routing.
 * Then 20 training steps in the page lower the loss, the heatmap shows every expert at every step,
 * sampling from the trained weights is deterministic for a seed, and a full-page screenshot is decoded and must hold many distinct colours (not blank). A page
 * without `navigator.gpu` shows the no-WebGPU message. Skips when Chromium or its WebGPU adapter is
 * missing, unless CI is truthy (test/env.ts), then it fails.
 * `MOEC_README_SCREENSHOT=docs/browser-page.png` also writes the screenshot there (for the README).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { PNG } from 'pngjs';
import { bundleCommand } from '../../app/commands/bundle.ts';
import { parseBundleData, type TrainBundle } from '../../app/browser/bundle-data.ts';
import type { ForwardResult } from '../../app/browser/session.ts';
import { compileGraph } from '../../compiler/pipeline.ts';
import { initParams, interpret } from '../../ir/interpret.ts';
import type { Tensor } from '../../ir/tensor.ts';
import { numel } from '../../ir/types.ts';
import { batchAt, batchFeeds } from '../../runtime/data/batches.ts';
import type { TrainRecord } from '../../runtime/train-loop.ts';
import { hardwareRequired } from '../env.ts';
import { randomizeGates } from '../routing.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const OPTIONS = ['vocab=128', 'width=16', 'experts=8', 'k=2', 'expertHidden=16', 'T=4', 'B=8'];
const K = 2;
const EXPERTS = 8;

/** Path of the `chromium` executable on PATH, or null. */
function findChromium(): string | null {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(d, 'chromium');
    if (d && existsSync(p) && statSync(p).isFile()) return p;
  }
  return null;
}

const chromium = findChromium();
const required = hardwareRequired();
const tmp = mkdtempSync(join(tmpdir(), 'moec-browser-'));
const out = join(tmp, 'page');

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.json': 'application/json', '.safetensors': 'application/octet-stream' };

/** A static server for `dir` on 127.0.0.1 at a random port. */
async function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^\/+/, '') || 'index.html';
    const file = join(dir, path);
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (typeof addr !== 'object' || !addr) throw new Error('server has no address');
  return { server, url: `http://127.0.0.1:${addr.port}/` };
}

let browser: Browser | null = null;
let server: Server | null = null;
let url = '';
let page: Page | null = null;
/** Why the page cannot run WebGPU here (null: it can). */
let adapterProblem: string | null = null;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!chromium) return;
  await bundleCommand(join(root, 'examples/lstm-moe-lm.ts'), { out, force: false, data: 'sotu', tokens: 4000, steps: 20, set: OPTIONS, optimizer: 'factored-adam', lr: 0.02, recompute: 'none', seed: 3 }, () => {});
  ({ server, url } = await serve(out));
  browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', `--user-data-dir=${join(tmp, 'profile')}`],
  });
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push((e as Error).message));
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(url, { waitUntil: 'load' });
  adapterProblem = await page.evaluate(() =>
    (globalThis as unknown as { moecPage: { ready: Promise<unknown> } }).moecPage.ready.then(
      () => null,
      (e: Error) => e.message,
    ),
  );
  if (adapterProblem && !/WebGPU|navigator\.gpu|adapter/.test(adapterProblem)) throw new Error(`the page failed to start: ${adapterProblem}`);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Skips (or fails in CI) when Chromium or its WebGPU adapter is missing. */
function needBrowser(ctx: { skip: (note?: string) => void }): Page {
  const problem = !chromium ? 'chromium is not installed (run npm run setup: scripts/install-system.sh installs it)' : adapterProblem;
  if (problem) {
    if (required) throw new Error(`${problem} (CI is truthy, which requires Chromium with a WebGPU adapter)`);
    ctx.skip(problem);
  }
  return page!;
}

/** The bundle's data file as the page reads it. */
function bundleData(): TrainBundle {
  const b = parseBundleData(JSON.parse(readFileSync(join(out, 'data.json'), 'utf8')), 'data.json');
  if (b.kind !== 'train') throw new Error('expected a training bundle');
  return b;
}

describe('the bundled page in headless Chromium', () => {
  it('runs the forward pass with the loss and expert loads of the Node CPU reference', async (ctx) => {
    const p = needBrowser(ctx);
    const b = bundleData();
    const graph = compileGraph(b.graph).graph;
    const params = initParams(graph, 5);
    randomizeGates(params, 5);
    const shape = { T: b.options.T as number, B: b.options.B as number };
    const feeds: Record<string, Tensor> = { ...batchFeeds(batchAt(b.tokens, shape, 0), shape) };
    for (const i of graph.inputs) {
      if (i.role === 'input' && !(i.name in feeds)) {
        const type = graph.values.get(i.value)!.type;
        feeds[i.name] = { type, data: new Float32Array(numel(type.shape)) }; // LSTM h0/c0: zero, as the page feeds them
      }
    }
    const plain = Object.fromEntries(Object.entries(params).map(([k, t]) => [k, Array.from(t.data)]));
    for (const [training, step] of [[false, 0], [true, 2]] as const) {
      const run = { seed: 5, step, training };
      const want = interpret(graph, { ...params, ...feeds }, run);
      const got = await p.evaluate(
        (params, run) => (globalThis as unknown as { moecPage: { forward(r: unknown): Promise<ForwardResult> } }).moecPage.forward({ params, ...run, batch: 0 }),
        plain,
        run,
      );
      const loss = Number(want.loss!.data[0]);
      expect(Math.abs(got.loss - loss) / Math.abs(loss), `loss, training=${training}`).toBeLessThanOrEqual(1e-4);
      expect(got.moe.map((m) => m.name)).toEqual(['moe0']);
      const wantLoad = Array.from(want['moe0.load']!.data);
      const gotLoad = got.moe[0]!.load;
      expect(gotLoad).toHaveLength(EXPERTS);
      if (training) {
        const scale = Math.max(...wantLoad.map(Math.abs));
        for (let e = 0; e < EXPERTS; e++) expect(Math.abs(gotLoad[e]! - wantLoad[e]!) / scale, `load[${e}]`).toBeLessThanOrEqual(1e-4);
      } else {
        expect(gotLoad).toEqual(wantLoad);
        // Non-trivial routing: more than k experts get rows (zero gates would use experts 0..k−1 only).
        expect(wantLoad.filter((x) => x > 0).length).toBeGreaterThan(K);
      }
      const wantImp = Array.from(want['moe0.importance']!.data);
      const impScale = Math.max(...wantImp.map(Math.abs));
      for (let e = 0; e < EXPERTS; e++) expect(Math.abs(got.moe[0]!.importance[e]! - wantImp[e]!) / impScale, `importance[${e}]`).toBeLessThanOrEqual(1e-4);
    }
    expect(pageErrors).toEqual([]);
  }, 600_000);

  it('trains 20 steps in the page, lowering the loss, with the charts drawn, samples text; the screenshot is not blank', async (ctx) => {
    const p = needBrowser(ctx);
    const recs = await p.evaluate(() => (globalThis as unknown as { moecPage: { train(n: number): Promise<TrainRecord[]> } }).moecPage.train(20));
    expect(recs).toHaveLength(20);
    expect(recs.map((r) => r.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const r of recs) expect(Number.isFinite(r.loss) && r.tokensPerSec > 0).toBe(true);
    const mean = (xs: TrainRecord[]) => xs.reduce((a, r) => a + r.loss, 0) / xs.length;
    expect(mean(recs.slice(15))).toBeLessThan(mean(recs.slice(0, 5)) - 0.1);
    expect(recs[19]!.loss).toBeLessThan(recs[0]!.loss);
    const dom = await p.evaluate(() => {
      const d = (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number }; querySelector(s: string): { getAttribute(n: string): string | null } | null } }).document;
      return {
        cells: d.querySelectorAll('svg[data-chart="load-moe0"] rect.cell').length,
        lossPaths: d.querySelectorAll('svg[data-chart="loss"] path.series').length,
        state: d.querySelector('#status')?.getAttribute('data-state') ?? null,
      };
    });
    expect(dom).toEqual({ cells: EXPERTS * 20, lossPaths: 1, state: 'ready' });

    // Sampling from the trained weights (the one-token IR through the checkpoint path): a seed
    // gives the same words, each from the bundle's vocabulary, shown after the prompt.
    const sample = () => p.evaluate(() => (globalThis as unknown as { moecPage: { sample(s: string, o: object): Promise<string> } }).moecPage.sample('the congress', { tokens: 8, seed: 1, temperature: 1 }));
    const text = await sample();
    expect(text.split(' ')).toHaveLength(8);
    const vocab = new Set(bundleData().vocabulary.tokens);
    for (const w of text.split(' ')) expect(vocab.has(w), w).toBe(true);
    expect(await sample()).toBe(text);
    const shown = await p.evaluate(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } } }).document.querySelector('#sample-out').textContent);
    expect(shown).toBe(`the congress ${text}`);

    const shot = join(tmp, 'browser-page.png');
    await p.screenshot({ path: shot, fullPage: true });
    const png = PNG.sync.read(readFileSync(shot));
    expect(png.width).toBe(1280);
    const colours = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4) colours.add(png.data.readUInt32BE(i));
    expect(colours.size).toBeGreaterThan(200); // a blank page has one or two colours; charts and a viridis heatmap have hundreds
    if (process.env.MOEC_README_SCREENSHOT) copyFileSync(shot, join(root, process.env.MOEC_README_SCREENSHOT));
    expect(pageErrors).toEqual([]);
  }, 600_000);

  it('shows the no-WebGPU message where navigator.gpu is missing', async (ctx) => {
    needBrowser(ctx);
    const p = await browser!.newPage();
    try {
      await p.evaluateOnNewDocument(() => {
        Object.defineProperty(Object.getPrototypeOf((globalThis as unknown as { navigator: object }).navigator), 'gpu', { get: () => undefined });
      });
      await p.goto(url, { waitUntil: 'load' });
      const reason = await p.evaluate(() => (globalThis as unknown as { moecPage: { ready: Promise<unknown> } }).moecPage.ready.then(() => 'ready', (e: Error) => e.message));
      expect(reason).toMatch(/no WebGPU \(navigator\.gpu is undefined\)/);
      const shown = await p.evaluate(() => {
        const d = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string; hidden: boolean; getAttribute(n: string): string | null } } }).document;
        return { state: d.querySelector('#status').getAttribute('data-state'), error: d.querySelector('#error').textContent, hidden: d.querySelector('#error').hidden };
      });
      expect(shown.state).toBe('no-webgpu');
      expect(shown.hidden).toBe(false);
      expect(shown.error).toMatch(/use a browser with WebGPU enabled/);
    } finally {
      await p.close();
    }
  }, 120_000);
});

describe('moec bundle output folder', () => {
  it('refuses a non-empty --out without --force and replaces only its own files with it', async () => {
    const dir = join(tmp, 'refuse');
    const opts = { out: dir, force: false, data: 'sotu', tokens: 2000, steps: 5, set: OPTIONS, optimizer: 'sgd' as const, lr: 0.1, recompute: 'none' as const, seed: 1 };
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    await expect(bundleCommand(join(root, 'examples/lstm-moe-lm.ts'), opts, () => {})).rejects.toThrow(/is not empty .* give --force/);
    await bundleCommand(join(root, 'examples/lstm-moe-lm.ts'), { ...opts, force: true, seed: 2 }, () => {});
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(JSON.parse(readFileSync(join(dir, 'data.json'), 'utf8')).seed).toBe(2);
    expect(readFileSync(join(dir, 'index.html'), 'utf8')).toContain('<script type="module" src="moec-page.js"></script>');
  }, 120_000);
});
