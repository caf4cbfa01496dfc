import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The repository root: the nearest folder above this file holding a package.json. Children are
 * started there, the protos are read from its proto/ and results written under it.
 */
export function repoRoot(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('bench: cannot find the repository root (package.json)');
    dir = parent;
  }
  cached = dir;
  return dir;
}
