/**
 * Indirect dispatch plumbing: one kernel writes a folded grid (fold_grid) for a count it reads
 * from a buffer, the next is launched with dispatchWorkgroupsIndirect on that grid and marks the
 * flattened workgroup ids it ran. Only ids below the count may be marked, and every one of them
 * must be, including counts past the 65535 per-dimension limit (folded into y) and zero. The
 * active-expert compaction (several workgroups from 4097 experts on) is checked against a plain
 * loop over random segment offsets.
 */
import { expect, it } from 'vitest';
import { FOLD_GRID_WGSL, type Kernel } from '../../compiler/wgsl/kernel.ts';
import { activeExpertsBlocks, activeExpertsKernels, indirectArgsKernel } from '../../compiler/wgsl/active-experts.ts';
import { readI32, readU32 } from '../../runtime/gpu/buffers.ts';
import { describeGpu, dev, out, rng, run, up } from './gpu.ts';

const writeArgs: Kernel = {
  name: 'write_args',
  wgsl: `@group(0) @binding(0) var<storage, read> count: array<u32>;
@group(0) @binding(1) var<storage, read_write> args: array<u32>;
${FOLD_GRID_WGSL}
@compute @workgroup_size(1) fn main() {
  let g = fold_grid(count[0]);
  args[0] = g.x; args[1] = g.y; args[2] = g.z;
}`,
  bindings: [{ name: 'count', access: 'read' }, { name: 'args', access: 'read_write' }],
  workgroupSize: [1, 1, 1],
  dispatch: [1, 1, 1],
  cacheKey: 'write_args',
};

const mark: Kernel = {
  name: 'mark',
  wgsl: `@group(0) @binding(0) var<storage, read> count: array<u32>;
@group(0) @binding(1) var<storage, read_write> marks: array<u32>;
@compute @workgroup_size(1) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let g = wid.y * nwg.x + wid.x;
  if (g >= count[0]) { return; }
  marks[g] = marks[g] + 1u;
}`,
  bindings: [{ name: 'count', access: 'read' }, { name: 'marks', access: 'read_write' }],
  workgroupSize: [1, 1, 1],
  dispatch: [65535, 65535, 1],
  cacheKey: 'mark',
};

describeGpu('indirect dispatch', () => {
  it('launches exactly the device-written number of workgroups, folded over 65535', async () => {
    for (const count of [0, 1, 777, 65535, 65536, 140001]) {
      const size = 150000;
      const c = up(Uint32Array.of(count));
      const args = out(4);
      const marks = up(new Uint32Array(size));
      await run([
        { kernel: writeArgs, buffers: { count: c, args } },
        { kernel: mark, buffers: { count: c, marks }, indirect: { buffer: args, offset: 0 } },
      ]);
      const m = await readU32(dev(), marks, size);
      const wrong = m.findIndex((v, i) => v !== (i < count ? 1 : 0));
      expect(wrong, `count ${count}: first wrong mark`).toBe(-1);
    }
  });
});

describeGpu('active experts', () => {
  it('lists the non-empty segments in order and sizes a grid by them', async () => {
    const r = rng(7);
    for (const [n, pEmpty] of [[1, 0], [5, 0.5], [256, 0.3], [1000, 0.9], [4096, 0], [4097, 0.5], [65536, 0.999], [131072, 0.7], [300, 1]] as const) {
      const offsets = new Int32Array(n + 1);
      for (let e = 0; e < n; e++) offsets[e + 1] = offsets[e]! + (r() < pEmpty ? 0 : 1 + Math.floor(r() * 3));
      const expected = [...Array(n).keys()].filter((e) => offsets[e + 1]! > offsets[e]!);
      const active = out(n + 1);
      const args = out(4);
      const mult = 3;
      const [count, write] = activeExpertsKernels({ n });
      const offs = up(offsets);
      const blockCounts = out(activeExpertsBlocks(n));
      await run([
        { kernel: count, buffers: { offsets: offs, blockCounts } },
        { kernel: write, buffers: { offsets: offs, blockCounts, activeList: active } },
        { kernel: indirectArgsKernel({ word: 0, multiplier: mult, extra: 1 }), buffers: { counts: active, args } },
      ]);
      const got = await readI32(dev(), active, n + 1);
      expect(got[0], `n ${n}: count`).toBe(expected.length);
      expect([...got.slice(1, 1 + expected.length)], `n ${n}: ids`).toEqual(expected);
      const [x, y, z] = await readU32(dev(), args, 3);
      const groups = expected.length * mult + 1;
      expect(x! <= 65535 && z === 1 && x! * y! >= groups && x! * y! - groups < y!, `n ${n}: grid ${x}x${y}x${z} for ${groups}`).toBe(true);
    }
  });
});
