/**
 * WGSL kernels of the sharded random ops (`shardDropout`, `shardRandomNormal`): the dropout and
 * normal-draw kernels of ./random.ts with the Philox row replaced by the device slice's global row
 * G(l) = shardOffset + ⌊l/rowBlock⌋·rowStride + (l mod rowBlock). The row map is compiled into the
 * source (it is fixed per device program), so each device gets its own pipeline and the draws stay
 * bit-identical to the CPU reference (ir/reference/exchange.ts) and to one device.
 */
import type { RowMap } from '../../ir/reference/exchange.ts';
import type { Kernel } from './kernel.ts';
import { dropoutKernel, randomNormalKernel, type DropoutKernelOptions, type RandomNormalKernelOptions } from './random.ts';

const rowFn = (m: RowMap): string =>
  `fn shard_row(l: u32) -> u32 { return ${m.shardOffset}u + (l / ${m.rowBlock}u) * ${m.rowStride}u + (l % ${m.rowBlock}u); }\n`;

function rewrite(k: Kernel, m: RowMap, from: string, to: string): Kernel {
  if (!k.wgsl.includes(from)) throw new Error(`shard kernel: the ${k.name} template changed (no '${from}'); update compiler/wgsl/shard-random.ts`);
  const at = k.wgsl.indexOf('@compute');
  const wgsl = k.wgsl.slice(0, at) + rowFn(m) + k.wgsl.slice(at).replace(from, to);
  const key = `${m.shardOffset},${m.rowBlock},${m.rowStride}`;
  return { ...k, name: `shard_${k.name}`, wgsl, cacheKey: `shard_${k.cacheKey}(${key})` };
}

/** shardDropout: dropout whose row i / cols is mapped to its global row. */
export function shardDropoutKernel(o: DropoutKernelOptions & RowMap): Kernel {
  return rewrite(dropoutKernel(o), o, 'params.step, i / params.cols, i % params.cols)', 'params.step, shard_row(i / params.cols), i % params.cols)');
}

/** shardRandomNormal: normal draws at the global rows of rowOffset + r. */
export function shardRandomNormalKernel(o: RandomNormalKernelOptions & RowMap): Kernel {
  return rewrite(randomNormalKernel(o), o, 'let row = i / params.cols + params.rowOffset;', 'let row = shard_row(i / params.cols + params.rowOffset);');
}
