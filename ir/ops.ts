/**
 * The op set of the moec IR: every op's name, its typed parameters and its documented semantics.
 * This file is the contract between the frontend (which emits ops), the passes (which rewrite
 * them), the CPU reference interpreter (which defines what they compute, from the paper's
 * equations) and the WGSL codegen (which must agree with the interpreter). Rule tables elsewhere
 * are keyed by `OpName` with a mapped type, so adding an op here fails to compile until every
 * table (shape inference, interpretation, lowering, ...) handles it.
 *
 * Conventions: matrices are row-major; "rows" are the leading dimension(s) flattened; a value
 * `i32` tensor holds integer indices. Randomness is never implicit: ops that draw random numbers
 * name an RNG `stream` and a `rowOffset`, and the draw for element (row, col) is a pure function
 * of (seed, step, stream, rowOffset + row, col) — see `ir/rng.ts` — so CPU and GPU draw the same
 * numbers and batching rows over time does not change them.
 */

import type { FusedExpr } from './fused-expr.ts';

/** Parameters of each op. An op with no parameters has `{}`. */
export interface OpParams {
  // ---- dense linear algebra and elementwise ----------------------------------------------------
  /** a [M,K] · b [K,N] → [M,N]. */
  matmul: Record<string, never>;
  /** Elementwise a + b, same types. */
  add: Record<string, never>;
  /** Elementwise a · b, same types. */
  mul: Record<string, never>;
  /** Sum of any number (≥ 1) of same-typed inputs (accumulated in f64, rounded once). */
  addN: Record<string, never>;
  /** x [..., N] + b [N] (bias broadcast over the leading dims). */
  biasAdd: Record<string, never>;
  /** x · value. */
  scale: { value: number };
  /** max(x, 0). */
  relu: Record<string, never>;
  /** 1 / (1 + exp(−x)). */
  sigmoid: Record<string, never>;
  /** tanh(x). */
  tanh: Record<string, never>;
  /** log(1 + exp(x)), computed stably: max(x,0) + log1p(exp(−|x|)). */
  softplus: Record<string, never>;
  /** Softmax over the last dimension (max-subtracted). */
  softmax: Record<string, never>;
  /** Sum of all elements → scalar f32[]. */
  sum: Record<string, never>;

  // ---- shape manipulation -----------------------------------------------------------------------
  /** Same elements, new shape (element count must match). */
  reshape: { shape: number[] };
  /** x [T, ...rest] → x[index] of shape [...rest]. */
  select0: { index: number };
  /** k inputs of type [...s] → [k, ...s] (inverse of select0 over all indices). */
  stack0: Record<string, never>;
  /** x [..., n] → x[..., start:end]. Works for f32 and i32. */
  sliceLast: { start: number; end: number };

  // ---- sequence / language-model layers ----------------------------------------------------------
  /** (table [V,D], ids i32[...s]) → [...s, D]; ids outside [0,V) are an error at run time. */
  embedding: Record<string, never>;
  /**
   * LSTM over a whole sequence. Inputs: x [T,B,D], wx [D,4H], wh [H,4H], b [4H], h0 [B,H],
   * c0 [B,H]. Outputs: h [T,B,H], hT [B,H], cT [B,H]. Gate order in the 4H axis: i, f, g, o:
   * z = x_t·wx + h_{t−1}·wh + b; i = σ(z_i), f = σ(z_f), g = tanh(z_g), o = σ(z_o);
   * c_t = f·c_{t−1} + i·g; h_t = o·tanh(c_t).
   */
  lstm: Record<string, never>;
  /**
   * Inverted dropout: in training, x · mask / (1 − rate) with mask = (u ≥ rate), u the uniform
   * draw of (stream, row, col) with rows = leading dims flattened; identity in evaluation.
   */
  dropout: { rate: number; stream: number };
  /**
   * (logits [N,V], labels i32 [N]) → scalar mean over rows of −log softmax(logits)[label].
   */
  softmaxCrossEntropy: Record<string, never>;
  /**
   * The output projection fused with softmaxCrossEntropy (made by passes/fuse-linear-cross-entropy.ts):
   * (h [N,D], w [D,V], b [V], labels i32 [N]) → softmaxCrossEntropy(h·w + b, labels), the scalar
   * mean over rows of logsumexp(z_r) − z_r[label_r] with z_r = h_r·w + b. The [N,V] logits are
   * never materialised whole: the GPU lowering works in row chunks.
   */
  linearCrossEntropy: Record<string, never>;
  /**
   * The vjp of linearCrossEntropy: (h, w, b, labels, dloss f32[]) → (dh [N,D], dw [D,V], db [V])
   * with G = (softmax(h·w + b) − onehot(labels))·dloss/N: dh = G·wᵀ, dw = hᵀ·G, db = Σ_rows G.
   */
  linearCrossEntropyGrad: Record<string, never>;
  /**
   * Several elementwise ops computed as one (made by passes/fuse-elementwise.ts after
   * differentiation, so both executors run the fused graph): inputs are the leaves of `expr`
   * (ir/fused-expr.ts), the output has the type of its full-size operands and equals what the
   * unfused chain computed, op by op.
   */
  fusedElementwise: { expr: FusedExpr };
  /**
   * (a [M,K], w [K,N], bias [N]) → a·w + bias: a matmul whose only reader was a biasAdd, fused by
   * passes/fuse-elementwise.ts (the GEMM's bias epilogue). Same numbers as matmul then biasAdd.
   */
  matmulBias: Record<string, never>;

