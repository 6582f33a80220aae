/**
 * The fix a lowering rule names when an expert bank does not fit the storage bindings a kernel may
 * use: split the experts over devices (expert parallelism, `--devices N`: each device binds the
 * [n/N, …] slice of the bank), with the smallest power of two N dividing the experts whose slice
 * fits. Used by the expert rules' refusals, so a one-device compile says what to do instead of only
 * "use fewer experts" (compiler/multi-device/bank-fit.ts does the same for whole programs).
 */

/** A byte count for messages: MiB from 1 MiB up, else KiB from 1 KiB up, else bytes. */
export function formatBytes(b: number): string {
  return b >= 1024 ** 2 ? `${(b / 1024 ** 2).toFixed(2)} MiB` : b >= 1024 ? `${(b / 1024).toFixed(2)} KiB` : `${b} bytes`;
}

/**
 * The advice for a bank of `bytes` over `experts` experts where one device may bind `limit` bytes of
 * it: `split the experts over devices with --devices N (… MiB per device)`, or fewer/smaller experts
 * when no power-of-two split fits.
 */
export function splitAdvice(bytes: number, experts: number, limit: number): string {
  for (let n = 2; experts % n === 0; n *= 2) {
    if (bytes / n <= limit) return `split the experts over devices with --devices ${n} (${formatBytes(bytes / n)} per device; the batch B must be a multiple of ${n})`;
  }
  return 'use fewer or smaller experts';
}
