import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** One file of a snapshot as its manifest records it. */
export interface ManifestEntry {
  /** SHA-256 of the file's bytes, lowercase hex. */
  sha256: string;
  size: number;
}

/** Every file of a snapshot but meta.json: path relative to the snapshot ('/'-separated). */
export type Manifest = Record<string, ManifestEntry>;

/** The file that holds the manifest, written last; it is not listed in the manifest itself. */
export const META_FILE = 'meta.json';

/** The manifest of the files now under `dir` (meta.json excepted). */
export async function manifestOf(dir: string): Promise<Manifest> {
  const manifest: Manifest = {};
  for (const path of await filesUnder(dir)) {
    manifest[path] = await digest(join(dir, path));
  }
  return manifest;
}

/**
 * Throws, naming the first fault, unless the files under `dir` (meta.json excepted) are exactly
 * those `manifest` lists, each of its size and SHA-256. `manifest` is what meta.json held: it is
 * checked to be a manifest at all. A file changed after this check is not noticed: the check is
 * against corruption at rest, not against a writer racing the reader.
 */
export async function verifyManifest(dir: string, manifest: unknown): Promise<void> {
  if (!isManifest(manifest)) throw new Error('snapshot manifest is malformed');
  const present = await filesUnder(dir);
  const listed = Object.keys(manifest);
  const extra = present.filter((path) => !Object.hasOwn(manifest, path));
  if (extra.length > 0)
    throw new Error(`snapshot holds files not in its manifest: ${extra.join(', ')}`);
  const missing = listed.filter((path) => !present.includes(path));
  if (missing.length > 0)
    throw new Error(`snapshot lacks files of its manifest: ${missing.join(', ')}`);
  for (const path of listed) {
    const expected = manifest[path] as ManifestEntry;
    const size = (await stat(join(dir, path))).size;
    if (size !== expected.size) {
      throw new Error(`snapshot file ${path} has ${size} bytes, its manifest ${expected.size}`);
    }
    if ((await digest(join(dir, path))).sha256 !== expected.sha256) {
      throw new Error(`snapshot file ${path} does not match its SHA-256 in the manifest`);
    }
  }
}

function isManifest(value: unknown): value is Manifest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.values(value).every(
    (entry: unknown) =>
      typeof entry === 'object' &&
      entry !== null &&
      typeof (entry as ManifestEntry).sha256 === 'string' &&
      /^[0-9a-f]{64}$/.test((entry as ManifestEntry).sha256) &&
      Number.isSafeInteger((entry as ManifestEntry).size),
  );
}

/** Paths of every non-directory under `dir`, relative, '/'-separated, meta.json excepted. */
async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const paths: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) paths.push(...(await filesUnder(dir, path)));
    else if (path !== META_FILE) paths.push(path);
  }
  return paths.sort();
}

async function digest(path: string): Promise<ManifestEntry> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}
