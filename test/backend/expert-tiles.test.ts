/**
 * Per-expert work over the tiles and experts that exist. (1) `inactiveBlocksUnread`, the rule that
 * lets a per-expert gradient leave empty experts' blocks unwritten, on hand-built readers (the real
 * READS_ACTIVE_EXPERT_ROWS table may still be empty, so a test table is passed). (2) The lowered
 * MoE training step (dispatch → expertHidden → expertOutput → combine and the three gradients) at
 * n = 65536 and 131072 experts — where the old segment GEMM grid (1×1×n) was refused — checked
 * against the reference interpreter: the expert GEMMs run on indirect grids over the real tile
 * count with the 4-row tiling and a 4-row tile map (≈ 0.004 rows per expert), one expert gets
 * > 32 rows (several map entries), and the weight/bias gradients run over active experts
 * only; a second run with a different routing must zero the blocks of experts that had rows in
 * the first (the clear_inactive kernel), since every gradient here is a graph output. (3) The same
 * step at 16 rows per expert, where the plan picks the 16-row tiling (forward and transposed GEMMs).
 */
import { describe, expect, it } from 'vitest';
import { inactiveBlocksUnread } from '../../compiler/lower/expert-tiles.ts';
import { expertTiling } from '../../compiler/wgsl/expert-ffn.ts';
import { GraphBuilder, type Graph, type Node } from '../../ir/graph.ts';
import { tensorType } from '../../ir/types.ts';
import { describeGpu, randArray, rng } from './gpu.ts';
import { checkPlan, preparePlan, tensor } from './train-plan.ts';

describe('inactiveBlocksUnread', () => {
  const node = (op: string, inputs: number[]): Node => ({ id: 0, op, params: {}, inputs, outputs: [99] }) as unknown as Node;
  const table = { adamUpdate: { rows: 1, offsets: 4 } };
  const value = 10;
  const offs = 20;
  it('allows skipping only when every reader honours the active rows with the same offsets and the value is no graph output', () => {
    const good = node('adamUpdate', [1, value, 2, 3, offs]);
    expect(inactiveBlocksUnread([good], false, value, offs, table)).toBe(true);
    expect(inactiveBlocksUnread([good, good], false, value, offs, table)).toBe(true);
    expect(inactiveBlocksUnread([], false, value, offs, table)).toBe(true); // nobody reads it
    expect(inactiveBlocksUnread([good], true, value, offs, table)).toBe(false); // graph output
    expect(inactiveBlocksUnread([node('adamUpdate', [1, value, 2, 3, 21])], false, value, offs, table)).toBe(false); // other offsets
    expect(inactiveBlocksUnread([node('adamUpdate', [value, value, 2, 3, offs])], false, value, offs, table)).toBe(false); // also read as a dense input
    expect(inactiveBlocksUnread([good, node('sgdUpdate', [1, value])], false, value, offs, table)).toBe(false); // an unlisted reader
    expect(inactiveBlocksUnread([good], false, value, offs, {})).toBe(false); // empty table
  });
});

/** The MoE layer's training ops (dispatch → expertHidden → expertOutput → combine, and the gradients), every gradient a graph output. */
function moeTrainGraph(N: number, k: number, n: number, D: number, H: number): Graph {
  const b = new GraphBuilder();
  const f32 = (shape: number[]) => tensorType('f32', shape);
  const x = b.addInput('x', f32([N, D]), 'input');
  const indices = b.addInput('indices', tensorType('i32', [N, k]), 'input');
  const w1 = b.addInput('w1', f32([n, D, H]), 'input');
  const b1 = b.addInput('b1', f32([n, H]), 'input');
  const w2 = b.addInput('w2', f32([n, H, D]), 'input');
  const b2 = b.addInput('b2', f32([n, D]), 'input');
  const gates = b.addInput('gates', f32([N, k]), 'input');
  const dout = b.addInput('dout', f32([N, D]), 'input');
  const [sourceRow, position, offsets] = b.addNode('moeDispatch', { n }, [indices]) as [number, number, number];
  const hidden = b.add1('expertHidden', {}, [x, sourceRow, offsets, w1, b1]);
  const y = b.add1('expertOutput', {}, [hidden, offsets, w2, b2]);
  b.setOutput('out', b.add1('moeCombine', {}, [y, position, gates]));
  const [dy] = b.addNode('moeCombineGrad', {}, [dout, y, position, gates]) as [number, number];
  const [dhidden, dw2, db2] = b.addNode('expertOutputGrad', {}, [hidden, offsets, w2, dy]) as [number, number, number];
  const [dx, dw1, db1] = b.addNode('expertHiddenGrad', {}, [x, sourceRow, offsets, position, w1, hidden, dhidden]) as [number, number, number];
  for (const [name, v] of Object.entries({ dhidden, dw2, db2, dx, dw1, db1 })) b.setOutput(name, v);
  return b.finish();
}

