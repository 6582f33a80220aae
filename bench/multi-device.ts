/**
 * Expert parallelism benchmark (CPU backend's N simulated devices): the example's training step
 * (Adam) at N = 1, 2, 4, 8. Per N: rows each
 * expert sees per step (its received rows from all devices, measured from the step's routing:
 * mean / min / max over experts) next to what a data-parallel copy of the expert would see (the
 * device's own share), bytes through the transport per step (measured; all messages and between
 * different devices) against the schedule's prediction, expert multiply-adds per exchanged element,
 * per-device peak bytes, and step time — wall (the simulation runs the devices one after another on
 * one thread) and the slowest device's local work plus the exchanges (what N real devices running
 * concurrently would approach). Medians of 3 steps after one warm-up step. With `--backend webgpu`:
 * N = 1, 2, 4 GPUDevices on the adapter (host steps for the exchanges), wall time only, each
 * step alternated with a step of the same program with overlap off (plan order: every dispatch
 * after a host step waits for it) on the same devices — the before/after of the overlap. Usage:
 * `npx tsx bench/multi-device.ts [--backend cpu|webgpu] [--steps 3] [--devices 1,2,4] [--set key=value ...]`; prints a Markdown table and JSON.
 */
import { loadavg } from 'node:os';
import { compileMultiDevice } from '../compiler/multi-device/compile.ts';
import { expertMultiplyAdds, predictExchangeBytes } from '../compiler/multi-device/schedule.ts';
import { compileTraining } from '../compiler/train-pipeline.ts';
import { parseSetArgs, traceModel } from '../frontend/model.ts';
import { initParams } from '../ir/interpret.ts';
import { syntheticFeeds } from '../runtime/synthetic-feeds.ts';
import { prepareMultiDeviceCpu } from '../runtime/multi-device/cpu-executor.ts';
import { InProcessTransport } from '../runtime/multi-device/transport.ts';
import { acquireDevice, type DeviceContext } from '../runtime/device.ts';
import { acquireMoreDevices, prepareMultiDeviceWebGpu } from '../runtime/multi-device/webgpu-executor.ts';
import model from '../examples/lstm-moe-lm.ts';