  // ---- Mixture-of-Experts: unfused gating pieces (as the DSL traces them) ------------------------
  /**
   * Noise scale of noisy top-k gating (paper Eq. 4): training → softplus(x) + eps; evaluation →
   * exactly 0 (no noise at inference, so the load estimator becomes a step and never divides by 0).
   */
  noiseStd: { eps: number };
  /** Standard normal draws of the given shape [N, n] from (stream, rowOffset + row, col). */
  randomNormal: { shape: number[]; stream: number; rowOffset: number };
  /**
   * Top-k along the last dim of x [N,n]: values [N,k] descending, indices i32 [N,k]. Ties are
   * broken by the lower index, so the selection equals a stable sort by (−value, index).
   */
  topk: { k: number };

  // ---- Mixture-of-Experts: fused and layer-level ops ----------------------------------------------
  /**
   * Fused noisy top-k gating (paper Eq. 3-5). Inputs: x [N,D], wg [D,n], then wn [D,n] when
   * `noisy`, then noise [N,n] when `explicitNoise` (otherwise drawn as randomNormal(stream,
   * rowOffset)). clean = x·wg; sigma = noiseStd(x·wn) (0 when not noisy or in evaluation);
   * noisy = clean + noise·sigma; top-(k+1) of noisy (ties → lower index). Outputs:
   * indices i32 [N,k] (the top k), gates [N,k] = softmax over the top-k noisy values,
   * clean [N,n], sigma [N,n], topValues [N,min(k+1,n)] (the top k+1 noisy values, descending;
   * only n of them when k = n).
   */
  gating: { k: number; noisy: boolean; eps: number; stream: number; rowOffset: number; explicitNoise: boolean };
  /**
   * Smooth load estimator (paper Eq. 8-10). Inputs clean [N,n], sigma [N,n], topValues [N,k+1],
   * indices i32 [N,k]. For each row x and expert i: thr = topValues[k] (the (k+1)-th) when i is
   * among the row's indices, else topValues[k−1] (the k-th); P = Φ((clean_i − thr)/sigma_i) when
   * sigma_i > 0, else the step (clean_i ≥ thr for selected experts, clean_i > thr otherwise), so
   * the load equals the hard count at sigma = 0. When k = n every expert is selected and P = 1
   * (there is no (k+1)-th value). topValues is [N, min(k+1, n)]. Output: load [n] = Σ_x P(x, i).
   */
  loadEstimate: { k: number };
  /** Importance (paper Eq. 6): (gates [N,k], indices i32 [N,k]) → [n], Σ_x gate(x, i). */
  importance: { n: number };
  /** CV² of a vector [n] (paper Eq. 7, 11): var/(mean² + 1e-10), population variance. → f32[]. */
  cvSquared: Record<string, never>;
  /**
   * Dispatch (counting sort by expert): indices i32 [N,k] → sourceRow i32 [N·k] (the row of x
   * that fills each expert-ordered slot), position i32 [N,k] (the slot that (row, j) went to) and
   * offsets i32 [n+1] (expert e owns slots offsets[e] .. offsets[e+1]−1). Stable: within an expert,
   * slots are ordered by (row, j). Deterministic, no atomics. An index of −1 means "no expert": the
   * pair gets no slot and position −1, so offsets[n] = the number of real pairs ≤ N·k and slots from
   * offsets[n] on are unused (sourceRow −1 in the reference; unspecified on the GPU).
   */
  moeDispatch: { n: number };
  /**
   * Grouped expert FFN over expert-contiguous segments. Inputs: x [N,D], sourceRow i32 [S],
   * offsets i32 [n+1], w1 [n,D,H], b1 [n,H], w2 [n,H,D], b2 [n,Dout]. For slot s of expert e:
   * y[s] = relu(x[sourceRow[s]]·w1[e] + b1[e])·w2[e] + b2[e]. Output y [S, Dout]. Slots from
   * offsets[n] on (unused, see moeDispatch) are 0 in the reference and unspecified on the GPU.
   */
  expertFfn: Record<string, never>;
  /**
   * Combine by gather: (y [S,D], position i32 [N,k], gates [N,k]) → [N,D], out[x] = Σ_j
   * gates[x,j] · y[position[x,j]] summed in j order (deterministic); pairs with position −1 (no
   * expert) are skipped.
   */
  moeCombine: Record<string, never>;

