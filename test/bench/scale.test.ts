/**
 * The scale benchmark's pure parts (no device): kernel-family rules on the ops and kernels the
 * training plans really contain, the argument parser's errors, and the Done-when checks of
 * issue 9 on hand-built results (thresholds and "fails" rows), plus that the SVG is well formed
 * enough to carry one point per successful configuration.
 */
import { describe, expect, it } from 'vitest';
import { compileTrainingPlan } from '../../compiler/train-pipeline.ts';
import { traceModel } from '../../frontend/model.ts';
import flat from '../../examples/lstm-moe-lm.ts';
import hier from '../../examples/hierarchical-moe-lm.ts';
import { parseScaleArgs } from '../../bench/scale.ts';
import type { ConfigResult, ScaleResult } from '../../bench/scale-configs.ts';
import { scaleJobs } from '../../bench/scale-configs.ts';
import { breakdown, familyOf } from '../../bench/scale-families.ts';
import { doneWhenChecks, scaleTable } from '../../bench/scale-table.ts';
import { scaleSvg } from '../../bench/scale-svg.ts';
import { checkHostMemory } from '../../bench/scale-host-memory.ts';

describe('kernel families', () => {
  it('charges every dispatch of the flat and hierarchical training steps to the expected family', () => {
    const seen = new Map<string, string>();
    const graphs = [traceModel(flat, { T: 2, B: 4 }), traceModel(hier, { T: 2, B: 4 })];
    for (const [traced, recompute] of graphs.flatMap((g) => (['none', 'experts'] as const).map((r) => [g, r] as const))) {
      const { plan } = compileTrainingPlan(traced, { optimizer: { name: 'factored-adam', lr: 0.01 }, recompute }, { maxStorageBufferBindingSize: 2 ** 27 });
      for (const s of plan.steps) for (const d of s.dispatches) seen.set(`${s.node.op}|${d.kernel.name.replace(/\[\d+\]$|\d+$/, '')}`, familyOf(s.node.op, s.node.layer, d.kernel.name));
    }
    const fam = (op: string, kernel: string): string | undefined => seen.get(`${op}|${kernel}`);
    expect(fam('gating', 'gating')).toBe('gating');
    expect(fam('secondaryGatingGrad', 'secondary_gating_grad_weights')).toBe('gating');
    // these small steps take the one-workgroup sort; the radix sort's kernels are charged by op alike
    expect(fam('moeDispatch', 'dispatch_sort_small')).toBe('dispatch');
    expect(fam('moeDispatch', 'dispatch_offsets')).toBe('dispatch');
    expect(familyOf('moeDispatch', 'moe0', 'dispatch_radix_scatter')).toBe('dispatch');
    expect(fam('moeCombine', 'combine')).toBe('dispatch');
    expect(fam('expertHidden', 'expert_gemm_gather_relu')).toBe('expert GEMM');
    expect(fam('expertOutputGrad', 'expert_gemm_wt')).toBe('expert GEMM');
    expect(fam('expertOutputGrad', 'segment_gemm_tn_active')).toBe('weight grads');
    expect(fam('expertHiddenGrad', 'segment_gemm_tn_gather_active')).toBe('weight grads');
    expect(familyOf('expertHiddenGrad', 'moe0', 'clear_inactive')).toBe('weight grads');
    expect(fam('factoredAdamUpdate', 'factored_adam.stats')).toBe('optimizer');
    // every kernel of an op the rule decides by op alone, whatever the kernel is called
    const ofOp = (op: string): string[] => [...seen].filter(([k]) => k.startsWith(`${op}|`)).map(([, f]) => f);
    expect(ofOp('expertFactoredAdamUpdate').length).toBeGreaterThan(0);
    expect(new Set(ofOp('expertFactoredAdamUpdate'))).toEqual(new Set(['optimizer']));
    expect(ofOp('expertFfn').length).toBeGreaterThan(0);
    expect(new Set(ofOp('expertFfn'))).toEqual(new Set(['expert GEMM']));
    // the expert backward's kernels by name: input half → expert GEMM, weight half → weight grads
    expect(familyOf('expertFfnGrad', 'moe0', 'expert_ffn_grad_input')).toBe('expert GEMM');
    expect(familyOf('expertFfnGrad', 'moe0', 'expert_gemv_grad_input')).toBe('expert GEMM');
    expect(familyOf('expertFfnGrad', 'moe0', 'expert_ffn_grad_weights_active')).toBe('weight grads');
    expect(familyOf('expertFfnGrad', 'moe0', 'expert_wgrad_small_active')).toBe('weight grads');
    expect(familyOf('expertFfnGrad', 'moe0', 'expert_wgrad_lanes_active')).toBe('weight grads');
    expect(ofOp('expertFfnGrad')).toContain('weight grads');
    expect(ofOp('expertFfnGrad')).toContain('expert GEMM');
    expect(fam('linearCrossEntropy', 'lce.loss_grad_rows')).toBe('dense');
    expect(fam('embeddingGrad', 'embedding_grad_tree')).toBe('dense'); // the canonical batch chunks' counter kernel
    expect(fam('lstmGrad', 'lstm_grad.step')).toBe('lstm');
    expect(fam('dropout', 'dropout')).toBe('other');
    // the matmuls of the gating's backward sit in the MoE layer: gating, not dense
    expect([...seen].filter(([k]) => k.startsWith('matmul|')).map(([, f]) => f).sort()).toContain('gating');
  });

  it('sums a profile by family and ranks kernels', () => {
    const b = breakdown([
      { op: 'gating', layer: 'moe0', kernel: 'gating', ms: 2 },
      { op: 'factoredAdamUpdate', layer: 'moe0', kernel: 'factored_adam.stats3', ms: 5 },
      { op: 'factoredAdamUpdate', layer: 'lstm0', kernel: 'factored_adam.stats7', ms: 1 },
    ]);
    expect(b.totalMs).toBe(8);
    expect(b.families.optimizer).toBe(6);
    expect(b.families.gating).toBe(2);
    expect(b.topKernels[0]).toEqual({ kernel: 'factored_adam.stats', family: 'optimizer', ms: 6, n: 2 });
  });
});

