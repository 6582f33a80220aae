/**
 * `npm run bench -- scale [--quick] [--only flat,hier,rows,flat-small] [--runs N] [--cap SECONDS]
 * [--max-gib G] [--out NAME] [--experts 4,1024,65536]`: the scale benchmark of issue 9. Runs each job of the selected sweeps
 * (bench/scale-configs.ts) in its own worker process (bench/scale-worker.ts) with a hard time limit,
 * so one configuration that is too large, loses the device or hangs is recorded with its error and
 * the sweep goes on; GPU buffers are freed with the worker. Records the commit and the host load
 * average at start and end (lavapipe shares 2 CPU cores with other jobs), writes
 * bench/results/<NAME>.json (default `scale`, `scale-quick` with --quick) and <NAME>.svg, and
 * prints the markdown tables (bench/scale-table.ts). `--experts` keeps the timed pairs whose measured
 * configuration has one of the listed expert counts; the rows sweep (plans only, nothing run) always goes.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gitState, hostLoad } from './common.ts';
import { SWEEPS, scaleJobs, type ConfigResult, type ScaleJob, type ScaleResult, type ScaleSettings, type Sweep } from './scale-configs.ts';
import { scaleSvg } from './scale-svg.ts';
import { scaleTable } from './scale-table.ts';

/** Parsed command-line options of the scale benchmark. */
export interface ScaleArgs {
  readonly settings: ScaleSettings;
  readonly only: Sweep[];
  readonly out: string;
  /** Run only the timed jobs whose configuration has one of these expert counts (the sweep reference always runs with it). */
  readonly experts?: readonly number[];
}

/** The `--recompute` value (default 'experts'). */
function recomputeOf(v: string | undefined): 'none' | 'experts' {
  if (v === undefined || v === 'experts' || v === 'none') return v ?? 'experts';
  throw new Error(`bench scale: --recompute ${v} is not a policy; use none or experts`);
}

/** Parses the arguments after `scale`; throws naming a bad flag or value. */
export function parseScaleArgs(argv: readonly string[]): ScaleArgs {
  const quick = argv.includes('--quick');
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`bench scale: ${flag} needs a value`);
    return v;
  };
  const num = (flag: string, dflt: number): number => {
    const v = value(flag);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`bench scale: ${flag} ${v} is not a positive number`);
    return n;
  };
  const known = new Set(['--quick', '--only', '--runs', '--cap', '--max-gib', '--out', '--recompute', '--experts']);
  argv.forEach((a, i) => {
    if (a.startsWith('--') && !known.has(a)) throw new Error(`bench scale: unknown flag ${a}; known: ${[...known].join(', ')}`);
    if (!a.startsWith('--') && (i === 0 || !['--only', '--runs', '--cap', '--max-gib', '--out', '--recompute', '--experts'].includes(argv[i - 1]!))) throw new Error(`bench scale: unexpected argument '${a}'`);
  });
  const onlyRaw = value('--only');
  const only = onlyRaw ? onlyRaw.split(',').map((s) => s.trim()) : [...SWEEPS];
  for (const s of only) if (!SWEEPS.includes(s as Sweep)) throw new Error(`bench scale: --only ${s} is not a sweep; use one or more of ${SWEEPS.join(', ')} (comma-separated)`);
  const settings: ScaleSettings = {
    quick,
    runs: Math.round(num('--runs', quick ? 3 : 5)),
    capSeconds: num('--cap', quick ? 20 : 90),
    maxBytes: Math.round(num('--max-gib', 8) * 2 ** 30),
    recompute: recomputeOf(value('--recompute')),
  };
  const expertsRaw = value('--experts');
  const experts = expertsRaw?.split(',').map((s) => {
    const e = Number(s.trim());
    if (!Number.isInteger(e) || e <= 0) throw new Error(`bench scale: --experts ${expertsRaw}: '${s}' is not a positive whole expert count`);
    return e;
  });
  return { settings, only: only as Sweep[], out: value('--out') ?? (quick ? 'scale-quick' : 'scale'), ...(experts ? { experts } : {}) };
}

const blank = (c: ScaleJob['configs'][number], error: string): ConfigResult => ({
  label: c.label,
  sweep: c.sweep,
  model: c.model,
  options: c.options,
  experts: c.experts,
  rows: c.rows,
  ok: false,
  error,
});

/**
 * Runs one job in a worker process; resolves to its results and the adapter it reported. A job
 * that exceeds `limitMs` is killed (its process only) and its missing configurations get the error.
 */