  // ---- Mixture-of-Experts: hierarchical (paper App. B; see ir/reference/hierarchical.ts) ----------
  /**
   * Secondary noisy top-k2 gating inside the k1 groups a primary gating chose. Inputs: x [N,D],
   * wg2 [a,D,b], then wn2 [a,D,b] when `noisy`, primaryIndices i32 [N,k1], primaryGates [N,k1].
   * For row r and slot s with group g = primaryIndices[r,s]: clean2 = x_r·wg2[g]; sigma2 =
   * noiseStd(x_r·wn2[g]) (0 when not noisy or in evaluation); noisy2 = clean2 + z·sigma2 with z
   * the normal draw (stream, rowOffset + r, s·b + j); top-min(k2+1,b) of noisy2 (ties → lower j);
   * secondary gates = softmax over the top k2. Outputs: indices i32 [N,k1·k2] (global expert
   * g·b + j, slot-major then secondary order), gates [N,k1·k2] = primaryGates[r,s] · secondary
   * gate (each row sums to 1), clean2 [N,k1,b], sigma2 [N,k1,b], topValues2 [N,k1,min(k2+1,b)],
   * localIndices i32 [N,k1,k2] (the secondary j's).
   */
  secondaryGating: { a: number; b: number; k1: number; k2: number; noisy: boolean; eps: number; stream: number; rowOffset: number };
  /**
   * Hierarchical load (paper App. B, Eq. 14). Inputs: primaryLoad [a] (the primary gating's smooth
   * load), primaryIndices i32 [N,k1], clean2, sigma2 [N,k1,b], topValues2 [N,k1,min(k2+1,b)],
   * localIndices i32 [N,k1,k2]. With c_g = #{(r,s): primaryIndices[r,s] = g} and L_gj = Σ over
   * those (r,s) of the loadEstimate probability P (thresholds from topValues2, selection from
   * localIndices): out [a·b], out[g·b+j] = primaryLoad[g]·L_gj / c_g, and 0 when c_g = 0.
   */
  hierLoadEstimate: { a: number; b: number; k1: number; k2: number };

  // ---- Mixture-of-Experts: the expert FFN split for training (see passes/split-expert-ffn.ts) ------
  /**
   * First expert layer: (x [N,D], sourceRow i32 [S], offsets i32 [n+1], w1 [n,D,H], b1 [n,H]) →
   * hidden [S,H], hidden[s] = relu(x[sourceRow[s]]·w1[e] + b1[e]) for the expert e owning slot s.
   */
  expertHidden: Record<string, never>;
  /**
   * Second expert layer: (hidden [S,H], offsets i32 [n+1], w2 [n,H,Dout], b2 [n,Dout]) → y [S,Dout],
   * y[s] = hidden[s]·w2[e] + b2[e]. expertOutput(expertHidden(...)) ≡ expertFfn(...).
   */
  expertOutput: Record<string, never>;

  // ---- Mixture-of-Experts: strictly balanced gating (paper App. F; see ir/reference/balanced.ts) ---
  /**
   * Strictly balanced gating. Inputs: x [N,D], wg [D,n], thresholds [n]. logits = x·wg. Training:
   * expert i takes the m = k·N/n rows with the largest logits[·,i] (ties → lower row; the batchwise
   * mask M_b); evaluation: row x uses expert i when logits[x,i] > thresholds[i] (the threshold mask).
   * A row's used experts are listed in increasing expert id, then padded with expert −1 and gate 0;
   * gates = softmax over the logits of the used experts (a row with none has all gates 0). Outputs:
   * indices i32 [N,n], gates [N,n], logits [N,n], load [n] (rows per expert: exactly m in training).
   */
  balancedGating: { n: number; k: number; m: number };
  /**
   * Threshold loss (paper App. F, Eq. 20): (logits [N,n], thresholds [n], indices i32 [N,kmax]) →
   * f32[] Σ_x Σ_i ([logits[x,i] > T_i] − M(x,i))·(logits[x,i] − T_i), M(x,i) = [i ∈ indices[x,·]]
   * (the batchwise mask when indices come from balancedGating in training; in evaluation the
   * indices are the threshold mask and the loss is 0). Summed in (row, expert) order in f64.
   */
  balancedThresholdLoss: Record<string, never>;

