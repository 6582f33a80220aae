/**
 * The one GEMM generator: `gemmKernel(problem, schedule, sizes)` turns a GEMM problem
 * (compiler/wgsl/gemm/problem.ts: batch, row indirection, operand layouts, epilogue) and a loop
 * schedule into a kernel through the kernel-definition API (compiler/wgsl/program.ts). Two
 * schedules: `stream` (compiler/wgsl/gemm/stream.ts: no workgroup memory, every invocation owns
 * rows × column quads of C in registers, A per lane or shared by subgroup broadcast) and `tiled`
 * (compiler/wgsl/gemm/tiled.ts: A and B tiles staged through workgroup memory, a register tile per
 * invocation). Every GEMM of the system — dense matmul (matmul.ts), the grouped expert GEMMs
 * (expert-ffn.ts, expert-rows.ts), the segment TN GEMM of the expert weight gradients (segment.ts)
 * — is one problem under one schedule; their template files only choose the problem, the schedule
 * and the tile sizes. Whatever the schedule, each output is one in-order fma chain over k from 0
 * (or from C when accumulating), then bias, then relu: schedules and tile sizes never change the bits.
 */
import type { Kernel } from '../kernel.ts';
import { defineProgram } from '../program.ts';
import { gemmBindings, gemmHelpersWgsl, gemmProblemError, gemmUniformValues, gemmUniforms, type GemmProblem, type GemmSizes, type GemmVectors } from './problem.ts';
import { streamGemm, type StreamSchedule } from './stream.ts';
import { tiledGemm, type TiledSchedule } from './tiled.ts';

/** A loop schedule with its tile sizes. */
export type GemmSchedule = StreamSchedule | TiledSchedule;

/** What a schedule generates for a problem: the module after the declarations, its vectors, launch shape. */
export interface GemmParts {
  /** WGSL after the generated declarations and the problem's helpers: constants, workgroup variables, `fn main`. */
  readonly source: string;
  readonly vectors: GemmVectors;
  readonly workgroupSize: number;
  readonly grid: readonly [number, number, number];
  /** WGSL extensions the module enables (`subgroups`). */
  readonly enables?: readonly string[];
}

/** The kernel of `problem` under `schedule` for `sizes` (M, N, K and the batch's block counts). */
export function gemmKernel(problem: GemmProblem, schedule: GemmSchedule, sizes: GemmSizes): Kernel {
  const bad = gemmProblemError(problem);
  if (bad !== undefined) throw new Error(`GEMM generator: ${bad}`);
  const parts = schedule.kind === 'stream' ? streamGemm(problem, schedule, sizes) : tiledGemm(problem, schedule, sizes);
  const program = defineProgram({
    name: problem.name,
    bindings: gemmBindings(problem, parts.vectors),
    uniforms: gemmUniforms(problem),
    workgroupSize: parts.workgroupSize,
    source: `${gemmHelpersWgsl(problem, parts.vectors)}${parts.source}`,
  });
  const kernel = program.kernel(parts.grid, gemmUniformValues(problem, sizes));
  const enables = parts.enables ?? [];
  if (enables.length === 0) return kernel;
  // Enable directives must precede every declaration, so they go in front of the generated module.
  return { ...kernel, wgsl: `${enables.map((e) => `enable ${e};`).join('\n')}\n${kernel.wgsl}`, cacheKey: `${kernel.cacheKey}:${enables.join('+')}` };
}
