/**
 * The TensorFlow.js side of the end-to-end benchmarks: tfjs-core with its WebGPU backend on the
 * same Dawn instance moec uses (navigator.gpu is set to moec's `create()` result before the
 * backend is imported), running the same noisy top-k MoE layer forward in plain tfjs ops — gating
 * (x·wg, softplus(x·wn)+eps, normal noise, top-(k+1), softmax over the top k), importance, the
 * smooth load estimator and CV² losses as moec computes them — with the experts done the
 * straightforward sparse way: the routing indices are read back to the host (a readback inside the
 * timed forward, as any tfjs user would pay), each expert's rows are gathered (tf.gather), run
 * through matMul → +b1 → relu → matMul → +b2 and scaled by their gates, and the outputs are
 * scatter-added to their rows with one tf.unsortedSegmentSum. This does exactly the useful expert
 * FLOPs (no dense masking, no capacity padding). Also the same 1024³ matmul for the second ratio.
 */
import type { DeviceContext } from '../runtime/device.ts';
import type { MoeShape } from './common.ts';
import type { MoeData } from './moec-path.ts';

type Tf = typeof import('@tensorflow/tfjs-core');

/** Counters of what tfjs sends to the device (instrumented on its GPUDevice/GPUQueue). */
export interface TfjsCounters {
  submits: number;
  dispatches: number;
}

/** A tfjs WebGPU context: the tf namespace, its adapter description and the device counters. */
export interface TfjsContext {
  readonly tf: Tf;
  /** How the host awaits the device (moec's calm waiter, runtime/gpu/host-wait.ts): both sides of a comparison wait alike. */
  readonly wait: DeviceContext['wait'];
  readonly adapter: string;
  readonly counters: TfjsCounters;
}

/**
 * Loads tfjs-core and the WebGPU backend on `dev.gpu` (the Dawn instance moec already holds) and
 * activates it. Instruments the backend's device to count submits and compute dispatches.
 */
export async function initTfjs(dev: DeviceContext): Promise<TfjsContext> {
  const { globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: dev.gpu }, configurable: true, writable: true });
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs: the webgpu backend failed to initialise');
  await tf.ready();
  const backend = tf.backend() as unknown as { device: GPUDevice; queue: GPUQueue; adapterInfo?: { vendor?: string; architecture?: string } };
  const counters: TfjsCounters = { submits: 0, dispatches: 0 };
  const q = backend.queue;
  const submit = q.submit.bind(q);
  q.submit = (cbs: Iterable<GPUCommandBuffer>) => {
    counters.submits++;
    return submit(cbs);
  };
  const device = backend.device;
  const createEncoder = device.createCommandEncoder.bind(device);
  device.createCommandEncoder = (desc?: GPUCommandEncoderDescriptor) => {
    const enc = createEncoder(desc);
    const begin = enc.beginComputePass.bind(enc);
    enc.beginComputePass = (d?: GPUComputePassDescriptor) => {
      const pass = begin(d);
      const dispatch = pass.dispatchWorkgroups.bind(pass);
      pass.dispatchWorkgroups = (x: number, y?: number, z?: number) => {
        counters.dispatches++;
        dispatch(x, y, z);
      };
      return pass;
    };
    return enc;
  };
  const info = backend.adapterInfo ?? {};
  return { tf, wait: dev.wait, adapter: [info.vendor, info.architecture].filter(Boolean).join(' ') || 'webgpu', counters };
}

/** A prepared tfjs MoE forward. */
export interface TfjsMoeForward {
  /**
   * One forward, ending with one `await data()` of [loss, Σy]. `training` false drops the noise
   * and the balancing losses (aux = 0) — used only for the Σy cross-check against moec.
   */
  forward(training?: boolean): Promise<{ loss: number; ySum: number }>;
  dispose(): void;
}

