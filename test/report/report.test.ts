/**
 * Tests of the run report (runtime/report): a synthetic `moec train` run directory is built in a
 * temp folder, rendered, and the page's structure checked (one SVG per chart, series counts, a
 * heatmap cell per expert × logged step, no scripts or network references); edge cases (a single
 * logged step, no validation lines) render; malformed metrics and missing files give errors that
 * name the file and line; writeReport writes atomically. A browser test renders the page in
 * headless Chromium and checks the charts survive in the DOM Chromium produced, plus a screenshot.
 * It skips when `chromium` is not installed, unless CI=true (then it fails).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readRun, renderReport, writeReport } from '../../runtime/report/index.ts';
import { hardwareRequired } from '../env.ts';

const tmpRoot = mkdtempSync(join(tmpdir(), 'moec-report-'));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));

let dirCount = 0;
/** Writes a run directory with the given config and metrics lines (objects or raw strings). */
function makeRun(config: unknown, lines: unknown[]): string {
  const dir = join(tmpRoot, `run${dirCount++}`);
  mkdirSync(dir);
  if (config !== undefined) writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'metrics.jsonl'), lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return dir;
}

const CONFIG = { model: 'lstm-moe-lm', options: { experts: 4, k: 2 }, optimizer: { name: 'adam', lr: 1e-3 }, backend: 'cpu', seed: 7, data: 'synthetic' };

function moe(n: number, step: number) {
  const load = Array.from({ length: n }, (_, e) => 10 + ((e * 7 + step) % 5));
  return { cvImportance: 0.1 / (step + 1), cvLoad: 0.05 / (step + 1), importance: load.map((x) => x / 10), load };
}

function trainLine(step: number, layers: Record<string, number>) {
  const loss = 6 - step * 0.05;
  const m = Object.fromEntries(Object.entries(layers).map(([name, n]) => [name, moe(n, step)]));
  return { kind: 'train', step, tokens: step * 512, time: step * 0.25, tokensPerSec: 2048, loss, ppl: Math.exp(loss), moe: m };
}

const LAYERS = { moe0: 4, moe1: 6 };
const STEPS = [0, 5, 10, 15, 20, 25, 30];
const fullLines: unknown[] = [];
for (const s of STEPS) {
  fullLines.push(trainLine(s, LAYERS));
  if (s === 10 || s === 30) fullLines.push({ kind: 'valid', step: s, loss: 5.9 - s * 0.03, ppl: Math.exp(5.9 - s * 0.03) });
}
const fullRun = makeRun(CONFIG, fullLines);

const count = (html: string, re: RegExp) => (html.match(re) ?? []).length;
/** The `<svg ...>...</svg>` element with the given data-chart id. */
function chart(html: string, id: string): string {
  const m = html.match(new RegExp(`<svg[^>]*data-chart="${id}"[\\s\\S]*?</svg>`));
  expect(m, `chart ${id}`).not.toBeNull();
  return m![0];
}

/** Structural checks shared by the string test and the browser test. */
function checkFullStructure(html: string): void {
  // loss, ppl, and per MoE layer: heatmap + CV² curves.
  expect(count(html, /<svg\b/g)).toBe(2 + 2 * Object.keys(LAYERS).length);
  for (const id of ['loss', 'ppl']) {
    const svg = chart(html, id);
    expect(svg).toContain('data-series="2"');
    expect(count(svg, /<path class="series"/g)).toBe(2);
  }
  for (const [layer, n] of Object.entries(LAYERS)) {
    const heat = chart(html, `load-${layer}`);
    expect(count(heat, /<rect class="cell"/g)).toBe(n * STEPS.length);
    expect(heat).toContain('class="legend-bar"');
    expect(count(chart(html, `cv-${layer}`), /<path class="series"/g)).toBe(2);
  }
}

