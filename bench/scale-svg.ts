/**
 * The plot of a scale-benchmark result as one self-contained SVG (hand-written: a log-log line
 * chart and a stacked bar chart, no dependencies). Top: training-step time per token against the
 * number of experts (log2 x, log10 y) for each timed sweep, with configurations that failed marked
 * by a cross on the x axis. Bottom: GPU ms of one profiled step stacked by kernel family, one bar
 * per configuration that ran, grouped by sweep. Standalone (re-plot a stored result):
 * `tsx bench/scale-svg.ts bench/results/scale.json bench/results/scale.svg`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { ConfigResult, ScaleResult, Sweep } from './scale-configs.ts';
import { FAMILIES, type Family } from './scale-families.ts';

const W = 800;
const PANEL = 300;
const M = { left: 72, right: 190, top: 40, bottom: 50 };
const SWEEP_COLOR: Record<string, string> = { flat: '#1f77b4', hier: '#d62728', 'flat-small': '#2ca02c' };
const FAMILY_COLOR: Record<Family, string> = {
  gating: '#1f77b4',
  dispatch: '#ff7f0e',
  'expert GEMM': '#2ca02c',
  'weight grads': '#98df8a',
  optimizer: '#d62728',
  dense: '#9467bd',
  lstm: '#8c564b',
  other: '#c7c7c7',
};

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const p1 = (x: number): string => x.toFixed(1);
const timed = (r: ScaleResult): ConfigResult[] => r.configs.filter((c) => c.sweep !== 'rows');

/** 1-2-5 ticks × 10^k inside [lo, hi] (none unless 0 < lo ≤ hi are finite). */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  if (!(lo > 0 && hi >= lo && Number.isFinite(hi))) return out;
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo && v <= hi) out.push(v);
    }
  }
  return out;
}

function lineChart(r: ScaleResult, y0: number): string[] {
  const cs = timed(r);
  const good = (c: ConfigResult): boolean => c.ok && typeof c.us_per_token === 'number' && Number.isFinite(c.us_per_token) && c.us_per_token > 0;
  const ok = cs.filter(good);
  const out: string[] = [];
  const [xl, xr, yb, yt] = [M.left, W - M.right, y0 + PANEL - M.bottom, y0 + M.top];
  out.push(`<text x="${W / 2 - M.right / 2 + M.left / 2}" y="${y0 + 22}" text-anchor="middle" font-weight="bold">Training-step time per token vs experts</text>`);
  out.push(`<rect x="${xl}" y="${yt}" width="${xr - xl}" height="${yb - yt}" fill="none" stroke="#888"/>`);
  if (cs.length === 0) return out;
  const ex = cs.map((c) => c.experts).filter((n) => n > 0);
  if (ex.length === 0) return out;
  const lx0 = Math.log2(Math.min(...ex));
  const lx1 = Math.max(lx0 + 1, Math.log2(Math.max(...ex)));
  const sx = (n: number): number => xl + ((Math.log2(n) - lx0) / (lx1 - lx0)) * (xr - xl);
  const ys = ok.map((c) => c.us_per_token!);
  const ylo = ys.length ? Math.min(...ys) / 1.3 : 1;
  const yhi = ys.length ? Math.max(...ys) * 1.3 : 10;
  const ly0 = Math.log10(ylo);
  const ly1 = Math.max(ly0 + 0.3, Math.log10(yhi));
  const sy = (v: number): number => yb - ((Math.log10(v) - ly0) / (ly1 - ly0)) * (yb - yt);
  for (let e = Math.ceil(lx0); e <= Math.floor(lx1); e += lx1 - lx0 > 10 ? 2 : 1) {
    const x = sx(2 ** e);
    out.push(`<line x1="${p1(x)}" y1="${yt}" x2="${p1(x)}" y2="${yb}" stroke="#eee"/><text x="${p1(x)}" y="${yb + 16}" text-anchor="middle" font-size="11">${2 ** e}</text>`);
  }
  for (const t of logTicks(10 ** ly0, 10 ** ly1)) {
    const y = sy(t);
    out.push(`<line x1="${xl}" y1="${p1(y)}" x2="${xr}" y2="${p1(y)}" stroke="#eee"/><text x="${xl - 6}" y="${p1(y)}" dy="0.32em" text-anchor="end" font-size="11">${t}</text>`);
  }
  out.push(`<text x="${(xl + xr) / 2}" y="${yb + 36}" text-anchor="middle" font-size="12">experts (log scale)</text>`);
  out.push(`<text transform="translate(${xl - 50} ${(yt + yb) / 2}) rotate(-90)" text-anchor="middle" font-size="12">µs per token (log scale)</text>`);
  let ly = yt + 8;
  for (const sweep of ['flat', 'hier', 'flat-small'] as Sweep[]) {
    const s = cs.filter((c) => c.sweep === sweep).sort((a, b) => a.experts - b.experts);
    if (s.length === 0) continue;
    const color = SWEEP_COLOR[sweep]!;
    const pts = s.filter(good);
    if (pts.length > 0) {
      out.push(`<path d="${pts.map((c, i) => `${i ? 'L' : 'M'}${p1(sx(c.experts))},${p1(sy(c.us_per_token!))}`).join('')}" fill="none" stroke="${color}" stroke-width="2"/>`);
      for (const c of pts) out.push(`<circle cx="${p1(sx(c.experts))}" cy="${p1(sy(c.us_per_token!))}" r="3" fill="${color}"><title>${esc(`${c.label}: ${c.us_per_token} µs/token, ${c.median_ms} ms/step`)}</title></circle>`);
    }
    for (const c of s.filter((c) => !c.ok)) {
      const x = sx(c.experts);
      out.push(`<text x="${p1(x)}" y="${yb - 4}" text-anchor="middle" fill="${color}" font-weight="bold">✗<title>${esc(`${c.label}: ${c.error ?? 'failed'}`)}</title></text>`);
    }
    const o = s[0]!.options;
    const name = sweep === 'hier' ? `hierarchical (${s[0]!.rows} rows)` : `${sweep} (${s[0]!.rows} rows, H ${o.expertHidden})`;
    out.push(`<line x1="${xr + 10}" y1="${ly}" x2="${xr + 28}" y2="${ly}" stroke="${color}" stroke-width="2"/><text x="${xr + 32}" y="${ly}" dy="0.32em" font-size="11">${esc(name)}</text>`);
    ly += 16;
  }
  out.push(`<text x="${xr + 10}" y="${ly + 4}" font-size="11">✗ failed</text>`);
  return out;
}

