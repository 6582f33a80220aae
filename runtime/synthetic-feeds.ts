/**
 * Synthetic data inputs for `moec run` before a corpus is wired in: every i32 data input (token
 * ids, targets) gets ids drawn uniformly from the model's vocabulary by the counter-based RNG (so
 * the same seed gives the same batch on every backend), and every f32 data input (recurrent state
 * such as an LSTM's h0/c0) starts at zero. The vocabulary size is read off the graph: the row count
 * of the table of its first embedding.
 */
import type { Graph } from '../ir/graph.ts';
import { drawWord } from '../ir/rng.ts';
import { zeros, type Tensor } from '../ir/tensor.ts';
import { numel } from '../ir/types.ts';

/** RNG stream reserved for synthetic batches (distinct from every layer's noise streams). */
const SYNTHETIC_DATA_STREAM = 0x5eed;

/** Vocabulary size of the graph's first embedding table. */
function vocabularyOf(g: Graph): number {
  const emb = g.nodes.find((n) => n.op === 'embedding');
  if (!emb) throw new Error('the model has no embedding layer, so synthetic token ids cannot be drawn; feed its inputs explicitly');
  return g.values.get(emb.inputs[0]!)!.type.shape[0]!;
}

/** Feeds for every data input (role 'input') of `g`, deterministic in `seed`. */
export function syntheticFeeds(g: Graph, seed: number): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  const inputs = g.inputs.filter((i) => i.role === 'input');
  const needsIds = inputs.some((i) => g.values.get(i.value)!.type.dtype === 'i32');
  const vocab = needsIds ? vocabularyOf(g) : 0;
  inputs.forEach((inp, k) => {
    const t = zeros(g.values.get(inp.value)!.type);
    if (t.type.dtype === 'i32') {
      for (let i = 0; i < numel(t.type.shape); i++) {
        const w = drawWord({ seed, stream: SYNTHETIC_DATA_STREAM, step: 0, row: i, col: k });
        t.data[i] = w % vocab;
      }
    }
    feeds[inp.name] = t;
  });
  return feeds;
}
