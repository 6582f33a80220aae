/**
 * The vjp table: one rule per op, assembled from the family files (dense, shape, sequence, moe,
 * and nondiff for the gradient/optimizer ops, which refuse). Typed as the mapped `VjpTable`, so an
 * op added to ir/ops.ts fails to compile here until some family file gives it a rule.
 */
import { BALANCED_VJP } from './balanced.ts';
import { DENSE_VJP } from './dense.ts';
import { HIER_VJP } from './hierarchical.ts';
import { LINEAR_CE_VJP } from './linear-ce.ts';
import { MOE_VJP } from './moe.ts';
import { MULTI_DEVICE_VJP } from './multi-device.ts';
import { NONDIFF_VJP } from './nondiff.ts';
import { SEQUENCE_VJP } from './sequence.ts';
import { SHAPE_VJP } from './shape.ts';
import type { VjpTable } from './types.ts';

export type { VjpArgs, VjpRule, VjpTable } from './types.ts';
export { VjpBuilder } from './types.ts';

/** Every op's vjp rule. */
export const VJP: VjpTable = { ...DENSE_VJP, ...SHAPE_VJP, ...SEQUENCE_VJP, ...MOE_VJP, ...HIER_VJP, ...BALANCED_VJP, ...NONDIFF_VJP, ...LINEAR_CE_VJP, ...MULTI_DEVICE_VJP };
