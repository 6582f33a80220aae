/**
 * LSTM backpropagation through time (op `lstmGrad`): one dispatch per timestep, backwards. The
 * forward states are recomputed beforehand with the forward kernels (lstm.ts) into scratch: XW =
 * x·wx, hprev [T·B, H] = [h0; h_0 .. h_{T−2}] and cs [(T+1)·B, H] = [c0; c_0 .. c_{T−1}]. Step t
 * recomputes the gate pre-activations z_t = XW[t] + h_{t−1}·wh + b (a reduction over H with the 4
 * gates packed as vec4, like the forward) and, in the same k loop, the recurrent gradient
 * dh_rec = dz_{t+1}·whᵀ (a vec4 dot over the 4 gates); then the cell backward for unit (b, q):
 * dh = dh_in[t] + dh_rec (dhT at t = T−1), dc = dc_next + dh·o·(1 − tanh²c),
 * dz = (dc·g·i(1−i), dc·c_{t−1}·f(1−f), dc·i·(1−g²), dh·tanh(c)·o(1−o)), dc_next ← dc·f. dz [T·B, 4H]
 * is kept for the weight GEMMs (dx = dz·wxᵀ, dwx = xᵀ·dz, dwh = hprevᵀ·dz, db = Σ_rows dz, done
 * with matmul.ts / segment.ts by the lowering). The running gradients live in one `state` buffer
 * [2, B, H]: state[0] = dc (starts as dcT, ends as dc0), state[1] = dhT before the loop and dh0 =
 * dz_0·whᵀ after the final dispatch (mode `final`). Eight storage bindings, one pipeline, each
 * output element owned by one invocation: deterministic.
 */
import { ceilDiv, type Kernel } from './kernel.ts';
import { defineProgram } from './program.ts';
import { EW_HELPERS_WGSL } from './elementwise.ts';

const BR = 4; // batch rows per workgroup
const BQ = 16; // hidden units per workgroup
const TK = 16; // reduction slice

/** Shape of the recurrence. */
export interface LstmGradShape {
  readonly T: number;
  readonly B: number;
  readonly H: number;
}