  // ---- gradients (emitted by the autodiff pass; each documented as the vjp it computes) -----------
  /** A zero tensor of the given shape (f32), e.g. the gradient of an unused output. */
  zeros: { shape: number[] };
  /** A tensor of the given shape (f32) with every element `value` (e.g. the loss gradient seed 1). */
  fill: { shape: number[]; value: number };
  /** A scalar f32[] broadcast to the given shape (the vjp of `sum`). */
  broadcast: { shape: number[] };
  /** 2-D transpose: x [M,N] → [N,M]. */
  transpose: Record<string, never>;
  /** Sum over every leading dimension: x [..., C] → [C] (the vjp of biasAdd's bias). */
  sumRows: Record<string, never>;
  /** (y, dy) → dy · [y > 0] where y = relu(x) (equivalently x > 0). */
  reluGrad: Record<string, never>;
  /** (y, dy) → dy · y · (1 − y) where y = sigmoid(x). */
  sigmoidGrad: Record<string, never>;
  /** (y, dy) → dy · (1 − y²) where y = tanh(x). */
  tanhGrad: Record<string, never>;
  /** (y, dy) → y · (dy − Σ_last(y · dy)) where y = softmax(x) over the last dim. */
  softmaxGrad: Record<string, never>;
  /** dy [...rest] → [size, ...rest], zeros except at [index] (the vjp of select0). */
  scatter0: { index: number; size: number };
  /** dy [..., end−start] → [..., n], zeros outside columns start..end−1 (the vjp of sliceLast). */
  padLast: { start: number; end: number; n: number };
  /**
   * (ids i32 [...s], dy [...s, D]) → dTable [vocab, D]: Σ of dy rows per id, accumulated in
   * position order (deterministic). Ids outside [0, vocab) are an error.
   */
  embeddingGrad: { vocab: number };
  /**
   * Backpropagation through time of `lstm`. Inputs: x [T,B,D], wx, wh, b, h0, c0 (as the forward)
   * and dh [T,B,H], dhT [B,H], dcT [B,H] (gradients of the three forward outputs). The forward
   * states are recomputed from the inputs. Outputs: dx, dwx, dwh, db, dh0, dc0.
   */
  lstmGrad: Record<string, never>;
  /** (logits [N,V], labels i32 [N], dloss f32[]) → dlogits = (softmax(logits) − onehot)·dloss/N. */
  softmaxCrossEntropyGrad: Record<string, never>;
  /** (raw, dy) → training: dy · sigmoid(raw) (the derivative of softplus(raw) + eps); evaluation: 0. */
  noiseStdGrad: Record<string, never>;
  /** (dvals [N,k], indices i32 [N,k]) → [N,n]: dvals scattered to the selected experts, 0 elsewhere. */
  scatterTopk: { n: number };
  /**
   * Fused backward of a noisy gating's logits (ir/reference/gating-logits-grad.ts): (dvals [N,k],
   * indices i32 [N,k], dclean [N,n], dsigma [N,n], raw [N,n]) → (dclean + scatterTopk(dvals),
   * noiseStdGrad(raw, scatterTopk(dvals)·z + dsigma)), z the forward's normal draw at (stream,
   * rowOffset + r, e): scatterTopk, add, randomNormal, mul, add and noiseStdGrad as one op.
   */
  gatingLogitsGrad: { n: number; stream: number; rowOffset: number };
  /** (v [n], dcv f32[]) → dv [n], the gradient of CV²(v) = var/(mean² + 1e-10) times dcv. */
  cvSquaredGrad: Record<string, never>;
  /** (dimportance [n], indices i32 [N,k]) → dgates [N,k] = dimportance[indices]. */
  importanceGrad: Record<string, never>;
  /**
   * The vjp of loadEstimate with the thresholds held constant (as the paper's reference code):
   * (clean, sigma, topValues, indices, dload [n]) → (dclean [N,n], dsigma [N,n]) with
   * z = (clean − thr)/sigma, dclean = dload_i·φ(z)/sigma, dsigma = −dload_i·φ(z)·z/sigma; both 0
   * where sigma = 0 (the step has zero derivative almost everywhere).
   */
  loadEstimateGrad: { k: number };
  /**
   * The vjp of moeCombine: (dout [N,D], y [S,D], position i32 [N,k], gates [N,k]) →
   * (dy [S,D] with dy[position[x,j]] = gates[x,j]·dout[x], dgates [N,k] = dout[x]·y[position[x,j]]).
   */
  moeCombineGrad: Record<string, never>;
  /**
   * The vjp of balancedGating into its logits (selection held constant): (gates [N,kmax], indices
   * i32 [N,kmax], dgates [N,kmax]) → dlogits [N,n], dlogits[x, indices[x,j]] = gates[x,j]·(dgates[x,j]
   * − Σ_l gates[x,l]·dgates[x,l]) (the softmax vjp over the used experts); slots with expert −1
   * and unused experts get 0.
   */
  balancedGatingGrad: { n: number };
  /**
   * The vjp of balancedThresholdLoss into the thresholds, logits and masks held constant:
   * (logits [N,n], thresholds [n], indices i32 [N,kmax], dloss f32[]) → dthresholds [n] =
   * −dloss·Σ_x ([logits[x,i] > T_i] − M(x,i)), summed over rows in order.
   */
  balancedThresholdLossGrad: Record<string, never>;
  /**
   * The vjp of expertHidden: (x [N,D], sourceRow, offsets, position i32 [N,k], w1 [n,D,H],
   * hidden [S,H], dhidden [S,H]) → (dx [N,D] = Σ_j dslot[position[x,j]], dw1 [n,D,H], db1 [n,H])
   * where dpre = dhidden·[hidden > 0] and dslot[s] = dpre[s]·w1[e]ᵀ. Sums run in slot order.
   */
  expertHiddenGrad: Record<string, never>;
  /**
   * The vjp of expertOutput: (hidden [S,H], offsets, w2 [n,H,Dout], dy [S,Dout]) →
   * (dhidden [S,H] = dy[s]·w2[e]ᵀ, dw2 [n,H,Dout] = Σ_{s∈e} hidden[s]ᵀ·dy[s], db2 [n,Dout] = Σ_{s∈e} dy[s]).
   */
  expertOutputGrad: Record<string, never>;
  /**
   * The vjp of the unsplit expertFfn, hidden activations recomputed tile by tile (recompute policy
   * 'experts'; ir/reference/expert-ffn-grad.ts): (x [N,D], sourceRow i32 [S], offsets i32 [n+1],
   * position i32 [N,k], w1 [n,D,H], b1 [n,H], w2 [n,H,Dout], dy [S,Dout]) → (dx [N,D], dw1 [n,D,H],
   * db1 [n,H], dw2 [n,H,Dout], db2 [n,Dout]). With pre[s] = x[sourceRow[s]]·w1[e] + b1[e],
   * hidden = relu(pre), dpre[s] = (dy[s]·w2[e]ᵀ)·[pre[s] > 0]: dw2[e] = Σ_{s∈e} hidden[s]ᵀ·dy[s],
   * db2[e] = Σ_{s∈e} dy[s], dw1[e] = Σ_{s∈e} x[sourceRow[s]]ᵀ·dpre[s], db1[e] = Σ_{s∈e} dpre[s],
   * dx[x] = Σ_j dpre[position[x,j]]·w1[e]ᵀ (pairs with position −1 skipped). Sums in slot order.
   */
  expertFfnGrad: Record<string, never>;
  /**
   * The vjp of secondaryGating (thresholds, selections and indices constant). Inputs: x, wg2,
   * [wn2], primaryIndices, primaryGates, topValues2, localIndices, dgates [N,k1·k2], dclean2,
   * dsigma2 [N,k1,b]. Secondary gates are recomputed as softmax(topValues2[..k2]), the noise z and
   * raw2 = x·wn2[g] are recomputed. Outputs: dx [N,D], dwg2 [a,D,b], [dwn2 [a,D,b]],
   * dprimaryGates [N,k1] = Σ_t dgates·secondary gate. Weight gradients sum rows in row order.
   */
  secondaryGatingGrad: { a: number; b: number; k1: number; k2: number; noisy: boolean; eps: number; stream: number; rowOffset: number };
  /**
   * The vjp of hierLoadEstimate with the thresholds and the counts c_g constant: inputs those of
   * hierLoadEstimate plus dout [a·b] → (dprimaryLoad [a] = Σ_j dout·L_gj/c_g, dclean2, dsigma2
   * [N,k1,b]) with w = dout[g·b+j]·primaryLoad[g]/c_g fed through loadEstimateGrad's formulas.
   */
  hierLoadEstimateGrad: { a: number; b: number; k1: number; k2: number };

