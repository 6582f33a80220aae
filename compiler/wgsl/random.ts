/**
 * Elementwise kernels of the RNG-driven and noise ops: `dropout` (inverted dropout; the keep mask
 * comes from the Philox uniform draw of ir/rng.ts for (seed, stream, step, row, col), and mask and
 * scaled values are both bit-identical to the CPU reference), `noiseStd` (softplus(x) + eps in
 * training, exactly 0 in evaluation) and `randomNormal` (the exact table normal sampler, bit-identical to normalDraw).
 * Every shape and per-run value (seed, step, train, rate) is a `params` uniform, so each template
 * is one pipeline and the runtime can rewrite only the uniform between training steps. Grids wider
 * than 65535 workgroups fold into y; the flat element index is gid.x + gid.y·(groups.x·WG).
 */
import { ceilDiv, grid1d, type Kernel } from './kernel.ts';
import { defineProgram, type Program, type UniformType, type UniformValues } from './program.ts';
import { philoxWgsl } from './philox.ts';

const WG = 256;

/** philoxWgsl() without normal_from_word (which needs a table binding dropout does not have). */
function philoxWordOnly(): string {
  const src = philoxWgsl();
  const cut = src.indexOf('fn normal_from_word');
  if (cut < 0) throw new Error('philoxWgsl: normal_from_word not found');
  return src.slice(0, cut);
}

/** A finite f64 s ≥ 1 as S·2^exp with S ∈ [2⁵², 2⁵³) split into hi (21 bits) and lo (32 bits). */
function f64Significand(s: number): { hi: number; lo: number; exp: number } {
  if (!(s >= 1 && Number.isFinite(s))) throw new Error(`dropout scale must be finite and ≥ 1, got ${s}`);
  let e = Math.floor(Math.log2(s));
  while (s / 2 ** e >= 2) e++;
  while (s / 2 ** e < 1) e--;
  const S = s * 2 ** (52 - e); // exact integer
  return { hi: Math.floor(S / 2 ** 32), lo: S % 2 ** 32, exp: e - 52 };
}

/**
 * WGSL `scale_exact(v)`: f32(f64(v · s)) for s = S·2^sExp (params.sHi/sLo/sExp), as JS computes
 * `Float32Array[i] = v * s`: exact 77-bit product in vec3<u32> limbs (x = low word), rounded to
 * nearest-even at 53 significant bits, then at f32 precision (24 bits, or the 2⁻¹⁴⁹ quantum).
 */