describe('arguments', () => {
  it('parses the filter and refuses unknown sweeps and flags', () => {
    expect(parseScaleArgs(['--quick', '--only', 'flat,rows']).only).toEqual(['flat', 'rows']);
    expect(parseScaleArgs([]).out).toBe('scale');
    expect(() => parseScaleArgs(['--only', 'wide'])).toThrow(/--only wide is not a sweep/);
    expect(() => parseScaleArgs(['--fast'])).toThrow(/unknown flag --fast/);
    expect(() => parseScaleArgs(['--cap', '-3'])).toThrow(/--cap -3 is not a positive number/);
  });

  it('times the steps under the recompute policy asked for (default experts)', () => {
    expect(parseScaleArgs([]).settings.recompute).toBe('experts');
    expect(parseScaleArgs(['--recompute', 'none', '--only', 'flat']).settings.recompute).toBe('none');
    expect(() => parseScaleArgs(['--recompute', 'all'])).toThrow(/--recompute all is not a policy/);
  });

  it('filters the timed jobs by expert count', () => {
    expect(parseScaleArgs([]).experts).toBeUndefined();
    expect(parseScaleArgs(['--experts', '4,1024', '--only', 'flat']).experts).toEqual([4, 1024]);
    expect(() => parseScaleArgs(['--experts', '4,x'])).toThrow(/--experts 4,x: 'x' is not a positive whole expert count/);
  });

  it('pairs every full-size timed configuration with its sweep reference and covers the Done-when sizes', () => {
    const j = scaleJobs(false);
    for (const job of [...j.flat.slice(1), ...j.hier.slice(1)]) expect(job.configs).toHaveLength(2);
    expect(j.flat.map((x) => x.configs.at(-1)!.experts)).toEqual([4, 16, 64, 256, 1024, 4096, 8192]);
    expect(j.flat[4]!.configs.map((c) => c.rows)).toEqual([1024, 1024]);
    expect(j.hier.map((x) => x.configs.at(-1)!.experts)).toEqual([64, 1024, 16384, 65536, 131072]);
    expect(j.rows[0]!.configs.map((c) => [c.rows, c.experts, c.options.expertHidden])).toContainEqual([4096, 16, 1024]);
  });

  it('refuses a configuration that does not fit host memory before allocating, with the numbers', () => {
    const G = 2 ** 30;
    expect(() => checkHostMemory(8, 4.5 * G, 2 * G, 8 * G, 20 * G)).not.toThrow();
    expect(() => checkHostMemory(8, 4.5 * G, 2 * G, 6 * G, 20 * G)).toThrow(
      'skipped: 8 device plans need 4.50 GiB plus 2.00 GiB of host parameters, 6.50 GiB in all, more than the benchmark\'s cap of 6.00 GiB (raise it with --max-gib)',
    );
    expect(() => checkHostMemory(8, 4.5 * G, 2 * G, 8 * G, 8 * G)).toThrow(
      "skipped: 8 device plans need 4.50 GiB plus 2.00 GiB of host parameters, 6.50 GiB in all, more than 80% of the host's free memory (8.00 GiB); not run, to avoid an out-of-memory kill",
    );
  });

  it('runs the flat sweep on the devices its banks need, with time to prepare them', () => {
    const flat = scaleJobs(false).flat.map((x) => x.configs.at(-1)!);
    expect(flat.every((c) => c.devices === 'auto')).toBe(true);
    expect(flat.filter((c) => c.extraSeconds !== undefined).map((c) => [c.experts, c.extraSeconds])).toEqual([[4096, 480], [8192, 960]]);
  });
});

