/**
 * WebGPU lowering rules for the Mixture-of-Experts ops: fused gating (one dispatch; its uniform is
 * rebuilt per run with the seed, step and mode), the balance statistics (importance in two
 * dispatches through a per-(block, expert) partials scratch, or for few slots and many experts a
 * zero-fill and a per-slot sparse sum, wgsl/moe-stats-sparse.ts), the device-side radix sort of the
 * routing pairs (O(N·k + n), compiler/wgsl/dispatch.ts) whose tile map and real tile count (side
 * buffers of the offsets value, expert-tiles.ts) drive the expert FFN — two grouped GEMMs through
 * an [S, H] scratch, or, in a training step whose backward is expertFfnGrad, one fused kernel per
 * row tile that keeps the hidden activations in workgroup memory H chunk by chunk
 * (wgsl/expert-fused.ts; at ≤ 8 rows per tile the batched GEMV of wgsl/expert-gemv.ts), so no
 * [S, H] buffer exists — and the gather combine. Expert banks larger
 * than one storage binding are split at
 * expert boundaries into up to four parts, bound as separate weight banks.
 */
import { normalTableData } from '../wgsl/philox.ts';
import { combineKernel } from '../wgsl/combine.ts';
import { dispatchSortScratch, dispatchSortSteps, type DispatchBufferName } from '../wgsl/dispatch.ts';
import { EXPERT_TILE_ROWS, expertFfnKernels, expertTileRows, expertTiling, groupedGemmColBlocks } from '../wgsl/expert-ffn.ts';
import { DEFAULT_ROWS_TILING, rowsGemmApplies, rowsGemmColBlocks, rowsGemmKernel, SUBGROUP_ROWS_TILING } from '../wgsl/expert-rows.ts';
import type { Kernel } from '../wgsl/kernel.ts';
import { planSlots, tileGridOf, tileMapOf } from './expert-tiles.ts';
import { expertFfnFusedKernel } from '../wgsl/expert-fused.ts';
import { expertGemvForwardKernel, useExpertGemv } from '../wgsl/expert-gemv.ts';
import { gatingKernel, gatingProgram, gatingUniformValues } from '../wgsl/gating.ts';
import { GATING_GEMM_MIN_EXPERTS, gatingRowsKernel, gatingRowsProgram, gatingRowsUniformValues } from '../wgsl/gating-rows.ts';
import { gemm } from './gemm.ts';
import { batchChunksOf } from './batch-chunks.ts';
import { cvSquaredVectorKernel, importanceKernel, importancePartials, loadEstimateKernel } from '../wgsl/moe-stats.ts';
import { importanceSparseApplies, importanceSparseKernels, loadEstimateSerialApplies, loadEstimateSerialKernel } from '../wgsl/moe-stats-sparse.ts';
import { noiseStdKernel, randomNormalKernel } from '../wgsl/random.ts';
import { topkKernel } from '../wgsl/topk.ts';
import type { PartRef, RunParams } from '../plan.ts';
import { splitAdvice } from './bank-advice.ts';
import type { LowerCtx } from './context.ts';
import type { LowerRule } from './rules-dense.ts';
import { tileCountOf } from './expert-tiles.ts';
import { dispatchActiveList } from './active.ts';

/** How many storage bindings the forward expert FFN splits one expert bank over. */
export const MAX_BANKS = 4;

/** Splits `n` experts of `bytesPerExpert` each into ≤ 4 banks that each fit one binding. */
export function expertBanks(n: number, bytesPerExpert: number, maxBinding: number, where: string): number[] {
  const perBank = Math.floor(maxBinding / bytesPerExpert);
  if (perBank < 1) {
    throw new Error(`${where}: one expert's weights take ${bytesPerExpert} bytes, more than one storage binding allows (${maxBinding}); use a smaller expert hidden size`);
  }
  const banks: number[] = [];
  for (let left = n; left > 0; left -= perBank) banks.push(Math.min(perBank, left));
  if (banks.length > MAX_BANKS) {
    throw new Error(`${where}: the expert bank needs ${banks.length} storage bindings of ≤ ${maxBinding} bytes, at most ${MAX_BANKS} are supported: ${splitAdvice(n * bytesPerExpert, n, MAX_BANKS * Math.floor(maxBinding / bytesPerExpert) * bytesPerExpert)}`);
  }
  return banks;
}

