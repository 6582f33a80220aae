/**
 * Checkpoints: safetensors round trip bit-exact (NaN payloads, −0, subnormals, i32 extremes, 0-d
 * and empty tensors) with the moec metadata; the atomic write keeps the previous file when a write
 * fails midway (injected failing write) and leaves no temporary file; and every kind of bad file —
 * truncated, header not JSON, unknown dtype, offsets out of range or overlapping, foreign file,
 * tensors disagreeing with the model — fails with a CheckpointError naming the file and the problem.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Tensor } from '../../ir/tensor.ts';
import { tensorType } from '../../ir/types.ts';
import {
  CheckpointError,
  decodeSafetensors,
  encodeSafetensors,
  loadCheckpoint,
  saveCheckpoint,
  writeFileAtomic,
  type CheckpointMeta,
} from '../../runtime/checkpoint.ts';

function f32(shape: number[], values: number[] | Float32Array): Tensor {
  return { type: tensorType('f32', shape), data: Float32Array.from(values) };
}

/** f32 values with tricky bit patterns: a NaN with a payload, −0, a subnormal, ±∞, max float. */
function trickyF32(): Float32Array {
  const bits = new Uint32Array([0x7fc01234, 0x80000000, 0x00000001, 0x7f800000, 0xff800000, 0x7f7fffff, 0x3f800000, 0xbeaaaaab]);
  return new Float32Array(bits.buffer);
}

function tensors(): Record<string, Tensor> {
  const big = new Float32Array(20).map((_, i) => Math.sin(i) * 1e-3);
  return {
    'emb.table': f32([2, 4], trickyF32()),
    'lstm0.w': { type: tensorType('f32', [3, 5]), data: big.subarray(5) }, // a view with a byte offset
    'opt.step': { type: tensorType('i32', []), data: Int32Array.of(-2147483648) },
    'opt.counts': { type: tensorType('i32', [3]), data: Int32Array.of(2147483647, 0, -1) },
    'empty': f32([0, 3], []),
  };
}

const meta: CheckpointMeta = {
  modelFile: 'examples/lstm-moe-lm.ts',
  modelOptions: { vocab: 10002, width: 64, experts: 16, k: 4, T: 8, B: 8 },
  vocabulary: { format: 'moec.vocabulary/1', tokens: ['<unk>', '<eos>', 'the', "don't", 'ünïcode "quoted"'] },
  step: 1234,
  seed: 7,
  optimizer: { kind: 'adam', lr: 1e-3, beta1: 0.9, beta2: 0.999 },
  dataPosition: { corpus: 'sotu', split: 'train', T: 8, B: 8, batch: 1234 },
};

const bytesOf = (t: Tensor) => Array.from(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'moec-ckpt-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('checkpoint round trip', () => {
  it('restores tensors bit for bit and the metadata', () => {
    const file = join(dir, 'a.safetensors');
    const src = tensors();
    saveCheckpoint(file, src, meta);
    const ck = loadCheckpoint(file, { expect: Object.fromEntries(Object.entries(src).map(([n, t]) => [n, t.type])) });
    expect(Object.keys(ck.tensors).sort()).toEqual(Object.keys(src).sort());
    for (const [name, t] of Object.entries(src)) {
      expect(ck.tensors[name]!.type).toEqual(t.type);
      expect(ck.tensors[name]!.data.constructor).toBe(t.data.constructor);
      expect(bytesOf(ck.tensors[name]!)).toEqual(bytesOf(t));
    }
    expect(ck.meta).toEqual(meta);
    expect(ck.metadata['moec.format']).toBe('moec-checkpoint/1');
    expect(Object.values(ck.metadata).every((v) => typeof v === 'string')).toBe(true);
  });

  it('writes the safetensors layout: u64 LE header length (multiple of 8), JSON header, data', () => {
    const bytes = encodeSafetensors({ x: f32([2], [1, -2]) }, { k: 'v' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header).toEqual({ __metadata__: { k: 'v' }, x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } });
    expect(Array.from(new Float32Array(bytes.slice(8 + n).buffer))).toEqual([1, -2]);
  });

  it('rounds Float64Array storage to f32', () => {
    const d = decodeSafetensors(encodeSafetensors({ x: { type: tensorType('f32', [1]), data: Float64Array.of(0.1) } }, {}), 'mem');
    expect(d.tensors.x!.data).toEqual(Float32Array.of(0.1));
  });
});

