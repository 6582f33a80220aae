/**
 * Next-token sampling for text generation: temperature, top-k and top-p (nucleus) filtering of one
 * row of logits, then an inverse-CDF draw with a uniform number from a seeded generator. Temperature
 * 0 is greedy (argmax, lowest id on ties). Probabilities are computed in float64 with the max
 * subtracted; candidates are ordered by descending probability, ties by id, so a seed gives the
 * same tokens on every machine and backend that produce the same logits.
 */

/** Sampling settings. */
export interface SamplingOptions {
  /** Softmax temperature (default 1); 0 = greedy. */
  readonly temperature?: number;
  /** Keep only the k most probable tokens (default: all). */
  readonly topK?: number;
  /** Keep the smallest set of most probable tokens whose probability reaches p (default 1). */
  readonly topP?: number;
}

/** Checks sampling options; throws naming the option, the value and the allowed range. */
export function checkSampling(o: SamplingOptions, vocab: number): void {
  const t = o.temperature ?? 1;
  if (!(t >= 0 && Number.isFinite(t))) throw new Error(`temperature must be a finite number ≥ 0 (0 = greedy), got ${t}`);
  if (o.topK !== undefined && !(Number.isInteger(o.topK) && o.topK >= 1)) throw new Error(`top-k must be an integer ≥ 1 (at most the vocabulary, ${vocab}), got ${o.topK}`);
  if (o.topP !== undefined && !(o.topP > 0 && o.topP <= 1)) throw new Error(`top-p must be in (0, 1], got ${o.topP}`);
}

/**
 * The sampling distribution of `logits` under `o`: candidate ids by descending probability and
 * their renormalised probabilities.
 */
export function samplingDistribution(logits: ArrayLike<number>, o: SamplingOptions = {}): { ids: number[]; probs: number[] } {
  const V = logits.length;
  const t = o.temperature ?? 1;
  if (t === 0) {
    let best = 0;
    for (let i = 1; i < V; i++) if (logits[i]! > logits[best]!) best = i;
    return { ids: [best], probs: [1] };
  }
  let max = -Infinity;
  for (let i = 0; i < V; i++) max = Math.max(max, logits[i]!);
  const p = new Float64Array(V);
  let sum = 0;
  for (let i = 0; i < V; i++) sum += p[i] = Math.exp((logits[i]! - max) / t);
  const ids = Array.from({ length: V }, (_, i) => i).sort((a, b) => p[b]! - p[a]! || a - b);
  let keep = Math.min(o.topK ?? V, V);
  if (o.topP !== undefined && o.topP < 1) {
    let acc = 0;
    for (let j = 0; j < keep; j++) {
      acc += p[ids[j]!]! / sum;
      if (acc >= o.topP) {
        keep = j + 1;
        break;
      }
    }
  }
  const kept = ids.slice(0, keep);
  const z = kept.reduce((a, i) => a + p[i]!, 0);
  return { ids: kept, probs: kept.map((i) => p[i]! / z) };
}

/** Draws one token id from `logits` under `o` with the uniform number `u` ∈ [0, 1). */
export function sampleToken(logits: ArrayLike<number>, o: SamplingOptions, u: number): number {
  const { ids, probs } = samplingDistribution(logits, o);
  let acc = 0;
  for (let j = 0; j < ids.length; j++) {
    acc += probs[j]!;
    if (u < acc) return ids[j]!;
  }
  return ids[ids.length - 1]!;
}

/** A seeded uniform generator on [0, 1) (SplitMix32: a counter through a 32-bit mixer). */
export function uniformStream(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return z / 2 ** 32;
  };
}
