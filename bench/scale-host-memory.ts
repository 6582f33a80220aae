/**
 * The scale benchmark's host-memory guard for configurations that run on several GPUDevices:
 * lavapipe's buffers live in host RAM, shared with other jobs, so before anything is allocated the
 * worker compares what the configuration needs — the device plans' peaks summed plus the host copy
 * of the parameters it uploads — with the benchmark's byte cap and with 80% of the host's free
 * memory, and refuses with the numbers instead of being killed out of memory half-way.
 */
import { freemem } from 'node:os';

const gib = (b: number): string => `${(b / 2 ** 30).toFixed(2)} GiB`;

/** Share of the free host memory a configuration may plan to use. */
export const HOST_MEMORY_SHARE = 0.8;

/**
 * Throws a `skipped: …` message when `deviceBytes` (the device plans' peaks, summed) plus
 * `hostBytes` (the parameters held on the host) exceed `maxBytes` or HOST_MEMORY_SHARE of `free`.
 */
export function checkHostMemory(devices: number, deviceBytes: number, hostBytes: number, maxBytes: number, free: number = freemem()): void {
  const need = deviceBytes + hostBytes;
  const what = `${devices} device plans need ${gib(deviceBytes)} plus ${gib(hostBytes)} of host parameters, ${gib(need)} in all`;
  if (need > maxBytes) throw new Error(`skipped: ${what}, more than the benchmark's cap of ${gib(maxBytes)} (raise it with --max-gib)`);
  if (need > HOST_MEMORY_SHARE * free) throw new Error(`skipped: ${what}, more than ${HOST_MEMORY_SHARE * 100}% of the host's free memory (${gib(free)}); not run, to avoid an out-of-memory kill`);
}
