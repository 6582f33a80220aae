/**
 * The report's curves (runtime/report/page.ts, smooth.ts, line-chart.ts): the smoothing is the
 * debiased EMA (checked against its closed form Σ_j (1−w)·w^(i−j)·y_j / (1 − w^(i+1)) computed
 * here), long train curves are drawn smoothed with the raw curve faint behind, short ones as
 * logged; the unigram baseline recorded in config.json is a reference line on the perplexity
 * chart (at its value) and the loss chart (at its log); CV² is on a log axis (zeros drawn at the
 * floor); the x axis is steps or, on request, tokens.
 */
import { describe, expect, it } from 'vitest';
import { renderPage } from '../../runtime/report/page.ts';
import { smoothEma, smoothingWeight } from '../../runtime/report/smooth.ts';
import type { RunData, TrainRecord } from '../../runtime/report/run-types.ts';

function run(n: number, config: Record<string, unknown> = {}): RunData {
  const train: TrainRecord[] = Array.from({ length: n }, (_, i) => {
    const loss = 6 * Math.exp(-i / 50) + 1 + 0.3 * Math.sin(i * 1.7); // a trend plus noise
    return { kind: 'train', step: i + 1, tokens: 64 * (i + 1), time: i, tokensPerSec: 100, loss, ppl: Math.exp(loss), moe: { moe0: { cvImportance: 2 / (i + 1), cvLoad: i === 0 ? 0 : 1 / (i + 1), importance: [1, 1], load: [1, 1] } } };
  });
  return { runDir: '/tmp/run', config, train, valid: [{ kind: 'valid', step: n, loss: 2, ppl: Math.exp(2) }], moeLayers: new Map([['moe0', 2]]) };
}

describe('report curves', () => {
  it('smooths with the debiased EMA', () => {
    const ys = [5, 1, 4, 4, 2, 8, 0, 3];
    const w = 0.7;
    const got = smoothEma(ys, w);
    ys.forEach((_, i) => {
      let num = 0;
      for (let j = 0; j <= i; j++) num += (1 - w) * w ** (i - j) * ys[j]!;
      expect(got[i]).toBeCloseTo(num / (1 - w ** (i + 1)), 12);
    });
    expect(smoothEma([3, 3, 3], 0.9)).toEqual([3, 3, 3].map((x) => expect.closeTo(x, 12)));
    expect(smoothingWeight(40)).toBe(0);
    expect(smoothingWeight(400)).toBeCloseTo(0.9, 12);
  });

  it('draws long train curves smoothed over the faint raw curve, and short ones as logged', () => {
    const long = renderPage(run(400));
    const loss = long.slice(long.indexOf('data-chart="loss"'), long.indexOf('data-chart="ppl"'));
    expect(loss).toContain('class="series raw" data-name="train (raw)"');
    expect(loss).toContain('stroke-opacity="0.25"');
    expect(loss).toContain('data-name="train (smoothed)"');
    const short = renderPage(run(20));
    expect(short).not.toContain('train (raw)');
    expect(short).toContain('data-name="train"');
  });

  it('draws the unigram baseline from config.json on the loss and perplexity charts', () => {
    const page = renderPage(run(100, { unigramValidPpl: 250 }));
    const ppl = page.slice(page.indexOf('data-chart="ppl"'));
    expect(ppl).toMatch(/<line class="reference" data-name="unigram baseline"[^>]*><title>unigram baseline: 250<\/title>/);
    const loss = page.slice(page.indexOf('data-chart="loss"'), page.indexOf('data-chart="ppl"'));
    expect(loss).toContain(`<title>unigram baseline: ${Number(Math.log(250).toPrecision(4))}`);
    expect(renderPage(run(100))).not.toContain('class="reference"');
  });

  it('puts CV² on a log axis and the x axis in steps or tokens', () => {
    const page = renderPage(run(100));
    const cv = page.slice(page.indexOf('data-chart="cv-moe0"'));
    expect(cv).toContain('CV² (log scale)');
    expect(cv.slice(0, cv.indexOf('</svg>'))).toContain('>step</text>');
    const byTokens = renderPage(run(100), { xAxis: 'tokens' });
    const ppl = byTokens.slice(byTokens.indexOf('data-chart="ppl"'));
    expect(ppl.slice(0, ppl.indexOf('</svg>'))).toContain('>tokens</text>');
    // The validation point sits at the tokens of its step (6400 for step 100): the last tick region.
    expect(byTokens).toContain('per token trained on');
  });
});
