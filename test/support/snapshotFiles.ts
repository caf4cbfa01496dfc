import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Byte offsets of the fields of an hnswlib saveIndex header that tests corrupt. */
export const HEADER = {
  count: 16,
  perElement: 24,
  labelOffset: 32,
  offsetData: 40,
  maxM0: 64,
  bytes: 96,
} as const;

/** The layout of a saved graph, read from its header. */
export interface GraphLayout {
  count: number;
  perElement: number;
  labelOffset: number;
  offsetData: number;
  maxM0: number;
}

export function graphLayout(graph: Buffer): GraphLayout {
  const field = (offset: number) => Number(graph.readBigUInt64LE(offset));
  return {
    count: field(HEADER.count),
    perElement: field(HEADER.perElement),
    labelOffset: field(HEADER.labelOffset),
    offsetData: field(HEADER.offsetData),
    maxM0: field(HEADER.maxM0),
  };
}

/** Byte offset of element `i`'s level-0 record (link count, links, vector, label). */
export function elementAt(layout: GraphLayout, i: number): number {
  return HEADER.bytes + i * layout.perElement;
}

/** Every file under `dir`, relative, '/'-separated, meta.json excepted. */
export function snapshotFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.filter((path) => path !== 'meta.json').sort();
}

/** Rewrites meta.json's manifest to match the files now in `dir` (as a consistent forger would). */
export function recomputeManifest(dir: string): void {
  const metaPath = join(dir, 'meta.json');
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Record<string, unknown>;
  const files: Record<string, { sha256: string; size: number }> = {};
  for (const path of snapshotFiles(dir)) {
    const bytes = readFileSync(join(dir, path));
    files[path] = { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
  }
  writeFileSync(metaPath, JSON.stringify({ ...meta, files }));
}
