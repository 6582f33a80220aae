/**
 * Item 2 of issue 11: a hostile safetensors header cannot make the loader allocate without bound.
 * Each crafted file is loaded in a child process whose peak resident memory (getrusage) is
 * measured: the growth over the RSS just before loading must stay below 2× the file size (plus
 * 24 MiB for the JS heap's own noise), and each file is refused with a message naming its fault.
 * Devices, FIFOs and directories are refused as not regular files. A valid 32 MiB checkpoint is
 * the control: it loads, with the same bound.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync, execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKPOINT_FORMAT, encodeSafetensors } from '../../runtime/checkpoint.ts';
import { tensorType } from '../../ir/types.ts';
import { root, scratch } from './helpers.ts';

const SLACK = 24 * 2 ** 20;

/** A safetensors file with `header` (an object) and `dataBytes` bytes of data (sparse zeros). */
function craft(file: string, header: unknown, dataBytes: number, claimedLength?: bigint): string {
  const json = Buffer.from(JSON.stringify(header));
  const fd = openSync(file, 'w');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(claimedLength ?? BigInt(json.length));
  writeSync(fd, len);
  writeSync(fd, json);
  ftruncateSync(fd, 8 + json.length + dataBytes);
  closeSync(fd);
  return file;
}

function loadInChild(file: string): { ok: boolean; error: string; growth: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'test/faults/load-child.ts'), file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  const line = JSON.parse(r.stdout.trim().split('\n').pop()!) as { ok: boolean; error: string; before: number; peak: number };
  return { ok: line.ok, error: line.error, growth: line.peak - line.before };
}

const meta = { 'moec.format': CHECKPOINT_FORMAT };
const MB4 = 4 * 2 ** 20;

describe('hostile safetensors headers', () => {
  const dir = scratch('headers');
  const cases: { name: string; file: () => string; error: RegExp }[] = [
    {
      name: '300 entries sharing one 4 MiB span',
      file: () => craft(join(dir, 'shared.safetensors'), { __metadata__: meta, ...Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`t${i}`, { dtype: 'F32', shape: [MB4 / 4], data_offsets: [0, MB4] }])) }, MB4),
      error: /overlapping data_offsets/,
    },
    {
      name: '200k tiny entries',
      file: () => craft(join(dir, 'many.safetensors'), { __metadata__: meta, ...Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`t${i}`, { dtype: 'F32', shape: [1], data_offsets: [4 * i, 4 * i + 4] }])) }, 800_000),
      error: /more than 100000 tensors/,
    },
    {
      name: 'a header length of 2^60',
      file: () => craft(join(dir, 'claim.safetensors'), { __metadata__: meta }, 16, 2n ** 60n),
      error: /truncated: the header is \d+ bytes but only \d+ follow/,
    },
    {
      name: 'a 65 MiB header (over the cap)',
      file: () => craft(join(dir, 'bighdr.safetensors'), { __metadata__: meta }, 66 * 2 ** 20, 65n * 2n ** 20n),
      error: /more than moec's limit of 67108864/,
    },
    {
      name: 'a shape of 2^40 × 2^40 elements on a 16-byte span',
      file: () => craft(join(dir, 'huge-shape.safetensors'), { __metadata__: meta, w: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 16] } }, 16),
      error: /needs more than the 16 bytes of the data section/,
    },
    {
      name: 'a span past the end of the data',
      file: () => craft(join(dir, 'past.safetensors'), { __metadata__: meta, w: { dtype: 'F32', shape: [2 ** 20], data_offsets: [0, 2 ** 22] } }, 64),
      error: /needs more than the 64 bytes|out of range/,
    },
    {
      name: 'a hole between spans',
      file: () => craft(join(dir, 'hole.safetensors'), { __metadata__: meta, a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, 12),
      error: /bytes \[4, 8\) of the data section belong to no tensor/,
    },
    {
      name: 'an F64 dtype',
      file: () => craft(join(dir, 'f64.safetensors'), { __metadata__: meta, a: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }, 8),
      error: /unknown dtype "F64"/,
    },
    {
      name: 'a tensor named __proto__ of another shape',
      file: () => craft(join(dir, 'proto.safetensors'), { __metadata__: meta, ['__proto__']: { dtype: 'F32', shape: [2 ** 30], data_offsets: [0, 4] } }, 4),
      error: /tensor __proto__: data_offsets \[0, 4\] span 4 bytes/,
    },
    { name: '/dev/zero', file: () => '/dev/zero', error: /not a regular file \(a device\)/ },
    { name: 'a directory', file: () => dir, error: /not a regular file \(a directory\)/ },
    {
      name: 'a FIFO',
      file: () => {
        const f = join(dir, 'fifo');
        execFileSync('mkfifo', [f]);
        return f;
      },
      error: /not a regular file \(a FIFO\)/,
    },
  ];
  for (const c of cases) {
    it(`refuses ${c.name} with peak memory below 2× the file size`, () => {
      const file = c.file();
      const st = statSync(file);
      const size = st.isFile() ? st.size : 0;
      const r = loadInChild(file);
      expect(r.ok).toBe(false);
      expect(r.error).toMatch(c.error);
      expect(r.growth, `RSS grew by ${r.growth} bytes loading a ${size}-byte file`).toBeLessThan(2 * size + SLACK);
    });
  }

  it('loads a valid 32 MiB checkpoint with peak memory below 2× its size (the control)', () => {
    const n = 8 * 2 ** 20;
    const data = new Float32Array(n);
    for (let i = 0; i < n; i += 4099) data[i] = i;
    const file = join(dir, 'valid.safetensors');
    writeFileSync(file, encodeSafetensors({ w: { type: tensorType('f32', [n]), data } }, { ...meta, 'moec.model_file': 'm.ts', 'moec.model_options': '{}', 'moec.vocabulary': 'null', 'moec.step': '0', 'moec.seed': '0', 'moec.optimizer': 'null', 'moec.data_position': 'null' }));
    const size = statSync(file).size;
    const r = loadInChild(file);
    expect(r.error).toBe('');
    expect(r.ok).toBe(true);
    expect(r.growth).toBeGreaterThan(size / 2); // it really read the data
    expect(r.growth).toBeLessThan(2 * size + SLACK);
  });
});