/** Binds a (possibly split) expert weight buffer as w0..w{B-1}. */
function bindBanks(c: LowerCtx, buffer: number, banks: readonly number[], bytesPerExpert: number): Record<string, number | PartRef> {
  const storage = c.plan.storages[c.plan.buffers[buffer]!.storage]!;
  if (banks.length === 1) return { w0: buffer };
  if (storage.role !== 'param' && storage.role !== 'input' && storage.role !== 'state') {
    throw new Error(`expert weights split over ${banks.length} bindings must be a parameter, not a computed value`);
  }
  storage.parts = banks.map((e) => e * bytesPerExpert);
  return Object.fromEntries(banks.map((_, b) => [`w${b}`, { buffer, part: b }]));
}

/** Rules for the MoE ops. */
export const MOE_RULES = {
  noiseStd: (n, c) => {
    const count = c.typeOf(c.input(0)).shape.reduce((a, b) => a * b, 1);
    const kernelFor = (run: RunParams) => noiseStdKernel({ numel: count, eps: n.params.eps, train: run.training });
    c.emit(kernelFor(c.run0), { x: c.input(0), out: c.output(0) }, (run) => kernelFor(run).uniformData!);
  },
  randomNormal: (n, c) => {
    const [rows, cols] = n.params.shape as [number, number];
    const kernelFor = (run: RunParams) => randomNormalKernel({ rows, cols, seed: run.seed, stream: n.params.stream, step: run.step, rowOffset: n.params.rowOffset });
    const normTables = c.constant('normTables', normalTableData());
    c.emit(kernelFor(c.run0), { normTables, out: c.output(0) }, (run) => kernelFor(run).uniformData!);
  },
  topk: (n, c) => {
    const [N, e] = c.typeOf(c.input(0)).shape as [number, number];
    c.emit(topkKernel({ N, n: e, k: n.params.k }), { x: c.input(0), values: c.output(0), indices: c.output(1) });
  },
  // Gating: below GATING_GEMM_MIN_EXPERTS the fused kernel; from there two tiled GEMMs for the
  // logits and the row-wise top-(k+1) (any number of experts). Uniforms rebuilt per run.
  gating: (n, c) => {
    const [N, D] = c.typeOf(c.input(0)).shape as [number, number];
    const experts = c.typeOf(c.input(1)).shape[1]!;
    const p = n.params;
    const bind: Record<string, number> = {};
    let next = 2;
    const wn = p.noisy ? c.input(next++) : undefined;
    if (p.explicitNoise) bind.noise = c.input(next++);
    else if (p.noisy) bind.normTables = c.constant('normTables', normalTableData());
    for (const [i, name] of (['indices', 'gates', 'clean', 'sigma', 'topValues'] as const).entries()) bind[name] = c.output(i);
    const site = { k: p.k, noisy: p.noisy, explicitNoise: p.explicitNoise, eps: p.eps, stream: p.stream, rowOffset: p.rowOffset };
    if (experts < GATING_GEMM_MIN_EXPERTS) {
      const optionsFor = (run: RunParams) => ({ N, D, n: experts, ...site, seed: run.seed, step: run.step, train: run.training });
      // The program is built once; per run only its uniform block is packed.
      const program = gatingProgram(optionsFor(c.run0));
      c.emit(gatingKernel(optionsFor(c.run0)), { x: c.input(0), wg: c.input(1), ...(wn !== undefined ? { wn } : {}), ...bind }, (run) => program.uniformData(gatingUniformValues(optionsFor(run)))!);
      return;
    }
    // Many experts: logits by the tiled GEMM (clean → `clean`, raw noise logits → `sigma`), then
    // the row-wise noisy top-(k+1), which turns raw into sigma in place.
    c.emit(gemm(c, { M: N, N: experts, K: D }), { a: c.input(0), b: c.input(1), c: bind.clean! });
    if (wn !== undefined) {
      const raw = gemm(c, { M: N, N: experts, K: D });
      const skipped = gemm(c, { M: 0, N: experts, K: 0 }).uniformData!; // evaluation: sigma = 0, no GEMM work
      c.emit(raw, { a: c.input(0), b: wn, c: bind.sigma! }, (run) => (run.training ? raw.uniformData! : skipped));
    }
    const rowsOptionsFor = (run: RunParams) => ({ N, n: experts, ...site, seed: run.seed, step: run.step, train: run.training });
    const rowsProgram = gatingRowsProgram(rowsOptionsFor(c.run0));
    const { clean, sigma, ...rest } = bind;
    c.emit(gatingRowsKernel(rowsOptionsFor(c.run0)), { clean: clean!, sigma: sigma!, ...rest }, (run) => rowsProgram.uniformData(gatingRowsUniformValues(rowsOptionsFor(run)))!);
  },
  loadEstimate: (n, c) => {
    const [N, e] = c.typeOf(c.input(0)).shape as [number, number];
    // Batch sums over the canonical batch chunks (batch-chunks.ts) when the program has them: the same bits on 1 and N devices.
    const chunks = batchChunksOf(c.plan.graph, N);
    const o = { N, n: e, k: n.params.k, ...(chunks ? { chunks } : {}) };
    c.emit(loadEstimateSerialApplies(o) ? loadEstimateSerialKernel(o) : loadEstimateKernel(o), { clean: c.input(0), sigma: c.input(1), topValues: c.input(2), indices: c.input(3), load: c.output(0) });
  },
  importance: (n, c) => {
    const [N, k] = c.typeOf(c.input(0)).shape as [number, number];
    const chunks = batchChunksOf(c.plan.graph, N);
    const o = { N, n: n.params.n, k, ...(chunks && chunks.Cl * n.params.n <= 2 ** 24 ? { chunks } : {}) };
    if (importanceSparseApplies(o)) {
      // Few slots, many experts: zeros, then each expert's first slot writes its sum (same bits, no partials).
      const [zero, sparse] = importanceSparseKernels(o);
      c.emit(zero, { importance: c.output(0) });
      c.emit(sparse, { gates: c.input(0), indices: c.input(1), importance: c.output(0) });
      return;
    }
    const partials = c.scratch('importance.partials', 'f32', importancePartials(o));
    const [sumBlocks, sumExperts] = importanceKernel(o);
    c.emit(sumBlocks, { gates: c.input(0), indices: c.input(1), partials });
    c.emit(sumExperts, { partials, importance: c.output(0) });
  },
  cvSquared: (_n, c) => {
    c.emit(cvSquaredVectorKernel({ n: c.typeOf(c.input(0)).shape[0]! }), { x: c.input(0), out: c.output(0) });
  },
  moeDispatch: (n, c) => {
    const [N, k] = c.typeOf(c.input(0)).shape as [number, number];
    const shape = { N, k, n: n.params.n, tileRows: expertTileRows(planSlots(c, N * k), n.params.n) };
    const sc = dispatchSortScratch(shape);
    const offsetsValue = n.outputs[2]!;
    const bufs: Record<DispatchBufferName, number> = {
      indices: c.input(0),
      keysA: c.scratch('dispatch.keysA', 'i32', sc.keys),
      valsA: c.scratch('dispatch.valsA', 'i32', sc.vals),
      keysB: c.scratch('dispatch.keysB', 'i32', sc.keys),
      valsB: c.scratch('dispatch.valsB', 'i32', sc.vals),
      digitCounts: c.scratch('dispatch.digitCounts', 'i32', sc.digitCounts),
      sourceRow: c.output(0),
      position: c.output(1),
      offsets: c.output(2),
      tileMap: tileMapOf(c, offsetsValue, N * k, n.params.n).tileMap,
      tileCount: tileCountOf(c, offsetsValue),
      activeList: dispatchActiveList(c, offsetsValue, n.params.n),
    };
    for (const { kernel, bind } of dispatchSortSteps(shape)) {
      c.emit(kernel, Object.fromEntries(Object.entries(bind).map(([name, b]) => [name, bufs[b]])));
    }
  },
  expertFfn: (node, c) => {
    const x = c.input(0);
    const [N, D] = c.typeOf(x).shape as [number, number];
    const S = c.typeOf(c.input(1)).shape[0]!;
    const [n, , H] = c.typeOf(c.input(3)).shape as [number, number, number];
    const Dout = c.typeOf(c.input(5)).shape[2]!;
    const k = N === 0 ? 0 : S / N;
    if (!Number.isInteger(k)) throw new Error(`expertFfn: ${S} slots are not a whole number of slots per row for ${N} rows`);
    const offsetsValue = node.inputs[2]!;
    const { tileMap, tileRows } = tileMapOf(c, offsetsValue, S, n);
    const bytesPerExpert = 4 * Math.max(D * H, H * Dout);
    const where = `expertFfn${node.layer ? ` (layer ${node.layer})` : ''}`;
    const banks = expertBanks(n, bytesPerExpert, c.limits.maxStorageBufferBindingSize, where);
    // In a training step whose backward is the tile-by-tile expertFfnGrad (recompute policies
    // 'experts' / 'all-moe'), no [S, H] buffer may exist: one fused kernel per row tile keeps the
    // hidden activations in workgroup memory, chunk by chunk. Elsewhere (inference) the transient
    // [S, H] scratch of the two tuned grouped GEMMs is kept: 1.7–2.7× faster on lavapipe.
    if (!c.consumersOf(offsetsValue).some((n) => n.op === 'expertFfnGrad')) {
      const bankOpt = banks.length > 1 ? { banks } : {};
      const [l1, l2] = expertFfnKernels({ N, k, n, D, H, Dout, tileRows, ...bankOpt });
      const hidden = c.scratch('expertFfn.hidden', 'f32', S * H);
      // Launched over the real tiles only (the dispatch's device-side tile count), never the worst case.
      // Each GEMM takes the row-uniform kernel (wgsl/expert-rows.ts) where it applies: 32-row map
      // entries (the regime it was measured in, bench/expert-forward.ts), K and cols multiples of 4.
      const tiling = expertTiling(planSlots(c, S), n);
      // On adapters with subgroups, the row-uniform GEMM broadcasts A across the subgroup (expert-rows.ts).
      const subgroup = c.limits.subgroups === true;
      const layer = (K: number, cols: number, gather: boolean, relu: boolean, tiled: Kernel): { kernel: Kernel; colBlocks: number } =>
        tileRows === EXPERT_TILE_ROWS && rowsGemmApplies({ K, cols })
          ? { kernel: rowsGemmKernel({ S, N, k, n, K, cols, gather, relu, tileRows, ...bankOpt, subgroup }), colBlocks: rowsGemmColBlocks(cols, subgroup ? SUBGROUP_ROWS_TILING : DEFAULT_ROWS_TILING) }
          : { kernel: tiled, colBlocks: groupedGemmColBlocks(cols, tiling) };
      const g1 = layer(D, H, true, true, l1);
      const g2 = layer(H, Dout, false, false, l2);
      c.emit(g1.kernel, { a: x, sourceRow: c.input(1), tileMap, ...bindBanks(c, c.input(3), banks, 4 * D * H), bias: c.input(4), out: hidden }, undefined, tileGridOf(c, offsetsValue, g1.colBlocks));
      c.emit(g2.kernel, { a: hidden, tileMap, ...bindBanks(c, c.input(5), banks, 4 * H * Dout), bias: c.input(6), out: c.output(0) }, undefined, tileGridOf(c, offsetsValue, g2.colBlocks));
      return;
    }
    // A few rows per expert (tile map of ≤ 8 rows): the batched-GEMV form (wgsl/expert-gemv.ts).
    const fusedShape = { N, k, n, D, H, Dout, tileRows, ...(banks.length > 1 ? { banks } : {}) };
    const kernel = useExpertGemv({ tileRows, D, Dout }) ? expertGemvForwardKernel(fusedShape) : expertFfnFusedKernel(fusedShape);
    const rename = (prefix: string, b: Record<string, number | PartRef>) => Object.fromEntries(Object.entries(b).map(([key, v]) => [`${prefix}${key.slice(1)}`, v]));
    c.emit(kernel, {
      x,
      sourceRow: c.input(1),
      tileMap,
      ...rename('w1_', bindBanks(c, c.input(3), banks, 4 * D * H)),
      b1: c.input(4),
      ...rename('w2_', bindBanks(c, c.input(5), banks, 4 * H * Dout)),
      b2: c.input(6),
      out: c.output(0),
    }, undefined, tileGridOf(c, offsetsValue, 1));
  },
  moeCombine: (_n, c) => {
    const [N, k] = c.typeOf(c.input(1)).shape as [number, number];
    const Dout = c.typeOf(c.input(0)).shape[1]!;
    c.emit(combineKernel({ N, k, Dout }), { y: c.input(0), position: c.input(1), gates: c.input(2), out: c.output(0) });
  },
} satisfies { [O in 'noiseStd' | 'randomNormal' | 'topk' | 'gating' | 'loadEstimate' | 'importance' | 'cvSquared' | 'moeDispatch' | 'expertFfn' | 'moeCombine']: LowerRule<O> };
