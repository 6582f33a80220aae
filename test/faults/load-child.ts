/**
 * Child process of the hostile-header test: loads one checkpoint file and prints, as one JSON line,
 * whether it loaded or the error, the resident set size just before loading and the peak resident
 * set size of the process (getrusage maxrss), both in bytes. A watchdog ends it if loading hangs.
 */
import { loadCheckpoint } from '../../runtime/checkpoint.ts';

const file = process.argv[2]!;
const watchdog = setTimeout(() => {
  process.stdout.write(`${JSON.stringify({ ok: false, error: 'hung', before: 0, peak: process.resourceUsage().maxRSS * 1024 })}\n`);
  process.exit(3);
}, 20_000);
const before = process.memoryUsage().rss;
let ok = true;
let error = '';
try {
  loadCheckpoint(file);
} catch (e) {
  ok = false;
  error = (e as Error).message;
}
clearTimeout(watchdog);
process.stdout.write(`${JSON.stringify({ ok, error, before, peak: process.resourceUsage().maxRSS * 1024 })}\n`);
