import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The repository root (the folder holding mnemo's package.json), from src/ or dist/src/. */
export function projectRoot(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('mnemo: cannot find the project root (package.json)');
    dir = parent;
  }
  cached = dir;
  return dir;
}

let version: string | undefined;

/** mnemo's version, as its package.json gives it. */
export function mnemoVersion(): string {
  version ??= (
    JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }
  ).version;
  return version;
}
