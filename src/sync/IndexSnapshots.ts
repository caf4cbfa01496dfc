import { access, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KINDS, type MemoryKind } from '../model/MemoryRecord.js';
import type { IndexSet } from '../index/IndexSet.js';
import type { MemoryIndex } from '../index/MemoryIndex.js';
import { manifestOf, META_FILE, verifyManifest, type Manifest } from './snapshotManifest.js';

/** What a snapshot covers: the dataset it was taken of and the last change entry applied. */
export interface SnapshotMeta {
  datasetId: string;
  position: string;
  writtenAt: number;
}

export interface LoadedSnapshot {
  meta: SnapshotMeta;
  indexes: Record<MemoryKind, MemoryIndex>;
}

/** What meta.json holds: the meta and the manifest of every other file of the snapshot. */
interface StoredMeta extends SnapshotMeta {
  files: Manifest;
}

/**
 * The indexes on disk, so that a restart loads them and replays only the changes since, instead
 * of rebuilding from every hash. One directory holds the current snapshot; a new one is written
 * beside it and swapped in by rename, so a crash never leaves a half-written snapshot current.
 * Its meta.json, written last, lists every other file with its size and SHA-256; a snapshot is
 * read only if its files are exactly those, intact.
 */
export class IndexSnapshots {
  constructor(private readonly dir: string) {}

  private get current(): string {
    return join(this.dir, 'current');
  }

  async write(indexes: IndexSet, meta: SnapshotMeta): Promise<void> {
    const next = join(this.dir, `next-${process.pid}`);
    const old = join(this.dir, `old-${process.pid}`);
    await rm(next, { recursive: true, force: true });
    for (const kind of KINDS) {
      await mkdir(join(next, kind), { recursive: true });
      await indexes.get(kind).save(join(next, kind));
    }
    // Written last: a directory without it is incomplete and never loaded.
    const stored: StoredMeta = { ...meta, files: await manifestOf(next) };
    await writeFile(join(next, META_FILE), JSON.stringify(stored));
    await rm(old, { recursive: true, force: true });
    await rename(this.current, old).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    });
    await rename(next, this.current);
    await rm(old, { recursive: true, force: true });
  }

  /**
   * Clears what writes interrupted by a crash left: `next-<pid>` and `old-<pid>` directories of
   * processes no longer running are removed (a live process's are its write in progress), except
   * that a complete `old-` snapshot is made current again when the crash came between the two
   * renames of a swap and left none. Returns the names removed.
   */
  async recover(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const name of names) {
      const match = /^(next|old)-(\d+)$/.exec(name);
      if (match === null || isRunning(Number(match[2]))) continue;
      const path = join(this.dir, name);
      if (
        match[1] === 'old' &&
        !(await exists(this.current)) &&
        (await exists(join(path, META_FILE)))
      ) {
        await rename(path, this.current);
        continue;
      }
      await rm(path, { recursive: true, force: true });
      removed.push(name);
    }
    return removed;
  }

  /**
   * The current snapshot, or null when there is none. Rejects, saying why, when it cannot be
   * trusted: meta.json unreadable or without a manifest (snapshots of earlier versions have
   * none), a file missing, extra, or not matching its size and SHA-256, or a file the indexes
   * refuse to load (see MemoryIndex.load).
   */
  async read(indexes: IndexSet): Promise<LoadedSnapshot | null> {
    let text: string;
    try {
      text = await readFile(join(this.current, META_FILE), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const stored = parseMeta(text);
    await verifyManifest(this.current, stored.files);
    const [episodic, semantic] = await Promise.all(
      KINDS.map((kind) => indexes.load(kind, join(this.current, kind))),
    );
    if (episodic === undefined || semantic === undefined) return null;
    const meta = {
      datasetId: stored.datasetId,
      position: stored.position,
      writtenAt: stored.writtenAt,
    };
    return { meta, indexes: { episodic, semantic } };
  }
}

/** The meta of meta.json's text; throws unless it has every field and a manifest. */
function parseMeta(text: string): StoredMeta {
  let value: Partial<StoredMeta>;
  try {
    value = JSON.parse(text) as Partial<StoredMeta>;
  } catch {
    throw new Error('snapshot meta.json is not JSON');
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof value.datasetId !== 'string' ||
    typeof value.position !== 'string' ||
    typeof value.writtenAt !== 'number'
  ) {
    throw new Error('snapshot meta.json lacks its fields');
  }
  if (value.files === undefined) {
    throw new Error('snapshot has no checksums (written by an earlier version): unverifiable');
  }
  return value as StoredMeta;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Whether a process of this pid runs (ours or not: EPERM means it exists). */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
