/**
 * The partitioning pass (the paper's §3.1): turns a forward graph traced at the per-device batch
 * (B/N of the batch B) into device d's program. Non-expert layers and the gating stay
 * data-parallel: they run as traced on the device's slice, and their random draws are rewritten to
 * draw at the slice's GLOBAL rows (shardDropout, shardRandomNormal as the gating's explicit noise),
 * so N devices draw exactly what one device draws. Experts become model-parallel: device d keeps
 * experts [d·m, (d+1)·m) (m = n/N, contiguous) as parameters of shape [m, …]; after each moeDispatch
 * an allToAllDispatch sends every slot's row to the device of its expert (the dispatch offsets, i.e.
 * the counts per destination, stay on the device and are read by the exchange itself), the receiver
 * runs its experts over everything it received — the combined batch of all devices — and an
 * allToAllReturn brings the outputs back to their slots before the (unchanged) combine. Sums over
 * the batch (importance, load, `sum`) are all-reduced (a fixed tree over the devices) before anything reads them,
 * and the task loss (a mean over rows) is scaled by 1/N and all-reduced, so every device computes
 * the loss, CV² values and balancing losses of the WHOLE batch. The backward pass is derived later
 * by autodiff from these ops' vjp rules (passes/vjp/multi-device.ts). The rules per op are in
 * ./rules.ts; ops it cannot split yet (hierarchical, strictly balanced) are refused with the reason.
 * The graph's meta records the partition (`meta.partition`) for the compiler and the runtime.
 */
import { asOp, describeNode, GraphBuilder, type Graph, type Node, type NodeTag } from '../../ir/graph.ts';
import { numel, tensorType } from '../../ir/types.ts';
import type { Pass } from '../pass.ts';
import { PARTITION_RULES } from './rules.ts';

/** Where this device sits in the partition. */
export interface PartitionOptions {
  readonly devices: number;
  readonly device: number;
  /** The global batch B (the graph was traced at B/devices). */
  readonly batch: number;
}

/** What the pass records in `graph.meta.partition`. */
export interface PartitionMeta {
  readonly devices: number;
  readonly device: number;
  readonly batch: number;
  readonly localBatch: number;
  /** Expert parameters, now [m, …] slices: name → { experts n, perDevice m }. */
  readonly expertParams: Readonly<Record<string, { readonly experts: number; readonly perDevice: number }>>;
  /** Outputs that hold this device's rows (concatenated over devices); the others are replicated. */
  readonly splitOutputs: readonly string[];
  /** The MoE layers exchanged: layer name, experts, slots per device (S = local rows · k), row widths. */
  readonly exchanges: readonly { readonly layer: string; readonly experts: number; readonly slots: number; readonly width: number; readonly outWidth: number; readonly pairs: number }[];
}

/** Name suffix of a sliced parameter while the old one is still declared. */
const SLICE = '#slice';

const tagOf = (n: Node): NodeTag => ({
  ...(n.layer !== undefined ? { layer: n.layer } : {}),
  ...(n.instance !== undefined ? { instance: n.instance } : {}),
  ...(n.phase !== undefined ? { phase: n.phase } : {}),
});

