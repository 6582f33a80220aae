/**
 * LSTM recurrence kernel, one dispatch per timestep. The input projection XW = x·wx [T·B, 4H] is
 * computed beforehand for all timesteps as ONE GEMM (matmul.ts); step t then computes
 * z = XW[t] + h_{t−1}·wh + b with gate order i, f, g, o (ir/ops.ts), c_t = f·c_{t−1} + i·g,
 * h_t = o·tanh(c_t), writes h_t into h [T,B,H] and the running state into hT and cT. A
 * 64-invocation workgroup owns an 8 (batch rows) × 32 (hidden units) tile of all four gates — four
 * vec4 accumulators (one gate per lane) per invocation — and stages h_{t−1} and the matching wh
 * columns (gates packed as vec4) through workgroup memory 16 rows of the reduction at a time,
 * zero-filled past the edges, so any B and H work. Loop bounds are deliberately not compile-time
 * constants: lavapipe then keeps the loops rolled, which cut the first-dispatch JIT from ~8 s to
 * under 1 s of CPU at a modest cost in speed.
 * Timestep choice: a small uniform per timestep (t, B, H): every step has the same WGSL, hence one
 * pipeline; the runtime binds a different 16-byte uniform buffer per step. Step 0 reads h0/c0,
 * later steps read h[t−1] and cT (updated in place, each element by the invocation that owns it).
 */
