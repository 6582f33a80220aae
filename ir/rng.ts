/**
 * Counter-based random numbers shared bit-for-bit by the CPU reference and the WGSL kernels.
 *
 * Philox4x32-10 (Salmon et al., SC'11) maps a 128-bit counter and a 64-bit key to 128 random bits
 * with only 32-bit multiplies, xors and adds, so WGSL reproduces it exactly. moec keys every draw by
 * key = (seed, stream) and counter = (row, col, step, 0) and uses the first output word.
 *
 * Uniform: u = (w >>> 8) · 2⁻²⁴ ∈ [0, 1), exact in f32.
 * Normal: an inverse-CDF table. The top 12 bits of w pick a segment i of 4096 equal-probability
 * segments, the next 12 bits a fraction f ∈ [0, 1) (exact, 12 bits); z = Q[i] + D[i]·f where
 * Q[i] = Φ⁻¹(i/4096) rounded to f32 (the two outer knots placed so each tail segment has the true
 * conditional mean of its tail, |z| < 3.992) and D[i] = Q[i+1] − Q[i] rounded to
 * 12 significant bits. D[i]·f then has ≤ 24 significant bits, so it is exact in f32 whether or not a
 * GPU compiler fuses the multiply-add, and the one rounding of the add is the same everywhere (f32
 * add is correctly rounded in WGSL; in JS the f64 sum of two f32s rounded once to f32 is too).
 * Box–Muller would need log/cos, whose WGSL accuracy is implementation-defined — not bit-exact.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two u32 (exact, via 16-bit halves). */
export function mulhi32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const lolo = aLo * bLo;
  const hilo = aHi * bLo;
  const lohi = aLo * bHi;
  const hihi = aHi * bHi;
  const cross = (lolo >>> 16) + (hilo & 0xffff) + lohi;
  return (hihi + (hilo >>> 16) + Math.floor(cross / 65536)) >>> 0;
}

/** Philox4x32-10 of counter c and key k; returns 4 u32 words. */
export function philox4x32(c: readonly [number, number, number, number], k: readonly [number, number]): [number, number, number, number] {
  let c0 = c[0] >>> 0;
  let c1 = c[1] >>> 0;
  let c2 = c[2] >>> 0;
  let c3 = c[3] >>> 0;
  let k0 = k[0] >>> 0;
  let k1 = k[1] >>> 0;
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi32(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi32(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  return [c0, c1, c2, c3];
}

/** The coordinates of one random draw. */
export interface DrawKey {
  readonly seed: number;
  readonly stream: number;
  readonly step: number;
  readonly row: number;
  readonly col: number;
}

/** The raw 32-bit word moec uses for a draw. */
export function drawWord(d: DrawKey): number {
  return philox4x32([d.row, d.col, d.step, 0], [d.seed, d.stream])[0];
}

/** Uniform in [0, 1) from a word: (w >>> 8) · 2⁻²⁴ (exact in f32). */
export function uniformFromWord(w: number): number {
  return (w >>> 8) * 2 ** -24;
}

/** Number of inverse-CDF segments (2¹²). */
export const NORMAL_SEGMENTS = 4096;

/** Inverse of the standard normal CDF (Wichura's AS241, PPND16; relative error ~1e-16). */
function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`normalQuantile needs p in (0,1), got ${p}`);
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r +
          13731.693765509461125) * r + 1971.5909503065514427) * r + 133.14166789178437745) * r + 3.387132872796366608)) /
      (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r +
        5394.1960214247511077) * r + 687.1870074920579083) * r + 42.313330701600911252) * r + 1)
    );
  }
  let r = q < 0 ? p : 1 - p;
  r = Math.sqrt(-Math.log(r));
  let val: number;
  if (r <= 5) {
    r -= 1.6;
    val =
      (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r +
        3.64784832476320460504) * r + 5.7694972214606914055) * r + 4.6303378461565452959) * r + 1.42343711074968357734) /
      (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r + 0.14810397642748007459) * r +
        0.68976733498510000455) * r + 1.6763848301838038494) * r + 2.05319162663775882187) * r + 1);
  } else {
    r -= 5;
    val =
      (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093) * r +
        0.29656057182850489123) * r + 1.7848265399172913358) * r + 5.4637849111641143699) * r + 6.6579046435011037772) /
      (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
        0.0148753612908506148525) * r + 0.13692988092273580531) * r + 0.59983220655588793769) * r + 1);
  }
  return q < 0 ? -val : val;
}

function roundToBits(x: number, bits: number): number {
  if (x === 0) return 0;
  const e = Math.floor(Math.log2(Math.abs(x)));
  const quantum = 2 ** (e - (bits - 1));
  return Math.round(x / quantum) * quantum;
}

/** The normal sampler's tables: Q (segment starts, f32) and D (segment slopes, 12-bit). */
export interface NormalTables {
  readonly q: Float32Array;
  readonly d: Float32Array;
}

function buildNormalTables(): NormalTables {
  const S = NORMAL_SEGMENTS;
  const knots = new Float64Array(S + 1);
  for (let j = 1; j <= S / 2; j++) {
    const v = j === S / 2 ? 0 : Math.fround(normalQuantile(j / S));
    knots[j] = v;
    knots[S - j] = -v;
  }
  // Tail segments: choose the outer knot so the segment's mean equals E[Z | Z < z1] = −φ(z1)/Φ(z1).
  const z1 = knots[1]!;
  const tailMean = -Math.exp((-z1 * z1) / 2) / Math.sqrt(2 * Math.PI) / (1 / S);
  knots[0] = Math.fround(2 * tailMean - z1);
  knots[S] = -knots[0]!;
  const q = new Float32Array(S);
  const d = new Float32Array(S);
  for (let i = 0; i < S; i++) {
    q[i] = knots[i]!;
    d[i] = roundToBits(knots[i + 1]! - knots[i]!, 12);
  }
  return { q, d };
}

const TABLES: NormalTables = buildNormalTables();

/** The (immutable, computed once) tables the WGSL normal sampler must upload. */
export function normalTables(): NormalTables {
  return TABLES;
}

/** Standard normal (approximately N(0,1), see file comment) from a word; exact in f32. */
export function normalFromWord(w: number): number {
  const i = w >>> 20;
  const f = ((w >>> 8) & 0xfff) * 2 ** -12;
  return Math.fround(TABLES.q[i]! + TABLES.d[i]! * f);
}

/** Standard normal draw for (seed, stream, step, row, col). */
export function normalDraw(d: DrawKey): number {
  return normalFromWord(drawWord(d));
}

/** Uniform [0,1) draw for (seed, stream, step, row, col). */
export function uniformDraw(d: DrawKey): number {
  return uniformFromWord(drawWord(d));
}

/** 32-bit FNV-1a hash of a string's UTF-16 code units (stable RNG stream ids for parameter names; also
 * the cache keys of generated WGSL and the document split of text corpora). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
