/**
 * Renders a multi-series line chart as one self-contained inline `<svg>`: framed plot area, x and
 * y axes with tick marks, tick labels, grid lines and axis titles, a legend, and one `<path
 * class="series">` per series (plus point markers when a series is short, so a single logged step
 * still shows up as a dot). Series with no points are left out of the plot but listed in the
 * legend as "(none)". Optionally uses a log y axis (for perplexity and CV²), draws a series faint
 * (the raw curve behind its smoothed version; left out of the legend) and horizontal reference
 * lines (a baseline such as the unigram model's perplexity), labelled in the legend.
 */
import { esc, fmtNum, px } from './format.ts';
import { linearScale, logScale } from './scale.ts';

/** One named series of (x, y) points. */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
  /** Dashed line (e.g. for validation). */
  readonly dashed?: boolean;
  /** Drawn thin and translucent, without markers or a legend entry (the raw curve behind a smoothed one). */
  readonly faint?: boolean;
}

/** A horizontal reference line across the plot. */
export interface ReferenceLine {
  readonly name: string;
  readonly color: string;
  readonly y: number;
}

/** What to draw. */
export interface LineChartSpec {
  /** Identifies the chart in the DOM (`data-chart` attribute). */
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** Log10 y axis; falls back to linear if any value is <= 0 or the range is under 10×. */
  readonly logY?: boolean;
  /** Horizontal reference lines (included in the y range). */
  readonly references?: readonly ReferenceLine[];
}

const W = 640;
const H = 300;
const M = { left: 70, right: 20, top: 34, bottom: 48 };

/** Renders the chart as an `<svg>` element string. */
export function renderLineChart(spec: LineChartSpec): string {
  const drawn = spec.series.filter((s) => s.points.length > 0);
  const xs = drawn.flatMap((s) => s.points.map((p) => p[0]));
  const refs = (spec.references ?? []).filter((r) => Number.isFinite(r.y));
  const ys = [...drawn.flatMap((s) => s.points.map((p) => p[1])), ...refs.map((r) => r.y)];
  const [x0, x1, y0, y1] = [M.left, W - M.right, H - M.bottom, M.top];
  const out: string[] = [];
  out.push(`<svg class="chart" data-chart="${esc(spec.id)}" data-series="${drawn.length}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(spec.title)}" xmlns="http://www.w3.org/2000/svg">`);
  out.push(`<title>${esc(spec.title)}</title>`);
  out.push(`<rect class="frame" x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}"/>`);
  if (xs.length === 0) {
    out.push(`<text class="empty" x="${(x0 + x1) / 2}" y="${(y0 + y1) / 2}" text-anchor="middle">no data logged</text></svg>`);
    return out.join('');
  }
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const yMin = Math.min(...ys);
  const yMax = Math.max(...ys);
  // x values are training steps: integer ticks; a single step sits centred in [x-1, x+1], with
  // any negative tick (step -1) left unlabelled.
  const [dx0, dx1] = xMin < xMax ? [xMin, xMax] : [xMin - 1, xMin + 1];
  const sxFull = linearScale(dx0, dx1, x0, x1, 6, false, 1);
  const sx = { ...sxFull, ticks: sxFull.ticks.filter((t) => xMin < 0 || t >= 0) };
  const useLog = spec.logY === true && yMin > 0 && yMax / yMin >= 10;
  const sy = useLog ? logScale(yMin, yMax, y0, y1) : linearScale(yMin, yMax, y0, y1, 5);

  // Grid, ticks and tick labels.
  out.push('<g class="axis x-axis">');
  for (const t of sx.ticks) {
    const x = px(sx.map(t));
    out.push(`<line class="grid" x1="${x}" y1="${y1}" x2="${x}" y2="${y0}"/><line class="tick" x1="${x}" y1="${y0}" x2="${x}" y2="${y0 + 5}"/><text x="${x}" y="${y0 + 18}" text-anchor="middle">${fmtNum(t)}</text>`);
  }
  out.push(`<text class="axis-label" x="${(x0 + x1) / 2}" y="${H - 8}" text-anchor="middle">${esc(spec.xLabel)}</text></g>`);
  out.push('<g class="axis y-axis">');
  for (const t of sy.ticks) {
    const y = px(sy.map(t));
    out.push(`<line class="grid" x1="${x0}" y1="${y}" x2="${x1}" y2="${y}"/><line class="tick" x1="${x0 - 5}" y1="${y}" x2="${x0}" y2="${y}"/><text x="${x0 - 8}" y="${y}" dy="0.32em" text-anchor="end">${fmtNum(t)}</text>`);
  }
  const yl = useLog ? `${spec.yLabel} (log scale)` : spec.yLabel;
  out.push(`<text class="axis-label" transform="translate(16 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">${esc(yl)}</text></g>`);

  // Series, clipped to the plot area.
  const clip = `clip-${spec.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  out.push(`<clipPath id="${clip}"><rect x="${x0 - 4}" y="${y1 - 4}" width="${x1 - x0 + 8}" height="${y0 - y1 + 8}"/></clipPath><g clip-path="url(#${clip})">`);
  for (const s of drawn) {
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    const d = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(sx.map(p[0]))} ${px(sy.map(p[1]))}`).join('');
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    const faint = s.faint ? ' stroke-opacity="0.25" stroke-width="1"' : '';
    out.push(`<path class="series${s.faint ? ' raw' : ''}" data-name="${esc(s.name)}" d="${d}" stroke="${s.color}"${dash}${faint}/>`);
    if (pts.length <= 60 && !s.faint) {
      for (const p of pts) {
        out.push(`<circle class="marker" cx="${px(sx.map(p[0]))}" cy="${px(sy.map(p[1]))}" r="${pts.length === 1 ? 4.5 : 3}" fill="${s.color}"><title>${esc(s.name)} @ ${fmtNum(p[0])}: ${fmtNum(p[1])}</title></circle>`);
      }
    }
  }
  for (const r of refs) {
    const y = px(sy.map(r.y));
    out.push(`<line class="reference" data-name="${esc(r.name)}" x1="${x0}" y1="${y}" x2="${x1}" y2="${y}" stroke="${r.color}" stroke-width="1.5" stroke-dasharray="2 3"><title>${esc(r.name)}: ${fmtNum(r.y)}</title></line>`);
  }
  out.push('</g>');

  // Legend across the top margin.
  out.push('<g class="legend">');
  let lx = x0;
  for (const r of refs) {
    const label = `${r.name} ${fmtNum(r.y)}`;
    out.push(`<line x1="${lx}" y1="16" x2="${lx + 22}" y2="16" stroke="${r.color}" stroke-width="1.5" stroke-dasharray="2 3"/><text x="${lx + 28}" y="16" dy="0.32em">${esc(label)}</text>`);
    lx += 40 + label.length * 7.5;
  }
  for (const s of spec.series.filter((x) => !x.faint)) {
    const label = s.points.length > 0 ? s.name : `${s.name} (none)`;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<line x1="${lx}" y1="16" x2="${lx + 22}" y2="16" stroke="${s.color}" stroke-width="2.5"${dash}/><text x="${lx + 28}" y="16" dy="0.32em">${esc(label)}</text>`);
    lx += 40 + label.length * 7.5;
  }
  out.push('</g></svg>');
  return out.join('');
}
