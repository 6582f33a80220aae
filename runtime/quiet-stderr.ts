/**
 * Keeps Dawn's adapter-enumeration warnings ("maxDynamic…PerPipelineLayout artificially reduced
 * from 1000000 to 16 …", printed by Dawn's native code with fprintf(stderr) on every adapter
 * request, with no API to turn them off) away from users: `quietStderr(f)` points file descriptor 2
 * at /dev/null while `f` runs and then points it back at what it was — a terminal, a pipe or a
 * file (reopened in append mode through /proc/self/fd, so nothing already written is overwritten).
 * Node has no dup2, so this uses the POSIX rule that open() returns the lowest free descriptor:
 * with 0 and 1 open, closing 2 and opening a file gives 2. Anything that does not go exactly as
 * planned (no /proc, fd 2 closed, a descriptor below 2 free, a stderr that is a socket — Node's
 * child_process 'pipe' — which /proc cannot reopen) leaves stderr as it was, unsilenced. The gap
 * between closing fd 2 and reopening it is a few microseconds of synchronous calls; another thread
 * of the process opening a file exactly then would take fd 2 (Node runs moec's code on one thread). With
 * MOEC_DEBUG set nothing is silenced. Other writes to stderr while the adapter request is pending
 * (tens of ms, at device acquisition) are discarded too.
 */
import { closeSync, openSync } from 'node:fs';

/** Runs `f` with native writes to fd 2 discarded (unless MOEC_DEBUG is set); stderr is restored before the result is returned. */
export async function quietStderr<T>(f: () => Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  if (env.MOEC_DEBUG !== undefined && env.MOEC_DEBUG !== '' && env.MOEC_DEBUG !== '0') return f();
  let saved: number;
  try {
    saved = openSync('/proc/self/fd/2', 'a');
  } catch {
    return f();
  }
  let nul = -1;
  try {
    closeSync(2);
    nul = openSync('/dev/null', 'a');
  } catch {
    /* restored below */
  }
  try {
    if (nul !== 2) {
      // fd 2 did not become /dev/null. If it is still free (opening /dev/null failed, or a lower
      // descriptor was free), give stderr back; if another thread took it in the gap, it is not ours
      // to close. Then run unsilenced.
      if (nul >= 0) closeSync(nul);
      const back = openSync(`/proc/self/fd/${saved}`, 'a');
      if (back !== 2) closeSync(back);
      closeSync(saved);
      return await f();
    }
    return await f();
  } finally {
    if (nul === 2) restore(saved);
  }
}

/** Closes our /dev/null at fd 2, points fd 2 back at the target of `saved` (the lowest free descriptor again) and closes `saved`. */
function restore(saved: number): void {
  try {
    closeSync(2);
  } catch {
    /* already closed */
  }
  const back = openSync(`/proc/self/fd/${saved}`, 'a');
  if (back !== 2) closeSync(back); // cannot happen while 0 and 1 are open; never leak a descriptor
  closeSync(saved);
}