/** Uploads the parameters once (per-expert weight tensors) and returns the forward. */
export function prepareTfjsMoe(t: TfjsContext, s: MoeShape, data: MoeData, eps = 1e-2, wImp = 0.1, wLoad = 0.1): TfjsMoeForward {
  const { tf } = t;
  const { N, D, n, H, k } = s;
  const wg = tf.tensor2d(data.wg, [D, n]);
  const wn = tf.tensor2d(data.wn, [D, n]);
  const w1 = Array.from({ length: n }, (_, e) => tf.tensor2d(data.w1.subarray(e * D * H, (e + 1) * D * H), [D, H]));
  const b1 = Array.from({ length: n }, (_, e) => tf.tensor1d(data.b1.subarray(e * H, (e + 1) * H)));
  const w2 = Array.from({ length: n }, (_, e) => tf.tensor2d(data.w2.subarray(e * H * D, (e + 1) * H * D), [H, D]));
  const b2 = Array.from({ length: n }, (_, e) => tf.tensor1d(data.b2.subarray(e * D, (e + 1) * D)));
  const cv2 = (v: import('@tensorflow/tfjs-core').Tensor1D) => {
    const { mean, variance } = tf.moments(v);
    return tf.div(variance, tf.add(tf.square(mean), 1e-10));
  };
  const rowOfFlat = tf.tensor1d(Int32Array.from({ length: N * k }, (_, i) => Math.floor(i / k)), 'int32');
  const params = [wg, wn, ...w1, ...b1, ...w2, ...b2, rowOfFlat];
  let seed = 1;
  return {
    async forward(training = true) {
      const x = tf.tensor2d(data.x, [N, D]); // the input upload, as moec's run() writes x
      // ---- gating (paper Eq. 3-5) ----
      const g = tf.tidy(() => {
        const clean = tf.matMul(x, wg);
        const sigma = tf.add(tf.softplus(tf.matMul(x, wn)), eps);
        const noisy = training ? tf.add(clean, tf.mul(tf.randomNormal([N, n], 0, 1, 'float32', seed++), sigma)) : clean;
        const top = tf.topk(noisy, Math.min(k + 1, n));
        const gi = tf.slice(top.indices, [0, 0], [N, k]);
        const gates = tf.softmax(tf.slice(top.values, [0, 0], [N, k]));
        // importance (Eq. 6) and smooth load (Eq. 8-10)
        const importance = tf.unsortedSegmentSum(tf.reshape(gates, [N * k]), tf.reshape(gi, [N * k]), n);
        // [N, n]: 1 where the expert is among the row's top k. (Summing the int32 one-hot over axis 1
        // hits a tfjs-webgpu 4.22 bug: its int32 transpose shader fails to compile.)
        const oh = tf.cast(tf.oneHot(tf.reshape(gi, [N * k]), n), 'float32');
        const selected = tf.unsortedSegmentSum(oh, rowOfFlat, N);
        const kth = tf.slice(top.values, [0, k - 1], [N, 1]);
        const k1th = tf.slice(top.values, [0, Math.min(k, n - 1)], [N, 1]);
        const thr = tf.where(tf.greater(selected, 0), tf.broadcastTo(k1th, [N, n]), tf.broadcastTo(kth, [N, n]));
        const z = tf.div(tf.sub(clean, thr), sigma);
        const phi = tf.mul(0.5, tf.add(1, tf.erf(tf.div(z, Math.SQRT2))));
        const load = tf.sum(phi, 0);
        const aux = tf.add(tf.mul(wImp, cv2(importance as import('@tensorflow/tfjs-core').Tensor1D)), tf.mul(wLoad, cv2(load as import('@tensorflow/tfjs-core').Tensor1D)));
        return { gi, gates: tf.reshape(gates, [N * k]), aux: training ? aux : tf.scalar(0) };
      });
      // ---- routing on the host: one readback of the top-k indices, counting sort by expert ----
      const idx = (await t.wait(g.gi.data())) as Int32Array;
      const counts = new Int32Array(n + 1);
      for (let i = 0; i < N * k; i++) counts[idx[i]! + 1]!++;
      for (let e = 0; e < n; e++) counts[e + 1]! += counts[e]!;
      const slotOf = new Int32Array(N * k); // expert-ordered slot → flat (row, j)
      const fill = counts.slice(0, n);
      for (let i = 0; i < N * k; i++) slotOf[fill[idx[i]!]!++] = i;
      const rowOf = slotOf.map((i) => Math.floor(i / k));
      // ---- experts: gather → matMul → relu → matMul, gate-scaled, scatter-add ----
      const loss = tf.tidy(() => {
        const outs: import('@tensorflow/tfjs-core').Tensor[] = [];
        for (let e = 0; e < n; e++) {
          const a = counts[e]!;
          const b = counts[e + 1]!;
          if (a === b) continue;
          const rows = tf.tensor1d(rowOf.subarray(a, b), 'int32');
          const flat = tf.tensor1d(slotOf.subarray(a, b), 'int32');
          const h = tf.relu(tf.add(tf.matMul(tf.gather(x, rows), w1[e]!), b1[e]!));
          const y = tf.add(tf.matMul(h, w2[e]!), b2[e]!);
          outs.push(tf.mul(y, tf.reshape(tf.gather(g.gates, flat), [b - a, 1])));
        }
        const ySlots = tf.concat(outs, 0);
        const out = tf.unsortedSegmentSum(ySlots, tf.tensor1d(rowOf, 'int32'), N); // [N, D]
        const ySum = tf.sum(out);
        return tf.stack([tf.add(ySum, g.aux), ySum]);
      });
      const v = await t.wait(loss.data());
      tf.dispose([x, g.gi, g.gates, g.aux, loss]);
      return { loss: v[0]!, ySum: v[1]! };
    },
    dispose: () => tf.dispose(params),
  };
}

/** Prepares C = A·B at size³ in tfjs; each call runs one matMul and awaits `c.data()`. */
export function prepareTfjsMatmul(t: TfjsContext, size: number, a: Float32Array, b: Float32Array): { run(): Promise<void>; dispose(): void } {
  const { tf } = t;
  const A = tf.tensor2d(a, [size, size]);
  const B = tf.tensor2d(b, [size, size]);
  return {
    async run() {
      const c = tf.matMul(A, B);
      await t.wait(c.data());
      c.dispose();
    },
    dispose: () => tf.dispose([A, B]),
  };
}
