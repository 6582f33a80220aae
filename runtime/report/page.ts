/**
 * Assembles the report page from validated run data: a title and config summary table, a few
 * headline numbers, loss and perplexity curves (train smoothed, runtime/report/smooth.ts, with the
 * raw curve faint behind it; validation dashed; the unigram baseline's validation perplexity, when
 * config.json records it, as a reference line), and for each MoE layer the expert-load heatmap and
 * the CV²(importance)/CV²(load) curves on a log scale. The x axis is the training step or, with
 * `xAxis: 'tokens'`, the tokens trained on. The result is one self-contained
 * HTML document — inline CSS and inline SVG only, no scripts, fonts or network requests — that
 * opens directly from disk in any browser.
 */
import { esc, fmtNum } from './format.ts';
import { renderHeatmap } from './heatmap.ts';
import { renderLineChart } from './line-chart.ts';
import type { RunData, TrainRecord } from './run-types.ts';
import { smoothEma, smoothingWeight } from './smooth.ts';

/** Options of the page. */
export interface PageOptions {
  /** The x axis of the curves: training steps (default) or tokens trained on. */
  readonly xAxis?: 'steps' | 'tokens';
}

/** CV² values below this are drawn at it on the log axis (a perfectly balanced step has CV² = 0). */
const CV_FLOOR = 1e-6;
const BASELINE_COLOR = '#7f7f7f';

const TRAIN_COLOR = '#1f6fb4';
const VALID_COLOR = '#d62728';
const CV_IMP_COLOR = '#9467bd';
const CV_LOAD_COLOR = '#2ca02c';

