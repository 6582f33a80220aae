/**
 * After autodiff on a partitioned program: each device's gradient of a REPLICATED parameter (every
 * non-expert layer and the gating) is only its slice's contribution, so it is summed over the
 * devices with allReduceSum (the pairwise tree over devices 0, 1, …: the same bits on every device, so the replicas
 * stay identical after their updates). Expert parameter slices (meta.partition.expertParams) are
 * not reduced: their gradients already cover every row any device routed to them. Runs between
 * autodiff and the optimizer pass, which then updates each parameter where it lives.
 */
import { GraphBuilder, type Graph } from '../../ir/graph.ts';
import type { Pass } from '../pass.ts';
import type { PartitionMeta } from './partition.ts';

/** Inserts the gradient all-reduces; throws when `g` was not partitioned. */
export function allReduceReplicatedGradients(g: Graph): Graph {
  const meta = g.meta.partition as PartitionMeta | undefined;
  if (!meta) throw new Error('allReduceGradients: the graph has no partition (run the partition pass before autodiff)');
  const b = GraphBuilder.from(g);
  for (const o of g.outputs) {
    if (!o.name.startsWith('grad:')) continue;
    const param = o.name.slice(5);
    if (param in meta.expertParams) continue;
    b.setOutput(o.name, b.add1('allReduceSum', { devices: meta.devices }, [o.value], { layer: param.split('.')[0]!, phase: 'backward' }));
  }
  return b.finish();
}

/** The pass. */
export const allReduceGradientsPass: Pass = { name: 'allReduceGradients', run: (g) => allReduceReplicatedGradients(g) };
