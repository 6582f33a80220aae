/**
 * WGSL of moec's counter-based RNG, bit-identical to `ir/rng.ts`: Philox4x32-10 with the 32×32→64
 * multiply done in 16-bit halves (WGSL has no 64-bit integers), key = (seed, stream), counter =
 * (row, col, step, 0), first output word; the uniform (w >> 8)·2⁻²⁴; and the table normal sampler
 * z = Q[i] + D[i]·f reading the tables from a storage buffer laid out as [Q(4096) | D(4096)]
 * (`normalTableData()` builds it from `normalTables()`). The round body is one snippet
 * (`PHILOX_ROUND_WGSL`), also used by the column-split form of hierarchical-gating.ts. Also a
 * tiny test kernel that writes the words and normals of a grid of (row, col) draws so tests can
 * compare them bit-for-bit.
 */
import { normalTables, NORMAL_SEGMENTS } from '../../ir/rng.ts';
import { ceilDiv, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';

/** The normal tables as one storage-buffer payload: Q[0..4096) then D[0..4096). */
export function normalTableData(): Float32Array {
  const { q, d } = normalTables();
  const out = new Float32Array(2 * NORMAL_SEGMENTS);
  out.set(q, 0);
  out.set(d, NORMAL_SEGMENTS);
  return out;
}

/**
 * WGSL: the body of one Philox4x32 round (multipliers 0xd2511f53, 0xcd9e8d57) on the function
 * variables c0..c3 (counter) and k0, k1 (key), then the key bump (0x9e3779b9, 0xbb67ae85); needs
 * `mulhi32`. The loop body of `philox_word` and of hierarchical-gating.ts's column-split form.
 */
export const PHILOX_ROUND_WGSL = /* wgsl */ `    let hi0 = mulhi32(0xd2511f53u, c0);
    let lo0 = 0xd2511f53u * c0;
    let hi1 = mulhi32(0xcd9e8d57u, c2);
    let lo1 = 0xcd9e8d57u * c2;
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 = k0 + 0x9e3779b9u;
    k1 = k1 + 0xbb67ae85u;`;

/**
 * WGSL functions `philox_word(seed, stream, step, row, col) -> u32`, `uniform_from_word(w) -> f32`
 * and `normal_from_word(w) -> f32`; the latter reads `<tables>` (array<f32>, [Q | D]).
 */
export function philoxWgsl(tables = 'normTables'): string {
  return /* wgsl */ `
fn mulhi32(a: u32, b: u32) -> u32 {
  let aLo = a & 0xffffu;
  let aHi = a >> 16u;
  let bLo = b & 0xffffu;
  let bHi = b >> 16u;
  let lolo = aLo * bLo;
  let hilo = aHi * bLo;
  let lohi = aLo * bHi;
  let hihi = aHi * bHi;
  let cross = (lolo >> 16u) + (hilo & 0xffffu) + lohi;
  return hihi + (hilo >> 16u) + (cross >> 16u);
}

fn philox_word(seed: u32, stream: u32, step: u32, row: u32, col: u32) -> u32 {
  var c0 = row;
  var c1 = col;
  var c2 = step;
  var c3 = 0u;
  var k0 = seed;
  var k1 = stream;
  for (var r = 0u; r < 10u; r++) {
${PHILOX_ROUND_WGSL}
  }
  return c0;
}

fn uniform_from_word(w: u32) -> f32 {
  return f32(w >> 8u) * ${2 ** -24};
}

fn normal_from_word(w: u32) -> f32 {
  let i = w >> 20u;
  let f = f32((w >> 8u) & 0xfffu) * ${2 ** -12};
  return ${tables}[i] + ${tables}[${NORMAL_SEGMENTS}u + i] * f;
}
`;
}

/** Options of the RNG test kernel: a rows×cols grid of draws starting at rowOffset. */
export interface PhiloxTestOptions {
  readonly rows: number;
  readonly cols: number;
  readonly seed: number;
  readonly stream: number;
  readonly step: number;
  readonly rowOffset: number;
}

const PHILOX_TEST = defineProgram({
  name: 'philox_test',
  bindings: {
    normTables: { access: 'read', type: 'f32' },
    words: { access: 'read_write', type: 'u32' },
    normals: { access: 'read_write', type: 'f32' },
  },
  uniforms: { rows: 'u32', cols: 'u32', seed: 'u32', stream: 'u32', step: 'u32', rowOffset: 'u32' },
  workgroupSize: 64,
  source: /* wgsl */ `${philoxWgsl()}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= params.rows * params.cols) { return; }
  let row = i / params.cols;
  let col = i % params.cols;
  let w = philox_word(params.seed, params.stream, params.step, row + params.rowOffset, col);
  words[i] = w;
  normals[i] = normal_from_word(w);
}
`,
});

/** Test kernel: words[r*cols+c] = philox_word(...), normals[...] = normal_from_word(word). */
export function philoxTestKernel(o: PhiloxTestOptions): Kernel {
  const { rows, cols, seed, stream, step, rowOffset } = o;
  return PHILOX_TEST.kernel([ceilDiv(rows * cols, 64), 1, 1], { rows, cols, seed, stream, step, rowOffset });
}
