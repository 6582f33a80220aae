/**
 * Text forms of a lowered plan for `moec compile --emit plan|wgsl`: the plan lists storages (role,
 * bytes, arena and offset of temporaries), every step with its kernel launches (kernel, a GEMM's kernel and tiling, grid, bound buffers) and the
 * memory totals (persistent, pooled temporaries, peak, and the no-reuse total for comparison);
 * the WGSL listing prints each distinct kernel source once, with the kernels that use it.
 */
import { formatType } from '../ir/types.ts';
import type { Plan } from './plan.ts';

function kib(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Memory summary lines (also used by the CLI's run report). */
export function formatMemory(plan: Plan): string[] {
  const m = plan.memory!;
  return [
    `persistent ${m.persistentBytes} B (${kib(m.persistentBytes)}): inputs, parameters, constants, outputs`,
    `temporaries ${m.tempPooledBytes} B in ${m.arenaBytes.length} arenas (${m.arenaBytes.join(' + ')} B); largest live set ${m.tempLiveBytes} B (+${m.tempLiveBytes > 0 ? (((m.tempPooledBytes - m.tempLiveBytes) / m.tempLiveBytes) * 100).toFixed(1) : '0.0'}% alignment and fragmentation); ${m.tempNaiveBytes} B without reuse`,
    `peak ${m.peakBytes} B (${kib(m.peakBytes)}); total without reuse ${m.totalBytes} B (${kib(m.totalBytes)})`,
  ];
}

/** The whole plan as text. */
export function printPlan(plan: Plan): string {
  const lines: string[] = [`plan ${String(plan.graph.meta.name ?? 'graph')} {`, '  storages:'];
  for (const s of plan.storages) {
    const views = plan.buffers.filter((b) => b.storage === s.id).map((b) => `${b.name}: ${formatType(b.type)}`);
    const where = s.role === 'temp' ? `arena ${s.arena} @${s.offset} live [${s.first}, ${s.last}]` : s.role;
    const parts = s.parts ? ` in ${s.parts.length} parts (${s.parts.join(' + ')} B)` : '';
    lines.push(`    s${s.id} ${where} ${s.bytes} B${parts}: ${views.join(', ')}`);
  }
  lines.push('  steps:');
  let dispatches = 0;
  for (const step of plan.steps) {
    const n = step.node;
    const tag = n.layer ? `  # ${n.layer}` : '';
    lines.push(`    [${step.index}] ${n.op} (node #${n.id})${tag}`);
    for (const d of step.dispatches) {
      dispatches++;
      const used = new Set(d.kernel.bindings.map((b) => b.name));
      const bind = Object.entries(d.bind)
        .filter(([k]) => used.has(k))
        .map(([k, v]) => `${k}=${typeof v === 'number' ? plan.buffers[v]!.name : `${plan.buffers[v.buffer]!.name}.part${v.part}`}`)
        .join(' ');
      const grid = d.indirect ? `grid indirect(${plan.buffers[d.indirect.buffer]!.name}+${d.indirect.offset}) ≤ ${d.kernel.dispatch.join('x')}` : `grid ${d.kernel.dispatch.join('x')}`;
      const tiling = d.kernel.tunable?.tiling !== undefined ? ` [${d.kernel.tunable.tiling}]` : '';
      lines.push(`        ${d.kernel.name}${tiling} ${grid}${d.uniformFor ? ' (per-run uniform)' : ''}: ${bind}`);
    }
  }
  lines.push(`  ${dispatches} dispatches in one compute pass, 1 submit per run`);
  for (const l of formatMemory(plan)) lines.push(`  ${l}`);
  lines.push('}');
  return lines.join('\n');
}

/** Every distinct WGSL source of the plan, once, headed by the kernels that use it. */
export function printWgsl(plan: Plan): string {
  const bySource = new Map<string, Set<string>>();
  for (const s of plan.steps) {
    for (const d of s.dispatches) {
      const users = bySource.get(d.kernel.wgsl) ?? new Set<string>();
      users.add(`${d.kernel.name} [${d.kernel.cacheKey}]`);
      bySource.set(d.kernel.wgsl, users);
    }
  }
  const out: string[] = [];
  for (const [src, users] of bySource) out.push(`// ==== ${[...users].join(', ')} ====\n${src.trimEnd()}\n`);
  out.push(`// ${bySource.size} distinct pipelines`);
  return out.join('\n');
}
