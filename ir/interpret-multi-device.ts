/**
 * Interpreter rules of the multi-device ops. The sharded random draws are local and evaluated
 * here. A collective needs every device's inputs at once, so one device can evaluate it only when
 * it is alone (devices = 1: it sends to and receives from itself); with several devices the
 * multi-device executor (runtime/multi-device/) runs it through a transport instead, using the
 * same send/receive definitions of ir/reference/exchange.ts.
 */
import type { Node } from './graph.ts';
import type { OpParams } from './ops.ts';
import * as ex from './reference/exchange.ts';
import type { Precision, Tensor } from './tensor.ts';
import { numel, type TensorType } from './types.ts';

type Ctx = { seed: number; step: number; training: boolean; precision: Precision };
type Rule<O extends keyof OpParams> = (node: Node<O>, inputs: readonly Tensor[], ctx: Ctx, outTypes: readonly TensorType[]) => Tensor[];

function alone(node: Node<'allToAllDispatch' | 'allToAllReturn' | 'allReduceSum' | 'allGatherRows'>): void {
  if (node.params.devices !== 1) {
    throw new Error(`${node.op} is a collective over ${node.params.devices} devices; run the partitioned programs with the multi-device executor (runtime/multi-device/)`);
  }
}

/** The rules, spread into ir/interpret.ts's table. */
export const MULTI_DEVICE_RULES: {
  [O in 'shardRandomNormal' | 'shardDropout' | 'allToAllDispatch' | 'allToAllReturn' | 'allReduceSum' | 'hierLoadCombine' | 'allGatherRows' | 'shardRows' | 'padShardRows']: Rule<O>;
} = {
  shardRandomNormal: (n, _ins, c, [t]) => [
    { type: t!, data: ex.shardRandomNormal(n.params.shape[0]!, n.params.shape[1]!, { ...n.params, seed: c.seed, step: c.step }, c.precision) },
  ],
  shardDropout: (n, [x], c, [t]) => {
    const cols = x!.type.shape[x!.type.shape.length - 1] ?? 1;
    const rows = numel(x!.type.shape) / cols;
    return [{ type: t!, data: ex.shardDropout(x!.data, rows, cols, { ...n.params, training: c.training, seed: c.seed, step: c.step }, c.precision) }];
  },
  allToAllDispatch: (n, ins, _c, outTypes) => {
    alone(n);
    const g = { devices: 1, experts: n.params.experts, width: ins[0]!.type.shape[1]!, slots: outTypes[0]!.shape[0]!, blocks: n.params.blocks, rowBlock: n.params.rowBlock };
    const msgs = ex.dispatchMessages(g, ins[0]!.data, ins[1]!.data, ins[2]!.data, n.params.gather);
    const r = ex.dispatchReceive(g, msgs);
    return [
      { type: outTypes[0]!, data: r.rows },
      { type: outTypes[1]!, data: r.expertOf },
      { type: outTypes[2]!, data: r.counts },
    ];
  },
  allToAllReturn: (n, [rows, counts, offsets], _c, [t]) => {
    alone(n);
    const g = { devices: 1, experts: n.params.experts, width: rows!.type.shape[1]!, slots: t!.shape[0]! };
    return [{ type: t!, data: ex.returnReceive(g, ex.returnMessages(g, rows!.data, counts!.data), offsets!.data) }];
  },
  allReduceSum: (n, [x], _c, [t]) => {
    alone(n);
    return [{ type: t!, data: ex.allReduceReceive([x!.data]) }];
  },
  hierLoadCombine: (n, [pl, L, cnt], c, [t]) => [{ type: t!, data: ex.hierLoadCombine(pl!.data, L!.data, cnt!.data, n.params.a, n.params.b, c.precision) }],
  allGatherRows: (n, [x], _c, [t]) => {
    alone(n);
    const W = numel(x!.type.shape.slice(1));
    return [{ type: t!, data: ex.allGatherReceive([x!.data], x!.type.shape[0]!, W, n.params.rowBlock, n.params.rowStride, x!.type.dtype === 'i32') }];
  },
  shardRows: (n, [x], _c, [t]) => [{ type: t!, data: ex.shardRows(x!.data, x!.type.shape[0]!, numel(x!.type.shape.slice(1)), n.params) }],
  padShardRows: (n, [x], _c, [t]) => [{ type: t!, data: ex.padShardRows(x!.data, x!.type.shape[0]!, numel(x!.type.shape.slice(1)), n.params.rows, n.params) }],
};
