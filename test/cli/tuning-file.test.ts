/**
 * How commands find an adapter's tuning: the default file under $XDG_CACHE_HOME (or ~/.cache),
 * ignored when it was measured on another adapter, refused with a clear message when it does not
 * validate, turned off by MOEC_NO_TUNING=1, and `--tuning`-style explicit files that must exist
 * and match the adapter. Written atomically and read back equal.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KERNEL_TUNING_VERSION, type KernelTuning } from '../../compiler/kernel-tuning.ts';
import type { DeviceContext } from '../../runtime/device.ts';
import { defaultTuningPath, readTuningFile, tuningFor, writeTuningFile } from '../../app/tuning-file.ts';

const adapter = 'mesa software llvmpipe test';
const dev = { info: { description: adapter } } as unknown as DeviceContext;
const tuning = (forAdapter: string): KernelTuning => ({
  version: KERNEL_TUNING_VERSION,
  adapter: forAdapter,
  date: '2026-11-30T00:00:00.000Z',
  loadavg: [0.1, 0.2],
  matmul: { '32x64x16': { tiling: { tm: 32, tn: 64, tk: 16, rm: 4, rn: 8, vec4: true }, ms: 1, defaultMs: 1.5 } },
});

describe('tuning files', () => {
  it('writes atomically under the cache folder and reads back the same record', () => {
    const env = { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'moec-tune-')) };
    const file = defaultTuningPath(adapter, env);
    expect(file.startsWith(join(env.XDG_CACHE_HOME, 'moec', 'tuning'))).toBe(true);
    writeTuningFile(file, tuning(adapter));
    expect(readdirSync(join(env.XDG_CACHE_HOME, 'moec', 'tuning'))).toEqual([file.split('/').at(-1)]);
    expect(readTuningFile(file)).toEqual(tuning(adapter));
    expect(tuningFor(dev, {}, () => {}, env)).toEqual(tuning(adapter));
    expect(tuningFor(dev, {}, () => {}, { ...env, MOEC_NO_TUNING: '1' })).toBeUndefined();
    expect(tuningFor(dev, { off: true }, () => {}, env)).toBeUndefined();
  });
  it('uses no tuning when the default file is missing or was measured on another adapter', () => {
    const env = { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'moec-tune-')) };
    expect(tuningFor(dev, {}, () => {}, env)).toBeUndefined();
    writeTuningFile(defaultTuningPath(adapter, env), tuning('another adapter'));
    const notices: string[] = [];
    expect(tuningFor(dev, {}, (l) => notices.push(l), env)).toBeUndefined();
    expect(notices.join('\n')).toMatch(/is for 'another adapter', not 'mesa software llvmpipe test': using default kernels/);
  });
  it('ignores a default file written for an older kernel set, with a notice naming the fix', () => {
    const env = { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'moec-tune-')) };
    const file = defaultTuningPath(adapter, env);
    writeTuningFile(file, { ...tuning(adapter), version: KERNEL_TUNING_VERSION - 1 });
    const notices: string[] = [];
    expect(tuningFor(dev, {}, (l) => notices.push(l), env)).toBeUndefined();
    expect(notices.join('\n')).toMatch(new RegExp(`kernel set ${KERNEL_TUNING_VERSION - 1}, this moec has set ${KERNEL_TUNING_VERSION}: using default kernels; run \`moec tune\``));
    // Asked for by name, the same file is refused rather than silently dropped.
    expect(() => tuningFor(dev, { file }, () => {}, env)).toThrow(new RegExp(`version ${KERNEL_TUNING_VERSION - 1} is not ${KERNEL_TUNING_VERSION}`));
  });
  it('refuses a default file that does not validate, naming it and the fix', () => {
    const env = { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'moec-tune-')) };
    const file = defaultTuningPath(adapter, env);
    writeTuningFile(file, tuning(adapter));
    writeFileSync(file, '{"version": 1, "adapter": ');
    expect(() => tuningFor(dev, {}, () => {}, env)).toThrow(/tuning file .*cannot be read as JSON.*re-create it with `moec tune` or delete it/);
  });
  it('an explicit file must exist and match the adapter', () => {
    const dir = mkdtempSync(join(tmpdir(), 'moec-tune-'));
    const env = { XDG_CACHE_HOME: dir };
    expect(() => tuningFor(dev, { file: join(dir, 'none.json') }, () => {}, env)).toThrow(/no such file; create it with `moec tune --out/);
    const other = join(dir, 'other.json');
    writeTuningFile(other, tuning('another adapter'));
    expect(() => tuningFor(dev, { file: other }, () => {}, env)).toThrow(/was measured on 'another adapter', not this adapter/);
  });
});
