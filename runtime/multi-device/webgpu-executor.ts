/**
 * N WebGPU devices running the device programs of a multi-device compilation. Each device gets its
 * own GPUDevice (Dawn lets an adapter create one device, so device d > 0 comes from another
 * adapter of the same GPU instance), its own plan lowered by compiler/multi-device/lower.ts, its own
 * buffers, pipelines and bind groups, bound at prepare time as the one-device executor does. A run
 * submits, on every device, the dispatches up to the next host step (a collective, or a
 * row-shuffling op), then reads that step's inputs back from every device, runs it on the host —
 * collectives through the exchange transport, so the bytes are counted exactly as on the CPU
 * backend — writes its outputs to each device, and goes on; the devices' queues run concurrently
 * between host steps. Inputs and outputs are given and returned at their one-device shapes.
 * `timing` records each device's busy time (submit to completion of its work between host steps)
 * and each host step's time.
 *
 * The readback of a host step's inputs is pipelined per device: the copies into the device's
 * staging buffer are encoded in the same submission as its dispatches, and each device's staging
 * buffer is mapped and copied out as soon as THAT device finishes, while the other devices still
 * compute (`timing.overlapMs` is the readback time so overlapped). Staging buffers persist across
 * steps and runs, two per device (double-buffered: consecutive host steps alternate banks, so one
 * bank may still be mapped while the next host step's copies are encoded into the other).
 *
 * Overlap with compute: as soon as a device's inputs of a group of host steps are staged, the
 * dispatches after the group that do not depend on it (they touch none of its outputs and swap
 * with no earlier dispatch left behind: `earlyDispatches`, from the byte ranges each dispatch
 * binds) are submitted on that device, so it computes while the host copies its inputs out, waits
 * for the other devices and runs the exchange; the rest follow after the host step's outputs are
 * written. Every dispatch still sees the values it sees in plan order (same bits; `overlap: false`
 * submits in plan order, the baseline the benchmark alternates with).
 */
import type { Dispatch, PartRef, Plan, RunParams } from '../../compiler/plan.ts';
import { lowerDeviceProgram, HOST_OPS } from '../../compiler/multi-device/lower.ts';
import { fullType, type MultiDeviceProgram, type Sharding } from '../../compiler/multi-device/compile.ts';
import { evalNode } from '../../ir/interpret.ts';
import type { Tensor } from '../../ir/tensor.ts';
import { formatType, numel, typeEq, type TensorType } from '../../ir/types.ts';
import { acquireSiblingDevice, throwIfDeviceError, type DeviceContext } from '../device.ts';
import { deviceLoweringLimits } from '../lowering-limits.ts';
import { createPipelineCache, getPipeline } from '../gpu/pipelines.ts';
import { allocatePlanMemory, arenaSafeKernel, bindingRange } from '../gpu/plan-memory.ts';
import { runCollective, isCollective } from './collectives.ts';
import { concatAxis, sliceAxis, type MultiDeviceTiming } from './cpu-executor.ts';
import { InProcessTransport, type ExchangeTransport } from './transport.ts';

const USAGE = (): number => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | GPUBufferUsage.INDIRECT;
const align4 = (n: number): number => Math.max(4, Math.ceil(n / 4) * 4);

/** N more devices like `base` (same GPU instance, one adapter each, the same limits and features). */
export async function acquireMoreDevices(base: DeviceContext, count: number): Promise<DeviceContext[]> {
  const out: DeviceContext[] = [];
  for (let i = 0; i < count; i++) {
    const ctx = await acquireSiblingDevice(base);
    if (!ctx) throw new Error(`could not get adapter ${i + 2} for ${count + 1} devices`);
    out.push(ctx);
  }
  return out;
}

/** A byte range of one GPUBuffer. */
interface Range {
  readonly buffer: GPUBuffer;
  readonly lo: number;
  readonly hi: number;
}

interface Bound {
  readonly step: number;
  readonly dispatch: Dispatch;
  readonly pipeline: GPUComputePipeline;
  readonly group: GPUBindGroup;
  readonly uniform: GPUBuffer | null;
  /** What the dispatch reads and writes (for moving host steps across it). */
  readonly touches: readonly (Range & { readonly write: boolean })[];
}