describeGpu('expert work over real tiles and active experts', () => {
  it('16-row tiles (16 rows per expert, a quarter of the experts empty) match the reference', async () => {
    const r = rng(16);
    const [N, k, n, D, H] = [256, 2, 32, 12, 20];
    expect(expertTiling(N * k, n).tm).toBe(16);
    const g = moeTrainGraph(N, k, n, D, H);
    const exe = await preparePlan(g);
    const used = [...Array(n).keys()].filter((e) => e % 4 !== 1);
    const idx = new Int32Array(N * k);
    for (let row = 0; row < N; row++) {
      const avail = [...used];
      for (let j = 0; j < k; j++) idx[row * k + j] = avail.splice(Math.floor(r() * avail.length), 1)[0]!;
    }
    const feeds = {
      x: tensor('f32', [N, D], randArray(r, N * D)),
      indices: tensor('i32', [N, k], idx),
      w1: tensor('f32', [n, D, H], randArray(r, n * D * H, -0.5, 0.5)),
      b1: tensor('f32', [n, H], randArray(r, n * H, -0.1, 0.1)),
      w2: tensor('f32', [n, H, D], randArray(r, n * H * D, -0.5, 0.5)),
      b2: tensor('f32', [n, D], randArray(r, n * D, -0.1, 0.1)),
      gates: tensor('f32', [N, k], randArray(r, N * k, 0.1, 1)),
      dout: tensor('f32', [N, D], randArray(r, N * D)),
    };
    await checkPlan(exe, g, feeds, { seed: 1, step: 0, training: true }, 1e-4);
    exe.destroy();
  });

  it('MoE training step at 65536 and 131072 experts matches the reference; rerouting zeroes stale gradient blocks', async () => {
    for (const n of [65536, 131072]) {
      const r = rng(n);
      const [N, k, D, H] = [256, 2, 4, 8];
      expect(expertTiling(N * k, n).tm).toBe(4);
      const g = moeTrainGraph(N, k, n, D, H);
      const exe = await preparePlan(g);
      const weights = {
        w1: tensor('f32', [n, D, H], randArray(r, n * D * H, -0.5, 0.5)),
        b1: tensor('f32', [n, H], randArray(r, n * H, -0.1, 0.1)),
        w2: tensor('f32', [n, H, D], randArray(r, n * H * D, -0.5, 0.5)),
        b2: tensor('f32', [n, D], randArray(r, n * D, -0.1, 0.1)),
      };
      // Two routings over disjoint random expert sets; in each, one "hot" expert gets slot 0 of every 3rd row (> 32 rows).
      const routes: Int32Array[] = [];
      const taken = new Set<number>();
      for (let run = 0; run < 2; run++) {
        const pool: number[] = [];
        while (pool.length < 150) {
          const e = Math.floor(r() * n);
          if (!taken.has(e)) {
            taken.add(e);
            pool.push(e);
          }
        }
        const idx = new Int32Array(N * k);
        for (let row = 0; row < N; row++) {
          const avail = pool.slice(1);
          for (let j = 0; j < k; j++) idx[row * k + j] = j === 0 && row % 3 === 0 ? pool[0]! : avail.splice(Math.floor(r() * avail.length), 1)[0]!;
        }
        routes.push(idx);
      }
      const got = [];
      for (const idx of routes) {
        const feeds = {
          ...weights,
          x: tensor('f32', [N, D], randArray(r, N * D)),
          indices: tensor('i32', [N, k], idx),
          gates: tensor('f32', [N, k], randArray(r, N * k, 0.1, 1)),
          dout: tensor('f32', [N, D], randArray(r, N * D)),
        };
        got.push(await checkPlan(exe, g, feeds, { seed: 1, step: 0, training: true }, 1e-4));
      }
      // The first routing's experts are empty in the second: their gradient blocks were non-zero and must now be 0.
      const hot = routes[0]![0]!;
      expect(Array.from(got[0]!.dw1!.data.slice(hot * D * H, (hot + 1) * D * H)).some((v) => v !== 0), `n ${n}: first-run dw1 of the hot expert`).toBe(true);
      for (const e of new Set(routes[0])) {
        expect(Array.from(got[1]!.dw1!.data.slice(e * D * H, (e + 1) * D * H)).every((v) => v === 0), `n ${n}: stale dw1[${e}]`).toBe(true);
        expect(Array.from(got[1]!.db2!.data.slice(e * D, (e + 1) * D)).every((v) => v === 0), `n ${n}: stale db2[${e}]`).toBe(true);
      }
      exe.destroy();
    }
  }, 900_000); // the first run JITs the 4-row grouped GEMMs (minutes on a loaded lavapipe)
});