  // ---- optimizers (updates are in place: output i reuses the storage of the matching input) --------
  /** (p, g) → p − lr·g. */
  sgdUpdate: { lr: number };
  /**
   * Adam (Kingma & Ba): (p, g, m, v) → (p', m', v') with t = step + 1: m' = β1·m + (1−β1)·g,
   * v' = β2·v + (1−β2)·g², p' = p − lr·(m'/(1−β1ᵗ)) / (sqrt(v'/(1−β2ᵗ)) + eps).
   */
  adamUpdate: { lr: number; beta1: number; beta2: number; eps: number };
  /**
   * Factored Adam (paper App. D; β1 = 0) for a parameter [..., r, c] taken as a batch of r×c
   * matrices (each expert's matrix separately): (p, g, vr [..., r], vc [..., c]) → (p', vr', vc'),
   * t = step + 1: vr' = β2·vr + (1−β2)·mean_c(g² + eps1), vc' = β2·vc + (1−β2)·mean_r(g² + eps1),
   * v̂ = vr'·vc'ᵀ / mean(vr') / (1−β2ᵗ), u = g / sqrt(v̂), u ← u / max(1, rms(u)/clip) when
   * clip > 0 (Adafactor's update clipping), p' = p − lr·u. eps1 = 1e-30.
   */
  factoredAdamUpdate: { lr: number; beta2: number; clip: number };