function barChart(r: ScaleResult, y0: number): string[] {
  const bars = timed(r).filter((c) => c.ok && c.profile && Number.isFinite(c.profile.totalMs));
  const out: string[] = [];
  const [xl, xr, yb, yt] = [M.left, W - M.right, y0 + PANEL - M.bottom, y0 + M.top];
  out.push(`<text x="${W / 2 - M.right / 2 + M.left / 2}" y="${y0 + 22}" text-anchor="middle" font-weight="bold">GPU ms of one training step by kernel family</text>`);
  out.push(`<rect x="${xl}" y="${yt}" width="${xr - xl}" height="${yb - yt}" fill="none" stroke="#888"/>`);
  if (bars.length === 0) return out;
  const max = Math.max(...bars.map((c) => c.profile!.totalMs), 1e-3);
  const sy = (v: number): number => yb - (v / max) * (yb - yt - 6);
  const step = (xr - xl) / bars.length;
  const bw = Math.max(2, step * 0.7);
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const tick = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  for (let t = tick; t <= max; t += tick) {
    out.push(`<line x1="${xl}" y1="${p1(sy(t))}" x2="${xr}" y2="${p1(sy(t))}" stroke="#eee"/><text x="${xl - 6}" y="${p1(sy(t))}" dy="0.32em" text-anchor="end" font-size="11">${t}</text>`);
  }
  bars.forEach((c, i) => {
    const x = xl + i * step + (step - bw) / 2;
    let acc = 0;
    for (const f of FAMILIES) {
      const v = c.profile!.families[f];
      if (v <= 0) continue;
      out.push(`<rect x="${p1(x)}" y="${p1(sy(acc + v))}" width="${p1(bw)}" height="${p1(sy(acc) - sy(acc + v))}" fill="${FAMILY_COLOR[f]}"><title>${esc(`${c.label} — ${f}: ${v} ms`)}</title></rect>`);
      acc += v;
    }
    const tag = `${c.sweep === 'hier' ? 'h' : c.sweep === 'flat' ? 'f' : 's'}${c.experts >= 1024 ? `${c.experts / 1024}k` : c.experts}`;
    out.push(`<text x="${p1(x + bw / 2)}" y="${yb + 14}" text-anchor="middle" font-size="10" fill="${SWEEP_COLOR[c.sweep]}">${tag}</text>`);
  });
  out.push(`<text x="${(xl + xr) / 2}" y="${yb + 36}" text-anchor="middle" font-size="12">configuration (f = flat, h = hierarchical, s = flat-small; experts)</text>`);
  out.push(`<text transform="translate(${xl - 50} ${(yt + yb) / 2}) rotate(-90)" text-anchor="middle" font-size="12">GPU ms per step</text>`);
  FAMILIES.forEach((f, i) => {
    const y = yt + 8 + i * 16;
    out.push(`<rect x="${xr + 10}" y="${y - 5}" width="12" height="10" fill="${FAMILY_COLOR[f]}"/><text x="${xr + 28}" y="${y}" dy="0.32em" font-size="11">${esc(f)}</text>`);
  });
  return out;
}

/** Renders the two charts of `r` as one SVG document. */
export function scaleSvg(r: ScaleResult): string {
  const h = 2 * PANEL + 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${h}" fill="white"/>`,
    ...lineChart(r, 0),
    ...barChart(r, PANEL),
    `<text x="${W - 6}" y="${h - 8}" text-anchor="end" font-size="10" fill="#666">${esc(`commit ${r.git.commit}, ${r.date.slice(0, 16)}Z, loadavg ${r.loadavg.start[0]} → ${r.loadavg.end[0]}`)}</text>`,
    '</svg>',
  ].join('\n') + '\n';
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [from = 'bench/results/scale.json', to = from.replace(/\.json$/, '.svg')] = process.argv.slice(2);
  writeFileSync(to, scaleSvg(JSON.parse(readFileSync(from, 'utf8')) as ScaleResult));
}
