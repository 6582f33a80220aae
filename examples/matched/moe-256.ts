/**
 * Computationally matched LSTM-MoE language model (256 experts, k = 4), for honest comparisons: every model in
 * examples/matched/ spends the same expert operations per timestep (k × expert hidden = 256 hidden
 * units, each D·H + H·D multiply-adds), so differences in perplexity come from capacity, not
 * compute — as in the paper's Table 1. Same shape as examples/lstm-moe-lm.ts otherwise.
 */
import { defineModel } from '../../frontend/model.ts';
import base, { defaults as baseDefaults } from '../lstm-moe-lm.ts';

/** Default options: the base model's, with this model's experts, k and expert hidden size. */
export const defaults = { ...baseDefaults, experts: 256, k: 4, expertHidden: 64 };

/** The model. */
export default defineModel({ name: 'moe-256', defaults, build: base.build });
