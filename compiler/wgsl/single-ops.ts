/**
 * One import point for the standalone (unfused) kernels of single IR ops: the load-balancing
 * statistics (moe-stats.ts: loadEstimate, importance, cvSquared), the RNG/noise elementwise ops
 * (random.ts: dropout, noiseStd, randomNormal) and top-k (topk.ts). Each factory returns a
 * `Kernel` whose shapes and per-run values live in the `params` uniform (one pipeline per
 * template); see the individual files for bindings and exact semantics.
 */
export { loadEstimateKernel, importanceKernel, cvSquaredVectorKernel, type MoeStatsOptions, type CvSquaredVectorOptions } from './moe-stats.ts';
export {
  dropoutKernel,
  noiseStdKernel,
  randomNormalKernel,
  type DropoutKernelOptions,
  type NoiseStdKernelOptions,
  type RandomNormalKernelOptions,
} from './random.ts';
export { topkKernel, type TopkKernelOptions } from './topk.ts';
