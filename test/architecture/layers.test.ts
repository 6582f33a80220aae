/**
 * The layers import downward only (issue 14 item 9): a scan of every relative import line of the
 * source folders builds the folder import matrix and checks it against the layer order
 * ir ← frontend, passes ← compiler ← runtime ← app (frontend and passes sit on ir only). An import
 * that points up or sideways — e.g. runtime importing app, or compiler importing runtime — fails
 * with the file and the line, and so does any folder-level cycle.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** Each folder's layer: an import must point to a strictly lower layer (or stay in its folder). */
const LAYER: Record<string, number> = { ir: 0, frontend: 1, passes: 1, compiler: 2, runtime: 3, app: 4 };

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : /\.(ts|mts)$/.test(name) ? [p] : [];
  });
}

/** Every (from folder, to folder, where) of a relative import crossing folders. */
function crossings(): { from: string; to: string; where: string }[] {
  const out: { from: string; to: string; where: string }[] = [];
  for (const folder of Object.keys(LAYER)) {
    for (const file of sources(join(root, folder))) {
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        for (const m of line.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
          const target = relative(root, normalize(join(dirname(file), m[1]!)));
          const to = target.split(/[\\/]/)[0]!;
          if (to !== folder && to in LAYER) out.push({ from: folder, to, where: `${relative(root, file)}:${i + 1}` });
        }
      });
    }
  }
  return out;
}

describe('layers', () => {
  const edges = crossings();

  it('every cross-folder import points to a lower layer', () => {
    const upward = edges.filter((e) => LAYER[e.to]! >= LAYER[e.from]!).map((e) => `${e.where}: ${e.from} → ${e.to}`);
    expect(upward).toEqual([]);
  });

  it('the folder import matrix has no cycle', () => {
    const matrix = new Map<string, Set<string>>();
    for (const e of edges) (matrix.get(e.from) ?? matrix.set(e.from, new Set()).get(e.from)!).add(e.to);
    const cycles = [...matrix].flatMap(([a, tos]) => [...tos].filter((b) => matrix.get(b)?.has(a)).map((b) => `${a} ⇄ ${b}`));
    expect(cycles).toEqual([]);
    // The scan sees the real structure (not an empty tree): app uses everything below it.
    expect([...(matrix.get('app') ?? [])].sort()).toEqual(['compiler', 'frontend', 'ir', 'passes', 'runtime']);
  });
});
