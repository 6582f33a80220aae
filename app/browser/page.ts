/**
 * The script of a `moec bundle` page (bundled by esbuild into `moec-page.js`): fetches `data.json`,
 * takes a device from `navigator.gpu` (or shows why it cannot: no WebGPU, no adapter), and then
 * either compiles the bundled model and trains it on the bundled text — the loss and perplexity
 * curves and each MoE layer's expert-load heatmap (the report's SVG components,
 * runtime/report/line-chart.ts and heatmap.ts) redrawn after every step — or loads the bundled
 * checkpoint; both sample text from the prompt box. The same operations are exposed as
 * `globalThis.moecPage` (ready, forward, train, sample) for scripts and for the real-browser test.
 * The page's state is in `#status[data-state]`: loading, ready, training, sampling, error, no-webgpu.
 */
/// <reference types="@webgpu/types" preserve="true" />
import type { Tensor } from '../../ir/tensor.ts';
import { acquireBrowserDevice } from '../../runtime/browser-device.ts';
import type { DeviceContext } from '../../runtime/device-context.ts';
import { renderHeatmap } from '../../runtime/report/heatmap.ts';
import { renderLineChart } from '../../runtime/report/line-chart.ts';
import { fmtNum } from '../../runtime/report/format.ts';
import type { TrainRecord } from '../../runtime/train-loop.ts';
import type { GenerateOptions, LanguageModel } from '../generate/model-from-checkpoint.ts';
import { parseBundleData, type Bundle } from './bundle-data.ts';
import { checkpointSession, trainSession, type ForwardResult, type TrainSession } from './session.ts';

/** The little of the DOM this page uses (the project compiles without the DOM library). */
interface El {
  textContent: string | null;
  innerHTML: string;
  hidden: boolean;
  value: string;
  disabled: boolean;
  setAttribute(name: string, value: string): void;
  addEventListener(type: string, f: () => void): void;
}
interface Doc {
  getElementById(id: string): El | null;
}
const doc = (globalThis as unknown as { document: Doc }).document;
const el = (id: string): El => {
  const e = doc.getElementById(id);
  if (!e) throw new Error(`the page has no #${id} element (index.html and moec-page.js are from different moec versions?)`);
  return e;
};

/** What `globalThis.moecPage` offers. */
export interface PageApi {
  /** Resolves when the model is compiled (or the checkpoint loaded); rejects with the reason it cannot run. */
  readonly ready: Promise<{ kind: 'train' | 'checkpoint'; model: string; adapter: string; moeLayers: readonly string[] }>;
  /** One forward pass on bundled batch `batch` with the given parameters (plain arrays by name) or the seed's. */
  forward(r: { params?: Record<string, number[]>; seed: number; step: number; training: boolean; batch?: number }): Promise<ForwardResult>;
  /** Trains `steps` steps (updating the charts) and returns their records. */
  train(steps: number): Promise<TrainRecord[]>;
  /** Samples a continuation of `prompt`. */
  sample(prompt: string, o?: GenerateOptions): Promise<string>;
}

const TRAIN_COLOR = '#1f6fb4';

function setState(state: string, text: string): void {
  const s = el('status');
  s.setAttribute('data-state', state);
  s.textContent = text;
}

function showError(state: 'error' | 'no-webgpu', message: string): void {
  setState(state, state === 'no-webgpu' ? 'WebGPU is not available in this browser.' : 'Something went wrong.');
  const e = el('error');
  e.textContent = message;
  e.hidden = false;
}

/** Redraws the curves, the heatmaps and the numbers from the records so far. */
function draw(session: TrainSession): void {
  const recs = session.records;
  el('fig-loss').innerHTML = renderLineChart({ id: 'loss', title: 'Training loss', xLabel: 'step', yLabel: 'loss (nats/token)', series: [{ name: 'train', color: TRAIN_COLOR, points: recs.map((r) => [r.step, r.loss]) }] });
  el('fig-ppl').innerHTML = renderLineChart({ id: 'ppl', title: 'Perplexity', xLabel: 'step', yLabel: 'perplexity', logY: true, series: [{ name: 'train', color: TRAIN_COLOR, points: recs.map((r) => [r.step, r.ppl]) }] });
  el('moe').innerHTML = session.moeLayers
    .map((layer) => {
      const heat = renderHeatmap({ id: `load-${layer}`, title: `Expert load share — ${layer}`, steps: recs.map((r) => r.step), loads: recs.map((r) => r.moe[layer]?.load ?? []) });
      const cv = renderLineChart({
        id: `cv-${layer}`, title: `CV² — ${layer}`, xLabel: 'step', yLabel: 'CV²',
        series: [
          { name: 'CV²(importance)', color: '#9467bd', points: recs.map((r) => [r.step, r.moe[layer]!.cvImportance]) },
          { name: 'CV²(load)', color: '#2ca02c', points: recs.map((r) => [r.step, r.moe[layer]!.cvLoad]) },
        ],
      });
      return `<div class="grid"><figure>${heat}<figcaption>Share of ${layer}'s load per expert (rows) at each step (columns).</figcaption></figure><figure>${cv}<figcaption>CV² of per-expert importance and load.</figcaption></figure></div>`;
    })
    .join('');
  const last = recs[recs.length - 1];
  const items: [string, string][] = last
    ? [['step', String(last.step)], ['loss', fmtNum(last.loss)], ['perplexity', fmtNum(last.ppl)], ['tokens/s', fmtNum(last.tokensPerSec)], ['tokens', String(last.tokens)]]
    : [['step', '0']];
  el('stats').innerHTML = items.map(([k, v]) => `<div class="stat"><b>${v}</b><span>${k}</span></div>`).join('');
}