describe('atomic write', () => {
  it('leaves the previous checkpoint intact and no temporary file when a write fails midway', () => {
    const file = join(dir, 'ck.safetensors');
    saveCheckpoint(file, tensors(), meta);
    const before = readFileSync(file);
    let calls = 0;
    const failing = {
      writeSync: (_fd: number, _buf: Uint8Array, _off: number, len: number) => {
        if (++calls > 1) throw new Error('ENOSPC: no space left on device (simulated)');
        return Math.max(1, Math.floor(len / 2)); // a short first write, then failure
      },
    };
    expect(() => saveCheckpoint(file, tensors(), { ...meta, step: 9999 }, failing)).toThrow(CheckpointError);
    expect(() => saveCheckpoint(file, tensors(), { ...meta, step: 9999 }, failing)).toThrow(/ck\.safetensors: write failed, previous file left as it was: ENOSPC/);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['ck.safetensors']);
    expect(loadCheckpoint(file).meta.step).toBe(1234);
  });

  it('replaces the file when the write succeeds', () => {
    const file = join(dir, 'ck.safetensors');
    writeFileAtomic(file, Uint8Array.of(1, 2, 3));
    saveCheckpoint(file, tensors(), { ...meta, step: 5 });
    expect(loadCheckpoint(file).meta.step).toBe(5);
    expect(readdirSync(dir)).toEqual(['ck.safetensors']);
  });

  it('fails with the file name when the directory does not exist', () => {
    expect(() => writeFileAtomic(join(dir, 'missing', 'x.safetensors'), Uint8Array.of(1))).toThrow(/missing\/x\.safetensors: write failed/);
  });
});

