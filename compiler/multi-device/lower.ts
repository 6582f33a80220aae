/**
 * Lowering a device program to a WebGPU plan: the ordinary lowering rules, plus kernels for the
 * sharded random ops, while the collectives (and the few row-shuffling ops of the hierarchical and
 * balanced partitions: shardRows, padShardRows, hierLoadCombine) become HOST steps with no
 * dispatch: the multi-device WebGPU executor stops each device's command stream there, reads the
 * step's inputs back, runs it on the host (collectives through the transport) and writes its
 * outputs. The global lowering table refuses these ops, so a partitioned plan cannot be run by
 * the one-device executor by mistake.
 */
import { consumers, type Graph, type Node } from '../../ir/graph.ts';
import type { OpName } from '../../ir/ops.ts';
import { numel } from '../../ir/types.ts';
import { normalTableData } from '../wgsl/philox.ts';
import { shardDropoutKernel, shardRandomNormalKernel } from '../wgsl/shard-random.ts';
import { dropoutUniformData, randomNormalKernel } from '../wgsl/random.ts';
import { lowerCtx, type LoweringLimits, type LoweringState } from '../lower/context.ts';
import { DEFAULT_LIMITS, LOWERING } from '../lower/index.ts';
import type { LowerRule } from '../lower/rules-dense.ts';
import { buildPlan, finishPlan, type Plan, type RunParams } from '../plan.ts';
import { DEFAULT_MAX_ARENA_BYTES } from '../memory-plan.ts';

/** Ops a device program runs on the host. */
export const HOST_OPS: ReadonlySet<OpName> = new Set<OpName>(['allToAllDispatch', 'allToAllReturn', 'allReduceSum', 'allGatherRows', 'shardRows', 'padShardRows', 'hierLoadCombine']);

const none: LowerRule<OpName> = () => {};

const OVERRIDES: Partial<{ [O in OpName]: LowerRule<O> }> = {
  shardDropout: (n, c) => {
    const shape = c.typeOf(c.input(0)).shape;
    const { rate, stream, rowBlock, rowStride, shardOffset } = n.params;
    const optionsFor = (run: RunParams) => ({ numel: numel(shape), cols: shape[shape.length - 1] ?? 1, rate, stream, seed: run.seed, step: run.step, train: run.training });
    // The shard kernel's uniforms are the dropout kernel's: per run only they are packed (no WGSL is rebuilt).
    c.emit(shardDropoutKernel({ ...optionsFor(c.run0), rowBlock, rowStride, shardOffset }), { x: c.input(0), out: c.output(0) }, (run) => dropoutUniformData(optionsFor(run)));
  },
  shardRandomNormal: (n, c) => {
    const [rows, cols] = n.params.shape as [number, number];
    const { stream, rowOffset, rowBlock, rowStride, shardOffset } = n.params;
    const optionsFor = (run: RunParams) => ({ rows, cols, seed: run.seed, stream, step: run.step, rowOffset });
    const normTables = c.constant('normTables', normalTableData());
    // Per run only the base program's uniform block is packed (its static program builds no WGSL).
    c.emit(shardRandomNormalKernel({ ...optionsFor(c.run0), rowBlock, rowStride, shardOffset }), { normTables, out: c.output(0) }, (run) => randomNormalKernel(optionsFor(run)).uniformData!);
  },
};

/** Lowers device program `g` (see the file comment). */
export function lowerDeviceProgram(g: Graph, limits: LoweringLimits = DEFAULT_LIMITS): Plan {
  const plan = buildPlan(g);
  const state: LoweringState = { sides: new Map(), constants: new Map(), consumers: consumers(g) };
  for (const step of plan.steps) {
    const op = step.node.op;
    const rule = (HOST_OPS.has(op) ? none : (OVERRIDES[op] ?? LOWERING[op])) as LowerRule<OpName>;
    try {
      rule(step.node as Node<OpName>, lowerCtx(plan, step, limits, state));
    } catch (e) {
      const n = step.node;
      throw new Error(`lowering node #${n.id} ${n.op}${n.layer ? ` (layer ${n.layer})` : ''}: ${(e as Error).message}`, { cause: e });
    }
  }
  reserveHostOutputs(plan);
  return finishPlan(plan, { maxArenaBytes: Math.min(DEFAULT_MAX_ARENA_BYTES, limits.maxBufferSize ?? DEFAULT_MAX_ARENA_BYTES) });
}

/** Host steps at most this many steps apart form one chain (see reserveHostOutputs). */
const CHAIN_GAP = 3;

/**
 * Host steps close together (e.g. the replicated gradients' all-reduces, each followed by its
 * parameter's update) form a chain; each chain member's outputs are kept live from the chain's first
 * host step on, so no temporary of the dispatches in between shares their memory. Then the executor
 * can run the chain's independent host steps in one round trip (`groupHostSteps` in
 * runtime/multi-device/webgpu-executor.ts, which checks every such move against the buffers the
 * dispatches really touch). Costs the outputs' bytes over a few steps.
 */
function reserveHostOutputs(plan: Plan): void {
  const host = plan.steps.filter((s) => HOST_OPS.has(s.node.op)).map((s) => s.index);
  let chainStart = -1;
  host.forEach((k, i) => {
    if (i === 0 || k - host[i - 1]! > CHAIN_GAP) chainStart = k;
    for (const b of plan.steps[k]!.outputs) {
      const s = plan.storages[plan.buffers[b]!.storage]!;
      if (s.role === 'temp') s.first = Math.min(s.first, chainStart);
    }
  });
}