  // ---- several devices (the paper's §3.1; see passes/partition/ and ir/reference/exchange.ts) ------
  /**
   * Standard normal draws [rows, cols] of one device's batch slice: element (r, c) is the draw of
   * (stream, G(rowOffset + r), c) with G(l) = shardOffset + ⌊l/rowBlock⌋·rowStride + (l mod rowBlock)
   * — the global row of local row l when the device holds rowBlock of every rowStride rows starting
   * at shardOffset (rows laid out (…, batch), batch innermost). rowBlock = rowStride, shardOffset = 0
   * is randomNormal. So N devices draw exactly the numbers one device draws for the same rows.
   */
  shardRandomNormal: { shape: number[]; stream: number; rowOffset: number; rowBlock: number; rowStride: number; shardOffset: number };
  /** dropout of one device's batch slice: the uniform of local row l is drawn at global row G(l) (see shardRandomNormal). */
  shardDropout: { rate: number; stream: number; rowBlock: number; rowStride: number; shardOffset: number };
  /**
   * All-to-all of dispatched rows (a collective: every device runs it at the same point of its
   * program). Device `device` of `devices` owns experts [device·m, (device+1)·m), m = experts/devices.
   * Inputs: (x [M,D] or rows [S,D], sourceRow i32 [S], offsets i32 [experts+1]); gather → the rows
   * sent are x[sourceRow[s]], no gather → rows[s] (sourceRow then only orders them). The slots of
   * global expert e are offsets[e] .. offsets[e+1]−1 (a moeDispatch over all experts), so device e'
   * receives the slots of its m experts from every device. Slot s lies in row block
   * ⌊sourceRow[s]/rowBlock⌋ < blocks (a device's rows are `blocks` blocks of rowBlock rows, block t
   * of device d holding global rows t·devices·rowBlock + d·rowBlock + …). Outputs on each device:
   * rows [devices·S, D] ordered by (local expert, block, source device, source slot) — by GLOBAL
   * row within each expert, the one-device dispatch order whatever the device count — zero after
   * the received count; expertOf i32 [devices·S, 1] (the local expert of each received row, −1
   * after the count); counts i32 [devices, m·blocks] (rows received from each source device per
   * local expert and block).
   */
  allToAllDispatch: { devices: number; device: number; experts: number; gather: boolean; rowBlock: number; blocks: number };
  /**
   * The way back (a collective): (rows [devices·S, D] in allToAllDispatch's received order, counts
   * i32 [devices, m·blocks] as it returned them, offsets i32 [experts+1] of this device's own dispatch) →
   * [S, D]: each received row goes back to the slot it came from; slots from offsets[experts] on are 0.
   */
  allToAllReturn: { devices: number; device: number; experts: number };
  /** Sum of x over the devices, in device order 0, 1, … (f32 adds; the same bits on every device). A collective. */
  allReduceSum: { devices: number };
  /**
   * The hierarchical load from its whole-batch parts (what hierLoadEstimate computes on one device):
   * (primaryLoad [a], L [a·b], c [a]) → out [a·b], out[g·b+j] = primaryLoad[g]·L[g·b+j]/c[g], 0 when
   * c[g] = 0 — L and c being the all-reduced per-device L_gj and group counts c_g. Its vjp holds c
   * constant, as hierLoadEstimate's does.
   */
  hierLoadCombine: { a: number; b: number };
  /**
   * All-gather of rows (a collective): every device's x [Rl, …] (its slice of the batch) → the whole
   * batch [devices·Rl, …] in the one-device row order: device d's local row l lands at global row
   * d·rowBlock + ⌊l/rowBlock⌋·rowStride + (l mod rowBlock) (see shardRandomNormal's row map).
   * shardOffset is this device's d·rowBlock (its own rows, for the vjp).
   */
  allGatherRows: { devices: number; rowBlock: number; rowStride: number; shardOffset: number };
  /** This device's rows of a whole-batch tensor [R, …] → [R·rowBlock/rowStride, …]: local row l is global row G(l). */
  shardRows: { rowBlock: number; rowStride: number; shardOffset: number };
  /** The transpose of shardRows: x [Rl, …] → [rows, …], zeros except global rows G(l) = x[l]. */
  padShardRows: { rowBlock: number; rowStride: number; shardOffset: number; rows: number };
  /**
   * SGD of an expert bank touching only the experts that got rows: (p [n, …], g [n, …], offsets
   * i32 [n+1]) → p' where p'[e] = p[e] − lr·g[e] for every expert e with offsets[e+1] > offsets[e]
   * and p'[e] = p[e] otherwise (g[e] is not read: its gradient is zero, so skipping is exact).
   */
  expertSgdUpdate: { lr: number };
  /**
   * factoredAdamUpdate of an expert bank [n, r, c] touching only the experts that got rows, with
   * lazily decayed statistics: (p, g, vr [n, r], vc [n, c], last i32 [n], offsets i32 [n+1]) →
   * (p', vr', vc', last'). last[e] is the number of steps whose decay expert e's statistics hold.
   * For each expert e with offsets[e+1] > offsets[e], with s = max(0, step − last[e]) skipped steps:
   * vr[e] ← β2ˢ·(vr[e] − eps1) + eps1 (likewise vc[e]) — exactly the s zero-gradient steps of
   * factoredAdamUpdate, whose parameter update is 0 — then factoredAdamUpdate of matrix e at this
   * step, and last'[e] = step + 1. Other experts (and their g[e]) are left untouched. A bank
   * [n, c] (an expert bias bank) is the bank [n, 1, c] of n 1×c matrices: vr [n, 1], vc [n, c].
   */
  expertFactoredAdamUpdate: { lr: number; beta2: number; clip: number };
}

