/**
 * Dawn's adapter-enumeration warnings ("maxDynamic…PerPipelineLayout artificially reduced …",
 * printed by Dawn's native code on every adapter request) do not reach a user's stderr when it is a
 * terminal, a file or a shell pipe — a file that already holds text keeps it, and later lines follow
 * it — and do with MOEC_DEBUG set, which on lavapipe shows that Dawn really prints them (so the
 * first check can fail). A stderr that is a socket (what Node's child_process gives a child for
 * 'pipe') cannot be reopened through /proc, so there the warnings stay and nothing else changes.
 * Spawns the CLI (through sh, so its stderr is a real pipe) and a script that acquires a device.
 */
import { expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeGpu, dev } from './gpu.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const WARNING = /artificially reduced/;
// stderr through a shell pipe (2>&1 >&3 | cat >&2 would be more exact; `2>&1 | cat` keeps it simple: the JSON and stderr share the pipe)
const run = (env: NodeJS.ProcessEnv) =>
  spawnSync('sh', ['-c', `${JSON.stringify(process.execPath)} bin/moec.js run examples/lstm-moe-lm.ts --backend webgpu --json 2>&1 >/dev/null | cat >&2`], { cwd: root, encoding: 'utf8', timeout: 180_000, env });

describeGpu('Dawn warnings', () => {
  it('are not on the stderr of moec run, and are with MOEC_DEBUG=1 (lavapipe)', () => {
    const quiet = run({ ...process.env, MOEC_DEBUG: '' });
    expect(quiet.status, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toMatch(WARNING);
    if (/llvmpipe/.test(dev().info.description)) {
      const debug = run({ ...process.env, MOEC_DEBUG: '1' });
      expect(debug.status, debug.stderr).toBe(0);
      expect(debug.stderr).toMatch(WARNING);
    }
  }, 400_000);

  it('stay on a socket stderr (cannot be reopened), and the run is otherwise unchanged', () => {
    const r = spawnSync(process.execPath, ['bin/moec.js', 'run', 'examples/lstm-moe-lm.ts', '--backend', 'webgpu', '--json'], { cwd: root, encoding: 'utf8', timeout: 180_000, env: { ...process.env, MOEC_DEBUG: '' } });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).backend).toBe('webgpu');
  }, 400_000);

  it('leave a stderr file’s earlier content in place and later writes after it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'moec-stderr-'));
    const script = join(dir, 'acquire.mts');
    writeFileSync(
      script,
      `import { acquireDevice } from ${JSON.stringify(join(root, 'runtime/device.ts'))};\nprocess.stderr.write('before\\n');\nconst d = await acquireDevice();\nprocess.stderr.write(d ? 'after: device\\n' : 'after: none\\n');\nprocess.exit(0);\n`,
    );
    const file = join(dir, 'err.log');
    writeFileSync(file, 'earlier line\n');
    const fd = openSync(file, 'a');
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: ['ignore', 'ignore', fd], timeout: 180_000, env: { ...process.env, MOEC_DEBUG: '' } });
    closeSync(fd);
    expect(r.status).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('earlier line\nbefore\nafter: device\n');
  }, 400_000);
});
