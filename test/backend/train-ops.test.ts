/**
 * Training plans lowered to WebGPU vs the reference interpreter for the non-MoE rules: the dense
 * and shape gradients (zeros, transpose, sumRows, scatter0, padLast, relu/sigmoid/tanh/softmax
 * grads, noiseStdGrad in training and evaluation — a per-run uniform), embeddingGrad,
 * softmaxCrossEntropyGrad, LSTM backpropagation through time (forward recompute + one dispatch per
 * step + weight GEMMs; ragged T, B, H, D), and the in-place optimizers (SGD, Adam at two steps —
 * the bias correction is a per-run uniform — and factored Adam with and without update clipping,
 * on a batched [n, r, c] parameter whose gradient has all-zero rows; and parameters/state that
 * stay on the device across three steps, checked against the chained reference).
 */
import { expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/graph.ts';
import { tensorType } from '../../ir/types.ts';
import { checkPlan, outputBits, preparePlan, tensor } from './train-plan.ts';
import { initParams } from '../../ir/interpret.ts';
import { lowerToWebGpu } from '../../compiler/lower/index.ts';
import { prepareWebGpuPlan } from '../../runtime/webgpu-executor.ts';
import * as opt from '../../ir/reference/optimizers.ts';
import { cache, describeGpu, dev, expectClose, randArray, rng } from './gpu.ts';

const f32 = (shape: number[]) => tensorType('f32', shape);

describeGpu('training plan: dense, sequence and optimizer ops', () => {
  it('dense/shape gradients, embeddingGrad, cross-entropy grad; noiseStdGrad follows the run mode', async () => {
    const r = rng(41);
    const [R, C, V, M] = [67, 19, 301, 90];
    const b = new GraphBuilder();
    const x = b.addInput('x', f32([R, C]), 'input');
    const dy = b.addInput('dy', f32([R, C]), 'input');
    const ids = b.addInput('ids', tensorType('i32', [M]), 'input');
    const demb = b.addInput('demb', f32([M, C]), 'input');
    const labels = b.addInput('labels', tensorType('i32', [R]), 'input');
    const dloss = b.addInput('dloss', f32([]), 'input');
    const dsl = b.addInput('dsl', f32([R, 7]), 'input');
    b.setOutput('zeros', b.add1('zeros', { shape: [5, 9] }, []));
    b.setOutput('transpose', b.add1('transpose', {}, [x]));
    b.setOutput('sumRows', b.add1('sumRows', {}, [b.add1('reshape', { shape: [R, 1, C] }, [x])]));
    b.setOutput('scatter0', b.add1('scatter0', { index: 2, size: 3 }, [x]));
    b.setOutput('padLast', b.add1('padLast', { start: 4, end: 11, n: C }, [dsl]));
    b.setOutput('reluGrad', b.add1('reluGrad', {}, [b.add1('relu', {}, [x]), dy]));
    b.setOutput('sigmoidGrad', b.add1('sigmoidGrad', {}, [b.add1('sigmoid', {}, [x]), dy]));
    b.setOutput('tanhGrad', b.add1('tanhGrad', {}, [b.add1('tanh', {}, [x]), dy]));
    b.setOutput('softmaxGrad', b.add1('softmaxGrad', {}, [b.add1('softmax', {}, [x]), dy]));
    b.setOutput('noiseStdGrad', b.add1('noiseStdGrad', {}, [x, dy]));
    b.setOutput('embeddingGrad', b.add1('embeddingGrad', { vocab: V }, [ids, demb]));
    b.setOutput('ceGrad', b.add1('softmaxCrossEntropyGrad', {}, [x, labels, dloss]));
    const g = b.finish();
    const idv = new Int32Array(M);
    for (let i = 0; i < M; i++) idv[i] = Math.floor(r() * 40);
    const lab = new Int32Array(R);
    for (let i = 0; i < R; i++) lab[i] = Math.floor(r() * C);
    const feeds = {
      x: tensor('f32', [R, C], randArray(r, R * C, -3, 3)),
      dy: tensor('f32', [R, C], randArray(r, R * C)),
      ids: tensor('i32', [M], idv),
      demb: tensor('f32', [M, C], randArray(r, M * C)),
      labels: tensor('i32', [R], lab),
      dloss: tensor('f32', [], [1.3]),
      dsl: tensor('f32', [R, 7], randArray(r, R * 7)),
    };
    const exe = await preparePlan(g);
    const a = await checkPlan(exe, g, feeds, { seed: 0, step: 0, training: true }, 1e-4);
    const ev = await checkPlan(exe, g, feeds, { seed: 0, step: 0, training: false }, 1e-4);
    expect(Array.from(ev.noiseStdGrad!.data).every((v) => v === 0)).toBe(true);
    const again = await exe.run(feeds, { seed: 0, step: 0, training: true });
    expect(outputBits(again)).toEqual(outputBits(a));
    // A bad id is reported with the node.
    const bad = { ...feeds, ids: tensor('i32', [M], Int32Array.from(idv, (v, i) => (i === 11 ? V : v))) };
    await expect(exe.run(bad, { seed: 0, step: 0, training: true })).rejects.toThrow(/embeddingGrad: token id out of range \[0, 301\): 1 bad value\(s\), first at position 11/);
    exe.destroy();
  });

  it('lstmGrad (BPTT) matches the reference, bit-identical reruns', async () => {
    const r = rng(42);
    for (const [T, B, D, H] of [[5, 3, 7, 10], [2, 9, 20, 33]] as const) {
      const b = new GraphBuilder();
      const ins = {
        x: [T, B, D], wx: [D, 4 * H], wh: [H, 4 * H], b: [4 * H], h0: [B, H], c0: [B, H], dh: [T, B, H], dhT: [B, H], dcT: [B, H],
      } as Record<string, number[]>;
      const vals = Object.fromEntries(Object.entries(ins).map(([name, shape]) => [name, b.addInput(name, f32(shape), 'input')]));
      const outs = b.addNode('lstmGrad', {}, ['x', 'wx', 'wh', 'b', 'h0', 'c0', 'dh', 'dhT', 'dcT'].map((nm) => vals[nm]!));
      ['dx', 'dwx', 'dwh', 'db', 'dh0', 'dc0'].forEach((nm, i) => b.setOutput(nm, outs[i]!));
      const g = b.finish();
      const scale: Record<string, number> = { wx: 0.4, wh: 0.4, b: 0.2 };
      const feeds = Object.fromEntries(
        Object.entries(ins).map(([name, shape]) => {
          const n = shape.reduce((p, q) => p * q, 1);
          const s = scale[name] ?? 1;
          return [name, tensor('f32', shape, randArray(r, n, -s, s))];
        }),
      );
      const exe = await preparePlan(g);
      const ctx = { seed: 0, step: 0, training: true };
      const got = await checkPlan(exe, g, feeds, ctx, 2e-4);
      expect(outputBits(await exe.run(feeds, ctx))).toEqual(outputBits(got));
      exe.destroy();
    }
  });

  it('optimizers update in place: SGD, Adam (two steps), factored Adam (clip on/off, zero gradient rows)', async () => {
    const r = rng(43);
    const [n, rr, cc] = [3, 37, 21];
    const b = new GraphBuilder();
    const shape = [n, rr, cc];
    const count = n * rr * cc;
    const names = ['p1', 'g1', 'p2', 'g2', 'm2', 'v2', 'p3', 'g3', 'vr3', 'vc3', 'p4', 'vr4', 'vc4'];
    const shapes: Record<string, number[]> = { vr3: [n, rr], vc3: [n, cc], vr4: [n, rr], vc4: [n, cc] };
    const v = Object.fromEntries(names.map((nm) => [nm, b.addInput(nm, f32(shapes[nm] ?? shape), 'input')]));
    b.setOutput('sgd.p', b.add1('sgdUpdate', { lr: 0.1 }, [v.p1!, v.g1!]));
    const adam = b.addNode('adamUpdate', { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, [v.p2!, v.g2!, v.m2!, v.v2!]);
    ['adam.p', 'adam.m', 'adam.v'].forEach((nm, i) => b.setOutput(nm, adam[i]!));
    const fa = b.addNode('factoredAdamUpdate', { lr: 0.01, beta2: 0.999, clip: 1 }, [v.p3!, v.g3!, v.vr3!, v.vc3!]);
    ['fa.p', 'fa.vr', 'fa.vc'].forEach((nm, i) => b.setOutput(nm, fa[i]!));
    const fb = b.addNode('factoredAdamUpdate', { lr: 0.02, beta2: 0.99, clip: 0 }, [v.p4!, v.g3!, v.vr4!, v.vc4!]);
    ['fb.p', 'fb.vr', 'fb.vc'].forEach((nm, i) => b.setOutput(nm, fb[i]!));
    const g = b.finish();
    const grad = randArray(r, count);
    for (const row of [0, 5, 40, 80]) grad.fill(0, row * cc, (row + 1) * cc); // whole rows of zeros
    const feeds = Object.fromEntries(
      names.map((nm) => {
        const sh = shapes[nm] ?? shape;
        const len = sh.reduce((p, q) => p * q, 1);
        const data = nm === 'g3' ? grad : nm.startsWith('v') ? randArray(r, len, 0, 0.01) : randArray(r, len);
        return [nm, tensor('f32', sh, data)];
      }),
    );
    const exe = await preparePlan(g);
    for (const step of [0, 6]) await checkPlan(exe, g, feeds, { seed: 0, step, training: true }, 1e-4);
    exe.destroy();
  });

  it('parameters and optimizer state persist on the device across steps (Adam, factored Adam)', async () => {
    const r = rng(44);
    const [n, rr, cc] = [2, 19, 45];
    const shape = [n, rr, cc];
    const count = n * rr * cc;
    const b = new GraphBuilder();
    const p = b.addInput('p', f32(shape), 'param', { kind: 'uniform', scale: 0.5 });
    const q = b.addInput('q', f32(shape), 'param', { kind: 'uniform', scale: 0.5 });
    const m = b.addInput('m', f32(shape), 'state', { kind: 'zeros' });
    const v = b.addInput('v', f32(shape), 'state', { kind: 'zeros' });
    const vr = b.addInput('vr', f32([n, rr]), 'state', { kind: 'zeros' });
    const vc = b.addInput('vc', f32([n, cc]), 'state', { kind: 'zeros' });
    const g = b.addInput('g', f32(shape), 'input');
    const hp = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
    const fhp = { lr: 0.01, beta2: 0.999, clip: 1 };
    const adam = b.addNode('adamUpdate', hp, [p, g, m, v]);
    const fa = b.addNode('factoredAdamUpdate', fhp, [q, g, vr, vc]);
    ['p', 'm', 'v'].forEach((nm, i) => b.setOutput(`adam.${nm}`, adam[i]!));
    ['q', 'vr', 'vc'].forEach((nm, i) => b.setOutput(`fa.${nm}`, fa[i]!));
    const graph = b.finish();
    const params = initParams(graph, 3);
    const exe = await prepareWebGpuPlan(dev(), lowerToWebGpu(graph, dev().device.limits), cache!);
    exe.setParams(params);
    let [rp, rm, rv] = [params.p!.data, params.m!.data, params.v!.data];
    let [rq, rvr, rvc] = [params.q!.data, params.vr!.data, params.vc!.data];
    for (const step of [0, 1, 2]) {
      const grad = randArray(r, count);
      const got = await exe.run({ g: tensor('f32', shape, grad) }, { seed: 0, step, training: true });
      const a = opt.adamUpdate(rp, grad, rm, rv, hp, step);
      const f = opt.factoredAdamUpdate(rq, grad, rvr, rvc, n, rr, cc, fhp, step);
      [rp, rm, rv] = [a.p, a.m, a.v];
      [rq, rvr, rvc] = [f.p, f.vr, f.vc];
      expectClose(got['adam.p']!.data, rp, 1e-5, `adam p step ${step}`);
      expectClose(got['adam.m']!.data, rm, 1e-5, `adam m step ${step}`);
      expectClose(got['adam.v']!.data, rv, 1e-5, `adam v step ${step}`);
      expectClose(got['fa.q']!.data, rq, 1e-5, `factored p step ${step}`);
      expectClose(got['fa.vr']!.data, rvr, 1e-5, `factored vr step ${step}`);
      expectClose(got['fa.vc']!.data, rvc, 1e-5, `factored vc step ${step}`);
    }
    exe.destroy();
  });
});
