/**
 * The `--devices N` / `--device-memory SIZE` forms of `moec compile`, `run` and `profile`: compile
 * the model into N device programs (compiler/multi-device/), check them against the per-device
 * memory budget, and print the schedule (each device's program, every exchange with its byte count,
 * per-device peak memory, the computation-to-communication ratio), run one forward pass on N
 * WebGPU devices or the CPU backend's N simulated devices, or time each device and each exchange of
 * one run (CPU simulation).
 */
import { initParams } from '../../ir/interpret.ts';
import { printGraph } from '../../ir/print.ts';
import { traceModel } from '../../frontend/model.ts';
import { syntheticFeeds } from '../../runtime/synthetic-feeds.ts';
import { prepareMultiDeviceCpu } from '../../runtime/multi-device/cpu-executor.ts';
import { compileForDevices, type DeviceOptions } from '../../compiler/multi-device/capacity.ts';
import type { MultiDeviceProgram } from '../../compiler/multi-device/compile.ts';
import { formatSchedule, predictExchangeBytes } from '../../compiler/multi-device/schedule.ts';
import { compileGraph } from '../../compiler/pipeline.ts';
import type { TrainingOptions } from '../../compiler/train-pipeline.ts';
import { loadModelFile } from '../load-model.ts';
import { parseSetArgs } from '../../frontend/model.ts';
import { formatReport, reportFromOutputs, type RunReport } from './run.ts';
import type { Tensor } from '../../ir/tensor.ts';
import { adapterName, selectBackend, type BackendName } from '../../runtime/backend.ts';
import type { ExchangeTransport } from '../../runtime/multi-device/transport.ts';
import { acquireMoreDevices, prepareMultiDeviceWebGpu } from '../../runtime/multi-device/webgpu-executor.ts';

/** `moec compile --devices N [--emit schedule|ir]`. */
export async function compileDevicesCommand(file: string, o: DeviceOptions & { emit: string; set: readonly string[]; train?: TrainingOptions }, write: (s: string) => void): Promise<void> {
  const { model } = await loadModelFile(file);
  const program = compileForDevices(model, parseSetArgs(o.set), o, o.train);
  if (o.emit === 'schedule') write(`${formatSchedule(program)}\n`);
  else if (o.emit === 'ir') write(`${program.graphs.map((g, d) => printGraph(g, `device${d}`)).join('\n')}\n`);
  else throw new Error(`--emit ${o.emit} is not available with --devices; use --emit schedule (or ir for the device programs)`);
}

/** `moec run --devices N`: one forward pass on N devices (N WebGPU devices, or the CPU backend's simulation). */
export async function runDevicesCommand(
  file: string,
  o: DeviceOptions & { backend: BackendName; seed: number; mode: 'train' | 'eval'; json: boolean; set: readonly string[] },
  write: (s: string) => void,
): Promise<RunReport> {
  const { model } = await loadModelFile(file);
  const overrides = parseSetArgs(o.set);
  const backend = await selectBackend(o.backend, (line) => process.stderr.write(`${line}\n`));
  const program = compileForDevices(model, overrides, withAdapterLimits(o, backend));
  const one = compileGraph(traceModel(model, overrides)).graph; // names and full shapes of parameters and feeds
  const run = { seed: o.seed, step: 0, training: o.mode === 'train' };
  let outputs: Record<string, Tensor>;
  let transport: ExchangeTransport;
  if (backend.kind === 'webgpu') {
    const more = await acquireMoreDevices(backend.device, o.devices - 1);
    const exe = await prepareMultiDeviceWebGpu(program, [backend.device, ...more]);
    try {
      exe.setParams(initParams(one, o.seed));
      outputs = await exe.run(syntheticFeeds(one, o.seed), run);
      transport = exe.transport;
    } finally {
      exe.destroy();
      for (const d of more) d.device.destroy();
    }
  } else {
    const exe = prepareMultiDeviceCpu(program);
    exe.setParams(initParams(one, o.seed));
    outputs = exe.run(syntheticFeeds(one, o.seed), run);
    transport = exe.transport;
  }
  const where = backend.kind === 'webgpu' ? `webgpu ×${o.devices} devices` : `cpu ×${o.devices} simulated devices`;
  const report = reportFromOutputs(one, outputs, { model: String(one.meta.name ?? file), backend: where, adapter: adapterName(backend), seed: o.seed, mode: o.mode });
  const stats = transport.stats;
  const full = { ...report, devices: o.devices, peakBytesPerDevice: program.plans.map((p) => p.memory!.peakBytes), exchangedBytes: stats.crossDeviceBytes + stats.localBytes, crossDeviceBytes: stats.crossDeviceBytes, predictedBytes: predictExchangeBytes(program).totalBytes };
  write(o.json ? `${JSON.stringify(full)}\n` : `${formatReport(report)}\n${o.devices} devices: exchanged ${full.exchangedBytes} B (predicted ${full.predictedBytes} B; ${stats.crossDeviceBytes} B between different devices); peak per device ${full.peakBytesPerDevice.join(', ')} B\n`);
  return report;
}

