/**
 * Item 1 of issue 11: a checkpoint is data only. A model file that writes a marker file when it is
 * imported is trained once (the user named it: importing it then is expected); afterwards `eval`,
 * `generate` and `train --resume` of its checkpoint must never import it — not even when the checkpoint's
 * metadata names it — and keep working when it is deleted. Naming a model file (`eval --model`,
 * `train <model> --resume`) imports it and refuses when its traced IR differs from the stored one,
 * saying what differs. A checkpoint whose stored IR is corrupt is refused as data.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeSafetensors, loadCheckpoint, readSafetensorsFile } from '../../runtime/checkpoint.ts';
import { moec, root, scratch, trainArgs, trainSteps } from './helpers.ts';

/** A model file equal to examples/lstm-moe-lm.ts that writes `marker` when imported. */
function markerModel(dir: string, marker: string, body = 'export default base;'): string {
  const file = join(dir, 'hostile-model.mts');
  writeFileSync(
    file,
    `import { writeFileSync } from 'node:fs';\nimport base from ${JSON.stringify(join(root, 'examples/lstm-moe-lm.ts'))};\nimport { defineModel } from ${JSON.stringify(join(root, 'frontend/model.ts'))};\nwriteFileSync(${JSON.stringify(marker)}, 'imported');\nvoid defineModel;\n${body}\n`,
  );
  return file;
}

describe('checkpoints are data only', () => {
  it('eval and --resume never import the model file; --model imports it and checks it', () => {
    const dir = scratch('data');
    const marker = join(dir, 'MARKER');
    const model = markerModel(dir, marker);
    const out = join(dir, 'run');
    const first = moec(trainArgs(out, 3, [], model));
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true); // named on the command line: imported, as asked
    rmSync(marker);
    const ck = join(out, 'checkpoint.safetensors');
    const meta = loadCheckpoint(ck).meta;
    expect(meta.modelFile).toBe(model);
    expect(meta.graph?.nodes.length).toBeGreaterThan(10);
    expect(meta.modelSource).toContain('writeFileSync');

    const ev = moec(['eval', ck, '--backend', 'cpu', '--max-batches', '2', '--json']);
    expect(ev.code, ev.stderr).toBe(0);
    expect(JSON.parse(ev.stdout)).toMatchObject({ step: 3, data: 'moby-dick' });
    expect(existsSync(marker), 'eval imported the model file named in the checkpoint').toBe(false);

    // Generation compiles the one-token IR stored in the checkpoint: no import either.
    expect(meta.generationGraph?.nodes.length).toBeGreaterThan(10);
    const gen = moec(['generate', ck, '--prompt', 'the', '--tokens', '3', '--backend', 'cpu']);
    expect(gen.code, gen.stderr).toBe(0);
    expect(gen.stdout.startsWith('the')).toBe(true);
    expect(existsSync(marker), 'generate imported the model file named in the checkpoint').toBe(false);

    const resumed = moec(['train', '--resume', '--out', out, '--steps', '5', '--backend', 'cpu', '--valid-batches', '1']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/on moby-dick .* steps 3 → 5/);
    expect(existsSync(marker), '--resume imported the model file named in the checkpoint').toBe(false);
    expect(trainSteps(readFileSync(join(out, 'metrics.jsonl'), 'utf8'))).toEqual([1, 2, 3, 4, 5]);

    // The model file moved away: the checkpoint still evaluates.
    rmSync(model);
    const moved = moec(['eval', ck, '--backend', 'cpu', '--max-batches', '1', '--json']);
    expect(moved.code, moved.stderr).toBe(0);
    expect(JSON.parse(moved.stdout).step).toBe(5);

    // Named explicitly: imported and compared; the same model is accepted.
    markerModel(dir, marker);
    const named = moec(['eval', ck, '--model', model, '--backend', 'cpu', '--max-batches', '1', '--json']);
    expect(named.code, named.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
    // A different model (k forced to 1 in its code) is refused, saying what differs.
    const other = markerModel(dir, marker, 'export default defineModel({ name: base.name, defaults: base.defaults, build: (ctx, o) => base.build(ctx, { ...o, k: 1 }) });');
    const refused = moec(['eval', ck, '--model', other, '--backend', 'cpu', '--max-batches', '1']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/is not the model of .*checkpoint\.safetensors: .*op #\d+ is .* in the checkpoint but .* in /);
    const refusedResume = moec(['train', other, '--resume', '--out', out, '--steps', '6', '--backend', 'cpu']);
    expect(refusedResume.code).not.toBe(0);
    expect(refusedResume.stderr).toMatch(/--resume: .* is not the model of /);
  });

  it('a checkpoint whose stored IR is not a valid graph is refused as data', () => {
    const dir = scratch('badir');
    const out = join(dir, 'run');
    expect(moec(trainArgs(out, 1)).code).toBe(0);
    const ck = join(out, 'checkpoint.safetensors');
    const { tensors, metadata } = readSafetensorsFile(ck);
    const graph = JSON.parse(metadata['moec.graph']!) as { nodes: { op: string }[] };
    graph.nodes[3]!.op = 'require("child_process").exec';
    writeFileSync(ck, encodeSafetensors(tensors, { ...metadata, 'moec.graph': JSON.stringify(graph) }));
    const r = moec(['eval', ck, '--backend', 'cpu', '--max-batches', '1']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/metadata moec\.graph is not a valid moec IR graph: .*nodes\[3\]/);
  });
});
