/**
 * Shared helpers for the pass tests: small MoE graphs traced with the DSL, random feeds for every
 * graph input (parameters from initParams, then zero-initialised gate/noise weights replaced by
 * random values so the gating is not decided by the noise alone), and an output comparison
 * `interpret(pass(g)) ≈ interpret(g)` in training mode with a fixed seed.
 */
import { expect } from 'vitest';
import type { Graph } from '../../ir/graph.ts';
import { initParams, interpret, type RunContext } from '../../ir/interpret.ts';
import { allClose, zeros, type Tensor } from '../../ir/tensor.ts';
import { uniformDraw } from '../../ir/rng.ts';
import { TraceContext } from '../../frontend/builder.ts';
import { moe, type MoeOptions } from '../../frontend/layers.ts';

/** A graph x [T,B,D] → moe → sum (as the loss), with the MoE layer's outputs. */
export function tinyMoeGraph(o: { T?: number; B?: number; D?: number } & Partial<MoeOptions> = {}): Graph {
  const { T = 3, B = 2, D = 4, experts = 4, k = 2, hidden = 5, ...rest } = o;
  const ctx = new TraceContext();
  const x = ctx.input('x', 'f32', [T, B, D]);
  const y = moe(x, { experts, k, hidden, ...rest });
  ctx.output('y', y);
  return ctx.finish(ctx.op1('sum', {}, [y]), { name: 'tiny-moe' });
}

/** Random values for every input of `g` (ids below `vocab` for i32 inputs), deterministic in seed. */
export function randomFeeds(g: Graph, seed: number, vocab = 2): Record<string, Tensor> {
  const params = initParams(g, seed);
  const feeds: Record<string, Tensor> = {};
  let stream = 1000;
  for (const inp of g.inputs) {
    const type = g.values.get(inp.value)!.type;
    const t = inp.role === 'param' && inp.init?.kind !== 'zeros' ? params[inp.name]! : zeros(type);
    if (inp.role === 'input' || inp.init?.kind === 'zeros') {
      const s = stream++;
      for (let i = 0; i < t.data.length; i++) {
        const u = uniformDraw({ seed, stream: s, step: 0, row: i, col: 0 });
        t.data[i] = type.dtype === 'i32' ? Math.floor(u * vocab) : 2 * u - 1;
      }
    }
    feeds[inp.name] = t;
  }
  return feeds;
}

/** Training mode, fixed seed. */
export const TRAIN: RunContext = { seed: 7, step: 3, training: true };

/** Feeds restricted to the inputs `g` declares (DCE may drop unread parameters). */
export function feedsFor(g: Graph, feeds: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(g.inputs.map((i) => [i.name, feeds[i.name]!]));
}

/** Asserts that `after` computes the same named outputs as `before` on random inputs. */
export function expectSameOutputs(before: Graph, after: Graph, opts: { seed?: number; vocab?: number; ctx?: RunContext; rtol?: number; atol?: number } = {}): void {
  const feeds = randomFeeds(before, opts.seed ?? 1, opts.vocab);
  const ctx = opts.ctx ?? TRAIN;
  const a = interpret(before, feedsFor(before, feeds), ctx);
  const b = interpret(after, feedsFor(after, feeds), ctx);
  expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
  for (const name of Object.keys(a)) {
    const r = allClose(b[name]!.data, a[name]!.data, { rtol: opts.rtol ?? 1e-5, atol: opts.atol ?? 1e-5 });
    expect(r.ok, `output '${name}': ${r.message}`).toBe(true);
  }
}

/** Number of nodes of each op. */
export function countOps(g: Graph): Record<string, number> {
  const c: Record<string, number> = {};
  for (const n of g.nodes) c[n.op] = (c[n.op] ?? 0) + 1;
  return c;
}
