/**
 * Reference semantics of `gatingLogitsGrad`, the fused backward of noisy top-k gating's logits
 * (paper Eq. 3-5) once the softmax gradient of the gates is known: the gradient of the noisy
 * logits is the gates' gradient scattered to the selected experts, the clean logits receive it
 * plus the load loss's dclean, and the raw noise logits receive (dnoisy·z + dsigma)·sigmoid(raw)
 * (the derivative of softplus(raw) + eps; 0 in evaluation, where the noise is off), with z the
 * normal draw the forward added at (stream, rowOffset + r, e). Written as the composition of the
 * reference ops it replaces — scatterTopk, add, randomNormal, mul, add, noiseStdGrad — each value
 * rounded to `precision` where the unfused graph stores it, so both give the same numbers.
 */
import { floatArray, type FloatArray, type Precision } from '../tensor.ts';
import { randomNormal } from './gating.ts';
import { noiseStdGrad, scatterTopk } from './grad-moe.ts';

/** Where the forward drew its noise. */
export interface LogitsGradSite {
  readonly seed: number;
  readonly step: number;
  readonly stream: number;
  readonly rowOffset: number;
  readonly training: boolean;
}

/**
 * (dvals [N,k], indices [N,k], dclean [N,n], dsigma [N,n], raw [N,n]) → (dcleanTotal [N,n],
 * draw [N,n]): dnoisy = scatterTopk(dvals); dcleanTotal = dnoisy + dclean; draw =
 * noiseStdGrad(raw, dnoisy·z + dsigma).
 */
export function gatingLogitsGrad(
  dvals: ArrayLike<number>,
  indices: ArrayLike<number>,
  dclean: ArrayLike<number>,
  dsigma: ArrayLike<number>,
  raw: ArrayLike<number>,
  N: number,
  k: number,
  n: number,
  site: LogitsGradSite,
  precision: Precision = 'f32',
): { dclean: FloatArray; draw: FloatArray } {
  for (const [name, a] of [['dclean', dclean], ['dsigma', dsigma], ['raw', raw]] as const) {
    if (a.length !== N * n) throw new Error(`gatingLogitsGrad ${name}: expected ${N * n} elements ([${N},${n}]), got ${a.length}`);
  }
  const dnoisy = scatterTopk(dvals, indices, N, k, n, precision);
  const z = randomNormal(N, n, site, precision);
  const total = floatArray(N * n, precision);
  const dy = floatArray(N * n, precision);
  const prod = floatArray(N * n, precision);
  for (let i = 0; i < N * n; i++) {
    total[i] = dnoisy[i]! + dclean[i]!;
    prod[i] = dnoisy[i]! * z[i]!;
    dy[i] = prod[i]! + dsigma[i]!;
  }
  return { dclean: total, draw: noiseStdGrad(raw, dy, site.training, precision) };
}