/**
 * `moec profile --devices N`: time per device and per exchange of one run (after a warm-up run) —
 * on N WebGPU devices (each device's busy time between host steps, its staging copies included; the
 * exchanges are host steps; and the readback time overlapped with other devices' compute) or on the
 * CPU backend's simulation (each device's local work timed separately).
 */
export async function profileDevicesCommand(file: string, o: DeviceOptions & { backend: BackendName; seed: number; train: boolean; json: boolean; set: readonly string[] }, write: (s: string) => void): Promise<void> {
  const { model } = await loadModelFile(file);
  const overrides = parseSetArgs(o.set);
  const training: TrainingOptions | undefined = o.train ? { optimizer: { name: 'adam', lr: 0.01 }, recompute: 'experts' } : undefined;
  const backend = await selectBackend(o.backend, (line) => process.stderr.write(`${line}\n`));
  const program = compileForDevices(model, overrides, withAdapterLimits(o, backend), training);
  const one = compileGraph(traceModel(model, overrides)).graph;
  const more = backend.kind === 'webgpu' ? await acquireMoreDevices(backend.device, o.devices - 1) : [];
  const exe = backend.kind === 'webgpu' ? await prepareMultiDeviceWebGpu(program, [backend.device, ...more]) : prepareMultiDeviceCpu(program);
  const init = initParams(one, o.seed);
  if (training) for (const g of [program.graphs[0]!]) for (const i of g.inputs) if (i.role === 'state' && !(i.name in init)) init[i.name] = fullZeros(program, i.name);
  exe.setParams(init);
  const feeds = syntheticFeeds(one, o.seed);
  await exe.run(feeds, { seed: o.seed, step: 0, training: true }, ['loss']); // warm-up
  const before = { ...exe.transport.stats };
  const t0 = performance.now();
  await exe.run(feeds, { seed: o.seed, step: 1, training: true }, ['loss']);
  const wall = performance.now() - t0;
  if ('destroy' in exe) {
    exe.destroy();
    for (const d of more) d.device.destroy();
  }
  const perExchange = [...exe.timing.exchangeMs];
  const result = {
    devices: o.devices,
    wallMs: wall,
    deviceMs: [...exe.timing.deviceMs],
    exchanges: perExchange.map(([label, ms]) => ({ label, ms })),
    ...(exe.timing.overlapMs !== undefined ? { overlapMs: exe.timing.overlapMs } : {}),
    bytes: exe.transport.stats.crossDeviceBytes + exe.transport.stats.localBytes - before.crossDeviceBytes - before.localBytes,
    predictedBytes: predictExchangeBytes(program).totalBytes,
    ...(exe.timing.rounds?.earlyDispatches !== undefined ? { earlyDispatches: exe.timing.rounds.earlyDispatches } : {}),
  };
  if (o.json) {
    write(`${JSON.stringify(result)}\n`);
    return;
  }
  const where = backend.kind === 'webgpu' ? `${o.devices} WebGPU devices (concurrent between exchanges)` : `${o.devices} simulated devices (CPU backend, run one after another)`;
  const lines = [`${String(one.meta.name ?? file)}${o.train ? ' training step' : ' forward'} on ${where}: ${wall.toFixed(1)} ms wall`];
  result.deviceMs.forEach((ms, d) => lines.push(`  device ${d}: ${ms.toFixed(2)} ms ${backend.kind === 'webgpu' ? 'busy between exchanges' : 'of local work'}`));
  for (const e of result.exchanges) lines.push(`  exchange ${e.label}: ${e.ms.toFixed(3)} ms`);
  if (result.overlapMs !== undefined) lines.push(`  ${result.overlapMs.toFixed(2)} ms of host readback overlapped with other devices' compute`);
  if (exe.timing.rounds) lines.push(`  ${exe.timing.rounds.hostSteps} host steps in ${exe.timing.rounds.groups} round trips (independent exchanges grouped)`);
  if (result.earlyDispatches !== undefined) lines.push(`  ${result.earlyDispatches} dispatches per device submitted ahead of the host step they follow (computing during the exchange)`);
  lines.push(`  ${result.bytes} B exchanged (the schedule predicts ${result.predictedBytes} B)`);
  write(`${lines.join('\n')}\n`);
}

/** `o` with the WebGPU adapter's limits (the default per-device budget) when the backend is WebGPU. */
function withAdapterLimits(o: DeviceOptions, backend: Awaited<ReturnType<typeof selectBackend>>): DeviceOptions {
  return backend.kind === 'webgpu' ? { ...o, adapterLimits: { maxBufferSize: backend.device.device.limits.maxBufferSize, maxStorageBufferBindingSize: backend.device.device.limits.maxStorageBufferBindingSize } } : o;
}

/** Zeros at the one-device shape of input `name` of `p`. */
function fullZeros(p: MultiDeviceProgram, name: string) {
  const g = p.graphs[0]!;
  const t = g.values.get(g.inputs.find((i) => i.name === name)!.value)!.type;
  const s = p.inputs[name]!;
  const shape = t.shape.map((d, i) => (s.kind !== 'replicated' && i === (s.kind === 'batch' ? s.axis : 0) ? d * p.devices : d));
  return { type: { dtype: t.dtype, shape }, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) };
}
