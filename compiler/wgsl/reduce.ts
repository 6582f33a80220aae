/**
 * Deterministic sum of all elements → scalar (the `sum` op, and the mean of softmaxCrossEntropy).
 * One WGSL module serves every stage: workgroup g sums the chunk [g·chunk, min(n, (g+1)·chunk)),
 * each of its 256 invocations accumulating a fixed strided subset in order, then a fixed
 * workgroup tree, and writes dst[g] = total · scale. Inputs up to one chunk (4096 elements) take a
 * single dispatch; larger ones take two: per-chunk partial sums into a temporary, then one
 * workgroup sums the partials (any count) with the scale applied. No float atomics, so the result
 * is bit-identical from run to run. n, chunk and scale live in the uniform: one pipeline total.
 */
import { FLAT_WORKGROUP_WGSL, grid1d, ceilDiv, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';

const WG = 256;
/** Elements summed by one workgroup in the first stage. */
const SUM_CHUNK = WG * 16;

/** Every stage: `src` and `dst` are renamed per stage at kernel time (Program.kernel's `as.bind`). */
const SUM = defineProgram({
  name: 'sum',
  bindings: { src: { access: 'read', type: 'f32' }, dst: { access: 'read_write', type: 'f32' } },
  uniforms: { n: 'u32', chunk: 'u32', scale: 'f32' },
  workgroupSize: WG,
  source: /* wgsl */ `var<workgroup> part: array<f32, ${WG}>;

${FLAT_WORKGROUP_WGSL}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let g = flat_workgroup(wid, nwg);
  let begin = g * params.chunk;
  let end = min(params.n, begin + params.chunk);
  var acc = 0.0;
  for (var j = begin + lid; j < end; j += ${WG}u) { acc += src[j]; }
  part[lid] = acc;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { part[lid] += part[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u && begin < max(params.n, 1u)) { dst[g] = part[0] * params.scale; }
}
`,
});

function stage(name: string, src: string, dst: string, n: number, chunk: number, scale: number): Kernel {
  const groups = n === 0 ? 1 : ceilDiv(n, chunk);
  return SUM.kernel(grid1d(groups), { n, chunk, scale }, { name, bind: { src, dst } });
}

/** Options of `sumKernels`. */
export interface SumOptions {
  /** Multiplier applied to the total (e.g. 1/N for a mean); default 1. */
  readonly scale?: number;
  /** Binding name of the input (default 'x'). */
  readonly input?: string;
  /** Binding name of the scalar output (default 'out'). */
  readonly output?: string;
}

/** The dispatches of a sum and the size of the temporary they need. */
export interface SumPlan {
  /** Run in order. Bindings: stage 1 `input` → `partials` (or → `output` when single stage), stage 2 `partials` → `output`. */
  readonly kernels: Kernel[];
  /** f32 elements of the temporary bound as `partials` (0 when there is a single stage). */
  readonly partials: number;
}

/**
 * Sum of n f32 elements → scalar (times `scale`). Kernel bindings use the names `input`
 * (default 'x'), 'partials' and `output` (default 'out'), plus `params`; n = 0 gives 0.
 */
export function sumKernels(n: number, o: SumOptions = {}): SumPlan {
  const input = o.input ?? 'x';
  const output = o.output ?? 'out';
  const scale = o.scale ?? 1;
  if (n <= SUM_CHUNK) return { kernels: [stage('sum', input, output, n, SUM_CHUNK, scale)], partials: 0 };
  const G = ceilDiv(n, SUM_CHUNK);
  return {
    kernels: [stage('sum.partials', input, 'partials', n, SUM_CHUNK, 1), stage('sum.final', 'partials', output, G, Math.max(G, 1), scale)],
    partials: G,
  };
}
