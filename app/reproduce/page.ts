/**
 * Renders the results of `moec reproduce` (results.ts) as one self-contained HTML page — Table 7
 * and Table 6 beside the paper's numbers, the Figure 2-left analog (test perplexity vs experts at
 * matched compute, ours and the paper's, as inline SVG), the per-step training and validation
 * curves of every run, the cost columns computed from the IR, and the Table 9 analog (top-gated
 * tokens per expert) — and as a Markdown section for the README. Every piece of run data is escaped.
 */
import { readRun } from '../../runtime/report/index.ts';
import { join } from 'node:path';
import { esc } from '../../runtime/report/format.ts';
import { renderLineChart, type Series } from '../../runtime/report/line-chart.ts';
import type { ReproduceResults, RunStatus } from './results.ts';

const COLORS = ['#1f6fb4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#393b79'];

/** Styles the charts need outside the page (the standalone SVG file). */
const SVG_CSS = 'text{font:12px sans-serif;fill:#2c3340}.frame{fill:none;stroke:#9aa1ad}.grid{stroke:#eceef2}.tick{stroke:#6b7280}.axis-label{font-weight:600}.series{fill:none;stroke-width:2}.marker{stroke:#fff;stroke-width:1}';

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;color:#1d2330;background:#f6f7f9;margin:0}
main{max-width:1380px;margin:0 auto;padding:20px 28px 40px}
h1{font-size:22px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d8dce3}
table{border-collapse:collapse;background:#fff;border:1px solid #d8dce3;margin:6px 0}
th,td{padding:3px 9px;border-bottom:1px solid #eceef2;text-align:right;vertical-align:top}
th{color:#5a6272;font-weight:600}td.l,th.l{text-align:left}td.paper{color:#6b4a00;background:#fff9ec}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px}
figure{margin:0;background:#fff;border:1px solid #d8dce3;border-radius:6px;padding:10px 12px}
figcaption{font-size:12px;color:#5a6272}
svg.chart{width:100%;height:auto;display:block}
svg .frame{fill:none;stroke:#9aa1ad}svg .grid{stroke:#eceef2}svg .tick{stroke:#6b7280}
svg text{fill:#2c3340;font-size:12px}svg .axis-label{font-weight:600}
svg .series{fill:none;stroke-width:2}svg .marker{stroke:#fff;stroke-width:1}
.note{color:#5a6272}code{font-size:12.5px}
`;

const f = (v: number | null | undefined, digits = 2): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));
const millions = (v: number): string => String(Number((v / 1e6).toPrecision(3)));

function statusText(r: RunStatus): string {
  return r.status === 'finished' ? '' : r.status === 'partial' ? `training (step ${r.step})` : 'not started';
}

/** Table 7 rows as cells: ours, then the paper's row. */
function table7Rows(r: ReproduceResults): string[][] {
  return r.table7.map(({ spec, run, paper }) => {
    const x = run.result;
    return [
      spec.label,
      String(spec.experts),
      x ? millions(x.cost.opsPerTimestep) : '—',
      x ? millions(x.cost.expertOpsPerTimestep) : '—',
      x ? millions(x.cost.paramsExclEmbedSoftmax) : '—',
      x ? millions(x.cost.params) : '—',
      x ? String(x.steps) : statusText(run),
      x ? Math.round(x.trainTokens).toLocaleString('en-US') : '—',
      x ? f(x.tokensPerSec, 0) : '—',
      x ? f(x.lastValidPpl) : '—',
      x ? f(x.testPpl) : '—',
      paper?.model ?? '—',
      paper ? f(paper.testPpl10Epochs, 1) : '—',
      paper ? f(paper.opsPerTimestepM, 1) : '—',
      paper ? f(paper.paramsExclEmbedSoftmaxM, 1) : '—',
    ];
  });
}

const TABLE7_HEAD = ['model', 'experts', 'ops/timestep (M)', 'expert ops/timestep (M)', 'params excl. embed & softmax (M)', 'params total (M)', 'steps', 'train tokens', 'tokens/s', 'valid ppl', 'test ppl', 'paper model', 'paper test ppl (10 epochs)', 'paper ops/timestep (M)', 'paper params excl. (M)'];
const PAPER7_FROM = 11;

function table6Rows(r: ReproduceResults): string[][] {
  return r.table6.map(({ spec, run, paper }) => {
    const x = run.result;
    return [
      String(spec.wImportance),
      String(spec.wLoad),
      x ? f(x.testPpl) : statusText(run),
      x?.balance ? f(x.balance.cvImportance) : '—',
      x?.balance ? f(x.balance.cvLoad) : '—',
      x?.balance ? f(x.balance.maxOverMeanLoad) : '—',
      x?.testLoad ? f(x.testLoad.cv) : '—',
      x?.testLoad ? f(x.testLoad.maxOverMean) : '—',
      paper ? f(paper.testPpl, 1) : '—',
      paper ? f(paper.cvImportance) : '—',
      paper ? f(paper.cvLoad) : '—',
      paper ? f(paper.maxOverMeanLoad) : '—',
    ];
  });
}

const TABLE6_HEAD = ['wImportance', 'wLoad', 'test ppl', 'CV(importance)', 'CV(load)', 'max/mean load', 'test CV(load)', 'test max/mean load', 'paper test ppl', 'paper CV(importance)', 'paper CV(load)', 'paper max/mean load'];
const PAPER6_FROM = 8;

function htmlTable(head: string[], rows: string[][], paperFrom: number, leftCols = 1): string {
  const th = head.map((h, i) => `<th class="${i < leftCols ? 'l' : ''}">${esc(h)}</th>`).join('');
  const trs = rows.map((row) => `<tr>${row.map((c, i) => `<td class="${i < leftCols ? 'l' : ''}${i >= paperFrom ? ' paper' : ''}">${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>`;
}

function mdTable(head: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The Figure 2-left analog: test perplexity against log2(experts), ours and the paper's. */
export function renderFigure2(r: ReproduceResults): string {
  const ours = r.table7.flatMap(({ spec, run }) => (run.result ? [[Math.log2(spec.experts), run.result.testPpl] as const] : []));
  const paper = r.table7.flatMap(({ paper }) => (paper?.experts ? [[Math.log2(paper.experts), paper.testPpl10Epochs] as const] : []));
  return renderLineChart({
    id: 'figure2-left',
    title: 'Test perplexity vs experts at matched compute',
    xLabel: 'log2(experts): 0 = 1, 2 = 4, 4 = 16, 6 = 64, 8 = 256, 10 = 1024',
    yLabel: 'test perplexity',
    logY: true,
    series: [
      { name: `moec on SOTU (${r.budget ?? 'budget as run'})`, color: COLORS[0]!, points: ours },
      { name: 'paper, 1B words, 10 epochs', color: COLORS[1]!, dashed: true, points: paper },
    ],
  });
}

/** The figure as a standalone SVG file (its styles inlined). */
export function standaloneSvg(svg: string): string {
  return `${svg.replace(/^<svg([^>]*)>/, `<svg$1><style>${SVG_CSS}</style><rect width="100%" height="100%" fill="#fff"/>`)}\n`;
}

/** Every 1st…nth point so a series has at most `max` points (the last one kept). */
function thin<T>(v: readonly T[], max = 400): T[] {
  if (v.length <= max) return [...v];
  const every = Math.ceil(v.length / max);
  const out = v.filter((_, i) => i % every === 0);
  if (out.at(-1) !== v.at(-1)) out.push(v.at(-1)!);
  return out;
}

/** Training (smoothed over 1% of the steps) and validation perplexity curves of a set of runs. */
function curves(out: string, id: string, title: string, runs: readonly { label: string; id: string }[]): string {
  const train: Series[] = [];
  const valid: Series[] = [];
  runs.forEach((run, i) => {
    let data;
    try {
      data = readRun(join(out, run.id), () => {});
    } catch {
      return;
    }
    const color = COLORS[i % COLORS.length]!;
    const w = Math.max(1, Math.round(data.train.length / 100));
    const smooth = data.train.map((rec, j) => {
      const from = Math.max(0, j - w + 1);
      const win = data.train.slice(from, j + 1);
      return [rec.step, Math.exp(win.reduce((a, b) => a + b.loss, 0) / win.length)] as const;
    });
    train.push({ name: run.label, color, points: thin(smooth) });
    valid.push({ name: run.label, color, points: data.valid.map((v) => [v.step, v.ppl] as const) });
  });
  const a = renderLineChart({ id: `${id}-train`, title: `${title}: training perplexity`, xLabel: 'step', yLabel: 'train perplexity (moving mean)', logY: true, series: train });
  const b = renderLineChart({ id: `${id}-valid`, title: `${title}: validation perplexity`, xLabel: 'step', yLabel: 'validation perplexity', logY: true, series: valid });
  return `<div class="grid"><figure>${a}<figcaption>${esc(title)}: training perplexity per step (moving mean over 1% of the steps).</figcaption></figure><figure>${b}<figcaption>${esc(title)}: validation perplexity.</figcaption></figure></div>`;
}

function table9Html(r: ReproduceResults): string {
  const t = r.table9;
  if (!t) return '<p class="note">Not computed yet (needs the finished MoE-64 run).</p>';
  const rows = t.listings.map((l) => `<tr><td>${l.expert}</td><td>${l.routed}</td><td class="l">${l.top.map((c) => `${esc(c.before)} <b>${esc(c.token)}</b> <small>(${c.gate.toFixed(3)})</small>`).join('<br>')}</td></tr>`).join('');
  return `<p class="note">${esc(t.checkpoint)} (step ${t.step}), layer ${esc(t.layer)}: for each of its ${t.experts} experts the ${esc(t.split)} tokens (of ${t.tokens}) it received with the largest gates (evaluation mode), each after its preceding words. <code>moec experts &lt;checkpoint&gt;</code> prints the same listing.</p><table><thead><tr><th>expert</th><th>tokens routed</th><th class="l">top-gated tokens in context (gate)</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function summary(r: ReproduceResults): string {
  const fin = r.runs.filter((x) => x.result);
  const backends = [...new Set(fin.map((x) => x.result!.adapter ?? x.result!.backend))];
  return `Budget per run: ${r.budget ?? 'as run'}; ${fin.length} of ${r.runs.length} runs finished; wall time of the finished runs (training + test evaluation) ${(r.wallSeconds / 3600).toFixed(2)} h; back end ${backends.join(', ') || '—'}; commit ${r.commits.join(', ') || '—'}; generated ${r.generated}.`;
}

/** The HTML page. */
export function renderReproducePage(out: string, r: ReproduceResults): string {
  const sections: string[] = [];
  if (r.table7.length > 0) {
    sections.push(`<h2>Table 7 analog: matched compute, 1 to 1024 experts</h2>${htmlTable(TABLE7_HEAD, table7Rows(r), PAPER7_FROM)}
<p class="note">Ours: SOTU (word level), test split, one seed; ops/timestep = forward multiply-adds per token excluding the embedding and the softmax, and parameter counts, computed from each model's compiled IR. Paper (shaded): 1 Billion Word benchmark, 10 epochs.</p>
<figure>${renderFigure2(r)}<figcaption>Figure 2-left analog: test perplexity against the number of experts at matched compute (x = log2 experts).</figcaption></figure>
${curves(out, 't7', 'Table 7 runs', r.table7.map((x) => x.spec))}`);
  }
  if (r.table6.length > 0) {
    sections.push(`<h2>Table 6 analog: balancing losses (MoE-256)</h2>${htmlTable(TABLE6_HEAD, table6Rows(r), PAPER6_FROM, 0)}
<p class="note">CV = coefficient of variation (not squared), of the per-expert importance and load, and max/mean load: averaged over the last 10% of the training steps (as the paper averages over training batches); "test" columns: the load summed over the test split in evaluation mode (no noise).</p>
${curves(out, 't6', 'Table 6 runs', r.table6.map((x) => ({ id: x.spec.id, label: `(${x.spec.wImportance}, ${x.spec.wLoad})` })))}`);
  }
  if (r.target === 'table9' || r.target === 'all') sections.push(`<h2>Table 9 analog: expert specialisation</h2>${table9Html(r)}`);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>moec reproduce — ${esc(r.target)}</title><style>${CSS}</style></head>
<body><main><h1>moec reproduce — Shazeer et al. 2017 at small scale</h1>
<p>${esc(summary(r))}</p><p class="note">Paper numbers: ${esc(r.paperSource)}</p>
${sections.join('\n')}
</main></body></html>
`;
}

/** The README section (Markdown): the tables, the figure (at `figurePath`) and the provenance. */
export function renderMarkdown(r: ReproduceResults, figurePath: string): string {
  const parts: string[] = [`${summary(r)}`, ''];
  if (r.table7.length > 0) parts.push('**Table 7 analog** (matched compute; ours on SOTU, paper on 1B words after 10 epochs):', '', mdTable(TABLE7_HEAD, table7Rows(r)), '', `![Figure 2-left analog: test perplexity vs experts](${figurePath})`, '');
  if (r.table6.length > 0) parts.push('**Table 6 analog** (MoE-256; CV not squared, averaged over the last 10% of training steps; "test" = eval-mode load over the test split):', '', mdTable(TABLE6_HEAD, table6Rows(r)), '');
  if (r.table9) {
    parts.push(`**Table 9 analog** (${r.table9.checkpoint.split('/').slice(-2).join('/')}, step ${r.table9.step}; the 8 experts receiving the most test tokens, top 3 gates each):`, '');
    const top = [...r.table9.listings].sort((a, b) => b.routed - a.routed || a.expert - b.expert).slice(0, 8);
    parts.push(mdTable(['expert', 'tokens routed', 'top-gated tokens in context (gate)'], top.map((l) => [String(l.expert), String(l.routed), l.top.slice(0, 3).map((c) => `… ${c.before} **${c.token}** (${c.gate.toFixed(3)})`).join('; ')])), '');
  }
  parts.push(`Paper numbers from ${r.paperSource}`);
  return parts.join('\n');
}
