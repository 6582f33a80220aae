/**
 * The op traits table (ir/op-traits.ts OP_TRAITS) checked against what the reference interpreter
 * computes, so a wrong trait fails here before a pass relies on it: an `elementwise` op's output
 * element i moves only when element i of a full-size input moves (a biasAdd bias moves its column);
 * a `rowwise` op (time trait) — output row r moves only when row r of an input moves; a `view` op
 * returns its input's elements unchanged; the in-place table derived from the rows is the
 * optimizer updates'. Cases come from the conformance table's op cases (random sizes).
 */
import { describe, expect, it } from 'vitest';
import { evalNode } from '../../ir/interpret.ts';
import { OP_NAMES, type OpName } from '../../ir/ops.ts';
import { IN_PLACE, OP_TRAITS, timeBatchingOf } from '../../ir/op-traits.ts';
import type { Tensor } from '../../ir/tensor.ts';
import { bareNode, opCases } from './op-cases.ts';

const ctx = { seed: 1, step: 0, training: false };
const run = (op: OpName, params: unknown, ins: Tensor[]): Tensor[] => evalNode(bareNode(op, params as never), ins, ctx);
const bump = (t: Tensor, i: number): Tensor => {
  const data = Float32Array.from(t.data as Float32Array);
  data[i] = data[i]! + 0.37;
  return { type: t.type, data };
};
const changed = (a: Tensor, b: Tensor): number[] => Array.from(a.data).flatMap((v, i) => (v === b.data[i] ? [] : [i]));
const withTrait = (t: 'elementwise' | 'rowwise' | 'view'): OpName[] =>
  OP_NAMES.filter((op) => (t === 'rowwise' ? timeBatchingOf(op) === 'rowwise' : t in OP_TRAITS[op]));

describe('op traits agree with the reference', () => {
  it.each(withTrait('elementwise'))('%s is elementwise', (op) => {
    for (const seed of [1, 2]) {
      const [params, ins] = opCases(seed)[op] as [unknown, Tensor[]];
      const [base] = run(op, params, ins);
      const size = base!.data.length;
      const cols = base!.type.shape[base!.type.shape.length - 1] ?? 1;
      ins.forEach((x, j) => {
        if (x.type.dtype !== 'f32') return;
        for (const i of [0, x.data.length - 1, Math.floor(x.data.length / 2)]) {
          const moved = changed(base!, run(op, params, ins.map((y, k) => (k === j ? bump(y, i) : y)))[0]!);
          if (x.data.length === size) expect(moved.every((m) => m === i), `${op} input ${j} element ${i} moved ${moved}`).toBe(true);
          else expect(moved.every((m) => m % cols === i), `${op} bias ${j} element ${i} moved ${moved}`).toBe(true); // a bias moves its column
        }
      });
    }
  });

  it.each(withTrait('rowwise'))('%s is rowwise', (op) => {
    for (const seed of [1, 2]) {
      const [params, ins] = opCases(seed)[op] as [unknown, Tensor[]];
      const outs = run(op, params, ins);
      const rows = ins[0]!.type.shape[0]!;
      ins.forEach((x, j) => {
        if (x.type.dtype !== 'f32' || x.type.shape[0] !== rows) return;
        const width = x.data.length / rows;
        const r = rows - 1;
        const moved = run(op, params, ins.map((y, k) => (k === j ? bump(y, r * width) : y)));
        moved.forEach((o, q) => {
          const ow = o.data.length / rows;
          for (const m of changed(outs[q]!, o)) expect(Math.floor(m / ow), `${op} output ${q}: row ${r} of input ${j} moved element ${m}`).toBe(r);
        });
      });
    }
  });

  it.each(withTrait('view'))('%s is a view (same elements)', (op) => {
    const [params, ins] = opCases(3)[op] as [unknown, Tensor[]];
    expect(Array.from(run(op, params, ins)[0]!.data)).toEqual(Array.from(ins[0]!.data));
  });

  it('IN_PLACE is derived from the traits rows (the five optimizer updates)', () => {
    expect(IN_PLACE).toEqual({ sgdUpdate: [0], adamUpdate: [0, 2, 3], factoredAdamUpdate: [0, 2, 3], expertSgdUpdate: [0], expertFactoredAdamUpdate: [0, 2, 3, 4] });
  });

  it('softmax and matmul are not elementwise (the check above would catch them)', () => {
    expect('elementwise' in OP_TRAITS.softmax).toBe(false);
    const [params, ins] = opCases(1).softmax as [unknown, Tensor[]];
    const moved = changed(run('softmax', params, ins)[0]!, run('softmax', params, [bump(ins[0]!, 0)])[0]!);
    expect(moved.length).toBeGreaterThan(1);
  });
});
