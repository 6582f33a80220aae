/**
 * The `--devices` / `--device-memory` command line: `compile --emit schedule` lists every exchange
 * with its bytes, the per-device peaks and the ratio; `run --devices 2` reports the one-device loss
 * (computed by the ordinary CPU path in the same test) and exchanged bytes equal to the prediction;
 * `profile --devices 2` times each device and each exchange and measures the predicted bytes; a
 * model whose expert banks exceed the budget on one device is refused with a message naming
 * --devices, and the suggested device count compiles within the budget.
 */
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../app/program.ts';

async function moec(args: string[]): Promise<string> {
  let out = '';
  await buildProgram((s) => (out += s)).exitOverride().parseAsync(['node', 'moec', ...args]);
  return out;
}

const small = ['--set', 'T=4', '--set', 'B=8', '--set', 'vocab=40', '--set', 'width=16', '--set', 'experts=8', '--set', 'k=2', '--set', 'expertHidden=16'];

describe('moec --devices', () => {
  it('compile --emit schedule prints the exchanges, their bytes, peaks and the ratio', async () => {
    const text = await moec(['compile', 'examples/lstm-moe-lm.ts', '--devices', '2', '--emit', 'schedule', ...small]);
    expect(text).toMatch(/schedule: 2 devices, forward pass, global batch B = 8 \(B\/N = 4 per device\)/);
    expect(text).toMatch(/moe0: 8 experts, 4 per device/);
    // dispatch: 2 devices × 4 rows × 4 steps × k 2 = 64 slots of 16 floats, plus 2×2 messages × 4 experts × 4 row blocks
    // (the timesteps: each message counts its rows per expert and block, so the receiver merges them in global-row order).
    expect(text).toMatch(new RegExp(`allToAllDispatch #\\d+ +total +${64 * 16 * 4 + 4 * 4 * 4 * 4} `));
    expect(text).toMatch(new RegExp(`allToAllReturn #\\d+ +total +${64 * 16 * 4} `));
    // 2·(64 slots · 16·16) multiply-adds over 2·64·16 row elements + 64 counts.
    expect(text).toMatch(/32768 expert multiply-adds over 2112 elements through the all-to-alls = 15\.5 per element \(expert hidden size 16/);
    expect(text).toMatch(/device 1: peak \d+ B/);
    expect(text).toMatch(/# device 1\ngraph device1 \{/);
  });

  it('run --devices 2 gives the one-device loss and measures the predicted bytes', async () => {
    const one = JSON.parse(await moec(['run', 'examples/lstm-moe-lm.ts', '--backend', 'cpu', '--json', ...small]));
    const two = JSON.parse(await moec(['run', 'examples/lstm-moe-lm.ts', '--backend', 'cpu', '--devices', '2', '--json', ...small]));
    expect(Math.abs(two.loss - one.loss) / one.loss).toBeLessThan(1e-5);
    expect(two.exchangedBytes).toBe(two.predictedBytes);
    expect(two.crossDeviceBytes).toBeGreaterThan(0);
  });

  it('profile --devices 2 reports each device\'s time, each exchange\'s time, and the predicted bytes measured', async () => {
    const p = JSON.parse(await moec(['profile', 'examples/lstm-moe-lm.ts', '--backend', 'cpu', '--devices', '2', '--train', '--json', ...small]));
    expect(p.deviceMs).toHaveLength(2);
    for (const ms of p.deviceMs) expect(ms).toBeGreaterThan(0);
    const labels = p.exchanges.map((e: { label: string }) => e.label).join('\n');
    for (const op of ['allToAllDispatch #', 'allToAllReturn #', 'allToAllDispatch (backward)', 'allReduceSum (backward)']) expect(labels).toContain(op);
    expect(p.bytes).toBeGreaterThan(0);
    expect(p.bytes).toBe(p.predictedBytes);
  });

  it('refuses a model whose expert banks exceed --device-memory on one device and suggests --devices', async () => {
    const big = [...small, '--set', 'experts=16', '--set', 'expertHidden=512', '--train', '--optimizer', 'adam'];
    const err = await moec(['compile', 'examples/lstm-moe-lm.ts', ...big, '--device-memory', '2MiB', '--emit', 'schedule']).catch((e: Error) => e.message);
    expect(err).toMatch(/one device needs [\d.]+ MiB \(expert banks and their optimizer state [\d.]+ MiB of it\), more than --device-memory 2\.00 MiB; the expert banks are split over devices with --devices (\d+)/);
    const n = /--devices (\d+)/.exec(err)![1]!;
    const ok = await moec(['compile', 'examples/lstm-moe-lm.ts', ...big, '--device-memory', '2MiB', '--devices', n, '--emit', 'schedule']);
    expect(ok).toMatch(new RegExp(`schedule: ${n} devices, training step`));
  });
  it('without --device-memory the budget is the adapter\'s limits: refused on one device naming it, and --devices fits', async () => {
    // Two 32 × 64 × 8192 expert banks with Adam: 387 MiB of banks and state, more than WebGPU's default maxBufferSize
    // (256 MiB, the budget when no adapter is at hand).
    const huge = ['--set', 'T=4', '--set', 'B=8', '--set', 'vocab=40', '--set', 'width=64', '--set', 'experts=32', '--set', 'k=2', '--set', 'expertHidden=8192', '--train', '--optimizer', 'adam', '--emit', 'schedule'];
    const err = await moec(['compile', 'examples/lstm-moe-lm.ts', ...huge]).catch((e: Error) => e.message);
    expect(err).toMatch(/one device needs [\d.]+ MiB \(expert banks and their optimizer state 387\.\d\d MiB of it\), more than the default --device-memory 256\.00 MiB \(WebGPU's default maxBufferSize; no adapter at hand\); the expert banks are split over devices with --devices 4/);
    expect(await moec(['compile', 'examples/lstm-moe-lm.ts', ...huge, '--devices', '4'])).toMatch(/schedule: 4 devices, training step/);
  });
});