const EXACT_SCALE_WGSL = /* wgsl */ `
fn limb(p: vec3<u32>, w: u32) -> u32 {
  if (w == 0u) { return p.x; }
  if (w == 1u) { return p.y; }
  if (w == 2u) { return p.z; }
  return 0u;
}
fn bit_len(p: vec3<u32>) -> u32 {
  if (p.z != 0u) { return 65u + firstLeadingBit(p.z); }
  if (p.y != 0u) { return 33u + firstLeadingBit(p.y); }
  if (p.x != 0u) { return 1u + firstLeadingBit(p.x); }
  return 0u;
}
fn shr96(p: vec3<u32>, q: u32) -> vec3<u32> {
  let ws = q / 32u;
  let bs = q % 32u;
  var r = vec3<u32>(0u);
  for (var j = 0u; j < 3u; j++) {
    let lo = limb(p, j + ws);
    let hi = limb(p, j + ws + 1u);
    var v = lo;
    if (bs != 0u) { v = (lo >> bs) | (hi << (32u - bs)); }
    if (j == 0u) { r.x = v; } else if (j == 1u) { r.y = v; } else { r.z = v; }
  }
  return r;
}
// Bits [0, i) of p, any set?
fn any_below(p: vec3<u32>, i: u32) -> bool {
  var found = false;
  for (var w = 0u; w < 3u; w++) {
    let l = limb(p, w);
    if (i >= 32u * (w + 1u)) { found = found || l != 0u; }
    else if (i > 32u * w) { found = found || (l & ((1u << (i - 32u * w)) - 1u)) != 0u; }
  }
  return found;
}
// round(p / 2^q), ties to even.
fn round_shr(p: vec3<u32>, q: u32) -> vec3<u32> {
  if (q == 0u) { return p; }
  var r = shr96(p, q);
  let rb = (limb(p, (q - 1u) / 32u) >> ((q - 1u) % 32u)) & 1u;
  if (rb == 1u && (any_below(p, q - 1u) || (r.x & 1u) == 1u)) {
    r.x += 1u;
    if (r.x == 0u) { r.y += 1u; if (r.y == 0u) { r.z += 1u; } }
  }
  return r;
}
fn scale_exact(v: f32) -> f32 {
  let b = bitcast<u32>(v);
  let sign = b & 0x80000000u;
  let e = (b >> 23u) & 0xffu;
  let m = b & 0x7fffffu;
  if (e == 255u) { return v * params.scale; }
  if (e == 0u && m == 0u) { return v; }
  let M = select(m, m | 0x800000u, e != 0u);
  var k = i32(max(e, 1u)) - 150 + params.sExp; // value = P · 2^k
  // P = M · (sHi·2^32 + sLo), exactly.
  let lo0 = M * params.sLo;
  let hi0 = mulhi32(M, params.sLo);
  let lo1 = M * params.sHi;
  let hi1 = mulhi32(M, params.sHi);
  let mid = hi0 + lo1;
  var p = vec3<u32>(lo0, mid, hi1 + select(0u, 1u, mid < hi0));
  // f64 rounding: 53 significant bits.
  let L = bit_len(p);
  if (L > 53u) { p = round_shr(p, L - 53u); k += i32(L - 53u); }
  // f32 rounding: quantum 2^max(lead − 23, −149).
  let L1 = i32(bit_len(p));
  let lead1 = k + L1 - 1;
  let qexp = max(lead1 - 23, -149);
  if (qexp > k) { p = round_shr(p, u32(qexp - k)); k = qexp; }
  let P = p.x; // < 2^25 now
  let L2 = i32(bit_len(p));
  let lead = k + L2 - 1;
  if (lead > 127) { return bitcast<f32>(sign | 0x7f800000u); }
  if (lead >= -126) {
    var mant = 0u;
    if (L2 <= 24) { mant = P << u32(24 - L2); } else { mant = P >> u32(L2 - 24); }
    return bitcast<f32>(sign | (u32(lead + 127) << 23u) | (mant & 0x7fffffu));
  }
  return bitcast<f32>(sign | (P << u32(k + 149)));
}
`;

/**
 * One invocation per element i < params.numel (grid folded into y past 65535 workgroups), reading
 * `input` f32 and writing `out` f32: the program `name` with WGSL `body` run for each in-range i,
 * after the module-scope WGSL `helpers`. `uniforms` must include a `numel` field.
 */
function flatProgram<U extends Readonly<Record<string, UniformType>>>(name: string, input: string, uniforms: U, helpers: string, body: string): Program<U> {
  return defineProgram({
    name,
    bindings: { [input]: { access: 'read', type: 'f32' }, out: { access: 'read_write', type: 'f32' } },
    uniforms,
    workgroupSize: WG,
    source: /* wgsl */ `${helpers}
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * (nwg.x * ${WG}u);
  if (i >= params.numel) { return; }
${body}
}
`,
  });
}

/** The grid of a flat program over `numel` elements. */
const flatGrid = (numel: number): [number, number, number] => (numel === 0 ? [0, 1, 1] : grid1d(ceilDiv(numel, WG)));

