/**
 * Vjp rules of the Mixture-of-Experts ops. Unfused gating pieces: noiseStd (noiseStdGrad),
 * randomNormal (no inputs), topk (values' gradient scattered to the selected columns; indices
 * carry none). Fused gating: decomposed into softmaxGrad of the gates, scatterTopk to the noisy
 * logits, the noise path recomputed (z = randomNormal with the gating's stream and rowOffset, or
 * the explicit noise input; raw = x·wn) and the two matmuls' vjps — in the usual training case
 * (implicit noise, gates and both load-loss gradients present) the logits part is one
 * gatingLogitsGrad op over [N, n] (scatter, add, noise redraw, softplus derivative). Balancing losses: cvSquared,
 * importance (into the gates) and loadEstimate (into clean and sigma, thresholds held constant as
 * ops.ts specifies). Dispatch has only i32 outputs. The unsplit expert FFN (kept whole in training
 * under the recompute policy 'experts'): one expertFfnGrad, which recomputes the hidden
 * activations tile by tile (it needs the dispatch positions: output 1 of the moeDispatch that
 * produced the FFN's sourceRow); its split form: expertOutputGrad then expertHiddenGrad. Combine:
 * moeCombineGrad into the expert outputs and the gates.
 */
import { describeNode, type Node } from '../../ir/graph.ts';
import type { VjpBuilder, VjpRule } from './types.ts';

type MoeOp =
  | 'noiseStd' | 'randomNormal' | 'topk' | 'gating' | 'loadEstimate' | 'importance' | 'cvSquared'
  | 'moeDispatch' | 'expertFfn' | 'moeCombine' | 'expertHidden' | 'expertOutput';

/** The dispatch positions (moeDispatch output 1) for an expert op reading `sourceRow`. */
function positionFor(node: Node, sourceRow: number, b: VjpBuilder): number {
  const d = b.producer(sourceRow);
  if (!d || d.op !== 'moeDispatch' || d.outputs[0] !== sourceRow) {
    throw new Error(
      `${describeNode(node)}: cannot differentiate: its sourceRow %${sourceRow} is not output 0 of a moeDispatch node ` +
        `(${d ? `it comes from ${describeNode(d)}` : 'it is a graph input'}), so the dispatch positions its gradient needs are unknown`,
    );
  }
  return d.outputs[1]!;
}

