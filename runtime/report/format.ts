/**
 * Text helpers shared by the report renderers: HTML/XML escaping (every piece of run data that
 * reaches the page goes through `esc`, so a model name cannot inject markup) and compact number
 * formatting for axis ticks, tooltips and the summary table.
 */

/** Escapes text for use in HTML/SVG element content and double-quoted attributes. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Formats a number compactly: ≤ 4 significant digits, exponent form for very large/small values. */
export function fmtNum(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1).replace('.0e', 'e').replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

/** Formats a coordinate for SVG output (two decimals, no trailing zeros). */
export function px(v: number): string {
  return String(Math.round(v * 100) / 100);
}
