/**
 * Vjp rules of the multi-device ops. The sharded random draws: normal draws have no inputs, and
 * dropout's vjp is the same mask applied to the gradient (shardDropout again). The all-to-alls are
 * each other's transposes: the gradient of the dispatched rows goes back to the slots they came
 * from (allToAllReturn over the forward's counts and offsets), and with a gather each row's k slot
 * gradients are summed in j order (moeCombine with gates 1, the dispatch positions from the
 * moeDispatch that produced sourceRow); the gradient of the returned rows travels to the experts
 * with allToAllDispatch (no gather, ordered by the forward's source rows and row blocks), arriving in
 * the forward's received layout. allReduceSum's vjp
 * is the identity: every device computes the same replicated scalar loss from the summed value, and
 * that one loss (not N copies of it) is what is differentiated — so each device gets d loss / d its
 * own contribution.
 */
import { describeNode } from '../../ir/graph.ts';
import type { VjpRule } from './types.ts';

type MultiDeviceOp = 'shardRandomNormal' | 'shardDropout' | 'allToAllDispatch' | 'allToAllReturn' | 'allReduceSum' | 'hierLoadCombine' | 'allGatherRows' | 'shardRows' | 'padShardRows';

/** The rules. */
export const MULTI_DEVICE_VJP: { readonly [O in MultiDeviceOp]: VjpRule<O> } = {
  shardRandomNormal: () => [],
  shardDropout: ({ node, dys: [dy], b }) => [b.op1('shardDropout', node.params, [dy!])],
  allToAllDispatch: ({ node, inputs, outputs, dys: [drows], b }) => {
    const { devices, device, experts } = node.params;
    const offsets = inputs[2]!;
    if (drows === undefined) return inputs.map(() => undefined);
    const dslots = b.op1('allToAllReturn', { devices, device, experts }, [drows, outputs[2]!, offsets]);
    if (!node.params.gather) return [dslots, undefined, undefined];
    const d = b.producer(inputs[1]!);
    if (!d || d.op !== 'moeDispatch' || d.outputs[0] !== inputs[1]) {
      throw new Error(`${describeNode(node)}: cannot differentiate: its sourceRow is not output 0 of a moeDispatch, so the positions that sum each row's slots are unknown`);
    }
    const pos = d.outputs[1]!;
    const dx = b.op1('moeCombine', {}, [dslots, pos, b.ones(b.shapeOf(pos))]);
    return [dx, undefined, undefined];
  },
  allToAllReturn: ({ node, inputs: [, counts, offsets], dys: [dy], b }) => {
    const { devices, device, experts } = node.params;
    // The gradients go out as the forward's rows came in: the same slots, row blocks and received layout.
    const fwd = b.producer(counts!);
    if (!fwd || fwd.op !== 'allToAllDispatch' || fwd.outputs[2] !== counts) {
      throw new Error(`${describeNode(node)}: cannot differentiate: its counts are not output 2 of an allToAllDispatch, so the received layout is unknown`);
    }
    const { rowBlock, blocks } = fwd.params;
    const [drows] = b.op('allToAllDispatch', { devices, device, experts, gather: false, rowBlock, blocks }, [dy!, fwd.inputs[1]!, offsets!]);
    return [drows, undefined, undefined];
  },
  allReduceSum: ({ dys: [dy] }) => [dy],
  // out = p[g]·L/c with c constant: dL = dout·p[g]/c = hierLoadCombine(p, dout, c); dp[g] = Σ_j dout·L/c, the row sums
  // (a matmul with a column of ones) of hierLoadCombine(1, dout·L, c) seen as [a, b].
  hierLoadCombine: ({ node, inputs: [p, L, c], dys: [dout], wants, b }) => {
    const { a, b: bb } = node.params;
    const dL = wants[1] ? b.op1('hierLoadCombine', node.params, [p!, dout!, c!]) : undefined;
    let dp: number | undefined;
    if (wants[0]) {
      const scaled = b.op1('hierLoadCombine', node.params, [b.ones([a]), b.op1('mul', {}, [dout!, L!]), c!]);
      dp = b.op1('reshape', { shape: [a] }, [b.op1('matmul', {}, [b.op1('reshape', { shape: [a, bb] }, [scaled]), b.ones([bb, 1])])]);
    }
    return [dp, dL, undefined];
  },
  // Each device's replicated computation on the gathered rows only has gradients on its own rows (its loss terms
  // read only its own rows through shardRows), so the gradient of its contribution is its own rows: no exchange.
  allGatherRows: ({ node, dys: [dy], b }) => [b.op1('shardRows', { rowBlock: node.params.rowBlock, rowStride: node.params.rowStride, shardOffset: node.params.shardOffset }, [dy!])],
  shardRows: ({ node, inputs: [x], dys: [dy], b }) => [b.op1('padShardRows', { ...node.params, rows: b.shapeOf(x!)[0]! }, [dy!])],
  padShardRows: ({ node, dys: [dy], b }) => {
    const { rowBlock, rowStride, shardOffset } = node.params;
    return [b.op1('shardRows', { rowBlock, rowStride, shardOffset }, [dy!])];
  },
};
