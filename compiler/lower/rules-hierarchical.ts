/**
 * WebGPU lowering rules for the hierarchical MoE ops (paper App. B): `secondaryGating` is one
 * dispatch whose uniform is rebuilt per run (seed, step, mode), like the flat gating. The (row,
 * slot) pairs sorted by primary group (three dispatches, side buffers of the primary indices,
 * computed once per plan) and their list of groups with pairs (indirect grids) drive the per-group
 * sums: `hierLoadEstimate` is two dispatches (zeros, then the groups with pairs);
 * `hierLoadEstimateGrad` is three (per-group sums over the groups with pairs, the primary-load
 * gradient, the per-element clean/sigma gradient) and `secondaryGatingGrad` is three (per-(row, slot, j)
 * logit gradients into scratch, the weight gradients over each group's pairs, the input
 * gradient). When every reader of the weight gradients is a sparse update over the offsets of a
 * moeDispatch of the same primary indices (the optimizer pass's group banks), the weight-gradient
 * kernel runs over the groups with pairs only (indirect grid over their list) and leaves the other
 * groups' blocks unwritten. Kernels are in compiler/wgsl/hierarchical-*.ts.
 */
import { normalTableData } from '../wgsl/philox.ts';
import { secondaryGatingKernel, secondaryGatingProgram, secondaryUniformValues, type SecondaryGatingKernelOptions } from '../wgsl/hierarchical-gating.ts';
import { secondaryGatingGradInputKernel, secondaryGatingGradRowsKernel, secondaryGatingGradRowsProgram, secondaryGatingGradWeightsGroupsPer, secondaryGatingGradWeightsKernel } from '../wgsl/hierarchical-gating-grad.ts';
import { READS_ACTIVE_EXPERT_ROWS } from '../../ir/op-traits.ts';
import { activeGridOf, inactiveBlocksUnreadHere } from './expert-tiles.ts';
import { hierLoadGradPrimaryKernel, hierLoadGradRowsKernel, hierLoadGroupsPer, hierLoadKernel, hierLoadZeroKernel, type HierLoadKernelOptions } from '../wgsl/hierarchical-load.ts';
import { groupSortKernels, groupSortScratch } from '../wgsl/hierarchical-groups.ts';
import type { Node } from '../../ir/graph.ts';
import type { RunParams } from '../plan.ts';
import type { LowerCtx } from './context.ts';
import type { LowerRule } from './rules-dense.ts';

function gatingOptions(n: Node<'secondaryGating'> | Node<'secondaryGatingGrad'>, c: LowerCtx, run: RunParams): SecondaryGatingKernelOptions {
  const [N, D] = c.typeOf(c.input(0)).shape as [number, number];
  const p = n.params;
  return { N, D, a: p.a, b: p.b, k1: p.k1, k2: p.k2, noisy: p.noisy, eps: p.eps, stream: p.stream, rowOffset: p.rowOffset, seed: run.seed, step: run.step, train: run.training };
}

function loadOptions(n: Node<'hierLoadEstimate'> | Node<'hierLoadEstimateGrad'>, c: LowerCtx): HierLoadKernelOptions {
  const N = c.typeOf(c.input(1)).shape[0]!;
  const { a, b, k1, k2 } = n.params;
  return { N, a, b, k1, k2 };
}

/**
 * The (row, slot) pairs sorted by primary group — offsets [a+1] and pairs [N·k1] (i32), side
 * buffers of the primary-indices IR value `value` (plan buffer `buffer`), sorted on the device by
 * the first step that asks and shared by every later one (forward load, both gradients).
 */
