/**
 * Computationally matched hierarchical LSTM-MoE language model (the paper's MoE-1024-h: a primary
 * gating picks k1 = 2 of 32 groups, a secondary gating k2 = 2 of the 32 experts in each chosen
 * group, so 1024 experts in all and k1·k2 = 4 experts per token), for honest comparisons: every
 * model in examples/matched/ spends the same expert operations per timestep (4 experts × expert
 * hidden 64 = 256 hidden units, each D·H + H·D multiply-adds), so differences in perplexity come
 * from capacity, not compute — as in the paper's Table 7. Same shape as
 * examples/hierarchical-moe-lm.ts otherwise, at the width, vocabulary and batch of
 * examples/lstm-moe-lm.ts like the other matched models.
 */
import { defineModel } from '../../frontend/model.ts';
import base, { defaults as baseDefaults } from '../hierarchical-moe-lm.ts';
import { defaults as flatDefaults } from '../lstm-moe-lm.ts';

/** Default options: the hierarchical model's, at the flat matched models' width, vocabulary and batch. */
export const defaults = { ...baseDefaults, vocab: flatDefaults.vocab, width: flatDefaults.width, T: flatDefaults.T, B: flatDefaults.B, groups: 32, perGroup: 32, k1: 2, k2: 2, expertHidden: 64 };

/** The model. */
export default defineModel({ name: 'moe-1024-h', defaults, build: base.build });
