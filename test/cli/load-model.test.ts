/**
 * Loading model files (app/load-model.ts) from folders outside the repository: a file that
 * imports the DSL `from 'moec'` loads from a folder with no package.json and from a CommonJS
 * folder (as an ES module, with `'moec'` mapped to the running moec: the layers are the same module
 * instances); a failing import names its real cause (syntax error, missing module); a file without
 * a model says what its default export was.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelFile, traceWithOverrides } from '../../app/load-model.ts';

const MODEL = `import { defineModel, embedding, dense, softmaxCrossEntropy } from 'moec';
export default defineModel({
  name: 'anywhere',
  defaults: { T: 2, B: 3 },
  build(ctx, o) {
    const h = embedding(ctx.input('tokens', 'i32', [o.T, o.B]), { vocab: 7, width: 4 });
    return softmaxCrossEntropy(dense(h, { units: 7 }), ctx.input('targets', 'i32', [o.T, o.B]));
  },
});
`;

describe('model files anywhere', () => {
  it('loads from a folder with no package.json and from a CommonJS folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moec-load-'));
    writeFileSync(join(dir, 'model.ts'), MODEL);
    mkdirSync(join(dir, 'cjs'));
    writeFileSync(join(dir, 'cjs', 'package.json'), '{"type":"commonjs"}');
    writeFileSync(join(dir, 'cjs', 'model.ts'), MODEL);
    for (const file of [join(dir, 'model.ts'), join(dir, 'cjs', 'model.ts')]) {
      const loaded = await loadModelFile(file);
      expect(loaded.model.name).toBe('anywhere');
      const { graph } = traceWithOverrides(loaded, ['B=5']);
      const tokens = graph.inputs.find((i) => i.name === 'tokens')!;
      expect(graph.values.get(tokens.value)?.type.shape).toEqual([2, 5]);
    }
  });

  it('names the real cause when the file does not load or has no model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moec-load-'));
    writeFileSync(join(dir, 'syntax.ts'), "import { moe } from 'moec';\nexport default moe(");
    await expect(loadModelFile(join(dir, 'syntax.ts'))).rejects.toThrow(/^cannot load model file .*syntax\.ts: Transform failed with 1 error: .*syntax\.ts:2:\d+: ERROR: /);
    writeFileSync(join(dir, 'missing.ts'), "import { helper } from './helper.ts';\nexport default helper;");
    await expect(loadModelFile(join(dir, 'missing.ts'))).rejects.toThrow(/^cannot load model file .*missing\.ts: ERR_MODULE_NOT_FOUND: Cannot find module '.*helper\.ts'/);
    writeFileSync(join(dir, 'number.ts'), 'export const x = 1;\nexport default 3;');
    await expect(loadModelFile(join(dir, 'number.ts'))).rejects.toThrow(/number\.ts has no model: its default export is number 3 \(named exports: x\); its default export must be a model made with defineModel/);
    writeFileSync(join(dir, 'none.ts'), 'export const model = 1;');
    await expect(loadModelFile(join(dir, 'none.ts'))).rejects.toThrow(/none\.ts has no model: it has no default export \(named exports: model\)/);
    await expect(loadModelFile(join(dir, 'absent.ts'))).rejects.toThrow(/^model file not found: /);
  });
});
