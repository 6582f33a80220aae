/**
 * Yields to the event loop for one turn, in Node and in a browser: `setImmediate` where it exists
 * (Node: signals such as Ctrl-C are delivered between turns), else a MessageChannel message (a
 * browser: repaints and input get a turn, without setTimeout's 4 ms clamp). No state is kept
 * between calls.
 */

/** Resolves after the current event-loop turn. */
export function nextTurn(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  if (immediate) return new Promise<void>((resolve) => void immediate(resolve));
  return new Promise<void>((resolve) => {
    const ch = new MessageChannel();
    const port = ch.port1 as unknown as { onmessage: (() => void) | null; close(): void };
    port.onmessage = () => {
      port.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}
