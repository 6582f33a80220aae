/**
 * Elementwise kernels of the RNG-driven and noise ops: `dropout` (inverted dropout; the keep mask
 * comes from the Philox uniform draw of ir/rng.ts for (seed, stream, step, row, col) and is
 * bit-identical to the CPU reference), `noiseStd` (softplus(x) + eps in training, exactly 0 in
 * evaluation) and `randomNormal` (the exact table normal sampler, bit-identical to normalDraw).
 * Every shape and per-run value (seed, step, train, rate) is a `params` uniform, so each template
 * is one pipeline and the runtime can rewrite only the uniform between training steps. Grids wider
 * than 65535 workgroups fold into y; the flat element index is gid.x + gid.y·(groups.x·WG).
 */
import { ceilDiv, grid1d, uniformBlock, type Kernel } from './kernel.ts';
import { philoxWgsl } from './philox.ts';

const WG = 256;

/** philoxWgsl() without normal_from_word (which needs a table binding dropout does not have). */
function philoxWordOnly(): string {
  const src = philoxWgsl();
  const cut = src.indexOf('fn normal_from_word');
  if (cut < 0) throw new Error('philoxWgsl: normal_from_word not found');
  return src.slice(0, cut);
}

function flatIndex(): string {
  return 'let i = gid.x + gid.y * (nwg.x * ' + WG + 'u);';
}

/** Options of the dropout kernel: numel elements, cols = last dim (row = i / cols). */
export interface DropoutKernelOptions {
  readonly numel: number;
  readonly cols: number;
  readonly rate: number;
  readonly seed: number;
  readonly stream: number;
  readonly step: number;
  readonly train: boolean;
}

/**
 * Inverted dropout (op `dropout`): out[i] = x[i]·scale when u ≥ rate, else 0, with
 * u = uniformDraw(seed, stream, step, i / cols, i % cols) and scale = f32(1/(1 − rate)) computed
 * in f64 on the host; out = x when not training. The test u ≥ rate is done exactly in integers
 * ((w >> 8) ≥ ceil(rate·2²⁴)), so the mask equals the reference's bit-for-bit. The kept values are
 * x·f32(scale) rounded once in f32, which can differ by 1 ulp from the reference's f64 product
 * rounded to f32 unless 1/(1 − rate) is exact in f32 (e.g. rate 0, 0.5, 0.75).
 * Bindings: x f32 [numel], out f32 [numel] (written), params.
 */