describe('renderReport', () => {
  it('renders title, config, curves, heatmaps and CV² charts with the expected structure', () => {
    const html = renderReport(fullRun);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<title>moec run report — lstm-moe-lm</title>');
    for (const v of ['experts=4, k=2', 'name=adam, lr=0.001', '>cpu<', '>7<', 'synthetic']) expect(html).toContain(v);
    checkFullStructure(html);
    // Axes have ticks and labels.
    const loss = chart(html, 'loss');
    expect(count(loss, /<line class="tick"/g)).toBeGreaterThanOrEqual(4);
    expect(loss).toContain('>step</text>');
    expect(loss).toMatch(/>loss \(nats\/token\)<\/text>/);
    // Self-contained: no scripts, no external resources.
    expect(html).not.toMatch(/<script|<link|<img|@import|url\((?!#)/i);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/https?:/);
  });

  it('colours heatmap cells by load share (largest share gets the top colour)', () => {
    const dir = makeRun(CONFIG, [
      { kind: 'train', step: 1, tokens: 1, time: 1, tokensPerSec: 1, loss: 1, ppl: Math.E, moe: { m: { cvImportance: 0, cvLoad: 0, importance: [1, 1], load: [3, 1] } } },
    ]);
    const cells = chart(renderReport(dir), 'load-m').match(/<rect class="cell"[^>]*fill="([^"]+)"[\s\S]*?<\/rect>/g)!;
    expect(cells).toHaveLength(2);
    expect(cells[0]).toContain('fill="#fde725"');
    expect(cells[0]).toContain('75.0% of load');
    expect(cells[1]).toContain('25.0% of load');
  });

  it('handles a single logged step and no validation lines', () => {
    const dir = makeRun(CONFIG, [trainLine(3, { moe0: 4 })]);
    const html = renderReport(dir);
    expect(count(html, /<svg\b/g)).toBe(4);
    const loss = chart(html, 'loss');
    expect(loss).toContain('data-series="1"');
    expect(loss).toContain('validation (none)');
    expect(count(loss, /<circle class="marker"/g)).toBe(1);
    expect(loss).toContain('>2</text>'); // x ticks 2..4 around step 3, integers only
    const xAxis = loss.match(/<g class="axis x-axis">[\s\S]*?<\/g>/)![0];
    expect(xAxis).not.toMatch(/>(-|\d+\.)\d*<\/text>/); // no negative or fractional step ticks
    expect(loss).not.toMatch(/NaN|Infinity/);
    expect(count(chart(html, 'load-moe0'), /<rect class="cell"/g)).toBe(4);
    expect(html).toContain('No validation lines were logged');
    expect(html).not.toMatch(/NaN|Infinity/);
  });

  it('handles an empty metrics file and a model without MoE statistics', () => {
    const html = renderReport(makeRun(CONFIG, []));
    expect(count(html, /<svg\b/g)).toBe(2);
    expect(html).toContain('no data logged');
    expect(html).toContain('No MoE statistics were logged');
  });

  it('escapes run data', () => {
    const html = renderReport(makeRun({ model: '<script>alert(1)</script>' }, [trainLine(0, { '<evil>': 2 })]));
    expect(html).not.toMatch(/<script|<evil>/);
    expect(html).toContain('&lt;script&gt;');
  });
});

describe('readRun errors', () => {
  it('names the file and line of a malformed metrics line', () => {
    const dir = makeRun(CONFIG, [trainLine(0, LAYERS), '', '{"kind":"train","step":1,', trainLine(2, LAYERS)]);
    expect(() => readRun(dir)).toThrow(`${join(dir, 'metrics.jsonl')}:3: malformed JSON`);
  });

  it('names the field of an invalid record', () => {
    const bad = { ...trainLine(1, LAYERS), loss: 'x' };
    const dir = makeRun(CONFIG, [trainLine(0, LAYERS), bad]);
    expect(() => readRun(dir)).toThrow(/metrics\.jsonl:2: "loss" must be a finite number/);
    expect(() => readRun(makeRun(CONFIG, [{ kind: 'test', step: 0 }]))).toThrow(/metrics\.jsonl:1: "kind" must be "train" or "valid"/);
    const mism = trainLine(1, LAYERS);
    mism.moe.moe0!.load = [1, 2];
    expect(() => readRun(makeRun(CONFIG, [mism]))).toThrow(/metrics\.jsonl:1: moe\.moe0: "importance" has 4 experts but "load" has 2/);
    expect(() => readRun(makeRun(CONFIG, [trainLine(0, LAYERS), trainLine(1, { moe0: 5 })]))).toThrow(/metrics\.jsonl:2: moe\.moe0 has 5 experts but earlier lines had 4/);
  });

  it('reports missing files and a bad config', () => {
    const noConfig = makeRun(undefined, [trainLine(0, LAYERS)]);
    expect(() => renderReport(noConfig)).toThrow(`${join(noConfig, 'config.json')}: missing config.json`);
    const noMetrics = makeRun(CONFIG, []);
    rmSync(join(noMetrics, 'metrics.jsonl'));
    expect(() => renderReport(noMetrics)).toThrow(`${join(noMetrics, 'metrics.jsonl')}: missing metrics.jsonl`);
    writeFileSync(join(noConfig, 'config.json'), '[1,2]');
    expect(() => renderReport(noConfig)).toThrow(`${join(noConfig, 'config.json')}: expected a JSON object`);
  });
});

describe('writeReport', () => {
  it('writes <runDir>/report.html atomically (no temp file left) or to a given path', () => {
    const out = writeReport(fullRun);
    expect(out).toBe(join(fullRun, 'report.html'));
    expect(readFileSync(out, 'utf8')).toBe(renderReport(fullRun));
    const custom = join(tmpRoot, 'custom.html');
    expect(writeReport(fullRun, custom)).toBe(custom);
    expect(existsSync(custom)).toBe(true);
    expect(readdirSync(fullRun).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(tmpRoot).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('leaves an existing report untouched when the run is invalid', () => {
    const dir = makeRun(CONFIG, ['not json']);
    writeFileSync(join(dir, 'report.html'), 'old');
    expect(() => writeReport(dir)).toThrow(/metrics\.jsonl:1/);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toBe('old');
  });
});

/** Path of the `chromium` executable on PATH, or null. */
function findChromium(): string | null {
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(d, 'chromium');
    if (d && existsSync(p) && statSync(p).isFile()) return p;
  }
  return null;
}

const chromium = findChromium();
const requireBrowser = hardwareRequired();

describe('report in headless Chromium', () => {
  it.skipIf(!chromium && !requireBrowser)('renders the charts in the browser DOM and screenshots legibly', () => {
    if (!chromium) throw new Error('chromium is not installed (CI is truthy, which requires it): run scripts/install-system.sh');
    const page = writeReport(fullRun);
    const url = pathToFileURL(page).href;
    const flags = (ud: string) => [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage', '--hide-scrollbars', `--user-data-dir=${ud}`,
    ];
    const run = (args: string[]) => {
      const r = spawnSync(chromium, args, { encoding: 'utf8', timeout: 15_000, maxBuffer: 64 << 20 });
      if (r.error) throw r.error;
      return r;
    };
    const dom = run([...flags(mkdtempSync(join(tmpRoot, 'ud-'))), '--dump-dom', url]);
    expect(dom.status, dom.stderr).toBe(0);
    checkFullStructure(dom.stdout);
    expect(dom.stdout).toContain('moec run report — lstm-moe-lm');

    const shot = join(tmpRoot, 'report.png');
    const ss = run([...flags(mkdtempSync(join(tmpRoot, 'ud-'))), '--window-size=1400,1800', `--screenshot=${shot}`, url]);
    expect(ss.status, ss.stderr).toBe(0);
    const png = readFileSync(shot);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1400); // IHDR width
    expect(png.length).toBeGreaterThan(20_000); // a blank page compresses to a few KB
  }, 20_000);
});
