/**
 * Training checkpoints in the safetensors format, written and read here without a dependency: an
 * 8-byte little-endian header length n, an n-byte JSON header (padded with spaces to a multiple of
 * 8) mapping each tensor name to `{ dtype: "F32" | "I32", shape, data_offsets: [begin, end] }`
 * (byte offsets into the data section that follows) plus a `__metadata__` map of strings, then the
 * raw little-endian data. A moec checkpoint holds the parameters and optimizer state as tensors and,
 * as metadata, `moec.format` (which marks the file as ours), the model file's path and source text
 * (information only, never imported), the traced model IR (`moec.graph`, validated as data on
 * load), the model options, the vocabulary, the step, the seed, the optimizer config and the data
 * position (JSON strings). Reading validates the whole header before allocating any tensor (size
 * cap, entry count, dtypes, shape × 4 bytes = span, spans ascending, in range, without overlap or
 * hole) and refuses files that are not regular files, so a hostile file cannot exhaust memory. It is
 * written atomically — to `<file>.tmp-<pid>`, fsynced, then renamed over the target — so a crash or
 * failed write leaves the previous checkpoint intact. Reading throws a
 * `CheckpointError` naming the file and the problem: a truncated file, a header that is not JSON,
 * an unknown dtype, offsets out of range or overlapping, a foreign file (no `moec.format`), or a
 * tensor missing, extra or of another shape than the model expects. f32 tensors stored as
 * Float64Array (the reference at f64 precision) are rounded to f32 when written.
 */
import { closeSync, constants, fstatSync, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Tensor } from '../ir/tensor.ts';
import {
  checkpointFromContent,
  checkpointMetadata,
  CheckpointError,
  encodeSafetensors,
  headerLength,
  parseHeader,
  tensorFromBytes,
  type Checkpoint,
  type CheckpointMeta,
  type LoadCheckpointOptions,
  type SafetensorsContent,
} from './checkpoint-codec.ts';

export {
  CHECKPOINT_FORMAT,
  checkpointFromContent,
  CheckpointError,
  decodeSafetensors,
  encodeSafetensors,
  type Checkpoint,
  type CheckpointMeta,
  type LoadCheckpointOptions,
  type SafetensorsContent,
} from './checkpoint-codec.ts';

/**
 * Reads a safetensors file without reading it whole: refuses anything but a regular file (a device,
 * FIFO or directory), reads and validates the header (size cap, entries, spans), and only then
 * reads each tensor into its own buffer. Peak memory is about the data section's size.
 */
export function readSafetensorsFile(file: string): SafetensorsContent {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new CheckpointError(file, `cannot be read: ${(e as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new CheckpointError(file, `not a regular file (${st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'a special file'}); a checkpoint is a regular file`);
    const size = st.size;
    const readExact = (into: Uint8Array, position: number): void => {
      let at = 0;
      while (at < into.length) {
        const got = readSync(fd, into, at, into.length - at, position + at);
        if (got <= 0) throw new CheckpointError(file, `truncated: the file ended while reading (it changed while being read?)`);
        at += got;
      }
    };
    if (size < 8) throw new CheckpointError(file, `truncated: ${size} bytes, shorter than the 8-byte header length`);
    const first8 = new Uint8Array(8);
    readExact(first8, 0);
    const n = headerLength(first8, size - 8, file);
    const headerBytes = new Uint8Array(n);
    readExact(headerBytes, 8);
    const dataStart = 8 + n;
    const plan = parseHeader(headerBytes, size - dataStart, file);
    const tensors: Record<string, Tensor> = Object.create(null) as Record<string, Tensor>;
    for (const e of plan.entries) {
      const bytes = new Uint8Array(e.end - e.begin);
      readExact(bytes, dataStart + e.begin);
      tensors[e.name] = tensorFromBytes(e, bytes);
    }
    return { tensors: { ...tensors }, metadata: { ...plan.metadata } };
  } finally {
    closeSync(fd);
  }
}

/** The file-system writes `writeFileAtomic` makes (injectable to simulate a failure midway). */
export interface AtomicWriteIo {
  /** Writes `length` bytes of `buffer` from `offset` to `fd`; returns the bytes written (like `fs.writeSync`). */
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
}

const NODE_IO: AtomicWriteIo = { writeSync: (fd, buf, off, len) => writeSync(fd, buf, off, len) };

/**
 * Writes `bytes` to `file` atomically: to `<file>.tmp-<pid>`, fsync, rename over `file`, fsync the
 * directory (best effort). On any failure the temporary file is removed, `file` keeps its previous
 * content, and a `CheckpointError` naming the file is thrown.
 */
export function writeFileAtomic(file: string, bytes: Uint8Array, io: AtomicWriteIo = NODE_IO): void {
  const tmp = `${file}.tmp-${process.pid}`;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w', 0o644);
    let at = 0;
    while (at < bytes.length) {
      const n = io.writeSync(fd, bytes, at, bytes.length - at);
      if (!(n > 0)) throw new Error(`write returned ${n}`);
      at += n;
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        /* already failing; the original error is reported */
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* the temporary file may not exist */
    }
    throw new CheckpointError(file, `write failed, previous file left as it was: ${(e as Error).message}`);
  }
  try {
    const dfd = openSync(dirname(file), 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    /* directory fsync is not supported everywhere; the rename itself has happened */
  }
}

/** Writes a checkpoint of `tensors` (parameters and optimizer state) and `meta` to `file`, atomically. */
export function saveCheckpoint(file: string, tensors: Readonly<Record<string, Tensor>>, meta: CheckpointMeta, io?: AtomicWriteIo): void {
  writeFileAtomic(file, encodeSafetensors(tensors, checkpointMetadata(meta)), io);
}

/** Reads and validates a moec checkpoint; throws a `CheckpointError` naming the file and the problem. */
export function loadCheckpoint(file: string, opts: LoadCheckpointOptions = {}): Checkpoint {
  return checkpointFromContent(readSafetensorsFile(file), file, opts);
}
