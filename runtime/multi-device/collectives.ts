/**
 * Runs one collective step of the device programs through a transport: each device packs what it
 * sends (ir/reference/exchange.ts's *Messages) into byte messages, the transport carries them, and
 * each device unpacks what it received (*Receive) into its output tensors. The op semantics live in
 * ir/reference/exchange.ts; this file only serialises them (counts as i32, rows as f32).
 */
import type { Node } from '../../ir/graph.ts';
import * as ex from '../../ir/reference/exchange.ts';
import type { Tensor } from '../../ir/tensor.ts';
import type { TensorType } from '../../ir/types.ts';
import type { ExchangeTransport } from './transport.ts';

/** True for the ops that need every device at once. */
export function isCollective(op: string): boolean {
  return op === 'allToAllDispatch' || op === 'allToAllReturn' || op === 'allReduceSum' || op === 'allGatherRows';
}

const bytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const f32 = (b: Uint8Array, at: number, n: number): Float32Array => new Float32Array(b.slice(at, at + 4 * n).buffer);
const i32 = (b: Uint8Array, at: number, n: number): Int32Array => new Int32Array(b.slice(at, at + 4 * n).buffer);

/**
 * Runs collective step `nodes[d]` (device d's node) with `inputs[d]` through `transport`; returns
 * every device's outputs (types `outTypes[d]`). `label` names the exchange in the statistics.
 */
export function runCollective(nodes: readonly Node[], inputs: readonly (readonly Tensor[])[], outTypes: readonly (readonly TensorType[])[], transport: ExchangeTransport, label: string): Tensor[][] {
  const N = nodes.length;
  const op = nodes[0]!.op;
  let outs: Tensor[][];
  if (op === 'allReduceSum') {
    // Reduce-scatter then all-gather: device e sums chunk e of every device's vector by the pairwise tree over the devices
    // (ex.allReduceReceive: the top levels of the canonical batch-chunk tree; the same adds,
    // in the same order, as summing whole vectors), then sends its summed chunk to every device.
    const n = inputs[0]![0]!.data.length;
    const chunk = ex.allReduceChunks(n, N);
    for (let d = 0; d < N; d++) {
      const x = inputs[d]![0]!.data as Float32Array;
      chunk.forEach(([a, b], e) => transport.send(d, e, bytes(x.subarray(a, b))));
    }
    const summed = chunk.map(([a, b], e) => ex.allReduceReceive(Array.from({ length: N }, (_, d) => f32(transport.receive(e, d), 0, b - a))));
    transport.finish(`${label} (reduce-scatter)`);
    for (let e = 0; e < N; e++) for (let d = 0; d < N; d++) transport.send(e, d, bytes(summed[e]!));
    outs = Array.from({ length: N }, (_, d) => {
      const data = new Float32Array(n);
      chunk.forEach(([a, b], e) => data.set(f32(transport.receive(d, e), 0, b - a), a));
      return [{ type: outTypes[d]![0]!, data }];
    });
    label = `${label} (all-gather)`;
  } else if (op === 'allGatherRows') {
    const p = nodes[0]!.params;
    const x0 = inputs[0]![0]!;
    const local = x0.type.shape[0]!;
    const W = x0.data.length / Math.max(local, 1);
    for (let d = 0; d < N; d++) for (let e = 0; e < N; e++) transport.send(d, e, bytes(inputs[d]![0]!.data as Float32Array | Int32Array));
    const i32d = x0.type.dtype === 'i32';
    outs = Array.from({ length: N }, (_, e) => {
      const got = Array.from({ length: N }, (_, d) => (i32d ? i32 : f32)(transport.receive(e, d), 0, local * W));
      return [{ type: outTypes[e]![0]!, data: ex.allGatherReceive(got, local, W, p.rowBlock, p.rowStride, i32d) }];
    });
  } else if (op === 'allToAllDispatch') {
    const p = nodes[0]!.params;
    const m = ex.expertsPerDevice(p.experts, N) * p.blocks; // header: counts per (expert, row block)
    const width = inputs[0]![0]!.type.shape[1]!;
    const g = { devices: N, experts: p.experts, width, slots: outTypes[0]![0]!.shape[0]! / N, blocks: p.blocks, rowBlock: p.rowBlock };
    for (let d = 0; d < N; d++) {
      const ins = inputs[d]!;
      const msgs = ex.dispatchMessages(g, ins[0]!.data, ins[1]!.data, ins[2]!.data, p.gather);
      msgs.forEach((msg, e) => {
        const buf = new Uint8Array(4 * (m + msg.rows.length));
        buf.set(bytes(msg.counts), 0);
        buf.set(bytes(msg.rows), 4 * m);
        transport.send(d, e, buf);
      });
    }
    outs = Array.from({ length: N }, (_, e) => {
      const got = Array.from({ length: N }, (_, d) => {
        const b = transport.receive(e, d);
        return { counts: i32(b, 0, m), rows: f32(b, 4 * m, b.byteLength / 4 - m) };
      });
      const r = ex.dispatchReceive(g, got);
      const t = outTypes[e]!;
      return [{ type: t[0]!, data: r.rows }, { type: t[1]!, data: r.expertOf }, { type: t[2]!, data: r.counts }];
    });
  } else if (op === 'allToAllReturn') {
    const p = nodes[0]!.params;
    const width = inputs[0]![0]!.type.shape[1]!;
    const g = { devices: N, experts: p.experts, width, slots: outTypes[0]![0]!.shape[0]! };
    for (let e = 0; e < N; e++) {
      const msgs = ex.returnMessages(g, inputs[e]![0]!.data, inputs[e]![1]!.data);
      msgs.forEach((msg, d) => transport.send(e, d, bytes(msg)));
    }
    outs = Array.from({ length: N }, (_, d) => {
      const got = Array.from({ length: N }, (_, e) => {
        const b = transport.receive(d, e);
        return f32(b, 0, b.byteLength / 4);
      });
      return [{ type: outTypes[d]![0]!, data: ex.returnReceive(g, got, inputs[d]![2]!.data) }];
    });
  } else throw new Error(`runCollective: ${op} is not a collective`);
  transport.finish(label);
  return outs;
}