/** Every op name. */
export type OpName = keyof OpParams;

/** All op names, in declaration order (kept in sync with OpParams by the `satisfies` check). */
export const OP_NAMES = [
  'matmul', 'add', 'mul', 'addN', 'biasAdd', 'scale', 'relu', 'sigmoid', 'tanh', 'softplus', 'softmax', 'sum',
  'reshape', 'select0', 'stack0', 'sliceLast',
  'embedding', 'lstm', 'dropout', 'softmaxCrossEntropy',
  'linearCrossEntropy', 'linearCrossEntropyGrad', 'fusedElementwise', 'matmulBias',
  'noiseStd', 'randomNormal', 'topk',
  'gating', 'loadEstimate', 'importance', 'cvSquared', 'moeDispatch', 'expertFfn', 'moeCombine',
  'balancedGating', 'balancedThresholdLoss', 'balancedGatingGrad', 'balancedThresholdLossGrad',
  'expertHidden', 'expertOutput',
  'zeros', 'fill', 'broadcast', 'transpose', 'sumRows', 'reluGrad', 'sigmoidGrad', 'tanhGrad', 'softmaxGrad', 'scatter0', 'padLast',
  'embeddingGrad', 'lstmGrad', 'softmaxCrossEntropyGrad', 'noiseStdGrad', 'scatterTopk', 'gatingLogitsGrad', 'cvSquaredGrad', 'importanceGrad',
  'loadEstimateGrad', 'moeCombineGrad', 'expertHiddenGrad', 'expertOutputGrad', 'expertFfnGrad',
  'sgdUpdate', 'adamUpdate', 'factoredAdamUpdate',
  'secondaryGating', 'hierLoadEstimate', 'secondaryGatingGrad', 'hierLoadEstimateGrad',
  'shardRandomNormal', 'shardDropout', 'allToAllDispatch', 'allToAllReturn', 'allReduceSum', 'hierLoadCombine', 'allGatherRows', 'shardRows', 'padShardRows',
  'expertSgdUpdate', 'expertFactoredAdamUpdate',
] as const satisfies readonly OpName[];

// Compile-time check that OP_NAMES lists every op exactly (fails to compile if one is missing).
type MissingOps = Exclude<OpName, (typeof OP_NAMES)[number]>;
const _allOpsListed: MissingOps extends never ? true : MissingOps = true;
void _allOpsListed;

/** True when `s` names an op. */
export function isOpName(s: string): s is OpName {
  return (OP_NAMES as readonly string[]).includes(s);
}

/** The JSON kind of one op parameter, for validating graphs read from files. */
export type ParamKind = 'number' | 'integer' | 'boolean' | 'integer[]' | 'expr';