export function dropoutKernel(o: DropoutKernelOptions): Kernel {
  if (!(o.rate >= 0 && o.rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${o.rate}`);
  const u = uniformBlock([
    ['numel', 'u32', o.numel],
    ['cols', 'u32', Math.max(o.cols, 1)],
    ['seed', 'u32', o.seed],
    ['stream', 'u32', o.stream],
    ['step', 'u32', o.step],
    ['train', 'u32', o.train ? 1 : 0],
    // keep ⇔ (w >> 8)·2⁻²⁴ ≥ rate ⇔ (w >> 8) ≥ ceil(rate·2²⁴) (both exact in f64).
    ['threshold', 'u32', Math.ceil(o.rate * 2 ** 24)],
    ['scale', 'f32', 1 / (1 - o.rate)],
  ]);
  const wgsl = /* wgsl */ `// dropout
${u.struct}
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
${philoxWordOnly()}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  ${flatIndex()}
  if (i >= params.numel) { return; }
  let v = x[i];
  if (params.train == 0u) { out[i] = v; return; }
  let w = philox_word(params.seed, params.stream, params.step, i / params.cols, i % params.cols);
  if ((w >> 8u) >= params.threshold) { out[i] = v * params.scale; } else { out[i] = 0.0; }
}
`;
  return {
    name: 'dropout',
    wgsl,
    bindings: [
      { name: 'x', access: 'read' },
      { name: 'out', access: 'read_write' },
      { name: 'params', access: 'uniform' },
    ],
    workgroupSize: [WG, 1, 1],
    dispatch: o.numel === 0 ? [0, 1, 1] : grid1d(ceilDiv(o.numel, WG)),
    cacheKey: 'dropout',
    uniformData: u.data,
  };
}

/** Options of the noise-scale kernel. */
export interface NoiseStdKernelOptions {
  readonly numel: number;
  readonly eps: number;
  readonly train: boolean;
}

/**
 * Noise scale (op `noiseStd`, paper Eq. 4): training → softplus(x) + eps with the stable
 * softplus max(x, 0) + log1p(exp(−|x|)) (log1p by the atanh series, accurate for tiny arguments;
 * the error is dominated by WGSL's exp, ≤ 3 + 2|x| ulp); evaluation →
 * exactly 0. Bindings: x f32 [numel], out f32 [numel] (written), params.
 */
export function noiseStdKernel(o: NoiseStdKernelOptions): Kernel {
  const u = uniformBlock([
    ['numel', 'u32', o.numel],
    ['train', 'u32', o.train ? 1 : 0],
    ['eps', 'f32', o.eps],
  ]);
  const wgsl = /* wgsl */ `// noise_std
${u.struct}
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

// log(1 + t) for t in [0, 1] to a few ulp relative, also for tiny t: 2·atanh(s), s = t/(2 + t) ≤ 1/3,
// by its odd series (WGSL's log has only 2⁻²¹ absolute accuracy near 1, too coarse for tiny t).
fn log1p_small(t: f32) -> f32 {
  let s = t / (2.0 + t);
  let s2 = s * s;
  let p = 1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 * (1.0 / 11.0 +
    s2 * (1.0 / 13.0 + s2 * (1.0 / 15.0 + s2 * (1.0 / 17.0 + s2 / 19.0))))))));
  return 2.0 * s * p;
}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  ${flatIndex()}
  if (i >= params.numel) { return; }
  if (params.train == 0u) { out[i] = 0.0; return; }
  let v = x[i];
  out[i] = max(v, 0.0) + log1p_small(exp(-abs(v))) + params.eps;
}
`;
  return {
    name: 'noise_std',
    wgsl,
    bindings: [
      { name: 'x', access: 'read' },
      { name: 'out', access: 'read_write' },
      { name: 'params', access: 'uniform' },
    ],
    workgroupSize: [WG, 1, 1],
    dispatch: o.numel === 0 ? [0, 1, 1] : grid1d(ceilDiv(o.numel, WG)),
    cacheKey: 'noise_std',
    uniformData: u.data,
  };
}

/** Options of the standard-normal kernel: a rows×cols block whose first row is rowOffset. */
export interface RandomNormalKernelOptions {
  readonly rows: number;
  readonly cols: number;
  readonly seed: number;
  readonly stream: number;
  readonly step: number;
  readonly rowOffset: number;
}

/**
 * Standard normal draws (op `randomNormal`): out[r, c] = normalDraw(seed, stream, step,
 * r + rowOffset, c), bit-identical to ir/rng.ts. Bindings: normTables f32 [8192]
 * (`normalTableData()`), out f32 [rows, cols] (written), params.
 */
export function randomNormalKernel(o: RandomNormalKernelOptions): Kernel {
  const numel = o.rows * o.cols;
  const u = uniformBlock([
    ['numel', 'u32', numel],
    ['cols', 'u32', Math.max(o.cols, 1)],
    ['seed', 'u32', o.seed],
    ['stream', 'u32', o.stream],
    ['step', 'u32', o.step],
    ['rowOffset', 'u32', o.rowOffset],
  ]);
  const wgsl = /* wgsl */ `// random_normal
${u.struct}
@group(0) @binding(0) var<storage, read> normTables: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;
${philoxWgsl('normTables')}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  ${flatIndex()}
  if (i >= params.numel) { return; }
  let row = i / params.cols + params.rowOffset;
  out[i] = normal_from_word(philox_word(params.seed, params.stream, params.step, row, i % params.cols));
}
`;
  return {
    name: 'random_normal',
    wgsl,
    bindings: [
      { name: 'normTables', access: 'read' },
      { name: 'out', access: 'read_write' },
      { name: 'params', access: 'uniform' },
    ],
    workgroupSize: [WG, 1, 1],
    dispatch: numel === 0 ? [0, 1, 1] : grid1d(ceilDiv(numel, WG)),
    cacheKey: 'random_normal',
    uniformData: u.data,
  };
}
