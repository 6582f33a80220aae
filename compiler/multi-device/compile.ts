/**
 * Compiling a model for N devices (expert parallelism, the paper's §3.1). The model is traced at the
 * per-device batch B/N (its option `B`), every device's program is made by the same pass list with
 * the partition pass in it — forward: the forward pipeline, then `partition(d, N)`; training: the
 * forward pipeline, the expert-FFN split (recompute 'none' only), `partition`, autodiff, the
 * replicated gradients' all-reduce, the linear-CE pairing, recompute, the optimizer — and each program is planned (buffers, pooled temporaries,
 * peak bytes). The result says how every input and output is laid out over the devices (a slice of
 * the batch, a slice of the experts, or replicated), which is all a runtime needs to feed the
 * programs and put their results back together.
 */
import type { Graph } from '../../ir/graph.ts';
import type { TensorType } from '../../ir/types.ts';
import { resolveOptions, traceModel, type Model, type ModelOptions } from '../../frontend/model.ts';
import { autodiffPass } from '../../passes/autodiff.ts';
import { dce } from '../../passes/dce.ts';
import { inferShapes } from '../../passes/infer-shapes.ts';
import { optimizerPass } from '../../passes/optimizer.ts';
import { pairLinearCrossEntropyPass } from '../../passes/pair-linear-cross-entropy.ts';
import { createPassContext, PassManager, type Pass } from '../../passes/pass.ts';
import { allReduceGradientsPass } from '../../passes/partition/all-reduce-grads.ts';
import { partitionPass, type PartitionMeta } from '../../passes/partition/partition.ts';
import { recomputePass } from '../../passes/recompute.ts';
import { splitExpertFfnPass } from '../../passes/split-expert-ffn.ts';
import { buildPlan, finishPlan, type Plan } from '../plan.ts';
import { EXECUTION_PASSES, PIPELINE } from '../pipeline.ts';
import type { TrainingOptions } from '../train-pipeline.ts';

/** How one named input or output is laid out over the devices. */
export type Sharding =
  | { readonly kind: 'replicated' }
  /** Device d holds the slice d·size/N … of this axis (the batch). */
  | { readonly kind: 'batch'; readonly axis: number }
  /** Device d holds experts d·m … (d+1)·m − 1 along axis 0. */
  | { readonly kind: 'experts' };

/** N per-device programs and how their inputs/outputs map to the one-device ones. */
export interface MultiDeviceProgram {
  readonly devices: number;
  readonly training: boolean;
  readonly graphs: readonly Graph[];
  readonly plans: readonly Plan[];
  /** Device 0's partition record (the others differ only in `device`). */
  readonly partition: PartitionMeta;
  readonly inputs: Readonly<Record<string, Sharding>>;
  readonly outputs: Readonly<Record<string, Sharding>>;
  /** The model options the programs were traced with (B is the global batch). */
  readonly options: ModelOptions;
}

/** Options of `compileMultiDevice`. */
export interface MultiDeviceOptions {
  readonly devices: number;
  /** Compile a training step (default: a forward pass). */
  readonly training?: TrainingOptions;
}

/** The passes of device `device`'s program. */
export function multiDevicePipeline(devices: number, device: number, batch: number, training?: TrainingOptions): readonly Pass[] {
  const part = partitionPass({ devices, device, batch });
  if (!training) return [...PIPELINE, part, dce, inferShapes, ...EXECUTION_PASSES];
  // The one-device training pipeline (compiler/train-pipeline.ts) with the partition before autodiff and the replicated
  // gradients' all-reduce after it: the expert FFN is split only under recompute 'none' (else expertFfnGrad recomputes
  // it tile by tile), so every device runs the one-device kernels and their reduction orders.
  const split = training.recompute === 'none' ? [splitExpertFfnPass] : [];
  return [
    ...PIPELINE, ...split, part, autodiffPass, allReduceGradientsPass, pairLinearCrossEntropyPass,
    recomputePass(training.recompute), optimizerPass(training.optimizer), dce, inferShapes, ...EXECUTION_PASSES,
  ];
}

/** The axis along which `local` and `probe` (traced at twice the device batch) differ by 2×, or -1. */
function batchAxis(local: TensorType, probe: TensorType): number {
  return local.shape.findIndex((s, i) => probe.shape[i] === 2 * s && s > 0);
}