interface DeviceState {
  readonly dev: DeviceContext;
  readonly plan: Plan;
  readonly parts: readonly (readonly GPUBuffer[])[];
  /** Per storage: byte offset in its first GPUBuffer (a temporary's offset in its arena). */
  readonly base: readonly number[];
  readonly bound: Bound[];
  readonly owned: GPUBuffer[];
  /** The byte ranges of plan buffer `id` (every part of a split persistent storage). */
  readonly rangesOf: (id: number) => Range[];
}

/** N device programs bound to N GPUDevices. */
export interface MultiDeviceWebGpuExecutable {
  setParams(params: Readonly<Record<string, Tensor>>): void;
  run(feeds: Readonly<Record<string, Tensor>>, run: RunParams, want?: readonly string[]): Promise<Record<string, Tensor>>;
  read(names: readonly string[]): Promise<Record<string, Tensor>>;
  readonly transport: ExchangeTransport;
  readonly timing: MultiDeviceTiming;
  readonly plans: readonly Plan[];
  destroy(): void;
}

async function bindDevice(dev: DeviceContext, plan: Plan): Promise<DeviceState> {
  const { device } = dev;
  const owned: GPUBuffer[] = [];
  const make = (bytes: number, label: string, usage = USAGE()): GPUBuffer => {
    const b = device.createBuffer({ size: align4(bytes), usage, label });
    owned.push(b);
    return b;
  };
  const mem = allocatePlanMemory(plan, (bytes, label) => make(bytes, label), device.limits.maxBufferSize);
  const parts = mem.parts;
  for (const s of plan.storages) if (s.role === 'const' && s.constData) device.queue.writeBuffer(parts[s.id]![0]!, 0, s.constData.buffer, s.constData.byteOffset, s.constData.byteLength);
  const resource = (ref: number | PartRef): GPUBufferBinding => bindingRange(plan, mem, ref);
  const cache = createPipelineCache(dev);
  const bound: Bound[] = [];
  for (const step of plan.steps) {
    for (const d of step.dispatches) {
      const k = arenaSafeKernel(plan, mem, d);
      const compiled = await getPipeline(cache, k);
      let uniform: GPUBuffer | null = null;
      const touches: (Range & { write: boolean })[] = [];
      const entries: GPUBindGroupEntry[] = k.bindings.map((b, i) => {
        if (b.access === 'uniform') {
          uniform = make(k.uniformData!.byteLength, `${k.name}.params`, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
          device.queue.writeBuffer(uniform, 0, k.uniformData!.buffer, k.uniformData!.byteOffset, k.uniformData!.byteLength);
          return { binding: i, resource: { buffer: uniform } };
        }
        const ref = d.bind[b.name];
        if (ref === undefined) throw new Error(`node #${step.node.id} ${step.node.op}, kernel ${k.name}: binding '${b.name}' is not bound`);
        const r = resource(ref);
        touches.push({ buffer: r.buffer, lo: r.offset ?? 0, hi: (r.offset ?? 0) + (r.size ?? r.buffer.size), write: b.access !== 'read' });
        return { binding: i, resource: r };
      });
      if (d.indirect) {
        const r = resource(d.indirect.buffer);
        touches.push({ buffer: r.buffer, lo: r.offset ?? 0, hi: (r.offset ?? 0) + (r.size ?? r.buffer.size), write: false });
      }
      const group = device.createBindGroup({ label: k.name, layout: compiled.layout, entries });
      bound.push({ step: step.index, dispatch: d, pipeline: compiled.pipeline, group, uniform, touches });
    }
  }
  throwIfDeviceError(dev, 'preparing a device plan');
  const rangesOf = (id: number): Range[] => {
    const st = plan.storages[plan.buffers[id]!.storage]!;
    return (st.parts ?? [0]).map((_, p) => {
      const r = resource(st.parts ? { buffer: id, part: p } : id);
      return { buffer: r.buffer, lo: r.offset ?? 0, hi: (r.offset ?? 0) + (r.size ?? r.buffer.size) };
    });
  };
  return { dev, plan, parts, base: mem.base, bound, owned, rangesOf };
}

/** Reads plan buffers `ids` of one device (persistent parts joined). */
async function readBuffers(s: DeviceState, ids: readonly number[]): Promise<Tensor[]> {
  const { device } = s.dev;
  const sizes = ids.map((id) => align4(numel(s.plan.buffers[id]!.type.shape) * 4));
  const staging = device.createBuffer({ size: Math.max(4, sizes.reduce((a, x) => a + x, 0)), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  let at = 0;
  ids.forEach((id, i) => {
    const b = s.plan.buffers[id]!;
    const st = s.plan.storages[b.storage]!;
    if (st.parts && st.parts.length > 1) {
      let off = 0;
      st.parts.forEach((bytes, p) => {
        if (bytes > 0) enc.copyBufferToBuffer(s.parts[st.id]![p]!, p === 0 ? s.base[st.id]! : 0, staging, at + off, align4(bytes));
        off += bytes;
      });
    } else if (sizes[i]! > 0) enc.copyBufferToBuffer(s.parts[st.id]![0]!, s.base[st.id]!, staging, at, Math.min(sizes[i]!, align4(numel(b.type.shape) * 4)));
    at += sizes[i]!;
  });
  device.queue.submit([enc.finish()]);
  await s.dev.wait(staging.mapAsync(GPUMapMode.READ));
  const bytes = staging.getMappedRange().slice(0);
  staging.unmap();
  staging.destroy();
  at = 0;
  return ids.map((id, i) => {
    const b = s.plan.buffers[id]!;
    const n = numel(b.type.shape);
    const t: Tensor = { type: b.type, data: b.type.dtype === 'i32' ? new Int32Array(bytes, at, n).slice() : new Float32Array(bytes, at, n).slice() };
    at += sizes[i]!;
    return t;
  });
}

function writeBuffer(s: DeviceState, id: number, t: Tensor): void {
  const b = s.plan.buffers[id]!;
  const st = s.plan.storages[b.storage]!;
  const data = t.type.dtype === 'i32' ? Int32Array.from(t.data) : t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
  let offset = 0;
  (st.parts ?? [numel(b.type.shape) * 4]).forEach((bytes, p) => {
    if (bytes > 0) s.dev.device.queue.writeBuffer(s.parts[st.id]![p]!, p === 0 ? s.base[st.id]! : 0, data.buffer, data.byteOffset + offset, bytes);
    offset += bytes;
  });
}

const overlaps = (a: Range, b: Range): boolean => a.buffer === b.buffer && a.lo < b.hi && b.lo < a.hi;
const anyOverlap = (as: readonly Range[], bs: readonly Range[]): boolean => as.some((a) => bs.some((b) => overlaps(a, b)));

/**
 * Groups the host steps so that each group is ONE round trip: a later host step k joins the group
 * of host step k1 when, on every device, its inputs are ready before the dispatches between k1 and
 * k run (none of them writes its inputs, no earlier host step of the group writes them) and none of
 * those dispatches touches what it writes — then its inputs are staged with k1's, it runs with k1,
 * and those dispatches run after the group (e.g. the replicated gradients' all-reduces, each
 * followed by its parameter's update, become one exchange round). Order and bits are unchanged:
 * every dispatch still sees exactly the values it saw in plan order.
 */
function groupHostSteps(states: readonly DeviceState[], hostSteps: readonly number[]): number[][] {
  const groups: number[][] = [];
  for (const k of hostSteps) {
    const g = groups[groups.length - 1];
    const joins = g !== undefined && states.every((st) => {
      const ins = st.plan.steps[k]!.inputs.flatMap(st.rangesOf);
      const outs = st.plan.steps[k]!.outputs.flatMap(st.rangesOf);
      if (g.some((j) => anyOverlap(st.plan.steps[j]!.outputs.flatMap(st.rangesOf), ins))) return false;
      return st.bound.every((b) => b.step <= g[0]! || b.step >= k || (!anyOverlap(b.touches.filter((t) => t.write), ins) && !anyOverlap(b.touches, outs)));
    });
    if (joins) g.push(k);
    else groups.push([k]);
  }
  return groups;
}

/** Options of the N-device WebGPU executor. */
export interface MultiDeviceWebGpuOptions {
  /**
   * Submit, before a host step runs, the dispatches after it that do not depend on it (see
   * `earlyDispatches`), so the devices compute while the host runs the exchange (default true;
   * false keeps plan order strictly: every dispatch after a host step waits for it — the baseline
   * the benchmark compares against). Results are the same bits either way.
   */
  readonly overlap?: boolean;
}

/**
 * Per group of host steps (and per device), the bound dispatches submitted EARLY: right after the
 * group's inputs are staged, before the host runs the group, so they compute while the host runs
 * the exchange. A candidate is a dispatch after the group's first host step and before the next
 * group's; scanning them in plan order, one is early when it touches none of the group's outputs
 * (it neither reads what the host will write nor writes what the host's later write must win over)
 * and has no read/write conflict with an earlier candidate left for after the group (so swapping
 * the two cannot change what either sees). Early dispatches may write the group's inputs: their
 * staging copies are submitted before them on the same queue. Everything else keeps plan order.
 */
function earlyDispatches(states: readonly DeviceState[], groups: readonly (readonly number[])[]): Set<number>[][] {
  return states.map((st) =>
    groups.map((g, h) => {
      const next = groups[h + 1]?.[0] ?? Infinity;
      const outs = g.flatMap((k) => st.plan.steps[k]!.outputs.flatMap(st.rangesOf));
      const early = new Set<number>();
      const deferred: Bound[] = [];
      st.bound.forEach((b, i) => {
        if (b.step <= g[0]! || b.step >= next) return;
        const writes = b.touches.filter((t) => t.write);
        const conflicts = anyOverlap(b.touches, outs) || deferred.some((d) => anyOverlap(d.touches.filter((t) => t.write), b.touches) || anyOverlap(writes, d.touches));
        if (conflicts) deferred.push(b);
        else early.add(i);
      });
      return early;
    }),
  );
}

/** Lowers and binds every device program of `program` to `devices` (one per device). */
export async function prepareMultiDeviceWebGpu(program: MultiDeviceProgram, devices: readonly DeviceContext[], transport: ExchangeTransport = new InProcessTransport(program.devices), options: MultiDeviceWebGpuOptions = {}): Promise<MultiDeviceWebGpuExecutable> {
  const N = program.devices;
  if (devices.length !== N) throw new Error(`${N} device programs need ${N} GPUDevices, got ${devices.length}`);
  const states = await Promise.all(program.graphs.map((g, d) => bindDevice(devices[d]!, lowerDeviceProgram(g, deviceLoweringLimits(devices[d]!)))));
  const plans = states.map((s) => s.plan);
  const steps = plans[0]!.steps;
  const hostSteps = steps.filter((s) => HOST_OPS.has(s.node.op)).map((s) => s.index);
  const groups = groupHostSteps(states, hostSteps);
  const early = options.overlap === false ? states.map(() => groups.map(() => new Set<number>())) : earlyDispatches(states, groups);
  const earlyCount = early[0]!.reduce((a, e) => a + e.size, 0);
  const timing: MultiDeviceTiming = { deviceMs: new Array<number>(N).fill(0), exchangeMs: new Map(), rounds: { groups: groups.length, hostSteps: hostSteps.length, earlyDispatches: earlyCount } };
  /** Per device, per bound dispatch: already submitted in the current run. */
  const submitted = states.map((st) => new Array<boolean>(st.bound.length).fill(false));
  const byName = plans.map((p) => new Map(p.inputs.map((i) => [i.name, i])));
  const sharding = (name: string): Sharding => {
    const s = program.inputs[name];
    if (!s) throw new Error(`unknown input '${name}'`);
    return s;
  };
  const upload = (name: string, t: Tensor): void => {
    const s = sharding(name);
    states.forEach((st, d) => {
      const inp = byName[d]!.get(name)!;
      const type = st.plan.buffers[inp.buffer]!.type;
      const want = fullType(type, s, N);
      if (!typeEq(want, t.type)) throw new Error(`input '${name}' has type ${formatType(t.type)}, expected ${formatType(want)}`);
      writeBuffer(st, inp.buffer, s.kind === 'replicated' ? t : sliceAxis(t, s.kind === 'batch' ? s.axis : 0, d, N));
    });
  };
  const join = (parts: Tensor[], s: Sharding): Tensor => (s.kind === 'replicated' ? parts[0]! : concatAxis(parts, s.kind === 'batch' ? s.axis : 0));
  let last: RunParams | null = null;
  // Staging banks: [device][bank], each as large as the largest host step's inputs on that device.
  const stagingBytes = states.map((st) => Math.max(4, ...groups.map((g) => g.flatMap((k) => st.plan.steps[k]!.inputs).reduce((a, id) => a + align4(numel(st.plan.buffers[id]!.type.shape) * 4), 0))));
  const staging = states.map((st, d) => [0, 1].map((bank) => st.dev.device.createBuffer({ size: stagingBytes[d]!, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: `device ${d} host-step staging ${bank}` })));

  /** Encodes copies of plan buffers `ids` of device `s` into `dst` from byte 0 (persistent parts joined); returns each one's byte offset. */
  const encodeReadback = (s: DeviceState, enc: GPUCommandEncoder, ids: readonly number[], dst: GPUBuffer): number[] => {
    const at: number[] = [];
    let off = 0;
    for (const id of ids) {
      at.push(off);
      const b = s.plan.buffers[id]!;
      const st = s.plan.storages[b.storage]!;
      const size = align4(numel(b.type.shape) * 4);
      if (st.parts && st.parts.length > 1) {
        let o = 0;
        st.parts.forEach((bytes, p) => {
          if (bytes > 0) enc.copyBufferToBuffer(s.parts[st.id]![p]!, p === 0 ? s.base[st.id]! : 0, dst, off + o, align4(bytes));
          o += bytes;
        });
      } else if (numel(b.type.shape) > 0) enc.copyBufferToBuffer(s.parts[st.id]![0]!, s.base[st.id]!, dst, off, size);
      off += size;
    }
    return at;
  };

  /**
   * Submits steps [from, k) on every device with the copies of host step k's inputs behind them, and
   * reads each device's staged inputs back as soon as that device is done (the others keep computing).
   */
  const submitAndStage = async (h: number, bank: number): Promise<Tensor[][]> => {
    const group = groups[h]!;
    const k = group[0]!;
    const t0 = performance.now();
    const spans: [number, number][] = [];
    const finished: number[] = [];
    const inputs = await Promise.all(
      states.map(async (st, d) => {
        const enc = st.dev.device.createCommandEncoder();
        encodeDispatches(d, enc, (b) => b.step < k);
        const ids = group.flatMap((j) => st.plan.steps[j]!.inputs);
        const buf = staging[d]![bank]!;
        const at = encodeReadback(st, enc, ids, buf);
        st.dev.device.queue.submit([enc.finish()]);
        await st.dev.wait(buf.mapAsync(GPUMapMode.READ));
        // The dispatches that do not depend on this group go to the queue as soon as this device's inputs are
        // staged (not before the map: Dawn resolves a map after the work submitted up to it): the device computes
        // them while the host copies its inputs out, waits for the other devices and runs the exchange.
        if (early[d]![h]!.size > 0) {
          const encEarly = st.dev.device.createCommandEncoder();
          encodeDispatches(d, encEarly, (_, i) => early[d]![h]!.has(i));
          st.dev.device.queue.submit([encEarly.finish()]);
        }
        const done = performance.now();
        finished.push(done);
        timing.deviceMs[d]! += done - t0;
        const bytes = buf.getMappedRange();
        const out = ids.map((id, i) => {
          const t = st.plan.buffers[id]!.type;
          const n = numel(t.shape);
          return { type: t, data: t.dtype === 'i32' ? new Int32Array(bytes, at[i]!, n).slice() : new Float32Array(bytes, at[i]!, n).slice() } as Tensor;
        });
        buf.unmap();
        spans.push([done, performance.now()]);
        return out;
      }),
    );
    const lastDone = Math.max(...finished);
    timing.overlapMs = (timing.overlapMs ?? 0) + spans.reduce((a, [x, y]) => a + Math.max(0, Math.min(y, lastDone) - x), 0);
    return inputs;
  };

  /** Encodes device `d`'s dispatches not yet submitted in this run that `pick` selects, in plan order, as one compute pass (and marks them submitted). */
  const encodeDispatches = (d: number, enc: GPUCommandEncoder, pick: (b: Bound, i: number) => boolean): void => {
    const st = states[d]!;
    const pass = enc.beginComputePass();
    for (const [i, b] of st.bound.entries()) {
      if (submitted[d]![i] || !pick(b, i)) continue;
      submitted[d]![i] = true;
      const [x, y, z] = b.dispatch.kernel.dispatch;
      if (x * y * z === 0) continue;
      pass.setPipeline(b.pipeline);
      pass.setBindGroup(0, b.group);
      const ind = b.dispatch.indirect;
      if (ind) pass.dispatchWorkgroupsIndirect(st.parts[st.plan.buffers[ind.buffer]!.storage]![0]!, st.base[st.plan.buffers[ind.buffer]!.storage]! + ind.offset);
      else pass.dispatchWorkgroups(x, y, z);
    }
    pass.end();
  };

  /** Submits every dispatch not yet submitted on every device; resolves when every device has finished them (timed per device). */
  const submitRest = async (): Promise<void> => {
    const t0 = performance.now();
    const done: Promise<void>[] = [];
    for (const [d, st] of states.entries()) {
      const enc = st.dev.device.createCommandEncoder();
      encodeDispatches(d, enc, () => true);
      st.dev.device.queue.submit([enc.finish()]);
      done.push(
        st.dev.wait(st.dev.device.queue.onSubmittedWorkDone()).then(() => {
          timing.deviceMs[d]! += performance.now() - t0;
        }),
      );
    }
    await Promise.all(done);
  };

  return {
    transport,
    timing,
    plans,
    setParams(params) {
      for (const [name, t] of Object.entries(params)) upload(name, t);
    },
    async run(feeds, run, want) {
      for (const [name, t] of Object.entries(feeds)) upload(name, t);
      if (!last || last.seed !== run.seed || last.step !== run.step || last.training !== run.training) {
        for (const st of states) {
          for (const b of st.bound) {
            if (b.dispatch.uniformFor && b.uniform) {
              const words = b.dispatch.uniformFor(run);
              st.dev.device.queue.writeBuffer(b.uniform, 0, words.buffer, words.byteOffset, words.byteLength);
            }
          }
        }
        last = { ...run };
      }
      for (const st of states) {
        if (st.plan.errorChecks.length === 0) continue;
        const enc = st.dev.device.createCommandEncoder();
        for (const e of st.plan.errorChecks) {
          const sid = st.plan.buffers[e.buffer]!.storage;
          enc.clearBuffer(st.parts[sid]![0]!, st.base[sid]!, align4(numel(st.plan.buffers[e.buffer]!.type.shape) * 4));
        }
        st.dev.device.queue.submit([enc.finish()]);
      }
      timing.exchangeMs.clear();
      timing.deviceMs.fill(0);
      timing.overlapMs = 0;
      for (const s of submitted) s.fill(false);
      for (const [h, group] of groups.entries()) {
        const staged = await submitAndStage(h, h % 2);
        let at = 0;
        for (const k of group) {
          const n = steps[k]!.inputs.length;
          const inputs = staged.map((x) => x.slice(at, at + n));
          at += n;
          const t0 = performance.now();
          const node0 = steps[k]!.node;
          const outTypes = states.map((st) => st.plan.steps[k]!.outputs.map((b) => st.plan.buffers[b]!.type as TensorType));
          const label = `${node0.layer ?? '-'} ${node0.op}${node0.phase === 'backward' ? ' (backward)' : ''} #${node0.id}`;
          const outs = isCollective(node0.op)
            ? runCollective(states.map((st) => st.plan.steps[k]!.node), inputs, outTypes, transport, label)
            : states.map((st, d) => evalNode(st.plan.steps[k]!.node, inputs[d]!, { ...run, precision: 'f32' }));
          states.forEach((st, d) => st.plan.steps[k]!.outputs.forEach((b, i) => writeBuffer(st, b, outs[d]![i]!)));
          timing.exchangeMs.set(label, (timing.exchangeMs.get(label) ?? 0) + performance.now() - t0);
        }
      }
      await submitRest();
      const names = want ?? plans[0]!.outputs.map((o) => o.name);
      const results = await Promise.all(
        states.map((st) => readBuffers(st, [...names.map((n) => st.plan.outputs.find((o) => o.name === n)!.buffer), ...st.plan.errorChecks.map((e) => e.buffer)])),
      );
      states.forEach((st, d) => {
        throwIfDeviceError(st.dev, `running device ${d}'s program`);
        st.plan.errorChecks.forEach((e, i) => {
          const w = results[d]![names.length + i]!.data;
          if (w[0] !== 0) throw new Error(`device ${d}: node #${st.plan.steps[e.step]!.node.id} ${st.plan.steps[e.step]!.node.op}: ${e.what}`);
        });
      });
      const out: Record<string, Tensor> = {};
      names.forEach((n, i) => {
        out[n] = join(results.map((r) => r[i]!), program.outputs[n] ?? { kind: 'replicated' });
      });
      return out;
    },
    async read(names) {
      const per = await Promise.all(states.map((st, d) => readBuffers(st, names.map((n) => byName[d]!.get(n)!.buffer))));
      const out: Record<string, Tensor> = {};
      names.forEach((n, i) => {
        out[n] = join(per.map((r) => r[i]!), sharding(n));
      });
      return out;
    },
    destroy() {
      for (const st of states) for (const b of st.owned) b.destroy();
      for (const banks of staging) for (const b of banks) b.destroy();
    },
  };
}
