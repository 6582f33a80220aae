/**
 * The moec checkpoint format without the file system: safetensors encoding and validated decoding
 * from bytes, and the checkpoint's metadata (what it records besides the tensors, validated as data:
 * the stored IR goes through the IR verifier). runtime/checkpoint.ts reads and writes the files
 * (atomically, without reading a file whole); a browser decodes a fetched checkpoint with
 * `decodeSafetensors` + `checkpointFromContent`. Imports nothing from Node. The format itself is
 * described at the top of runtime/checkpoint.ts.
 */
import type { Graph } from '../ir/graph.ts';
import { graphFromJson, graphToJson } from '../ir/json.ts';
import type { Tensor } from '../ir/tensor.ts';
import { formatShape, numel, tensorType, type DType, type TensorType } from '../ir/types.ts';

/** Value of the `moec.format` metadata key of the checkpoints this module writes. */
export const CHECKPOINT_FORMAT = 'moec-checkpoint/1';

/** A checkpoint file or its content failed validation; `file` and `problem` say where and what. */
export class CheckpointError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`checkpoint ${file}: ${problem}`);
    this.name = 'CheckpointError';
  }
}

/** The content of a safetensors file: tensors by name and the string metadata. */
export interface SafetensorsContent {
  readonly tensors: Record<string, Tensor>;
  readonly metadata: Record<string, string>;
}

const DTYPE_TAG: Record<DType, string> = { f32: 'F32', i32: 'I32' };
const TAG_DTYPE: Record<string, DType> = { F32: 'f32', I32: 'i32' };
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Little-endian bytes of a tensor's elements (f32 or i32, 4 bytes each); bit-exact for f32/i32 storage. */
function tensorBytes(t: Tensor): Uint8Array {
  const data = t.type.dtype === 'f32' && !(t.data instanceof Float32Array) ? Float32Array.from(t.data) : t.data;
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Int32Array) view.setInt32(i * 4, data[i]!, true);
    else view.setFloat32(i * 4, data[i]!, true);
  }
  return out;
}

/**
 * Serialises tensors and string metadata as safetensors bytes (tensors in name order, header padded
 * to a multiple of 8 bytes). Throws when a tensor's storage does not hold its element count.
 */
