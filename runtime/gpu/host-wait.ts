/**
 * Waiting for the GPU without spinning the host. Dawn's Node bindings (the `webgpu` package)
 * settle a pending promise — `mapAsync`, `onSubmittedWorkDone`, `createComputePipelineAsync` — by
 * polling `wgpuInstanceProcessEvents` from a `setImmediate` loop, so while the host awaits one, its
 * main thread runs a core flat out. On a software adapter (lavapipe) that core is one the GPU's own
 * worker threads need: on 2 cores the main thread burned 42 of the 49 ms of a hierarchical training
 * step (65536 experts) and 21 of the 23.5 ms of its 64-expert reference, and with the host asleep
 * the same steps took 30.8 and 19.1 ms. `createCalmWaiter` returns a `wait` that, while its promise
 * is pending, runs a `setImmediate` loop of its own that blocks the main thread for `sliceMs`
 * (`Atomics.wait`) each turn of the event loop, so Dawn's poll runs once per slice and the wait ends
 * at most about one slice after the GPU finishes. Node only: a browser's main thread may not
 * block, and a browser settles WebGPU promises itself (browser devices await plainly).
 */

/** How a host awaits a promise of its GPU device. */
export type HostWait = <T>(p: Promise<T>) => Promise<T>;

/** Awaits plainly (browsers, and whatever does not poll). */
export const plainWait: HostWait = (p) => p;

/**
 * A waiter that sleeps the Node main thread in `sliceMs` slices while a promise is pending (see
 * the file comment). Each waiter owns its sleep cell; concurrent waits each add a slice per turn.
 */
export function createCalmWaiter(sliceMs = 0.25): HostWait {
  if (!(sliceMs > 0) || sliceMs > 10) throw new Error(`host wait: slice ${sliceMs} ms is outside (0, 10] ms`);
  const cell = new Int32Array(new SharedArrayBuffer(4));
  return async <T>(p: Promise<T>): Promise<T> => {
    let pending = true;
    const nap = (): void => {
      if (!pending) return;
      Atomics.wait(cell, 0, 0, sliceMs);
      setImmediate(nap);
    };
    setImmediate(nap);
    try {
      return await p;
    } finally {
      pending = false;
    }
  };
}
