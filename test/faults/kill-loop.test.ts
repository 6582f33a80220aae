/**
 * The kill -9 loop of issue 11: a training with a checkpoint after every step is killed with
 * SIGKILL at least ten times, each within a (seeded) random second of the run's first recorded
 * step — every other run the moment a checkpoint's temporary file appears, so kills land in
 * training steps and checkpoint writes alike (at least one must leave a temporary behind) — and
 * restarted each time (`--resume` once a checkpoint exists, else
 * `--force`). Finished, its final checkpoint must equal an uninterrupted run's bit for bit, and
 * `metrics.jsonl` must hold every step exactly once.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpoint } from '../../runtime/checkpoint.ts';
import { moec, moecBin, root, scratch, tiny, trainSteps } from './helpers.ts';

const STEPS = 400;
const common = ['--steps', String(STEPS), '--backend', 'cpu', '--valid-batches', '1', '--valid-every', '100000', '--checkpoint-every', '1'];

/** A small deterministic generator (mulberry32) for the kill delays. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('kill -9 during training and checkpoint writes', () => {
  it('resumes bit-exactly after ≥ 10 random kills, each step in the metrics once', async () => {
    const dir = scratch('kill');
    const reference = join(dir, 'reference');
    const ref = moec(['train', 'examples/lstm-moe-lm.ts', '--data', 'moby-dick', '--out', reference, ...common, ...tiny], { timeout: 300_000 });
    expect(ref.code, ref.stderr).toBe(0);

    const out = join(dir, 'killed');
    const random = rng(11);
    let kills = 0;
    let orphansSeen = 0;
    for (let attempt = 0; kills < 10 && attempt < 30; attempt++) {
      const resume = existsSync(join(out, 'checkpoint.safetensors'));
      const args = resume ? ['train', '--resume', '--out', out, ...common] : ['train', 'examples/lstm-moe-lm.ts', '--data', 'moby-dick', '--out', out, '--force', ...common, ...tiny];
      const child = spawn(process.execPath, [moecBin, ...args], { cwd: root, stdio: 'ignore' });
      let done = false;
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => ((done = true), resolve(code))));
      // Kill within a second (seeded random) of this run's first recorded step, so the kills
      // land in steps and checkpoint writes whatever the machine's load.
      const metrics = join(out, 'metrics.jsonl');
      const linesAtStart = existsSync(metrics) && resume ? readFileSync(metrics, 'utf8').split('\n').length : 1;
      const deadline = Date.now() + 120_000;
      while (!done && Date.now() < deadline && !(existsSync(metrics) && readFileSync(metrics, 'utf8').split('\n').length > linesAtStart)) await new Promise((r) => setTimeout(r, 25));
      const timer = setTimeout(() => child.kill('SIGKILL'), random() * 400); // soon enough that ≥ 10 kills land before the run finishes
      if (attempt % 2 === 1) {
        // Every other run: kill the moment a checkpoint's temporary file is seen (mid-write).
        const until = Date.now() + 1000;
        while (!done && Date.now() < until && !readdirSync(out).some((f) => /\.tmp-\d+$/.test(f))) await new Promise((r) => setImmediate(r));
        child.kill('SIGKILL');
      }
      const code = await exited;
      clearTimeout(timer);
      if (code === null) {
        // Count the kills that hit a run past its first checkpoint (training or writing one).
        if (existsSync(join(out, 'checkpoint.safetensors'))) kills++;
      } else expect(code, `run ${attempt} (${args.join(' ')}) failed`).toBe(0);
      if (code === 0) break; // finished before the kill
      if (existsSync(out)) orphansSeen += readdirSync(out).filter((f) => /\.tmp-\d+$/.test(f)).length;
    }
    expect(kills).toBeGreaterThanOrEqual(10);
    expect(orphansSeen, 'no kill landed during a checkpoint write').toBeGreaterThanOrEqual(1);
    const last = moec(['train', '--resume', '--out', out, ...common], { timeout: 300_000 });
    expect(last.code, last.stderr).toBe(0);

    const a = loadCheckpoint(join(reference, 'checkpoint.safetensors'));
    const b = loadCheckpoint(join(out, 'checkpoint.safetensors'));
    expect(b.meta.step).toBe(STEPS);
    expect(Object.keys(b.tensors).sort()).toEqual(Object.keys(a.tensors).sort());
    for (const [name, t] of Object.entries(a.tensors)) {
      expect(Buffer.from(b.tensors[name]!.data.buffer).equals(Buffer.from(t.data.buffer)), `${name} differs from the uninterrupted run`).toBe(true);
    }
    expect(trainSteps(readFileSync(join(out, 'metrics.jsonl'), 'utf8'))).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    expect(readdirSync(out).filter((f) => /\.tmp-\d+$/.test(f) || f === '.lock')).toEqual([]);
    console.log(`kill -9 loop: ${kills} kills, ${orphansSeen} orphan temporaries found after kills (kills during checkpoint writes)`);
  }, 600_000);
});