export function encodeSafetensors(tensors: Readonly<Record<string, Tensor>>, metadata: Readonly<Record<string, string>>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { ...metadata } };
  const names = Object.keys(tensors).sort();
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__') throw new Error('encodeSafetensors: "__metadata__" is reserved and cannot name a tensor');
    const t = tensors[name]!;
    if (t.data.length !== numel(t.type.shape)) throw new Error(`encodeSafetensors: tensor ${name} of shape ${formatShape(t.type.shape)} holds ${t.data.length} elements`);
    const bytes = tensorBytes(t);
    header[name] = { dtype: DTYPE_TAG[t.type.dtype], shape: [...t.type.shape], data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  const raw = new TextEncoder().encode(json);
  const padded = Math.ceil(raw.length / 8) * 8;
  json += ' '.repeat(padded - raw.length);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Largest header moec reads (the JSON header holds the metadata, including the model's IR). */
const MAX_HEADER_BYTES = 64 * 1024 * 1024;
/** Most tensors a checkpoint may hold (a moec checkpoint has tens to a few hundred). */
const MAX_TENSORS = 100_000;

/** One validated header entry: where a tensor's bytes are in the data section. */
export interface TensorEntry {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: number[];
  readonly count: number;
  readonly begin: number;
  readonly end: number;
}

/** A fully validated header: nothing is allocated for the data until this exists. */
export interface HeaderPlan {
  readonly metadata: Record<string, string>;
  readonly entries: TensorEntry[];
}

/** The key every tensor entry has, as bytes (counted before the header is decoded). */
const DATA_OFFSETS = new TextEncoder().encode('data_offsets');

/** First index ≥ `from` where `needle` occurs in `hay`, or -1. */
function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  outer: for (let i = hay.indexOf(first, from); i >= 0 && i + needle.length <= hay.length; i = hay.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Validates a safetensors header completely before any tensor is allocated: the entry count (counted
 * in the raw text before parsing), every dtype, shape (elements × 4 bytes must equal the span, no
 * overflow), span inside the data section of `dataLength` bytes, spans ascending, not overlapping
 * and covering the data section with no hole.
 */
export function parseHeader(headerBytes: Uint8Array, dataLength: number, file: string): HeaderPlan {
  const fail = (problem: string): never => {
    throw new CheckpointError(file, problem);
  };
  // Count entries in the raw bytes before decoding or parsing: a hostile header of many tiny
  // entries is refused before JSON.parse allocates an object for each.
  let approx = 0;
  for (let at = indexOfBytes(headerBytes, DATA_OFFSETS, 0); at >= 0; at = indexOfBytes(headerBytes, DATA_OFFSETS, at + DATA_OFFSETS.length)) {
    if (++approx > MAX_TENSORS) fail(`the header declares more than ${MAX_TENSORS} tensors; refusing to read it`);
  }
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch (e) {
    fail(`the header is not UTF-8 text (${(e as Error).message}); not a safetensors file`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`the header is not JSON (${(e as Error).message}); not a safetensors file`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) fail('the header is not a JSON object');
  const raw = header as Record<string, unknown>;
  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  const rawMeta = raw.__metadata__;
  if (rawMeta !== undefined) {
    if (!rawMeta || typeof rawMeta !== 'object' || Array.isArray(rawMeta)) fail('__metadata__ is not an object of strings');
    for (const [k, v] of Object.entries(rawMeta as Record<string, unknown>)) {
      if (typeof v !== 'string') fail(`metadata ${k} is not a string`);
      metadata[k] = v as string;
    }
  }
  const entries: TensorEntry[] = [];
  for (const [name, e] of Object.entries(raw)) {
    if (name === '__metadata__') continue;
    const info = e as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (!info || typeof info !== 'object' || Array.isArray(info)) fail(`tensor ${name}: header entry is not an object`);
    const dtype = typeof info!.dtype === 'string' && Object.hasOwn(TAG_DTYPE, info!.dtype) ? TAG_DTYPE[info!.dtype] : undefined;
    if (!dtype) fail(`tensor ${name}: unknown dtype ${JSON.stringify(info!.dtype)} (moec checkpoints hold only F32 and I32)`);
    const shape = info!.shape;
    if (!Array.isArray(shape) || shape.length > 16 || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) fail(`tensor ${name}: shape ${JSON.stringify(shape)} is not a list of at most 16 non-negative integers`);
    const offs = info!.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || offs.some((o) => !Number.isSafeInteger(o) || o < 0) || offs[0] > offs[1]) {
      fail(`tensor ${name}: data_offsets ${JSON.stringify(offs)} is not [begin, end] with 0 ≤ begin ≤ end`);
    }
    const [begin, end] = offs as [number, number];
    let count = 1;
    for (const d of shape as number[]) {
      count *= d;
      if (count * 4 > dataLength) break; // cannot fit: reported below without overflowing
    }
    if (end - begin !== count * 4) fail(`tensor ${name}: data_offsets [${begin}, ${end}] span ${end - begin} bytes but ${dtype} ${formatShape(shape as number[])} needs ${count * 4 > dataLength ? `more than the ${dataLength} bytes of the data section` : count * 4}`);
    if (end > dataLength) fail(`tensor ${name}: data_offsets [${begin}, ${end}] out of range: the data section has ${dataLength} bytes (truncated file?)`);
    entries.push({ name, dtype: dtype!, shape: shape as number[], count, begin, end });
  }
  const spans = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const s of spans) {
    if (s.begin < covered) {
      const p = spans.find((q) => q !== s && q.begin < s.end && s.begin < q.end) ?? s;
      fail(`tensors ${p.name} [${p.begin}, ${p.end}] and ${s.name} [${s.begin}, ${s.end}] have overlapping data_offsets`);
    }
    if (s.begin > covered) fail(`bytes [${covered}, ${s.begin}) of the data section belong to no tensor (a hole before ${s.name})`);
    covered = s.end;
  }
  if (covered !== dataLength) fail(`bytes [${covered}, ${dataLength}) at the end of the data section belong to no tensor`);
  return { metadata, entries };
}

/** A tensor's elements from its little-endian bytes (a fresh buffer the tensor owns). */
export function tensorFromBytes(e: TensorEntry, bytes: Uint8Array): Tensor {
  let data: Float32Array | Int32Array;
  if (LITTLE_ENDIAN_HOST && bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length) {
    data = e.dtype === 'i32' ? new Int32Array(bytes.buffer, 0, e.count) : new Float32Array(bytes.buffer, 0, e.count);
  } else {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    data = e.dtype === 'i32' ? new Int32Array(e.count) : new Float32Array(e.count);
    for (let i = 0; i < e.count; i++) data[i] = e.dtype === 'i32' ? dv.getInt32(i * 4, true) : dv.getFloat32(i * 4, true);
  }
  return { type: tensorType(e.dtype, e.shape), data };
}

/** The header length of safetensors bytes, checked against the cap and the bytes that follow. */
export function headerLength(first8: Uint8Array, available: number, file: string): number {
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(available)) throw new CheckpointError(file, `truncated: the header is ${n} bytes but only ${available} follow the header length (or this is not a safetensors file)`);
  if (n > BigInt(MAX_HEADER_BYTES)) throw new CheckpointError(file, `the header is ${n} bytes, more than moec's limit of ${MAX_HEADER_BYTES}; refusing to read it`);
  return Number(n);
}

/**
 * Parses and validates safetensors bytes (`file` names the source in errors); the whole header is
 * validated before any tensor is copied out.
 */
export function decodeSafetensors(bytes: Uint8Array, file: string): SafetensorsContent {
  if (bytes.length < 8) throw new CheckpointError(file, `truncated: ${bytes.length} bytes, shorter than the 8-byte header length`);
  const n = headerLength(bytes.subarray(0, 8), bytes.length - 8, file);
  const dataStart = 8 + n;
  const plan = parseHeader(bytes.subarray(8, dataStart), bytes.length - dataStart, file);
  const tensors: Record<string, Tensor> = Object.create(null) as Record<string, Tensor>;
  for (const e of plan.entries) {
    const copy = new Uint8Array(e.end - e.begin); // a fresh, aligned buffer (a subarray would share the file's memory)
    copy.set(bytes.subarray(dataStart + e.begin, dataStart + e.end));
    tensors[e.name] = tensorFromBytes(e, copy);
  }
  return { tensors: { ...tensors }, metadata: { ...plan.metadata } };
}

/** What a moec checkpoint records besides the tensors. */
export interface CheckpointMeta {
  /** Path of the model's DSL file, as given to the trainer (information only: never imported). */
  readonly modelFile: string;
  /**
   * The traced model as IR (`graphToJson`): what `eval` and `--resume` rebuild the model from, so
   * a checkpoint is data only. Absent in checkpoints of older moec versions.
   */
  readonly graph?: Graph;
  /**
   * The same model traced at one token per step (T = B = 1) as IR: what generation compiles, so
   * `moec generate` needs no code either. Absent when the model cannot be traced that way (e.g.
   * strictly balanced gating needs several rows) and in checkpoints of older moec versions.
   */
  readonly generationGraph?: Graph;
  /** The model file's source text when it was trained (information only: never executed). */
  readonly modelSource?: string;
  /** The model options (its `defaults` with overrides applied); any JSON value. */
  readonly modelOptions: unknown;
  /** The vocabulary (its JSON form, see `vocabularyToJson`); any JSON value. */
  readonly vocabulary: unknown;
  /** Number of training steps done (the next step to run). */
  readonly step: number;
  /** Seed of initialisation, noise and dropout. */
  readonly seed: number;
  /** Optimizer configuration (kind, learning rate, betas, …); any JSON value. */
  readonly optimizer: unknown;
  /** Where the data iterator resumes (e.g. `{ corpus, split, T, B, batch }`); any JSON value. */
  readonly dataPosition: unknown;
}

/** Metadata keys of a moec checkpoint. */
const METADATA_KEYS = {
  format: 'moec.format',
  modelFile: 'moec.model_file',
  modelOptions: 'moec.model_options',
  vocabulary: 'moec.vocabulary',
  step: 'moec.step',
  seed: 'moec.seed',
  optimizer: 'moec.optimizer',
  dataPosition: 'moec.data_position',
} as const;

/** Optional metadata keys: the model's IR (JSON) and its source text (information only). */
const OPTIONAL_METADATA_KEYS = { graph: 'moec.graph', generationGraph: 'moec.generation_graph', modelSource: 'moec.model_source' } as const;

/** The string metadata of a checkpoint (JSON for structured values, decimal for numbers). */
export function checkpointMetadata(meta: CheckpointMeta): Record<string, string> {
  for (const k of ['step', 'seed'] as const) {
    if (!Number.isSafeInteger(meta[k])) throw new Error(`checkpoint metadata: ${k} must be an integer, got ${meta[k]}`);
  }
  return {
    [METADATA_KEYS.format]: CHECKPOINT_FORMAT,
    [METADATA_KEYS.modelFile]: meta.modelFile,
    [METADATA_KEYS.modelOptions]: JSON.stringify(meta.modelOptions ?? null),
    [METADATA_KEYS.vocabulary]: JSON.stringify(meta.vocabulary ?? null),
    [METADATA_KEYS.step]: String(meta.step),
    [METADATA_KEYS.seed]: String(meta.seed),
    [METADATA_KEYS.optimizer]: JSON.stringify(meta.optimizer ?? null),
    [METADATA_KEYS.dataPosition]: JSON.stringify(meta.dataPosition ?? null),
    ...(meta.graph ? { [OPTIONAL_METADATA_KEYS.graph]: JSON.stringify(graphToJson(meta.graph)) } : {}),
    ...(meta.generationGraph ? { [OPTIONAL_METADATA_KEYS.generationGraph]: JSON.stringify(graphToJson(meta.generationGraph)) } : {}),
    ...(meta.modelSource !== undefined ? { [OPTIONAL_METADATA_KEYS.modelSource]: meta.modelSource } : {}),
  };
}

/** A loaded checkpoint. */
export interface Checkpoint {
  readonly tensors: Record<string, Tensor>;
  readonly meta: CheckpointMeta;
  /** The raw string metadata (including keys of other writers, if any). */
  readonly metadata: Record<string, string>;
}

/** Options of `loadCheckpoint`. */
export interface LoadCheckpointOptions {
  /**
   * The model's persistent tensors (parameters and optimizer state) by name: every one must be in
   * the file with this dtype and shape, and the file must hold no other tensor.
   */
  readonly expect?: Readonly<Record<string, TensorType>>;
}

/** The checkpoint's IR, validated (format, every node's params and types, the verifier) as data. */
function storedGraph(text: string, fail: (problem: string) => never, key: string = OPTIONAL_METADATA_KEYS.graph): Graph {
  try {
    return graphFromJson(text);
  } catch (e) {
    return fail(`metadata ${key} is not a valid moec IR graph: ${(e as Error).message}`);
  }
}

/**
 * Validates decoded safetensors content as a moec checkpoint (`file` names the source in errors):
 * format key, metadata, the stored IR as data, and with `opts.expect` every tensor's dtype and shape.
 */
export function checkpointFromContent(content: SafetensorsContent, file: string, opts: LoadCheckpointOptions = {}): Checkpoint {
  const { tensors, metadata } = content;
  const fail = (problem: string): never => {
    throw new CheckpointError(file, problem);
  };
  const format = metadata[METADATA_KEYS.format];
  if (format === undefined) fail(`not a moec checkpoint: the metadata has no ${METADATA_KEYS.format} key (a safetensors file from another program?)`);
  if (format !== CHECKPOINT_FORMAT) fail(`unsupported checkpoint format ${JSON.stringify(format)}; this moec reads ${CHECKPOINT_FORMAT}`);
  for (const key of Object.values(METADATA_KEYS)) if (metadata[key] === undefined) fail(`metadata key ${key} is missing`);
  const json = (key: string): unknown => {
    try {
      return JSON.parse(metadata[key]!);
    } catch (e) {
      return fail(`metadata ${key} is not JSON: ${(e as Error).message}`);
    }
  };
  const int = (key: string): number => {
    const s = metadata[key]!;
    return /^-?\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : fail(`metadata ${key} = ${JSON.stringify(s)} is not an integer`);
  };
  const meta: CheckpointMeta = {
    modelFile: metadata[METADATA_KEYS.modelFile]!,
    modelOptions: json(METADATA_KEYS.modelOptions),
    vocabulary: json(METADATA_KEYS.vocabulary),
    step: int(METADATA_KEYS.step),
    seed: int(METADATA_KEYS.seed),
    optimizer: json(METADATA_KEYS.optimizer),
    dataPosition: json(METADATA_KEYS.dataPosition),
    ...(metadata[OPTIONAL_METADATA_KEYS.graph] !== undefined ? { graph: storedGraph(metadata[OPTIONAL_METADATA_KEYS.graph]!, fail) } : {}),
    ...(metadata[OPTIONAL_METADATA_KEYS.generationGraph] !== undefined
      ? { generationGraph: storedGraph(metadata[OPTIONAL_METADATA_KEYS.generationGraph]!, fail, OPTIONAL_METADATA_KEYS.generationGraph) }
      : {}),
    ...(metadata[OPTIONAL_METADATA_KEYS.modelSource] !== undefined ? { modelSource: metadata[OPTIONAL_METADATA_KEYS.modelSource]! } : {}),
  };
  if (opts.expect) {
    // Optimizer state also changes with the optimizer's semantics: since 2026-11-29 factored Adam
    // keeps an expert bias bank's state per expert (passes/optimizer.ts).
    const why = (name: string) =>
      name.startsWith('opt.')
        ? ' (optimizer state of another --optimizer, or of a moec before factored Adam kept per-expert state for expert bias banks: opt.vr [n,1], opt.vc [n,H], opt.last [n]; `moec eval` still reads its parameters)'
        : '';
    for (const [name, type] of Object.entries(opts.expect)) {
      const t = Object.hasOwn(tensors, name) ? tensors[name] : undefined;
      if (!t) fail(`tensor ${name} (${DTYPE_TAG[type.dtype]} ${formatShape(type.shape)}) expected by the model is missing${why(name)}`);
      const shapeOk = t!.type.shape.length === type.shape.length && t!.type.shape.every((d, i) => d === type.shape[i]);
      if (t!.type.dtype !== type.dtype || !shapeOk) {
        fail(`tensor ${name} is ${DTYPE_TAG[t!.type.dtype]} ${formatShape(t!.type.shape)} but the model expects ${DTYPE_TAG[type.dtype]} ${formatShape(type.shape)}${why(name) || ' (checkpoint of another model or other options?)'}`);
      }
    }
    const extra = Object.keys(tensors).filter((n) => !Object.hasOwn(opts.expect!, n));
    if (extra.length > 0) fail(`tensors not in the model: ${extra.join(', ')} (checkpoint of another model or other options?)`);
  }
  return { tensors, meta, metadata };
}