const sets: string[] = [];
let backendName = 'cpu';
let steps = 3;
let deviceCounts: number[] | null = null;
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === '--set') sets.push(process.argv[++i]!);
  else if (process.argv[i] === '--backend') backendName = process.argv[++i]!;
  else if (process.argv[i] === '--steps') steps = Number(process.argv[++i]);
  else if (process.argv[i] === '--devices') deviceCounts = process.argv[++i]!.split(',').map(Number);
}
const gpu = backendName === 'webgpu' ? await acquireDevice() : null;
if (backendName === 'webgpu' && !gpu) throw new Error('no WebGPU adapter');
const overrides = parseSetArgs(sets);
const training = { optimizer: { name: 'adam' as const, lr: 0.01 }, recompute: 'experts' as const };
const one = compileTraining(traceModel(model, overrides), training).graph;
const params = initParams(one, 1);
for (const [name, t] of Object.entries(params)) if (/^moe0\.w[gn]$/.test(name)) for (let i = 0; i < t.data.length; i++) t.data[i] = Math.sin(i * 12.9898) * 0.5; // non-zero gates: real routing
const feeds = syntheticFeeds(one, 1);
/** The in-process transport, also reading the rows each expert receives from the forward dispatch messages' counts. */
class RoutingCountTransport extends InProcessTransport {
  perExpert: number[];
  private heads: [number, Int32Array][] = [];
  /** `blocks`: row blocks per device (each message's header counts rows per destination expert and row block). */
  constructor(devices: number, private readonly experts: number, private readonly blocks: number) {
    super(devices);
    this.perExpert = new Array<number>(experts).fill(0);
  }
  override send(from: number, to: number, data: Uint8Array): void {
    super.send(from, to, data);
    const mT = (this.experts / this.devices) * this.blocks;
    if (data.byteLength >= 4 * mT) this.heads.push([to, new Int32Array(data.slice(0, 4 * mT).buffer)]);
  }
  override finish(label: string): void {
    if (/allToAllDispatch #/.test(label) && !label.includes('backward')) {
      const m = this.experts / this.devices;
      this.perExpert.fill(0);
      for (const [to, c] of this.heads) for (let j = 0; j < m; j++) for (let t = 0; t < this.blocks; t++) this.perExpert[to * m + j]! += c[j * this.blocks + t]!;
    }
    this.heads = [];
    super.finish(label);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const rows: Record<string, unknown>[] = [];
let extra: DeviceContext[] = [];
for (const N of deviceCounts ?? (gpu ? [1, 2, 4] : [1, 2, 4, 8])) {
  const program = compileMultiDevice(model, overrides, { devices: N, training });
  const n = program.partition.exchanges[0]!.experts;
  const dispatch = program.graphs[0]!.nodes.find((x) => x.op === 'allToAllDispatch')!;
  const transport = new RoutingCountTransport(N, n, (dispatch.params as { blocks: number }).blocks);
  if (gpu && extra.length < N - 1) extra = [...extra, ...(await acquireMoreDevices(gpu, N - 1 - extra.length))];
  const exe = gpu
    ? await prepareMultiDeviceWebGpu(program, [gpu, ...extra.slice(0, N - 1)], transport)
    : prepareMultiDeviceCpu(program, transport);
  exe.setParams(params);
  await exe.run(feeds, { seed: 1, step: 0, training: true }, ['loss']);
  // WebGPU: the same program with overlap off (every dispatch after a host step waits for it), stepped alternately
  // with the overlapped one on the same devices: the before/after of submitting independent dispatches early.
  const base = gpu ? await prepareMultiDeviceWebGpu(program, [gpu, ...extra.slice(0, N - 1)], new InProcessTransport(N), { overlap: false }) : null;
  base?.setParams(params);
  await base?.run(feeds, { seed: 1, step: 0, training: true }, ['loss']);
  const baseWalls: number[] = [];
  const walls: number[] = [];
  const critical: number[] = [];
  const bytes: number[] = [];
  const cross: number[] = [];
  let perExpert: number[] = [];
  for (let s = 1; s <= steps; s++) {
    const b0 = exe.transport.stats.localBytes + exe.transport.stats.crossDeviceBytes;
    const c0 = exe.transport.stats.crossDeviceBytes;
    const t0 = performance.now();
    const out = await exe.run(feeds, { seed: 1, step: s, training: true }, ['loss', 'moe0.load']);
    walls.push(performance.now() - t0);
    if (base) {
      const t1 = performance.now();
      await base.run(feeds, { seed: 1, step: s, training: true }, ['loss', 'moe0.load']);
      baseWalls.push(performance.now() - t1);
    }
    critical.push(gpu ? NaN : Math.max(...exe.timing.deviceMs) + [...exe.timing.exchangeMs.values()].reduce((a, b) => a + b, 0));
    bytes.push(exe.transport.stats.localBytes + exe.transport.stats.crossDeviceBytes - b0);
    cross.push(exe.transport.stats.crossDeviceBytes - c0);
    void out;
    perExpert = [...transport.perExpert];
  }
  const pred = predictExchangeBytes(program);
  const S = program.partition.exchanges[0]!.slots;
  const macs = expertMultiplyAdds(program);
  const a2a = pred.exchanges.filter((e) => e.op === 'allToAllDispatch' || e.op === 'allToAllReturn').reduce((a, e) => a + e.totalBytes, 0) / 4;
  rows.push({
    devices: N,
    rowsPerExpert: { mean: perExpert.reduce((a, b) => a + b, 0) / n, min: Math.min(...perExpert), max: Math.max(...perExpert) },
    dataParallelRowsPerExpert: S / n,
    bytesPerStep: median(bytes),
    predictedBytes: pred.totalBytes,
    crossDeviceBytes: median(cross),
    macsPerElement: macs / a2a,
    peakBytesPerDevice: Math.max(...('plans' in exe ? exe.plans : program.plans).map((p) => p.memory!.peakBytes)), // the WebGPU plans include kernel scratch
    wallMs: median(walls),
    criticalPathMs: median(critical),
    // The paired ratio (each plan-order step over the overlapped step just before it) is less sensitive to load drift.
    ...(base ? { wallMsNoOverlap: median(baseWalls), pairedRatio: median(baseWalls.map((b, i) => b / walls[i]!)), earlyDispatches: exe.timing.rounds?.earlyDispatches ?? 0 } : {}),
  });
  base?.destroy();
  if ('destroy' in exe) exe.destroy();
}

console.log(`backend ${backendName}; loadavg ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log('| devices | rows per expert per step (mean / min / max) | a data-parallel expert copy would see | bytes per step (predicted) | between devices | expert multiply-adds per exchanged element | peak per device | step wall | slowest device + exchanges (CPU simulation) |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const e = r.rowsPerExpert as { mean: number; min: number; max: number };
  console.log(`| ${r.devices} | ${e.mean.toFixed(1)} / ${e.min} / ${e.max} | ${(r.dataParallelRowsPerExpert as number).toFixed(1)} | ${r.bytesPerStep} (${r.predictedBytes}) | ${r.crossDeviceBytes} | ${(r.macsPerElement as number).toFixed(1)} | ${r.peakBytesPerDevice} | ${(r.wallMs as number).toFixed(0)} ms | ${(r.criticalPathMs as number).toFixed(0)} ms |`);
}
if (gpu) for (const r of rows) console.log(`N=${r.devices}: step wall ${(r.wallMs as number).toFixed(1)} ms overlapped (${r.earlyDispatches} dispatches per device submitted ahead of their host step) vs ${(r.wallMsNoOverlap as number).toFixed(1)} ms in plan order: ${((r.wallMsNoOverlap as number) / (r.wallMs as number)).toFixed(2)}x (median of the paired ratios ${(r.pairedRatio as number).toFixed(2)}x)`);
console.log(JSON.stringify(rows));
