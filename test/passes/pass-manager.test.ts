/** Tests of the pass infrastructure: change recording, the after-pass hook, verification, fixpoint. */
import { describe, expect, it } from 'vitest';
import { GraphBuilder, type Graph } from '../../ir/graph.ts';
import { tensorType } from '../../ir/types.ts';
import { dce } from '../../passes/dce.ts';
import { inferShapes } from '../../passes/infer-shapes.ts';
import { fixpoint, PassManager, type Pass } from '../../passes/pass.ts';
import { simplify } from '../../passes/simplify.ts';

function chain(): Graph {
  const b = new GraphBuilder();
  const x = b.addInput('x', tensorType('f32', [2, 3, 4]), 'input');
  let v = x;
  for (const shape of [[6, 4], [24], [4, 6], [3, 8]]) v = b.add1('reshape', { shape }, [v]);
  b.setOutput('y', v);
  return b.finish();
}

describe('PassManager', () => {
  it('records which passes changed the IR and calls the hook after each', () => {
    const seen: [string, boolean][] = [];
    const r = new PassManager([inferShapes, fixpoint('simplify+dce', [simplify, dce]), inferShapes], {
      onAfterPass: (name, _g, changed) => seen.push([name, changed]),
    }).run(chain());
    expect(seen).toEqual([['inferShapes', false], ['simplify+dce', true], ['inferShapes', false]]);
    expect(r.changed).toEqual(['simplify+dce']);
    expect(r.graph.nodes).toHaveLength(1);
  });

  it('names the pass that produced an invalid graph', () => {
    const broken: Pass = {
      name: 'breaker',
      run: (g) => ({ ...g, outputs: [{ name: 'y', value: 999 }] }),
    };
    expect(() => new PassManager([broken]).run(chain())).toThrow(/after pass 'breaker'/);
  });

  it('fixpoint stops when a round changes nothing, and gives up on a pass that always changes', () => {
    let runs = 0;
    const counting: Pass = { name: 'count', run: (g) => (runs++, g) };
    fixpoint('f', [counting]).run(chain(), { remark() {}, remarks: [] });
    expect(runs).toBe(1);
    const flip: Pass = { name: 'flip', run: (g) => ({ ...g, outputs: g.outputs.map((o) => ({ ...o, name: o.name + "'" })) }) };
    expect(() => fixpoint('f', [flip], 5).run(chain(), { remark() {}, remarks: [] })).toThrow(/did not reach a fixpoint/);
  });
});

describe('inferShapes', () => {
  it('rejects a node whose recorded type is wrong', () => {
    const g = chain();
    const n = g.nodes[0]!;
    const values = new Map(g.values);
    values.set(n.outputs[0]!, { id: n.outputs[0]!, type: tensorType('f32', [4, 6]) });
    expect(() => inferShapes.run({ ...g, values }, { remark() {}, remarks: [] })).toThrow(/recorded as f32\[4,6\] but infers as f32\[6,4\]/);
  });
});