/** The report's style sheet (also used by the `moec bundle` page). */
export const REPORT_CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#f6f7f9;margin:0}
main{max-width:1380px;margin:0 auto;padding:20px 28px 40px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d8dce3;padding-bottom:4px}
h3{font-size:14px;margin:0 0 6px;color:#333}
.sub{color:#5a6272;margin:0 0 16px}
table.config{border-collapse:collapse;background:#fff;border:1px solid #d8dce3}
table.config th,table.config td{padding:4px 10px;border-bottom:1px solid #eceef2;text-align:left;vertical-align:top}
table.config th{color:#5a6272;font-weight:600;white-space:nowrap}
table.config td{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px;word-break:break-word}
.stats{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0 0}
.stat{background:#fff;border:1px solid #d8dce3;border-radius:6px;padding:6px 12px}
.stat b{display:block;font-size:17px}.stat span{color:#5a6272;font-size:12px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px}
figure{margin:0;background:#fff;border:1px solid #d8dce3;border-radius:6px;padding:10px 12px}
figcaption{font-size:12px;color:#5a6272;margin-top:4px}
svg.chart{width:100%;height:auto;display:block;font-size:12px}
svg .frame{fill:none;stroke:#9aa1ad}svg .grid{stroke:#eceef2}svg .tick{stroke:#6b7280}
svg text{fill:#2c3340}svg .axis-label{font-weight:600;fill:#3b4250}svg .empty{fill:#8a909c;font-style:italic}
svg .series{fill:none;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}
svg .marker{stroke:#fff;stroke-width:1}
svg .legend-bar{stroke:#9aa1ad}
.note{color:#8a5a00;background:#fff7e0;border:1px solid #f0d890;border-radius:4px;padding:4px 8px;display:inline-block;margin:4px 0}
`;

/** A config value as short text: scalars as-is, objects as `k=v` pairs, arrays comma-joined. */
function configValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(configValue).join(', ');
  if (typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}=${typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x)}`)
      .join(', ');
  }
  return String(v);
}

/** The model name for the title: config.model (string) or config.model.name, else the directory. */
function modelName(run: RunData): string {
  const m = run.config.model;
  if (typeof m === 'string') return m;
  if (typeof m === 'object' && m !== null && typeof (m as Record<string, unknown>).name === 'string') return (m as Record<string, string>).name!;
  return run.runDir;
}

function configTable(run: RunData): string {
  const known = ['model', 'options', 'optimizer', 'backend', 'seed', 'data'];
  const keys = [...known.filter((k) => k in run.config), ...Object.keys(run.config).filter((k) => !known.includes(k))];
  const rows = keys.map((k) => `<tr><th>${esc(k)}</th><td>${esc(configValue(run.config[k]))}</td></tr>`);
  return `<table class="config">${rows.join('')}</table>`;
}

function stats(run: RunData): string {
  const items: [string, string][] = [];
  const last = run.train[run.train.length - 1];
  items.push(['train lines', String(run.train.length)], ['validation lines', String(run.valid.length)]);
  if (last) {
    items.push(['last step', String(last.step)], ['tokens', Math.round(last.tokens).toLocaleString('en-US')], ['time', `${fmtNum(last.time)} s`]);
    items.push(['last tokens/s', fmtNum(last.tokensPerSec)], ['last train loss', fmtNum(last.loss)], ['last train ppl', fmtNum(last.ppl)]);
  }
  if (run.valid.length > 0) {
    const best = run.valid.reduce((a, b) => (b.ppl < a.ppl ? b : a));
    items.push(['best valid ppl', `${fmtNum(best.ppl)} @ ${best.step}`]);
  }
  return `<div class="stats">${items.map(([k, v]) => `<div class="stat"><b>${esc(v)}</b><span>${esc(k)}</span></div>`).join('')}</div>`;
}

function figure(svg: string, caption: string): string {
  return `<figure>${svg}<figcaption>${esc(caption)}</figcaption></figure>`;
}

/** The train curve `y` as a faint raw series and its smoothed version (x by `xOf`). */
function trainSeries(train: readonly TrainRecord[], xOf: (r: TrainRecord) => number, y: (r: TrainRecord) => number): { name: string; color: string; faint?: true; points: [number, number][] }[] {
  const raw = train.map((r) => [xOf(r), y(r)] as [number, number]);
  const w = smoothingWeight(raw.length);
  if (w === 0) return [{ name: 'train', color: TRAIN_COLOR, points: raw }];
  const sm = smoothEma(raw.map((p) => p[1]), w);
  return [
    { name: 'train (raw)', color: TRAIN_COLOR, faint: true, points: raw },
    { name: 'train (smoothed)', color: TRAIN_COLOR, points: raw.map((p, i) => [p[0], sm[i]!]) },
  ];
}

/** Renders the full HTML document for a validated run. */
export function renderPage(run: RunData, opts: PageOptions = {}): string {
  const name = modelName(run);
  const byTokens = opts.xAxis === 'tokens';
  const xLabel = byTokens ? 'tokens' : 'step';
  const tokensAt = new Map(run.train.map((r) => [r.step, r.tokens]));
  const xOf = (r: TrainRecord): number => (byTokens ? r.tokens : r.step);
  const validPoints = (y: (v: RunData['valid'][number]) => number): [number, number][] =>
    run.valid.flatMap((v) => {
      const x = byTokens ? tokensAt.get(v.step) : v.step;
      return x === undefined ? [] : [[x, y(v)] as [number, number]];
    });
  const unigram = typeof run.config.unigramValidPpl === 'number' && run.config.unigramValidPpl > 0 ? run.config.unigramValidPpl : undefined;
  const noValid = run.valid.length === 0 ? '<p class="note">No validation lines were logged; only training curves are shown.</p>' : '';
  const smoothed = smoothingWeight(run.train.length) > 0;
  const loss = renderLineChart({
    id: 'loss', title: 'Loss', xLabel, yLabel: 'loss (nats/token)',
    series: [...trainSeries(run.train, xOf, (r) => r.loss), { name: 'validation', color: VALID_COLOR, dashed: true, points: validPoints((v) => v.loss) }],
    ...(unigram ? { references: [{ name: 'unigram baseline', color: BASELINE_COLOR, y: Math.log(unigram) }] } : {}),
  });
  const ppl = renderLineChart({
    id: 'ppl', title: 'Perplexity', xLabel, yLabel: 'perplexity', logY: true,
    series: [...trainSeries(run.train, xOf, (r) => r.ppl), { name: 'validation', color: VALID_COLOR, dashed: true, points: validPoints((v) => v.ppl) }],
    ...(unigram ? { references: [{ name: 'unigram baseline', color: BASELINE_COLOR, y: unigram }] } : {}),
  });
  const layers: string[] = [];
  for (const [layer, n] of run.moeLayers) {
    const rows = run.train.filter((r) => r.moe[layer] !== undefined);
    const heat = renderHeatmap({ id: `load-${layer}`, title: `Expert load share — ${layer}`, steps: rows.map((r) => r.step), loads: rows.map((r) => r.moe[layer]!.load) });
    const cv = renderLineChart({
      id: `cv-${layer}`, title: `CV² — ${layer}`, xLabel, yLabel: 'CV²', logY: true,
      series: [
        { name: 'CV²(importance)', color: CV_IMP_COLOR, points: rows.map((r) => [xOf(r), Math.max(CV_FLOOR, r.moe[layer]!.cvImportance)]) },
        { name: 'CV²(load)', color: CV_LOAD_COLOR, points: rows.map((r) => [xOf(r), Math.max(CV_FLOOR, r.moe[layer]!.cvLoad)]) },
      ],
    });
    layers.push(
      `<section class="moe-layer" data-layer="${esc(layer)}"><h2>MoE layer ${esc(layer)} <small>(${n} experts)</small></h2><div class="grid">` +
        figure(heat, `Share of the layer's load per expert (rows) at each logged step (columns); ${rows.length} logged step${rows.length === 1 ? '' : 's'} × ${n} experts. Balanced = 1/${n} = ${fmtNum(100 / n)}%.`) +
        figure(cv, `Squared coefficient of variation of per-expert importance and load (0 = perfectly balanced), log scale; values below ${CV_FLOOR} are drawn at ${CV_FLOOR}.`) +
        '</div></section>',
    );
  }
  const moeSection = layers.length > 0 ? layers.join('') : '<h2>MoE layers</h2><p class="note">No MoE statistics were logged.</p>';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>moec run report — ${esc(name)}</title><style>${REPORT_CSS}</style></head>
<body><main>
<h1>moec run report — ${esc(name)}</h1>
<p class="sub">${esc(run.runDir)}</p>
${configTable(run)}
${stats(run)}
<h2>Loss and perplexity</h2>${noValid}
<div class="grid">${figure(loss, `Cross-entropy loss per ${byTokens ? 'token trained on' : 'step'}: training (${smoothed ? 'smoothed, with the raw curve faint behind it' : 'solid'}) and validation (dashed)${unigram ? '; dotted: the unigram baseline on the validation split' : ''}.`)}${figure(ppl, `Perplexity = exp(loss)${unigram ? `; dotted: the unigram baseline (${fmtNum(unigram)})` : ''}.`)}</div>
${moeSection}
</main></body></html>
`;
}