function groupsOf(c: LowerCtx, value: number, buffer: number, N: number, k1: number, a: number): { groupOffsets: number; groupPairs: number } {
  const fresh = !c.hasSide(value, 'groupOffsets');
  const groupOffsets = c.side(value, 'groupOffsets', 'i32', a + 1);
  const groupPairs = c.side(value, 'groupPairs', 'i32', N * k1);
  if (fresh) {
    const o = { N, k1, a };
    const blockCounts = c.scratch('hierGroups.blockCounts', 'i32', groupSortScratch(o));
    const [count, scan, scatter] = groupSortKernels(o);
    c.emit(count, { primaryIndices: buffer, blockCounts });
    c.emit(scan, { blockCounts, offsets: groupOffsets });
    c.emit(scatter, { primaryIndices: buffer, blockCounts, offsets: groupOffsets, pairs: groupPairs });
  }
  return { groupOffsets, groupPairs };
}

/**
 * True when IR value `grad` (a [a, …] weight gradient of the node being lowered) is read only by
 * sparse updates (READS_ACTIVE_EXPERT_ROWS) over the offsets of a moeDispatch of IR value
 * `indices`, so its blocks for groups no pair chose are never read.
 */
function readOnlyAtChosenGroups(c: LowerCtx, grad: number, indices: number): boolean {
  const readers = c.consumersOf(grad);
  const first = readers[0];
  const t = first ? READS_ACTIVE_EXPERT_ROWS[first.op] : undefined;
  if (!first || !t) return false;
  const offsets = first.inputs[t.offsets]!;
  const dispatch = c.plan.graph.nodes.find((m) => m.op === 'moeDispatch' && m.outputs[2] === offsets);
  return dispatch !== undefined && dispatch.inputs[0] === indices && inactiveBlocksUnreadHere(c, grad, offsets);
}

