/**
 * Lowering a compiled graph to a WebGPU plan: builds the plan skeleton (buffers, storages, steps),
 * runs each node's lowering rule (one table with a rule for every op — a mapped type, so a new op
 * fails to compile until it can be lowered) and then plans memory over everything the rules
 * declared, kernel scratch included.
 */
import { consumers, type Graph, type Node } from '../../ir/graph.ts';
import type { OpName } from '../../ir/ops.ts';
import { buildPlan, finishPlan, type Plan } from '../plan.ts';
import { DEFAULT_MAX_ARENA_BYTES } from '../memory-plan.ts';
import { lowerCtx, type LoweringLimits, type LoweringState } from './context.ts';
import { DENSE_RULES, type LowerRule } from './rules-dense.ts';
import { BALANCED_RULES } from './rules-balanced.ts';
import { MOE_RULES } from './rules-moe.ts';
import { MULTI_DEVICE_RULES } from './rules-multi-device.ts';
import { HIER_RULES } from './rules-hierarchical.ts';
import { LINEAR_CE_RULES } from './rules-linear-ce.ts';
import { TRAIN_RULES } from './rules-train.ts';
import { EXPERT_FFN_GRAD_RULES } from './rules-expert-ffn-grad.ts';

/** One lowering rule per op. */
export const LOWERING: { [O in OpName]: LowerRule<O> } = { ...DENSE_RULES, ...MOE_RULES, ...HIER_RULES, ...TRAIN_RULES, ...BALANCED_RULES, ...LINEAR_CE_RULES, ...MULTI_DEVICE_RULES, ...EXPERT_FFN_GRAD_RULES };

/** Limits of the adapter this repo targets (lavapipe): one storage binding ≤ 128 MiB. */
export const DEFAULT_LIMITS: LoweringLimits = { maxStorageBufferBindingSize: 128 * 1024 * 1024 };

/** Lowers `g` to a complete plan with kernel dispatches and a memory layout. */
export function lowerToWebGpu(g: Graph, limits: LoweringLimits = DEFAULT_LIMITS): Plan {
  const plan = buildPlan(g);
  const state: LoweringState = { sides: new Map(), constants: new Map(), consumers: consumers(g) };
  for (const step of plan.steps) {
    const rule = LOWERING[step.node.op] as LowerRule<OpName>;
    try {
      rule(step.node as Node<OpName>, lowerCtx(plan, step, limits, state));
    } catch (e) {
      const n = step.node;
      throw new Error(`lowering node #${n.id} ${n.op}${n.layer ? ` (layer ${n.layer})` : ''}: ${(e as Error).message}`, { cause: e });
    }
  }
  return finishPlan(plan, { maxArenaBytes: Math.min(DEFAULT_MAX_ARENA_BYTES, limits.maxBufferSize ?? DEFAULT_MAX_ARENA_BYTES) });
}
