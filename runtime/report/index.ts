/**
 * Entry point of the run report: `renderReport` reads and validates a `moec train` run directory
 * (config.json + metrics.jsonl) and returns one self-contained HTML page with the loss and
 * perplexity curves, per-MoE-layer expert-load heatmaps and CV² curves; `writeReport` writes that
 * page to disk atomically (temporary file in the same directory, then rename) so a reader never
 * sees a half-written report, by default as `<runDir>/report.html`.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { renderPage, type PageOptions } from './page.ts';
import { readRun } from './read-run.ts';

export { readRun } from './read-run.ts';
export type { MoeLayerStats, RunData, TrainRecord, ValidRecord } from './run-types.ts';
export type { PageOptions } from './page.ts';

/**
 * Renders the report of a run directory as an HTML string.
 * @throws Error naming the missing file, or the file and line of malformed metrics.
 */
export function renderReport(runDir: string, opts: PageOptions = {}): string {
  return renderPage(readRun(runDir), opts);
}

/**
 * Renders the report and writes it atomically to `outFile` (default `<runDir>/report.html`).
 * @returns the path written.
 */
export function writeReport(runDir: string, outFile: string = join(runDir, 'report.html'), opts: PageOptions = {}): string {
  const html = renderReport(runDir, opts);
  const tmp = join(dirname(outFile), `.${basename(outFile)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    writeFileSync(tmp, html, 'utf8');
    renameSync(tmp, outFile);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return outFile;
}
