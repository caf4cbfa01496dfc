import type { MemoryKind } from '../model/MemoryRecord.js';

/** Every Redis key mnemo uses, built under one configurable prefix. */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** The hash of one memory: `{prefix}episodic:{id}` / `{prefix}semantic:{id}`. */
  memory(kind: MemoryKind, id: string): string {
    return `${this.prefix}${kind}:${id}`;
  }

  /** The key prefix of one kind's hashes (the FT.CREATE `PREFIX`). */
  memoryPrefix(kind: MemoryKind): string {
    return `${this.prefix}${kind}:`;
  }

  /** SCAN pattern matching every hash of one kind. */
  memoryPattern(kind: MemoryKind): string {
    return `${escapeGlob(this.memoryPrefix(kind))}*`;
  }

  /** The change stream: one entry per write of memories, followed by every instance. */
  changes(): string {
    return `${this.prefix}mnemo:changes`;
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