/** The MoE ops' vjp rules. */
export const MOE_VJP: { readonly [O in MoeOp]: VjpRule<O> } = {
  noiseStd: ({ inputs: [raw], dys: [dy], b }) => [b.op1('noiseStdGrad', {}, [raw!, dy!])],
  randomNormal: () => [],
  topk: ({ inputs: [x], outputs: [, idx], dys: [dvals], b }) => [
    dvals === undefined ? undefined : b.op1('scatterTopk', { n: b.shapeOf(x!)[1]! }, [dvals, idx!]),
  ],
  gating: ({ node, inputs, outputs, dys, wants, b }) => {
    const p = node.params;
    const [x, wg] = inputs as [number, number];
    const wnAt = p.noisy ? 2 : -1;
    const noiseAt = p.explicitNoise ? (p.noisy ? 3 : 2) : -1;
    const [indices, gates, , sigma] = outputs as [number, number, number, number];
    const [, dgates, dclean, dsigma, dtop] = dys;
    if (dtop !== undefined) {
      throw new Error(
        `${describeNode(node)}: a gradient reaches the gating's topValues output; moec treats the top-k thresholds as constants ` +
          `(loadEstimate gives them none), and the (k+1)-th index needed to route it is not an output`,
      );
    }
    const [N] = b.shapeOf(x);
    const n = b.shapeOf(wg)[1]!;
    const dvals = dgates === undefined ? undefined : b.op1('softmaxGrad', {}, [gates, dgates]);
    // The usual training case (implicit noise, gates and both load-loss gradients present): one
    // fused op over [N, n] instead of scatterTopk, add, randomNormal, mul, add and noiseStdGrad.
    const fused = p.noisy && !p.explicitNoise && dvals !== undefined && dclean !== undefined && dsigma !== undefined && (wants[0] || wants[wnAt]);
    const [fusedClean, fusedRaw] = fused
      ? b.op('gatingLogitsGrad', { n, stream: p.stream, rowOffset: p.rowOffset }, [dvals, indices, dclean, dsigma, b.op1('matmul', {}, [x, inputs[wnAt]!])])
      : [undefined, undefined];
    const dnoisy = fused || dvals === undefined ? undefined : b.op1('scatterTopk', { n }, [dvals, indices]);
    const dcleanT = fused ? fusedClean : b.addOpt(dnoisy, dclean);
    let draw: number | undefined = fusedRaw;
    let dnoise: number | undefined;
    if (p.noisy && !fused) {
      let dnoiseSigma: number | undefined;
      if (dnoisy !== undefined) {
        const z = p.explicitNoise ? inputs[noiseAt]! : b.op1('randomNormal', { shape: [N!, n], stream: p.stream, rowOffset: p.rowOffset }, []);
        dnoiseSigma = b.op1('mul', {}, [dnoisy, z]);
      }
      const dsigmaT = b.addOpt(dnoiseSigma, dsigma);
      if (dsigmaT !== undefined && (wants[0] || wants[wnAt])) {
        draw = b.op1('noiseStdGrad', {}, [b.op1('matmul', {}, [x, inputs[wnAt]!]), dsigmaT]);
      }
    }
    if (p.explicitNoise && dnoisy !== undefined && wants[noiseAt]) dnoise = b.op1('mul', {}, [dnoisy, sigma]);
    const xT = (wants[1] && dcleanT !== undefined) || (wants[wnAt] && draw !== undefined) ? b.op1('transpose', {}, [x]) : undefined;
    const grads: (number | undefined)[] = inputs.map(() => undefined);
    if (wants[1] && dcleanT !== undefined) grads[1] = b.op1('matmul', {}, [xT!, dcleanT]);
    if (p.noisy && wants[wnAt] && draw !== undefined) grads[wnAt] = b.op1('matmul', {}, [xT!, draw]);
    if (wants[0]) {
      const fromClean = dcleanT === undefined ? undefined : b.op1('matmul', {}, [dcleanT, b.op1('transpose', {}, [wg])]);
      const fromRaw = draw === undefined ? undefined : b.op1('matmul', {}, [draw, b.op1('transpose', {}, [inputs[wnAt]!])]);
      grads[0] = b.addOpt(fromClean, fromRaw);
    }
    if (noiseAt >= 0) grads[noiseAt] = dnoise;
    return grads;
  },
  loadEstimate: ({ node, inputs, dys: [dload], b }) => {
    const [dclean, dsigma] = b.op('loadEstimateGrad', { k: node.params.k }, [...inputs, dload!]);
    return [dclean, dsigma, undefined, undefined];
  },
  importance: ({ inputs: [, idx], dys: [dimp], b }) => [b.op1('importanceGrad', {}, [dimp!, idx!]), undefined],
  cvSquared: ({ inputs: [v], dys: [dcv], b }) => [b.op1('cvSquaredGrad', {}, [v!, dcv!])],
  moeDispatch: () => [undefined],
  expertFfn: ({ node, inputs, dys: [dy], wants, b }) => {
    const [x, src, off, w1, b1, w2] = inputs as [number, number, number, number, number, number, number];
    const pos = positionFor(node, src, b);
    const [dx, dw1, db1, dw2, db2] = b.op('expertFfnGrad', {}, [x, src, off, pos, w1, b1, w2, dy!]);
    return [wants[0] ? dx : undefined, undefined, undefined, dw1, db1, dw2, db2];
  },
  moeCombine: ({ inputs: [y, pos, gates], dys: [dout], b }) => {
    const [dy, dgates] = b.op('moeCombineGrad', {}, [dout!, y!, pos!, gates!]);
    return [dy, undefined, dgates];
  },
  expertHidden: ({ node, inputs, outputs: [hidden], dys: [dh], b }) => {
    const [x, src, off, w1] = inputs as [number, number, number, number, number];
    const pos = positionFor(node, src, b);
    const [dx, dw1, db1] = b.op('expertHiddenGrad', {}, [x, src, off, pos, w1, hidden!, dh!]);
    return [dx, undefined, undefined, dw1, db1];
  },
  expertOutput: ({ inputs: [hidden, off, w2], dys: [dy], b }) => {
    const [dh, dw2, db2] = b.op('expertOutputGrad', {}, [hidden!, off!, w2!, dy!]);
    return [dh, undefined, dw2, db2];
  },
};
