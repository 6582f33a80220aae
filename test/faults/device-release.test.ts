/**
 * Item 10 of issue 11: library use does not leak devices. `moec run`'s command function is called
 * 30 times in one (child) process on WebGPU; every call releases its device and buffers, so the
 * resident set stops growing: over the last 15 calls it grows by less than 15 MiB a call (measured 5–7; before
 * the fix it grew by about 50 MB a call, linearly). Skipped with the reason when there is no
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
    console.log(`RSS after calls 1, 15, 30: ${[rss[0]!, rss[14]!, rss[29]!].map((x) => (x / 2 ** 20).toFixed(0)).join(', ')} MiB; last 15 calls ${(perCall / 2 ** 20).toFixed(1)} MiB a call`);
    expect(perCall).toBeLessThan(15 * 2 ** 20);
  }, 300_000);
});
