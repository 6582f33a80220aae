/**
 * Shared machinery of the autodiff tests: a seeded PRNG, a builder for the per-op check graphs
 * `loss = Σ_j sum(out_j ⊙ R_j)` (every f32 operand a parameter, every R_j a fixed random data
 * input), and `fdCheck`, which differentiates a graph and compares each `grad:<param>` entry with a
 * central difference of the loss evaluated by the reference interpreter in f64 with the same seed
 * and step (so dropout masks and gating noise are identical in the ± evaluations). An entry whose
 * perturbation changes any i32 value of the graph (a top-k selection, a dispatch) sits at a
 * discontinuity and is skipped; the report counts them.
 */
import { expect } from 'vitest';
import { GraphBuilder, type Graph } from '../../ir/graph.ts';
import { interpret, interpretValues, type RunContext } from '../../ir/interpret.ts';
import { fromArray, type Tensor } from '../../ir/tensor.ts';
import { numel, type DType } from '../../ir/types.ts';
import { differentiate, gradName } from '../../passes/autodiff.ts';

/** mulberry32: a small deterministic PRNG returning uniforms in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` uniforms in [lo, hi). */
export function randoms(r: () => number, n: number, lo = -1, hi = 1): number[] {
  return Array.from({ length: n }, () => lo + (hi - lo) * r());
}

/** One input of an op check graph. */
export interface InSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** Default f32. */
  readonly dtype?: DType;
  /** Default: 'param' for f32, 'input' for i32. */
  readonly role?: 'param' | 'input';
  /** Values (default: uniform in [lo, hi) from the PRNG; i32 needs explicit values). */
  readonly values?: readonly number[];
  readonly lo?: number;
  readonly hi?: number;
}

/** An op check graph and feeds for every input (f64 storage). */
export interface OpCase {
  readonly graph: Graph;
  readonly feeds: Record<string, Tensor>;
}

/**
 * Builds `loss = Σ_j sum(out_j ⊙ R_j)` over the f32 values `body` returns (R_j random data
 * inputs `R<j>`), with the inputs of `specs` declared first and fed deterministic random values.
 */
export function opCase(seed: number, specs: readonly InSpec[], body: (b: GraphBuilder, v: Record<string, number>) => number[]): OpCase {
  const r = rng(seed);
  const b = new GraphBuilder();
  const v: Record<string, number> = {};
  const feeds: Record<string, Tensor> = {};
  for (const s of specs) {
    const dtype = s.dtype ?? 'f32';
    const role = s.role ?? (dtype === 'f32' ? 'param' : 'input');
    v[s.name] = b.addInput(s.name, { dtype, shape: [...s.shape] }, role, role === 'param' ? { kind: 'zeros' } : undefined);
    if (dtype === 'i32' && !s.values) throw new Error(`opCase: i32 input '${s.name}' needs explicit values`);
    feeds[s.name] = fromArray(dtype, s.shape, s.values ?? randoms(r, numel(s.shape), s.lo ?? -1, s.hi ?? 1), 'f64');
  }
  const outs = body(b, v);
  const sums = outs.map((o, j) => {
    const shape = b.typeOf(o).shape;
    const rv = b.addInput(`R${j}`, { dtype: 'f32', shape: [...shape] }, 'input');
    feeds[`R${j}`] = fromArray('f32', shape, randoms(r, numel(shape)), 'f64');
    return b.add1('sum', {}, [b.add1('mul', {}, [o, rv])]);
  });
  b.setOutput('loss', sums.length === 1 ? sums[0]! : b.add1('addN', {}, sums));
  return { graph: b.finish(), feeds };
}

/** Options of `fdCheck`. */
export interface FdOptions {
  /** Run context (precision is forced to f64). Default: seed 11, step 2, training. */
  readonly ctx?: Omit<RunContext, 'precision'>;
  /** Parameters to check (default: all). */
  readonly params?: readonly string[];
  /** Entries per parameter (default: all); a random sample otherwise. */
  readonly entries?: number;
  /** PRNG seed for sampling entries. */
  readonly seed?: number;
  readonly h?: number;
  readonly rtol?: number;
  readonly atol?: number;
}

