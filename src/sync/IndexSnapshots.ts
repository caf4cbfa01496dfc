import { access, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KINDS, type MemoryKind } from '../model/MemoryRecord.js';
import type { IndexSet } from '../index/IndexSet.js';
import type { MemoryIndex } from '../index/MemoryIndex.js';

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

/**
 * The indexes on disk, so that a restart loads them and replays only the changes since, instead
 * of rebuilding from every hash. One directory holds the current snapshot; a new one is written
 * beside it and swapped in by rename, so a crash never leaves a half-written snapshot current.
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
    await writeFile(join(next, 'meta.json'), JSON.stringify(meta));
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
        (await exists(join(path, 'meta.json')))
      ) {
        await rename(path, this.current);
        continue;
      }
      await rm(path, { recursive: true, force: true });
      removed.push(name);
    }
    return removed;
  }

  /** The current snapshot, or null when there is none (or it cannot be read). */
  async read(indexes: IndexSet): Promise<LoadedSnapshot | null> {
    let meta: SnapshotMeta;
    try {
      meta = JSON.parse(await readFile(join(this.current, 'meta.json'), 'utf8')) as SnapshotMeta;
    } catch {
      return null;
    }
    const [episodic, semantic] = await Promise.all(
      KINDS.map((kind) => indexes.load(kind, join(this.current, kind))),
    );
    if (episodic === undefined || semantic === undefined) return null;
    return { meta, indexes: { episodic, semantic } };
  }
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
