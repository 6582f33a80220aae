/**
 * scripts/apt-backports.sh (used by scripts/install-system.sh): the bookworm-backports source is
 * derived from the machine's own Debian source, on sample apt trees written here (no apt run):
 * a one-line sources.list with a local mirror and `[signed-by=…]`, a deb822 debian.sources with
 * comments, several suites and a disabled stanza, a security-only source (refused with the fix),
 * and the check that an existing backports source is detected (so the script stays idempotent).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/apt-backports.sh', import.meta.url));

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'moec-apt-'));
  mkdirSync(join(root, 'etc/apt/sources.list.d'), { recursive: true });
  for (const [path, text] of Object.entries(files)) writeFileSync(join(root, 'etc/apt', path), text);
  return root;
}

function sh(fn: string, root: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync('bash', ['-c', `. "$1"; ${fn} "$2" bookworm`, 'sh', script, root], { encoding: 'utf8' });
}

describe('apt-backports.sh', () => {
  it('derives the backports stanza from a one-line sources.list (mirror and signed-by kept)', () => {
    const root = tree({
      'sources.list': [
        '# local mirror',
        'deb http://security.debian.org/debian-security bookworm-security main',
        'deb [arch=amd64 signed-by=/etc/apt/keyrings/corp.gpg] http://mirror.corp.example/debian bookworm main contrib',
        'deb http://mirror.corp.example/debian bookworm-updates main',
      ].join('\n'),
    });
    const r = sh('backports_stanza', root);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('Types: deb\nURIs: http://mirror.corp.example/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /etc/apt/keyrings/corp.gpg\n');
    expect(sh('has_backports', root).status).not.toBe(0);
  });

  it('reads deb822 .sources: comments, several suites, a disabled stanza skipped', () => {
    const root = tree({
      'sources.list.d/old.sources': 'Types: deb\nURIs: http://disabled.example/debian\nSuites: bookworm\nComponents: main\nEnabled: no\n',
      'sources.list.d/debian.sources': [
        'Types: deb deb-src',
        '# http://snapshot.debian.org/archive/debian/20250520T000000Z',
        'URIs: http://deb.mirror.example/debian http://second.example/debian',
        'Suites: bookworm bookworm-updates',
        'Components: main',
        'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
        '',
        'Types: deb',
        'URIs: http://deb.mirror.example/debian-security',
        'Suites: bookworm-security',
        'Components: main',
        '',
      ].join('\n'),
    });
    const r = sh('backports_stanza', root);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('Types: deb\nURIs: http://deb.mirror.example/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n');
  });

  it('refuses with the fix when no bookworm source is configured, and sees an existing backports source', () => {
    const none = tree({ 'sources.list.d/sec.sources': 'Types: deb\nURIs: http://x.example/debian-security\nSuites: bookworm-security\nComponents: main\n' });
    const r = sh('backports_stanza', none);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no 'bookworm' Debian source .* add a bookworm-backports source yourself/);
    const has = tree({ 'sources.list.d/bookworm-backports.sources': 'Types: deb\nURIs: http://m.example/debian\nSuites: bookworm-backports\nComponents: main\n' });
    expect(sh('has_backports', has).status).toBe(0);
    const hasList = tree({ 'sources.list.d/bp.list': 'deb http://m.example/debian bookworm-backports main\n' });
    expect(sh('has_backports', hasList).status).toBe(0);
  });
});
