/**
 * Item 10 of issue 11: library use does not leak devices. `moec run`'s command function is called
 * 30 times in one (child) process on WebGPU; every call destroys its buffers and gives its device
 * back to the process's idle list (runtime/device.ts), so the next call reuses the device and its
 * compiled pipelines instead of making lavapipe JIT-compile them again. The resident set must stay
 * nearly flat: under 3 MiB a call over all 30 calls and over the last 15 (measured: 258 → 274 MiB
 * over 15 calls, about 1 MiB a call; with a fresh device per call it went 246 → 534 MiB over 15
 * calls, 20–40 MiB a call early on, the freed native memory kept by glibc's per-thread arenas;
 * before the shared Dawn instance, about 50 MB a call). Skipped with the reason when there is no
 * WebGPU adapter.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root } from './helpers.ts';

describe('device release', () => {
  it('30 run calls in one process: RSS growth small once warmed up', (ctx) => {
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(root, 'test/faults/release-child.ts')], { cwd: root, encoding: 'utf8', timeout: 300_000 });
    const last = r.stdout.trim().split('\n').pop() ?? '';
    expect(last, r.stderr.slice(-2000)).not.toBe('');
    const rss = JSON.parse(last) as number[] | 'no-adapter';
    if (rss === 'no-adapter') {
      console.log('device-release test skipped: no WebGPU adapter on this machine');
      ctx.skip();
      return;
    }
    expect(rss).toHaveLength(30);
    const perCall = (rss[29]! - rss[14]!) / 15;
    const overall = (rss[29]! - rss[0]!) / 29;
    console.log(`RSS after calls 1, 15, 30: ${[rss[0]!, rss[14]!, rss[29]!].map((x) => (x / 2 ** 20).toFixed(0)).join(', ')} MiB; ${(overall / 2 ** 20).toFixed(1)} MiB a call overall, last 15 calls ${(perCall / 2 ** 20).toFixed(1)} MiB a call`);
    expect(overall).toBeLessThan(3 * 2 ** 20);
    expect(perCall).toBeLessThan(3 * 2 ** 20);
  }, 300_000);
});