/** What `fdCheck` compared. */
export interface FdReport {
  readonly checked: number;
  readonly skipped: number;
  /** Largest |analytic − numeric|. */
  readonly maxAbs: number;
}

/** Default run context of the checks. */
export const TRAIN_CTX = { seed: 11, step: 2, training: true } as const;

function i32Signature(g: Graph, env: Map<number, Tensor>): string {
  const parts: string[] = [];
  for (const [id, t] of env) if (g.values.get(id)?.type.dtype === 'i32') parts.push(`${id}:${Array.from(t.data).join(',')}`);
  return parts.join('|');
}

/**
 * Differentiates `g` (output 'loss') and checks each selected `grad:<param>` entry against the
 * central difference (L(p + h) − L(p − h)) / 2h at f64: |a − n| ≤ atol + rtol·max(|a|, |n|).
 * Fails the calling test (vitest `expect`) on the first mismatch, naming parameter and entry.
 */
export function fdCheck(g: Graph, feeds: Record<string, Tensor>, opts: FdOptions = {}): FdReport {
  const ctx: RunContext = { ...(opts.ctx ?? TRAIN_CTX), precision: 'f64' };
  const h = opts.h ?? 1e-6;
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-7;
  const dg = differentiate(g);
  const grads = interpret(dg, feeds, ctx);
  const base = i32Signature(g, interpretValues(g, feeds, ctx));
  const lossAt = (f: Record<string, Tensor>): { loss: number; sig: string } => {
    const env = interpretValues(g, f, ctx);
    const lossId = g.outputs.find((o) => o.name === 'loss')!.value;
    return { loss: env.get(lossId)!.data[0]!, sig: i32Signature(g, env) };
  };
  const r = rng(opts.seed ?? 5);
  const names = opts.params ?? g.inputs.filter((i) => i.role === 'param' && g.values.get(i.value)!.type.dtype === 'f32').map((i) => i.name);
  let checked = 0;
  let skipped = 0;
  let maxAbs = 0;
  for (const name of names) {
    const p = feeds[name];
    if (!p) throw new Error(`fdCheck: no feed for parameter '${name}'`);
    const grad = grads[gradName(name)];
    expect(grad, `output ${gradName(name)}`).toBeDefined();
    expect(grad!.type.shape).toEqual(p.type.shape);
    const n = p.data.length;
    const idx = opts.entries === undefined || opts.entries >= n ? [...Array(n).keys()] : Array.from({ length: opts.entries }, () => Math.floor(r() * n));
    for (const i of idx) {
      const at = (delta: number): { loss: number; sig: string } => {
        const data = new Float64Array(p.data);
        data[i]! += delta;
        return lossAt({ ...feeds, [name]: { type: p.type, data } });
      };
      const plus = at(h);
      const minus = at(-h);
      if (plus.sig !== base || minus.sig !== base) {
        skipped++;
        continue;
      }
      const numeric = (plus.loss - minus.loss) / (2 * h);
      const analytic = grad!.data[i]!;
      const diff = Math.abs(analytic - numeric);
      maxAbs = Math.max(maxAbs, diff);
      expect(diff, `d loss / d ${name}[${i}]: analytic ${analytic}, numeric ${numeric}`).toBeLessThanOrEqual(atol + rtol * Math.max(Math.abs(analytic), Math.abs(numeric)));
      checked++;
    }
  }
  return { checked, skipped, maxAbs };
}

/** Builds an op case and FD-checks every entry of every parameter; expects something was checked. */
export function checkOp(seed: number, specs: readonly InSpec[], body: (b: GraphBuilder, v: Record<string, number>) => number[], opts: FdOptions = {}): FdReport {
  const c = opCase(seed, specs, body);
  const rep = fdCheck(c.graph, c.feeds, opts);
  expect(rep.checked, `checked ${rep.checked}, skipped ${rep.skipped} at discontinuities`).toBeGreaterThan(0);
  return rep;
}