/** Partitions `g` (traced at batch B/devices) for one device; see the file comment. */
export function partition(g: Graph, o: PartitionOptions): Graph {
  const { devices, device, batch } = o;
  if (!Number.isInteger(devices) || devices < 1) throw new Error(`partition: devices must be a positive integer, got ${devices}`);
  if (!(Number.isInteger(device) && device >= 0 && device < devices)) throw new Error(`partition: device must be in [0, ${devices}), got ${device}`);
  if (batch % devices !== 0) throw new Error(`partition: the batch B = ${batch} is not divisible by ${devices} devices; use a batch that is a multiple of the device count`);
  const Bl = batch / devices;
  const rowMap = { rowBlock: Bl, rowStride: batch, shardOffset: device * Bl };
  const b = GraphBuilder.from(g);
  const split = new Set<number>(g.inputs.filter((i) => i.role === 'input').map((i) => i.value));
  const sliced = new Map<number, number>(); // full expert param value → its [m, …] slice
  const expertParams: Record<string, { experts: number; perDevice: number }> = {};
  const exchanges: { layer: string; experts: number; slots: number; width: number; outWidth: number; pairs: number }[] = [];
  const pairsOf = new Map<number, number>(); // routing indices with padding (expert −1) → real (row, expert) pairs of the whole batch
  const handled = new Set<number>(); // expert nodes rewritten with their dispatch
  const drop: number[] = [];
  const inputNames = new Map(g.inputs.map((i) => [i.value, i]));
  const renamed = new Map<number, number>(); // original value → the value that now stands for it
  const cur = (v: number): number => renamed.get(v) ?? v;
  const redirect = (from: number, to: number, isSplit: boolean): void => {
    b.replaceAllUses(from, to);
    renamed.set(from, to);
    if (isSplit) split.add(to);
  };

  const rowsOf = (v: number, where: Node): number => {
    const s = g.values.get(v)!.type.shape;
    const rows = s.length <= 1 ? 1 : numel(s.slice(0, -1));
    if (rows % Bl !== 0) throw new Error(`partition: ${describeNode(where)} draws random numbers for ${rows} rows, not a multiple of the device batch ${Bl}; its rows must be laid out (…, batch)`);
    return rows;
  };
  const sliceParam = (v: number, n: number, m: number, where: Node): number => {
    const have = sliced.get(v);
    if (have !== undefined) return have;
    const inp = inputNames.get(v);
    const t = g.values.get(v)!.type;
    if (!inp || inp.role !== 'param' || t.shape[0] !== n) {
      throw new Error(`partition: ${describeNode(where)} reads expert weights %${v} that are not a parameter bank [${n}, …]; only parameter banks can be split over devices`);
    }
    const nv = b.addInput(inp.name + SLICE, tensorType(t.dtype, [m, ...t.shape.slice(1)]), 'param', inp.init);
    sliced.set(v, nv);
    expertParams[inp.name] = { experts: n, perDevice: m };
    return nv;
  };

  for (const node of g.nodes) {
    const kind = PARTITION_RULES[node.op];
    const anySplit = node.inputs.some((v) => split.has(cur(v)));
    const markSplit = (): void => {
      if (anySplit) for (const out of node.outputs) split.add(out);
    };
    if (typeof kind === 'object') throw new Error(`partition: ${describeNode(node)}: ${kind.refuse}`);
    switch (kind) {
      case 'gradient':
        throw new Error(`partition: ${describeNode(node)} is a gradient/update op; partition the forward graph, then differentiate`);
      case 'collective':
        throw new Error(`partition: ${describeNode(node)}: the graph is already partitioned`);
      case 'replicated':
        if (anySplit) throw new Error(`partition: ${describeNode(node)} reads a value that differs per device (a per-row or partial value); only replicated values may feed it`);
        break;
      case 'local':
        markSplit();
        break;
      case 'random': {
        markSplit();
        if (!anySplit) break; // replicated draws stay identical on every device
        const tag = tagOf(node);
        if (node.op === 'dropout') {
          const p = asOp(node, 'dropout').params;
          rowsOf(node.inputs[0]!, node);
          const y = b.add1('shardDropout', { rate: p.rate, stream: p.stream, ...rowMap }, [node.inputs[0]!], tag);
          redirect(node.outputs[0]!, y, true);
          drop.push(node.id);
        } else if (node.op === 'randomNormal') {
          const p = asOp(node, 'randomNormal').params;
          const z = b.add1('shardRandomNormal', { shape: p.shape, stream: p.stream, rowOffset: p.rowOffset, ...rowMap }, [], tag);
          redirect(node.outputs[0]!, z, true);
          drop.push(node.id);
        } else if (node.op === 'gating') {
          const p = asOp(node, 'gating').params;
          if (!p.noisy || p.explicitNoise) break;
          const N = g.values.get(node.inputs[0]!)!.type.shape[0]!;
          const n = g.values.get(node.inputs[1]!)!.type.shape[1]!;
          if (N % Bl !== 0) throw new Error(`partition: ${describeNode(node)} gates ${N} rows, not a multiple of the device batch ${Bl}`);
          const z = b.add1('shardRandomNormal', { shape: [N, n], stream: p.stream, rowOffset: p.rowOffset, ...rowMap }, [], tag);
          const outs = b.addNode('gating', { ...p, explicitNoise: true }, [...node.inputs, z], tag);
          node.outputs.forEach((v, i) => redirect(v, outs[i]!, true));
          drop.push(node.id);
        } else if (node.op === 'secondaryGating') {
          // Its noise is drawn inside at rowOffset + r, contiguous rows: one instance per timestep block of
          // the device's rows (global rows G(rowOffset + t·Bl) … + Bl − 1 are contiguous), stacked back.
          const p = asOp(node, 'secondaryGating').params;
          if (p.a % devices !== 0) {
            throw new Error(`partition: ${describeNode(node)}: ${p.a} groups cannot be split over ${devices} devices as whole groups (each device holds whole secondary groups); use a device count that divides ${p.a}`);
          }
          const R = g.values.get(node.inputs[0]!)!.type.shape[0]!;
          if (R % Bl !== 0 || p.rowOffset % Bl !== 0) throw new Error(`partition: ${describeNode(node)} gates ${R} rows from row ${p.rowOffset}; both must be multiples of the device batch ${Bl}`);
          const T = R / Bl;
          const ins = node.inputs.map(cur);
          const blocks = (v: number): number => {
            const s = b.typeOf(v).shape;
            return b.add1('reshape', { shape: [T, Bl, ...s.slice(1)] }, [v], tag);
          };
          const x3 = blocks(ins[0]!);
          const wIns = ins.slice(1, ins.length - 2);
          const pi3 = blocks(ins[ins.length - 2]!);
          const pg3 = blocks(ins[ins.length - 1]!);
          const per: number[][] = [];
          for (let t = 0; t < T; t++) {
            const sel = (v: number): number => b.add1('select0', { index: t }, [v], tag);
            const rowOffset = rowMap.shardOffset + Math.floor((p.rowOffset + t * Bl) / Bl) * batch;
            per.push(b.addNode('secondaryGating', { ...p, rowOffset }, [sel(x3), ...wIns, sel(pi3), sel(pg3)], tag));
          }
          node.outputs.forEach((v, k) => {
            const st = b.add1('stack0', {}, per.map((o) => o[k]!), tag);
            const s = b.typeOf(st).shape;
            redirect(v, b.add1('reshape', { shape: [R, ...s.slice(2)] }, [st], tag), true);
          });
          drop.push(node.id);
        }
        break;
      }
      case 'gathered': {
        if (!anySplit) break;
        // Strictly balanced gating ranks each expert's rows over the whole batch: gather the rows (in the one-device
        // order, so ties break the same way), gate them on every device, keep this device's rows; m is the batch's.
        const p = asOp(node, 'balancedGating').params;
        const tag = tagOf(node);
        const [x, ...rest] = node.inputs.map(cur) as [number, ...number[]];
        const xg = b.add1('allGatherRows', { devices, rowBlock: Bl, rowStride: batch, shardOffset: rowMap.shardOffset }, [x], tag);
        const outs = b.addNode('balancedGating', { ...p, m: p.m * devices }, [xg, ...rest], tag);
        node.outputs.forEach((v, k) => {
          if (k === 3) redirect(v, outs[k]!, false); // the load: rows per expert of the whole batch, replicated
          else redirect(v, b.add1('shardRows', rowMap, [outs[k]!], tag), true);
          if (k === 0) pairsOf.set(cur(v), p.m * devices * p.n); // exactly m rows per expert over the batch
        });
        drop.push(node.id);
        break;
      }
      case 'thresholdLoss': {
        if (!anySplit) break;
        const tag = tagOf(node);
        const v = node.outputs[0]!;
        const all = b.add1('allReduceSum', { devices }, [v], tag);
        const allNode = b.lastNodeId();
        for (const r of g.nodes.filter((n) => n.inputs.includes(v))) {
          if (r.op !== 'scale') throw new Error(`partition: ${describeNode(r)} reads the threshold loss; only its mean over the rows (a scale) is expected`);
          // The frontend's mean divides by the rows it was traced with (B/N per device): rescale to the whole batch.
          const scaled = b.add1('scale', { value: asOp(r, 'scale').params.value / devices }, [all], tagOf(r));
          redirect(r.outputs[0]!, scaled, false);
          drop.push(r.id);
        }
        b.rewireInputs((r) => r.id !== allNode, v, all);
        for (const out of g.outputs) if (out.value === v) b.setOutput(out.name, all);
        renamed.set(v, all);
        break;
      }
      case 'hierLoad': {
        if (!anySplit) break;
        // hierLoad = primaryLoad[g]·L_gj/c_g with L, c sums over the batch: this device's L_d comes from the op itself fed
        // its own group counts c_d as the primary load (c_d·L_d/c_d), both are all-reduced, then combined.
        const p = asOp(node, 'hierLoadEstimate').params;
        const tag = tagOf(node);
        const [pl, pIdx, ...rest] = node.inputs.map(cur) as [number, number, ...number[]];
        const rowsK = b.typeOf(pIdx).shape;
        const counts = b.add1('importance', { n: p.a }, [b.add1('fill', { shape: [...rowsK], value: 1 }, [], tag), pIdx], tag);
        const Ld = b.add1('hierLoadEstimate', p, [counts, pIdx, ...rest], tag);
        const L = b.add1('allReduceSum', { devices }, [Ld], tag);
        const c = b.add1('allReduceSum', { devices }, [counts], tag);
        redirect(node.outputs[0]!, b.add1('hierLoadCombine', { a: p.a, b: p.b }, [pl, L, c], tag), false);
        drop.push(node.id);
        break;
      }
      case 'batchSum':
      case 'batchMean': {
        if (!anySplit) break;
        const tag = tagOf(node);
        node.outputs.forEach((v) => {
          const v0 = cur(v);
          const part = kind === 'batchMean' ? b.add1('scale', { value: 1 / devices }, [v0], tag) : v0;
          const partNode = b.lastNodeId();
          const all = b.add1('allReduceSum', { devices }, [part], tag);
          const allNode = b.lastNodeId();
          b.rewireInputs((r) => r.id !== allNode && r.id !== partNode, v0, all);
          for (const out of g.outputs) if (out.value === v) b.setOutput(out.name, all);
          renamed.set(v, all);
        });
        break;
      }
      case 'experts':
        if (!handled.has(node.id)) throw new Error(`partition: ${describeNode(node)} does not read the outputs of a moeDispatch; expert ops can only be split after a dispatch`);
        break;
      case 'dispatch': {
        markSplit();
        if (!anySplit) break;
        const n = asOp(node, 'moeDispatch').params.n;
        if (n % devices !== 0) throw new Error(`partition: ${describeNode(node)}: ${n} experts cannot be split evenly over ${devices} devices; use a device count that divides ${n}`);
        const m = n / devices;
        const [src, pos, off] = node.outputs as [number, number, number];
        const readers = g.nodes.filter((r) => r.inputs.includes(src) || r.inputs.includes(off));
        const tag = tagOf(node);
        const S = g.values.get(src)!.type.shape[0]!;
        // The first expert op reads the rows: expertFfn or expertHidden (x, sourceRow, offsets, …).
        const first = readers.find((r) => r.op === 'expertFfn' || r.op === 'expertHidden');
        if (!first || readers.some((r) => PARTITION_RULES[r.op] !== 'experts')) {
          throw new Error(`partition: ${describeNode(node)}: its slots are read by ${readers.map((r) => r.op).join(', ')}; only expertFfn / expertHidden → expertOutput can be split over devices`);
        }
        const x = first.inputs[0]!;
        const width = g.values.get(x)!.type.shape[1]!;
        const p = { devices, device, experts: n };
        // The rows x are laid out (…, batch): blocks of Bl local rows, block t holding global rows t·B + device·Bl + …; the
        // receiver orders each expert's rows by global row (block, source device, slot), the one-device order.
        const M = g.values.get(x)!.type.shape[0]!;
        const blocks = M % Bl === 0 ? M / Bl : 1;
        const [xr, er, counts] = b.addNode('allToAllDispatch', { ...p, gather: true, rowBlock: M % Bl === 0 ? Bl : Math.max(M, 1), blocks }, [x, src, off], tag) as [number, number, number];
        const [srcR, , offR] = b.addNode('moeDispatch', { n: m }, [er], tag) as [number, number, number];
        let yLocal: number;
        let yOld: number;
        if (first.op === 'expertFfn') {
          const [, , , w1, b1, w2, b2] = first.inputs as number[];
          const ws = [w1!, b1!, w2!, b2!].map((w) => sliceParam(w, n, m, first));
          yLocal = b.add1('expertFfn', {}, [xr, srcR, offR, ...ws], tagOf(first));
          yOld = first.outputs[0]!;
          handled.add(first.id);
          drop.push(first.id);
        } else {
          const [, , , w1, b1] = first.inputs as number[];
          const h = b.add1('expertHidden', {}, [xr, srcR, offR, sliceParam(w1!, n, m, first), sliceParam(b1!, n, m, first)], tagOf(first));
          const second = readers.find((r) => r.op === 'expertOutput' && r.inputs[0] === first.outputs[0]);
          if (!second || readers.length !== 2) throw new Error(`partition: ${describeNode(first)}: expected exactly one expertOutput reading its hidden rows and the dispatch offsets`);
          const [, , w2, b2] = second.inputs as number[];
          yLocal = b.add1('expertOutput', {}, [h, offR, sliceParam(w2!, n, m, second), sliceParam(b2!, n, m, second)], tagOf(second));
          yOld = second.outputs[0]!;
          handled.add(first.id).add(second.id);
          drop.push(first.id, second.id);
        }
        const y = b.add1('allToAllReturn', p, [yLocal, counts, off], tag);
        redirect(yOld, y, true);
        const pairs = pairsOf.get(cur(node.inputs[0]!)) ?? S * devices; // top-k routing fills every slot
        exchanges.push({ layer: node.layer ?? `#${node.id}`, experts: n, slots: S, width, outWidth: g.values.get(yOld)!.type.shape[1]!, pairs });
        void pos;
        break;
      }
    }
  }
  b.removeNodes(drop);
  b.removeUnusedInputs();
  const out = b.finish();
  const splitOutputs = g.outputs.filter((o) => split.has(cur(o.value))).map((o) => o.name);
  const meta: PartitionMeta = { devices, device, batch, localBatch: Bl, expertParams, splitOutputs, exchanges };
  return {
    ...out,
    inputs: out.inputs.map((i) => (i.name.endsWith(SLICE) ? { ...i, name: i.name.slice(0, -SLICE.length) } : i)),
    meta: { ...out.meta, partition: meta },
  };
}

/** The partition as a pass. */
export function partitionPass(o: PartitionOptions): Pass {
  return { name: `partition(device ${o.device} of ${o.devices})`, run: (g) => partition(g, o) };
}