const LSTM_GRAD_STEP = defineProgram({
  name: 'lstm_grad.step',
  bindings: {
    xw: { access: 'read', type: 'f32' },
    wh: { access: 'read', type: 'f32' },
    b: { access: 'read', type: 'f32' },
    hprev: { access: 'read', type: 'f32' },
    cs: { access: 'read', type: 'f32' },
    dh: { access: 'read', type: 'f32' },
    dz: { access: 'read_write', type: 'f32' },
    state: { access: 'read_write', type: 'f32' },
  },
  uniforms: { t: 'u32', T: 'u32', B: 'u32', H: 'u32', isFinal: 'u32' },
  workgroupSize: 64,
  source: /* wgsl */ `// lstm backward timestep (tile ${BR}x${BQ}, k-slice ${TK})
${EW_HELPERS_WGSL}
var<workgroup> Hs: array<f32, ${TK * BR}>;          // [TK][BR] h_{t-1}
var<workgroup> Ds: array<vec4<f32>, ${TK * BR}>;    // [TK][BR] dz_{t+1}, gates packed
var<workgroup> Wz: array<vec4<f32>, ${TK * BQ}>;    // [TK][BQ] wh[k, g·H + q]
var<workgroup> Wd: array<vec4<f32>, ${TK * BQ}>;    // [TK][BQ] wh[q, g·H + k]

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let t = params.t;
  let B = params.B;
  let H = params.H;
  let G = 4u * H;
  let fin = params.isFinal != 0u;
  let needZ = !fin;
  let useRec = fin || t + 1u < params.T;
  var rec = t + 1u;
  if (fin) { rec = 0u; }
  let r0 = wid.y * ${BR}u;
  let q0 = wid.x * ${BQ}u;
  let tx = lid % ${BQ}u;
  let ty = lid / ${BQ}u;
  var accz = vec4<f32>(0.0);
  var accd = 0.0;
  for (var k0 = 0u; k0 < H; k0 += ${TK}u) {
    // lid covers [TK][BR] = 64 entries once.
    {
      let kk = lid / ${BR}u;
      let row = lid % ${BR}u;
      let gr = r0 + row;
      let gk = k0 + kk;
      var hv = 0.0;
      var dv = vec4<f32>(0.0);
      if (gr < B && gk < H) {
        if (needZ) { hv = hprev[(t * B + gr) * H + gk]; }
        if (useRec) {
          let base = (rec * B + gr) * G + gk;
          dv = vec4<f32>(dz[base], dz[base + H], dz[base + 2u * H], dz[base + 3u * H]);
        }
      }
      Hs[kk * ${BR}u + row] = hv;
      Ds[kk * ${BR}u + row] = dv;
    }
    for (var e = lid; e < ${TK * BQ}u; e += 64u) {
      let kk = e / ${BQ}u;
      let gq = q0 + e % ${BQ}u;
      let gk = k0 + kk;
      var wz = vec4<f32>(0.0);
      var wd = vec4<f32>(0.0);
      if (gk < H && gq < H) {
        if (needZ) {
          let zb = gk * G + gq;
          wz = vec4<f32>(wh[zb], wh[zb + H], wh[zb + 2u * H], wh[zb + 3u * H]);
        }
        if (useRec) {
          let db = gq * G + gk;
          wd = vec4<f32>(wh[db], wh[db + H], wh[db + 2u * H], wh[db + 3u * H]);
        }
      }
      Wz[e] = wz;
      Wd[e] = wd;
    }
    workgroupBarrier();
    let kEnd = min(${TK}u, H - k0);
    for (var kk = 0u; kk < kEnd; kk++) {
      accz = fma(vec4<f32>(Hs[kk * ${BR}u + ty]), Wz[kk * ${BQ}u + tx], accz);
      accd += dot(Ds[kk * ${BR}u + ty], Wd[kk * ${BQ}u + tx]);
    }
    workgroupBarrier();
  }
  let r = r0 + ty;
  let q = q0 + tx;
  if (r >= B || q >= H) { return; }
  let cell = r * H + q;
  let BH = B * H;
  if (fin) {
    state[BH + cell] = accd;
    return;
  }
  let zrow = (t * B + r) * G + q;
  let z = accz + vec4<f32>(xw[zrow], xw[zrow + H], xw[zrow + 2u * H], xw[zrow + 3u * H])
               + vec4<f32>(b[q], b[H + q], b[2u * H + q], b[3u * H + q]);
  let ig = ew_sigmoid(z.x);
  let fg = ew_sigmoid(z.y);
  let gg = ew_tanh(z.z);
  let og = ew_sigmoid(z.w);
  let c = cs[(t + 1u) * BH + cell];
  let cp = cs[t * BH + cell];
  var dht = dh[t * BH + cell];
  if (useRec) { dht += accd; } else { dht += state[BH + cell]; }
  let tc = ew_tanh(c);
  let dc = state[cell] + dht * og * (1.0 - tc * tc);
  dz[zrow] = dc * gg * ig * (1.0 - ig);
  dz[zrow + H] = dc * cp * fg * (1.0 - fg);
  dz[zrow + 2u * H] = dc * ig * (1.0 - gg * gg);
  dz[zrow + 3u * H] = dht * tc * og * (1.0 - og);
  state[cell] = dc * fg;
}
`,
});

/**
 * Backward kernel of timestep t (t = T−1 .. 0 in order), or with `final` the dh0 = dz_0·whᵀ pass.
 * Bindings: `xw` (read, [T·B,4H]), `wh` ([H,4H]), `b` ([4H]), `hprev` ([T·B,H]), `cs`
 * ([(T+1)·B,H]), `dh` ([T,B,H]), `dz` (read_write, [T·B,4H]), `state` (read_write, [2,B,H]), params.
 */
export function lstmGradStepKernel(s: LstmGradShape, t: number, final = false): Kernel {
  if (!final && !(Number.isInteger(t) && t >= 0 && t < s.T)) throw new Error(`lstm grad step ${t} out of range [0, ${s.T})`);
  return LSTM_GRAD_STEP.kernel(
    [ceilDiv(s.H, BQ), ceilDiv(s.B, BR), 1],
    { t: final ? 0 : t, T: s.T, B: s.B, H: s.H, isFinal: final ? 1 : 0 },
    { name: final ? 'lstm_grad.final' : `lstm_grad.step${t}` },
  );
}

/** The T backward step kernels (t = T−1 .. 0) followed by the final dh0 pass, in dispatch order. */
export function lstmGradKernels(s: LstmGradShape): Kernel[] {
  const ks: Kernel[] = [];
  for (let t = s.T - 1; t >= 0; t--) ks.push(lstmGradStepKernel(s, t));
  ks.push(lstmGradStepKernel(s, 0, true));
  return ks;
}
