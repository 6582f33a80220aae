/**
 * Child process of the device-release test: calls `moec run`'s command function 30 times in one
 * process on WebGPU (the tiny LSTM-MoE model), collecting garbage after each call, and prints the
 * resident set size after each call as one JSON array of bytes — or `"no-adapter"` when this
 * machine has no WebGPU adapter.
 */
import { runCommand } from '../../app/commands/run.ts';
import { acquireDevice, releaseDevice } from '../../runtime/device.ts';

const probe = await acquireDevice();
if (!probe) {
  process.stdout.write('"no-adapter"\n');
  process.exit(0);
}
releaseDevice(probe);
const sets = ['vocab=300', 'width=16', 'experts=4', 'k=2', 'expertHidden=16', 'T=5', 'B=3'];
const rss: number[] = [];
const gc = (globalThis as { gc?: () => void }).gc;
for (let i = 0; i < 30; i++) {
  await runCommand('examples/lstm-moe-lm.ts', { backend: 'webgpu', seed: 0, mode: 'train', json: true, set: sets }, () => {});
  gc?.();
  rss.push(process.memoryUsage().rss);
}
process.stdout.write(`${JSON.stringify(rss)}\n`);
process.exit(0);