import { ceilDiv, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';
import { EW_HELPERS_WGSL } from './elementwise.ts';

const BR = 8; // batch rows per workgroup
const BQ = 32; // hidden units per workgroup
const TK = 16; // reduction slice staged per iteration

/** Shape of the recurrence. */
export interface LstmShape {
  readonly T: number;
  readonly B: number;
  readonly H: number;
  /**
   * Element offset of h_0 in the `h` binding (default 0). The backward recompute passes B·H so `h`
   * holds [h0; h_0 .. h_{T−1}] and its first T·B·H elements are the h_{t−1} of every step.
   */
  readonly hOffset?: number;
}

const LSTM_STEP = defineProgram({
  name: 'lstm.step',
  bindings: {
    xw: { access: 'read', type: 'f32' },
    wh: { access: 'read', type: 'f32' },
    b: { access: 'read', type: 'f32' },
    h0: { access: 'read', type: 'f32' },
    c0: { access: 'read', type: 'f32' },
    h: { access: 'read_write', type: 'f32' },
    hT: { access: 'read_write', type: 'f32' },
    cT: { access: 'read_write', type: 'f32' },
  },
  uniforms: { t: 'u32', B: 'u32', H: 'u32', hOff: 'u32' },
  workgroupSize: 64,
  source: /* wgsl */ `// lstm timestep (tile ${BR}x${BQ}x4 gates, k-slice ${TK})
${EW_HELPERS_WGSL}
const BR = ${BR}u;
const BQ = ${BQ}u;
const TK = ${TK}u;
var<workgroup> Hs: array<f32, ${TK * BR}>;        // [TK][BR]: h_{t-1} slice, transposed
var<workgroup> Ws: array<vec4<f32>, ${TK * BQ}>;  // [TK][BQ]: wh slice, the 4 gates packed

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = params.t;
  let B = params.B;
  let H = params.H;
  let G = 4u * H;
  let r0 = wid.y * BR;
  let q0 = wid.x * BQ;
  let tx = lid % 16u;
  let ty = lid / 16u;
  let prev = params.hOff + (t - 1u) * B * H; // only used when t > 0
  // Accumulators (gates i, f, g, o in x, y, z, w) for rows ty, ty+4 and units tx, tx+16.
  var a00 = vec4<f32>(0.0);
  var a01 = vec4<f32>(0.0);
  var a10 = vec4<f32>(0.0);
  var a11 = vec4<f32>(0.0);
  for (var k0 = 0u; k0 < H; k0 += TK) {
    for (var e = lid; e < TK * BR; e += 64u) {
      let row = e / TK;
      let kk = e % TK;
      let gr = r0 + row;
      let gk = k0 + kk;
      var v = 0.0;
      if (gr < B && gk < H) {
        if (t == 0u) { v = h0[gr * H + gk]; } else { v = h[prev + gr * H + gk]; }
      }
      Hs[kk * BR + row] = v;
    }
    for (var e = lid; e < TK * BQ; e += 64u) {
      let kk = e / BQ;
      let gq = q0 + e % BQ;
      let gk = k0 + kk;
      var v = vec4<f32>(0.0);
      if (gk < H && gq < H) {
        let base = gk * G + gq;
        v = vec4<f32>(wh[base], wh[base + H], wh[base + 2u * H], wh[base + 3u * H]);
      }
      Ws[e] = v;
    }
    workgroupBarrier();
    // Bound from the uniform (not the constant TK): lavapipe then keeps the loop rolled, which
    // compiles several times faster, and the zero-filled tail of the last slice is skipped.
    let kEnd = min(TK, H - k0);
    for (var kk = 0u; kk < kEnd; kk++) {
      let ha = Hs[kk * BR + ty];
      let hb = Hs[kk * BR + ty + 4u];
      let wa = Ws[kk * BQ + tx];
      let wb = Ws[kk * BQ + tx + 16u];
      a00 = fma(vec4<f32>(ha), wa, a00);
      a01 = fma(vec4<f32>(ha), wb, a01);
      a10 = fma(vec4<f32>(hb), wa, a10);
      a11 = fma(vec4<f32>(hb), wb, a11);
    }
    workgroupBarrier();
  }
  cell_update(r0 + ty, q0 + tx, a00);
  cell_update(r0 + ty, q0 + tx + 16u, a01);
  cell_update(r0 + ty + 4u, q0 + tx, a10);
  cell_update(r0 + ty + 4u, q0 + tx + 16u, a11);
}

// Adds XW[t] and b to the recurrent part, applies the gates and writes c, h for unit (r, q).
fn cell_update(r: u32, q: u32, acc: vec4<f32>) {
  let t = params.t;
  let B = params.B;
  let H = params.H;
  if (r >= B || q >= H) { return; }
  let zrow = (t * B + r) * 4u * H + q;
  let z = acc + vec4<f32>(xw[zrow], xw[zrow + H], xw[zrow + 2u * H], xw[zrow + 3u * H])
              + vec4<f32>(b[q], b[H + q], b[2u * H + q], b[3u * H + q]);
  let cell = r * H + q;
  var cp: f32;
  if (t == 0u) { cp = c0[cell]; } else { cp = cT[cell]; }
  let c = ew_sigmoid(z.y) * cp + ew_sigmoid(z.x) * ew_tanh(z.z);
  let hv = ew_sigmoid(z.w) * ew_tanh(c);
  cT[cell] = c;
  hT[cell] = hv;
  h[params.hOff + t * B * H + cell] = hv;
}
`,
});

/**
 * The kernel of timestep `t`. Bindings: `xw` (read, f32 [T·B,4H] = x·wx without bias), `wh`
 * (read, [H,4H]), `b` (read, [4H]), `h0`, `c0` (read, [B,H]), `h` (read_write, [T,B,H] from
 * element `hOffset`), `hT`, `cT` (read_write, [B,H]; cT doubles as the running cell state),
 * `params` (uniform t, B, H, hOff).
 * The dispatches of t = 0 .. T−1 must run in order (they do within one compute pass). For T = 0
 * there is nothing to dispatch: hT = h0 and cT = c0 must be copied by the caller.
 */
export function lstmStepKernel(s: LstmShape, t: number): Kernel {
  if (!(Number.isInteger(t) && t >= 0 && t < s.T)) throw new Error(`lstm step ${t} out of range [0, ${s.T})`);
  return LSTM_STEP.kernel([ceilDiv(s.H, BQ), ceilDiv(s.B, BR), 1], { t, B: s.B, H: s.H, hOff: s.hOffset ?? 0 }, { name: `lstm.step${t}` });
}

/** The T step kernels of a whole sequence, in dispatch order (one pipeline, T small uniforms). */
export function lstmKernels(s: LstmShape): Kernel[] {
  return Array.from({ length: s.T }, (_, t) => lstmStepKernel(s, t));
}
