/**
 * WebGPU lowering of the multi-device ops: not written yet. Partitioned programs run on the CPU
 * backend's N-device simulation (runtime/multi-device/); lowering one to WGSL fails here with a
 * message that says so, rather than producing a plan that would compute something else.
 */
import type { LowerRule } from './rules-dense.ts';

type MultiDeviceOp = 'shardRandomNormal' | 'shardDropout' | 'allToAllDispatch' | 'allToAllReturn' | 'allReduceSum' | 'hierLoadCombine' | 'allGatherRows' | 'shardRows' | 'padShardRows';

const notYet: LowerRule<MultiDeviceOp> = (node) => {
  throw new Error(`${node.op} has no WebGPU kernel yet: multi-device (--devices N) programs run on the CPU backend (--backend cpu)`);
};

/** The rules (each refuses). */
export const MULTI_DEVICE_RULES: { [O in MultiDeviceOp]: LowerRule<O> } = {
  shardRandomNormal: notYet, shardDropout: notYet, allToAllDispatch: notYet, allToAllReturn: notYet, allReduceSum: notYet, hierLoadCombine: notYet,
  allGatherRows: notYet, shardRows: notYet, padShardRows: notYet,
};
