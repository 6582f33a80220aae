/**
 * The chunked WebGPU lowering of linearCrossEntropy and linearCrossEntropyGrad against the CPU
 * reference, with N = 600 rows not a multiple of the 256-row chunk that V = 4096 classes give
 * (chunks 256, 256, 88): loss, dh, dw and db within 1e-4 relative, both when the forward step
 * computes the gradients too (dloss known before it: each chunk's logits computed once) and when
 * the gradient step recomputes them (dloss depends on the loss). The plan never holds [N, V]
 * (its largest temporary is one chunk's logits), the same plan run twice gives the same bits, and
 * against the unfused GPU graph (matmul + biasAdd → softmaxCrossEntropy, and its backward as
 * separate GEMMs over whole [N, V] gradients) the loss, dh and dw are bit-identical (dw continues
 * each output's fma chain across chunks). A label out of range fails the run naming the row.
 */
import { expect, it } from 'vitest';
import { lceChunkRows } from '../../compiler/lower/rules-linear-ce.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { GraphBuilder, type Graph } from '../../ir/graph.ts';
import { tensorType } from '../../ir/types.ts';
import { checkPlan, outputBits, preparePlan, tensor } from './train-plan.ts';
import { describeGpu, dev, expectClose, randArray, rng } from './gpu.ts';

const [N, D, V] = [600, 24, 4096];
const f32 = (shape: number[]) => tensorType('f32', shape);

/**
 * The fused graph (paired: dloss is an input, so the forward step computes the gradients too;
 * unpaired: dloss depends on the loss, so the gradient step recomputes the logits) or the unfused one.
 */
function graph(fused: boolean, paired = true): Graph {
  const b = new GraphBuilder();
  const h = b.addInput('h', f32([N, D]), 'input');
  const w = b.addInput('w', f32([D, V]), 'input');
  const bias = b.addInput('b', f32([V]), 'input');
  const labels = b.addInput('labels', tensorType('i32', [N]), 'input');
  const dloss = b.addInput('dloss', f32([]), 'input');
  if (fused) {
    const loss = b.add1('linearCrossEntropy', {}, [h, w, bias, labels]);
    b.setOutput('loss', loss);
    const d = paired ? dloss : b.add1('addN', {}, [b.add1('scale', { value: 0 }, [loss]), dloss]);
    const [dh, dw, db] = b.addNode('linearCrossEntropyGrad', {}, [h, w, bias, labels, d]);
    b.setOutput('dh', dh!);
    b.setOutput('dw', dw!);
    b.setOutput('db', db!);
  } else {
    const logits = b.add1('biasAdd', {}, [b.add1('matmul', {}, [h, w]), bias]);
    b.setOutput('loss', b.add1('softmaxCrossEntropy', {}, [logits, labels]));
    const g = b.add1('softmaxCrossEntropyGrad', {}, [logits, labels, dloss]);
    b.setOutput('dh', b.add1('matmul', {}, [g, b.add1('transpose', {}, [w])]));
    b.setOutput('dw', b.add1('matmul', {}, [b.add1('transpose', {}, [h]), g]));
    b.setOutput('db', b.add1('sumRows', {}, [g]));
  }
  return b.finish();
}

/** Number of positions where two bit arrays differ (a count, so a failure does not diff huge arrays). */
function mismatches(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((n, v, i) => n + (v === b[i] ? 0 : 1), 0);
}

function feeds(badRow?: number) {
  const r = rng(77);
  const lab = new Int32Array(N);
  for (let i = 0; i < N; i++) lab[i] = Math.floor(r() * V);
  if (badRow !== undefined) lab[badRow] = V;
  return {
    h: tensor('f32', [N, D], randArray(r, N * D, -2, 2)),
    w: tensor('f32', [D, V], randArray(r, D * V, -0.5, 0.5)),
    b: tensor('f32', [V], randArray(r, V, -0.5, 0.5)),
    labels: tensor('i32', [N], lab),
    dloss: tensor('f32', [], [1.7]),
  };
}

describeGpu('linear cross-entropy on WebGPU', () => {
  it.each([true, false])('matches the reference over chunks that do not divide N, without any [N, V] buffer (paired %s)', async (paired) => {
    expect(lceChunkRows(N, V)).toBe(256);
    const g = graph(true, paired);
    const plan = lowerToWebGpu(g, dev().device.limits);
    const biggest = Math.max(...plan.storages.filter((s) => s.role === 'temp').map((s) => s.bytes));
    expect(biggest).toBe(256 * V * 4);
    const at = (op: string) => plan.steps.find((s) => s.node.op === op)!.dispatches.map((d) => d.kernel.name);
    const count = (names: string[], k: string) => names.filter((n) => n === k).length;
    // Paired: the forward step computes each chunk's logits once for the loss and the gradients.
    expect(count(at('linearCrossEntropy'), paired ? 'lce.loss_grad_rows' : 'ce.rows')).toBe(3);
    expect(count(at('linearCrossEntropyGrad'), 'lce.grad_rows')).toBe(paired ? 0 : 3);
    expect(count([...at('linearCrossEntropy'), ...at('linearCrossEntropyGrad')], 'matmul_bias_offsets')).toBe(paired ? 3 : 6);
    const exe = await preparePlan(g);
    const ctx = { seed: 0, step: 0, training: true };
    const got = await checkPlan(exe, g, feeds(), ctx, 1e-4);
    expect(got.loss!.data[0]!).toBeGreaterThan(1);
    const bits = outputBits(got);
    const again = outputBits(await exe.run(feeds(), ctx));
    for (const name of Object.keys(bits)) expect(mismatches(again[name]!, bits[name]!), `${name} run to run`).toBe(0);

    const plain = await preparePlan(graph(false));
    const want = await plain.run(feeds(), ctx);
    expect(Math.max(...plan.storages.filter((s) => s.role === 'temp').map((s) => s.bytes))).toBeLessThan(N * V * 4);
    const plainBits = outputBits(want);
    for (const name of ['loss', 'dh', 'dw']) expect(mismatches(bits[name]!, plainBits[name]!), `${name}: fused vs unfused bits`).toBe(0);
    expectClose(got.db!.data, want.db!.data, 1e-5, 'db');
  });

  it('reports a label out of range with its row', async () => {
    const exe = await preparePlan(graph(true));
    await expect(exe.run(feeds(431), { seed: 0, step: 0, training: true })).rejects.toThrow(/label out of range \[0, 4096\): \d+ bad value\(s\), first at position 431/);
  });
});