/** The dropout program (static: one module for every shape, rate, seed and step). */
const DROPOUT = flatProgram(
  'dropout',
  'x',
  { numel: 'u32', cols: 'u32', seed: 'u32', stream: 'u32', step: 'u32', train: 'u32', threshold: 'u32', scale: 'f32', sHi: 'u32', sLo: 'u32', sExp: 'i32' },
  philoxWordOnly() + EXACT_SCALE_WGSL,
  /* wgsl */ `  let v = x[i];
  if (params.train == 0u) { out[i] = v; return; }
  let w = philox_word(params.seed, params.stream, params.step, i / params.cols, i % params.cols);
  if ((w >> 8u) >= params.threshold) { out[i] = scale_exact(v); } else { out[i] = 0.0; }`,
);

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
 * Inverted dropout (op `dropout`): out[i] = x[i]·(1/(1 − rate)) when u ≥ rate, else 0, with
 * u = uniformDraw(seed, stream, step, i / cols, i % cols); out = x when not training. Bit-exact
 * with the reference: the test u ≥ rate is done in integers ((w >> 8) ≥ ceil(rate·2²⁴)), and the
 * kept value reproduces the reference's f32(f64(x · s)) with s = 1/(1 − rate) in f64 — the
 * 24×53-bit product is formed exactly in u32 limbs and rounded (ties to even) first to 53 bits,
 * then to f32 (subnormal and overflow-to-inf results included). The scale goes into the uniform
 * as its 53-bit significand (hi/lo words) and exponent; `scale` (= f32(s)) is used only for
 * x = ±inf/NaN. Bindings: x f32 [numel], out f32 [numel] (written), params.
 */
export function dropoutKernel(o: DropoutKernelOptions): Kernel {
  return DROPOUT.kernel(flatGrid(o.numel), dropoutUniforms(o));
}

/** The dropout kernel's uniform values (per run: seed, step and mode change, the WGSL does not). */
function dropoutUniforms(o: DropoutKernelOptions): UniformValues<typeof DROPOUT extends Program<infer U> ? U : never> {
  if (!(o.rate >= 0 && o.rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${o.rate}`);
  const sig = f64Significand(1 / (1 - o.rate));
  return {
    numel: o.numel,
    cols: Math.max(o.cols, 1),
    seed: o.seed,
    stream: o.stream,
    step: o.step,
    train: o.train ? 1 : 0,
    // keep ⇔ (w >> 8)·2⁻²⁴ ≥ rate ⇔ (w >> 8) ≥ ceil(rate·2²⁴) (both exact in f64).
    threshold: Math.ceil(o.rate * 2 ** 24),
    scale: 1 / (1 - o.rate),
    sHi: sig.hi,
    sLo: sig.lo,
    sExp: sig.exp,
  };
}

/** The uniform block of a dropout run (for a plan's per-run uniform rewrite; no WGSL is built). */
export function dropoutUniformData(o: DropoutKernelOptions): Uint32Array {
  return DROPOUT.uniformData(dropoutUniforms(o))!;
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
  return NOISE_STD.kernel(flatGrid(o.numel), { numel: o.numel, train: o.train ? 1 : 0, eps: o.eps });
}

const NOISE_STD = flatProgram(
  'noise_std',
  'x',
  { numel: 'u32', train: 'u32', eps: 'f32' },
  /* wgsl */ `
// log(1 + t) for t in [0, 1] to a few ulp relative, also for tiny t: 2·atanh(s), s = t/(2 + t) ≤ 1/3,
// by its odd series (WGSL's log has only 2⁻²¹ absolute accuracy near 1, too coarse for tiny t).
fn log1p_small(t: f32) -> f32 {
  let s = t / (2.0 + t);
  let s2 = s * s;
  let p = 1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 * (1.0 / 11.0 +
    s2 * (1.0 / 13.0 + s2 * (1.0 / 15.0 + s2 * (1.0 / 17.0 + s2 / 19.0))))))));
  return 2.0 * s * p;
}
`,
  /* wgsl */ `  if (params.train == 0u) { out[i] = 0.0; return; }
  let v = x[i];
  out[i] = max(v, 0.0) + log1p_small(exp(-abs(v))) + params.eps;`,
);

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
  return RANDOM_NORMAL.kernel(flatGrid(numel), { numel, cols: Math.max(o.cols, 1), seed: o.seed, stream: o.stream, step: o.step, rowOffset: o.rowOffset });
}

const RANDOM_NORMAL = flatProgram(
  'random_normal',
  'normTables',
  { numel: 'u32', cols: 'u32', seed: 'u32', stream: 'u32', step: 'u32', rowOffset: 'u32' },
  philoxWgsl('normTables'),
  /* wgsl */ `  let row = i / params.cols + params.rowOffset;
  out[i] = normal_from_word(philox_word(params.seed, params.stream, params.step, row, i % params.cols));`,
);
