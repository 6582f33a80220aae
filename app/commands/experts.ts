/**
 * `moec experts <checkpoint>`: the paper's Table 9 analog — for each expert of the checkpoint's MoE
 * layer, the tokens of a split (default: test) that route to it with the largest gates, each in its
 * context (app/reproduce/expert-contexts.ts). Prints one block per expert, or one JSON object.
 */
import { selectBackend, type BackendName } from '../../runtime/backend.ts';
import type { SplitName } from '../../runtime/data/corpus.ts';
import { releaseDevice } from '../../runtime/device.ts';
import { expertContexts, type ExpertContexts } from '../reproduce/expert-contexts.ts';

/** Options of `moec experts`. */
export interface ExpertsCommandOptions {
  readonly top: number;
  readonly split: SplitName;
  readonly backend: BackendName;
  readonly maxBatches?: number;
  readonly json: boolean;
}

/** Runs `moec experts`; returns the listing. */
export async function expertsCommand(checkpoint: string, o: ExpertsCommandOptions, write: (s: string) => void): Promise<ExpertContexts> {
  const backend = await selectBackend(o.backend, (line) => process.stderr.write(`${line}\n`));
  try {
    const r = await expertContexts(checkpoint, { top: o.top, split: o.split, backend, ...(o.maxBatches !== undefined ? { maxBatches: o.maxBatches } : {}) });
    if (o.json) write(`${JSON.stringify(r)}\n`);
    else {
      write(`${checkpoint} (step ${r.step}), layer ${r.layer}: ${r.experts} experts, top ${o.top} gates per expert over ${r.tokens} tokens of ${r.data} ${r.split}\n`);
      for (const l of r.listings) {
        write(`expert ${l.expert} (${l.routed} tokens routed)\n`);
        for (const c of l.top) write(`  ${c.gate.toFixed(3)}  … ${c.before} [${c.token}]\n`);
      }
    }
    return r;
  } finally {
    if (backend.kind === 'webgpu') releaseDevice(backend.device);
  }
}
