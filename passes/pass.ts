/**
 * The pass infrastructure. A `Pass` is a named pure function from graph to graph (it never
 * mutates its input; returning the same object means "no change"). `PassManager` runs a list of
 * passes in order, verifies the IR after every pass, records which passes changed it (by a
 * structural fingerprint, so a pass that rebuilds an identical graph counts as unchanged) and
 * calls an optional `onAfterPass` hook so the CLI can print the IR after each pass. `fixpoint`
 * wraps a list of passes into one pass that re-runs them until nothing changes. Passes report
 * why they declined to rewrite something through `ctx.remark`.
 */
import type { Graph } from '../ir/graph.ts';
import { verifyGraph } from '../ir/verify.ts';

/** A note from a pass, e.g. why batching refused a layer. */
export interface Remark {
  readonly pass: string;
  readonly message: string;
}

/** What passes get besides the graph. */
export interface PassContext {
  /** Records a remark (kept in `remarks`, in order). */
  remark(pass: string, message: string): void;
  /** Every remark so far. */
  readonly remarks: readonly Remark[];
}

/** A fresh pass context that collects remarks. */
export function createPassContext(): PassContext {
  const remarks: Remark[] = [];
  return {
    remarks,
    remark(pass, message) {
      remarks.push({ pass, message });
    },
  };
}

/** A pure graph-to-graph transformation. */
export interface Pass {
  readonly name: string;
  run(graph: Graph, ctx: PassContext): Graph;
}

/**
 * A stable structural fingerprint of a graph (inputs, nodes with params and tags, outputs).
 * Two graphs with equal fingerprints are the same IR.
 */
function fingerprint(g: Graph): string {
  const parts: string[] = [];
  for (const i of g.inputs) parts.push(`in ${i.value} ${i.name} ${i.role} ${JSON.stringify(i.init ?? null)} ${JSON.stringify(g.values.get(i.value)?.type)}`);
  for (const n of g.nodes) {
    parts.push(`node ${n.id} ${n.op} ${JSON.stringify(n.params)} (${n.inputs.join(',')}) -> (${n.outputs.join(',')}) ${n.layer ?? ''} ${n.instance ?? ''}`);
  }
  for (const o of g.outputs) parts.push(`out ${o.name} ${o.value}`);
  return parts.join('\n');
}

/** True when the two graphs are the same IR (identical object or equal fingerprints). */
function sameGraph(a: Graph, b: Graph): boolean {
  return a === b || fingerprint(a) === fingerprint(b);
}

/** Options of a `PassManager`. */
export interface PassManagerOptions {
  /** Verify after every pass (default true). */
  readonly verify?: boolean;
  /** Called after each pass with its name, the resulting graph and whether it changed the IR. */
  readonly onAfterPass?: (name: string, graph: Graph, changed: boolean) => void;
}

/** Result of running a pass list. */
export interface PassRunResult {
  readonly graph: Graph;
  /** Names of the passes that changed the IR, in order (repeats possible). */
  readonly changed: readonly string[];
  /** Remarks the passes made. */
  readonly remarks: readonly Remark[];
}

/** Runs passes in order, verifying after each. */
export class PassManager {
  constructor(
    readonly passes: readonly Pass[],
    private readonly options: PassManagerOptions = {},
  ) {}

  /** Runs every pass on `graph`. A verification failure names the pass that broke the IR. */
  run(graph: Graph, ctx: PassContext = createPassContext()): PassRunResult {
    const changed: string[] = [];
    let g = graph;
    for (const pass of this.passes) {
      const next = pass.run(g, ctx);
      if (this.options.verify ?? true) {
        try {
          verifyGraph(next);
        } catch (e) {
          throw new Error(`IR is invalid after pass '${pass.name}': ${(e as Error).message}`, { cause: e });
        }
      }
      const didChange = !sameGraph(g, next);
      if (didChange) changed.push(pass.name);
      this.options.onAfterPass?.(pass.name, next, didChange);
      g = next;
    }
    return { graph: g, changed, remarks: ctx.remarks };
  }
}

/** One pass that runs `passes` in order, repeatedly, until a round changes nothing. */
export function fixpoint(name: string, passes: readonly Pass[], maxRounds = 50): Pass {
  return {
    name,
    run(graph, ctx) {
      let g = graph;
      for (let round = 0; round < maxRounds; round++) {
        const before = g;
        for (const p of passes) g = p.run(g, ctx);
        if (sameGraph(before, g)) return g;
      }
      throw new Error(`pass '${name}' did not reach a fixpoint in ${maxRounds} rounds`);
    },
  };
}
