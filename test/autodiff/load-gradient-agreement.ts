/**
 * Measures how far the used gradient of the load loss (paper Eq. 10–11: the smooth load estimator
 * differentiated with its thresholds held constant, as in the paper's code) is from the true
 * gradient of the same function, a central finite difference in f64 with the gating noise fixed.
 * Graph: x = u·Wup (upstream parameter Wup), clean = x·Wg, sigma = noiseStd(x·Wn), logits = clean
 * + z·sigma, top-(k+1), load = loadEstimate, loss = CV²(load), CV²(importance) or their sum.
 * Returns per parameter the cosine similarity and ‖used − fd‖/‖fd‖ over the entries where the
 * perturbation does not change a selection (the rest are counted as skipped).
 */
import { GraphBuilder, type Graph } from '../../ir/graph.ts';
import { interpret, interpretValues, type RunContext } from '../../ir/interpret.ts';
import { fromArray, type Tensor } from '../../ir/tensor.ts';
import { differentiate, gradName } from '../../passes/autodiff.ts';
import { uniform01 } from '../stats/independent.ts';

/** Agreement of one parameter's used gradient with the FD gradient. */
export interface Agreement {
  cosine: number;
  relNorm: number;
  checked: number;
  skipped: number;
}

/** Sizes of the measurement graph. */
export interface LoadGradCase {
  N: number;
  Din: number;
  D: number;
  n: number;
  k: number;
  seed: number;
  /** Loss terms: CV²(load) (default), CV²(importance) only (exact gradient: the control), or both. */
  terms?: 'load' | 'importance' | 'both';
}

/** Builds the graph and random feeds (f64) of a case. */
export function loadGradGraph(c: LoadGradCase) {
  const b = new GraphBuilder();
  const f32 = (shape: number[]) => ({ dtype: 'f32' as const, shape });
  const u = b.addInput('u', f32([c.N, c.Din]), 'input');
  const wup = b.addInput('wup', f32([c.Din, c.D]), 'param', { kind: 'zeros' });
  const wg = b.addInput('wg', f32([c.D, c.n]), 'param', { kind: 'zeros' });
  const wn = b.addInput('wn', f32([c.D, c.n]), 'param', { kind: 'zeros' });
  const x = b.add1('matmul', {}, [u, wup]);
  const clean = b.add1('matmul', {}, [x, wg]);
  const sigma = b.add1('noiseStd', { eps: 0.01 }, [b.add1('matmul', {}, [x, wn])]);
  const z = b.add1('randomNormal', { shape: [c.N, c.n], stream: 3, rowOffset: 0 }, []);
  const logits = b.add1('add', {}, [clean, b.add1('mul', {}, [z, sigma])]);
  const kk = Math.min(c.k + 1, c.n);
  const [vals, idx] = b.addNode('topk', { k: kk }, [logits]);
  const gi = b.add1('sliceLast', { start: 0, end: c.k }, [idx!]);
  const load = b.add1('loadEstimate', { k: c.k }, [clean, sigma, vals!, gi]);
  const gates = b.add1('softmax', {}, [b.add1('sliceLast', { start: 0, end: c.k }, [vals!])]);
  const cvLoad = b.add1('cvSquared', {}, [load]);
  const cvImp = b.add1('cvSquared', {}, [b.add1('importance', { n: c.n }, [gates, gi])]);
  const terms = c.terms ?? 'load';
  b.setOutput('loss', terms === 'load' ? cvLoad : terms === 'importance' ? cvImp : b.add1('add', {}, [cvLoad, cvImp]));
  const g = b.finish();
  const u01 = uniform01(c.seed);
  const randoms = (n: number, lo = -1, hi = 1) => Array.from({ length: n }, () => lo + (hi - lo) * u01());
  const feeds: Record<string, Tensor> = {
    u: fromArray('f32', [c.N, c.Din], randoms(c.N * c.Din), 'f64'),
    wup: fromArray('f32', [c.Din, c.D], randoms(c.Din * c.D, -0.6, 0.6), 'f64'),
    wg: fromArray('f32', [c.D, c.n], randoms(c.D * c.n, -0.5, 0.5), 'f64'),
    wn: fromArray('f32', [c.D, c.n], randoms(c.D * c.n, -0.5, 0.5), 'f64'),
  };
  return { graph: g, feeds };
}

/** Used (autodiff) vs finite-difference gradient of the case's loss for wup, wg and wn. */
export function measureAgreement(c: LoadGradCase, h = 1e-6): Record<'wup' | 'wg' | 'wn', Agreement> {
  const { graph, feeds } = loadGradGraph(c);
  return agreement(graph, feeds, ['wup', 'wg', 'wn'], h) as Record<'wup' | 'wg' | 'wn', Agreement>;
}