function runJob(job: ScaleJob, settings: ScaleSettings, limitMs: number): Promise<{ results: ConfigResult[]; adapter?: string }> {
  const worker = fileURLToPath(new URL('./scale-worker.ts', import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, worker, JSON.stringify(job), JSON.stringify(settings)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const results: ConfigResult[] = [];
    let adapter: string | undefined;
    let stderrTail = '';
    let buf = '';
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith('@@scale ')) results.push(JSON.parse(line.slice(8)) as ConfigResult);
        else if (line.startsWith('@@adapter ')) adapter = line.slice(10);
        else if (line.trim()) process.stderr.write(`  ${line}\n`);
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      const s = d.toString();
      stderrTail = (stderrTail + s).slice(-2000);
      for (const l of s.split('\n')) if (l.trim() && !/artificially reduced/.test(l)) process.stderr.write(`${l}\n`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const why = killed
        ? `killed after ${Math.round(limitMs / 1000)} s (the job's time limit; raise --cap)`
        : `worker exited (${signal ?? `code ${code}`}) before reporting: ${stderrTail.split('\n').filter((l) => l.trim() && !/artificially reduced/.test(l)).slice(-3).join(' ').slice(0, 400)}`;
      // A paired job reports only its second configuration; the first is the reference.
      const expected = job.kind === 'time' && job.configs.length > 1 ? job.configs.slice(1) : job.configs;
      for (const c of expected) if (!results.some((r) => r.label === c.label)) results.push(blank(c, why));
      resolve(adapter ? { results, adapter } : { results });
    });
  });
}

/** Runs the benchmark; returns the process exit code. */
export async function runScale(argv: readonly string[]): Promise<number> {
  const { settings, only, out, experts } = parseScaleArgs(argv);
  const git = gitState();
  const loadStart = hostLoad();
  const jobs = scaleJobs(settings.quick);
  console.log(`scale benchmark${settings.quick ? ' (--quick sizes)' : ''}: sweeps ${only.join(', ')}; commit ${git.commit}; host ${loadStart.cpus} CPUs, loadavg ${loadStart.loadavg.join(' ')}`);
  const configs: ConfigResult[] = [];
  let adapter: string | undefined;
  for (const sweep of SWEEPS.filter((s) => only.includes(s))) {
    for (const job of jobs[sweep]) {
      if (experts && job.kind === 'time' && !(job.configs.length > 1 && experts.includes(job.configs[job.configs.length - 1]!.experts))) continue; // memory jobs (plans only, no run) always go
      const t0 = performance.now();
      console.log(`${sweep}: ${job.configs.map((c) => c.label).join(' ⇄ ')}`);
      const limitMs = 1000 * (2 * settings.capSeconds * job.configs.length + 240 + job.configs.reduce((a, c) => a + (c.extraSeconds ?? 0), 0));
      const r = await runJob(job, settings, limitMs);
      adapter ??= r.adapter;
      for (const c of r.results) {
        configs.push(c);
        const what = c.ok ? (c.median_ms !== undefined ? `${c.median_ms} ms/step, ${c.us_per_token} µs/token${c.ratio !== undefined ? `, ${c.ratio}× ${c.reference!.label}` : ''}` : 'ok') : `FAILS: ${c.error}`;
        console.log(`  → ${c.label}: ${what}`);
      }
      console.log(`  (${((performance.now() - t0) / 1000).toFixed(0)} s, loadavg ${hostLoad().loadavg.join(' ')})`);
    }
  }
  const result: ScaleResult = {
    name: out,
    date: new Date().toISOString(),
    ...(adapter ? { adapter } : {}),
    git,
    loadavg: { start: loadStart.loadavg, end: hostLoad().loadavg, cpus: loadStart.cpus },
    settings: { ...settings, only },
    notes: [
      'training step of the example model: factored Adam (lr 0.01), recompute experts, seed 1, synthetic token batch; parameters filled by an LCG with each initialiser scale, gating weights small random (not zero) so routing depends on the input',
      'wall clock per step includes the batch upload and the loss readback (one submit); one warm-up step first; median of the timed steps',
      'each configuration is timed alternately step by step with its sweep reference (flat: 4 experts, hier: 8x8) in the same worker process; ratio = µs/token of the configuration / µs/token of the reference from that interleaved run',
      'GPU ms by family: one profiled step (a timestamp pass around every dispatch, so each includes a pass boundary)',
      'rows sweep: training peak bytes from the plan (plan.memory.peakBytes), nothing is run',
    ],
    configs,
  };
  const dir = new URL('./results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const jsonPath = fileURLToPath(new URL(`${out}.json`, dir));
  const svgPath = fileURLToPath(new URL(`${out}.svg`, dir));
  writeFileSync(jsonPath, JSON.stringify(result, null, 2) + '\n');
  try {
    writeFileSync(svgPath, scaleSvg(result));
  } catch (e) {
    console.error(`bench scale: the plot failed (${e instanceof Error ? e.message : String(e)}); ${jsonPath} has every number`);
  }
  console.log(`\n${scaleTable(result)}\nloadavg at end ${result.loadavg.end.join(' ')}\nwrote ${jsonPath}\n      ${svgPath}`);
  return 0;
}