/** Rules for the hierarchical MoE ops. */
export const HIER_RULES = {
  secondaryGating: (n, c) => {
    const bind: Record<string, number> = { x: c.input(0), wg2: c.input(1) };
    let next = 2;
    if (n.params.noisy) {
      bind.wn2 = c.input(next++);
      bind.normTables = c.constant('normTables', normalTableData());
    }
    bind.primaryIndices = c.input(next++);
    bind.primaryGates = c.input(next++);
    for (const [i, name] of (['indices', 'gates', 'clean', 'sigma', 'topValues', 'localIndices'] as const).entries()) bind[name] = c.output(i);
    // The program is built once; per run only its uniform block is packed.
    const program = secondaryGatingProgram(gatingOptions(n, c, c.run0));
    c.emit(secondaryGatingKernel(gatingOptions(n, c, c.run0)), bind, (run) => program.uniformData(secondaryUniformValues(gatingOptions(n, c, run)))!);
  },
  hierLoadEstimate: (n, c) => {
    const o = loadOptions(n, c);
    const [primaryLoad, primaryIndices, clean, sigma, topValues, localIndices] = [0, 1, 2, 3, 4, 5].map((i) => c.input(i)) as number[];
    const groups = groupsOf(c, n.inputs[1]!, primaryIndices!, o.N, o.k1, o.a);
    // Zeros everywhere, then the groups with pairs (their list and grid shared with the gradients).
    const { active, grid } = activeGridOf(c, n.inputs[1]!, groups.groupOffsets, o.a, hierLoadGroupsPer(o));
    c.emit(hierLoadZeroKernel(o), { load: c.output(0) });
    c.emit(hierLoadKernel(o, true), { primaryLoad: primaryLoad!, ...groups, activeList: active, clean: clean!, sigma: sigma!, topValues: topValues!, localIndices: localIndices!, load: c.output(0) }, undefined, grid);
  },
  hierLoadEstimateGrad: (n, c) => {
    const o = loadOptions(n, c);
    const [primaryLoad, primaryIndices, clean, sigma, topValues, localIndices, dout] = [0, 1, 2, 3, 4, 5, 6].map((i) => c.input(i)) as number[];
    const ins = { primaryLoad: primaryLoad!, primaryIndices: primaryIndices!, clean: clean!, sigma: sigma!, topValues: topValues!, localIndices: localIndices! };
    const groupLoad = c.scratch('hierLoad.groupLoad', 'f32', o.a * o.b);
    const groups = groupsOf(c, n.inputs[1]!, primaryIndices!, o.N, o.k1, o.a);
    // The per-group sums over the groups with pairs only (their list and grid shared by every reader of these offsets).
    const { active, grid } = activeGridOf(c, n.inputs[1]!, groups.groupOffsets, o.a, hierLoadGroupsPer(o));
    c.emit(hierLoadKernel(o, false), { ...groups, activeList: active, clean: clean!, sigma: sigma!, topValues: topValues!, localIndices: localIndices!, groupLoad }, undefined, grid);
    c.emit(hierLoadGradPrimaryKernel(o), { dout: dout!, groupLoad, groupOffsets: groups.groupOffsets, dprimaryLoad: c.output(0) });
    c.emit(hierLoadGradRowsKernel(o), { ...ins, dout: dout!, groupOffsets: groups.groupOffsets, dclean: c.output(1), dsigma: c.output(2) });
  },
  secondaryGatingGrad: (n, c) => {
    const p = n.params;
    const x = c.input(0);
    const wg2 = c.input(1);
    let next = 2;
    const wn2 = p.noisy ? c.input(next++) : undefined;
    const [primaryIndices, primaryGates, topValues, localIndices, dgates, dclean, dsigma] = [0, 1, 2, 3, 4, 5, 6].map((i) => c.input(next + i)) as number[];
    const [N] = c.typeOf(x).shape as [number, number];
    const rows = N * p.k1 * p.b;
    const dC = c.scratch('secondaryGatingGrad.dC', 'f32', rows);
    const dR = p.noisy ? c.scratch('secondaryGatingGrad.dR', 'f32', rows) : undefined;
    const noisyBind = (extra: Record<string, number>): Record<string, number> => (p.noisy ? extra : {});
    const rowsProgram = secondaryGatingGradRowsProgram(gatingOptions(n, c, c.run0));
    c.emit(
      secondaryGatingGradRowsKernel(gatingOptions(n, c, c.run0)),
      {
        x,
        ...noisyBind({ wn2: wn2!, normTables: c.constant('normTables', normalTableData()), dR: dR! }),
        primaryIndices: primaryIndices!, primaryGates: primaryGates!, topValues: topValues!, localIndices: localIndices!,
        dgates: dgates!, dclean: dclean!, dsigma: dsigma!, dprimaryGates: c.output(p.noisy ? 3 : 2), dC,
      },
      (run) => rowsProgram.uniformData(secondaryUniformValues(gatingOptions(n, c, run)))!,
    );
    const o = gatingOptions(n, c, c.run0);
    const groups = groupsOf(c, n.inputs[next]!, primaryIndices!, N, p.k1, p.a);
    const weightBind = { x, ...groups, dC, dwg2: c.output(1), ...noisyBind({ dR: dR!, dwn2: c.output(2) }) };
    const grads = p.noisy ? [n.outputs[1]!, n.outputs[2]!] : [n.outputs[1]!];
    if (grads.every((v) => readOnlyAtChosenGroups(c, v, n.inputs[next]!))) {
      const { active, grid } = activeGridOf(c, n.inputs[next]!, groups.groupOffsets, p.a, secondaryGatingGradWeightsGroupsPer(o));
      c.emit(secondaryGatingGradWeightsKernel(o, true), { ...weightBind, activeList: active }, undefined, grid);
    } else {
      c.emit(secondaryGatingGradWeightsKernel(o), weightBind);
    }
    c.emit(secondaryGatingGradInputKernel(o), { wg2, primaryIndices: primaryIndices!, dC, dx: c.output(0), ...noisyBind({ wn2: wn2!, dR: dR! }) });
  },
} satisfies { [O in 'secondaryGating' | 'hierLoadEstimate' | 'secondaryGatingGrad' | 'hierLoadEstimateGrad']: LowerRule<O> };
