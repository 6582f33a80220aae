/**
 * Next-token sampling (app/generate/sampling.ts) against distributions worked out by hand:
 * greedy is the argmax; top-k and top-p keep the right tokens and renormalise; temperature 2
 * takes the square root of the probabilities; empirical frequencies over many seeded draws match;
 * the same seed gives the same draws; bad settings are rejected naming the option.
 */
import { describe, expect, it } from 'vitest';
import { checkSampling, sampleToken, samplingDistribution, uniformStream } from '../../app/generate/sampling.ts';

const P = [0.5, 0.3, 0.15, 0.05];
const logits = [P[2]!, P[0]!, P[3]!, P[1]!].map(Math.log); // ids 0..3 have p 0.15, 0.5, 0.05, 0.3

function frequencies(o: Parameters<typeof sampleToken>[1], draws: number, seed: number): number[] {
  const rand = uniformStream(seed);
  const f = [0, 0, 0, 0];
  for (let i = 0; i < draws; i++) f[sampleToken(logits, o, rand())]! += 1 / draws;
  return f;
}

describe('sampling', () => {
  it('greedy is the argmax (lowest id on ties)', () => {
    expect(samplingDistribution(logits, { temperature: 0 })).toEqual({ ids: [1], probs: [1] });
    expect(samplingDistribution([2, 5, 5, 1], { temperature: 0 }).ids).toEqual([1]);
    expect(sampleToken(logits, { topK: 1 }, 0.99)).toBe(1);
  });

  it('top-k, top-p and temperature give the hand-worked distributions', () => {
    const k2 = samplingDistribution(logits, { topK: 2 });
    expect(k2.ids).toEqual([1, 3]);
    expect(k2.probs[0]).toBeCloseTo(0.5 / 0.8, 12);
    // top-p 0.7: 0.5 < 0.7, 0.5 + 0.3 ≥ 0.7 → the two most probable tokens.
    expect(samplingDistribution(logits, { topP: 0.7 }).ids).toEqual([1, 3]);
    expect(samplingDistribution(logits, { topP: 0.95 }).ids).toEqual([1, 3, 0]);
    const t2 = samplingDistribution(logits, { temperature: 2 });
    const z = P.reduce((a, p) => a + Math.sqrt(p), 0);
    expect(t2.ids).toEqual([1, 3, 0, 2]);
    t2.probs.forEach((p, j) => expect(p).toBeCloseTo(Math.sqrt(P[j]!) / z, 12));
  });

  it('seeded draws follow the distribution and repeat for a seed', () => {
    const f = frequencies({}, 20000, 7);
    [0.15, 0.5, 0.05, 0.3].forEach((p, i) => expect(Math.abs(f[i]! - p)).toBeLessThan(0.015));
    const fk = frequencies({ topK: 2 }, 20000, 8);
    expect(fk[0]).toBe(0);
    expect(fk[2]).toBe(0);
    expect(Math.abs(fk[1]! - 0.625)).toBeLessThan(0.015);
    const a = uniformStream(3);
    const b = uniformStream(3);
    const c = uniformStream(4);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('rejects bad settings naming the option', () => {
    expect(() => checkSampling({ temperature: -1 }, 10)).toThrow(/temperature must be a finite number ≥ 0/);
    expect(() => checkSampling({ topK: 0 }, 10)).toThrow(/top-k must be an integer ≥ 1/);
    expect(() => checkSampling({ topP: 0 }, 10)).toThrow(/top-p must be in \(0, 1\]/);
  });
});