describe('corrupt and foreign files', () => {
  /** Writes a safetensors file with a hand-made header (padded) and data section. */
  function craft(name: string, header: unknown, data: Uint8Array = new Uint8Array(0), rawHeader?: string): string {
    const h = new TextEncoder().encode(rawHeader ?? JSON.stringify(header));
    const out = new Uint8Array(8 + h.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    out.set(data, 8 + h.length);
    const file = join(dir, name);
    writeFileSync(file, out);
    return file;
  }
  const ours = { 'moec.format': 'moec-checkpoint/1' };
  const good = () => {
    const file = join(dir, 'good.safetensors');
    saveCheckpoint(file, tensors(), meta);
    return readFileSync(file);
  };
  const expectError = (file: string, re: RegExp, opts?: Parameters<typeof loadCheckpoint>[1]) => {
    let err: unknown;
    try {
      loadCheckpoint(file, opts);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as CheckpointError).file).toBe(file);
    expect((err as Error).message).toMatch(new RegExp(`^checkpoint ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    expect((err as Error).message).toMatch(re);
  };

  it('a file shorter than the header length', () => {
    const file = join(dir, 'tiny.safetensors');
    writeFileSync(file, Uint8Array.of(1, 2, 3));
    expectError(file, /truncated: 3 bytes/);
  });
  it('a file cut inside the header', () => {
    const file = join(dir, 'cut-header.safetensors');
    writeFileSync(file, good().subarray(0, 40));
    expectError(file, /truncated: the header is \d+ bytes but only 32 follow/);
  });
  it('a file cut inside the data', () => {
    const file = join(dir, 'cut-data.safetensors');
    const g = good();
    writeFileSync(file, g.subarray(0, g.length - 5));
    expectError(file, /out of range: the data section has \d+ bytes \(truncated file\?\)/);
  });
  it('a missing file', () => {
    expectError(join(dir, 'nope.safetensors'), /cannot be read: ENOENT/);
  });
  it('a header that is not JSON', () => {
    expectError(craft('notjson.safetensors', null, undefined, '{"x": [1, 2'), /the header is not JSON/);
    expectError(craft('array.safetensors', [1, 2]), /the header is not a JSON object/);
  });
  it('an unknown dtype', () => {
    const f = craft('f16.safetensors', { __metadata__: ours, w: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4));
    expectError(f, /tensor w: unknown dtype "F16" \(moec checkpoints hold only F32 and I32\)/);
  });
  it('offsets out of range, inconsistent with the shape, or overlapping', () => {
    const data = new Uint8Array(16);
    expectError(craft('range.safetensors', { __metadata__: ours, w: { dtype: 'F32', shape: [4], data_offsets: [8, 24] } }, data), /tensor w: data_offsets \[8, 24\] out of range: the data section has 16 bytes/);
    expectError(craft('size.safetensors', { __metadata__: ours, w: { dtype: 'F32', shape: [3], data_offsets: [0, 16] } }, data), /tensor w: data_offsets \[0, 16\] span 16 bytes but f32 \[3\] needs 12/);
    expectError(craft('order.safetensors', { __metadata__: ours, w: { dtype: 'F32', shape: [0], data_offsets: [8, 4] } }, data), /not \[begin, end\] with 0 ≤ begin ≤ end/);
    expectError(
      craft('overlap.safetensors', { __metadata__: ours, a: { dtype: 'F32', shape: [3], data_offsets: [0, 12] }, b: { dtype: 'I32', shape: [2], data_offsets: [8, 16] } }, data),
      /tensors a \[0, 12\] and b \[8, 16\] have overlapping data_offsets/,
    );
  });
  it('a foreign safetensors file (no moec.format) or another format version', () => {
    const foreign = join(dir, 'foreign.safetensors');
    writeFileSync(foreign, encodeSafetensors({ w: f32([1], [1]) }, { format: 'pt' }));
    expectError(foreign, /not a moec checkpoint: the metadata has no moec\.format key/);
    expectError(craft('v9.safetensors', { __metadata__: { 'moec.format': 'moec-checkpoint/9' } }), /unsupported checkpoint format "moec-checkpoint\/9"/);
    expectError(craft('partial.safetensors', { __metadata__: ours }), /metadata key moec\.model_file is missing/);
  });
  it('tensors that disagree with the model', () => {
    const file = join(dir, 'model.safetensors');
    saveCheckpoint(file, tensors(), meta);
    const expected = Object.fromEntries(Object.entries(tensors()).map(([n, t]) => [n, t.type]));
    expectError(file, /tensor lstm0\.w is F32 \[3, 5\] but the model expects F32 \[5, 3\]/, { expect: { ...expected, 'lstm0.w': tensorType('f32', [5, 3]) } });
    expectError(file, /tensor opt\.step is I32 \[\] but the model expects F32 \[\]/, { expect: { ...expected, 'opt.step': tensorType('f32', []) } });
    expectError(file, /tensor moe0\.wGate \(F32 \[64, 16\]\) expected by the model is missing/, { expect: { ...expected, 'moe0.wGate': tensorType('f32', [64, 16]) } });
    // A checkpoint from before per-expert bias-bank state: the error says why optimizer state differs.
    expectError(file, /tensor opt\.last:moe0\.b1 \(I32 \[8\]\) expected by the model is missing \(optimizer state of another --optimizer, or of a moec before .*opt\.last \[n\]/, { expect: { ...expected, 'opt.last:moe0.b1': tensorType('i32', [8]) } });
    const { empty: _empty, ...fewer } = expected;
    expectError(file, /tensors not in the model: empty/, { expect: fewer });
  });
});