async function start(): Promise<PageApi> {
  const fail = (): never => {
    throw new Error('the page is not ready (see the message on the page)');
  };
  let session: TrainSession | null = null;
  let lm: LanguageModel | null = null;
  let busy = false;
  let noWebGpu = false;
  const exclusive = async <T>(state: string, text: string, f: () => Promise<T>): Promise<T> => {
    if (busy) throw new Error('the page is busy (training or sampling); wait for it to finish');
    busy = true;
    el('train').disabled = true;
    el('sample').disabled = true;
    setState(state, text);
    try {
      return await f();
    } catch (e) {
      showError('error', (e as Error).message);
      throw e;
    } finally {
      busy = false;
      el('train').disabled = session === null;
      el('sample').disabled = session ? session.bundle.generationGraph === null : lm === null;
      if (el('status').textContent === text) setState('ready', session ? `Ready: ${session.step} steps trained.` : 'Ready.');
    }
  };
  const sample = (prompt: string, o: GenerateOptions = {}): Promise<string> =>
    exclusive('sampling', 'Sampling…', async () => {
      const out = el('sample-out');
      out.textContent = prompt;
      const text = await (session ? session.sample(prompt, { ...o, onToken: (w) => (out.textContent += ` ${w}`) }) : lm ? lm.generate(prompt, { ...o, onToken: (w) => (out.textContent += ` ${w}`) }) : fail());
      return text;
    });
  const train = (steps: number): Promise<TrainRecord[]> =>
    exclusive('training', `Training ${steps} steps…`, async () => {
      const s = session ?? fail();
      return s.train(steps, () => draw(s));
    });

  const ready = (async () => {
    setState('loading', 'Loading data.json…');
    const res = await fetch('data.json');
    if (!res.ok) throw new Error(`data.json: HTTP ${res.status} (serve the folder moec bundle wrote over http and open index.html from it)`);
    const bundle: Bundle = parseBundleData(await res.json(), 'data.json');
    el('title').textContent = `moec — ${bundle.model} in the browser`;
    let device: DeviceContext;
    try {
      device = await acquireBrowserDevice((globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu);
    } catch (e) {
      noWebGpu = true;
      showError('no-webgpu', (e as Error).message);
      throw e;
    }
    const adapter = device.info.description;
    if (bundle.kind === 'checkpoint') {
      setState('loading', `Loading ${bundle.checkpoint}…`);
      const r = await fetch(bundle.checkpoint);
      if (!r.ok) throw new Error(`${bundle.checkpoint}: HTTP ${r.status}`);
      lm = await checkpointSession(new Uint8Array(await r.arrayBuffer()), bundle.checkpoint, { kind: 'webgpu', device });
      el('train-ui').hidden = true;
      el('sample').disabled = false;
      setState('ready', `Ready: checkpoint of ${bundle.model} after ${bundle.step} steps, on ${adapter}.`);
      return { kind: 'checkpoint' as const, model: bundle.model, adapter, moeLayers: [] };
    }
    setState('loading', `Compiling ${bundle.model}…`);
    session = await trainSession(bundle, device);
    el('steps').value = String(bundle.steps);
    el('corpus').textContent = `${bundle.tokens.length} tokens of ${bundle.corpus.name} (of ${bundle.corpus.tokens} in its training split), vocabulary ${bundle.vocabulary.tokens.length}, T = ${bundle.options.T}, B = ${bundle.options.B}, ${bundle.optimizer.name} lr ${bundle.optimizer.lr}, seed ${bundle.seed}; adapter: ${adapter}`;
    draw(session);
    el('train').disabled = false;
    el('sample').disabled = bundle.generationGraph === null;
    setState('ready', `Ready: ${bundle.model} compiled (${session.trainPlan.steps.length} steps in the training plan).`);
    return { kind: 'train' as const, model: bundle.model, adapter, moeLayers: session.moeLayers };
  })();
  ready.catch((e: Error) => {
    if (!noWebGpu) showError('error', e.message);
  });

  el('train').addEventListener('click', () => void train(Number(el('steps').value)).catch(() => {}));
  el('sample').addEventListener('click', () => void sample(el('prompt').value, { tokens: 30, temperature: Number(el('temperature').value), seed: 1 }).catch(() => {}));

  return {
    ready,
    async forward(r) {
      await ready;
      const s = session ?? fail();
      const params: Record<string, Tensor> | undefined = r.params
        ? Object.fromEntries(
            Object.entries(r.params).map(([name, values]) => {
              const input = s.forwardPlan.inputs.find((i) => i.name === name && i.role === 'param');
              if (!input) throw new Error(`forward: '${name}' is not a parameter of the model`);
              const type = s.forwardPlan.buffers[input.buffer]!.type;
              return [name, { type, data: type.dtype === 'i32' ? Int32Array.from(values) : Float32Array.from(values) }];
            }),
          )
        : undefined;
      return s.forward({ ...(params ? { params } : {}), seed: r.seed, step: r.step, training: r.training, batch: r.batch ?? 0 });
    },
    train: async (steps) => {
      await ready;
      return train(steps);
    },
    sample: async (prompt, o) => {
      await ready;
      return sample(prompt, o);
    },
  };
}

const api = start();
(globalThis as { moecPage?: unknown }).moecPage = {
  ready: api.then((a) => a.ready),
  forward: async (r: Parameters<PageApi['forward']>[0]) => (await api).forward(r),
  train: async (steps: number) => (await api).train(steps),
  sample: async (prompt: string, o?: GenerateOptions) => (await api).sample(prompt, o),
};