const cfg = (over: Partial<ConfigResult> & Pick<ConfigResult, 'sweep' | 'experts' | 'rows'>): ConfigResult => ({
  label: `${over.sweep} ${over.experts}`,
  model: over.sweep === 'hier' ? 'hier' : 'flat',
  options: { expertHidden: 64, width: 64, k: 4 },
  ok: true,
  ...over,
});

function result(configs: ConfigResult[]): ScaleResult {
  return {
    name: 'scale',
    date: '2026-11-29T20:00:00.000Z',
    git: { commit: 'abc', modified: [] },
    loadavg: { start: [1], end: [1], cpus: 2 },
    settings: { quick: false, runs: 5, capSeconds: 90, maxBytes: 2 ** 33, only: ['flat', 'hier', 'rows'] },
    notes: [],
    configs,
  };
}

describe('Done-when checks', () => {
  const ref = { label: 'flat n=4', median_ms: 100, samples_ms: [100], us_per_token: 100 };
  it('passes and fails on the issue thresholds', () => {
    const r = result([
      cfg({ sweep: 'flat', experts: 4, rows: 1024, median_ms: 100, us_per_token: 100 }),
      cfg({ sweep: 'flat', experts: 1024, rows: 1024, median_ms: 160, us_per_token: 160, reference: ref, ratio: 1.6 }),
      cfg({ sweep: 'flat', experts: 8192, rows: 1024, ok: false, error: 'lowering node #168 gating (layer moe0): gating: nMax=8192 too large' }),
      cfg({ sweep: 'hier', experts: 65536, rows: 64, median_ms: 150, us_per_token: 150, reference: ref, ratio: 1.5 }),
      cfg({ sweep: 'hier', experts: 131072, rows: 64, median_ms: 200, forward: { ok: false, error: 'grid too large' } }),
      cfg({ sweep: 'rows', experts: 64, rows: 16384, peakBytes: { none: 230e6, experts: 100e6 } }),
      cfg({ sweep: 'rows', experts: 16, rows: 4096, peakBytes: { none: 200e6, experts: 150e6 } }),
    ]);
    const before = result([cfg({ sweep: 'rows', experts: 64, rows: 16384, peakBytes: { none: 229e6, experts: 224e6 } })]);
    const c = doneWhenChecks(r, before).map((x) => x.pass);
    // 1.6 > 1.5; 8192 fails; 1.5 ≤ 2; forward fails; 100/224 ≤ 50%; 150/200 > 50%
    expect(c).toEqual([false, false, true, false, true, false]);
    const md = scaleTable(r, before);
    expect(md).toContain('fails: gating (layer moe0): gating: nMax=8192 too large');
    expect(md).toContain('| 1024 | 160.0 | 160.00 | 1.60× |');
  });

  it('says on how many devices a configuration with split banks ran', () => {
    const md = scaleTable(result([cfg({ sweep: 'flat', experts: 8192, rows: 1024, median_ms: 9000, us_per_token: 8789, devices: 8, profileError: 'no GPU-timestamp profile on several devices' })]));
    expect(md).toContain('runs, 9000.0 ms/step on 8 devices');
    expect(md).toContain('8 devices (banks split)');
    expect(md).not.toContain('no profile');
  });

  it('reports sizes not measured (quick runs) as unknown, not as passing', () => {
    expect(doneWhenChecks(result([])).every((x) => x.pass === undefined)).toBe(true);
  });

  it('draws one marker per configuration that ran and a cross per failure', () => {
    const svg = scaleSvg(
      result([
        cfg({ sweep: 'flat', experts: 4, rows: 1024, median_ms: 100, us_per_token: 100 }),
        cfg({ sweep: 'flat', experts: 64, rows: 1024, median_ms: 120, us_per_token: 120 }),
        cfg({ sweep: 'flat', experts: 8192, rows: 1024, ok: false, error: 'too large' }),
      ]),
    );
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toContain('flat 8192: too large');
  });

  it('leaves out points without a finite time per token instead of looping on their log', () => {
    const svg = scaleSvg(result([cfg({ sweep: 'hier', experts: 64, rows: 64, median_ms: 50, us_per_token: null as unknown as number })]));
    expect(svg).not.toContain('<circle ');
  });
});
