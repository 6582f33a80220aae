/**
 * Training speed of the `moec bundle` page in headless Chromium (its WebGPU: SwiftShader where
 * there is no GPU) against the Node WebGPU path (Dawn; lavapipe here) on the same machine, model,
 * batch, optimizer, seed and tokens: `npx tsx bench/browser-vs-node.ts <bundle-dir> [steps] [rounds]`
 * (a folder written by `moec bundle`). Both run the bundle's training plan through the same
 * training loop; each side first trains 3 warm-up steps (pipelines compiled, buffers resident),
 * then `steps` timed steps, and tokens/s is the timed tokens over the timed wall time (from the
 * loop's own per-record clock). The sides alternate for `rounds` rounds; every measurement is
 * printed with the load average, and the medians at the end.
 */
import { deviceLoweringLimits } from '../runtime/lowering-limits.ts';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import puppeteer from 'puppeteer-core';
import { parseBundleData, type TrainBundle } from '../app/browser/bundle-data.ts';
import { compileTrainingPlan } from '../compiler/train-pipeline.ts';
import { initParams } from '../ir/interpret.ts';
import { batchAt, batchFeeds } from '../runtime/data/batches.ts';
import { acquireDevice } from '../runtime/device.ts';
import { runLoop, type TrainRecord } from '../runtime/train-loop.ts';
import { carriedState, prepareTrainer } from '../runtime/trainer.ts';
import { median } from './common.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: tsx bench/browser-vs-node.ts <bundle-dir> [steps] [rounds]');
const steps = Number(process.argv[3] ?? 10);
const rounds = Number(process.argv[4] ?? 2);
const WARM = 3;
const parsed = parseBundleData(JSON.parse(readFileSync(join(dir, 'data.json'), 'utf8')), 'data.json');
if (parsed.kind !== 'train') throw new Error('bundle a model file, not a checkpoint');
const bundle: TrainBundle = parsed;
const shape = { T: bundle.options.T as number, B: bundle.options.B as number };

/** Timed tokens/s from records of warm-up + timed steps. */
const rate = (recs: readonly TrainRecord[]): number => {
  const a = recs[WARM - 1]!;
  const b = recs[recs.length - 1]!;
  return (b.tokens - a.tokens) / (b.time - a.time);
};

async function nodeRun(): Promise<number> {
  const dev = await acquireDevice();
  if (!dev) throw new Error('no Dawn WebGPU adapter');
  const { graph, plan } = compileTrainingPlan(bundle.graph, { optimizer: bundle.optimizer, recompute: bundle.recompute }, deviceLoweringLimits(dev));
  const moeLayers = plan.outputs.filter((o) => o.name.endsWith('.importance')).map((o) => o.name.slice(0, -'.importance'.length));
  const trainer = await prepareTrainer({ kind: 'webgpu', device: dev }, plan, initParams(graph, bundle.seed), { seed: bundle.seed, vectors: moeLayers.flatMap((m) => [`${m}.importance`, `${m}.load`]) });
  const carry = Object.fromEntries(carriedState(plan).map(([, i]) => {
    const type = plan.buffers[plan.inputs.find((x) => x.name === i)!.buffer]!.type;
    return [i, { type, data: new Float32Array(type.shape.reduce((a, b) => a * b, 1)) }];
  }));
  let position = 0;
  const recs: TrainRecord[] = [];
  await runLoop({
    trainer,
    batches: { next: () => batchFeeds(batchAt(bundle.tokens, shape, position++), shape), position: () => position },
    start: { step: 0, position: 0, carry },
    endStep: WARM + steps,
    tokensPerStep: shape.T * shape.B,
    moeLayers,
    onRecord: (r) => void (r.kind === 'train' && recs.push(r)),
  });
  trainer.destroy();
  dev.device.destroy();
  return rate(recs);
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json' };
const server = createServer((req, res) => {
  const name = (req.url ?? '/').replace(/^\/+/, '').split('?')[0] || 'index.html';
  let body: Buffer;
  try {
    body = readFileSync(join(dir, name.replace(/\.\./g, '')));
  } catch {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[extname(name)] ?? 'application/octet-stream' }).end(body);
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as { port: number }).port;
const profile = mkdtempSync(join(tmpdir(), 'moec-bench-chromium-'));
const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--headless=new', '--no-sandbox', '--enable-unsafe-webgpu', '--disable-dev-shm-usage', `--user-data-dir=${profile}`] });

async function pageRun(): Promise<number> {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  const recs = await page.evaluate(async (n) => {
    const api = (globalThis as unknown as { moecPage: { ready: Promise<unknown>; train(n: number): Promise<TrainRecord[]> } }).moecPage;
    await api.ready;
    return api.train(n);
  }, WARM + steps);
  await page.close();
  return rate(recs);
}

const result: Record<'node' | 'page', number[]> = { node: [], page: [] };
for (let r = 0; r < rounds; r++) {
  for (const side of ['node', 'page'] as const) {
    const before = loadavg()[0]!;
    const tps = side === 'node' ? await nodeRun() : await pageRun();
    result[side].push(tps);
    console.log(`round ${r + 1} ${side}: ${tps.toFixed(1)} tokens/s (loadavg ${before.toFixed(2)} → ${loadavg()[0]!.toFixed(2)})`);
  }
}
console.log(`median over ${rounds} rounds, ${steps} timed steps of T=${shape.T} × B=${shape.B}: node (Dawn) ${median(result.node).toFixed(1)} tokens/s, page (Chromium) ${median(result.page).toFixed(1)} tokens/s, ratio node/page ${(median(result.node) / median(result.page)).toFixed(2)}`);
await browser.close();
server.close();
rmSync(profile, { recursive: true, force: true });