/** Compiles `model` (with `overrides`) into one program per device. */
export function compileMultiDevice(model: Model, overrides: Readonly<Record<string, unknown>>, o: MultiDeviceOptions): MultiDeviceProgram {
  const options = resolveOptions(model, overrides);
  const N = o.devices;
  if (!Number.isInteger(N) || N < 1) throw new Error(`--devices must be a positive integer, got ${N}`);
  const B = options['B'];
  if (typeof B !== 'number') throw new Error(`model '${model.name}' has no numeric batch option 'B'; multi-device compilation splits the batch B over the devices`);
  if (B % N !== 0) throw new Error(`the batch B = ${B} cannot be split over ${N} devices; use --set B=<a multiple of ${N}> or another device count`);
  const Bl = B / N;
  const local = traceModel(model, { ...overrides, B: Bl });
  const probe = traceModel(model, { ...overrides, B: 2 * Bl });
  const graphs = Array.from({ length: N }, (_, d) => {
    const pm = new PassManager(multiDevicePipeline(N, d, B, o.training));
    return pm.run(local, createPassContext()).graph;
  });
  const partition = graphs[0]!.meta.partition as PartitionMeta;
  const typeIn = (g: Graph, name: string): TensorType | undefined => {
    const i = g.inputs.find((x) => x.name === name);
    return i ? g.values.get(i.value)!.type : undefined;
  };
  const typeOut = (g: Graph, name: string): TensorType | undefined => {
    const x = g.outputs.find((y) => y.name === name);
    return x ? g.values.get(x.value)!.type : undefined;
  };
  const g0 = graphs[0]!;
  const inputs: Record<string, Sharding> = {};
  for (const i of g0.inputs) {
    const owner = i.name.includes(':') ? i.name.slice(i.name.indexOf(':') + 1) : i.name; // opt.vr:moe0.w1 → moe0.w1
    if (i.role === 'input') {
      const l = typeIn(local, i.name);
      const p = typeIn(probe, i.name);
      const axis = l && p ? batchAxis(l, p) : -1;
      if (axis < 0) throw new Error(`input '${i.name}' does not scale with the batch B; multi-device programs need every data input to hold a slice of the batch`);
      inputs[i.name] = { kind: 'batch', axis };
    } else if (i.name in partition.expertParams || (i.role === 'state' && owner in partition.expertParams && g0.values.get(i.value)!.type.shape[0] === partition.expertParams[owner]!.perDevice)) {
      inputs[i.name] = { kind: 'experts' };
    } else inputs[i.name] = { kind: 'replicated' };
  }
  const outputs: Record<string, Sharding> = {};
  for (const out of g0.outputs) {
    if (out.name.startsWith('update:')) {
      outputs[out.name] = inputs[out.name.slice(7)] ?? { kind: 'replicated' };
      continue;
    }
    if (!partition.splitOutputs.includes(out.name)) {
      outputs[out.name] = { kind: 'replicated' };
      continue;
    }
    const l = typeOut(local, out.name);
    const p = typeOut(probe, out.name);
    const axis = l && p ? batchAxis(l, p) : -1;
    if (axis < 0) throw new Error(`output '${out.name}' differs per device but does not scale with the batch; it cannot be put back together`);
    outputs[out.name] = { kind: 'batch', axis };
  }
  const plans = graphs.map((g) => finishPlan(buildPlan(g)));
  const same = plans.every((p) => p.steps.length === plans[0]!.steps.length && p.steps.every((s, k) => s.node.op === plans[0]!.steps[k]!.node.op));
  if (!same) throw new Error('multi-device compilation: the device programs differ in their steps (they must run the same collectives in the same order)');
  return { devices: N, training: o.training !== undefined, graphs, plans, partition, inputs, outputs, options: { ...options } };
}

/** The full (one-device) type of a per-device type under a sharding. */
export function fullType(t: TensorType, s: Sharding, devices: number): TensorType {
  if (s.kind === 'replicated') return t;
  const axis = s.kind === 'batch' ? s.axis : 0;
  return { dtype: t.dtype, shape: t.shape.map((d, i) => (i === axis ? d * devices : d)) };
}

