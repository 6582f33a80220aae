/**
 * Run-time checks of the arguments every DSL layer receives. Model files are often run by the CLI
 * without a type check, so a misspelt option (`wImportanse`) or a wrong argument kind
 * (`residual(h, moe(h, …))`, a number where a tensor belongs) must fail at trace time with the
 * layer, what it got, the layer's signature and — for an unknown key — the nearest valid key.
 * The knowledge lives in one table, `LAYER_ARGS`, keyed by layer: its signature and the kind of
 * every option it accepts.
 */
import type { Tensor } from './builder.ts';

/** The kind of value an option takes. */
export type OptionKind = 'number' | 'boolean' | 'string' | 'number|pair';

/** What a layer accepts: its signature (for messages and docs) and its options' kinds. */
export interface LayerArgs {
  readonly signature: string;
  readonly options: Readonly<Record<string, OptionKind>>;
}

/** The layers with an options object. */
export type OptionLayer = 'embedding' | 'lstm' | 'dense' | 'dropout' | 'moe';

/** Every layer's signature and option kinds. */
export const LAYER_ARGS: { readonly [L in OptionLayer]: LayerArgs } = {
  embedding: { signature: 'embedding(ids: Tensor<i32>, { vocab, width, name? })', options: { vocab: 'number', width: 'number', name: 'string' } },
  lstm: { signature: 'lstm(x: Tensor [T,B,D], { hidden, layers?, name? })', options: { hidden: 'number', layers: 'number', name: 'string' } },
  dense: { signature: 'dense(x: Tensor [..., D], { units, bias?, name? })', options: { units: 'number', bias: 'boolean', name: 'string' } },
  dropout: { signature: 'dropout(x: Tensor, { rate, name? })', options: { rate: 'number', name: 'string' } },
  moe: {
    signature: 'moe(x: Tensor [T,B,D], { experts, k, hidden, noisy?, eps?, wImportance?, wLoad?, residual?, balanced?, wThreshold?, name? })',
    options: {
      experts: 'number|pair',
      k: 'number|pair',
      hidden: 'number',
      noisy: 'boolean',
      eps: 'number',
      wImportance: 'number',
      wLoad: 'number',
      residual: 'boolean',
      balanced: 'boolean',
      wThreshold: 'number',
      name: 'string',
    },
  },
};

/** Signatures of the layers without an options object. */
export const OTHER_SIGNATURES = {
  residual: 'residual(x: Tensor, f: (x: Tensor) => Tensor, name?: string)',
  softmaxCrossEntropy: 'softmaxCrossEntropy(logits: Tensor [..., V], targets: Tensor<i32> [...], name?: string)',
} as const;

/** True when `x` is a traced tensor (the output of a layer or `ctx.input`). */
function isTensor(x: unknown): x is Tensor {
  return typeof x === 'object' && x !== null && 'ctx' in x && 'type' in x && typeof (x as { id?: unknown }).id === 'number';
}

/** A short description of a value for error messages. */
function describeValue(x: unknown): string {
  if (isTensor(x)) return `a tensor ${x.type.dtype}[${x.type.shape.join(',')}]`;
  if (x === null) return 'null';
  if (x === undefined) return 'nothing (undefined)';
  if (typeof x === 'function') return 'a function';
  if (Array.isArray(x)) return `an array [${x.slice(0, 4).map(String).join(', ')}${x.length > 4 ? ', …' : ''}]`;
  if (typeof x === 'object') return `an object { ${Object.keys(x).slice(0, 5).join(', ')} }`;
  return `${typeof x} ${JSON.stringify(x)}`;
}

/** Levenshtein distance (small strings: option names). */
function distance(a: string, b: string): number {
  const A = a.toLowerCase();
  const B = b.toLowerCase();
  let prev = Array.from({ length: B.length + 1 }, (_, j) => j);
  for (let i = 1; i <= A.length; i++) {
    const cur = [i];
    for (let j = 1; j <= B.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (A[i - 1] === B[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[B.length]!;
}

/** The candidate nearest to `word`, if it is close enough to be a likely typo. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function fail(layer: string, msg: string, signature: string): never {
  throw new Error(`${layer}: ${msg}; the signature is ${signature}`);
}

/** Checks that argument `what` of `layer` is a tensor. */
export function checkTensorArg(layer: string, what: string, x: unknown, signature: string): asserts x is Tensor {
  if (!isTensor(x)) fail(layer, `${what} must be a tensor (the output of a layer or ctx.input), got ${describeValue(x)}`, signature);
}

/**
 * Checks a layer call: `x` is a tensor and `opts` a plain object whose keys are all options of the
 * layer, each of the right kind. Integer ranges are left to the layer (it knows the shapes).
 */
export function checkLayerCall(layer: OptionLayer, x: unknown, opts: unknown): void {
  const { signature, options } = LAYER_ARGS[layer];
  checkTensorArg(layer, 'the first argument', x, signature);
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts) || isTensor(opts)) {
    fail(layer, `the second argument must be an options object, got ${describeValue(opts)}`, signature);
  }
  const named = typeof (opts as { name?: unknown }).name === 'string' ? ` '${(opts as { name: string }).name}'` : '';
  const valid = Object.keys(options);
  for (const [key, value] of Object.entries(opts)) {
    const kind = options[key];
    if (kind === undefined) {
      const near = didYouMean(key, valid);
      fail(`${layer}${named}`, `unknown option '${key}'${near ? ` (did you mean '${near}'?)` : ''}; valid options: ${valid.join(', ')}`, signature);
    }
    if (value === undefined) continue;
    const ok =
      kind === 'number|pair'
        ? typeof value === 'number' || (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number'))
        : typeof value === kind;
    if (!ok) {
      const want = kind === 'number|pair' ? 'a number (or a pair [a, b] for the hierarchical MoE)' : `a ${kind}`;
      fail(`${layer}${named}`, `option '${key}' must be ${want}, got ${describeValue(value)}`, signature);
    }
  }
}
