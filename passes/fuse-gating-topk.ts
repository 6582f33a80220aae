/**
 * Gating fusion. The DSL traces noisy top-k gating unfused:
 *   clean = matmul(x, wg); raw = matmul(x, wn); sigma = noiseStd{eps}(raw);
 *   z = randomNormal{shape, stream, rowOffset}; noisy = add(clean, mul(z, sigma));
 *   [vals, idx] = topk{min(k+1, n)}(noisy); gi = sliceLast(idx, 0, k);
 *   gv = sliceLast(vals, 0, k); gates = softmax(gv)
 * and this pass replaces the chain by one `gating{k, noisy: true, eps, stream, rowOffset,
 * explicitNoise: false}(x, wg, wn)` whose outputs take over: gi → indices, gates → gates,
 * clean → clean, sigma → sigma, vals → topValues. The noise-free variant (topk reading
 * matmul(x, wg) directly) becomes `gating{noisy: false}(x, wg)`, and the DSL's stand-in sigma
 * `scale{value: 0}(clean)` is replaced by the gating's sigma output (zero). Either operand order
 * of add/mul is accepted. The old nodes are left for `dce`; a chain whose top-(k+1) indices are
 * read by anything other than the top-k slice is left alone (with a remark).
 */
import { GraphBuilder, describeNode, type Graph, type Node } from '../ir/graph.ts';
import type { OpParams } from '../ir/ops.ts';
import { liveValues } from './dce.ts';
import type { Pass, PassContext } from './pass.ts';

const PASS = 'fuseGatingTopk';

interface NoiseMatch {
  readonly wn: number;
  readonly eps: number;
  readonly sigma: number;
  readonly stream: number;
  readonly rowOffset: number;
}

interface ChainMatch {
  readonly topk: Node;
  readonly x: number;
  readonly wg: number;
  readonly clean: number;
  readonly noise?: NoiseMatch;
  readonly k: number;
}

/** Matches the chain ending at `topk`, or explains why it does not fuse (undefined = not gating). */
function matchChain(topk: Node<'topk'>, def: Map<number, Node>, uses: Map<number, Node[]>, width: (v: number) => number): ChainMatch | string | undefined {
  const src = def.get(topk.inputs[0]!);
  if (!src) return undefined;
  let clean: Node | undefined;
  let noise: NoiseMatch | undefined;
  if (src.op === 'matmul') {
    clean = src;
  } else if (src.op === 'add') {
    for (const [ci, mi] of [[0, 1], [1, 0]] as const) {
      const c = def.get(src.inputs[ci]!);
      const m = def.get(src.inputs[mi]!);
      if (c?.op !== 'matmul' || m?.op !== 'mul') continue;
      for (const [zi, si] of [[0, 1], [1, 0]] as const) {
        const z = def.get(m.inputs[zi]!);
        const s = def.get(m.inputs[si]!);
        if (z?.op !== 'randomNormal' || s?.op !== 'noiseStd') continue;
        const raw = def.get(s.inputs[0]!);
        if (raw?.op !== 'matmul' || raw.inputs[0] !== c.inputs[0]) continue;
        const zp = z.params;
        clean = c;
        noise = { wn: raw.inputs[1]!, eps: s.params.eps, sigma: s.outputs[0]!, stream: zp.stream, rowOffset: zp.rowOffset };
      }
    }
    if (!clean) return undefined;
  } else {
    return undefined;
  }
  const [vals, idx] = topk.outputs as [number, number];
  const idxUses = uses.get(idx) ?? [];
  const valUses = uses.get(vals) ?? [];
  const isHead = (u: Node): u is Node<'sliceLast'> => u.op === 'sliceLast' && u.params.start === 0;
  const heads = [...idxUses.filter(isHead), ...valUses.filter(isHead)];
  if (idxUses.length === 0 || !idxUses.every(isHead)) {
    return `${describeNode(topk)}: its indices are read by something other than a top-k slice, so the fused gating could not replace them`;
  }
  const ends = new Set(heads.map((u) => u.params.end));
  if (ends.size !== 1) return `${describeNode(topk)}: its outputs are sliced to different widths (${[...ends].join(', ')})`;
  const k = [...ends][0]!;
  const kk = topk.params.k;
  const experts = width(clean.outputs[0]!);
  if (kk !== Math.min(k + 1, experts)) {
    return `${describeNode(topk)}: takes the top ${kk} of ${experts} for k = ${k}; fused gating takes the top min(k+1, n) = ${Math.min(k + 1, experts)}`;
  }
  return { topk, x: clean.inputs[0]!, wg: clean.inputs[1]!, clean: clean.outputs[0]!, ...(noise ? { noise } : {}), k };
}

/** Fuses every gating chain; returns `g` itself when none matched. */
export function fuseGatingTopk(g: Graph, ctx?: PassContext): Graph {
  const live = liveValues(g);
  const def = new Map<number, Node>();
  const uses = new Map<number, Node[]>();
  for (const n of g.nodes) {
    for (const o of n.outputs) def.set(o, n);
    for (const v of new Set(n.inputs)) (uses.get(v) ?? uses.set(v, []).get(v)!).push(n);
  }
  const width = (v: number): number => g.values.get(v)!.type.shape[1]!;
  const b = GraphBuilder.from(g);
  let changed = false;
  for (const topk of g.nodes) {
    if (topk.op !== 'topk' || !topk.outputs.some((o) => live.has(o))) continue;
    const m = matchChain(topk, def, uses, width);
    if (m === undefined) continue;
    if (typeof m === 'string') {
      ctx?.remark(PASS, `left unfused: ${m}`);
      continue;
    }
    const tag = { ...(topk.layer !== undefined ? { layer: topk.layer } : {}), ...(topk.instance !== undefined ? { instance: topk.instance } : {}) };
    const params: OpParams['gating'] = m.noise
      ? { k: m.k, noisy: true, eps: m.noise.eps, stream: m.noise.stream, rowOffset: m.noise.rowOffset, explicitNoise: false }
      : { k: m.k, noisy: false, eps: 0, stream: 0, rowOffset: 0, explicitNoise: false };
    const ins = m.noise ? [m.x, m.wg, m.noise.wn] : [m.x, m.wg];
    const [indices, gates, clean, sigma, topValues] = b.addNode('gating', params, ins, tag) as [number, number, number, number, number];
    const [vals, idx] = topk.outputs as [number, number];
    for (const u of uses.get(idx) ?? []) b.replaceAllUses(u.outputs[0]!, indices);
    for (const u of uses.get(vals) ?? []) {
      if (u.op !== 'sliceLast') continue;
      for (const s of uses.get(u.outputs[0]!) ?? []) if (s.op === 'softmax') b.replaceAllUses(s.outputs[0]!, gates);
    }
    b.replaceAllUses(vals, topValues);
    if (m.noise) b.replaceAllUses(m.noise.sigma, sigma);
    else {
      for (const u of uses.get(m.clean) ?? []) {
        if (u.op === 'scale' && u.params.value === 0) b.replaceAllUses(u.outputs[0]!, sigma);
      }
    }
    b.replaceAllUses(m.clean, clean);
    changed = true;
  }
  return changed ? b.finish() : g;
}

/** The pass. */
export const fuseGatingTopkPass: Pass = {
  name: PASS,
  run: (graph, ctx) => fuseGatingTopk(graph, ctx),
};
