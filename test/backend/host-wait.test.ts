/**
 * The calm host waiter (runtime/gpu/host-wait.ts): it settles exactly like the promise it waits
 * for (value, rejection), stops napping once settled, refuses absurd slices, and Node devices get it
 * while the browser path keeps a plain await.
 */
import { describe, expect, it } from 'vitest';
import { createCalmWaiter, plainWait } from '../../runtime/gpu/host-wait.ts';

describe('calm host waiter', () => {
  it('resolves to the awaited value and rejects with the awaited error', async () => {
    const wait = createCalmWaiter(0.25);
    await expect(wait(new Promise((r) => setTimeout(() => r(42), 5)))).resolves.toBe(42);
    await expect(wait(Promise.reject(new Error('device lost')))).rejects.toThrow('device lost');
    expect(await plainWait(Promise.resolve('x'))).toBe('x');
  });

  it('sleeps instead of spinning while a promise settled by a setImmediate poll (as Dawn does) is pending', async () => {
    // A Dawn-like promise: settled by a poll that reschedules itself with setImmediate until 80 ms
    // have passed. Awaited plainly, that loop keeps a core busy for the whole wait; with the calm
    // waiter each turn of the loop naps 0.5 ms, so the process uses a small part of the wall time.
    const dawnLike = (ms: number): Promise<void> =>
      new Promise((resolve) => {
        const end = performance.now() + ms;
        const poll = (): void => (performance.now() >= end ? resolve() : void setImmediate(poll));
        setImmediate(poll);
      });
    const wait = createCalmWaiter(0.5);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await wait(dawnLike(80));
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    expect(wall).toBeGreaterThanOrEqual(79);
    expect((c.user + c.system) / 1000).toBeLessThan(0.5 * wall);
  });

  it('refuses slices outside (0, 10] ms', () => {
    expect(() => createCalmWaiter(0)).toThrow(/slice 0 ms is outside/);
    expect(() => createCalmWaiter(50)).toThrow(/slice 50 ms is outside/);
  });
});
