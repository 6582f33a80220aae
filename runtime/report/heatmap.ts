/**
 * Renders the expert-load heatmap of one MoE layer as an inline `<svg>`: one row per expert, one
 * column per logged training step, each cell (`<rect class="cell">`) coloured by that expert's
 * share of the layer's total load at that step (load[e] / Σ load) on a viridis-like scale from 0
 * to the largest share seen. A vertical colour legend on the right marks the scale's range and the
 * uniform share 1/n that a perfectly balanced layer would show. Columns are evenly spaced by
 * logged-step index (not step value) so irregular logging intervals leave no gaps.
 */
import { esc, fmtNum, px } from './format.ts';

/** Heatmap input for one MoE layer. */
export interface HeatmapSpec {
  /** Identifies the chart in the DOM (`data-chart` attribute). */
  readonly id: string;
  readonly title: string;
  /** The logged steps (columns), in order. */
  readonly steps: readonly number[];
  /** Per step: the per-expert load vector (all the same length n = number of rows). */
  readonly loads: ReadonlyArray<readonly number[]>;
}

/** Viridis colour stops (sampled), from low to high. */
const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];

/** Colour for t in [0, 1] (clamped), interpolated between the viridis stops. */
function viridis(t: number): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - i;
  const a = VIRIDIS[i]!;
  const b = VIRIDIS[i + 1]!;
  const ch = (s: string, k: number) => parseInt(s.slice(1 + 2 * k, 3 + 2 * k), 16);
  const mix = [0, 1, 2].map((k) => Math.round(ch(a, k) + (ch(b, k) - ch(a, k)) * f));
  return `#${mix.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** Load shares: each load vector divided by its sum (all zeros when the sum is 0). */
function loadShares(load: readonly number[]): number[] {
  const total = load.reduce((a, b) => a + b, 0);
  return load.map((v) => (total > 0 ? v / total : 0));
}

/** Above this many cells, per-cell hover titles are dropped to keep the page small. */
const MAX_TITLED_CELLS = 20_000;

/** Renders the heatmap as an `<svg>` element string. */
export function renderHeatmap(spec: HeatmapSpec): string {
  const n = spec.loads[0]?.length ?? 0;
  const cols = spec.steps.length;
  const W = 640;
  const M = { left: 64, right: 100, top: 12, bottom: 48 };
  const rowH = n <= 8 ? 28 : n <= 32 ? 14 : Math.max(2, 448 / n);
  const plotH = Math.max(rowH * n, 84);
  const H = M.top + plotH + M.bottom;
  const [x0, x1, yTop] = [M.left, W - M.right, M.top];
  const yBot = yTop + plotH;
  const out: string[] = [];
  out.push(`<svg class="chart heatmap" data-chart="${esc(spec.id)}" data-experts="${n}" data-steps="${cols}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(spec.title)}" xmlns="http://www.w3.org/2000/svg">`);
  out.push(`<title>${esc(spec.title)}</title>`);
  if (cols === 0 || n === 0) {
    out.push(`<rect class="frame" x="${x0}" y="${yTop}" width="${x1 - x0}" height="${plotH}"/><text class="empty" x="${(x0 + x1) / 2}" y="${yTop + plotH / 2}" text-anchor="middle">no load logged</text></svg>`);
    return out.join('');
  }
  const shares = spec.loads.map(loadShares);
  const maxShare = Math.max(1 / n, ...shares.flat());
  const cw = (x1 - x0) / cols;
  const ch = plotH / n;
  const titled = cols * n <= MAX_TITLED_CELLS;
  out.push('<g class="cells" shape-rendering="crispEdges">');
  for (let c = 0; c < cols; c++) {
    const x = px(x0 + c * cw);
    const w = px(cw + 0.02); // tiny overlap hides anti-aliasing seams between columns
    for (let e = 0; e < n; e++) {
      const s = shares[c]![e]!;
      const title = titled ? `<title>step ${spec.steps[c]}, expert ${e}: ${(s * 100).toFixed(1)}% of load</title>` : '';
      out.push(`<rect class="cell" x="${x}" y="${px(yTop + e * ch)}" width="${w}" height="${px(ch + 0.02)}" fill="${viridis(s / maxShare)}">${title}</rect>`);
    }
  }
  out.push('</g>');
  out.push(`<rect class="frame" x="${x0}" y="${yTop}" width="${x1 - x0}" height="${plotH}"/>`);

  // Y axis: expert indices (at most ~16 labels).
  const every = Math.ceil(n / 16);
  out.push('<g class="axis y-axis">');
  for (let e = 0; e < n; e += every) {
    const y = px(yTop + (e + 0.5) * ch);
    out.push(`<line class="tick" x1="${x0 - 4}" y1="${y}" x2="${x0}" y2="${y}"/><text x="${x0 - 7}" y="${y}" dy="0.32em" text-anchor="end">${e}</text>`);
  }
  out.push(`<text class="axis-label" transform="translate(16 ${yTop + plotH / 2}) rotate(-90)" text-anchor="middle">expert</text></g>`);

  // X axis: step values under evenly spaced columns (at most ~8 labels).
  const xEvery = Math.max(1, Math.ceil(cols / 8));
  out.push('<g class="axis x-axis">');
  for (let c = 0; c < cols; c += xEvery) {
    const x = px(x0 + (c + 0.5) * cw);
    out.push(`<line class="tick" x1="${x}" y1="${yBot}" x2="${x}" y2="${yBot + 4}"/><text x="${x}" y="${yBot + 17}" text-anchor="middle">${spec.steps[c]}</text>`);
  }
  out.push(`<text class="axis-label" x="${(x0 + x1) / 2}" y="${H - 8}" text-anchor="middle">training step (logged)</text></g>`);

  // Colour legend: vertical gradient, 0 at the bottom, max share at the top, 1/n marked.
  const gid = `grad-${spec.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const lx = x1 + 22;
  const lw = 14;
  const stops = VIRIDIS.map((c, i) => `<stop offset="${px((i / (VIRIDIS.length - 1)) * 100)}%" stop-color="${c}"/>`).join('');
  out.push(`<g class="legend"><linearGradient id="${gid}" x1="0" y1="1" x2="0" y2="0">${stops}</linearGradient>`);
  out.push(`<rect class="legend-bar" x="${lx}" y="${yTop}" width="${lw}" height="${plotH}" fill="url(#${gid})"/>`);
  const mark = (v: number, label: string) => {
    const y = px(yBot - (v / maxShare) * plotH);
    return `<line class="tick" x1="${lx + lw}" y1="${y}" x2="${lx + lw + 4}" y2="${y}"/><text x="${lx + lw + 7}" y="${y}" dy="0.32em">${label}</text>`;
  };
  out.push(mark(0, '0%'), mark(maxShare, `${fmtNum(maxShare * 100)}%`));
  if (1 / n < maxShare * 0.85 && 1 / n > maxShare * 0.15) out.push(mark(1 / n, `1/n`));
  out.push(`<text class="axis-label" transform="translate(${lx - 6} ${yTop + plotH / 2}) rotate(-90)" text-anchor="middle">load share</text></g>`);
  out.push('</svg>');
  return out.join('');
}