/**
 * The balanced layer's losses (paper App. F): x = u·Wup, balancedGating(x, Wg, thresholds) in
 * training, loss = Σ gates ⊙ R (a stand-in for the task loss through the gates) + (wThr/N)·
 * balancedThresholdLoss(logits, thresholds, indices). Returns the agreement for Wup, Wg and the
 * thresholds.
 */
export function measureBalancedAgreement(seed: number, N = 16, D = 6, n = 4, k = 1, wThr = 1, h = 1e-6): Record<'wup' | 'wg' | 'thresholds', Agreement> {
  const b = new GraphBuilder();
  const f32 = (shape: number[]) => ({ dtype: 'f32' as const, shape });
  const Din = 5;
  const u = b.addInput('u', f32([N, Din]), 'input');
  const rr = b.addInput('R', f32([N, n]), 'input');
  const wup = b.addInput('wup', f32([Din, D]), 'param', { kind: 'zeros' });
  const wg = b.addInput('wg', f32([D, n]), 'param', { kind: 'zeros' });
  const thr = b.addInput('thresholds', f32([n]), 'param', { kind: 'zeros' });
  const x = b.add1('matmul', {}, [u, wup]);
  const [idx, gates, logits] = b.addNode('balancedGating', { n, k, m: (k * N) / n }, [x, wg, thr]);
  const task = b.add1('sum', {}, [b.add1('mul', {}, [gates!, rr])]);
  const thrLoss = b.add1('scale', { value: wThr / N }, [b.add1('balancedThresholdLoss', {}, [logits!, thr, idx!])]);
  b.setOutput('loss', b.add1('add', {}, [task, thrLoss]));
  const graph = b.finish();
  const u01 = uniform01(seed);
  const randoms = (cnt: number, lo = -1, hi = 1) => Array.from({ length: cnt }, () => lo + (hi - lo) * u01());
  const feeds: Record<string, Tensor> = {
    u: fromArray('f32', [N, Din], randoms(N * Din), 'f64'),
    R: fromArray('f32', [N, n], randoms(N * n), 'f64'),
    wup: fromArray('f32', [Din, D], randoms(Din * D, -0.6, 0.6), 'f64'),
    wg: fromArray('f32', [D, n], randoms(D * n, -0.8, 0.8), 'f64'),
    thresholds: fromArray('f32', [n], randoms(n, -0.3, 0.3), 'f64'),
  };
  return agreement(graph, feeds, ['wup', 'wg', 'thresholds'], h) as Record<'wup' | 'wg' | 'thresholds', Agreement>;
}

/** Cosine and relative norm of the autodiff gradient vs central FD for each named parameter. */
export function agreement(graph: Graph, feeds: Record<string, Tensor>, names: readonly string[], h = 1e-6): Record<string, Agreement> {
  const ctx: RunContext = { seed: 7, step: 1, training: true, precision: 'f64' };
  const grads = interpret(differentiate(graph), feeds, ctx);
  const lossId = graph.outputs.find((o) => o.name === 'loss')!.value;
  const sig = (env: Map<number, Tensor>) => {
    const parts: string[] = [];
    for (const [id, t] of env) if (graph.values.get(id)?.type.dtype === 'i32') parts.push(`${id}:${Array.from(t.data).join(',')}`);
    return parts.join('|');
  };
  const base = sig(interpretValues(graph, feeds, ctx));
  const out: Record<string, Agreement> = {};
  for (const name of names) {
    const p = feeds[name]!;
    const used = grads[gradName(name)]!.data;
    let dot = 0;
    let nu = 0;
    let nf = 0;
    let nd = 0;
    let checked = 0;
    let skipped = 0;
    for (let i = 0; i < p.data.length; i++) {
      const at = (delta: number) => {
        const data = new Float64Array(p.data);
        data[i]! += delta;
        const env = interpretValues(graph, { ...feeds, [name]: { type: p.type, data } }, ctx);
        return { loss: env.get(lossId)!.data[0]!, sig: sig(env) };
      };
      const plus = at(h);
      const minus = at(-h);
      if (plus.sig !== base || minus.sig !== base) {
        skipped++;
        continue;
      }
      const fd = (plus.loss - minus.loss) / (2 * h);
      const a = used[i]!;
      dot += a * fd;
      nu += a * a;
      nf += fd * fd;
      nd += (a - fd) * (a - fd);
      checked++;
    }
    out[name] = { cosine: nu === 0 || nf === 0 ? 0 : dot / Math.sqrt(nu * nf), relNorm: Math.sqrt(nd / nf), checked, skipped };
  }
  return out;
}
