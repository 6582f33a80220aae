/**
 * Evaluation of a language model over a token stream: a forward plan (evaluation mode: no gating
 * noise, no dropout) bound to a backend once, parameters set from a trainer or a checkpoint, then
 * run over consecutive truncated-BPTT batches of a split with the LSTM state carried from batch to
 * batch. Returns the mean task loss per token (so perplexity = exp(loss)) and, for every MoE layer,
 * the load summed over all batches (each expert's share of the routed tokens).
 */
import type { Plan } from '../compiler/plan.ts';
import type { Tensor } from '../ir/tensor.ts';
import type { Backend } from './backend.ts';
import { prepareCpuPlan } from './cpu-executor.ts';
import { batchAt, batchFeeds, batchLayout } from './data/batches.ts';
import { carriedState } from './trainer.ts';
import { prepareWebGpuPlan } from './webgpu-executor.ts';
import { nextTurn } from './next-turn.ts';

/** A forward plan bound to a backend. */
export interface Evaluator {
  setParams(params: Readonly<Record<string, Tensor>>): void;
  run(feeds: Readonly<Record<string, Tensor>>, want: readonly string[]): Promise<Record<string, Tensor>>;
  destroy(): void;
}

/** The result of evaluating a split. */
export interface EvalResult {
  /** Mean task loss per target token. */
  readonly loss: number;
  readonly ppl: number;
  readonly batches: number;
  readonly tokens: number;
  /** Per MoE layer: load summed over the batches, and its CV² (paper Eq. 11's statistic). */
  readonly moe: Record<string, { load: number[]; cvLoad: number }>;
}

/** Binds a forward plan to a backend. */
export async function prepareEvaluator(backend: Backend, plan: Plan): Promise<Evaluator> {
  if (backend.kind === 'cpu') {
    const exe = prepareCpuPlan(plan);
    return { setParams: (p) => exe.setParams(p), run: async (f, want) => exe.run(f, { seed: 0, step: 0, training: false }, want), destroy: () => {} };
  }
  const exe = await prepareWebGpuPlan(backend.device, plan);
  return { setParams: (p) => exe.setParams(p), run: (f, want) => exe.run(f, { seed: 0, step: 0, training: false }, want), destroy: () => exe.destroy() };
}

function cv2(v: readonly number[]): number {
  const n = v.length;
  if (n < 2) return 0;
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  return variance / (mean * mean + 1e-10);
}

/** Evaluates `stream` in [T,B] batches (at most `maxBatches`), carrying recurrent state. */
export async function evaluateStream(
  ev: Evaluator,
  plan: Plan,
  stream: ArrayLike<number>,
  shape: { T: number; B: number },
  moeLayers: readonly string[],
  maxBatches = Infinity,
  onBatch?: (done: number, total: number) => void,
): Promise<EvalResult> {
  const layout = batchLayout(stream, shape);
  const count = Math.min(layout.batchesPerEpoch, maxBatches);
  if (count < 1) throw new Error(`the split has ${stream.length} tokens: too few for one batch of T=${shape.T} × B=${shape.B}`);
  const carry = carriedState(plan);
  const want = ['taskLoss', ...carry.map(([o]) => o), ...moeLayers.map((m) => `${m}.load`)];
  const state: Record<string, Tensor> = {};
  for (const [, input] of carry) {
    const inp = plan.inputs.find((i) => i.name === input)!;
    const type = plan.buffers[inp.buffer]!.type;
    state[input] = { type, data: new Float32Array(type.shape.reduce((a, b) => a * b, 1)) };
  }
  let lossSum = 0;
  const loads: Record<string, number[]> = Object.fromEntries(moeLayers.map((m) => [m, []]));
  for (let i = 0; i < count; i++) {
    const out = await ev.run({ ...batchFeeds(batchAt(stream, shape, i), shape), ...state }, want);
    lossSum += Number(out.taskLoss!.data[0]);
    for (const [o, input] of carry) state[input] = out[o]!;
    onBatch?.(i + 1, count);
    for (const m of moeLayers) {
      const l = out[`${m}.load`]!.data;
      const acc = loads[m]!;
      for (let e = 0; e < l.length; e++) acc[e] = (acc[e] ?? 0) + l[e]!;
    }
    // Yield to the event loop between batches: on the CPU backend a batch resolves without I/O,
    // and signals (a second Ctrl-C during validation) are only delivered between turns.
    await nextTurn();
  }
  const loss = lossSum / count;
  const moe = Object.fromEntries(moeLayers.map((m) => [m, { load: loads[m]!, cvLoad: cv2(loads[m]!) }]));
  return { loss, ppl: Math.exp(loss), batches: count, tokens: count * shape.T * shape.B, moe };
}
