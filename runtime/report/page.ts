/**
 * Assembles the report page from validated run data: a title and config summary table, a few
 * headline numbers, loss and perplexity curves (train and validation), and for each MoE layer the
 * expert-load heatmap and the CV²(importance)/CV²(load) curves. The result is one self-contained
 * HTML document — inline CSS and inline SVG only, no scripts, fonts or network requests — that
 * opens directly from disk in any browser.
 */
import { esc, fmtNum } from './format.ts';
import { renderHeatmap } from './heatmap.ts';
import { renderLineChart } from './line-chart.ts';
import type { RunData } from './run-types.ts';

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

/** Renders the full HTML document for a validated run. */
export function renderPage(run: RunData): string {
  const name = modelName(run);
  const noValid = run.valid.length === 0 ? '<p class="note">No validation lines were logged; only training curves are shown.</p>' : '';
  const loss = renderLineChart({
    id: 'loss', title: 'Loss', xLabel: 'step', yLabel: 'loss (nats/token)',
    series: [
      { name: 'train', color: TRAIN_COLOR, points: run.train.map((r) => [r.step, r.loss]) },
      { name: 'validation', color: VALID_COLOR, dashed: true, points: run.valid.map((r) => [r.step, r.loss]) },
    ],
  });
  const ppl = renderLineChart({
    id: 'ppl', title: 'Perplexity', xLabel: 'step', yLabel: 'perplexity', logY: true,
    series: [
      { name: 'train', color: TRAIN_COLOR, points: run.train.map((r) => [r.step, r.ppl]) },
      { name: 'validation', color: VALID_COLOR, dashed: true, points: run.valid.map((r) => [r.step, r.ppl]) },
    ],
  });
  const layers: string[] = [];
  for (const [layer, n] of run.moeLayers) {
    const rows = run.train.filter((r) => r.moe[layer] !== undefined);
    const heat = renderHeatmap({ id: `load-${layer}`, title: `Expert load share — ${layer}`, steps: rows.map((r) => r.step), loads: rows.map((r) => r.moe[layer]!.load) });
    const cv = renderLineChart({
      id: `cv-${layer}`, title: `CV² — ${layer}`, xLabel: 'step', yLabel: 'CV²',
      series: [
        { name: 'CV²(importance)', color: CV_IMP_COLOR, points: rows.map((r) => [r.step, r.moe[layer]!.cvImportance]) },
        { name: 'CV²(load)', color: CV_LOAD_COLOR, points: rows.map((r) => [r.step, r.moe[layer]!.cvLoad]) },
      ],
    });
    layers.push(
      `<section class="moe-layer" data-layer="${esc(layer)}"><h2>MoE layer ${esc(layer)} <small>(${n} experts)</small></h2><div class="grid">` +
        figure(heat, `Share of the layer's load per expert (rows) at each logged step (columns); ${rows.length} logged step${rows.length === 1 ? '' : 's'} × ${n} experts. Balanced = 1/${n} = ${fmtNum(100 / n)}%.`) +
        figure(cv, 'Squared coefficient of variation of per-expert importance and load (0 = perfectly balanced).') +
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
<div class="grid">${figure(loss, 'Cross-entropy loss per step: training (solid) and validation (dashed).')}${figure(ppl, 'Perplexity = exp(loss).')}</div>
${moeSection}
</main></body></html>
`;
}
