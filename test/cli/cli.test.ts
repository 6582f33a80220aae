/**
 * End-to-end tests of the `moec` command as a user runs it (bin/moec.js in a child process):
 * compile shows the batched MoE and the fused gating node, `run --json` prints finite numbers in
 * the documented shape, `--set` changes the model, and bad input exits non-zero with one line.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const example = 'examples/lstm-moe-lm.ts';

function moec(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/moec.js', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('moec compile', () => {
  it('--print-after-all shows the per-timestep trace, the batched MoE and the fused gating node', () => {
    const r = moec('compile', example, '--print-after-all');
    expect(r.code).toBe(0);
    const sections = r.stdout.split(/^\/\/ ---- /m).filter(Boolean);
    const traced = sections.find((s) => s.startsWith('traced'))!;
    const batched = sections.find((s) => s.startsWith('after batchExpertsOverTime'))!;
    const fused = sections[sections.length - 1]!; // after the dce that follows fuseGatingTopk
    expect(sections.map((s) => s.split(' (')[0])).toEqual(expect.arrayContaining(['after fuseGatingTopk', 'after dce']));
    // The trace applies the MoE per timestep: 8 expertFfn nodes over B = 32 rows each.
    expect(traced.match(/= expertFfn\(/g)).toHaveLength(8);
    expect(traced).toMatch(/expertFfn\([^)]*\) : f32\[128,64\]\s+# moe0 t=7/);
    // After batching: one expertFfn over T·B = 256 rows (k = 4 slots per row).
    expect(batched.match(/= expertFfn\(/g)).toHaveLength(1);
    expect(batched).toMatch(/expertFfn\([^)]*\) : f32\[1024,64\]/);
    expect(batched).toMatch(/topk\{k=5\}/);
    // After fusion: one gating node, no top-k or noise sampling left.
    expect(fused.match(/= gating\{/g)).toHaveLength(1);
    expect(fused).not.toMatch(/topk|randomNormal|noiseStd/);
    expect(r.stderr).toMatch(/remark: batchExpertsOverTime: moe0: merged 8 timestep instances/);
  });

  it('--emit json produces a graph that reads back, and --emit dot a digraph', () => {
    const json = moec('compile', example, '--emit', 'json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).format).toBe('moec-graph');
    const dot = moec('compile', example, '--emit', 'dot', '--set', 'experts=8');
    expect(dot.code).toBe(0);
    expect(dot.stdout).toMatch(/^digraph "lstm-moe-lm" \{/);
    expect(dot.stdout).toContain('moeDispatch{n=8}');
  });
});

describe('moec run', () => {
  it('--json prints loss and per-layer importance, load and CV², all finite', () => {
    const r = moec('run', example, '--backend', 'cpu', '--json', '--seed', '3');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ backend: 'cpu', adapter: null, seed: 3, mode: 'train' });
    // An untrained LM over 1000 words has cross-entropy near log(1000) ≈ 6.9.
    expect(report.loss).toBeGreaterThan(6.5);
    expect(report.loss).toBeLessThan(7.5);
    expect(report.moe).toHaveLength(1);
    const m = report.moe[0];
    expect(m.name).toBe('moe0');
    expect(m.importance).toHaveLength(16);
    expect(m.load).toHaveLength(16);
    // Importance sums the gates of T·B = 256 rows, each row's gates summing to 1.
    expect(m.importance.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(256, 3);
    for (const x of [...m.importance, ...m.load, m.cvImportance, m.cvLoad]) expect(Number.isFinite(x)).toBe(true);
  });

  it('eval mode gives hard loads: with the zero gate init every row ties and takes experts 0 and 1', () => {
    // An explicit backend (not auto), so the result does not depend on the machine's adapter.
    const r = moec('run', example, '--backend', 'cpu', '--json', '--mode', 'eval', '--set', 'experts=8', '--set', 'k=2');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.backend).toBe('cpu');
    // All-zero logits tie; ties go to the lower index, so each of the T·B = 256 rows picks {0, 1}.
    expect(report.moe[0].load).toEqual([256, 256, 0, 0, 0, 0, 0, 0]);
  });

  it.each([
    [['run', 'missing-model.ts'], /^moec: model file not found: missing-model.ts$/],
    [['run', example, '--set', 'k=40'], /moe0: k = 40 is larger than the number of experts n = 16/],
    [['run', example, '--set', 'colour=blue'], /has no option 'colour'; valid options: vocab/],
    [['run', example, '--backend', 'tpu'], /argument 'tpu' is invalid. Allowed choices are cpu, webgpu, auto/],
    [['run', example, '--frobnicate'], /unknown option '--frobnicate'/],
    [['compile', 'package.json'], /package.json/],
  ])('%j exits non-zero with a clear reason', (args, pattern) => {
    const r = moec(...(args as string[]));
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')[0]).toMatch(pattern);
  });
});
