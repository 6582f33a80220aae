/**
 * The paper's Table 7 cost columns computed from a model's compiled forward IR, never by hand:
 * "ops/timestep" — multiply-adds per token position of the forward pass in evaluation mode,
 * excluding the embedding lookup and the output softmax (as the paper counts them: its MoE-4 is
 * 2 LSTM layers × 2M + 4 experts × 1M = 8.4M) — and parameter counts, in all and excluding the
 * embedding and softmax layers. Each op that consumes a parameter has a rule in `COST_RULES`
 * (its multiply-adds from its operand shapes, and whether its parameters are embedding/softmax);
 * a model with a parameter-consuming op that has no rule is refused, naming the op, so no count is
 * ever silently short.
 */
import type { Graph, Node } from '../../ir/graph.ts';

/** The cost columns of one model. */
export interface ModelCost {
  /** Forward multiply-adds per timestep (one token of one sequence), excluding embedding and softmax. */
  readonly opsPerTimestep: number;
  /** Multiply-adds per timestep of the output softmax (reported apart, as the paper leaves them out). */
  readonly softmaxOpsPerTimestep: number;
  /** Of `opsPerTimestep`, the MoE layers' expert FFNs. */
  readonly expertOpsPerTimestep: number;
  /** Every parameter element. */
  readonly params: number;
  /** Parameters excluding the embedding and softmax layers (the paper's column). */
  readonly paramsExclEmbedSoftmax: number;
}

type Shape = readonly number[];
type Kind = 'body' | 'embedding' | 'softmax';

/** One rule: multiply-adds of a node (from its input and output shapes), and its parameters' kind. */
interface CostRule {
  readonly kind: Kind;
  readonly expert?: boolean;
  macs(ins: readonly Shape[], outs: readonly Shape[], n: Node): number;
}

const prod = (s: Shape): number => s.reduce((a, b) => a * b, 1);
const dim = (s: Shape | undefined, i: number): number => {
  const v = s?.[i < 0 ? s.length + i : i];
  if (v === undefined) throw new Error(`model cost: missing dimension ${i} of [${s?.join(',')}]`);
  return v;
};

/** Multiply-add rules of the ops that consume parameters. */
const COST_RULES: Readonly<Record<string, CostRule>> = {
  // embedding(table[V,D], ids): a lookup, no multiply-adds.
  embedding: { kind: 'embedding', macs: () => 0 },
  // lstm(x[T,B,D], wx[D,4H], wh[H,4H], b, h0, c0): per row D·4H + H·4H.
  lstm: { kind: 'body', macs: (ins) => (prod(ins[0]!) / dim(ins[0], -1)) * (dim(ins[1], 0) * dim(ins[1], 1) + dim(ins[2], 0) * dim(ins[2], 1)) },
  // matmul(x[R,D], w[D,U]).
  matmul: { kind: 'body', macs: (ins) => dim(ins[0], 0) * dim(ins[1], 0) * dim(ins[1], 1) },
  biasAdd: { kind: 'body', macs: () => 0 },
  // gating(x[R,D], wg[D,n], wn[D,n]): the clean logits (evaluation mode has no noise).
  gating: { kind: 'body', macs: (ins) => dim(ins[0], 0) * dim(ins[1], 0) * dim(ins[1], 1) },
  // secondaryGating(x[R,D], wg2[a,D,b], ..., primary indices [R,k1]): k1 groups' logits per row.
  secondaryGating: { kind: 'body', macs: (ins) => dim(ins[0], 0) * dim(ins[3], 1) * dim(ins[1], 1) * dim(ins[1], 2) },
  // expertFfn(x, src, offsets, w1[n,D,H], b1, w2[n,H,Do], b2) → [S,Do]: each routed slot D·H + H·Do.
  expertFfn: { kind: 'body', expert: true, macs: (ins, outs) => dim(outs[0], 0) * (dim(ins[3], 1) * dim(ins[3], 2) + dim(ins[5], 1) * dim(ins[5], 2)) },
  // linearCrossEntropy(h[R,D], w[D,V], b[V], targets): the output softmax's projection.
  linearCrossEntropy: { kind: 'softmax', macs: (ins) => dim(ins[0], 0) * dim(ins[1], 0) * dim(ins[1], 1) },
};

/**
 * The cost columns of a compiled forward graph whose data inputs are `[T, B]` token ids: every
 * parameter-consuming node's multiply-adds by its rule, divided by the T·B token positions.
 * @throws when a node consumes a parameter and its op has no rule in COST_RULES.
 */
export function modelCost(forward: Graph): ModelCost {
  const params = new Set(forward.inputs.filter((i) => i.role === 'param').map((i) => i.value));
  const tokens = forward.inputs.find((i) => i.name === 'tokens');
  if (!tokens) throw new Error('model cost: the graph has no `tokens` input to count timesteps by');
  const positions = prod(forward.values.get(tokens.value)!.type.shape);
  const shape = (v: number): Shape => forward.values.get(v)!.type.shape;
  const kindOf = new Map<number, Kind>();
  let body = 0;
  let softmax = 0;
  let expert = 0;
  for (const n of forward.nodes) {
    const usesParam = n.inputs.some((v) => params.has(v));
    if (!usesParam) continue;
    const rule = COST_RULES[n.op];
    if (!rule) throw new Error(`model cost: op '${n.op}' (node #${n.id}${n.layer ? `, layer ${n.layer}` : ''}) consumes a parameter but has no multiply-add rule; add one to COST_RULES in app/reproduce/model-cost.ts`);
    const macs = rule.macs(n.inputs.map(shape), n.outputs.map(shape), n);
    if (rule.kind === 'softmax') softmax += macs;
    else body += macs;
    if (rule.expert) expert += macs;
    for (const v of n.inputs) if (params.has(v) && !kindOf.has(v)) kindOf.set(v, rule.kind);
  }
  let all = 0;
  let bodyParams = 0;
  for (const v of params) {
    const size = prod(shape(v));
    all += size;
    if ((kindOf.get(v) ?? 'body') === 'body') bodyParams += size;
  }
  return { opsPerTimestep: body / positions, softmaxOpsPerTimestep: softmax / positions, expertOpsPerTimestep: expert / positions, params: all, paramsExclEmbedSoftmax: bodyParams };
}