/** Every op's parameter names and kinds (a mapped type: a new op or param must be listed here). */
const PARAM_SCHEMA: { [O in OpName]: { [K in keyof OpParams[O]]-?: ParamKind } } = {
  matmul: {}, add: {}, mul: {}, addN: {}, biasAdd: {}, scale: { value: 'number' },
  relu: {}, sigmoid: {}, tanh: {}, softplus: {}, softmax: {}, sum: {},
  reshape: { shape: 'integer[]' }, select0: { index: 'integer' }, stack0: {}, sliceLast: { start: 'integer', end: 'integer' },
  embedding: {}, lstm: {}, dropout: { rate: 'number', stream: 'integer' }, softmaxCrossEntropy: {},
  linearCrossEntropy: {}, linearCrossEntropyGrad: {}, fusedElementwise: { expr: 'expr' }, matmulBias: {},
  noiseStd: { eps: 'number' }, randomNormal: { shape: 'integer[]', stream: 'integer', rowOffset: 'integer' }, topk: { k: 'integer' },
  gating: { k: 'integer', noisy: 'boolean', eps: 'number', stream: 'integer', rowOffset: 'integer', explicitNoise: 'boolean' },
  loadEstimate: { k: 'integer' }, importance: { n: 'integer' }, cvSquared: {}, moeDispatch: { n: 'integer' },
  expertFfn: {}, moeCombine: {},
  balancedGating: { n: 'integer', k: 'integer', m: 'integer' }, balancedThresholdLoss: {},
  balancedGatingGrad: { n: 'integer' }, balancedThresholdLossGrad: {},
  expertHidden: {}, expertOutput: {},
  zeros: { shape: 'integer[]' }, fill: { shape: 'integer[]', value: 'number' }, broadcast: { shape: 'integer[]' }, transpose: {}, sumRows: {}, reluGrad: {}, sigmoidGrad: {}, tanhGrad: {}, softmaxGrad: {},
  scatter0: { index: 'integer', size: 'integer' }, padLast: { start: 'integer', end: 'integer', n: 'integer' },
  embeddingGrad: { vocab: 'integer' }, lstmGrad: {}, softmaxCrossEntropyGrad: {}, noiseStdGrad: {}, scatterTopk: { n: 'integer' }, gatingLogitsGrad: { n: 'integer', stream: 'integer', rowOffset: 'integer' },
  cvSquaredGrad: {}, importanceGrad: {}, loadEstimateGrad: { k: 'integer' }, moeCombineGrad: {}, expertHiddenGrad: {}, expertOutputGrad: {}, expertFfnGrad: {},
  secondaryGating: { a: 'integer', b: 'integer', k1: 'integer', k2: 'integer', noisy: 'boolean', eps: 'number', stream: 'integer', rowOffset: 'integer' },
  hierLoadEstimate: { a: 'integer', b: 'integer', k1: 'integer', k2: 'integer' },
  secondaryGatingGrad: { a: 'integer', b: 'integer', k1: 'integer', k2: 'integer', noisy: 'boolean', eps: 'number', stream: 'integer', rowOffset: 'integer' },
  hierLoadEstimateGrad: { a: 'integer', b: 'integer', k1: 'integer', k2: 'integer' },
  sgdUpdate: { lr: 'number' }, adamUpdate: { lr: 'number', beta1: 'number', beta2: 'number', eps: 'number' },
  factoredAdamUpdate: { lr: 'number', beta2: 'number', clip: 'number' },
  shardRandomNormal: { shape: 'integer[]', stream: 'integer', rowOffset: 'integer', rowBlock: 'integer', rowStride: 'integer', shardOffset: 'integer' },
  shardDropout: { rate: 'number', stream: 'integer', rowBlock: 'integer', rowStride: 'integer', shardOffset: 'integer' },
  allToAllDispatch: { devices: 'integer', device: 'integer', experts: 'integer', gather: 'boolean', rowBlock: 'integer', blocks: 'integer' },
  allToAllReturn: { devices: 'integer', device: 'integer', experts: 'integer' },
  allReduceSum: { devices: 'integer' },
  hierLoadCombine: { a: 'integer', b: 'integer' },
  allGatherRows: { devices: 'integer', rowBlock: 'integer', rowStride: 'integer', shardOffset: 'integer' },
  shardRows: { rowBlock: 'integer', rowStride: 'integer', shardOffset: 'integer' },
  padShardRows: { rowBlock: 'integer', rowStride: 'integer', shardOffset: 'integer', rows: 'integer' },
  expertSgdUpdate: { lr: 'number' }, expertFactoredAdamUpdate: { lr: 'number', beta2: 'number', clip: 'number' },
};

/** Returns a list of problems with `params` for `op` (unknown, missing or mistyped keys). */
export function checkParams(op: OpName, params: Record<string, unknown>): string[] {
  const schema = PARAM_SCHEMA[op] as Record<string, ParamKind>;
  const problems: string[] = [];
  for (const key of Object.keys(params)) {
    if (!(key in schema)) problems.push(`unknown param '${key}' (${op} takes ${Object.keys(schema).join(', ') || 'none'})`);
  }
  for (const [key, kind] of Object.entries(schema)) {
    const v = params[key];
    const ok =
      kind === 'number' ? typeof v === 'number' && Number.isFinite(v)
      : kind === 'integer' ? Number.isInteger(v)
      : kind === 'boolean' ? typeof v === 'boolean'
      : kind === 'expr' ? typeof v === 'object' && v !== null && !Array.isArray(v) // checked in depth by shape inference
      : Array.isArray(v) && v.every((d) => Number.isInteger(d));
    if (!ok) problems.push(`param '${key}' must be ${kind === 'integer[]' ? 'an array of integers' : kind === 'expr' ? 'an expression object' : `a ${kind}`}, got ${JSON.stringify(v)}`);
  }
  return problems;
}
